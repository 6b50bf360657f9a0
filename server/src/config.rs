use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderName;
use ipnet::IpNet;
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

/// The community hub server.
#[derive(Debug, Parser)]
#[command(name = "server", version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("GIT_REVISION"), ")"), about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

impl Cli {
    /// Reads the command line and the environment. One rule covers every setting: a variable
    /// set to nothing (or to spaces only), as `FOO=` in an env file, counts as not set, so the
    /// default applies instead of an empty value or a refusal to start.
    pub fn parse_settings() -> Self {
        let command = Self::command().mut_args(|arg| {
            let empty = arg
                .get_env()
                .and_then(std::env::var_os)
                .is_some_and(|value| value.to_string_lossy().trim().is_empty());
            if empty { arg.env(None) } else { arg }
        });
        Self::from_arg_matches(&command.get_matches()).unwrap_or_else(|error| error.exit())
    }
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
    /// Administer the database itself.
    #[command(subcommand)]
    Database(DatabaseCommand),
    /// Run or list the data jobs.
    #[command(subcommand)]
    Job(JobCommand),
    /// Recompute the reports' totals from the donations and distributions and print every one
    /// that differs from the stored totals; exit 1 if any does. Safe while the server runs.
    Check,
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
pub enum DatabaseCommand {
    /// Make the application's own PostgreSQL login, run with an administrator's `DATABASE_URL`:
    /// creates it (or sets its password) and hands it the schema. The password is read from
    /// `APP_DATABASE_PASSWORD`, or else from the first line of standard input.
    AppUser {
        /// The login's name, e.g. `hub_app`; the server then runs with `DATABASE_ROLE` set to it.
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// Run one job once and exit: 0 on success, 1 on failure. The last line printed is the run's
    /// JSON summary.
    Run { name: String },
    /// List the jobs with their schedules and last runs.
    List,
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
    #[command(flatten)]
    pub database: DatabaseConfig,
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
    /// Serve `/metrics` on this separate address (e.g. `127.0.0.1:9100`), off the public port.
    #[arg(long, env = "METRICS_BIND", global = true)]
    pub metrics_bind: Option<SocketAddr>,
    /// Serve `/metrics` on the main address to requests with `Authorization: Bearer <token>`.
    /// Without this or `METRICS_BIND`, metrics are not served.
    #[arg(long, env = "METRICS_TOKEN", global = true, hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// How long a greeting's date of birth is served from memory, in milliseconds: a save on
    /// another instance sharing the database is seen within this. 0 reads the database each time.
    #[arg(long, env = "GREETING_CACHE_MS", default_value_t = 1000, global = true)]
    pub greeting_cache_ms: u64,
    /// How long a signed-in session is served from memory, in milliseconds: a sign-out or an
    /// account change on another instance sharing the database is seen within this (on this
    /// instance at once). 0 reads the database on each request.
    #[arg(long, env = "SESSION_CACHE_MS", default_value_t = 1000, global = true)]
    pub session_cache_ms: u64,
    /// This instance's name among those sharing the database, kept across restarts (the host
    /// name when not set): work it held when it stopped, such as the order archive's lease, it
    /// takes back at once when it starts again.
    #[arg(long, env = "INSTANCE_ID", global = true)]
    pub instance_id: Option<String>,
    #[command(flatten)]
    pub error_tracking: ErrorTrackingConfig,
    #[command(flatten)]
    pub security: SecurityConfig,
    #[command(flatten)]
    pub shutdown: ShutdownConfig,
    #[command(flatten)]
    pub timeouts: TimeoutsConfig,
    #[command(flatten)]
    pub jobs: JobsConfig,
}

impl Config {
    /// [`Config::instance_id`], or else the host name.
    pub fn instance(&self) -> String {
        self.instance_id.clone().unwrap_or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .map(|name| name.trim().to_owned())
                .ok()
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| "localhost".to_owned())
        })
    }
}

/// Where errors are reported besides the log.
#[derive(Debug, Clone, Default, Args)]
pub struct ErrorTrackingConfig {
    /// Report panics and error-level events (every 5xx's cause) to this Sentry DSN.
    #[arg(long, env = "SENTRY_DSN", global = true, hide_env_values = true)]
    pub sentry_dsn: Option<String>,
    /// The environment reports are filed under, e.g. `production`.
    #[arg(long, env = "SENTRY_ENVIRONMENT", global = true)]
    pub sentry_environment: Option<String>,
}

