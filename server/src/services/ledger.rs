//! Recording and correcting donations and distributions.
//!
//! Every write runs in one transaction that adjusts the stock balance with a conditional update
//! (see [`BalanceChange`]) and, once the record is written, the reports' totals (see
//! [`AggregateChange`]), so a refused write changes nothing. A correction starts by touching the
//! record's `updated_at`: that write takes the record's lock first (a row lock on PostgreSQL, the
//! write lock on SQLite), so the values read next cannot change before the transaction commits.

use app::Quantity;
use app::ledger::{
    Distribution, Donation, LedgerColumn, LedgerQuery, NewDistribution, NewDonation,
};
use app::paging::Page;
use chrono::NaiveDate;
use futures_util::{Stream, TryStreamExt, future};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, PrimaryKeyTrait, QueryFilter, Select, Set,
};

use super::aggregates::AggregateChange;
use super::audit::{self, Actor, Event};
use super::balance::{BalanceChange, BalanceError};
use super::{fetch_page, in_chunks, parse_kind, record_id, sorted};
use crate::clock::now;
use crate::database;
use crate::entities::{distribution, donation};

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("record not found")]
    NotFound,
    #[error("the record has changed since the version the change was made from")]
    Stale,
    #[error(transparent)]
    Balance(#[from] BalanceError),
}

impl From<DbErr> for LedgerError {
    fn from(error: DbErr) -> Self {
        LedgerError::Balance(BalanceError::Db(error))
    }
}

fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

/// The key that groups a donor's donations: names equal after trimming and ignoring case.
pub(crate) fn donor_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn to_donation(model: donation::Model) -> Result<Donation, DbErr> {
    Ok(Donation {
        id: model.id.into(),
        donor_name: model.donor_name,
        kind: parse_kind(&model.kind)?,
        quantity: Quantity::from_hundredths(model.quantity),
        donated_on: model.donated_on,
        note: model.note,
        created_at: model.created_at,
        updated_at: model.updated_at,
        version: i64::from(model.version),
    })
}

fn to_distribution(model: distribution::Model) -> Result<Distribution, DbErr> {
    Ok(Distribution {
        id: model.id.into(),
        kind: parse_kind(&model.kind)?,
        quantity: Quantity::from_hundredths(model.quantity),
        distributed_on: model.distributed_on,
        recipient: model.recipient,
        note: model.note,
        created_at: model.created_at,
        updated_at: model.updated_at,
        version: i64::from(model.version),
    })
}

fn fill_donation(model: &mut donation::ActiveModel, input: NewDonation, today: NaiveDate) {
    let name = input.donor_name.trim().to_owned();
    model.donor_key = Set(donor_key(&name));
    model.donor_name = Set(name);
    model.kind = Set(input.kind.as_str().to_owned());
    model.quantity = Set(input.quantity.hundredths());
    model.donated_on = Set(input.donated_on.unwrap_or(today));
    model.note = Set(trimmed(input.note));
}

fn fill_distribution(
    model: &mut distribution::ActiveModel,
    input: NewDistribution,
    today: NaiveDate,
) {
    model.kind = Set(input.kind.as_str().to_owned());
    model.quantity = Set(input.quantity.hundredths());
    model.distributed_on = Set(input.distributed_on.unwrap_or(today));
    model.recipient = Set(trimmed(input.recipient));
    model.note = Set(trimmed(input.note));
}

/// Records a donation; `input` must already be validated.
pub async fn record_donation(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewDonation,
    today: NaiveDate,
) -> Result<Donation, LedgerError> {
    let txn = database::write(db).await?;
    BalanceChange::default()
        .add(input.kind, input.quantity.hundredths())
        .apply(&txn)
        .await?;
    let now = now();
    let mut model = donation::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    fill_donation(&mut model, input, today);
    let stored = model.insert(&txn).await?;
    AggregateChange::default()
        .donation_added(&stored)
        .apply(&txn)
        .await?;
    audit::record(&txn, actor, Event::created(&stored)).await?;
    txn.commit().await?;
    Ok(to_donation(stored)?)
}

