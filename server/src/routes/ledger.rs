use app::ledger::{Distribution, Donation, LedgerQuery, NewDistribution, NewDonation, Page};
use app::paths;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::services::ledger::{self, LedgerError};
use crate::services::stock::StockError;
use crate::services::today;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::DONATIONS, get(list_donations).post(create_donation))
        .route(
            &format!("{}/{{id}}", paths::DONATIONS),
            get(get_donation)
                .put(update_donation)
                .delete(delete_donation),
        )
        .route(
            paths::DISTRIBUTIONS,
            get(list_distributions).post(create_distribution),
        )
        .route(
            &format!("{}/{{id}}", paths::DISTRIBUTIONS),
            get(get_distribution)
                .put(update_distribution)
                .delete(delete_distribution),
        )
}

impl From<LedgerError> for ApiError {
    fn from(error: LedgerError) -> Self {
        match error {
            LedgerError::NotFound => ApiError::NotFound("record"),
            LedgerError::Stock(StockError::Insufficient { kind, available }) => {
                ApiError::Conflict {
                    code: "insufficient_stock",
                    message: format!(
                        "not enough {kind} in stock: only {available} {} available",
                        kind.unit()
                    ),
                }
            }
            LedgerError::Stock(StockError::Db(error)) => error.into(),
        }
    }
}

async fn list_donations(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LedgerQuery>,
) -> Result<Json<Page<Donation>>, ApiError> {
    query.validate()?;
    Ok(Json(ledger::list_donations(&state.db, &query).await?))
}

async fn create_donation(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<NewDonation>,
) -> Result<(StatusCode, Json<Donation>), ApiError> {
    let today = today();
    input.validate(today)?;
    let stored = ledger::record_donation(&state.db, input, today).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

async fn get_donation(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Donation>, ApiError> {
    Ok(Json(ledger::get_donation(&state.db, id).await?))
}

async fn update_donation(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewDonation>,
) -> Result<Json<Donation>, ApiError> {
    let today = today();
    input.validate(today)?;
    Ok(Json(
        ledger::update_donation(&state.db, id, input, today).await?,
    ))
}

async fn delete_donation(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    ledger::delete_donation(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_distributions(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LedgerQuery>,
) -> Result<Json<Page<Distribution>>, ApiError> {
    query.validate()?;
    Ok(Json(ledger::list_distributions(&state.db, &query).await?))
}

async fn create_distribution(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<NewDistribution>,
) -> Result<(StatusCode, Json<Distribution>), ApiError> {
    let today = today();
    input.validate(today)?;
    let stored = ledger::record_distribution(&state.db, input, today).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

async fn get_distribution(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Distribution>, ApiError> {
    Ok(Json(ledger::get_distribution(&state.db, id).await?))
}

async fn update_distribution(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewDistribution>,
) -> Result<Json<Distribution>, ApiError> {
    let today = today();
    input.validate(today)?;
    Ok(Json(
        ledger::update_distribution(&state.db, id, input, today).await?,
    ))
}

async fn delete_distribution(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    ledger::delete_distribution(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
