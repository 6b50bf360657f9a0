use app::accounts::{Role, UpdateUserRequest, User};
use app::paths;
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::openapi::{self, tag};
use crate::security::session::CurrentUser;
use crate::services::accounts;
use crate::services::audit::Actor;
use crate::state::AppState;

/// Account administration, for admins only.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    super::guarded(
        state,
        Role::Admin,
        OpenApiRouter::new()
            .routes(routes!(list))
            .routes(routes!(update)),
    )
}

/// Every account, by email, with its role, last sign-in and whether it is active.
#[utoipa::path(
    get,
    operation_id = "list_users",
    path = paths::USERS,
    tag = tag::USERS,
    responses(
        (status = 200, description = "The accounts.", body = Vec<User>),
        (status = 500, response = openapi::Internal),
    )
)]
async fn list(State(state): State<AppState>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(accounts::list_users(&state.db).await?))
}

/// Changes an account's role, or deactivates or reactivates it. A deactivated account's sessions
/// end at once and it cannot sign in. The last active admin can be neither demoted nor
/// deactivated (409 `last_admin`).
#[utoipa::path(
    patch,
    operation_id = "update_user",
    context_path = paths::USERS,
    path = "/{id}",
    tag = tag::USERS,
    params(("id" = i64, Path, description = "The account's id.")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The account, changed.", body = User),
        (status = 400, response = openapi::BadRequest),
        (status = 404, response = openapi::NotFound),
        (status = 409, response = openapi::Conflict),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<UpdateUserRequest>,
) -> Result<Json<User>, ApiError> {
    input.validate()?;
    let updated = accounts::update_user(&state.db, &Actor::from(&user), id, &input).await?;
    state.sessions.forget_user(id);
    Ok(Json(updated))
}
