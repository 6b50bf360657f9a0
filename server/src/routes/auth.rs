use app::accounts::{LoginRequest, RegisterRequest, Role, User};
use app::paths;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::security::guards::{limit_login, limit_register};
use crate::security::session::{CurrentUser, cleared_cookie, session_cookie, session_token};
use crate::services::accounts::{self, AccountError};
use crate::startup::AppState;

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            paths::REGISTER,
            post(register).route_layer(from_fn_with_state(state.clone(), limit_register)),
        )
        .route(
            paths::LOGIN,
            post(login).route_layer(from_fn_with_state(state.clone(), limit_login)),
        )
        .route(paths::LOGOUT, post(logout))
        .route(paths::ME, get(me))
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::EmailTaken => ApiError::Conflict {
                code: "email_taken",
                message: "an account with this email already exists; sign in instead".to_owned(),
            },
            AccountError::NotFound => ApiError::NotFound("user"),
            AccountError::LastAdmin => ApiError::Conflict {
                code: "last_admin",
                message: "the last admin cannot lose the admin role; make someone else admin first"
                    .to_owned(),
            },
            AccountError::Db(error) => error.into(),
            AccountError::Other(error) => ApiError::Internal(error),
        }
    }
}

/// Signs `user` in: a new session, and its cookie on the response.
async fn signed_in(state: &AppState, status: StatusCode, user: User) -> Result<Response, ApiError> {
    let token = accounts::start_session(&state.db, user.id, state.settings.session_idle).await?;
    let cookie = session_cookie(state, &token);
    Ok((status, AppendHeaders([(SET_COOKIE, cookie)]), Json(user)).into_response())
}

async fn register(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    input.validate()?;
    let user = accounts::create_user(
        &state.db,
        &input.email,
        &input.name,
        &input.password,
        Role::Member,
    )
    .await?;
    signed_in(&state, StatusCode::CREATED, user).await
}

async fn login(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    input.validate()?;
    let user = accounts::authenticate(&state.db, &input.email, &input.password)
        .await?
        .ok_or(ApiError::InvalidCredentials)?;
    signed_in(&state, StatusCode::OK, user).await
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        accounts::end_session(&state.db, &token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(SET_COOKIE, cleared_cookie(&state))]),
    )
        .into_response())
}

async fn me(CurrentUser(user): CurrentUser) -> Json<User> {
    Json(user)
}
