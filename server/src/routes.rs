//! HTTP routes, one module per area. Handlers extract, call a service and map the result. Each
//! handler carries its OpenAPI description and is registered with `routes!`, which adds the route
//! and its description together.

pub mod auth;
pub mod covid;
pub mod data_reports;
pub mod docs;
pub mod greeting;
pub mod health;
pub mod history;
pub mod import;
pub mod jobs;
pub mod ledger;
pub mod low_stock;
pub mod reports;
pub mod settings;
pub mod shop;
pub mod users;

use app::accounts::Role;
use axum::Router;
use axum::middleware::from_fn_with_state;
use utoipa_axum::router::OpenApiRouter;

use crate::openapi;
use crate::security::guards::limit_api;
use crate::security::session::{require_admin, require_member, require_staff};
use crate::state::AppState;

/// Every API route, each area behind the role it needs, and the description of them all. The
/// probes and the public greeting API stay open and outside the general rate limit, so that
/// monitors and integrations are not counted.
pub fn api(state: &AppState) -> Router<AppState> {
    let staff_only = guarded(
        state,
        Role::Staff,
        OpenApiRouter::new()
            .merge(ledger::router())
            .merge(import::router())
            .merge(reports::router())
            .merge(low_stock::router())
            .merge(history::router()),
    );
    let limited = openapi::rate_limited(
        OpenApiRouter::new()
            .merge(auth::router(state))
            .merge(users::router(state))
            .merge(settings::router(state))
            .merge(shop::router(state))
            .merge(jobs::router(state))
            .merge(covid::router())
            .merge(data_reports::router(state))
            .merge(staff_only)
            .route_layer(from_fn_with_state(state.clone(), limit_api)),
    );
    let (router, mut description) = openapi::router()
        .merge(health::router())
        .merge(greeting::router(state))
        .merge(limited)
        .split_for_parts();
    openapi::refuses_cross_site_writes(&mut description);
    router.merge(docs::router(description))
}

/// Lets only accounts of at least `role` through, and says so in the description.
fn guarded(
    state: &AppState,
    role: Role,
    router: OpenApiRouter<AppState>,
) -> OpenApiRouter<AppState> {
    let state = state.clone();
    let router = match role {
        Role::Member => router.route_layer(from_fn_with_state(state, require_member)),
        Role::Staff => router.route_layer(from_fn_with_state(state, require_staff)),
        Role::Admin => router.route_layer(from_fn_with_state(state, require_admin)),
    };
    openapi::requires(role, router)
}