/// Which database to use and as whom.
#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// Database to use: `sqlite://path?mode=rwc` or `postgres://user:pass@host/db`.
    #[arg(
        id = "database_url",
        long = "database-url",
        env = "DATABASE_URL",
        default_value = "sqlite://data/hub.db?mode=rwc",
        global = true,
        hide_env_values = true
    )]
    pub url: String,
    /// A file holding the database URL, used instead of `DATABASE_URL`. It is read again whenever
    /// it changes, and new connections use what it holds: rotated credentials take effect without
    /// a restart.
    #[arg(
        id = "database_url_file",
        long = "database-url-file",
        env = "DATABASE_URL_FILE",
        global = true
    )]
    pub url_file: Option<PathBuf>,
    /// PostgreSQL: the role every connection takes on (`SET ROLE`), so tables keep one owner
    /// whichever of the logins a rotation alternates between is in use.
    #[arg(
        id = "database_role",
        long = "database-role",
        env = "DATABASE_ROLE",
        global = true
    )]
    pub role: Option<String>,
}

impl DatabaseConfig {
    /// The database at `url`, with no URL file and no role.
    pub fn at(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            url_file: None,
            role: None,
        }
    }
}

/// How long a client may take, so slow or stalled clients cannot hold connections.
#[derive(Debug, Clone, Copy, Args)]
pub struct TimeoutsConfig {
    /// Seconds a client may take to send a request's headers before the connection is closed.
    #[arg(
        long,
        env = "HEADER_READ_TIMEOUT_SECONDS",
        default_value_t = 10,
        global = true
    )]
    pub header_read_timeout_seconds: u64,
    /// Seconds a request may take, its body included, before it is answered 408.
    #[arg(
        long,
        env = "REQUEST_TIMEOUT_SECONDS",
        default_value_t = 60,
        global = true
    )]
    pub request_timeout_seconds: u64,
}

impl Default for TimeoutsConfig {
    fn default() -> Self {
        Self {
            header_read_timeout_seconds: 10,
            request_timeout_seconds: 60,
        }
    }
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
    /// Days a session lasts at most, however much it is used; then its user signs in again.
    #[arg(long, env = "SESSION_MAX_DAYS", default_value_t = 30, global = true)]
    pub session_max_days: u32,
    /// Register and login requests per minute from one client IP, each; 0 turns the limit off.
    #[arg(long, env = "AUTH_RATE_LIMIT", default_value_t = 5, global = true)]
    pub auth_rate_limit: u32,
    /// Dates of birth saved through the public `PUT /hello/{username}` per minute from one client
    /// IP, so nobody can fill the table; 0 turns the limit off.
    #[arg(long, env = "GREETING_RATE_LIMIT", default_value_t = 30, global = true)]
    pub greeting_rate_limit: u32,
    /// API requests per minute from one client IP; 0 turns the limit off.
    #[arg(long, env = "API_RATE_LIMIT", default_value_t = 600, global = true)]
    pub api_rate_limit: u32,
    /// Proxies whose `X-Forwarded-For` names the real client: comma-separated addresses or
    /// networks, e.g. `127.0.0.1` or `10.0.0.0/16` for load balancers whose addresses change.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_proxy, global = true)]
    pub trusted_proxies: Vec<IpNet>,
    /// A header in which a trusted proxy names the client, e.g. `CloudFront-Viewer-Address`;
    /// believed only from `TRUSTED_PROXIES`, and read before `X-Forwarded-For`.
    #[arg(long, env = "CLIENT_IP_HEADER", global = true)]
    pub client_ip_header: Option<HeaderName>,
    /// The rate limits count an IPv6 client by its network of this prefix length, since one
    /// subscriber usually has a whole /64 to rotate addresses in.
    #[arg(long, env = "IPV6_RATE_LIMIT_PREFIX", default_value_t = 64, value_parser = clap::value_parser!(u8).range(1..=128), global = true)]
    pub ipv6_rate_limit_prefix: u8,
    /// Other origins (comma-separated, e.g. `https://app.example.org`) allowed to send
    /// state-changing requests.
    #[arg(long, env = "ALLOWED_ORIGINS", value_delimiter = ',', global = true)]
    pub allowed_origins: Vec<String>,
    /// Password hashes (sign-ups and sign-ins) computed at once; each holds about 19 MiB.
    /// Unset, one per CPU.
    #[arg(long, env = "PASSWORD_HASH_LIMIT", global = true)]
    pub password_hash_limit: Option<usize>,
    /// Milliseconds a sign-up or sign-in waits for a free hasher before it is answered 503 with
    /// `Retry-After`.
    #[arg(long, env = "PASSWORD_HASH_WAIT_MS", default_value_t = DEFAULT_HASH_WAIT_MS, global = true)]
    pub password_hash_wait_ms: u64,
}

