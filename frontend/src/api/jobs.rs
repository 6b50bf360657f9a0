//! The scheduled data jobs.

use app::jobs::{Job, JobRun, RunStarted, RunsQuery};
use app::paths;
use gloo_net::http::Request;

use super::{ApiError, answer, get, request, with_query};

pub async fn jobs() -> Result<Vec<Job>, ApiError> {
    get(paths::JOBS).await
}

/// A job's latest runs, newest first.
pub async fn runs(job: &str, query: &RunsQuery) -> Result<Vec<JobRun>, ApiError> {
    get(&with_query(&paths::job_runs(job), query)).await
}

/// Starts a run of `job` now.
pub async fn run(job: &str) -> Result<RunStarted, ApiError> {
    answer(request(Request::post, &paths::job_run(job)).build()).await
}
