//! Totals the reports read instead of every record: per kind and day (`ledger_daily_totals`), per
//! donor (`donor_totals`) and per donor and kind (`donor_kind_totals`).
//!
//! Every ledger write adjusts them in its own transaction, after writing the record, through
//! [`AggregateChange`]. Sums and counts move by atomic upserts (`x = x + excluded.x`), never by a
//! read followed by a write, so concurrent writers on SQLite and PostgreSQL cannot lose each
//! other's changes. A donor's name and first and last dates cannot be taken back by a delta, so a
//! donor that loses the donation that set one of them has its row recomputed from its donations
//! (see [`take_from_donor`]). [`differences`] checks all of it against the records; [`rebuild`]
//! rewrites it from them.

use std::collections::BTreeMap;
use std::fmt;

use app::Quantity;
use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, IntoIden, OnConflict, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Set,
};

use crate::entities::{distribution, donation, donor_kind_total, donor_total, ledger_daily_total};
use crate::{database, migration};

/// `table.column + excluded.column`: the stored value plus the one an upsert brings.
fn plus_excluded(table: impl IntoIden, column: impl IntoIden + Copy) -> SimpleExpr {
    Expr::col((table, column)).add(Expr::col((Alias::new("excluded"), column)))
}

/// The lesser (or, with `greater`, the greater) of the stored value and the one an upsert brings.
/// `CASE` rather than `MIN`/`LEAST`, which SQLite and PostgreSQL spell differently; the comparison
/// uses the column's collation, as the `MIN` and `MAX` of [`recompute_donor`] do.
fn keep_extreme(
    table: impl IntoIden + Copy,
    column: impl IntoIden + Copy,
    greater: bool,
) -> SimpleExpr {
    let stored = Expr::col((table, column));
    let brought = Expr::col((Alias::new("excluded"), column));
    let better = if greater {
        brought.clone().gt(stored.clone())
    } else {
        brought.clone().lt(stored.clone())
    };
    Expr::case(better, brought).finally(stored).into()
}

/// `CAST(SUM(column) AS BIGINT)`: PostgreSQL sums a bigint into a numeric otherwise.
pub(crate) fn sum_of(column: impl sea_orm::sea_query::IntoColumnRef) -> SimpleExpr {
    Func::cast_as(Func::sum(Expr::col(column)), Alias::new("bigint")).into()
}

/// `CAST(COUNT(column) AS BIGINT)`, an `i64` on both databases.
fn count_of(column: impl sea_orm::sea_query::IntoColumnRef) -> SimpleExpr {
    Func::cast_as(Func::count(Expr::col(column)), Alias::new("bigint")).into()
}

/// The part of one or more donations, all spelling the donor's name alike, in their donor's row.
#[derive(Debug, Clone)]
struct DonorPart {
    name: String,
    donations: i64,
    quantity: i64,
    first: NaiveDate,
    last: NaiveDate,
}

impl DonorPart {
    fn of(record: &donation::Model) -> Self {
        Self {
            name: record.donor_name.clone(),
            donations: 1,
            quantity: record.quantity,
            first: record.donated_on,
            last: record.donated_on,
        }
    }

    /// `parts` with those of one spelling of the name made one, so that a write of many
    /// donations (an import) upserts a donor's row once per spelling rather than once per
    /// donation. Spellings stay apart: which one the row shows is the database's to choose, by
    /// its collation, as [`recompute_donor`] does.
    fn merged(parts: Vec<DonorPart>) -> Vec<DonorPart> {
        let mut by_name: BTreeMap<String, DonorPart> = BTreeMap::new();
        for part in parts {
            match by_name.get_mut(&part.name) {
                Some(merged) => {
                    merged.donations += part.donations;
                    merged.quantity += part.quantity;
                    merged.first = Ord::min(merged.first, part.first);
                    merged.last = Ord::max(merged.last, part.last);
                }
                None => {
                    by_name.insert(part.name.clone(), part);
                }
            }
        }
        by_name.into_values().collect()
    }
}

/// The donations one write adds to and takes from one donor.
#[derive(Debug, Default)]
struct DonorChange {
    added: Vec<DonorPart>,
    removed: Vec<DonorPart>,
}

/// How one ledger write changes the aggregates, applied by [`AggregateChange::apply`] after the
/// record itself is written.
#[derive(Debug, Default)]
pub struct AggregateChange {
    /// (kind, day) -> (donated, distributed), hundredths.
    daily: BTreeMap<(String, NaiveDate), (i64, i64)>,
    /// (donor key, kind) -> (donations, quantity).
    donor_kinds: BTreeMap<(String, String), (i64, i64)>,
    donors: BTreeMap<String, DonorChange>,
}

