//! The one clock every record is dated by.

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
