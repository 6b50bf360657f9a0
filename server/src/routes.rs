//! HTTP routes, one module per area. Handlers extract, call a service and map the result.

pub mod auth;
pub mod covid;
pub mod data_reports;
pub mod health;
pub mod hello;
pub mod jobs;
pub mod ledger;
pub mod reports;
pub mod shop;
pub mod users;

use axum::Router;
use axum::middleware::from_fn_with_state;

use crate::security::guards::limit_api;
use crate::security::session::require_staff;
use crate::startup::AppState;

/// Every API route, each area behind the role it needs. The probes and the public greeting API
/// stay open and outside the general rate limit, so that monitors and integrations are not counted.
pub fn api(state: &AppState) -> Router<AppState> {
    let staff_only = Router::new()
        .merge(ledger::router())
        .merge(reports::router())
        .route_layer(from_fn_with_state(state.clone(), require_staff));
    let limited = Router::new()
        .merge(auth::router(state))
        .merge(users::router(state))
        .merge(shop::router(state))
        .merge(jobs::router(state))
        .merge(covid::router())
        .merge(data_reports::router(state))
        .merge(staff_only)
        .route_layer(from_fn_with_state(state.clone(), limit_api));
    Router::new()
        .merge(health::router())
        .merge(hello::router())
        .merge(limited)
}
