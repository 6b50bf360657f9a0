//! Business rules, each inside a database transaction, independent of HTTP.

pub mod accounts;
pub mod archive;
pub mod greeting;
pub mod ledger;
pub mod passwords;
pub mod reports;
pub mod shop;
pub mod stock;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};

/// The current time, to the microsecond: the finest both SQLite and PostgreSQL keep, so a
/// timestamp reads back the same from either (and survives a backup moved between them).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The current date in UTC, the calendar every record is dated in.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Reads a kind stored by this server; anything else means the database was edited by hand.
pub fn parse_kind(text: &str) -> Result<app::ledger::Kind, sea_orm::DbErr> {
    text.parse()
        .map_err(|_| sea_orm::DbErr::Type(format!("unknown kind {text:?} in the database")))
}

/// Bytes as lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// 32 random bytes from the operating system, as hexadecimal: unguessable tokens and ids.
pub fn random_hex() -> anyhow::Result<String> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    Ok(hex(&bytes))
}
