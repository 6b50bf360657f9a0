//! The inventory and donor reports, read from the totals the ledger keeps (see
//! [`super::aggregates`]).

use std::collections::{BTreeMap, HashMap};

use app::Quantity;
use app::ledger::Kind;
use app::paging::Page;
use app::reports::{
    DonorColumn, DonorReceipt, DonorRow, DonorsQuery, InventoryRow, KindTotal, ReceiptLine,
};
use app::stock::stock_state;
use chrono::NaiveDate;
use futures_util::{Stream, stream};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::aggregates::sum_of;
use super::ledger::{donor_key, like_pattern};
use super::{fetch_page, parse_kind, settings};
use crate::entities::{
    donation, donor_kind_total, donor_total, ledger_daily_total, stock_threshold,
};

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
    let thresholds = stock_threshold::Entity::find().all(db).await?;
    Ok(Kind::ALL
        .into_iter()
        .map(|kind| {
            let (came_in, went_out) = totals.get(&kind).copied().unwrap_or_default();
            let balance = Quantity::from_hundredths(came_in - went_out);
            let threshold = thresholds
                .iter()
                .find(|row| row.kind == kind.as_str())
                .map(|row| Quantity::from_hundredths(row.threshold));
            InventoryRow {
                kind,
                donated: Quantity::from_hundredths(came_in),
                distributed: Quantity::from_hundredths(went_out),
                balance,
                threshold,
                state: stock_state(balance, threshold),
            }
        })
        .collect())
}

/// One page of the donor report in the query's order, of the donors whose name contains
/// `query.q` in any case. Reads the page's rows of the donor totals and their kinds, nothing more.
pub async fn donors(db: &DatabaseConnection, query: &DonorsQuery) -> Result<Page<DonorRow>, DbErr> {
    let mut select = donor_total::Entity::find();
    if let Some(text) = query
        .q
        .as_deref()
        .map(donor_key)
        .filter(|text| !text.is_empty())
    {
        select = select.filter(donor_total::Column::DonorKey.like(like_pattern(&text)));
    }
    let sort = query.sort();
    let order = if sort.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    select = match sort.key {
        DonorColumn::Name => select,
        DonorColumn::Total => select.order_by(donor_total::Column::Quantity, order.clone()),
        DonorColumn::LastDonation => {
            select.order_by(donor_total::Column::LastDonatedOn, order.clone())
        }
    };
    // By name last: as the first order, or between donors that tie on it, A to Z.
    let name_order = match sort.key {
        DonorColumn::Name => order,
        DonorColumn::Total | DonorColumn::LastDonation => Order::Asc,
    };
    select = select.order_by(donor_total::Column::DonorKey, name_order);
    let paging = query.paging();
    let (rows, total) = fetch_page(db, select, paging).await?;
    Ok(Page::new(with_kind_totals(db, rows).await?, total, paging))
}

/// Every donor by name, `size` at a time, each chunk read when the stream is polled: the donor
/// CSV is written as it is read and never held whole. Each chunk is its own query, continuing
/// after the last name of the one before.
pub fn donors_in_chunks(
    db: DatabaseConnection,
    size: u64,
) -> impl Stream<Item = Result<Vec<DonorRow>, DbErr>> {
    // `None` once the last chunk is out; else the key to continue after (none at the start).
    let start: Option<Option<String>> = Some(None);
    stream::try_unfold(start, move |cursor| {
        let db = db.clone();
        async move {
            let Some(after) = cursor else {
                return Ok(None);
            };
            let mut select = donor_total::Entity::find()
                .order_by_asc(donor_total::Column::DonorKey)
                .limit(size);
            if let Some(key) = after {
                select = select.filter(donor_total::Column::DonorKey.gt(key));
            }
            let rows = select.all(&db).await?;
            if rows.is_empty() {
                return Ok(None);
            }
            let next =
                (rows.len() as u64 == size).then(|| rows.last().map(|row| row.donor_key.clone()));
            Ok(Some((with_kind_totals(&db, rows).await?, next)))
        }
    })
}

/// The report rows of `rows`, with their per-kind totals read for these donors only.
async fn with_kind_totals(
    db: &DatabaseConnection,
    rows: Vec<donor_total::Model>,
) -> Result<Vec<DonorRow>, DbErr> {
    let mut totals: HashMap<String, Vec<KindTotal>> = HashMap::new();
    if !rows.is_empty() {
        let keys = rows.iter().map(|row| row.donor_key.clone());
        let kinds = donor_kind_total::Entity::find()
            .filter(donor_kind_total::Column::DonorKey.is_in(keys))
            .all(db)
            .await?;
        for row in kinds {
            totals.entry(row.donor_key).or_default().push(KindTotal {
                kind: parse_kind(&row.kind)?,
                quantity: Quantity::from_hundredths(row.quantity),
            });
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut totals = totals.remove(&row.donor_key).unwrap_or_default();
            totals.sort_by_key(|total| total.kind);
            DonorRow {
                donor_name: row.donor_name,
                donations: u64::try_from(row.donations).unwrap_or_default(),
                first_donated_on: row.first_donated_on,
                last_donated_on: row.last_donated_on,
                totals,
            }
        })
        .collect())
}

/// What `donor` (case and surrounding spaces ignored) gave from `from` to `to`, both included,
/// with the organisation's details. Reads the donor's donations themselves, not the totals, as
/// the totals are kept per donor and kind but not per day; the index on the donor key keeps it
/// to that donor's rows.
pub async fn donor_receipt(
    db: &DatabaseConnection,
    donor: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<DonorReceipt, DbErr> {
    let rows = donation::Entity::find()
        .filter(donation::Column::DonorKey.eq(donor_key(donor)))
        .filter(donation::Column::DonatedOn.between(from, to))
        .order_by_asc(donation::Column::DonatedOn)
        .order_by_asc(donation::Column::Id)
        .all(db)
        .await?;
    // Sums of hundredths, exact; a donor's few hundred rows a year are summed here rather than
    // in a second query.
    let mut sums: BTreeMap<Kind, i64> = BTreeMap::new();
    let mut donations = Vec::with_capacity(rows.len());
    for row in rows {
        let kind = parse_kind(&row.kind)?;
        *sums.entry(kind).or_default() += row.quantity;
        donations.push(ReceiptLine {
            donated_on: row.donated_on,
            kind,
            quantity: Quantity::from_hundredths(row.quantity),
            note: row.note,
        });
    }
    let money_total = Quantity::from_hundredths(sums.get(&Kind::Money).copied().unwrap_or(0));
    Ok(DonorReceipt {
        organisation: settings::organisation(db).await?,
        donor_name: donor.trim().to_owned(),
        from,
        to,
        donations,
        totals: sums
            .into_iter()
            .map(|(kind, hundredths)| KindTotal {
                kind,
                quantity: Quantity::from_hundredths(hundredths),
            })
            .collect(),
        money_total,
    })
}
