use app::jobs::{Job, JobRun, RunStarted};
use app::paths;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::jobs::{JobName, StartError, Trigger};
use crate::security::session::{require_admin, require_staff};
use crate::startup::AppState;

/// Staff may watch the jobs; only admins start them.
pub fn router(state: &AppState) -> Router<AppState> {
    let staff = Router::new()
        .route(paths::JOBS, get(list))
        .route(&format!("{}/{{name}}/runs", paths::JOBS), get(runs))
        .route_layer(from_fn_with_state(state.clone(), require_staff));
    let admin = Router::new()
        .route(&format!("{}/{{name}}/run", paths::JOBS), post(run))
        .route_layer(from_fn_with_state(state.clone(), require_admin));
    staff.merge(admin)
}

impl From<StartError> for ApiError {
    fn from(error: StartError) -> Self {
        match error {
            StartError::Busy(_) => ApiError::Conflict {
                code: "job_running",
                message: error.to_string(),
            },
            StartError::ShuttingDown => ApiError::Unavailable,
            StartError::Db(error) => error.into(),
            StartError::Other(error) => error.into(),
        }
    }
}

fn job_named(name: &str) -> Result<JobName, ApiError> {
    name.parse().map_err(|_| ApiError::NotFound("job"))
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<Job>>, ApiError> {
    Ok(Json(state.jobs.list().await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunsQuery {
    #[serde(default = "default_limit")]
    limit: u64,
}

fn default_limit() -> u64 {
    50
}

const MAX_LIMIT: u64 = 500;

async fn runs(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiQuery(query): ApiQuery<RunsQuery>,
) -> Result<Json<Vec<JobRun>>, ApiError> {
    let job = job_named(&name)?;
    if !(1..=MAX_LIMIT).contains(&query.limit) {
        return Err(ApiError::field(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    Ok(Json(state.jobs.runs(job, query.limit).await?))
}

/// Starts a run and answers at once; the run goes on in the background and shows in the history.
async fn run(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<(StatusCode, Json<RunStarted>), ApiError> {
    let job = job_named(&name)?;
    let started = state.jobs.start(job, Trigger::Manual).await?;
    let run_id = i64::from(started.run_id);
    state.jobs.spawn(started);
    Ok((StatusCode::ACCEPTED, Json(RunStarted { run_id })))
}
