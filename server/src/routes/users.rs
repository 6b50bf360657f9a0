use app::accounts::{UpdateUserRequest, User};
use app::paths;
use axum::extract::State;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, patch};
use axum::{Json, Router};

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::security::session::require_admin;
use crate::services::accounts;
use crate::startup::AppState;

/// Account administration, for admins only.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(paths::USERS, get(list))
        .route(&format!("{}/{{id}}", paths::USERS), patch(update))
        .route_layer(from_fn_with_state(state.clone(), require_admin))
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(accounts::list_users(&state.db).await?))
}

async fn update(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<UpdateUserRequest>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(accounts::set_role(&state.db, id, input.role).await?))
}
