use app::accounts::{LoginRequest, RegisterRequest, Role, Session, User};
use app::paths;
use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{AppendHeaders, IntoResponse, Response};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi::{self, tag};
use crate::security::guards::{limit_login, limit_register};
use crate::security::session::{CurrentUser, cleared_cookie, session_cookie, session_token};
use crate::services::accounts;
use crate::state::AppState;

pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let register_limit = from_fn_with_state(state.clone(), limit_register);
    let login_limit = from_fn_with_state(state.clone(), limit_login);
    OpenApiRouter::new()
        .routes(routes!(register).map(|route| route.route_layer(register_limit)))
        .routes(routes!(login).map(|route| route.route_layer(login_limit)))
        .routes(routes!(logout))
        .merge(openapi::reads_session(
            OpenApiRouter::new().routes(routes!(session)),
        ))
        // The extractor, not a guard, refuses a missing session here.
        .merge(openapi::requires(
            Role::Member,
            OpenApiRouter::new().routes(routes!(me)),
        ))
}

/// Signs `user` in: a new session, and its cookie on the response.
async fn signed_in(state: &AppState, status: StatusCode, user: User) -> Result<Response, ApiError> {
    let (token, user) = accounts::start_session(&state.db, user, state.security.session).await?;
    let cookie = session_cookie(state, &token);
    Ok((status, AppendHeaders([(SET_COOKIE, cookie)]), Json(user)).into_response())
}

/// Creates a member account and signs it in.
#[utoipa::path(
    post,
    path = paths::REGISTER,
    tag = tag::AUTH,
    request_body = RegisterRequest,
    responses(
        (
            status = 201,
            description = "The new account, signed in.",
            body = User,
            headers(("Set-Cookie" = String, description = "The session cookie."))
        ),
        (status = 400, response = openapi::BadRequest),
        (status = 409, response = openapi::Conflict),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::Busy),
    )
)]
async fn register(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    input.validate()?;
    let user = accounts::create_user(
        &state.db,
        &state.passwords,
        None,
        &input.email,
        &input.name,
        &input.password,
        Role::Member,
    )
    .await?;
    signed_in(&state, StatusCode::CREATED, user).await
}

/// Signs in with email and password.
#[utoipa::path(
    post,
    path = paths::LOGIN,
    tag = tag::AUTH,
    request_body = LoginRequest,
    responses(
        (
            status = 200,
            description = "The account, signed in.",
            body = User,
            headers(("Set-Cookie" = String, description = "The session cookie."))
        ),
        (status = 400, response = openapi::BadRequest),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, response = openapi::Forbidden),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::Busy),
    )
)]
async fn login(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    input.validate()?;
    let user = accounts::authenticate(&state.db, &state.passwords, &input.email, &input.password)
        .await?
        .ok_or(ApiError::InvalidCredentials)?;
    signed_in(&state, StatusCode::OK, user).await
}

/// Ends the session, if there is one, and clears its cookie.
#[utoipa::path(
    post,
    path = paths::LOGOUT,
    tag = tag::AUTH,
    responses(
        (
            status = 204,
            description = "Signed out.",
            headers(("Set-Cookie" = String, description = "The cookie, cleared."))
        ),
        (status = 500, response = openapi::Internal),
    )
)]
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        accounts::end_session(&state.db, &state.sessions, &token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(SET_COOKIE, cleared_cookie(&state))]),
    )
        .into_response())
}

/// The signed-in account.
#[utoipa::path(
    get,
    path = paths::ME,
    tag = tag::AUTH,
    responses(
        (status = 200, description = "The account.", body = User),
        (status = 500, response = openapi::Internal),
    )
)]
async fn me(CurrentUser(user): CurrentUser) -> Json<User> {
    Json(user)
}

/// Who is signed in: the account, or `null` for a visitor. The browser app asks this at start
/// rather than the signed-in account's own path, whose 401 for visitors a browser logs as an error.
#[utoipa::path(
    get,
    path = paths::SESSION,
    tag = tag::AUTH,
    responses(
        (status = 200, description = "The session's account, or none.", body = Session),
        (status = 500, response = openapi::Internal),
    )
)]
async fn session(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Session>, ApiError> {
    let user = match session_token(&headers) {
        Some(token) => {
            accounts::session_user(&state.db, &state.sessions, &token, state.security.session)
                .await?
        }
        None => None,
    };
    Ok(Json(Session { user }))
}
