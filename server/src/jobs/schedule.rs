//! Cron schedules, and the loop that starts each scheduled run once across all instances.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use croner::Cron;

use super::{Jobs, StartError, Trigger};
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
        self.cron.find_next_occurrence(&time, false).ok()
    }

    /// The latest scheduled time at or before `time`: the slot that is due.
    pub fn latest_until(&self, time: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.find_previous_occurrence(&time, true).ok()
    }
}

/// Starts every due slot of every scheduled job, then sleeps until the next slot. A slot missed
/// while no instance ran (the latest one only) is run at start, so a fresh install loads its
/// data at once rather than at the next scheduled time.
pub async fn run(jobs: Jobs) {
    loop {
        let now = now();
        for (job, schedule) in &jobs.inner.schedules {
            let Some(slot) = schedule.latest_until(now) else {
                continue;
            };
            match lease::claim_slot(jobs.db(), job.as_str(), slot).await {
                Ok(true) => match jobs.start(*job, Trigger::Schedule).await {
                    Ok(run) => jobs.spawn(run),
                    Err(StartError::ShuttingDown) => return,
                    Err(error) => {
                        tracing::warn!(job = job.as_str(), %slot, error = %error, "a scheduled run did not start");
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
    fn every_six_hours_at_a_quarter_past() {
        let sync = Schedule::parse("15 */6 * * *").unwrap().unwrap();
        assert_eq!(sync.next_after(at(6, 20)), Some(at(12, 15)));
    }
}