impl AggregateChange {
    pub fn donation_added(mut self, record: &donation::Model) -> Self {
        self.donation(record, 1);
        let donor = self.donors.entry(record.donor_key.clone()).or_default();
        donor.added.push(DonorPart::of(record));
        self
    }

    pub fn donation_removed(mut self, record: &donation::Model) -> Self {
        self.donation(record, -1);
        let donor = self.donors.entry(record.donor_key.clone()).or_default();
        donor.removed.push(DonorPart::of(record));
        self
    }

    pub fn distribution_added(mut self, record: &distribution::Model) -> Self {
        self.distribution(record, 1);
        self
    }

    pub fn distribution_removed(mut self, record: &distribution::Model) -> Self {
        self.distribution(record, -1);
        self
    }

    fn donation(&mut self, record: &donation::Model, sign: i64) {
        let day = self
            .daily
            .entry((record.kind.clone(), record.donated_on))
            .or_default();
        day.0 += sign * record.quantity;
        let donor = self
            .donor_kinds
            .entry((record.donor_key.clone(), record.kind.clone()))
            .or_default();
        donor.0 += sign;
        donor.1 += sign * record.quantity;
    }

    fn distribution(&mut self, record: &distribution::Model, sign: i64) {
        let day = self
            .daily
            .entry((record.kind.clone(), record.distributed_on))
            .or_default();
        day.1 += sign * record.quantity;
    }

    /// Applies the change inside the write's transaction `txn`, after the record is written.
    /// Rows are visited table by table in key order: a fixed lock order, so concurrent writers
    /// on PostgreSQL cannot deadlock each other.
    pub async fn apply(self, txn: &impl ConnectionTrait) -> Result<(), DbErr> {
        for ((kind, day), (donated, distributed)) in self.daily {
            if (donated, distributed) == (0, 0) {
                continue;
            }
            add_to_day(txn, &kind, day, donated, distributed).await?;
        }
        for ((key, kind), (donations, quantity)) in self.donor_kinds {
            if (donations, quantity) == (0, 0) {
                continue;
            }
            add_to_donor_kind(txn, &key, &kind, donations, quantity).await?;
        }
        for (key, change) in self.donors {
            if change.removed.is_empty() {
                for part in DonorPart::merged(change.added) {
                    add_to_donor(txn, &key, part).await?;
                }
            } else {
                take_from_donor(txn, &key, change).await?;
            }
        }
        Ok(())
    }
}

