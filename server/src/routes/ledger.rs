use app::ledger::{Distribution, Donation, LedgerQuery, NewDistribution, NewDonation};
use app::paging::Page;
use app::paths;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::{latest_today, today};
use crate::csv_export::{self, csv_chunks_response};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
use crate::openapi::{self, tag};
use crate::security::session::CurrentUser;
use crate::services::audit::Actor;
use crate::services::ledger;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_donations, create_donation))
        .routes(routes!(donations_csv))
        .routes(routes!(distributions_csv))
        .routes(routes!(get_donation, update_donation, delete_donation))
        .routes(routes!(list_distributions, create_distribution))
        .routes(routes!(
            get_distribution,
            update_distribution,
            delete_distribution
        ))
}

/// Donations, one page at a time.
///
/// Newest first unless `sort` says otherwise; `recipient` does not apply.
#[utoipa::path(
    get,
    path = paths::DONATIONS,
    tag = tag::LEDGER,
    params(LedgerQuery),
    responses(
        (status = 200, description = "One page of donations.", body = Page<Donation>),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn list_donations(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LedgerQuery>,
) -> Result<Json<Page<Donation>>, ApiError> {
    query.validate()?;
    Ok(Json(ledger::list_donations(&state.db, &query).await?))
}

/// The donations the same filters select, every one of them, in the same order, as a CSV file.
#[utoipa::path(
    get,
    path = paths::DONATIONS_CSV,
    tag = tag::LEDGER,
    params(LedgerQuery),
    responses(
        (
            status = 200,
            description = "Columns `id`, `donated_on`, `donor`, `kind`, `quantity`, `note`, \
                `recorded_at` (when it was entered, UTC). `page` and `per_page` are ignored.",
            body = String,
            content_type = "text/csv",
            headers((
                "Content-Disposition" = String,
                description = "An attachment, `donations.csv`."
            ))
        ),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn donations_csv(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LedgerQuery>,
) -> Result<Response, ApiError> {
    query.validate()?;
    Ok(csv_chunks_response(
        "donations.csv",
        csv_export::donation_header(),
        ledger::export_donations(state.db.clone(), &query),
        csv_export::donation_record,
    ))
}

/// The distributions the same filters select, all of them, in the same order, as a CSV file.
#[utoipa::path(
    get,
    path = paths::DISTRIBUTIONS_CSV,
    tag = tag::LEDGER,
    params(LedgerQuery),
    responses(
        (
            status = 200,
            description = "Columns `id`, `distributed_on`, `recipient`, `kind`, `quantity`, \
                `note`, `recorded_at` (when it was entered, UTC). `page` and `per_page` are \
                ignored.",
            body = String,
            content_type = "text/csv",
            headers((
                "Content-Disposition" = String,
                description = "An attachment, `distributions.csv`."
            ))
        ),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn distributions_csv(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LedgerQuery>,
) -> Result<Response, ApiError> {
    query.validate()?;
    Ok(csv_chunks_response(
        "distributions.csv",
        csv_export::distribution_header(),
        ledger::export_distributions(state.db.clone(), &query),
        csv_export::distribution_record,
    ))
}

/// Records a donation, adding it to the stock.
#[utoipa::path(
    post,
    path = paths::DONATIONS,
    tag = tag::LEDGER,
    request_body = NewDonation,
    responses(
        (status = 201, description = "The donation, recorded.", body = Donation),
        (status = 400, response = openapi::BadRequest),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn create_donation(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(input): ApiJson<NewDonation>,
) -> Result<(StatusCode, Json<Donation>), ApiError> {
    let today = today();
    input.validate(latest_today())?;
    let stored = ledger::record_donation(&state.db, &Actor::from(&user), input, today).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// One donation.
#[utoipa::path(
    get,
    context_path = paths::DONATIONS,
    path = "/{id}",
    tag = tag::LEDGER,
    params(("id" = i64, Path, description = "The record's id.")),
    responses(
        (status = 200, description = "The donation.", body = Donation),
        (status = 404, response = openapi::NotFound),
        (status = 500, response = openapi::Internal),
    )
)]
async fn get_donation(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Donation>, ApiError> {
    Ok(Json(ledger::get_donation(&state.db, id).await?))
}

/// Corrects a donation, unless the stock it leaves would be negative.
#[utoipa::path(
    put,
    context_path = paths::DONATIONS,
    path = "/{id}",
    tag = tag::LEDGER,
    params(
        ("id" = i64, Path, description = "The record's id."),
        IfMatch,
    ),
    request_body = NewDonation,
    responses(
        (status = 200, description = "The donation, corrected.", body = Donation),
        (status = 400, response = openapi::BadRequest),
        (status = 404, response = openapi::NotFound),
        (status = 409, response = openapi::Conflict),
        (status = 412, response = openapi::StaleVersion),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn update_donation(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    IfMatch(expected): IfMatch,
    ApiJson(input): ApiJson<NewDonation>,
) -> Result<Json<Donation>, ApiError> {
    let today = today();
    input.validate(latest_today())?;
    Ok(Json(
        ledger::update_donation(&state.db, &Actor::from(&user), id, expected, input, today).await?,
    ))
}

/// Deletes a donation, unless the stock it leaves would be negative.
#[utoipa::path(
    delete,
    context_path = paths::DONATIONS,
    path = "/{id}",
    tag = tag::LEDGER,
    params(("id" = i64, Path, description = "The record's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, response = openapi::NotFound),
        (status = 409, response = openapi::Conflict),
        (status = 500, response = openapi::Internal),
    )
)]
async fn delete_donation(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    ledger::delete_donation(&state.db, &Actor::from(&user), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Distributions, one page at a time.
///
/// Newest first unless `sort` says otherwise; `donor` does not apply.
#[utoipa::path(
    get,
    path = paths::DISTRIBUTIONS,
    tag = tag::LEDGER,
    params(LedgerQuery),
    responses(
        (status = 200, description = "One page of distributions.", body = Page<Distribution>),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn list_distributions(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LedgerQuery>,
) -> Result<Json<Page<Distribution>>, ApiError> {
    query.validate()?;
    Ok(Json(ledger::list_distributions(&state.db, &query).await?))
}

/// Records a distribution, unless it would take more than is in stock.
#[utoipa::path(
    post,
    path = paths::DISTRIBUTIONS,
    tag = tag::LEDGER,
    request_body = NewDistribution,
    responses(
        (status = 201, description = "The distribution, recorded.", body = Distribution),
        (status = 400, response = openapi::BadRequest),
        (status = 409, response = openapi::Conflict),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn create_distribution(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(input): ApiJson<NewDistribution>,
) -> Result<(StatusCode, Json<Distribution>), ApiError> {
    let today = today();
    input.validate(latest_today())?;
    let stored = ledger::record_distribution(&state.db, &Actor::from(&user), input, today).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// One distribution.
#[utoipa::path(
    get,
    context_path = paths::DISTRIBUTIONS,
    path = "/{id}",
    tag = tag::LEDGER,
    params(("id" = i64, Path, description = "The record's id.")),
    responses(
        (status = 200, description = "The distribution.", body = Distribution),
        (status = 404, response = openapi::NotFound),
        (status = 500, response = openapi::Internal),
    )
)]
async fn get_distribution(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Distribution>, ApiError> {
    Ok(Json(ledger::get_distribution(&state.db, id).await?))
}

/// Corrects a distribution, unless it would take more than is in stock.
#[utoipa::path(
    put,
    context_path = paths::DISTRIBUTIONS,
    path = "/{id}",
    tag = tag::LEDGER,
    params(
        ("id" = i64, Path, description = "The record's id."),
        IfMatch,
    ),
    request_body = NewDistribution,
    responses(
        (status = 200, description = "The distribution, corrected.", body = Distribution),
        (status = 400, response = openapi::BadRequest),
        (status = 404, response = openapi::NotFound),
        (status = 409, response = openapi::Conflict),
        (status = 412, response = openapi::StaleVersion),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn update_distribution(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    IfMatch(expected): IfMatch,
    ApiJson(input): ApiJson<NewDistribution>,
) -> Result<Json<Distribution>, ApiError> {
    let today = today();
    input.validate(latest_today())?;
    Ok(Json(
        ledger::update_distribution(&state.db, &Actor::from(&user), id, expected, input, today)
            .await?,
    ))
}

/// Deletes a distribution, returning its quantity to the stock.
#[utoipa::path(
    delete,
    context_path = paths::DISTRIBUTIONS,
    path = "/{id}",
    tag = tag::LEDGER,
    params(("id" = i64, Path, description = "The record's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, response = openapi::NotFound),
        (status = 500, response = openapi::Internal),
    )
)]
async fn delete_distribution(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    ledger::delete_distribution(&state.db, &Actor::from(&user), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
