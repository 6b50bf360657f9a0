//! The inventory and donor reports.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ledger::Kind;
use crate::quantity::Quantity;

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
}

/// Everything one donor gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DonorRow {
    pub donor_name: String,
    pub donations: u64,
    pub first_donated_on: NaiveDate,
    pub last_donated_on: NaiveDate,
    pub totals: Vec<KindTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindTotal {
    pub kind: Kind,
    pub quantity: Quantity,
}
