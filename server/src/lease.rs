//! One run of a job at a time, across every instance sharing the database: a run holds the job's
//! lease row while it works and renews it; a lease whose holder stopped renewing (a crashed
//! instance) expires and may be taken over.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter,
};

use crate::clock::now;
use crate::database;
use crate::entities::job_state;

/// How long a lease lasts unless renewed.
pub const TTL: Duration = Duration::from_secs(60);
/// How often a running job renews its lease: well within [`TTL`].
pub const RENEW_EVERY: Duration = Duration::from_secs(20);

/// Makes sure every job has its state row, so leases and schedules are plain conditional updates.
pub async fn ensure_rows(db: &impl ConnectionTrait, jobs: &[&str]) -> Result<(), DbErr> {
    for job in jobs {
        job_state::Entity::insert(job_state::ActiveModel {
            job: Set((*job).to_owned()),
            last_scheduled_at: Set(None),
            lease_holder: Set(None),
            lease_expires_at: Set(None),
        })
        .on_conflict_do_nothing_on([job_state::Column::Job])
        .exec(db)
        .await?;
    }
    Ok(())
}

fn expiry(from: DateTime<Utc>) -> DateTime<Utc> {
    from + chrono::Duration::from_std(TTL).unwrap_or(chrono::Duration::MAX)
}

/// Takes the lease of `job` for `holder` if no one holds it, the holder's lease ran out, or
/// `holder` holds it already (a holder named after its instance takes its lease back after a
/// crash and restart). One conditional update, so of two instances asking at once exactly one
/// gets it.
pub async fn acquire(db: &impl ConnectionTrait, job: &str, holder: &str) -> Result<bool, DbErr> {
    let now = now();
    let taken = job_state::Entity::update_many()
        .col_expr(job_state::Column::LeaseHolder, Expr::value(holder))
        .col_expr(job_state::Column::LeaseExpiresAt, Expr::value(expiry(now)))
        .filter(job_state::Column::Job.eq(job))
        .filter(
            job_state::Column::LeaseHolder
                .is_null()
                .or(job_state::Column::LeaseExpiresAt.lt(now))
                .or(job_state::Column::LeaseHolder.eq(holder)),
        )
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Extends the lease; false when `holder` no longer has it.
pub async fn renew(db: &impl ConnectionTrait, job: &str, holder: &str) -> Result<bool, DbErr> {
    let renewed = job_state::Entity::update_many()
        .col_expr(
            job_state::Column::LeaseExpiresAt,
            Expr::value(expiry(now())),
        )
        .filter(job_state::Column::Job.eq(job))
        .filter(job_state::Column::LeaseHolder.eq(holder))
        .exec(db)
        .await?;
    Ok(renewed.rows_affected == 1)
}

pub async fn release(db: &impl ConnectionTrait, job: &str, holder: &str) -> Result<(), DbErr> {
    job_state::Entity::update_many()
        .col_expr(
            job_state::Column::LeaseHolder,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            job_state::Column::LeaseExpiresAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(job_state::Column::Job.eq(job))
        .filter(job_state::Column::LeaseHolder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}

/// The lease one run holds. Every write a run makes to the database goes through
/// [`Fence::begin`], so a run that lost its lease (it stalled past the expiry and another
/// instance took over) saves nothing.
#[derive(Debug, Clone)]
pub struct Fence {
    job: String,
    holder: String,
}

impl Fence {
    pub fn new(job: &str, holder: &str) -> Self {
        Self {
            job: job.to_owned(),
            holder: holder.to_owned(),
        }
    }

    /// A write transaction whose first statement renews the lease; on either database it fails
    /// when someone else holds the lease.
    pub async fn begin(&self, db: &DatabaseConnection) -> anyhow::Result<DatabaseTransaction> {
        let txn = database::write(db).await?;
        if !renew(&txn, &self.job, &self.holder).await? {
            anyhow::bail!("this run lost its lease to another instance, so it saved nothing");
        }
        Ok(txn)
    }
}

/// Claims the scheduled time `slot` of `job` for this instance. Every instance computes the same
/// slots from the same schedule, and only the first to move `last_scheduled_at` up to a slot runs
/// it, so a scheduled run happens once however many instances there are.
pub async fn claim_slot(
    db: &impl ConnectionTrait,
    job: &str,
    slot: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let claimed = job_state::Entity::update_many()
        .col_expr(job_state::Column::LastScheduledAt, Expr::value(slot))
        .filter(job_state::Column::Job.eq(job))
        .filter(
            job_state::Column::LastScheduledAt
                .is_null()
                .or(job_state::Column::LastScheduledAt.lt(slot)),
        )
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}
