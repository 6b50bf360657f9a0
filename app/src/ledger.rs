//! Donations coming in and distributions going out.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::date::check_range;
use crate::error::{Checker, FieldErrors};
use crate::paging::{self, Paging};
use crate::quantity::{MAX_QUANTITY, Quantity};
use crate::sorting::{Sort, SortKey};
use crate::text::{check_free_text, check_length, check_no_control};

/// What was given or handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum Kind {
    Money,
    Food,
    Clothing,
    Hygiene,
    Household,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Money,
        Kind::Food,
        Kind::Clothing,
        Kind::Hygiene,
        Kind::Household,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Money => "money",
            Kind::Food => "food",
            Kind::Clothing => "clothing",
            Kind::Hygiene => "hygiene",
            Kind::Household => "household",
            Kind::Other => "other",
        }
    }

    /// A label for people: "Money", "Food", ...
    pub fn label(self) -> &'static str {
        match self {
            Kind::Money => "Money",
            Kind::Food => "Food",
            Kind::Clothing => "Clothing",
            Kind::Hygiene => "Hygiene",
            Kind::Household => "Household",
            Kind::Other => "Other",
        }
    }

    /// The unit a quantity of this kind is counted in.
    pub fn unit(self) -> &'static str {
        match self {
            Kind::Money => "USD",
            _ => "units",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<_> = Kind::ALL.iter().map(|kind| kind.as_str()).collect();
                format!("must be one of {}", names.join(", "))
            })
    }
}

impl TryFrom<String> for Kind {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_NOTE_CHARS: usize = 1000;

fn check_quantity(checker: &mut Checker, quantity: Quantity) {
    checker.check(quantity.is_positive(), "quantity", "must be greater than 0");
    checker.check(
        quantity <= MAX_QUANTITY,
        "quantity",
        "must be at most 1,000,000,000",
    );
}

fn check_date(checker: &mut Checker, field: &str, date: Option<NaiveDate>, today: NaiveDate) {
    if let Some(date) = date {
        checker.check(date <= today, field, "cannot be in the future");
    }
}

fn check_note(checker: &mut Checker, note: Option<&str>) {
    if let Some(note) = note {
        check_free_text(checker, "note", note, MAX_NOTE_CHARS);
    }
}

/// Body of `POST /api/donations` and `PUT /api/donations/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDonation {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::required_line::<MAX_NAME_CHARS>))]
    pub donor_name: String,
    pub kind: Kind,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::quantity::schema::positive))]
    pub quantity: Quantity,
    /// Defaults to today (UTC); not in the future.
    #[serde(default, with = "crate::date::optional")]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub donated_on: Option<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::nullable_free_text::<MAX_NOTE_CHARS>))]
    pub note: Option<String>,
}

impl NewDonation {
    /// Checks every rule that does not need the database; `today` is the latest date that is not
    /// in the future (the user's own in the browser; on the server, that of the zone furthest ahead).
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        check_length(
            &mut checker,
            "donor_name",
            &self.donor_name,
            1,
            MAX_NAME_CHARS,
        );
        check_quantity(&mut checker, self.quantity);
        check_date(&mut checker, "donated_on", self.donated_on, today);
        check_note(&mut checker, self.note.as_deref());
        checker.finish()
    }
}

/// Body of `POST /api/distributions` and `PUT /api/distributions/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDistribution {
    pub kind: Kind,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::quantity::schema::positive))]
    pub quantity: Quantity,
    /// Defaults to today (UTC); not in the future.
    #[serde(default, with = "crate::date::optional")]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub distributed_on: Option<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::nullable_line::<MAX_NAME_CHARS>))]
    pub recipient: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::nullable_free_text::<MAX_NOTE_CHARS>))]
    pub note: Option<String>,
}

impl NewDistribution {
    /// Checks every rule that does not need the database; `today` is the latest date that is not
    /// in the future (the user's own in the browser; on the server, that of the zone furthest ahead).
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        check_quantity(&mut checker, self.quantity);
        check_date(&mut checker, "distributed_on", self.distributed_on, today);
        if let Some(recipient) = &self.recipient {
            check_length(&mut checker, "recipient", recipient, 0, MAX_NAME_CHARS);
        }
        check_note(&mut checker, self.note.as_deref());
        checker.finish()
    }
}

/// A stored donation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Donation {
    pub id: i64,
    pub donor_name: String,
    pub kind: Kind,
    pub quantity: Quantity,
    #[serde(with = "crate::date::day")]
    pub donated_on: NaiveDate,
    pub note: Option<String>,
    #[serde(with = "crate::date::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::date::timestamp")]
    pub updated_at: DateTime<Utc>,
    /// Raised by every change. Send it back in `If-Match` when changing the record, so that a
    /// change made from an outdated copy is refused (412) rather than undoing what came since.
    pub version: i64,
}

/// A stored distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Distribution {
    pub id: i64,
    pub kind: Kind,
    pub quantity: Quantity,
    #[serde(with = "crate::date::day")]
    pub distributed_on: NaiveDate,
    pub recipient: Option<String>,
    pub note: Option<String>,
    #[serde(with = "crate::date::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::date::timestamp")]
    pub updated_at: DateTime<Utc>,
    /// Raised by every change. Send it back in `If-Match` when changing the record, so that a
    /// change made from an outdated copy is refused (412) rather than undoing what came since.
    pub version: i64,
}

