//! Scheduled data jobs: what they are, how they ran.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a run ended, or that it is still going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Running,
    /// It wrote what changed (possibly nothing, when every value was already current).
    Success,
    /// The sources had not changed since the last success, so nothing was read or written.
    Unchanged,
    Failed,
    /// The server stopped while the run was going; nothing of it was kept.
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Success => "success",
            Self::Unchanged => "unchanged",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }
}

impl std::str::FromStr for RunStatus {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [
            Self::Running,
            Self::Success,
            Self::Unchanged,
            Self::Failed,
            Self::Interrupted,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
        .ok_or_else(|| format!("unknown run status '{text}'"))
    }
}

/// Files a sync job compared with its source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileCounts {
    pub added: u64,
    pub updated: u64,
    pub deleted: u64,
    pub unchanged: u64,
}

impl FileCounts {
    /// Whether the sync added, replaced or deleted any file.
    pub fn changed(self) -> bool {
        self.added + self.updated + self.deleted > 0
    }
}

/// What one run did: printed as the last line of `server job run`, posted to the notification
/// webhook, and kept in the run history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    pub job: String,
    pub status: RunStatus,
    pub rows_inserted: u64,
    pub rows_updated: u64,
    pub message: String,
    /// Only for jobs that mirror files.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub files: Option<FileCounts>,
}

impl RunSummary {
    /// A run that wrote nothing: it failed, was interrupted, or found nothing new.
    pub fn without_changes(job: &str, status: RunStatus, message: String) -> Self {
        Self {
            job: job.to_owned(),
            status,
            rows_inserted: 0,
            rows_updated: 0,
            message,
            files: None,
        }
    }
}

/// One recorded run of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobRun {
    pub id: i64,
    pub job: String,
    /// `schedule`, `retry` (the scheduler trying a failing job again), `follow-up` (after another
    /// job changed its input), `manual` (the API) or `command` (`server job run`).
    pub trigger: String,
    pub status: RunStatus,
    #[serde(with = "crate::date::timestamp")]
    pub started_at: DateTime<Utc>,
    #[serde(default, with = "crate::date::optional_timestamp")]
    pub finished_at: Option<DateTime<Utc>>,
    pub rows_inserted: u64,
    pub rows_updated: u64,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<FileCounts>,
}

/// A job, its schedule and its latest run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Job {
    pub name: String,
    pub description: String,
    /// A cron expression (minute hour day-of-month month day-of-week), in UTC; `None` when the job
    /// runs only on demand or after another job.
    pub schedule: Option<String>,
    #[serde(default, with = "crate::date::optional_timestamp")]
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_run: Option<JobRun>,
}

/// Answer to starting a run on demand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunStarted {
    pub run_id: i64,
}

/// The most runs `GET /api/jobs/{name}/runs` returns at once.
pub const MAX_RUNS: u64 = 500;

/// Query of `GET /api/jobs/{name}/runs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct RunsQuery {
    /// How many runs, at most.
    #[serde(default = "RunsQuery::default_limit")]
    #[cfg_attr(
        feature = "openapi",
        param(default = RunsQuery::default_limit, minimum = 1, maximum = 500)
    )]
    pub limit: u64,
}

impl RunsQuery {
    fn default_limit() -> u64 {
        50
    }

    pub fn validate(&self) -> Result<(), crate::FieldErrors> {
        let mut checker = crate::error::Checker::default();
        checker.check(
            (1..=MAX_RUNS).contains(&self.limit),
            "limit",
            format!("must be between 1 and {MAX_RUNS}"),
        );
        checker.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_has_the_published_shape_and_file_counts_only_when_present() {
        let mut summary = RunSummary {
            job: "covid-etl".into(),
            status: RunStatus::Success,
            rows_inserted: 3,
            rows_updated: 1,
            message: "3 new days, 1 revised".into(),
            files: None,
        };
        assert_eq!(
            serde_json::to_value(&summary).unwrap(),
            serde_json::json!({"job": "covid-etl", "status": "success", "rows_inserted": 3,
                "rows_updated": 1, "message": "3 new days, 1 revised"})
        );
        summary.files = Some(FileCounts {
            added: 1,
            updated: 2,
            deleted: 3,
            unchanged: 4,
        });
        let value = serde_json::to_value(&summary).unwrap();
        assert_eq!(value["added"], 1);
        assert_eq!(value["unchanged"], 4);
        assert_eq!(
            serde_json::from_value::<RunSummary>(value).unwrap(),
            summary
        );
    }

    #[test]
    fn statuses_read_back_from_their_names() {
        for status in [RunStatus::Running, RunStatus::Interrupted] {
            assert_eq!(status.as_str().parse::<RunStatus>(), Ok(status));
        }
        assert!("done".parse::<RunStatus>().is_err());
    }
}
