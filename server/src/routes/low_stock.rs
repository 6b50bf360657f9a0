use app::ledger::Kind;
use app::paths;
use app::stock::{KindThreshold, SetThreshold};
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::openapi::{self, tag};
use crate::security::session::CurrentUser;
use crate::services::audit::Actor;
use crate::services::low_stock;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_thresholds))
        .routes(routes!(set_threshold))
}

/// Per kind: the low-stock threshold, the balance, and whether it is `ok`, `low` or `out`.
#[utoipa::path(
    get,
    path = paths::STOCK_THRESHOLDS,
    tag = tag::REPORTS,
    responses(
        (status = 200, description = "One row per kind.", body = Vec<KindThreshold>),
        (status = 500, response = openapi::Internal),
    )
)]
async fn list_thresholds(
    State(state): State<AppState>,
) -> Result<Json<Vec<KindThreshold>>, ApiError> {
    Ok(Json(low_stock::kind_thresholds(&state.db).await?))
}

/// Sets one kind's low-stock threshold, or removes it with `null`. When the balance falls below
/// it, one notification goes out through the configured webhook and e-mail; the next only after
/// the balance has been back at or above it. A balance already below a new threshold counts as
/// falling below it.
#[utoipa::path(
    put,
    context_path = paths::STOCK_THRESHOLDS,
    path = "/{kind}",
    tag = tag::REPORTS,
    params(("kind" = Kind, Path, description = "The kind of the ledger.")),
    request_body = SetThreshold,
    responses(
        (status = 200, description = "The kind with its new threshold.", body = KindThreshold),
        (status = 400, response = openapi::BadRequest),
        (status = 404, response = openapi::NotFound),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn set_threshold(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(kind): ApiPath<Kind>,
    ApiJson(input): ApiJson<SetThreshold>,
) -> Result<Json<KindThreshold>, ApiError> {
    input.validate()?;
    Ok(Json(
        low_stock::set_kind_threshold(&state.db, &Actor::from(&user), kind, input.threshold)
            .await?,
    ))
}
