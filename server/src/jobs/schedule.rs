//! Cron schedules, and the loop that starts each scheduled run once across all instances.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, SubsecRound, Utc};
use croner::Cron;

use app::jobs::RunStatus;
use sea_orm::{DatabaseConnection, DbErr};

use super::{JobName, Jobs, StartError, Trigger, history};
use crate::clock::now;
use crate::lease;

/// The scheduler looks again at least this often, so a clock change or a slot claimed but not
/// run elsewhere is noticed soon.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// A cron expression (minute hour day-of-month month day-of-week) in UTC.
#[derive(Debug, Clone)]
pub struct Schedule {
    expression: String,
    cron: Cron,
}

impl Schedule {
    /// Reads a schedule setting; `off` (or nothing) means the job runs only on demand.
    pub fn parse(setting: &str) -> anyhow::Result<Option<Self>> {
        let expression = setting.trim();
        if expression.is_empty() || expression.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let cron = Cron::from_str(expression)
            .with_context(|| format!("{expression:?} is not a cron expression"))?;
        Ok(Some(Self {
            expression: expression.to_owned(),
            cron,
        }))
    }

    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The first scheduled time after `time`.
    pub fn next_after(&self, time: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron
            .find_next_occurrence(&time, false)
            .ok()
            .map(|slot| slot.trunc_subsecs(0))
    }

    /// The latest scheduled time at or before `time`: the slot that is due. The cron library
    /// keeps `time`'s fraction of a second, which made every look at the schedule a new, later
    /// slot, and so a new run each minute; a slot is a whole second.
    pub fn latest_until(&self, time: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron
            .find_previous_occurrence(&time, true)
            .ok()
            .map(|slot| slot.trunc_subsecs(0))
    }

    /// When to try again after `failures` failed runs in a row, the last ending at `failed_at`:
    /// 1, 2, 4 … minutes later, but never later than the schedule's own interval.
    pub fn retry_after(&self, failures: u32, failed_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let slot = self.latest_until(failed_at)?;
        let interval = self.next_after(slot)? - slot;
        let backoff = chrono::Duration::minutes(1_i64 << failures.saturating_sub(1).min(20));
        Some(failed_at + backoff.min(interval))
    }
}

/// Failed runs in a row beyond this many wait as long as the last: the backoff is capped.
const RETRY_HISTORY: u64 = 21;

/// When a job whose latest runs failed is to be tried again, from its run history (so every
/// instance works out the same time); `None` when its latest run did not fail.
async fn pending_retry(
    db: &DatabaseConnection,
    job: JobName,
    schedule: &Schedule,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let runs = history::list(db, job.as_str(), RETRY_HISTORY).await?;
    let failures = runs
        .iter()
        .take_while(|run| run.status == RunStatus::Failed)
        .count();
    let Some(failed_at) = runs
        .first()
        .filter(|_| failures > 0)
        .and_then(|run| run.finished_at)
    else {
        return Ok(None);
    };
    Ok(schedule.retry_after(u32::try_from(failures).unwrap_or(u32::MAX), failed_at))
}

/// The next time the scheduler starts `job`: its next slot, or a retry before it.
pub async fn next_attempt(
    db: &DatabaseConnection,
    job: JobName,
    schedule: &Schedule,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let now = now();
    let next_slot = schedule.next_after(now);
    let retry = pending_retry(db, job, schedule).await?;
    Ok([next_slot, retry].into_iter().flatten().min())
}

