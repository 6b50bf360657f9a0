//! Donations and distributions.

use app::import::{ImportPreview, ImportResult};
use app::ledger::{Distribution, Donation, LedgerQuery, NewDistribution, NewDonation};
use app::paging::Page;
use app::paths;
use gloo_net::http::Request;

use super::{ApiError, JsonBody, answer, done, get, if_match, request, url, with_query};

pub async fn donations(query: &LedgerQuery) -> Result<Page<Donation>, ApiError> {
    get(&with_query(paths::DONATIONS, query)).await
}

pub async fn create_donation(input: &NewDonation) -> Result<Donation, ApiError> {
    answer(request(Request::post, paths::DONATIONS).json_body(input)).await
}

/// Corrects donation `id` if it is still at `version`.
pub async fn update_donation(
    id: i64,
    version: i64,
    input: &NewDonation,
) -> Result<Donation, ApiError> {
    let path = paths::item(paths::DONATIONS, id);
    answer(if_match(request(Request::put, &path), version).json_body(input)).await
}

pub async fn delete_donation(id: i64) -> Result<(), ApiError> {
    done(request(Request::delete, &paths::item(paths::DONATIONS, id)).build()).await
}

/// What importing the CSV file `text` would record, and every problem in it.
pub async fn preview_import(text: &str) -> Result<ImportPreview, ApiError> {
    answer(csv_body(paths::DONATIONS_IMPORT_PREVIEW, text)).await
}

/// Records every donation of the CSV file `text`, or none.
pub async fn import_donations(text: &str) -> Result<ImportResult, ApiError> {
    answer(csv_body(paths::DONATIONS_IMPORT, text)).await
}

/// The link that downloads a sample file to fill in.
pub fn import_sample_url() -> String {
    url(paths::DONATIONS_IMPORT_SAMPLE)
}

fn csv_body(path: &str, text: &str) -> Result<Request, gloo_net::Error> {
    request(Request::post, path)
        .header("Content-Type", "text/csv")
        .body(text.to_owned())
}

pub async fn distributions(query: &LedgerQuery) -> Result<Page<Distribution>, ApiError> {
    get(&with_query(paths::DISTRIBUTIONS, query)).await
}

pub async fn create_distribution(input: &NewDistribution) -> Result<Distribution, ApiError> {
    answer(request(Request::post, paths::DISTRIBUTIONS).json_body(input)).await
}

/// Corrects distribution `id` if it is still at `version`.
pub async fn update_distribution(
    id: i64,
    version: i64,
    input: &NewDistribution,
) -> Result<Distribution, ApiError> {
    let path = paths::item(paths::DISTRIBUTIONS, id);
    answer(if_match(request(Request::put, &path), version).json_body(input)).await
}

pub async fn delete_distribution(id: i64) -> Result<(), ApiError> {
    done(request(Request::delete, &paths::item(paths::DISTRIBUTIONS, id)).build()).await
}