const DEFAULT_HASH_WAIT_MS: u64 = 3_000;

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            cookie_secure: false,
            session_idle_days: 7,
            session_max_days: 30,
            auth_rate_limit: 5,
            greeting_rate_limit: 30,
            api_rate_limit: 600,
            trusted_proxies: Vec::new(),
            client_ip_header: None,
            ipv6_rate_limit_prefix: 64,
            allowed_origins: Vec::new(),
            password_hash_limit: None,
            password_hash_wait_ms: DEFAULT_HASH_WAIT_MS,
        }
    }
}

/// The defaults of [`JobsConfig`], named once for clap and for [`JobsConfig::default`].
mod defaults {
    pub const COVID_ETL_SCHEDULE: &str = "0 6 * * *";
    pub const BLS_SYNC_SCHEDULE: &str = "15 */6 * * *";
    pub const POPULATION_SYNC_SCHEDULE: &str = "30 5 * * *";
    pub const COVID_NYT_URL: &str =
        "https://raw.githubusercontent.com/nytimes/covid-19-data/master/us.csv";
    pub const COVID_JHU_URL: &str = "https://raw.githubusercontent.com/datasets/covid-19/master/data/time-series-19-covid-combined.csv";
    pub const BLS_PR_URL: &str = "https://download.bls.gov/pub/time.series/pr/";
    pub const DATAUSA_POPULATION_URL: &str =
        "https://datausa.io/api/data?drilldowns=Nation&measures=Population";
    pub const FETCH_TIMEOUT_SECONDS: u64 = 60;
    /// 256 MiB: many times the largest source file, small enough for any instance's memory.
    pub const MAX_DOWNLOAD_BYTES: u64 = 256 * 1024 * 1024;
}

/// A trusted proxy: one address (`10.0.0.5`) or a network (`10.0.0.0/16`).
fn parse_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is neither an IP address nor a network like 10.0.0.0/16"))
}