/// The columns the donation and distribution lists sort by. `name` is the donor's or the
/// recipient's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerColumn {
    Date,
    Name,
    Kind,
    Quantity,
}

impl SortKey for LedgerColumn {
    const KEYS: &'static [(Self, &'static str)] = &[
        (LedgerColumn::Date, "date"),
        (LedgerColumn::Name, "name"),
        (LedgerColumn::Kind, "kind"),
        (LedgerColumn::Quantity, "quantity"),
    ];
}

/// Query of the donation and distribution lists and their CSV files. Dates bound the record's
/// own date, inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct LedgerQuery {
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100_000))]
    pub page: Option<u64>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
    pub kind: Option<Kind>,
    #[serde(
        default,
        with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub from: Option<NaiveDate>,
    /// On or after `from`.
    #[serde(
        default,
        with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub to: Option<NaiveDate>,
    /// Part of the donor's name, in any case (donations only).
    #[cfg_attr(feature = "openapi", param(pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"))]
    pub donor: Option<String>,
    /// Part of the recipient's name, in any case (distributions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"))]
    pub recipient: Option<String>,
    /// The order: by `date` (the default, newest first: `-date`), `name` (the donor's or the
    /// recipient's), `kind` or `quantity`; a leading `-` reverses it. Ties go newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(value_type = Option<String>, pattern = r"^-?(date|name|kind|quantity)$")
    )]
    pub sort: Option<Sort<LedgerColumn>>,
}

impl LedgerQuery {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        paging::check(&mut checker, self.page, self.per_page);
        if let Some(donor) = &self.donor {
            check_no_control(&mut checker, "donor", donor, &[]);
        }
        if let Some(recipient) = &self.recipient {
            check_no_control(&mut checker, "recipient", recipient, &[]);
        }
        check_range(&mut checker, self.from, self.to);
        checker.finish()
    }

    pub fn paging(&self) -> Paging {
        Paging::new(self.page, self.per_page)
    }

    /// The order asked for, newest first when none is.
    pub fn sort(&self) -> Sort<LedgerColumn> {
        self.sort.unwrap_or(Sort::descending(LedgerColumn::Date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
    }

    fn donation() -> NewDonation {
        NewDonation {
            donor_name: "Ada".into(),
            kind: Kind::Food,
            quantity: "3".parse().unwrap(),
            donated_on: Some(today()),
            note: None,
        }
    }

    #[test]
    fn a_plain_donation_is_valid() {
        assert_eq!(donation().validate(today()), Ok(()));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = NewDonation {
            donor_name: "   ".into(),
            quantity: Quantity::ZERO,
            donated_on: today().succ_opt(),
            note: Some("x".repeat(MAX_NOTE_CHARS + 1)),
            ..donation()
        };
        let errors = bad.validate(today()).unwrap_err();
        assert_eq!(errors["donor_name"], "is required");
        assert_eq!(errors["quantity"], "must be greater than 0");
        assert_eq!(errors["donated_on"], "cannot be in the future");
        assert_eq!(errors["note"], "must be at most 1000 characters");
    }

    #[test]
    fn donor_name_length_counts_characters_as_sent() {
        let ok = NewDonation {
            donor_name: "é".repeat(200),
            ..donation()
        };
        assert_eq!(ok.validate(today()), Ok(()));
        let long = NewDonation {
            donor_name: format!("{} ", "é".repeat(200)),
            ..donation()
        };
        assert!(
            long.validate(today())
                .unwrap_err()
                .contains_key("donor_name")
        );
    }

    #[test]
    fn quantity_above_one_billion_is_rejected() {
        let big = NewDonation {
            quantity: "1000000000.01".parse().unwrap(),
            ..donation()
        };
        assert_eq!(
            big.validate(today()).unwrap_err()["quantity"],
            "must be at most 1,000,000,000"
        );
        let max = NewDonation {
            quantity: "1000000000".parse().unwrap(),
            ..donation()
        };
        assert_eq!(max.validate(today()), Ok(()));
    }

    #[test]
    fn unknown_kind_names_the_choices() {
        let error = serde_json::from_str::<Kind>("\"toys\"")
            .unwrap_err()
            .to_string();
        assert!(error.contains("must be one of money, food, clothing, hygiene, household, other"));
    }

    #[test]
    fn date_must_be_year_month_day() {
        let body = r#"{"donor_name":"A","kind":"food","quantity":1,"donated_on":"15/03/2026"}"#;
        let error = serde_json::from_str::<NewDonation>(body)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("must be a date in the form YYYY-MM-DD"),
            "{error}"
        );
    }

    #[test]
    fn per_page_above_the_limit_is_rejected() {
        let query = LedgerQuery {
            per_page: Some(101),
            ..LedgerQuery::default()
        };
        assert!(query.validate().unwrap_err().contains_key("per_page"));
    }
}
