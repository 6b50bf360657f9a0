use app::accounts::{Role, User};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ApiError;
use crate::services::accounts;
use crate::state::AppState;

pub const COOKIE_NAME: &str = "hub_session";

/// The session token the browser sent, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
}

/// `Set-Cookie` for a new session: readable by no script, sent on same-site navigation, `Secure`
/// when served over HTTPS. With cross-origin clients allowed, `SameSite=None` (which browsers only
/// accept with `Secure`) lets their requests carry it. The browser keeps it for the session's
/// absolute lifetime, so a session in use never loses its cookie; the server ends idle ones.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    let settings = &state.security;
    let max_age = settings.session.max.num_seconds();
    format!(
        "{COOKIE_NAME}={token}; {}; Max-Age={max_age}",
        cookie_attributes(state)
    )
}

/// `Set-Cookie` that makes the browser forget its session.
pub fn cleared_cookie(state: &AppState) -> String {
    format!("{COOKIE_NAME}=; {}; Max-Age=0", cookie_attributes(state))
}

fn cookie_attributes(state: &AppState) -> String {
    let settings = &state.security;
    let same_site = if settings.cross_origin_cookies {
        "None"
    } else {
        "Lax"
    };
    let secure = if settings.cookie_secure || settings.cross_origin_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("HttpOnly; SameSite={same_site}; Path=/{secure}")
}

/// The signed-in user; 401 when there is none.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let token = session_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let user =
            accounts::session_user(&state.db, &state.sessions, &token, state.security.session)
                .await?
                .ok_or(ApiError::Unauthorized)?;
        let user = CurrentUser(user);
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

async fn require(
    role: Role,
    state: &AppState,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let CurrentUser(user) = CurrentUser::from_request_parts(&mut parts, state).await?;
    if user.role < role {
        return Err(ApiError::Forbidden);
    }
    Ok(next.run(Request::from_parts(parts, body)).await)
}

/// Lets only signed-in users through.
pub async fn require_member(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    require(Role::Member, &state, request, next).await
}

/// Lets only staff and admins through.
pub async fn require_staff(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    require(Role::Staff, &state, request, next).await
}

/// Lets only admins through.
pub async fn require_admin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    require(Role::Admin, &state, request, next).await
}
