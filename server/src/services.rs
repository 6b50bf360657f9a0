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

/// Reads a kind stored by this server; anything else means the database was edited by hand.
pub fn parse_kind(text: &str) -> Result<app::ledger::Kind, sea_orm::DbErr> {
    text.parse()
        .map_err(|_| sea_orm::DbErr::Type(format!("unknown kind {text:?} in the database")))
}
