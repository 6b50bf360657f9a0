//! Business rules, each inside a database transaction, independent of HTTP.

pub mod accounts;
pub mod aggregates;
pub mod archive;
pub mod audit;
pub mod balance;
pub mod covid;
pub mod data_reports;
pub mod greeting;
pub mod ledger;
pub mod low_stock;
pub mod passwords;
pub mod reports;
pub mod settings;
pub mod shop;

use app::paging::Paging;
use chrono::{Days, NaiveDate};
use futures_util::{Stream, TryStreamExt, stream};
use sea_orm::IntoSimpleExpr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Order,
    PaginatorTrait, QueryOrder, Select,
};
use tokio::sync::mpsc;

use crate::clock::start_of;

/// Rows an export reads ahead of the client downloading it, in chunks of this many.
const EXPORT_CHUNK: usize = 500;

/// Reads a kind stored by this server; anything else means the database was edited by hand.
pub fn parse_kind(text: &str) -> Result<app::ledger::Kind, DbErr> {
    text.parse()
        .map_err(|_| DbErr::Type(format!("unknown kind {text:?} in the database")))
}

/// The database's id for an id from a URL: ids are 32-bit in the database, so a larger one names
/// no record, and is `missing`.
pub fn record_id<E>(id: i64, missing: E) -> Result<i32, E> {
    i32::try_from(id).map_err(|_| missing)
}

/// The rows of one page of `select`, in the order it already has, and the rows in all pages.
pub async fn fetch_page<E>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    paging: Paging,
) -> Result<(Vec<E::Model>, u64), DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let paginator = select.paginate(db, paging.per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(paging.page - 1).await?;
    Ok((rows, total))
}

/// The timestamps in `column` that fall on the UTC days `from` to `to`, each end included when
/// given: the whole of the last day, up to the start of the next one (if the calendar has one).
pub fn within_days<C: ColumnTrait>(
    column: C,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Condition {
    let mut condition = Condition::all();
    if let Some(from) = from {
        condition = condition.add(column.gte(start_of(from)));
    }
    if let Some(next) = to.and_then(|to| to.checked_add_days(Days::new(1))) {
        condition = condition.add(column.lt(start_of(next)));
    }
    condition
}

/// `select` sorted by `key`, in descending order if `descending`; rows that tie go by `id` in the
/// same direction, so that every page of a sorted list is the same each time it is read.
pub fn sorted<E: EntityTrait>(
    select: Select<E>,
    key: impl IntoSimpleExpr,
    descending: bool,
    id: E::Column,
) -> Select<E> {
    let order = if descending { Order::Desc } else { Order::Asc };
    select.order_by(key, order.clone()).order_by(id, order)
}

/// Every row `select` picks, in its order, in chunks: read by one query whose rows come as the
/// reader takes them, so an export of any size holds one chunk in memory and sees one snapshot.
/// A reader that stops (a cancelled download) ends the query.
pub fn in_chunks<E>(
    db: DatabaseConnection,
    select: Select<E>,
) -> impl Stream<Item = Result<Vec<E::Model>, DbErr>> + Send + 'static
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let (chunks, mut received) = mpsc::channel(2);
    tokio::spawn(async move {
        let read = async {
            let mut rows = select.stream(&db).await?;
            let mut chunk = Vec::with_capacity(EXPORT_CHUNK);
            while let Some(row) = rows.try_next().await? {
                chunk.push(row);
                if chunk.len() == EXPORT_CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(EXPORT_CHUNK));
                    if chunks.send(Ok(full)).await.is_err() {
                        return Ok(());
                    }
                }
            }
            if !chunk.is_empty() {
                chunks.send(Ok(chunk)).await.ok();
            }
            Ok(())
        };
        if let Err(error) = read.await {
            chunks.send(Err(error)).await.ok();
        }
    });
    // A closed channel answers every later poll with the end again, as a response compressor
    // may poll once more after the end.
    stream::poll_fn(move |context| received.poll_recv(context))
}
