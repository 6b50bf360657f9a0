use app::jobs::RunStatus;
use server::commands;
use server::config::{Cli, Command, JobCommand, UsersCommand};
use server::logging;
use server::startup::Application;

/// Password hashing takes about 19 MiB a run. The system allocator keeps such blocks after they
/// are freed, so a burst of sign-ins left hundreds of megabytes resident for good; mimalloc gives
/// them back to the system soon after.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse_settings();
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
        Some(Command::Job(JobCommand::Run { name })) => {
            if commands::run_job(config, &name).await?.status == RunStatus::Failed {
                std::process::exit(1);
            }
            Ok(())
        }
        Some(Command::Job(JobCommand::List)) => commands::list_jobs(config).await,
        Some(Command::Users(UsersCommand::Create { email, name, role })) => {
            commands::create_user(config, email, name, role).await
        }
    }
}
