//! The inventory and donor reports.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::date::check_range;
use crate::error::{Checker, FieldErrors};
use crate::ledger::{Kind, MAX_NAME_CHARS};
use crate::paging::{self, Paging};
use crate::quantity::Quantity;
use crate::settings::OrganisationSettings;
use crate::sorting::{Sort, SortKey};
use crate::stock::StockState;
use crate::text::check_length;

/// Query of the inventory report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryQuery {
    /// Count only records dated on or before this day.
    #[serde(
        default,
        with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub as_of: Option<NaiveDate>,
}

/// Stock of one kind: what came in, what went out, what is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InventoryRow {
    pub kind: Kind,
    pub donated: Quantity,
    pub distributed: Quantity,
    pub balance: Quantity,
    /// The kind's low-stock threshold, if staff set one.
    pub threshold: Option<Quantity>,
    /// The balance against the threshold: `ok`, `low` or `out`.
    pub state: StockState,
}

/// The columns the donor report sorts by. `total` is the donor's quantities summed over every
/// kind, dollars and units of goods counted alike: a ranking by how much was given overall, not
/// by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DonorColumn {
    Name,
    Total,
    LastDonation,
}

impl SortKey for DonorColumn {
    const KEYS: &'static [(Self, &'static str)] = &[
        (DonorColumn::Name, "name"),
        (DonorColumn::Total, "total"),
        (DonorColumn::LastDonation, "last_donation"),
    ];
}

/// Query of the donor report: one page of donors, in one order, optionally those whose name
/// contains a text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DonorsQuery {
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100_000))]
    pub page: Option<u64>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
    /// The order: by `name` (the default, A to Z, ignoring case and surrounding spaces), `total`
    /// (the donor's quantities summed over every kind, dollars and units of goods counted alike)
    /// or `last_donation`; a leading `-` reverses it, e.g. `-total` for the most first. Ties go
    /// by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(value_type = Option<String>, pattern = r"^-?(name|total|last_donation)$")
    )]
    pub sort: Option<Sort<DonorColumn>>,
    /// Part of the donor's name, in any case.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(max_length = 200, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")
    )]
    pub q: Option<String>,
}

impl DonorsQuery {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        paging::check(&mut checker, self.page, self.per_page);
        if let Some(q) = &self.q {
            check_length(&mut checker, "q", q, 0, MAX_NAME_CHARS);
        }
        checker.finish()
    }

    pub fn paging(&self) -> Paging {
        Paging::new(self.page, self.per_page)
    }

    pub fn sort(&self) -> Sort<DonorColumn> {
        self.sort.unwrap_or(Sort::ascending(DonorColumn::Name))
    }
}

/// Everything one donor gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DonorRow {
    pub donor_name: String,
    pub donations: u64,
    #[serde(with = "crate::date::day")]
    pub first_donated_on: NaiveDate,
    #[serde(with = "crate::date::day")]
    pub last_donated_on: NaiveDate,
    pub totals: Vec<KindTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindTotal {
    pub kind: Kind,
    pub quantity: Quantity,
}

/// Query of a donor's receipt: one donor (case and surrounding spaces ignored, as in the donor
/// report) and the days to cover, both included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DonorReceiptQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(
            required = true,
            max_length = 200,
            pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
        )
    )]
    pub donor: Option<String>,
    #[serde(
        default,
        with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "openapi",
        param(required = true, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    pub from: Option<NaiveDate>,
    /// On or after `from`.
    #[serde(
        default,
        with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "openapi",
        param(required = true, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    pub to: Option<NaiveDate>,
}

impl DonorReceiptQuery {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        check_length(
            &mut checker,
            "donor",
            self.donor.as_deref().unwrap_or_default(),
            1,
            MAX_NAME_CHARS,
        );
        checker.check(self.from.is_some(), "from", "is required");
        checker.check(self.to.is_some(), "to", "is required");
        check_range(&mut checker, self.from, self.to);
        checker.finish()
    }

    /// The donor and the days asked for, once [`Self::validate`] finds nothing wrong.
    pub fn checked(&self) -> Result<(&str, NaiveDate, NaiveDate), FieldErrors> {
        self.validate()?;
        match (self.donor.as_deref(), self.from, self.to) {
            (Some(donor), Some(from), Some(to)) => Ok((donor, from, to)),
            // `validate` has named whichever is missing already.
            _ => Err(FieldErrors::new()),
        }
    }
}

/// A donor's acknowledgement of what they gave over a range of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DonorReceipt {
    /// The organisation that received the donations, as the Settings page has it.
    pub organisation: OrganisationSettings,
    /// The donor's name as asked for.
    pub donor_name: String,
    #[serde(with = "crate::date::day")]
    pub from: NaiveDate,
    #[serde(with = "crate::date::day")]
    pub to: NaiveDate,
    /// By date, then in the order they were recorded.
    pub donations: Vec<ReceiptLine>,
    /// Per kind given in the range, in kind order.
    pub totals: Vec<KindTotal>,
    /// The money given in the range, in US dollars.
    pub money_total: Quantity,
}

/// One donation on a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptLine {
    #[serde(with = "crate::date::day")]
    pub donated_on: NaiveDate,
    pub kind: Kind,
    pub quantity: Quantity,
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt_query(donor: &str, from: &str, to: &str) -> DonorReceiptQuery {
        DonorReceiptQuery {
            donor: Some(donor.to_owned()),
            from: crate::date::parse_date(from).ok(),
            to: crate::date::parse_date(to).ok(),
        }
    }

    #[test]
    fn a_receipt_needs_a_donor_and_a_range_that_does_not_end_before_it_starts() {
        assert_eq!(
            receipt_query("Ada", "2025-01-01", "2025-12-31").validate(),
            Ok(())
        );
        let inverted = receipt_query("Ada", "2025-12-31", "2025-01-01")
            .validate()
            .unwrap_err();
        assert_eq!(inverted["to"], "must not be before from");
        let empty = receipt_query(" ", "2025-01-01", "2025-01-01")
            .validate()
            .unwrap_err();
        assert_eq!(empty["donor"], "is required");
        let missing = DonorReceiptQuery::default().validate().unwrap_err();
        assert_eq!(missing.len(), 3);
    }

    #[test]
    fn the_donors_sort_by_name_unless_asked_otherwise() {
        assert_eq!(
            DonorsQuery::default().sort(),
            Sort::ascending(DonorColumn::Name)
        );
        assert_eq!(
            "-last_donation".parse(),
            Ok(Sort::descending(DonorColumn::LastDonation))
        );
        assert_eq!(
            "amount".parse::<Sort<DonorColumn>>().unwrap_err(),
            "must be one of name, total, last_donation, each optionally after `-` for the reverse order"
        );
    }

    #[test]
    fn a_search_text_too_long_or_with_control_characters_is_rejected() {
        let query = |q: String| DonorsQuery {
            q: Some(q),
            ..DonorsQuery::default()
        };
        assert_eq!(query("Ada".to_owned()).validate(), Ok(()));
        assert!(
            query("x".repeat(201))
                .validate()
                .unwrap_err()
                .contains_key("q")
        );
        assert!(
            query("a\u{0}b".to_owned())
                .validate()
                .unwrap_err()
                .contains_key("q")
        );
    }
}
