//! The greeting API: people save their date of birth and are told how long until their birthday.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub const MAX_USERNAME_LETTERS: usize = 64;

/// Body of `PUT /hello/{username}`. The date stays text here so that a badly written date is
/// reported with [`parse_date_of_birth`]'s message rather than a serde one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GreetingRequest {
    /// `YYYY-MM-DD`, before today.
    #[serde(rename = "dateOfBirth")]
    #[cfg_attr(
        feature = "openapi",
        schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", example = "1990-05-01")
    )]
    pub date_of_birth: String,
}

/// Answer of `GET /hello/{username}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Greeting {
    pub message: String,
}

/// Checks that a username is 1 to 64 ASCII letters.
pub fn validate_username(username: &str) -> Result<(), String> {
    if username.is_empty() {
        return Err("is required".to_owned());
    }
    if !username.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        return Err("may contain only the letters A–Z and a–z".to_owned());
    }
    // Only ASCII letters are left, so bytes and letters are the same count.
    if username.len() > MAX_USERNAME_LETTERS {
        return Err(format!("must be at most {MAX_USERNAME_LETTERS} letters"));
    }
    Ok(())
}

/// Parses a date of birth written exactly as `YYYY-MM-DD`, which must be a real calendar date
/// before `today`.
pub fn parse_date_of_birth(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = crate::date::parse_date(text)?;
    if date >= today {
        return Err("must be before today (UTC)".to_owned());
    }
    Ok(date)
}

/// Days from `today` to the next birthday of someone born on `date_of_birth`; 0 when it is today.
/// Someone born on 29 February has their birthday on 28 February in common years.
///
/// # Panics
///
/// When `today` is in the last year chrono can represent, which has no next year.
pub fn days_until_birthday(date_of_birth: NaiveDate, today: NaiveDate) -> u32 {
    let this_year = birthday_in(date_of_birth, today.year());
    let next = if this_year >= today {
        this_year
    } else {
        birthday_in(date_of_birth, today.year() + 1)
    };
    u32::try_from((next - today).num_days()).expect("the next birthday is at most a year away")
}

/// The birthday of someone born on `date_of_birth`, in `year`.
fn birthday_in(date_of_birth: NaiveDate, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, date_of_birth.month(), date_of_birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .expect("every year chrono can represent has a 28 February")
}

