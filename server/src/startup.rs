use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::routing::any;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::config::{Config, ShutdownConfig};
use crate::database::connect_and_migrate;
use crate::database::group_commit::GroupCommit;
use crate::error::ApiError;
use crate::jobs::Jobs;
use crate::serve::serve;
use crate::services::accounts::SessionCache;
use crate::services::archive::Archive;
use crate::services::greeting::GreetingCache;
use crate::services::passwords::Passwords;
use crate::state::{AppState, Security, Shared};
use crate::storage;
use crate::{demo, error_tracking, metrics, routes, web};

/// A server whose listener is bound and whose database is migrated, ready to run.
pub struct Application {
    listener: TcpListener,
    site: web::Site,
    db: DatabaseConnection,
    draining: Arc<AtomicBool>,
    jobs: Jobs,
    shutdown: ShutdownConfig,
    header_read_timeout: Duration,
}

impl Application {
    /// Connects to and migrates the database, loads demo data if asked, and binds the listener
    /// (port 0 picks a free port; [`Application::address`] tells which).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = connect_and_migrate(&config.database).await?;
        if config.demo_data {
            demo::load_if_empty(&db)
                .await
                .context("loading demo data")?;
        }
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("binding {}", config.bind))?;
        let store = storage::open(&config.storage_url).context("opening the object storage")?;
        let archive = Archive::new(store.clone(), &config.instance());
        tokio::spawn(archive.clone().run(db.clone()));
        let jobs = Jobs::new(db.clone(), store, config.jobs).await?;
        jobs.start_scheduler();
        jobs.start_stock_alerts();
        let draining = Arc::new(AtomicBool::new(false));
        let security = Arc::new(Security::from(&config.security));
        tokio::spawn(forget_idle_clients(Arc::downgrade(&security)));
        let state = AppState::new(Shared {
            db: db.clone(),
            writer: GroupCommit::new(&db),
            security,
            archive,
            draining: draining.clone(),
            jobs: jobs.clone(),
            passwords: Passwords::from(&config.security),
            greetings: GreetingCache::new(Duration::from_millis(config.greeting_cache_ms)),
            sessions: SessionCache::new(Duration::from_millis(config.session_cache_ms)),
        });
        metrics::init();
        let request_timeout = Duration::from_secs(config.timeouts.request_timeout_seconds);
        let app_files = web::Assets::load(&config.static_dir)?.router();
        let allowed_origins = state.security.allowed_origins.clone();
        let mut router = router(state, app_files, request_timeout);
        let metrics = metrics::router(db.clone());
        match (config.metrics_bind, config.metrics_token) {
            (None, Some(token)) => {
                router = metrics::behind_token(metrics, &token).merge(router);
            }
            // Metrics name routes, jobs and the build: nothing for the public port to show.
            (None, None) => {}
            (Some(address), _) => {
                let listener = TcpListener::bind(address)
                    .await
                    .with_context(|| format!("binding the metrics address {address}"))?;
                tokio::spawn(async move {
                    if let Err(error) = axum::serve(listener, metrics).await {
                        tracing::error!(error = %error, "the metrics listener stopped");
                    }
                });
            }
        }
        Ok(Self {
            listener,
            site: web::site(router, &allowed_origins),
            db,
            draining,
            jobs,
            shutdown: config.shutdown,
            header_read_timeout: Duration::from_secs(config.timeouts.header_read_timeout_seconds),
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

    /// Serves until Ctrl-C or SIGTERM, then shuts down gracefully (see [`Application::run_until`]).
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes. Then readiness turns false at once and no new job run
    /// starts; the server keeps serving for the drain period so load balancers notice, stops
    /// accepting connections, and finishes the requests in flight, giving up on them after the
    /// shutdown timeout. Job runs in progress get the same timeout to finish, and are marked
    /// interrupted if they do not.
    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        tracing::info!(address = %self.address(), "listening");
        let ShutdownConfig {
            shutdown_drain_seconds,
            shutdown_timeout_seconds,
        } = self.shutdown;
        let draining = self.draining;
        let jobs = self.jobs;
        let stopping_jobs = jobs.clone();
        let (closing, closed) = tokio::sync::oneshot::channel();
        let begin_shutdown = async move {
            stop.await;
            draining.store(true, Ordering::SeqCst);
            stopping_jobs.stop_starting();
            tracing::info!(
                drain_seconds = shutdown_drain_seconds,
                "shutting down: no longer ready"
            );
            tokio::time::sleep(Duration::from_secs(shutdown_drain_seconds)).await;
            tracing::info!("shutting down: finishing requests in flight");
            closing.send(()).ok();
        };
        let server = serve(
            self.listener,
            self.site,
            self.header_read_timeout,
            begin_shutdown,
        );
        let deadline = async move {
            if closed.await.is_ok() {
                tokio::time::sleep(Duration::from_secs(shutdown_timeout_seconds)).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            () = server => {},
            () = deadline => tracing::warn!(timeout_seconds = shutdown_timeout_seconds, "requests still running at the shutdown timeout; stopping anyway"),
        }
        jobs.shut_down(Duration::from_secs(shutdown_timeout_seconds))
            .await;
        tracing::info!("stopped");
        Ok(())
    }
}

fn router(state: AppState, app_files: Router, request_timeout: Duration) -> Router {
    let app = Router::new()
        .merge(routes::api(&state))
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(web::GateLayer::new(state.clone(), request_timeout))
        .with_state(state.clone())
        .fallback_service(app_files);
    error_tracking::per_request(app)
}

/// Every minute, lets the rate limiters forget clients that have been quiet, until the server
/// that owns them is gone.
async fn forget_idle_clients(security: std::sync::Weak<Security>) {
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let Some(security) = security.upgrade() else {
            return;
        };
        for limiter in security.rate_limiters() {
            limiter.forget_idle_clients();
        }
    }
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("API path")
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Installs the Ctrl-C and SIGTERM handlers now, before the server answers its first request,
/// so that a signal sent as soon as the server is ready is never met by the default action; the
/// returned future completes on the first of them.
fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {},
                        _ = terminate.recv() => {},
                    }
                }
                (Err(error), _) | (_, Err(error)) => {
                    tracing::error!(%error, "cannot listen for shutdown signals");
                    std::future::pending::<()>().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        tokio::signal::ctrl_c().await.ok();
    }
}
