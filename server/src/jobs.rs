//! Scheduled data jobs, run inside the server: on a cron schedule, on demand from the API, or
//! once from the command line (`server job run`). Every run is recorded, holds the job's lease in
//! the database so only one runs at a time across instances, and is reported by [`notify`].

pub mod bls_sync;
pub mod covid;
pub mod data_report;
pub mod fetch;
mod history;
mod low_stock;
pub mod notify;
pub mod population_sync;
mod schedule;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use app::jobs::{FileCounts, Job, JobRun, RunStatus, RunSummary};
use object_store::ObjectStore;
use sea_orm::{DatabaseConnection, DbErr};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::JobsConfig;
use crate::database;
use crate::lease;
use fetch::Fetcher;
use notify::Notifier;
use schedule::Schedule;

/// How often a follow-up job whose previous run is still going is tried again, and for how long.
const FOLLOW_UP_RETRY: Duration = Duration::from_secs(1);
const FOLLOW_UP_PATIENCE: Duration = Duration::from_secs(300);

/// Every job the server knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobName {
    CovidEtl,
    BlsSync,
    PopulationSync,
    DataReport,
}

impl JobName {
    pub const ALL: [JobName; 4] = [
        JobName::CovidEtl,
        JobName::BlsSync,
        JobName::PopulationSync,
        JobName::DataReport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobName::CovidEtl => "covid-etl",
            JobName::BlsSync => "bls-sync",
            JobName::PopulationSync => "population-sync",
            JobName::DataReport => "data-report",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            JobName::CovidEtl => {
                "Loads daily US COVID-19 cases and deaths (NYT) with recoveries (JHU)."
            }
            JobName::BlsSync => "Mirrors the BLS productivity files into object storage.",
            JobName::PopulationSync => "Keeps the DataUSA US population figures in object storage.",
            JobName::DataReport => {
                "Analyses the BLS and population files into a new report version."
            }
        }
    }

    /// The job's schedule setting; the report has none, as it runs after the syncs.
    fn schedule_setting(self, config: &JobsConfig) -> &str {
        match self {
            JobName::CovidEtl => &config.covid_etl_schedule,
            JobName::BlsSync => &config.bls_sync_schedule,
            JobName::PopulationSync => &config.population_sync_schedule,
            JobName::DataReport => "off",
        }
    }

    /// The job that runs next whenever this one changed something.
    fn follow_up(self) -> Option<JobName> {
        match self {
            JobName::BlsSync | JobName::PopulationSync => Some(JobName::DataReport),
            JobName::CovidEtl | JobName::DataReport => None,
        }
    }
}

impl FromStr for JobName {
    type Err = UnknownJob;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        JobName::ALL
            .into_iter()
            .find(|job| job.as_str() == name)
            .ok_or(UnknownJob)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("there is no such job")]
pub struct UnknownJob;

/// What a job's work produced, before it is recorded as a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    status: RunStatus,
    rows_inserted: u64,
    rows_updated: u64,
    message: String,
    files: Option<FileCounts>,
}

impl Outcome {
    pub fn success(rows_inserted: u64, rows_updated: u64, message: String) -> Self {
        Self {
            status: RunStatus::Success,
            rows_inserted,
            rows_updated,
            message,
            files: None,
        }
    }

    /// The sources were as the last successful run left them; nothing was written.
    pub fn unchanged(message: &str) -> Self {
        Self {
            status: RunStatus::Unchanged,
            rows_inserted: 0,
            rows_updated: 0,
            message: message.to_owned(),
            files: None,
        }
    }

    /// A sync's outcome: it writes files, not rows.
    pub fn synced(files: FileCounts, message: String) -> Self {
        Self {
            status: if files.changed() {
                RunStatus::Success
            } else {
                RunStatus::Unchanged
            },
            rows_inserted: 0,
            rows_updated: 0,
            message,
            files: Some(files),
        }
    }

