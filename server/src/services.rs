//! Business rules, each inside a database transaction, independent of HTTP.

pub mod accounts;
pub mod archive;
pub mod covid;
pub mod data_reports;
pub mod greeting;
pub mod ledger;
pub mod passwords;
pub mod reports;
pub mod shop;
pub mod stock;

use app::paging::Paging;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, Select};

/// Reads a kind stored by this server; anything else means the database was edited by hand.
pub fn parse_kind(text: &str) -> Result<app::ledger::Kind, DbErr> {
    text.parse()
        .map_err(|_| DbErr::Type(format!("unknown kind {text:?} in the database")))
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
