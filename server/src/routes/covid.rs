use app::covid::{DailyFigures, DailyQuery};
use app::paths;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::jobs::covid;
use crate::startup::AppState;

/// Public figures: anyone may read them.
pub fn router() -> Router<AppState> {
    Router::new().route(paths::COVID_DAILY, get(daily))
}

async fn daily(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<DailyQuery>,
) -> Result<Json<Vec<DailyFigures>>, ApiError> {
    query.validate()?;
    Ok(Json(covid::daily(&state.db, &query).await?))
}
