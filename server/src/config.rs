use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The community hub server.
#[derive(Debug, Parser)]
#[command(name = "server", version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("GIT_REVISION"), ")"), about)]
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
    /// Manage accounts from the command line.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Write a consistent, portable backup of all data; safe while the server runs.
    Backup {
        /// The file to write.
        #[arg(long)]
        to: PathBuf,
    },
    /// Load a backup into an empty database of either kind.
    Restore {
        /// The backup file to read.
        #[arg(long)]
        from: PathBuf,
        /// Replace whatever the database holds.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account, e.g. the first admin. The password is read from the `PASSWORD`
    /// environment variable, or else from the first line of standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "member")]
        role: app::accounts::Role,
    },
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
    /// Where placed orders are archived as JSON documents: `file://folder` or
    /// `s3://bucket/prefix` (credentials, region and endpoint from the `AWS_*` variables).
    #[arg(
        long,
        env = "STORAGE_URL",
        default_value = "file://./data/storage",
        global = true
    )]
    pub storage_url: String,
    #[command(flatten)]
    pub security: SecurityConfig,
    #[command(flatten)]
    pub shutdown: ShutdownConfig,
}

/// How the server stops on SIGTERM or Ctrl-C.
#[derive(Debug, Clone, Copy, Args)]
pub struct ShutdownConfig {
    /// Seconds to keep serving after readiness turns false, so a load balancer can stop
    /// sending new requests first.
    #[arg(
        long,
        env = "SHUTDOWN_DRAIN_SECONDS",
        default_value_t = 0,
        global = true
    )]
    pub shutdown_drain_seconds: u64,
    /// Seconds to let requests in flight finish before stopping anyway.
    #[arg(
        long,
        env = "SHUTDOWN_TIMEOUT_SECONDS",
        default_value_t = 30,
        global = true
    )]
    pub shutdown_timeout_seconds: u64,
}

impl Default for ShutdownConfig {
    fn default() -> Self {
        Self {
            shutdown_drain_seconds: 0,
            shutdown_timeout_seconds: 30,
        }
    }
}

/// Sessions, rate limits and which other origins may call the API.
#[derive(Debug, Clone, Args)]
pub struct SecurityConfig {
    /// Mark the session cookie `Secure` (set this when the site is served over HTTPS).
    #[arg(long, env = "COOKIE_SECURE", global = true)]
    pub cookie_secure: bool,
    /// Days a session lasts without being used.
    #[arg(long, env = "SESSION_IDLE_DAYS", default_value_t = 7, global = true)]
    pub session_idle_days: u32,
    /// Register and login requests per minute from one client IP, each; 0 turns the limit off.
    #[arg(long, env = "AUTH_RATE_LIMIT", default_value_t = 5, global = true)]
    pub auth_rate_limit: u32,
    /// API requests per minute from one client IP; 0 turns the limit off.
    #[arg(long, env = "API_RATE_LIMIT", default_value_t = 600, global = true)]
    pub api_rate_limit: u32,
    /// Proxies (comma-separated IPs) whose `X-Forwarded-For` names the real client.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    pub trusted_proxies: Vec<IpAddr>,
    /// Other origins (comma-separated, e.g. `https://app.example.org`) allowed to send
    /// state-changing requests.
    #[arg(long, env = "ALLOWED_ORIGINS", value_delimiter = ',', global = true)]
    pub allowed_origins: Vec<String>,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            cookie_secure: false,
            session_idle_days: 7,
            auth_rate_limit: 5,
            api_rate_limit: 600,
            trusted_proxies: Vec::new(),
            allowed_origins: Vec::new(),
        }
    }
}
