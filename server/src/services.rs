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
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, Select};

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
