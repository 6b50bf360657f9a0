//! Calendar dates on the wire: `YYYY-MM-DD`, read strictly and with messages a person can act on.

use chrono::NaiveDate;

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
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| "is not a real calendar date".to_owned())
}

/// Checks a range of days given as `from` and `to`, both optional: it may not end before it starts.
pub fn check_range(checker: &mut Checker, from: Option<NaiveDate>, to: Option<NaiveDate>) {
    if let (Some(from), Some(to)) = (from, to) {
        checker.check(from <= to, "to", "must not be before from");
    }
}

/// Serde helpers for optional dates, read by [`parse_date`] for its messages.
pub mod optional {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| super::parse_date(&text).map_err(serde::de::Error::custom))
            .transpose()
    }

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        date.serialize(s)
    }
}

#[cfg(test)]
mod tests {
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
}
