//! Donations imported from a CSV file: a preview that names every bad line, then the import
//! itself, all of the file or nothing.

use app::import::{self, ImportPreview, ImportResult, MAX_FILE_BYTES, ParsedFile};
use app::paths;
use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::{latest_today, today};
use crate::csv_export::csv_response;
use crate::error::ApiError;
use crate::extract::CsvText;
use crate::openapi::{self, tag};
use crate::security::session::CurrentUser;
use crate::services::audit::Actor;
use crate::services::ledger;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(preview))
        .routes(routes!(import_donations))
        .routes(routes!(sample))
        // Stated here rather than left to axum's default, so the limit the file is refused at is
        // the one the app tells people about.
        .layer(DefaultBodyLimit::max(MAX_FILE_BYTES))
}

/// Reads the file, or refuses it when it holds more rows than one import may.
fn parse(text: &str) -> Result<ParsedFile, ApiError> {
    import::parse(text, latest_today())
        .map_err(|too_many| ApiError::field("file", too_many.reason()))
}

/// What importing a CSV file of donations would record, and every problem in it by line and
/// column. Nothing is written.
#[utoipa::path(
    post,
    path = paths::DONATIONS_IMPORT_PREVIEW,
    tag = tag::LEDGER,
    request_body(
        content = import::DonationsCsv,
        content_type = "text/csv",
        description = "A header naming the columns `donor`, `kind`, `quantity`, `date` and, if \
            wanted, `note` (in any case and order), then one donation a line. At most 2 MB and \
            10,000 rows.",
    ),
    responses(
        (status = 200, description = "The rows read, totals per kind, and every problem.", body = ImportPreview),
        (status = 400, response = openapi::BadRequest),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn preview(CsvText(text): CsvText) -> Result<Json<ImportPreview>, ApiError> {
    Ok(Json(parse(&text)?.preview()))
}

/// Records every donation of a CSV file in one transaction, or, when any line has a problem,
/// none: the answer then lists the problems as the preview does.
#[utoipa::path(
    post,
    path = paths::DONATIONS_IMPORT,
    tag = tag::LEDGER,
    request_body(
        content = import::DonationsCsv,
        content_type = "text/csv",
        description = "The file, as for the preview.",
    ),
    responses(
        (status = 201, description = "Every donation of the file, recorded.", body = ImportResult),
        (status = 400, response = openapi::BadRequest),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::InvalidLines),
        (status = 500, response = openapi::Internal),
    )
)]
async fn import_donations(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    CsvText(text): CsvText,
) -> Result<(StatusCode, Json<ImportResult>), ApiError> {
    let today = today();
    let parsed = parse(&text)?;
    if !parsed.errors.is_empty() {
        let (listed, not_listed) = parsed.listed_errors();
        return Err(ApiError::InvalidLines(listed, not_listed));
    }
    let donations = parsed
        .rows
        .into_iter()
        .map(|(_, donation)| donation)
        .collect();
    let imported =
        ledger::record_donations(&state.db, &Actor::from(&user), donations, today).await?;
    Ok((StatusCode::CREATED, Json(ImportResult { imported })))
}

/// A sample file to fill in, with the columns the import reads.
#[utoipa::path(
    get,
    path = paths::DONATIONS_IMPORT_SAMPLE,
    tag = tag::LEDGER,
    responses(
        (
            status = 200,
            description = "A few donations in the columns the import reads.",
            body = String,
            content_type = "text/csv",
            headers((
                "Content-Disposition" = String,
                description = "An attachment, `donations-sample.csv`."
            ))
        ),
        (status = 500, response = openapi::Internal),
    )
)]
async fn sample() -> Result<Response, ApiError> {
    csv_response("donations-sample.csv", import::sample_records())
}
