use std::time::Duration;

use app::paths;
use app::system::Health;
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::database;
use crate::error::ApiError;
use crate::openapi::{self, tag};
use crate::state::AppState;

/// How long readiness waits for the database: well inside a load balancer's probe timeout.
const READINESS_LIMIT: Duration = Duration::from_secs(1);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(ready))
}

fn status(status: &str) -> Json<Health> {
    Json(Health {
        status: status.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        revision: env!("GIT_REVISION").to_owned(),
    })
}

/// Liveness: the process is up and serving.
///
/// It never asks the database, so a database outage does not make a supervisor replace an
/// instance that will serve again once the database returns.
#[utoipa::path(
    get,
    path = paths::HEALTH,
    tag = tag::HEALTH,
    responses((status = 200, description = "The process answers.", body = Health))
)]
async fn health() -> Json<Health> {
    status("ok")
}

/// Readiness: the instance can serve now, so a load balancer may route to it.
///
/// It cannot while shutting down or while the database does not answer within a second; it is
/// ready again as soon as the database answers, without a restart.
#[utoipa::path(
    get,
    path = paths::READY,
    tag = tag::HEALTH,
    responses(
        (status = 200, description = "Ready for traffic.", body = Health),
        (status = 503, response = openapi::Unavailable),
    )
)]
async fn ready(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    if state.draining.load(std::sync::atomic::Ordering::SeqCst)
        || !database::answers_within(&state.db, READINESS_LIMIT).await
    {
        return Err(ApiError::Unavailable);
    }
    Ok(status("ok"))
}
