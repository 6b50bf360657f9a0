//! The one clock every record is dated by.

use chrono::{DateTime, NaiveDate, NaiveTime, SubsecRound, TimeDelta, Utc};

/// The current time, to the microsecond: the finest both SQLite and PostgreSQL keep, so a
/// timestamp reads back the same from either (and survives a backup moved between them).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The first moment of `day`, in UTC.
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// The current date in UTC, the calendar every record is dated in.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The latest date that is today somewhere: the date at UTC+14, the zone furthest ahead. People
/// date records by their own calendar, so a date is in the future only once it is past this.
pub fn latest_today() -> NaiveDate {
    (Utc::now() + TimeDelta::hours(14)).date_naive()
}
