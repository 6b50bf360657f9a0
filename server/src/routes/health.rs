use app::paths;
use app::system::Health;
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::openapi::{self, tag};
use crate::state::AppState;

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

/// The process is up and answering.
#[utoipa::path(
    get,
    path = paths::HEALTH,
    tag = tag::HEALTH,
    responses((status = 200, description = "The process answers.", body = Health))
)]
async fn health() -> Json<Health> {
    status("ok")
}

/// The service can take traffic: it is not shutting down and the database answers.
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
    if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(ApiError::Unavailable);
    }
    match state.db.ping().await {
        Ok(()) => Ok(status("ok")),
        Err(error) => {
            tracing::warn!(%error, "database is not reachable");
            Err(ApiError::Unavailable)
        }
    }
}
