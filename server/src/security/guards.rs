//! Middleware that refuses requests before they reach a handler.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use super::client_ip::client_ip;
use super::rate_limit::RateLimiter;
use crate::error::ApiError;
use crate::state::AppState;

fn limit(limiter: &RateLimiter, state: &AppState, request: &Request) -> Result<(), ApiError> {
    let settings = &state.security;
    match client_ip(
        request,
        &settings.trusted_proxies,
        settings.client_ip_header.as_ref(),
    ) {
        Some(ip) => limiter
            .check(ip)
            .map_err(|retry_after| ApiError::RateLimited { retry_after }),
        None => Ok(()),
    }
}

/// The general per-client limit on API requests.
pub async fn limit_api(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    limit(&state.security.api_limit, &state, &request)?;
    Ok(next.run(request).await)
}

/// The tighter limit on registration, against sign-up floods.
pub async fn limit_register(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    limit(&state.security.register_limit, &state, &request)?;
    Ok(next.run(request).await)
}

/// The tighter limit on sign-in, against password guessing.
pub async fn limit_login(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    limit(&state.security.login_limit, &state, &request)?;
    Ok(next.run(request).await)
}

/// The limit on saving dates of birth through the public greeting API; reading is not limited.
pub async fn limit_greeting_saves(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if request.method() == Method::PUT {
        limit(&state.security.greeting_limit, &state, &request)?;
    }
    Ok(next.run(request).await)
}
