use std::io::BufRead;

use anyhow::{Context, bail};
use app::jobs::{RunStatus, RunSummary};
use clap::Parser;
use server::backup;
use server::config::{Cli, Command, Config, JobCommand, UsersCommand};
use server::jobs::{JobName, Jobs, Trigger};
use server::services::accounts;
use server::services::passwords::Passwords;
use server::startup::{Application, connect_and_migrate};
use server::{storage, telemetry};

/// Password hashing takes about 19 MiB a run. The system allocator keeps such blocks in per-thread
/// arenas after they are freed, so a burst of sign-ins left hundreds of megabytes resident for
/// good; mimalloc gives them back to the system soon after.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init();
    match cli.command {
        None | Some(Command::Serve) => {
            Application::build(cli.config)
                .await?
                .run_until_stopped()
                .await
        }
        Some(Command::Backup { to }) => {
            let db = connect_and_migrate(&cli.config.database_url).await?;
            let backup = backup::write(&db, &to).await?;
            let rows: usize = backup.tables.values().map(Vec::len).sum();
            println!(
                "wrote {rows} rows from {} tables to {}",
                backup.tables.len(),
                to.display()
            );
            Ok(())
        }
        Some(Command::Restore { from, force }) => {
            let backup = backup::read(&from)?;
            let db = connect_and_migrate(&cli.config.database_url).await?;
            backup::restore(&db, &backup, force).await?;
            println!("restored {} (taken {})", from.display(), backup.created_at);
            Ok(())
        }
        Some(Command::Job(JobCommand::Run { name })) => {
            let job: JobName = name.parse().map_err(|_| {
                anyhow::anyhow!("there is no job {name:?}; `server job list` lists them")
            })?;
            let summary = match open_jobs(&cli.config)
                .await?
                .run_now(job, Trigger::Command)
                .await
            {
                Ok(summary) => summary,
                Err(error) => {
                    RunSummary::without_changes(&name, RunStatus::Failed, error.to_string())
                }
            };
            println!("{}", serde_json::to_string(&summary)?);
            if summary.status == RunStatus::Failed {
                std::process::exit(1);
            }
            Ok(())
        }
        Some(Command::Job(JobCommand::List)) => {
            for job in open_jobs(&cli.config).await?.list().await? {
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
                println!("{:<16} {:<16} {last}", job.name, schedule);
            }
            Ok(())
        }
        Some(Command::Users(UsersCommand::Create { email, name, role })) => {
            let password = match std::env::var("PASSWORD") {
                Ok(password) => password,
                Err(_) => read_password_line()?,
            };
            let request = app::accounts::RegisterRequest {
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
            let db = connect_and_migrate(&cli.config.database_url).await?;
            let user = accounts::create_user(
                &db,
                &Passwords::default(),
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
    }
}

/// The job runner, for the `job` commands: no scheduler, nothing served.
async fn open_jobs(config: &Config) -> anyhow::Result<Jobs> {
    let db = connect_and_migrate(&config.database_url).await?;
    let store = storage::open(&config.storage_url).context("opening the object storage")?;
    Jobs::new(db, store, config.jobs.clone()).await
}

fn read_password_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