    fn summary(self, job: JobName) -> RunSummary {
        RunSummary {
            job: job.as_str().to_owned(),
            status: self.status,
            rows_inserted: self.rows_inserted,
            rows_updated: self.rows_updated,
            message: self.message,
            files: self.files,
        }
    }
}

/// Whether a run wrote anything, which is when people are told and follow-up jobs run.
fn changed_data(summary: &RunSummary) -> bool {
    summary.status == RunStatus::Success
        && (summary.rows_inserted + summary.rows_updated > 0
            || summary.files.is_some_and(FileCounts::changed))
}

/// What a job's work may use.
pub struct Context {
    pub db: DatabaseConnection,
    pub store: Arc<dyn ObjectStore>,
    pub fetcher: Fetcher,
    pub config: JobsConfig,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0} is already running")]
    Busy(&'static str),
    #[error("the server is shutting down")]
    ShuttingDown,
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// How a run was started, as recorded in its history.
#[derive(Debug, Clone, Copy)]
pub enum Trigger {
    Schedule,
    Manual,
    Command,
    /// Another job changed the data this one reads.
    FollowUp,
    /// The scheduler tries a failing job again.
    Retry,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Manual => "manual",
            Trigger::Command => "command",
            Trigger::FollowUp => "follow-up",
            Trigger::Retry => "retry",
        }
    }
}

/// A run that holds its job's lease and is recorded as running.
#[derive(Debug)]
pub struct StartedRun {
    pub job: JobName,
    pub run_id: i32,
    holder: String,
}

/// The job runner shared by the scheduler, the API and the command line.
#[derive(Clone)]
pub struct Jobs {
    inner: Arc<Inner>,
}

struct Inner {
    context: Context,
    notifier: Notifier,
    schedules: Vec<(JobName, Schedule)>,
    scheduler_enabled: bool,
    /// The runs in progress on this instance, awaited at shutdown.
    running: TaskTracker,
    /// Cancelled when shutdown begins: no new runs start.
    stopping: CancellationToken,
    /// Cancelled when shutdown gives up waiting: runs still going stop and are marked interrupted.
    interrupt: CancellationToken,
}

impl Jobs {
    /// Reads the schedules and notification settings, and makes sure the database has a state row
    /// for every job.
    pub async fn new(
        db: DatabaseConnection,
        store: Arc<dyn ObjectStore>,
        config: JobsConfig,
    ) -> anyhow::Result<Self> {
        let mut schedules = Vec::new();
        for job in JobName::ALL {
            let setting = job.schedule_setting(&config);
            if let Some(schedule) = Schedule::parse(setting)
                .with_context(|| format!("the schedule of {}", job.as_str()))?
            {
                schedules.push((job, schedule));
            }
        }
        let names: Vec<&str> = JobName::ALL.iter().map(|job| job.as_str()).collect();
        lease::ensure_rows(&db, &names).await?;
        let fetcher = Fetcher::new(
            Duration::from_secs(config.fetch_timeout_seconds),
            config.contact_email.clone(),
            config.max_download_bytes,
        )?;
        Ok(Self {
            inner: Arc::new(Inner {
                notifier: Notifier::new(&config)?,
                schedules,
                scheduler_enabled: !config.disable_scheduler,
                context: Context {
                    db,
                    store,
                    fetcher,
                    config,
                },
                running: TaskTracker::new(),
                stopping: CancellationToken::new(),
                interrupt: CancellationToken::new(),
            }),
        })
    }

    fn db(&self) -> &DatabaseConnection {
        &self.inner.context.db
    }

    /// The object store the jobs write to.
    pub fn store(&self) -> &dyn ObjectStore {
        self.inner.context.store.as_ref()
    }

