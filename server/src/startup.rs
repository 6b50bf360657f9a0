use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::Request;
use axum::middleware::from_fn_with_state;
use axum::routing::any;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::{Config, SecurityConfig};
use crate::error::ApiError;
use crate::migration::Migrator;
use crate::security::guards::refuse_cross_site;
use crate::security::rate_limit::RateLimiter;
use crate::{demo, routes};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
}

/// The security settings in the form the request path uses them.
#[derive(Debug)]
pub struct Settings {
    pub session_idle: chrono::Duration,
    pub cookie_secure: bool,
    /// Other origins may call the API with the session cookie, so it must be `SameSite=None`.
    pub cross_origin_cookies: bool,
    pub allowed_origins: Vec<String>,
    pub trusted_proxies: Vec<IpAddr>,
    pub api_limit: RateLimiter,
    pub register_limit: RateLimiter,
    pub login_limit: RateLimiter,
}

impl From<&SecurityConfig> for Settings {
    fn from(config: &SecurityConfig) -> Self {
        Self {
            session_idle: chrono::Duration::days(i64::from(config.session_idle_days)),
            cookie_secure: config.cookie_secure,
            cross_origin_cookies: !config.allowed_origins.is_empty(),
            allowed_origins: config.allowed_origins.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
            api_limit: RateLimiter::per_minute(config.api_rate_limit),
            register_limit: RateLimiter::per_minute(config.auth_rate_limit),
            login_limit: RateLimiter::per_minute(config.auth_rate_limit),
        }
    }
}

/// A server whose listener is bound and whose database is migrated, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    db: DatabaseConnection,
}

impl Application {
    /// Connects to and migrates the database, loads demo data if asked, and binds the listener
    /// (port 0 picks a free port; [`Application::address`] tells which).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = connect(&config.database_url).await?;
        Migrator::up(&db, None)
            .await
            .context("running migrations")?;
        if config.demo_data {
            demo::load_if_empty(&db)
                .await
                .context("loading demo data")?;
        }
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("binding {}", config.bind))?;
        let state = AppState {
            db: db.clone(),
            settings: Arc::new(Settings::from(&config.security)),
        };
        let router = router(state, &config.static_dir);
        Ok(Self {
            listener,
            router,
            db,
        })
    }

    /// The database the server uses.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn address(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tracing::info!(address = %self.address(), "listening");
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving")
    }
}

/// Opens the database and brings its schema up to date.
pub async fn connect_and_migrate(url: &str) -> anyhow::Result<DatabaseConnection> {
    let db = connect(url).await?;
    Migrator::up(&db, None)
        .await
        .context("running migrations")?;
    Ok(db)
}

/// Opens the database. A SQLite file's folder is created when missing, and SQLite runs in WAL mode
/// so readers never wait for the writer.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = url.strip_prefix("sqlite://") {
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
        .acquire_timeout(Duration::from_secs(10));
    let db = Database::connect(options)
        .await
        .with_context(|| format!("connecting to the database at {}", redact(url)))?;
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
    }
    Ok(db)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

fn router(state: AppState, static_dir: &Path) -> Router {
    let spa = ServeDir::new(static_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(static_dir.join("index.html")));
    Router::new()
        .merge(routes::api(&state))
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(state.clone(), refuse_cross_site))
        .with_state(state)
        .fallback_service(spa)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_request(())
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                ),
        )
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("API path")
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