/// The message of `GET /hello/{username}`.
pub fn greeting(username: &str, date_of_birth: NaiveDate, today: NaiveDate) -> String {
    match days_until_birthday(date_of_birth, today) {
        0 => format!("Hello, {username}! Happy birthday!"),
        days => format!("Hello, {username}! Your birthday is in {days} day(s)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// The rule stated plainly: the same month and day, or 28 February in a common year for
    /// someone born on 29 February.
    fn is_birthday(date_of_birth: NaiveDate, day: NaiveDate) -> bool {
        let born = (date_of_birth.month(), date_of_birth.day());
        let on = (day.month(), day.day());
        born == on || (born == (2, 29) && on == (2, 28) && !day.leap_year())
    }

    fn count_day_by_day(date_of_birth: NaiveDate, today: NaiveDate) -> u32 {
        let days = today
            .iter_days()
            .position(|day| is_birthday(date_of_birth, day))
            .expect("a birthday comes within a year");
        u32::try_from(days).unwrap()
    }

    fn every_day_of(year: i32) -> impl Iterator<Item = NaiveDate> {
        NaiveDate::from_ymd_opt(year, 1, 1)
            .unwrap()
            .iter_days()
            .take_while(move |day| day.year() == year)
    }

    const BIRTH_DATES: [&str; 11] = [
        "2000-02-29",
        "1996-02-29",
        "1990-02-28",
        "2000-02-28",
        "2001-03-01",
        "2000-03-01",
        "1999-12-31",
        "2000-12-31",
        "1985-01-01",
        "1970-07-15",
        "2004-12-30",
    ];

    #[test]
    fn every_day_of_leap_and_common_years_matches_counting_day_by_day() {
        for year in [2023, 2024, 2100] {
            assert_eq!(
                every_day_of(year).count(),
                if year == 2024 { 366 } else { 365 }
            );
            for today in every_day_of(year) {
                for born in BIRTH_DATES.map(date) {
                    assert_eq!(
                        days_until_birthday(born, today),
                        count_day_by_day(born, today),
                        "born {born}, today {today}"
                    );
                }
            }
        }
    }

    #[test]
    fn december_31_seen_from_january_1() {
        let born = date("1999-12-31");
        assert_eq!(days_until_birthday(born, date("2023-01-01")), 364);
        assert_eq!(days_until_birthday(born, date("2024-01-01")), 365);
        assert_eq!(days_until_birthday(born, date("2023-12-31")), 0);
    }

    #[test]
    fn january_1_seen_from_december_31_is_tomorrow() {
        let born = date("1985-01-01");
        assert_eq!(days_until_birthday(born, date("2023-12-31")), 1);
        assert_eq!(days_until_birthday(born, date("2024-12-31")), 1);
        assert_eq!(days_until_birthday(born, date("2024-01-02")), 365);
        assert_eq!(days_until_birthday(born, date("2023-01-02")), 364);
    }

    #[test]
    fn born_on_29_february_celebrates_on_28_february_in_common_years() {
        let born = date("2000-02-29");
        assert_eq!(days_until_birthday(born, date("2023-02-28")), 0);
        assert_eq!(days_until_birthday(born, date("2023-03-01")), 365);
        assert_eq!(days_until_birthday(born, date("2024-02-28")), 1);
        assert_eq!(days_until_birthday(born, date("2024-02-29")), 0);
        assert_eq!(days_until_birthday(born, date("2024-03-01")), 364);
        assert_eq!(days_until_birthday(born, date("2099-03-01")), 364);
        assert_eq!(days_until_birthday(born, date("2100-02-28")), 0);
    }

    #[test]
    fn march_1_moves_with_leap_days_but_not_with_the_birth_year() {
        for born in [date("2000-03-01"), date("2001-03-01")] {
            assert_eq!(days_until_birthday(born, date("2024-02-28")), 2);
            assert_eq!(days_until_birthday(born, date("2023-02-28")), 1);
            assert_eq!(days_until_birthday(born, date("2024-03-02")), 364);
        }
    }

    #[test]
    fn the_message_counts_days_or_wishes_a_happy_birthday() {
        let born = date("1990-05-01");
        assert_eq!(
            greeting("Ada", born, date("2025-05-01")),
            "Hello, Ada! Happy birthday!"
        );
        assert_eq!(
            greeting("Ada", born, date("2025-04-30")),
            "Hello, Ada! Your birthday is in 1 day(s)"
        );
        assert_eq!(
            greeting("ada", born, date("2025-04-26")),
            "Hello, ada! Your birthday is in 5 day(s)"
        );
    }

    #[test]
    fn usernames_are_one_to_sixty_four_ascii_letters() {
        for ok in ["a", "Ada", "ADA", &"z".repeat(64)] {
            assert_eq!(validate_username(ok), Ok(()), "{ok:?}");
        }
        assert_eq!(validate_username("").unwrap_err(), "is required");
        for bad in ["ada1", "José", "ada lovelace", " ", "a-b", "a_b", "Ａda"] {
            assert_eq!(
                validate_username(bad).unwrap_err(),
                "may contain only the letters A–Z and a–z",
                "{bad:?}"
            );
        }
        assert_eq!(
            validate_username(&"z".repeat(65)).unwrap_err(),
            "must be at most 64 letters"
        );
    }

    #[test]
    fn a_date_of_birth_is_a_real_date_before_today() {
        let today = date("2024-03-01");
        assert_eq!(
            parse_date_of_birth("2024-02-29", today),
            Ok(date("2024-02-29"))
        );
        assert_eq!(
            parse_date_of_birth("0001-01-01", today),
            Ok(date("0001-01-01"))
        );
        for bad_form in [
            "",
            "1990-5-1",
            "1990/05/01",
            "01-05-1990",
            " 1990-05-01",
            "1990-05-01 ",
            "+1990-05-01",
            "19900501",
            "1990-05-01T00:00",
            "yesterday",
        ] {
            assert_eq!(
                parse_date_of_birth(bad_form, today).unwrap_err(),
                "must be a date in the form YYYY-MM-DD",
                "{bad_form:?}"
            );
        }
        for not_a_date in [
            "2023-02-29",
            "2023-02-30",
            "1990-13-01",
            "1990-00-10",
            "1990-04-31",
        ] {
            assert_eq!(
                parse_date_of_birth(not_a_date, today).unwrap_err(),
                "is not a real calendar date",
                "{not_a_date:?}"
            );
        }
        for not_past in ["2024-03-01", "2024-03-02", "9999-12-31"] {
            assert_eq!(
                parse_date_of_birth(not_past, today).unwrap_err(),
                "must be before today (UTC)",
                "{not_past:?}"
            );
        }
    }

    #[test]
    fn json_names_follow_the_public_contract() {
        let request: GreetingRequest =
            serde_json::from_str(r#"{"dateOfBirth": "1990-05-01"}"#).unwrap();
        assert_eq!(request.date_of_birth, "1990-05-01");
        let greeting = Greeting {
            message: "Hello, Ada! Happy birthday!".to_owned(),
        };
        assert_eq!(
            serde_json::to_value(&greeting).unwrap(),
            serde_json::json!({"message": "Hello, Ada! Happy birthday!"})
        );
    }

    proptest! {
        #[test]
        fn any_day_from_year_1_to_9999_matches_counting_day_by_day(
            born in 1..=3_652_059_i32,
            today in 1..=3_652_059_i32,
        ) {
            let born = NaiveDate::from_num_days_from_ce_opt(born).unwrap();
            let today = NaiveDate::from_num_days_from_ce_opt(today).unwrap();
            prop_assert_eq!(days_until_birthday(born, today), count_day_by_day(born, today));
        }
    }
}