/// The data jobs: when they run, where they read from, and whom they tell.
#[derive(Debug, Clone, Args)]
pub struct JobsConfig {
    /// Run no job on its schedule (they still run on demand).
    #[arg(long, env = "DISABLE_SCHEDULER", global = true)]
    pub disable_scheduler: bool,
    /// When `covid-etl` runs: a cron expression in UTC, or `off`.
    #[arg(long, env = "COVID_ETL_SCHEDULE", default_value = defaults::COVID_ETL_SCHEDULE, global = true)]
    pub covid_etl_schedule: String,
    /// When `bls-sync` runs: a cron expression in UTC, or `off`.
    #[arg(long, env = "BLS_SYNC_SCHEDULE", default_value = defaults::BLS_SYNC_SCHEDULE, global = true)]
    pub bls_sync_schedule: String,
    /// When `population-sync` runs: a cron expression in UTC, or `off`.
    #[arg(long, env = "POPULATION_SYNC_SCHEDULE", default_value = defaults::POPULATION_SYNC_SCHEDULE, global = true)]
    pub population_sync_schedule: String,
    /// The NYT national COVID-19 series (`date,cases,deaths`).
    #[arg(
        long,
        env = "COVID_NYT_URL",
        default_value = defaults::COVID_NYT_URL,
        global = true
    )]
    pub covid_nyt_url: String,
    /// The JHU combined COVID-19 time series, which has the recoveries.
    #[arg(
        long,
        env = "COVID_JHU_URL",
        default_value = defaults::COVID_JHU_URL,
        global = true
    )]
    pub covid_jhu_url: String,
    /// The BLS productivity directory listing mirrored by `bls-sync`.
    #[arg(
        long,
        env = "BLS_PR_URL",
        default_value = defaults::BLS_PR_URL,
        global = true
    )]
    pub bls_pr_url: String,
    /// The DataUSA population API fetched by `population-sync`.
    #[arg(
        long,
        env = "DATAUSA_POPULATION_URL",
        default_value = defaults::DATAUSA_POPULATION_URL,
        global = true
    )]
    pub datausa_population_url: String,
    /// A contact address sent in the `User-Agent` of every download (BLS refuses requests without one).
    #[arg(long, env = "CONTACT_EMAIL", global = true)]
    pub contact_email: Option<String>,
    /// Seconds a download may take before the run fails.
    #[arg(long, env = "FETCH_TIMEOUT_SECONDS", default_value_t = defaults::FETCH_TIMEOUT_SECONDS, global = true)]
    pub fetch_timeout_seconds: u64,
    /// Bytes one download may take before the run fails.
    #[arg(long, env = "MAX_DOWNLOAD_BYTES", default_value_t = defaults::MAX_DOWNLOAD_BYTES, global = true)]
    pub max_download_bytes: u64,
    /// Where each run's JSON summary is posted, after a run that changed data and after a failure.
    #[arg(long, env = "NOTIFY_WEBHOOK_URL", global = true)]
    pub notify_webhook_url: Option<String>,
    /// The SMTP server notifications are e-mailed through, e.g.
    /// `smtps://user:password@smtp.example.org` (or `smtp://host:25` without TLS).
    #[arg(long, env = "SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// The sender of notification e-mails.
    #[arg(long, env = "NOTIFY_EMAIL_FROM", global = true)]
    pub notify_email_from: Option<String>,
    /// Recipients (comma-separated) of notification e-mails.
    #[arg(long, env = "NOTIFY_EMAIL_TO", value_delimiter = ',', global = true)]
    pub notify_email_to: Vec<String>,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            disable_scheduler: false,
            covid_etl_schedule: defaults::COVID_ETL_SCHEDULE.to_owned(),
            bls_sync_schedule: defaults::BLS_SYNC_SCHEDULE.to_owned(),
            population_sync_schedule: defaults::POPULATION_SYNC_SCHEDULE.to_owned(),
            covid_nyt_url: defaults::COVID_NYT_URL.to_owned(),
            covid_jhu_url: defaults::COVID_JHU_URL.to_owned(),
            bls_pr_url: defaults::BLS_PR_URL.to_owned(),
            datausa_population_url: defaults::DATAUSA_POPULATION_URL.to_owned(),
            contact_email: None,
            fetch_timeout_seconds: defaults::FETCH_TIMEOUT_SECONDS,
            max_download_bytes: defaults::MAX_DOWNLOAD_BYTES,
            notify_webhook_url: None,
            smtp_url: None,
            notify_email_from: None,
            notify_email_to: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        assert_eq!(
            parse_proxy("10.0.0.5").unwrap(),
            "10.0.0.5/32".parse::<IpNet>().unwrap()
        );
        assert_eq!(
            parse_proxy(" 10.0.0.0/16").unwrap(),
            "10.0.0.0/16".parse::<IpNet>().unwrap()
        );
        assert!(parse_proxy("load-balancer").is_err());
    }

    /// Every command's flags beside the global settings: one flag named like a setting would be
    /// read as the other's type and stop the command at start.
    #[test]
    fn every_command_reads_its_own_flags() {
        Cli::command().debug_assert();
        let parse = |words: &[&str]| Cli::try_parse_from(words).unwrap();
        let create = parse(&[
            "server",
            "users",
            "create",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--role",
            "staff",
            "--database-role",
            "hub",
        ]);
        assert!(matches!(
            create.command,
            Some(Command::Users(UsersCommand::Create {
                role: app::accounts::Role::Staff,
                ..
            }))
        ));
        assert_eq!(create.config.database.role.as_deref(), Some("hub"));
        let app_user = parse(&["server", "database", "app-user", "--name", "hub_app"]);
        assert!(matches!(
            app_user.command,
            Some(Command::Database(DatabaseCommand::AppUser { ref name })) if name == "hub_app"
        ));
    }
}
