use clap::Parser;
use server::config::{Cli, Command};
use server::startup::Application;
use server::telemetry;

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
    }
}
