//! The run history: a row per run, written when it starts and completed when it ends.

use app::jobs::{FileCounts, JobRun, RunStatus, RunSummary};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::clock::now;
use crate::entities::job_run;

/// Records that a run of `job` started; returns its id.
pub async fn start(db: &impl ConnectionTrait, job: &str, trigger: &str) -> Result<i32, DbErr> {
    let run = job_run::ActiveModel {
        job: Set(job.to_owned()),
        trigger: Set(trigger.to_owned()),
        status: Set(RunStatus::Running.as_str().to_owned()),
        started_at: Set(now()),
        finished_at: Set(None),
        rows_inserted: Set(0),
        rows_updated: Set(0),
        message: Set(String::new()),
        file_counts: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(run.id)
}

/// Marks the runs of `job` still recorded as running, other than `current`, as interrupted. Only
/// the lease holder calls this: any other run still "running" belongs to an instance that stopped
/// without finishing it.
pub async fn interrupt_stale(
    db: &impl ConnectionTrait,
    job: &str,
    current: i32,
) -> Result<(), DbErr> {
    job_run::Entity::update_many()
        .col_expr(
            job_run::Column::Status,
            Expr::value(RunStatus::Interrupted.as_str()),
        )
        .col_expr(job_run::Column::FinishedAt, Expr::value(now()))
        .col_expr(
            job_run::Column::Message,
            Expr::value("the server running it stopped before it finished"),
        )
        .filter(job_run::Column::Job.eq(job))
        .filter(job_run::Column::Status.eq(RunStatus::Running.as_str()))
        .filter(job_run::Column::Id.ne(current))
        .exec(db)
        .await?;
    Ok(())
}

fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Records how run `id` ended.
pub async fn finish(db: &impl ConnectionTrait, id: i32, summary: &RunSummary) -> Result<(), DbErr> {
    let file_counts = summary
        .files
        .map(|files| serde_json::to_string(&files))
        .transpose()
        .map_err(|error| DbErr::Custom(error.to_string()))?;
    job_run::Entity::update_many()
        .col_expr(
            job_run::Column::Status,
            Expr::value(summary.status.as_str()),
        )
        .col_expr(job_run::Column::FinishedAt, Expr::value(now()))
        .col_expr(
            job_run::Column::RowsInserted,
            Expr::value(count(summary.rows_inserted)),
        )
        .col_expr(
            job_run::Column::RowsUpdated,
            Expr::value(count(summary.rows_updated)),
        )
        .col_expr(
            job_run::Column::Message,
            Expr::value(summary.message.as_str()),
        )
        .col_expr(job_run::Column::FileCounts, Expr::value(file_counts))
        .filter(job_run::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The runs of `job`, newest first.
pub async fn list(db: &impl ConnectionTrait, job: &str, limit: u64) -> Result<Vec<JobRun>, DbErr> {
    job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job))
        .order_by_desc(job_run::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_run)
        .collect()
}

fn to_run(row: job_run::Model) -> Result<JobRun, DbErr> {
    let status = row.status.parse::<RunStatus>().map_err(DbErr::Type)?;
    let files = row
        .file_counts
        .as_deref()
        .map(serde_json::from_str::<FileCounts>)
        .transpose()
        .map_err(|error| DbErr::Type(error.to_string()))?;
    Ok(JobRun {
        id: i64::from(row.id),
        job: row.job,
        trigger: row.trigger,
        status,
        started_at: row.started_at,
        finished_at: row.finished_at,
        rows_inserted: u64::try_from(row.rows_inserted).unwrap_or_default(),
        rows_updated: u64::try_from(row.rows_updated).unwrap_or_default(),
        message: row.message,
        files,
    })
}
