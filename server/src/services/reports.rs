//! The inventory and donor reports, read from the totals the ledger keeps (see
//! [`super::aggregates`]).

use std::collections::BTreeMap;

use app::Quantity;
use app::ledger::Kind;
use app::reports::{DonorRow, InventoryRow, KindTotal};
use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, Func};

use super::aggregates::sum_of;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::parse_kind;
use crate::entities::{donation, ledger_daily_total};

fn totals_by_kind(rows: Vec<(String, i64, i64)>) -> Result<BTreeMap<Kind, (i64, i64)>, DbErr> {
    rows.into_iter()
        .map(|(kind, donated, distributed)| Ok((parse_kind(&kind)?, (donated, distributed))))
        .collect()
}

/// Donated, distributed and balance of every kind, counting records dated on or before `as_of`:
/// a sum over the daily totals (a few thousand rows for years of records), not over the records.
pub async fn inventory(
    db: &DatabaseConnection,
    as_of: Option<NaiveDate>,
) -> Result<Vec<InventoryRow>, DbErr> {
    let mut sums = ledger_daily_total::Entity::find()
        .select_only()
        .column(ledger_daily_total::Column::Kind)
        .expr(sum_of(ledger_daily_total::Column::Donated))
        .expr(sum_of(ledger_daily_total::Column::Distributed))
        .group_by(ledger_daily_total::Column::Kind);
    if let Some(day) = as_of {
        sums = sums.filter(ledger_daily_total::Column::Day.lte(day));
    }
    let totals = totals_by_kind(sums.into_tuple().all(db).await?)?;
    Ok(Kind::ALL
        .into_iter()
        .map(|kind| {
            let (came_in, went_out) = totals.get(&kind).copied().unwrap_or_default();
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
