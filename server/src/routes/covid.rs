use app::covid::{DailyFigures, DailyQuery};
use app::paths;
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::openapi::{self, tag};
use crate::services::covid;
use crate::state::AppState;

/// Public figures: anyone may read them.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(daily))
}

/// Cumulative US figures per day, in date order.
#[utoipa::path(
    get,
    operation_id = "covid_daily",
    path = paths::COVID_DAILY,
    tag = tag::COVID,
    params(DailyQuery),
    responses(
        (
            status = 200,
            description = "The figures of each day in the range.",
            body = Vec<DailyFigures>
        ),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn daily(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<DailyQuery>,
) -> Result<Json<Vec<DailyFigures>>, ApiError> {
    query.validate()?;
    Ok(Json(covid::daily(&state.db, &query).await?))
}
