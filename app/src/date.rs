//! Dates and times on the wire: days as `YYYY-MM-DD`, moments as RFC 3339 timestamps. Read by
//! hand, strictly and with messages a person can act on: chrono's general parser, which its own
//! `Deserialize` uses, would be in the browser app for these two shapes alone.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Deserializer, de};

use crate::error::Checker;

/// The shape every date in the API has, for the schemas: JSON Schema's `format: date` is only an
/// annotation, so the pattern is what a validator enforces.
pub const DATE_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// Parses a date written exactly `YYYY-MM-DD`: chrono alone would also take `1990-5-1` or a
/// signed, five-digit year.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(at, byte)| match at {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !well_formed {
        return Err("must be a date in the form YYYY-MM-DD".to_owned());
    }
    let part = |range| number(&text[range]);
    NaiveDate::from_ymd_opt(part(0..4) as i32, part(5..7), part(8..10))
        .ok_or_else(|| "is not a real calendar date".to_owned())
}

/// Parses an RFC 3339 timestamp, such as the API writes (`2026-03-01T09:30:00.25Z`), with any
/// offset from UTC.
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    read_timestamp(text)
        .ok_or_else(|| "must be a timestamp such as 2026-03-01T09:30:00Z".to_owned())
}

fn read_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let date = parse_date(text.get(..10)?).ok()?;
    let time = text.get(10..)?.strip_prefix(['T', 't'])?;
    if time.get(2..3) != Some(":") || time.get(5..6) != Some(":") {
        return None;
    }
    let (hour, minute, second) = (
        two_digits(time, 0)?,
        two_digits(time, 3)?,
        two_digits(time, 6)?,
    );
    let mut rest = time.get(8..)?;
    let mut nanos = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let length = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&length) {
            return None;
        }
        nanos = number(&fraction[..length]) * 10_u32.pow(9 - length as u32);
        rest = &fraction[length..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.get(3..4) != Some(":") {
                return None;
            }
            sign * i64::from(two_digits(rest, 1)? * 60 + two_digits(rest, 4)?)
        }
    };
    let local = date.and_time(NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?);
    let utc = local.checked_sub_signed(TimeDelta::minutes(offset_minutes))?;
    Some(utc.and_utc())
}

/// The value of the two ASCII digits at `at` in `text`, if they are digits.
fn two_digits(text: &str, at: usize) -> Option<u32> {
    let digits = text.get(at..at + 2)?;
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| number(digits))
}

/// The value of ASCII digits.
fn number(digits: &str) -> u32 {
    digits
        .bytes()
        .fold(0, |value, digit| value * 10 + u32::from(digit - b'0'))
}

/// Checks a range of days given as `from` and `to`, both optional: it may not end before it starts.
pub fn check_range(checker: &mut Checker, from: Option<NaiveDate>, to: Option<NaiveDate>) {
    if let (Some(from), Some(to)) = (from, to) {
        checker.check(from <= to, "to", "must not be before from");
    }
}

/// Serde helpers for `#[serde(with = ...)]`: each reads its field with the parsers above, for
/// their messages, and writes it as chrono does.
pub mod day {
    use chrono::NaiveDate;
    use serde::{Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        super::read(d, super::parse_date)
    }

    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        date.serialize(s)
    }
}

/// See [`day`].
pub mod optional {
    use chrono::NaiveDate;
    use serde::{Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        super::read_optional(d, super::parse_date)
    }

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        date.serialize(s)
    }
}

/// See [`day`].
pub mod timestamp {
    use chrono::{DateTime, Utc};
    use serde::{Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        super::read(d, super::parse_timestamp)
    }

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        at.serialize(s)
    }
}

/// See [`day`].
pub mod optional_timestamp {
    use chrono::{DateTime, Utc};
    use serde::{Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        super::read_optional(d, super::parse_timestamp)
    }

    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        at.serialize(s)
    }
}

fn read<'de, D: Deserializer<'de>, T>(
    d: D,
    parse: fn(&str) -> Result<T, String>,
) -> Result<T, D::Error> {
    parse(&String::deserialize(d)?).map_err(de::Error::custom)
}

fn read_optional<'de, D: Deserializer<'de>, T>(
    d: D,
    parse: fn(&str) -> Result<T, String>,
) -> Result<Option<T>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|text| parse(&text).map_err(de::Error::custom))
        .transpose()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn only_the_exact_form_of_a_real_day_is_a_date() {
        assert_eq!(
            parse_date("2024-02-29"),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
        );
        for text in [
            "",
            "2024-2-29",
            " 2024-02-29",
            "+2024-02-29",
            "20240-01-01",
            "2024/02/29",
        ] {
            assert_eq!(
                parse_date(text).unwrap_err(),
                "must be a date in the form YYYY-MM-DD",
                "{text:?}"
            );
        }
        assert_eq!(
            parse_date("2023-02-29").unwrap_err(),
            "is not a real calendar date"
        );
    }

    #[test]
    fn the_pattern_is_the_shape_the_parser_reads() {
        let pattern = regex::Regex::new(DATE_PATTERN).unwrap();
        for text in [
            "2024-02-29",
            "2023-02-29",
            "2024-2-29",
            "",
            "+2024-02-29",
            "2024-02-290",
        ] {
            assert_eq!(
                pattern.is_match(text),
                parse_date(text) != Err("must be a date in the form YYYY-MM-DD".to_owned()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_timestamp_is_read_with_its_fraction_and_offset() {
        let at = |text| parse_timestamp(text).map(|at| at.to_rfc3339());
        assert_eq!(
            at("2026-03-01T09:30:00Z"),
            Ok("2026-03-01T09:30:00+00:00".into())
        );
        assert_eq!(
            at("2026-03-01t09:30:00.25z"),
            Ok("2026-03-01T09:30:00.250+00:00".into())
        );
        assert_eq!(
            at("2026-03-01T00:30:00+01:30"),
            Ok("2026-02-28T23:00:00+00:00".into())
        );
        assert_eq!(
            at("2026-12-31T23:00:00-02:00"),
            Ok("2027-01-01T01:00:00+00:00".into())
        );
        for text in [
            "",
            "2026-03-01",
            "2026-03-01T09:30:00",
            "2026-03-01 09:30:00Z",
            "2026-03-01T9:30:00Z",
            "2026-03-01T09:30Z",
            "2026-03-01T09:30:00.Z",
            "2026-03-01T09:30:00.1234567890Z",
            "2026-03-01T09:30:00+0100",
            "2026-03-01T24:00:00Z",
            "2026-02-30T09:30:00Z",
            "2026-03-01T09:30:00ZZ",
            "2026-03-01T09:30:00+01:00:00",
        ] {
            assert!(parse_timestamp(text).is_err(), "{text:?}");
        }
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Moment {
        #[serde(with = "timestamp")]
        at: DateTime<Utc>,
        #[serde(with = "day")]
        on: NaiveDate,
    }

    proptest! {
        #[test]
        fn what_chrono_writes_is_read_back(
            seconds in 0_i64..253_402_300_799,
            nanos in prop_oneof![Just(0_u32), 0_u32..1_000_000_000],
        ) {
            let at = DateTime::from_timestamp(seconds, nanos).unwrap();
            let moment = Moment { at, on: at.date_naive() };
            let json = serde_json::to_string(&moment).unwrap();
            prop_assert_eq!(serde_json::from_str::<Moment>(&json).unwrap(), moment);
        }
    }
}