/// Starts every due slot of every scheduled job, and every due retry of a failing one, then
/// sleeps until the next of either. A slot missed while no instance ran (the latest one only)
/// is run at start, so a fresh install loads its data at once rather than at the next
/// scheduled time. A retry is claimed like a slot, so it too runs once across instances.
pub async fn run(jobs: Jobs) {
    loop {
        let now = now();
        let mut wake = Vec::new();
        for (job, schedule) in &jobs.inner.schedules {
            let retry = match pending_retry(jobs.db(), *job, schedule).await {
                Ok(retry) => retry,
                Err(error) => {
                    tracing::error!(job = job.as_str(), error = %error, "reading the run history failed");
                    None
                }
            };
            let slot = schedule.latest_until(now);
            let (due, trigger) = match (slot, retry) {
                (_, Some(retry)) if retry <= now && slot.is_none_or(|slot| retry > slot) => {
                    (retry, Trigger::Retry)
                }
                (Some(slot), _) => (slot, Trigger::Schedule),
                (None, _) => continue,
            };
            wake.extend(retry.filter(|retry| *retry > now));
            match lease::claim_slot(jobs.db(), job.as_str(), due).await {
                Ok(true) => match jobs.start(*job, trigger).await {
                    Ok(run) => jobs.spawn(run),
                    Err(StartError::ShuttingDown) => return,
                    Err(error) => {
                        tracing::warn!(job = job.as_str(), %due, error = %error, "a scheduled run did not start");
                    }
                },
                Ok(false) => {}
                Err(error) => {
                    tracing::error!(job = job.as_str(), error = %error, "claiming a scheduled run failed");
                }
            }
        }
        let next = jobs
            .inner
            .schedules
            .iter()
            .filter_map(|(_, schedule)| schedule.next_after(now))
            .chain(wake)
            .min();
        let wait = next
            .and_then(|next| (next - now).to_std().ok())
            .map_or(MAX_SLEEP, |wait| wait.min(MAX_SLEEP));
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = jobs.inner.stopping.cancelled() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 15, hour, minute, 0).unwrap()
    }

    #[test]
    fn off_and_blank_mean_no_schedule() {
        assert!(Schedule::parse("off").unwrap().is_none());
        assert!(Schedule::parse(" ").unwrap().is_none());
    }

    #[test]
    fn a_bad_expression_is_refused_with_its_text() {
        let error = Schedule::parse("every day").unwrap_err();
        assert!(format!("{error:#}").contains("every day"));
    }

    #[test]
    fn daily_schedule_finds_the_due_and_the_next_slot() {
        let daily = Schedule::parse("0 6 * * *").unwrap().unwrap();
        assert_eq!(
            daily.latest_until(at(10, 30)),
            Some(at(6, 0)),
            "the slot of the day"
        );
        assert_eq!(daily.latest_until(at(6, 0)), Some(at(6, 0)));
        assert_eq!(
            daily.next_after(at(6, 0)),
            Some(at(6, 0) + chrono::Duration::days(1))
        );
    }

    #[test]
    fn a_slot_is_the_same_whenever_in_the_second_it_is_asked_for() {
        let daily = Schedule::parse("0 6 * * *").unwrap().unwrap();
        let early = at(10, 30) + chrono::Duration::milliseconds(120);
        let late = at(10, 31) + chrono::Duration::milliseconds(870);
        assert_eq!(daily.latest_until(early), Some(at(6, 0)));
        assert_eq!(daily.latest_until(late), Some(at(6, 0)));
        assert_eq!(
            daily.next_after(early),
            Some(at(6, 0) + chrono::Duration::days(1))
        );
    }

    #[test]
    fn retries_back_off_up_to_the_schedule_interval() {
        let hourly = Schedule::parse("0 * * * *").unwrap().unwrap();
        let failed = at(10, 7);
        let retry = |failures| hourly.retry_after(failures, failed).unwrap() - failed;
        assert_eq!(retry(1), chrono::Duration::minutes(1));
        assert_eq!(retry(2), chrono::Duration::minutes(2));
        assert_eq!(retry(3), chrono::Duration::minutes(4));
        assert_eq!(retry(6), chrono::Duration::minutes(32));
        assert_eq!(
            retry(7),
            chrono::Duration::hours(1),
            "capped at the interval"
        );
        assert_eq!(retry(500), chrono::Duration::hours(1));
    }

    #[test]
    fn every_six_hours_at_a_quarter_past() {
        let sync = Schedule::parse("15 */6 * * *").unwrap().unwrap();
        assert_eq!(sync.next_after(at(6, 20)), Some(at(12, 15)));
    }
}