    /// Takes the job's lease and records the run as started.
    pub async fn start(&self, job: JobName, trigger: Trigger) -> Result<StartedRun, StartError> {
        if self.inner.stopping.is_cancelled() {
            return Err(StartError::ShuttingDown);
        }
        let holder = crate::random::token()?;
        if !lease::acquire(self.db(), job.as_str(), &holder).await? {
            return Err(StartError::Busy(job.as_str()));
        }
        let recorded = async {
            let run_id = history::start(self.db(), job.as_str(), trigger.as_str()).await?;
            history::interrupt_stale(self.db(), job.as_str(), run_id).await?;
            Ok::<_, DbErr>(run_id)
        }
        .await;
        match recorded {
            Ok(run_id) => Ok(StartedRun {
                job,
                run_id,
                holder,
            }),
            Err(error) => {
                lease::release(self.db(), job.as_str(), &holder).await.ok();
                Err(error.into())
            }
        }
    }

    /// Runs a started run in the background, tracked so that shutdown can wait for it.
    pub fn spawn(&self, run: StartedRun) {
        let jobs = self.clone();
        self.inner.running.spawn(async move {
            jobs.complete(run).await;
        });
    }

    /// Starts `job`, runs it to the end here, and returns its summary.
    pub async fn run_now(&self, job: JobName, trigger: Trigger) -> Result<RunSummary, StartError> {
        let run = self.start(job, trigger).await?;
        Ok(self.complete(run).await)
    }

    /// Does the work of a started run, records how it ended, releases the lease, tells people,
    /// and starts the follow-up job when data changed.
    async fn complete(&self, run: StartedRun) -> RunSummary {
        let job = run.job;
        let heartbeat = tokio::spawn(keep_lease(self.db().clone(), job, run.holder.clone()));
        let fence = lease::Fence::new(job.as_str(), &run.holder);
        let result = tokio::select! {
            result = self.work(job, &fence) => Some(result),
            () = self.inner.interrupt.cancelled() => None,
        };
        heartbeat.abort();
        let summary = match result {
            Some(Ok(outcome)) => outcome.summary(job),
            Some(Err(error)) => {
                RunSummary::without_changes(job.as_str(), RunStatus::Failed, format!("{error:#}"))
            }
            None => RunSummary::without_changes(
                job.as_str(),
                RunStatus::Interrupted,
                "the server stopped before the run finished".to_owned(),
            ),
        };
        let previous_failed = match self.previous_failed(&run).await {
            Ok(failed) => failed,
            Err(error) => {
                tracing::error!(job = job.as_str(), error = %error, "reading the run history failed");
                false
            }
        };
        crate::metrics::job_finished(
            job.as_str(),
            summary.status.as_str(),
            summary.rows_inserted,
            summary.rows_updated,
        );
        if let Err(error) = self.record_end(&run, &summary).await {
            tracing::error!(job = job.as_str(), run_id = run.run_id, error = %error, "recording the end of a run failed; its lease expires by itself");
        }
        // A failing job is retried; people hear of its first failure and of its recovery, not of
        // every attempt in between.
        let tell = match summary.status {
            RunStatus::Failed => !previous_failed,
            _ => changed_data(&summary) || previous_failed,
        };
        if tell {
            self.inner.notifier.send(&summary).await;
        } else if summary.status == RunStatus::Failed {
            tracing::warn!(job = job.as_str(), outcome = %summary.message, "job failed again");
        } else {
            tracing::info!(job = job.as_str(), status = summary.status.as_str(), outcome = %summary.message, "job finished");
        }
        if changed_data(&summary)
            && let Some(next) = job.follow_up()
        {
            Box::pin(self.follow_up(next)).await;
        }
        summary
    }

    /// Whether the run of this job before `run` failed.
    async fn previous_failed(&self, run: &StartedRun) -> Result<bool, DbErr> {
        let runs = history::list(self.db(), run.job.as_str(), 2).await?;
        Ok(runs
            .iter()
            .find(|earlier| earlier.id != i64::from(run.run_id))
            .is_some_and(|earlier| earlier.status == RunStatus::Failed))
    }

    /// Records how the run ended and releases the lease together, so whoever sees the run ended
    /// can start the next one.
    async fn record_end(&self, run: &StartedRun, summary: &RunSummary) -> Result<(), DbErr> {
        let txn = database::write(self.db()).await?;
        history::finish(&txn, run.run_id, summary).await?;
        lease::release(&txn, run.job.as_str(), &run.holder).await?;
        txn.commit().await
    }

