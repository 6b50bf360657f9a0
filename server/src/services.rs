//! Business rules, each inside a database transaction, independent of HTTP.

pub mod accounts;
pub mod greeting;
pub mod ledger;
pub mod reports;
pub mod stock;

use chrono::{NaiveDate, Utc};

/// The current date in UTC, the calendar every record is dated in.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Reads a kind stored by this server; anything else means the database was edited by hand.
pub fn parse_kind(text: &str) -> Result<app::ledger::Kind, sea_orm::DbErr> {
    text.parse()
        .map_err(|_| sea_orm::DbErr::Type(format!("unknown kind {text:?} in the database")))
}
