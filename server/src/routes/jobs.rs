use app::accounts::Role;
use app::jobs::{Job, JobRun, RunStarted, RunsQuery};
use app::paths;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::jobs::{JobName, Trigger};
use crate::openapi::{self, tag};
use crate::state::AppState;

/// Staff may watch the jobs; only admins start them.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let staff = OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(runs));
    let admin = OpenApiRouter::new().routes(routes!(run));
    super::guarded(state, Role::Staff, staff).merge(super::guarded(state, Role::Admin, admin))
}

fn job_named(name: &str) -> Result<JobName, ApiError> {
    name.parse().map_err(|_| ApiError::NotFound("job"))
}

/// Every job, with its schedule, next run and last run.
#[utoipa::path(
    get,
    operation_id = "list_jobs",
    path = paths::JOBS,
    tag = tag::JOBS,
    responses(
        (status = 200, description = "The jobs.", body = Vec<Job>),
        (status = 500, response = openapi::Internal),
    )
)]
async fn list(State(state): State<AppState>) -> Result<Json<Vec<Job>>, ApiError> {
    Ok(Json(state.jobs.list().await?))
}

/// The job's runs, newest first.
#[utoipa::path(
    get,
    operation_id = "list_job_runs",
    context_path = paths::JOBS,
    path = "/{name}/runs",
    tag = tag::JOBS,
    params(
        (
            "name" = String,
            Path,
            description = "The job's name, as the list of jobs gives it.",
            example = "covid-etl"
        ),
        RunsQuery
    ),
    responses(
        (status = 200, description = "The runs.", body = Vec<JobRun>),
        (status = 404, response = openapi::NotFound),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn runs(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiQuery(query): ApiQuery<RunsQuery>,
) -> Result<Json<Vec<JobRun>>, ApiError> {
    let job = job_named(&name)?;
    query.validate()?;
    Ok(Json(state.jobs.runs(job, query.limit).await?))
}

/// Starts a run and answers at once; the run goes on in the background and shows in the history.
#[utoipa::path(
    post,
    operation_id = "start_job_run",
    context_path = paths::JOBS,
    path = "/{name}/run",
    tag = tag::JOBS,
    params((
        "name" = String,
        Path,
        description = "The job's name, as the list of jobs gives it.",
        example = "covid-etl"
    )),
    responses(
        (status = 202, description = "The run has started.", body = RunStarted),
        (status = 404, response = openapi::NotFound),
        (status = 409, response = openapi::Conflict),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::Unavailable),
    )
)]
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
