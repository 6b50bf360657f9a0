//! Opening the database: the pool, credentials that may change while it runs, and on PostgreSQL
//! the one role that owns the schema whichever login the credentials name.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    DbBackend, DbErr, IsolationLevel, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait, Value,
};
use sqlx::ConnectOptions as _;
use sqlx::postgres::PgConnectOptions;

use crate::config::DatabaseConfig;
use crate::migration;

pub mod group_commit;

/// How often the URL file is looked at. Rotation keeps the previous credentials valid for much
/// longer than this, so new connections switch over well before the old ones stop working.
const URL_FILE_CHECK: Duration = Duration::from_secs(5);
/// How long a request waits for a connection. Past this the database is down or the pool is
/// exhausted, and the client is better told at once to try again than kept waiting.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// Rows a SQLite query may read ahead of its reader.
const SQLITE_ROWS_IN_FLIGHT: usize = 4096;

/// Opens the database and brings its schema up to date.
pub async fn connect_and_migrate(config: &DatabaseConfig) -> anyhow::Result<DatabaseConnection> {
    let url = current_url(config)?;
    let changes = CredentialChanges::default();
    let db = connect(&url, config.role.as_deref(), Some(changes.clone())).await?;
    migration::run_exclusively(&db, &url).await?;
    if let Some(file) = &config.url_file {
        tokio::spawn(follow_url_file(db.clone(), file.clone(), url, changes));
    }
    Ok(db)
}

/// When the credentials last changed. A pooled connection opened before then is closed when next
/// taken from the pool, between requests, and a new one opened in its place: so after a rotation
/// every connection moves to the new login within moments, and none is cut while in use.
#[derive(Clone, Default)]
struct CredentialChanges(Arc<Mutex<Option<Instant>>>);

impl CredentialChanges {
    fn record(&self) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
    }

    /// Whether a connection `age` old was opened with the current credentials. The pool dates a
    /// connection from when it was established, not from when it started connecting, so one
    /// begun with the old credentials may be dated after the change: any connection established
    /// less than an acquire timeout (the longest a connection attempt lasts) after the change is
    /// retired too, at the cost of a few reconnections during those seconds.
    fn is_current(&self, age: Duration) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none_or(|changed| age + ACQUIRE_TIMEOUT < changed.elapsed())
    }
}

/// The URL to connect with: the file's content when one is named, else `DATABASE_URL`.
fn current_url(config: &DatabaseConfig) -> anyhow::Result<String> {
    match &config.url_file {
        Some(file) => read_url_file(file),
        None => Ok(config.url.clone()),
    }
}

fn read_url_file(file: &Path) -> anyhow::Result<String> {
    let url = std::fs::read_to_string(file)
        .with_context(|| format!("reading the database URL from {}", file.display()))?;
    let url = url.trim();
    if url.is_empty() {
        bail!("{} holds no database URL", file.display());
    }
    Ok(url.to_owned())
}

/// Opens the pool. A SQLite file's folder is created when missing.
async fn connect(
    url: &str,
    role: Option<&str>,
    changes: Option<CredentialChanges>,
) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if role.is_some() {
            bail!("DATABASE_ROLE applies to PostgreSQL only");
        }
        let file = path.split('?').next().unwrap_or_default();
        if let Some(folder) = Path::new(file)
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating the database folder {}", folder.display()))?;
        }
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .max_connections(16)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // SQLite hands each row from its worker thread to the reader through a queue; with room
        // for only a few rows the two threads wake each other for nearly every row, which made
        // reading a large table (a backup) ten times slower than the reading itself.
        .map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .row_buffer_size(SQLITE_ROWS_IN_FLIGHT)
                // The bundled SQLite sorts in memory by default, so grouping a million records
                // (rebuilding or checking the reports' totals) took over 100 MB; sorts larger
                // than the page cache now go to a temporary file instead.
                .pragma("temp_store", "FILE")
        });
    if let Some(role) = role {
        let set_role = format!("SET ROLE {}", quoted_identifier(role)?);
        options.map_sqlx_postgres_pool_opts(move |pool| {
            let set_role = set_role.clone();
            pool.after_connect(move |connection, _| {
                let set_role = set_role.clone();
                Box::pin(async move {
                    sqlx::Executor::execute(connection, sqlx::AssertSqlSafe(set_role))
                        .await
                        .map(|_| ())
                })
            })
        });
    }
    if let Some(changes) = changes {
        options.map_sqlx_postgres_before_acquire(move |_, connection| {
            let current = changes.is_current(connection.age);
            Box::pin(async move { Ok(current) })
        });
    }
    Database::connect(options)
        .await
        .with_context(|| format!("connecting to the database at {}", redact(url)))
}

/// A PostgreSQL role name as a quoted identifier. Only plain names are taken, which is what
/// every rotation scheme creates, so nothing in it needs escaping.
pub fn quoted_identifier(name: &str) -> anyhow::Result<String> {
    let plain = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !plain {
        bail!("{name:?} is not a plain role name (lower-case letters, digits and _)");
    }
    Ok(format!("\"{name}\""))
}

