//! The server's commands besides serving: accounts, backups and the data jobs, run from the
//! command line against the configured database.

use std::io::BufRead;
use std::path::Path;

use anyhow::{Context, bail};
use app::accounts::{RegisterRequest, Role};
use app::jobs::{RunStatus, RunSummary};

use crate::backup;
use crate::config::Config;
use crate::database::{self, connect_and_migrate};
use crate::jobs::{JobName, Jobs, Trigger};
use crate::services::audit::Actor;
use crate::services::passwords::Passwords;
use crate::services::{accounts, aggregates};
use crate::storage;

/// Writes a backup of the whole database to `to`.
pub async fn backup(config: &Config, to: &Path) -> anyhow::Result<()> {
    let db = connect_and_migrate(&config.database).await?;
    let backup = backup::write(&db, to).await?;
    println!(
        "wrote {} rows from {} tables to {}",
        backup.rows,
        backup.tables,
        to.display()
    );
    Ok(())
}

/// Loads the backup in `from`; `force` replaces whatever the database holds.
pub async fn restore(config: &Config, from: &Path, force: bool) -> anyhow::Result<()> {
    let db = connect_and_migrate(&config.database).await?;
    let restored = backup::restore(&db, from, force).await?;
    println!(
        "restored {} rows from {} (taken {})",
        restored.rows,
        from.display(),
        restored.created_at
    );
    Ok(())
}

/// Recomputes the reports' totals from the records and prints each stored total that differs;
/// returns how many differ.
pub async fn check(config: &Config) -> anyhow::Result<usize> {
    let db = connect_and_migrate(&config.database).await?;
    let differences = aggregates::differences(&db).await?;
    for difference in &differences {
        println!("{difference}");
    }
    match differences.len() {
        0 => println!("the reports' totals match the records"),
        count => println!("{count} of the reports' totals differ from the records"),
    }
    Ok(differences.len())
}

/// Runs the job `name` once and prints its JSON summary as the last line; the summary tells
/// whether it failed.
pub async fn run_job(config: &Config, name: &str) -> anyhow::Result<RunSummary> {
    let job: JobName = name
        .parse()
        .map_err(|_| anyhow::anyhow!("there is no job {name:?}; `server job list` lists them"))?;
    let summary = match open_jobs(config)
        .await?
        .run_now(job, Trigger::Command)
        .await
    {
        Ok(summary) => summary,
        Err(error) => RunSummary::without_changes(name, RunStatus::Failed, error.to_string()),
    };
    println!("{}", serde_json::to_string(&summary)?);
    Ok(summary)
}

/// Prints each job with its schedule, its next attempt (a retry, when it is failing) and its last
/// run.
pub async fn list_jobs(config: &Config) -> anyhow::Result<()> {
    for job in open_jobs(config).await?.list().await? {
        let next = job.next_run_at.map_or_else(
            || "next —".to_owned(),
            |next| format!("next {}", next.format("%Y-%m-%d %H:%M UTC")),
        );
        let last = job.last_run.map_or_else(
            || "never run".to_owned(),
            |run| {
                format!(
                    "last run {} {}: {}",
                    run.started_at.format("%Y-%m-%d %H:%M UTC"),
                    run.status.as_str(),
                    run.message
                )
            },
        );
        let schedule = job.schedule.unwrap_or_else(|| "on demand".to_owned());
        println!("{:<16} {:<16} {next:<27} {last}", job.name, schedule);
    }
    Ok(())
}

/// Creates an account. The password is read from the `PASSWORD` environment variable, or else
/// from the first line of standard input, so it never appears in the process list.
pub async fn create_user(
    config: &Config,
    email: String,
    name: String,
    role: Role,
) -> anyhow::Result<()> {
    let password = read_password("PASSWORD")?;
    let request = RegisterRequest {
        email,
        password,
        name,
    };
    if let Err(fields) = request.validate() {
        let problems: Vec<String> = fields
            .iter()
            .map(|(field, problem)| format!("{field} {problem}"))
            .collect();
        bail!("cannot create the account: {}", problems.join("; "));
    }
    let db = connect_and_migrate(&config.database).await?;
    let user = accounts::create_user(
        &db,
        &Passwords::from(&config.security),
        Some(&Actor::system("command line")),
        &request.email,
        &request.name,
        &request.password,
        role,
    )
    .await?;
    println!(
        "created {} ({}) with role {}",
        user.email, user.name, user.role
    );
    Ok(())
}

/// The job runner, for the `job` commands: no scheduler, nothing served.
async fn open_jobs(config: &Config) -> anyhow::Result<Jobs> {
    let db = connect_and_migrate(&config.database).await?;
    let store = storage::open(&config.storage_url).context("opening the object storage")?;
    Jobs::new(db, store, config.jobs.clone()).await
}

/// Makes `name` the application's own PostgreSQL login (see [`database::provision_app_user`]).
/// The password is read from `APP_DATABASE_PASSWORD`, or else from the first line of standard
/// input.
pub async fn provision_app_user(config: &Config, name: &str) -> anyhow::Result<()> {
    let password = read_password("APP_DATABASE_PASSWORD")?;
    database::provision_app_user(&config.database, name, &password).await?;
    println!("{name} can sign in and owns the schema");
    Ok(())
}

/// A password from the environment `variable`, or else the first line of standard input: never
/// from the command line, where the process list would show it.
fn read_password(variable: &str) -> anyhow::Result<String> {
    if let Ok(password) = std::env::var(variable) {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