async fn add_to_day(
    txn: &impl ConnectionTrait,
    kind: &str,
    day: NaiveDate,
    donated: i64,
    distributed: i64,
) -> Result<(), DbErr> {
    use ledger_daily_total::{ActiveModel, Column, Entity};
    Entity::insert(ActiveModel {
        kind: Set(kind.to_owned()),
        day: Set(day),
        donated: Set(donated),
        distributed: Set(distributed),
    })
    .on_conflict(
        OnConflict::columns([Column::Kind, Column::Day])
            .value(Column::Donated, plus_excluded(Entity, Column::Donated))
            .value(
                Column::Distributed,
                plus_excluded(Entity, Column::Distributed),
            )
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    if donated < 0 || distributed < 0 {
        // Every record's quantity is positive, so a day at zero has no records left.
        Entity::delete_many()
            .filter(Column::Kind.eq(kind))
            .filter(Column::Day.eq(day))
            .filter(Column::Donated.eq(0))
            .filter(Column::Distributed.eq(0))
            .exec(txn)
            .await?;
    }
    Ok(())
}

async fn add_to_donor_kind(
    txn: &impl ConnectionTrait,
    key: &str,
    kind: &str,
    donations: i64,
    quantity: i64,
) -> Result<(), DbErr> {
    use donor_kind_total::{ActiveModel, Column, Entity};
    Entity::insert(ActiveModel {
        donor_key: Set(key.to_owned()),
        kind: Set(kind.to_owned()),
        donations: Set(donations),
        quantity: Set(quantity),
    })
    .on_conflict(
        OnConflict::columns([Column::DonorKey, Column::Kind])
            .value(Column::Donations, plus_excluded(Entity, Column::Donations))
            .value(Column::Quantity, plus_excluded(Entity, Column::Quantity))
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    if donations < 0 {
        Entity::delete_many()
            .filter(Column::DonorKey.eq(key))
            .filter(Column::Kind.eq(kind))
            .filter(Column::Donations.eq(0))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Adds donations to their donor's row, by an upsert.
async fn add_to_donor(txn: &impl ConnectionTrait, key: &str, part: DonorPart) -> Result<(), DbErr> {
    use donor_total::{ActiveModel, Column, Entity};
    Entity::insert(ActiveModel {
        donor_key: Set(key.to_owned()),
        donor_name: Set(part.name),
        donations: Set(part.donations),
        quantity: Set(part.quantity),
        first_donated_on: Set(part.first),
        last_donated_on: Set(part.last),
    })
    .on_conflict(
        OnConflict::column(Column::DonorKey)
            .value(Column::Donations, plus_excluded(Entity, Column::Donations))
            .value(Column::Quantity, plus_excluded(Entity, Column::Quantity))
            .value(
                Column::DonorName,
                keep_extreme(Entity, Column::DonorName, false),
            )
            .value(
                Column::FirstDonatedOn,
                keep_extreme(Entity, Column::FirstDonatedOn, false),
            )
            .value(
                Column::LastDonatedOn,
                keep_extreme(Entity, Column::LastDonatedOn, true),
            )
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Takes the removed donations off one donor's row and adds the added ones (all already written
/// to the donations table).
///
/// The row is locked first, by an upsert that touches it (or, were it missing, creates a stand-in
/// from a removed donation), and only then read. Counts and sums then move by the difference. A
/// name or date cannot be taken back by a difference, so when a removed donation was on the
/// donor's first or last day, or spelled the name shown, the row is recomputed from the donor's
/// donations instead (see [`recompute_donor`]).
async fn take_from_donor(
    txn: &impl ConnectionTrait,
    key: &str,
    change: DonorChange,
) -> Result<(), DbErr> {
    use donor_total::{ActiveModel, Column, Entity};
    let Some(stand_in) = change.removed.first() else {
        return Ok(());
    };
    Entity::insert(ActiveModel {
        donor_key: Set(key.to_owned()),
        donor_name: Set(stand_in.name.clone()),
        donations: Set(0),
        quantity: Set(0),
        first_donated_on: Set(stand_in.first),
        last_donated_on: Set(stand_in.last),
    })
    .on_conflict(
        OnConflict::column(Column::DonorKey)
            .value(Column::Donations, Expr::col((Entity, Column::Donations)))
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;

    let row = Entity::find_by_id(key.to_owned()).one(txn).await?;
    let needs_recompute = row.is_none_or(|row| {
        row.donations == 0
            || change.removed.iter().any(|part| {
                part.first == row.first_donated_on
                    || part.last == row.last_donated_on
                    || part.name == row.donor_name
            })
    });
    if needs_recompute {
        return recompute_donor(txn, key).await;
    }
    let count: i64 = change.removed.iter().map(|part| part.donations).sum();
    let quantity: i64 = change.removed.iter().map(|part| part.quantity).sum();
    Entity::update_many()
        .col_expr(Column::Donations, Expr::col(Column::Donations).sub(count))
        .col_expr(Column::Quantity, Expr::col(Column::Quantity).sub(quantity))
        .filter(Column::DonorKey.eq(key))
        .exec(txn)
        .await?;
    for part in change.added {
        add_to_donor(txn, key, part).await?;
    }
    Ok(())
}

/// Rewrites one donor's row, locked by the caller, from its donations. Being locked before the
/// donations are read is what keeps this exact under concurrent writes: a write that got the row
/// first has committed by then, so its donation is counted (PostgreSQL reads each statement as of
/// its start); one that comes later waits for this transaction and then adds its own difference
/// to what is written here.
async fn recompute_donor(txn: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    use donor_total::{ActiveModel, Entity};
    let row = donor_rows(donation::Entity::find().filter(donation::Column::DonorKey.eq(key)))
        .one(txn)
        .await?;
    match row {
        Some(row) if row.donations > 0 => {
            Entity::update(ActiveModel {
                donor_key: Set(key.to_owned()),
                donor_name: Set(row.donor_name),
                donations: Set(row.donations),
                quantity: Set(row.quantity),
                first_donated_on: Set(row.first_donated_on),
                last_donated_on: Set(row.last_donated_on),
            })
            .exec(txn)
            .await?;
        }
        _ => {
            Entity::delete_by_id(key.to_owned()).exec(txn).await?;
        }
    }
    Ok(())
}

/// `select` of donations grouped into donor rows. A donor with no donations is no group at all.
fn donor_rows(
    select: sea_orm::Select<donation::Entity>,
) -> sea_orm::Selector<sea_orm::SelectModel<donor_total::Model>> {
    select
        .select_only()
        .column_as(donation::Column::DonorKey, "donor_key")
        .column_as(
            SimpleExpr::from(Func::min(Expr::col(donation::Column::DonorName))),
            "donor_name",
        )
        .column_as(count_of(donation::Column::Id), "donations")
        .column_as(sum_of(donation::Column::Quantity), "quantity")
        .column_as(
            SimpleExpr::from(Func::min(Expr::col(donation::Column::DonatedOn))),
            "first_donated_on",
        )
        .column_as(
            SimpleExpr::from(Func::max(Expr::col(donation::Column::DonatedOn))),
            "last_donated_on",
        )
        .group_by(donation::Column::DonorKey)
        .into_model::<donor_total::Model>()
}

/// Every aggregate row, as stored or as the records give them.
#[derive(Debug, Default)]
pub struct Aggregates {
    daily: BTreeMap<(String, NaiveDate), (i64, i64)>,
    donors: BTreeMap<String, donor_total::Model>,
    donor_kinds: BTreeMap<(String, String), (i64, i64)>,
}

/// The aggregates as the records give them.
async fn from_records(db: &impl ConnectionTrait) -> Result<Aggregates, DbErr> {
    let mut aggregates = Aggregates::default();
    let donated: Vec<(String, NaiveDate, i64)> = donation::Entity::find()
        .select_only()
        .column(donation::Column::Kind)
        .column(donation::Column::DonatedOn)
        .expr(sum_of(donation::Column::Quantity))
        .group_by(donation::Column::Kind)
        .group_by(donation::Column::DonatedOn)
        .into_tuple()
        .all(db)
        .await?;
    for (kind, day, quantity) in donated {
        aggregates.daily.entry((kind, day)).or_default().0 += quantity;
    }
    let distributed: Vec<(String, NaiveDate, i64)> = distribution::Entity::find()
        .select_only()
        .column(distribution::Column::Kind)
        .column(distribution::Column::DistributedOn)
        .expr(sum_of(distribution::Column::Quantity))
        .group_by(distribution::Column::Kind)
        .group_by(distribution::Column::DistributedOn)
        .into_tuple()
        .all(db)
        .await?;
    for (kind, day, quantity) in distributed {
        aggregates.daily.entry((kind, day)).or_default().1 += quantity;
    }
    for row in donor_rows(donation::Entity::find()).all(db).await? {
        aggregates.donors.insert(row.donor_key.clone(), row);
    }
    let donor_kinds: Vec<(String, String, i64, i64)> = donation::Entity::find()
        .select_only()
        .column(donation::Column::DonorKey)
        .column(donation::Column::Kind)
        .expr(count_of(donation::Column::Id))
        .expr(sum_of(donation::Column::Quantity))
        .group_by(donation::Column::DonorKey)
        .group_by(donation::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    for (key, kind, donations, quantity) in donor_kinds {
        aggregates
            .donor_kinds
            .insert((key, kind), (donations, quantity));
    }
    Ok(aggregates)
}

/// The aggregates as stored.
async fn stored(db: &impl ConnectionTrait) -> Result<Aggregates, DbErr> {
    let mut aggregates = Aggregates::default();
    for row in ledger_daily_total::Entity::find().all(db).await? {
        aggregates
            .daily
            .insert((row.kind, row.day), (row.donated, row.distributed));
    }
    for row in donor_total::Entity::find().all(db).await? {
        aggregates.donors.insert(row.donor_key.clone(), row);
    }
    for row in donor_kind_total::Entity::find().all(db).await? {
        aggregates
            .donor_kinds
            .insert((row.donor_key, row.kind), (row.donations, row.quantity));
    }
    Ok(aggregates)
}

/// One aggregate row that differs from what the records give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub table: &'static str,
    pub key: String,
    /// `None` when the row is missing.
    pub stored: Option<String>,
    pub expected: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |value: &Option<String>| value.clone().unwrap_or_else(|| "no row".to_owned());
        write!(
            f,
            "{} {}: stored {}, records give {}",
            self.table,
            self.key,
            show(&self.stored),
            show(&self.expected)
        )
    }
}

fn amount(hundredths: i64) -> Quantity {
    Quantity::from_hundredths(hundredths)
}

/// The rows of `stored` and `expected` that differ, each described by `describe`.
fn compare<K: Ord, V: PartialEq>(
    table: &'static str,
    stored: &BTreeMap<K, V>,
    expected: &BTreeMap<K, V>,
    key: impl Fn(&K) -> String,
    describe: impl Fn(&V) -> String,
    differences: &mut Vec<Difference>,
) {
    let mut keys: Vec<&K> = stored.keys().chain(expected.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let (have, want) = (stored.get(k), expected.get(k));
        if have != want {
            differences.push(Difference {
                table,
                key: key(k),
                stored: have.map(&describe),
                expected: want.map(&describe),
            });
        }
    }
}

/// Every aggregate row that differs from what the records give; none when all is well. Both are
/// read from one snapshot, so writes made meanwhile cannot show up as differences.
pub async fn differences(db: &DatabaseConnection) -> Result<Vec<Difference>, DbErr> {
    let txn = database::snapshot(db).await?;
    let (have, want) = (stored(&txn).await?, from_records(&txn).await?);
    txn.commit().await?;
    let mut differences = Vec::new();
    compare(
        "ledger_daily_totals",
        &have.daily,
        &want.daily,
        |(kind, day)| format!("{kind} {day}"),
        |(donated, distributed)| {
            format!(
                "donated {} distributed {}",
                amount(*donated),
                amount(*distributed)
            )
        },
        &mut differences,
    );
    compare(
        "donor_totals",
        &have.donors,
        &want.donors,
        |key| format!("{key:?}"),
        |row| {
            format!(
                "name {:?}, {} donations, quantity {}, {} to {}",
                row.donor_name,
                row.donations,
                amount(row.quantity),
                row.first_donated_on,
                row.last_donated_on
            )
        },
        &mut differences,
    );
    compare(
        "donor_kind_totals",
        &have.donor_kinds,
        &want.donor_kinds,
        |(key, kind)| format!("{key:?} {kind}"),
        |(donations, quantity)| format!("{donations} donations, quantity {}", amount(*quantity)),
        &mut differences,
    );
    Ok(differences)
}

/// Replaces every aggregate row with what the records give, inside the caller's transaction (a
/// restore, which writes the records without the ledger's services). The statements are the ones
/// the migration that made these tables filled them with: the database groups the records
/// itself, so a rebuild takes no memory in the server however many records there are.
pub async fn rebuild(txn: &impl ConnectionTrait) -> Result<(), DbErr> {
    ledger_daily_total::Entity::delete_many().exec(txn).await?;
    donor_total::Entity::delete_many().exec(txn).await?;
    donor_kind_total::Entity::delete_many().exec(txn).await?;
    for statement in migration::AGGREGATES_FROM_RECORDS {
        txn.execute_unprepared(statement).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn donation(donor: &str, kind: &str, quantity: i64, on: &str) -> donation::Model {
        let now = chrono::Utc::now();
        donation::Model {
            id: 1,
            donor_name: donor.to_owned(),
            donor_key: donor.trim().to_lowercase(),
            kind: kind.to_owned(),
            quantity,
            donated_on: day(on),
            note: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    #[test]
    fn a_correction_on_the_same_day_kind_and_donor_moves_only_the_difference() {
        let change = AggregateChange::default()
            .donation_removed(&donation("Ada", "food", 500, "2025-01-01"))
            .donation_added(&donation("ada", "food", 700, "2025-01-01"));
        assert_eq!(
            change.daily,
            BTreeMap::from([(("food".to_owned(), day("2025-01-01")), (200, 0))])
        );
        assert_eq!(
            change.donor_kinds,
            BTreeMap::from([(("ada".to_owned(), "food".to_owned()), (0, 200))])
        );
        let donor = &change.donors["ada"];
        assert_eq!((donor.added.len(), donor.removed.len()), (1, 1));
    }

    #[test]
    fn a_correction_to_another_donor_kind_and_day_leaves_one_and_joins_the_other() {
        let change = AggregateChange::default()
            .donation_removed(&donation("Ada", "food", 500, "2025-01-01"))
            .donation_added(&donation("Bea", "money", 700, "2025-02-01"));
        assert_eq!(
            change.daily,
            BTreeMap::from([
                (("food".to_owned(), day("2025-01-01")), (-500, 0)),
                (("money".to_owned(), day("2025-02-01")), (700, 0)),
            ])
        );
        assert_eq!(
            change.donor_kinds,
            BTreeMap::from([
                (("ada".to_owned(), "food".to_owned()), (-1, -500)),
                (("bea".to_owned(), "money".to_owned()), (1, 700)),
            ])
        );
        assert!(change.donors["ada"].added.is_empty());
        assert!(change.donors["bea"].removed.is_empty());
    }
}