/// Watches the URL file and hands changed PostgreSQL credentials to the pool, which opens every
/// later connection with them. A file that cannot be read or parsed leaves the current
/// credentials in use and is logged.
async fn follow_url_file(
    db: DatabaseConnection,
    file: PathBuf,
    mut current: String,
    changes: CredentialChanges,
) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let pool = db.get_postgres_connection_pool();
    let mut ticks = tokio::time::interval(URL_FILE_CHECK);
    while !pool.is_closed() {
        ticks.tick().await;
        let url = match read_url_file(&file) {
            Ok(url) if url == current => continue,
            Ok(url) => url,
            Err(error) => {
                tracing::warn!(error = %format!("{error:#}"), "keeping the current database credentials");
                continue;
            }
        };
        match PgConnectOptions::from_str(&url) {
            Ok(options) => {
                pool.set_connect_options(options.disable_statement_logging());
                changes.record();
                tracing::info!(
                    database = %redact(&url),
                    "database connections move to the changed credentials"
                );
                current = url;
            }
            Err(error) => {
                tracing::warn!(%error, file = %file.display(), "the database URL file does not hold a valid URL; keeping the current credentials");
            }
        }
    }
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Whether the database could answer within `limit`: the readiness probe's question, asked with
/// a bound because a database behind a failing network may leave a connection attempt hanging.
pub async fn answers_within(db: &DatabaseConnection, limit: Duration) -> bool {
    match tokio::time::timeout(limit, db.ping()).await {
        Ok(Ok(())) => true,
        Ok(Err(error)) => {
            tracing::warn!(%error, "the database does not answer");
            false
        }
        Err(_) => {
            tracing::warn!(
                limit_ms = limit.as_millis(),
                "the database did not answer in time"
            );
            false
        }
    }
}

/// Makes `name` the application's own PostgreSQL login, run with an administrator's URL: creates
/// the role or sets its password, lets it create in the database and its `public` schema, and
/// hands it every table, view and free-standing sequence there, so migrations run as it (through
/// `DATABASE_ROLE`) can change them. Running it again changes nothing but the password.
pub async fn provision_app_user(
    config: &DatabaseConfig,
    name: &str,
    password: &str,
) -> anyhow::Result<()> {
    let db = connect(&current_url(config)?, None, None).await?;
    if db.get_database_backend() != DbBackend::Postgres {
        bail!("an application login applies to PostgreSQL only");
    }
    let role = quoted_identifier(name)?;
    if password.chars().count() < 16 || password.contains('\0') {
        bail!("the application's password must have at least 16 characters");
    }
    let literal = format!("'{}'", password.replace('\'', "''"));
    let exists = !db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 FROM pg_roles WHERE rolname = $1",
            [Value::from(name)],
        ))
        .await?
        .is_empty();
    let login = if exists { "ALTER" } else { "CREATE" };
    db.execute_unprepared(&format!(
        "{login} ROLE {role} WITH LOGIN PASSWORD {literal}"
    ))
    .await
    .context("creating the login")?;
    let current: Option<String> = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_database()::text AS name",
        ))
        .await?
        .map(|row| row.try_get("", "name"))
        .transpose()?;
    let database = current.context("the database has no name")?;
    // Handing over ownership needs membership of the new owner, unless one is a superuser.
    for statement in [
        format!("GRANT {role} TO CURRENT_USER"),
        format!(
            "GRANT CONNECT, CREATE, TEMPORARY ON DATABASE \"{}\" TO {role}",
            database.replace('"', "\"\"")
        ),
        format!("GRANT USAGE, CREATE ON SCHEMA public TO {role}"),
    ] {
        db.execute_unprepared(&statement)
            .await
            .with_context(|| format!("running {statement}"))?;
    }
    // Sequences behind a serial column follow their table, so they are left out of the list.
    let owned = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT c.relname::text AS name, \
                    CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' \
                    WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') \
               AND pg_get_userbyid(c.relowner) <> $1 \
               AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d \
                        WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))",
            [Value::from(name)],
        ))
        .await?;
    for row in owned {
        let object: String = row.try_get("", "name")?;
        let kind: String = row.try_get("", "kind")?;
        let statement = format!(
            "ALTER {kind} public.\"{}\" OWNER TO {role}",
            object.replace('"', "\"\"")
        );
        db.execute_unprepared(&statement)
            .await
            .with_context(|| format!("running {statement}"))?;
    }
    // Functions too (the history's append-only trigger calls one), named with their arguments.
    let functions = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT p.oid::regprocedure::text AS name FROM pg_proc p \
             JOIN pg_namespace n ON n.oid = p.pronamespace \
             WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> $1",
            [Value::from(name)],
        ))
        .await?;
    for row in functions {
        let function: String = row.try_get("", "name")?;
        let statement = format!("ALTER FUNCTION {function} OWNER TO {role}");
        db.execute_unprepared(&statement)
            .await
            .with_context(|| format!("running {statement}"))?;
    }
    db.close().await?;
    Ok(())
}

/// A transaction that writes. On SQLite it takes the write lock at once: a transaction that reads
/// first and writes later fails at once (`database is locked`, no waiting) if another connection
/// wrote in between, as a background job or a second request may; taking the lock first makes it
/// wait its turn instead. PostgreSQL takes row locks as it goes and needs nothing more.
pub async fn write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// A read-only transaction that sees one snapshot of the database throughout, whatever is written
/// meanwhile: for reading many tables consistently (a backup, a check of the reports' totals).
pub async fn snapshot(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await
        }
        // A SQLite transaction reads one snapshot from its first read on.
        _ => db.begin().await,
    }
}
