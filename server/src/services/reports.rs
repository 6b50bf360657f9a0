//! The inventory and donor reports, computed with grouped sums in the database.

use std::collections::BTreeMap;

use app::Quantity;
use app::ledger::Kind;
use app::reports::{DonorRow, InventoryRow, KindTotal};
use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::parse_kind;
use crate::entities::{distribution, donation};

/// `CAST(SUM(column) AS BIGINT)`: PostgreSQL sums a bigint into a numeric otherwise.
fn sum_of(column: impl sea_orm::sea_query::IntoColumnRef) -> sea_orm::sea_query::SimpleExpr {
    Func::cast_as(Func::sum(Expr::col(column)), Alias::new("bigint")).into()
}

fn totals_by_kind(rows: Vec<(String, i64)>) -> Result<BTreeMap<Kind, i64>, DbErr> {
    rows.into_iter()
        .map(|(kind, total)| Ok((parse_kind(&kind)?, total)))
        .collect()
}

/// Donated, distributed and balance of every kind, counting records dated on or before `as_of`.
pub async fn inventory(
    db: &DatabaseConnection,
    as_of: Option<NaiveDate>,
) -> Result<Vec<InventoryRow>, DbErr> {
    let mut donated = donation::Entity::find()
        .select_only()
        .column(donation::Column::Kind)
        .expr(sum_of(donation::Column::Quantity))
        .group_by(donation::Column::Kind);
    let mut distributed = distribution::Entity::find()
        .select_only()
        .column(distribution::Column::Kind)
        .expr(sum_of(distribution::Column::Quantity))
        .group_by(distribution::Column::Kind);
    if let Some(day) = as_of {
        donated = donated.filter(donation::Column::DonatedOn.lte(day));
        distributed = distributed.filter(distribution::Column::DistributedOn.lte(day));
    }
    let donated = totals_by_kind(donated.into_tuple().all(db).await?)?;
    let distributed = totals_by_kind(distributed.into_tuple().all(db).await?)?;
    Ok(Kind::ALL
        .into_iter()
        .map(|kind| {
            let came_in = donated.get(&kind).copied().unwrap_or(0);
            let went_out = distributed.get(&kind).copied().unwrap_or(0);
            InventoryRow {
                kind,
                donated: Quantity::from_hundredths(came_in),
                distributed: Quantity::from_hundredths(went_out),
                balance: Quantity::from_hundredths(came_in - went_out),
            }
        })
        .collect())
}

/// One row per donor (names equal after trimming and ignoring case), ordered by name.
pub async fn donors(db: &DatabaseConnection) -> Result<Vec<DonorRow>, DbErr> {
    let groups: Vec<(String, String, String, i64, NaiveDate, NaiveDate, i64)> =
        donation::Entity::find()
            .select_only()
            .column(donation::Column::DonorKey)
            .expr(Func::min(Expr::col(donation::Column::DonorName)))
            .column(donation::Column::Kind)
            .expr(Func::cast_as(
                Func::count(Expr::col(donation::Column::Id)),
                Alias::new("bigint"),
            ))
            .expr(Func::min(Expr::col(donation::Column::DonatedOn)))
            .expr(Func::max(Expr::col(donation::Column::DonatedOn)))
            .expr(sum_of(donation::Column::Quantity))
            .group_by(donation::Column::DonorKey)
            .group_by(donation::Column::Kind)
            .order_by_asc(donation::Column::DonorKey)
            .into_tuple()
            .all(db)
            .await?;

    let mut donors: Vec<(String, DonorRow)> = Vec::new();
    for (key, name, kind, count, first, last, total) in groups {
        let total = KindTotal {
            kind: parse_kind(&kind)?,
            quantity: Quantity::from_hundredths(total),
        };
        let count = u64::try_from(count).unwrap_or_default();
        match donors.last_mut() {
            Some((last_key, row)) if *last_key == key => {
                row.donations += count;
                row.first_donated_on = row.first_donated_on.min(first);
                row.last_donated_on = row.last_donated_on.max(last);
                row.donor_name = row.donor_name.clone().min(name);
                row.totals.push(total);
            }
            _ => donors.push((
                key,
                DonorRow {
                    donor_name: name,
                    donations: count,
                    first_donated_on: first,
                    last_donated_on: last,
                    totals: vec![total],
                },
            )),
        }
    }
    Ok(donors
        .into_iter()
        .map(|(_, mut row)| {
            row.totals.sort_by_key(|total| total.kind);
            row
        })
        .collect())
}
