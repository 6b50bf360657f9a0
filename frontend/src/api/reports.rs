//! The inventory and donor reports, their CSV downloads, and the low-stock thresholds.

use app::ledger::Kind;
use app::paging::Page;
use app::paths;
use app::reports::{
    DonorReceipt, DonorReceiptQuery, DonorRow, DonorsQuery, InventoryQuery, InventoryRow,
};
use app::stock::{KindThreshold, SetThreshold};
use gloo_net::http::Request;

use super::{ApiError, JsonBody, answer, download_url, get, request, url, with_query};

pub async fn inventory(query: &InventoryQuery) -> Result<Vec<InventoryRow>, ApiError> {
    get(&with_query(paths::INVENTORY_REPORT, query)).await
}

/// The link that downloads the inventory report as CSV.
pub fn inventory_csv_url(query: &InventoryQuery) -> String {
    download_url(paths::INVENTORY_REPORT_CSV, query)
}

pub async fn donors(query: &DonorsQuery) -> Result<Page<DonorRow>, ApiError> {
    get(&with_query(paths::DONORS_REPORT, query)).await
}

/// The link that downloads the donor report as CSV.
pub fn donors_csv_url() -> String {
    url(paths::DONORS_REPORT_CSV)
}

pub async fn donor_receipt(query: &DonorReceiptQuery) -> Result<DonorReceipt, ApiError> {
    get(&with_query(paths::DONOR_RECEIPT, query)).await
}

/// The address of the receipt page for `query`'s donor and days.
pub fn receipt_link(query: &DonorReceiptQuery) -> String {
    with_query(app::routes::DONOR_RECEIPT, query)
}

pub async fn thresholds() -> Result<Vec<KindThreshold>, ApiError> {
    get(paths::STOCK_THRESHOLDS).await
}

pub async fn set_threshold(kind: Kind, input: &SetThreshold) -> Result<KindThreshold, ApiError> {
    let path = format!("{}/{kind}", paths::STOCK_THRESHOLDS);
    answer(request(Request::put, &path).json_body(input)).await
}
