use std::time::Duration;

use app::jobs::RunStatus;
use server::commands;
use server::config::{Cli, Command, DatabaseCommand, JobCommand, UsersCommand};
use server::startup::Application;
use server::{error_tracking, logging};

/// Password hashing takes about 19 MiB a run. The system allocator keeps such blocks after they
/// are freed, so a burst of sign-ins left hundreds of megabytes resident for good; mimalloc gives
/// them back to the system soon after.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long an idle blocking thread (where passwords are hashed) waits for more work. mimalloc
/// returns a thread's freed memory when that thread allocates again or ends, so after a burst of
/// sign-ins the memory comes back when these threads end: soon, rather than after tokio's 10 s.
const BLOCKING_THREAD_KEEP_ALIVE: Duration = Duration::from_secs(1);

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_keep_alive(BLOCKING_THREAD_KEEP_ALIVE)
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse_settings();
    let _reporting = error_tracking::init(&cli.config.error_tracking);
    logging::init();
    let config = &cli.config;
    match cli.command {
        None | Some(Command::Serve) => {
            Application::build(cli.config)
                .await?
                .run_until_stopped()
                .await
        }
        Some(Command::Backup { to }) => commands::backup(config, &to).await,
        Some(Command::Restore { from, force }) => commands::restore(config, &from, force).await,
        Some(Command::Check) => {
            if commands::check(config).await? > 0 {
                std::process::exit(1);
            }
            Ok(())
        }
        Some(Command::Job(JobCommand::Run { name })) => {
            if commands::run_job(config, &name).await?.status == RunStatus::Failed {
                std::process::exit(1);
            }
            Ok(())
        }
        Some(Command::Database(DatabaseCommand::AppUser { name })) => {
            commands::provision_app_user(config, &name).await
        }
        Some(Command::Job(JobCommand::List)) => commands::list_jobs(config).await,
        Some(Command::Users(UsersCommand::Create { email, name, role })) => {
            commands::create_user(config, email, name, role).await
        }
    }
}