/// Records every one of `inputs` (already validated) in one transaction, or none of them: the
/// donations go in a few hundred rows a statement, the stock and the reports' totals move once
/// for all, and each donation gets its own event in the history, so that the history of any one
/// of them says who imported it, as for a donation entered by hand. Returns how many were added.
pub async fn record_donations(
    db: &DatabaseConnection,
    actor: &Actor,
    inputs: Vec<NewDonation>,
    today: NaiveDate,
) -> Result<u64, LedgerError> {
    // Ten columns a row keep each statement well under SQLite's 32,766 parameters.
    const ROWS_PER_STATEMENT: usize = 500;
    let txn = database::write(db).await?;
    let balance = inputs
        .iter()
        .fold(BalanceChange::default(), |change, input| {
            change.add(input.kind, input.quantity.hundredths())
        });
    balance.apply(&txn).await?;
    let now = now();
    let models: Vec<donation::ActiveModel> = inputs
        .into_iter()
        .map(|input| {
            let mut model = donation::ActiveModel {
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            fill_donation(&mut model, input, today);
            model
        })
        .collect();
    let mut stored = Vec::with_capacity(models.len());
    for chunk in models.chunks(ROWS_PER_STATEMENT) {
        stored.extend(
            donation::Entity::insert_many(chunk.to_vec())
                .exec_with_returning(&txn)
                .await?,
        );
    }
    stored
        .iter()
        .fold(AggregateChange::default(), AggregateChange::donation_added)
        .apply(&txn)
        .await?;
    audit::record_all(&txn, actor, stored.iter().map(Event::created)).await?;
    txn.commit().await?;
    Ok(stored.len() as u64)
}

/// Records a distribution unless it would take more than is in stock.
pub async fn record_distribution(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewDistribution,
    today: NaiveDate,
) -> Result<Distribution, LedgerError> {
    let txn = database::write(db).await?;
    BalanceChange::default()
        .add(input.kind, -input.quantity.hundredths())
        .apply(&txn)
        .await?;
    let now = now();
    let mut model = distribution::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    fill_distribution(&mut model, input, today);
    let stored = model.insert(&txn).await?;
    AggregateChange::default()
        .distribution_added(&stored)
        .apply(&txn)
        .await?;
    audit::record(&txn, actor, Event::created(&stored)).await?;
    txn.commit().await?;
    Ok(to_distribution(stored)?)
}

/// Takes the lock of one record by touching its `updated_at` (see the module docs), then reads it.
/// The columns [`claim`] works on.
struct Claimed<C> {
    id: C,
    updated_at: C,
    version: C,
}

const DONATION: Claimed<donation::Column> = Claimed {
    id: donation::Column::Id,
    updated_at: donation::Column::UpdatedAt,
    version: donation::Column::Version,
};

const DISTRIBUTION: Claimed<distribution::Column> = Claimed {
    id: distribution::Column::Id,
    updated_at: distribution::Column::UpdatedAt,
    version: distribution::Column::Version,
};

async fn claim<E>(
    txn: &impl ConnectionTrait,
    id: i32,
    columns: Claimed<E::Column>,
    expected: Option<i32>,
) -> Result<E::Model, LedgerError>
where
    E: EntityTrait,
    E::PrimaryKey: PrimaryKeyTrait<ValueType = i32>,
{
    // The version check is part of the same conditional update: of two changes made from one
    // version, only the first gets through.
    let mut update = E::update_many()
        .col_expr(columns.updated_at, Expr::value(now()))
        .col_expr(columns.version, Expr::col(columns.version).add(1))
        .filter(columns.id.eq(id));
    if let Some(version) = expected {
        update = update.filter(columns.version.eq(version));
    }
    if update.exec(txn).await?.rows_affected == 0 {
        return match E::find_by_id(id).one(txn).await? {
            Some(_) => Err(LedgerError::Stale),
            None => Err(LedgerError::NotFound),
        };
    }
    E::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(LedgerError::NotFound)
}

/// Replaces a donation; refused when the stock it added has already been handed out.
/// With `expected`, only when the donation is still at that version.
pub async fn update_donation(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    input: NewDonation,
    today: NaiveDate,
) -> Result<Donation, LedgerError> {
    let id = record_id(id, LedgerError::NotFound)?;
    let txn = database::write(db).await?;
    let old = claim::<donation::Entity>(&txn, id, DONATION, expected).await?;
    BalanceChange::default()
        .add(parse_kind(&old.kind)?, -old.quantity)
        .add(input.kind, input.quantity.hundredths())
        .apply(&txn)
        .await?;
    let mut model: donation::ActiveModel = old.clone().into();
    fill_donation(&mut model, input, today);
    model.updated_at = Set(now());
    let stored = model.update(&txn).await?;
    AggregateChange::default()
        .donation_removed(&old)
        .donation_added(&stored)
        .apply(&txn)
        .await?;
    audit::record(&txn, actor, Event::updated(&old, &stored)).await?;
    txn.commit().await?;
    Ok(to_donation(stored)?)
}

/// Deletes a donation; refused when the stock it added has already been handed out.
pub async fn delete_donation(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
) -> Result<(), LedgerError> {
    let id = record_id(id, LedgerError::NotFound)?;
    let txn = database::write(db).await?;
    let old = claim::<donation::Entity>(&txn, id, DONATION, None).await?;
    BalanceChange::default()
        .add(parse_kind(&old.kind)?, -old.quantity)
        .apply(&txn)
        .await?;
    donation::Entity::delete_by_id(id).exec(&txn).await?;
    AggregateChange::default()
        .donation_removed(&old)
        .apply(&txn)
        .await?;
    audit::record(&txn, actor, Event::deleted(&old)).await?;
    txn.commit().await?;
    Ok(())
}

/// Replaces a distribution; refused when the new one takes more than is in stock.
/// With `expected`, only when the distribution is still at that version.
pub async fn update_distribution(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    input: NewDistribution,
    today: NaiveDate,
) -> Result<Distribution, LedgerError> {
    let id = record_id(id, LedgerError::NotFound)?;
    let txn = database::write(db).await?;
    let old = claim::<distribution::Entity>(&txn, id, DISTRIBUTION, expected).await?;
    BalanceChange::default()
        .add(parse_kind(&old.kind)?, old.quantity)
        .add(input.kind, -input.quantity.hundredths())
        .apply(&txn)
        .await?;
    let mut model: distribution::ActiveModel = old.clone().into();
    fill_distribution(&mut model, input, today);
    model.updated_at = Set(now());
    let stored = model.update(&txn).await?;
    AggregateChange::default()
        .distribution_removed(&old)
        .distribution_added(&stored)
        .apply(&txn)
        .await?;
    audit::record(&txn, actor, Event::updated(&old, &stored)).await?;
    txn.commit().await?;
    Ok(to_distribution(stored)?)
}

/// Deletes a distribution, returning its quantity to stock.
pub async fn delete_distribution(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
) -> Result<(), LedgerError> {
    let id = record_id(id, LedgerError::NotFound)?;
    let txn = database::write(db).await?;
    let old = claim::<distribution::Entity>(&txn, id, DISTRIBUTION, None).await?;
    BalanceChange::default()
        .add(parse_kind(&old.kind)?, old.quantity)
        .apply(&txn)
        .await?;
    distribution::Entity::delete_by_id(id).exec(&txn).await?;
    AggregateChange::default()
        .distribution_removed(&old)
        .apply(&txn)
        .await?;
    audit::record(&txn, actor, Event::deleted(&old)).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn get_donation(db: &DatabaseConnection, id: i64) -> Result<Donation, LedgerError> {
    let model = donation::Entity::find_by_id(record_id(id, LedgerError::NotFound)?)
        .one(db)
        .await?;
    Ok(to_donation(model.ok_or(LedgerError::NotFound)?)?)
}

pub async fn get_distribution(
    db: &DatabaseConnection,
    id: i64,
) -> Result<Distribution, LedgerError> {
    let model = distribution::Entity::find_by_id(record_id(id, LedgerError::NotFound)?)
        .one(db)
        .await?;
    Ok(to_distribution(model.ok_or(LedgerError::NotFound)?)?)
}

/// Kind and date-range filters shared by both lists.
fn ledger_filter<C: ColumnTrait>(query: &LedgerQuery, kind: C, date: C) -> Condition {
    let mut condition = Condition::all();
    if let Some(value) = query.kind {
        condition = condition.add(kind.eq(value.as_str()));
    }
    if let Some(from) = query.from {
        condition = condition.add(date.gte(from));
    }
    if let Some(to) = query.to {
        condition = condition.add(date.lte(to));
    }
    condition
}

/// Escapes `%`, `_` and `\` so that a search text matches only itself.
pub(crate) fn like_pattern(text: &str) -> LikeExpr {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// The donations `query` selects, in its order, all pages together.
fn donations(query: &LedgerQuery) -> Select<donation::Entity> {
    use donation::Column;
    let mut condition = ledger_filter(query, Column::Kind, Column::DonatedOn);
    if let Some(donor) = query
        .donor
        .as_deref()
        .map(donor_key)
        .filter(|key| !key.is_empty())
    {
        condition = condition.add(Column::DonorKey.like(like_pattern(&donor)));
    }
    let sort = query.sort();
    let select = donation::Entity::find().filter(condition);
    match sort.key {
        LedgerColumn::Date => sorted(select, Column::DonatedOn, sort.descending, Column::Id),
        LedgerColumn::Name => sorted(select, Column::DonorKey, sort.descending, Column::Id),
        LedgerColumn::Kind => sorted(select, Column::Kind, sort.descending, Column::Id),
        LedgerColumn::Quantity => sorted(select, Column::Quantity, sort.descending, Column::Id),
    }
}

/// The distributions `query` selects, in its order, all pages together. A distribution without
/// a recipient sorts as an empty name.
fn distributions(query: &LedgerQuery) -> Select<distribution::Entity> {
    use distribution::Column;
    let mut condition = ledger_filter(query, Column::Kind, Column::DistributedOn);
    let recipient_key = Func::coalesce([
        Expr::expr(Func::lower(Expr::col(Column::Recipient))),
        Expr::val(""),
    ]);
    if let Some(recipient) = query
        .recipient
        .as_deref()
        .map(donor_key)
        .filter(|key| !key.is_empty())
    {
        condition = condition.add(Expr::expr(recipient_key.clone()).like(like_pattern(&recipient)));
    }
    let sort = query.sort();
    let select = distribution::Entity::find().filter(condition);
    match sort.key {
        LedgerColumn::Date => sorted(select, Column::DistributedOn, sort.descending, Column::Id),
        LedgerColumn::Name => sorted(
            select,
            Expr::expr(recipient_key),
            sort.descending,
            Column::Id,
        ),
        LedgerColumn::Kind => sorted(select, Column::Kind, sort.descending, Column::Id),
        LedgerColumn::Quantity => sorted(select, Column::Quantity, sort.descending, Column::Id),
    }
}

pub async fn list_donations(
    db: &DatabaseConnection,
    query: &LedgerQuery,
) -> Result<Page<Donation>, DbErr> {
    let paging = query.paging();
    let (rows, total) = fetch_page(db, donations(query), paging).await?;
    let items = rows
        .into_iter()
        .map(to_donation)
        .collect::<Result<_, _>>()?;
    Ok(Page::new(items, total, paging))
}

pub async fn list_distributions(
    db: &DatabaseConnection,
    query: &LedgerQuery,
) -> Result<Page<Distribution>, DbErr> {
    let paging = query.paging();
    let (rows, total) = fetch_page(db, distributions(query), paging).await?;
    let items = rows
        .into_iter()
        .map(to_distribution)
        .collect::<Result<_, _>>()?;
    Ok(Page::new(items, total, paging))
}

/// Every donation `query` selects, whatever its page, in its order: for the CSV file.
pub fn export_donations(
    db: DatabaseConnection,
    query: &LedgerQuery,
) -> impl Stream<Item = Result<Vec<Donation>, DbErr>> + Send + 'static {
    in_chunks(db, donations(query))
        .and_then(|rows| future::ready(rows.into_iter().map(to_donation).collect()))
}

/// Every distribution `query` selects, whatever its page, in its order: for the CSV file.
pub fn export_distributions(
    db: DatabaseConnection,
    query: &LedgerQuery,
) -> impl Stream<Item = Result<Vec<Distribution>, DbErr>> + Send + 'static {
    in_chunks(db, distributions(query))
        .and_then(|rows| future::ready(rows.into_iter().map(to_distribution).collect()))
}

/// Whether nothing has been recorded yet (the demo data only fills an empty ledger).
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(donation::Entity::find().count(db).await? == 0
        && distribution::Entity::find().count(db).await? == 0)
}
