//! The inventory and donor reports, and their CSV downloads.

use app::paths;
use app::reports::{DonorRow, InventoryQuery, InventoryRow};

use super::{ApiError, get, url, with_query};

pub async fn inventory(query: &InventoryQuery) -> Result<Vec<InventoryRow>, ApiError> {
    get(&inventory_path(paths::INVENTORY_REPORT, query)).await
}

/// The link that downloads the inventory report as CSV.
pub fn inventory_csv_url(query: &InventoryQuery) -> String {
    url(&inventory_path(paths::INVENTORY_REPORT_CSV, query))
}

/// `InventoryQuery` leaves `as_of` out when it is serialized (`skip_serializing` in `app`), so its
/// one field is named here.
fn inventory_path(path: &str, query: &InventoryQuery) -> String {
    with_query(path, &serde_json::json!({ "as_of": query.as_of }))
}

pub async fn donors() -> Result<Vec<DonorRow>, ApiError> {
    get(paths::DONORS_REPORT).await
}

/// The link that downloads the donor report as CSV.
pub fn donors_csv_url() -> String {
    url(paths::DONORS_REPORT_CSV)
}
