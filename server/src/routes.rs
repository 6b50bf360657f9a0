//! HTTP routes, one module per area. Handlers extract, call a service and map the result.

pub mod health;
pub mod hello;
pub mod ledger;
pub mod reports;

use axum::Router;

use crate::startup::AppState;

/// Every API route.
pub fn api() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(hello::router())
        .merge(ledger::router())
        .merge(reports::router())
}
