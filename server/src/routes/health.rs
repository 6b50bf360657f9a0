use app::paths;
use app::system::Health;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

use crate::error::ApiError;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::HEALTH, get(health))
        .route(paths::READY, get(ready))
}

fn status(status: &str) -> Json<Health> {
    Json(Health {
        status: status.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        revision: env!("GIT_REVISION").to_owned(),
    })
}

/// The process is up and answering.
async fn health() -> Json<Health> {
    status("ok")
}

/// The service can take traffic: it is not shutting down and the database answers.
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