    /// Runs `job` after another changed its input. A run of it already going may have read the
    /// old input, so a busy job is waited for rather than skipped.
    async fn follow_up(&self, job: JobName) {
        let mut waited = Duration::ZERO;
        loop {
            match self.start(job, Trigger::FollowUp).await {
                Ok(run) => {
                    self.complete(run).await;
                    return;
                }
                Err(StartError::Busy(_)) if waited < FOLLOW_UP_PATIENCE => {
                    tokio::time::sleep(FOLLOW_UP_RETRY).await;
                    waited += FOLLOW_UP_RETRY;
                }
                Err(error) => {
                    tracing::warn!(job = job.as_str(), error = %error, "the follow-up job did not start");
                    return;
                }
            }
        }
    }

    async fn work(&self, job: JobName, fence: &lease::Fence) -> anyhow::Result<Outcome> {
        let context = &self.inner.context;
        match job {
            JobName::CovidEtl => covid::run(context, fence).await,
            JobName::BlsSync => bls_sync::run(context, fence).await,
            JobName::PopulationSync => population_sync::run(context, fence).await,
            JobName::DataReport => data_report::run(context, fence).await,
        }
    }

    /// Every job with its schedule, next scheduled time and latest run.
    pub async fn list(&self) -> Result<Vec<Job>, DbErr> {
        let mut jobs = Vec::new();
        for job in JobName::ALL {
            let schedule = self.schedule_of(job);
            jobs.push(Job {
                name: job.as_str().to_owned(),
                description: job.description().to_owned(),
                schedule: schedule.map(|schedule| schedule.expression().to_owned()),
                next_run_at: match schedule.filter(|_| self.inner.scheduler_enabled) {
                    Some(schedule) => schedule::next_attempt(self.db(), job, schedule).await?,
                    None => None,
                },
                last_run: history::list(self.db(), job.as_str(), 1).await?.pop(),
            });
        }
        Ok(jobs)
    }

    /// The runs of `job`, newest first.
    pub async fn runs(&self, job: JobName, limit: u64) -> Result<Vec<JobRun>, DbErr> {
        history::list(self.db(), job.as_str(), limit).await
    }

    fn schedule_of(&self, job: JobName) -> Option<&Schedule> {
        self.inner
            .schedules
            .iter()
            .find(|(scheduled, _)| *scheduled == job)
            .map(|(_, schedule)| schedule)
    }

    /// Starts the scheduler, unless it is turned off.
    pub fn start_scheduler(&self) {
        if self.inner.scheduler_enabled {
            tokio::spawn(schedule::run(self.clone()));
        }
    }

    /// Starts sending the low-stock notifications, through the channels that report runs.
    pub fn start_stock_alerts(&self) {
        tokio::spawn(low_stock::run(
            self.db().clone(),
            self.inner.notifier.clone(),
        ));
    }

    /// Stops starting runs; those in progress go on.
    pub fn stop_starting(&self) {
        self.inner.stopping.cancel();
    }

    /// Waits up to `timeout` for the runs in progress to finish, then interrupts the rest and
    /// waits for them to record that.
    pub async fn shut_down(&self, timeout: Duration) {
        self.stop_starting();
        self.inner.running.close();
        if tokio::time::timeout(timeout, self.inner.running.wait())
            .await
            .is_err()
        {
            tracing::warn!("jobs still running at the shutdown timeout; interrupting them");
            self.inner.interrupt.cancel();
            self.inner.running.wait().await;
        }
    }
}

/// Renews the lease while the run works, so other instances see it is alive.
async fn keep_lease(db: DatabaseConnection, job: JobName, holder: String) {
    loop {
        tokio::time::sleep(lease::RENEW_EVERY).await;
        match lease::renew(&db, job.as_str(), &holder).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job = job.as_str(), "a running job lost its lease");
                return;
            }
            Err(error) => {
                tracing::warn!(job = job.as_str(), error = %error, "renewing a job lease failed");
            }
        }
    }
}
