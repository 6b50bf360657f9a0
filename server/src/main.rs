use std::io::BufRead;

use anyhow::{Context, bail};
use clap::Parser;
use server::backup;
use server::config::{Cli, Command, UsersCommand};
use server::services::accounts;
use server::startup::{Application, connect_and_migrate};
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
            let user =
                accounts::create_user(&db, &request.email, &request.name, &request.password, role)
                    .await?;
            println!(
                "created {} ({}) with role {}",
                user.email, user.name, user.role
            );
            Ok(())
        }
    }
}

fn read_password_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
