use app::paging::Page;
use app::paths;
use app::reports::{
    DonorReceipt, DonorReceiptQuery, DonorRow, DonorsQuery, InventoryQuery, InventoryRow,
};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::csv_export::{self, csv_chunks_response, csv_response};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::openapi::{self, tag};
use crate::services::reports;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inventory))
        .routes(routes!(inventory_csv))
        .routes(routes!(donors))
        .routes(routes!(donors_csv))
        .routes(routes!(donor_receipt))
}

/// Per kind: what was donated, what was distributed, and the balance.
#[utoipa::path(
    get,
    path = paths::INVENTORY_REPORT,
    tag = tag::REPORTS,
    params((
        "as_of" = Option<NaiveDate>,
        Query,
        pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        description = "Count only records dated on or before this day."
    )),
    responses(
        (status = 200, description = "One row per kind.", body = Vec<InventoryRow>),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn inventory(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<InventoryQuery>,
) -> Result<Json<Vec<InventoryRow>>, ApiError> {
    Ok(Json(reports::inventory(&state.db, query.as_of).await?))
}

/// Per donor (case and spaces ignored): how many donations, the first and last date, and the
/// totals per kind; one page at a time, by name, total or latest donation, optionally only the
/// donors whose name contains a text.
#[utoipa::path(
    get,
    path = paths::DONORS_REPORT,
    tag = tag::REPORTS,
    params(DonorsQuery),
    responses(
        (status = 200, description = "One page of donors.", body = Page<DonorRow>),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn donors(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<DonorsQuery>,
) -> Result<Json<Page<DonorRow>>, ApiError> {
    query.validate()?;
    Ok(Json(reports::donors(&state.db, &query).await?))
}

/// What one donor (case and surrounding spaces ignored) gave over a range of days, both
/// included: each donation by date, the totals per kind and the money total, with the
/// organisation's details from the settings, for a printable acknowledgement.
#[utoipa::path(
    get,
    path = paths::DONOR_RECEIPT,
    tag = tag::REPORTS,
    params(DonorReceiptQuery),
    responses(
        (status = 200, description = "The receipt.", body = DonorReceipt),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn donor_receipt(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<DonorReceiptQuery>,
) -> Result<Json<DonorReceipt>, ApiError> {
    let (donor, from, to) = query.checked()?;
    Ok(Json(
        reports::donor_receipt(&state.db, donor, from, to).await?,
    ))
}

/// The inventory report as a CSV file.
#[utoipa::path(
    get,
    path = paths::INVENTORY_REPORT_CSV,
    tag = tag::REPORTS,
    params((
        "as_of" = Option<NaiveDate>,
        Query,
        pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        description = "Count only records dated on or before this day."
    )),
    responses(
        (
            status = 200,
            description = "Columns `kind`, `donated`, `distributed`, `balance`.",
            body = String,
            content_type = "text/csv",
            headers((
                "Content-Disposition" = String,
                description = "An attachment, `inventory.csv` or `inventory-<as_of>.csv`."
            ))
        ),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn inventory_csv(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<InventoryQuery>,
) -> Result<Response, ApiError> {
    let rows = reports::inventory(&state.db, query.as_of).await?;
    let mut records = vec![csv_export::inventory_header()];
    records.extend(rows.iter().map(csv_export::inventory_record));
    let file_name = match query.as_of {
        Some(day) => format!("inventory-{day}.csv"),
        None => "inventory.csv".to_owned(),
    };
    csv_response(&file_name, records)
}

/// The donor report as a CSV file: every donor by name, with one total column per kind so that
/// spreadsheets can sum them. Sent as it is read, a chunk of donors at a time.
#[utoipa::path(
    get,
    path = paths::DONORS_REPORT_CSV,
    tag = tag::REPORTS,
    responses(
        (
            status = 200,
            description = "Columns `donor_name`, `donations`, `first_donated_on`, \
                `last_donated_on`, then one per kind.",
            body = String,
            content_type = "text/csv",
            headers((
                "Content-Disposition" = String,
                description = "An attachment, `donors.csv`."
            ))
        ),
        (status = 500, response = openapi::Internal),
    )
)]
async fn donors_csv(State(state): State<AppState>) -> Response {
    csv_chunks_response(
        "donors.csv",
        csv_export::donor_header(),
        reports::donors_in_chunks(state.db.clone(), CSV_CHUNK),
        csv_export::donor_record,
    )
}

/// Donors read per query of the donor CSV: a few hundred kilobytes of CSV at a time.
const CSV_CHUNK: u64 = 1000;
