use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The community hub server.
#[derive(Debug, Parser)]
#[command(name = "server", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the browser app (the default).
    Serve,
}

/// Everything the server needs to start, from flags or the environment.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database to use: `sqlite://path?mode=rwc` or `postgres://user:pass@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/hub.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// Address to listen on; port 0 picks a free port.
    #[arg(
        long = "bind",
        env = "BIND_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub bind: SocketAddr,
    /// Folder holding the built browser app.
    #[arg(long, env = "STATIC_DIR", default_value = "dist", global = true)]
    pub static_dir: PathBuf,
    /// Load a realistic demo data set when the database is empty.
    #[arg(long, env = "DEMO_DATA", global = true)]
    pub demo_data: bool,
}
