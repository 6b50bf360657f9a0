//! Prometheus metrics: requests per route and status with their latency, job runs and the rows
//! they wrote, the database pool, and the build. Served at `/metrics` on a separate port
//! (`METRICS_BIND`), or on the main port to holders of a bearer token (`METRICS_TOKEN`).

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics::{Counter, Histogram, counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{DatabaseConnection, DbBackend};
use sha2::{Digest, Sha256};

pub const METRICS_PATH: &str = "/metrics";

const REQUEST_DURATION: &str = "http_request_duration_seconds";

/// Latency buckets, in seconds, from a fast read to a slow report.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// How often the recorded latencies are folded into their histograms' buckets. The recorder
/// keeps every sample until then (or until a scrape), so without this a server nobody scraped
/// held 8 more bytes for every request it ever answered.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// The process-wide recorder, installed on first use; every server in the process shares it, and
/// a thread of its own keeps it (on no runtime, since several may come and go in one process).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let handle = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_DURATION.to_owned()), &BUCKETS)
            .and_then(PrometheusBuilder::install_recorder)
            .expect("the metrics recorder is installed once, with valid buckets");
        let upkeep = handle.clone();
        std::thread::Builder::new()
            .name("metrics-upkeep".to_owned())
            .spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP_INTERVAL);
                    upkeep.run_upkeep();
                }
            })
            .expect("a thread can be started at start-up");
        gauge!(
            "community_hub_build_info",
            "version" => env!("CARGO_PKG_VERSION"),
            "revision" => env!("GIT_REVISION"),
        )
        .set(1.0);
        handle
    })
}

/// Makes sure the recorder is installed before anything records.
pub fn init() {
    handle();
}

/// One request being counted: its latency is recorded with its method, route template (not the
/// raw path, which would make a series per id) and status once it is answered.
pub struct RequestRecord {
    started: Instant,
    method: Method,
    route: Option<MatchedPath>,
}

impl RequestRecord {
    pub fn start(request: &Request) -> Self {
        Self {
            started: Instant::now(),
            method: request.method().clone(),
            route: request.extensions().get::<MatchedPath>().cloned(),
        }
    }

    pub fn finish(self, status: StatusCode) {
        let route = self.route.as_ref().map_or("unmatched", MatchedPath::as_str);
        let (requests, duration) = request_series(&self.method, route, status);
        requests.increment(1);
        duration.record(self.started.elapsed().as_secs_f64());
    }
}

/// The request counter and latency histogram of one method, status and route.
type RequestSeries = (Counter, Histogram);

/// The series registered so far, by method and status, then by route.
type SeriesByRoute = HashMap<(Method, StatusCode), HashMap<Box<str>, RequestSeries>>;

/// Finds the series of a method, status and route, registering it on first use. Building the
/// three labels and hashing them into the registry on every request cost as much as the rest of
/// a health check; the routes are the router's own templates, so the cache stays small.
fn request_series(method: &Method, route: &str, status: StatusCode) -> RequestSeries {
    static SERIES: LazyLock<RwLock<SeriesByRoute>> = LazyLock::new(RwLock::default);
    let key = (method.clone(), status);
    if let Some(series) = SERIES
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
        .and_then(|routes| routes.get(route))
    {
        return series.clone();
    }
    let labels = [
        ("method", method.as_str().to_owned()),
        ("route", route.to_owned()),
        ("status", status.as_u16().to_string()),
    ];
    let series = (
        counter!("http_requests_total", &labels),
        histogram!(REQUEST_DURATION, &labels),
    );
    SERIES
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(key)
        .or_default()
        .insert(route.into(), series.clone());
    series
}

/// Records the end of a job run and the rows it wrote.
pub fn job_finished(job: &str, status: &str, rows_inserted: u64, rows_updated: u64) {
    counter!("job_runs_total", "job" => job.to_owned(), "status" => status.to_owned()).increment(1);
    counter!("job_rows_written_total", "job" => job.to_owned(), "operation" => "inserted")
        .increment(rows_inserted);
    counter!("job_rows_written_total", "job" => job.to_owned(), "operation" => "updated")
        .increment(rows_updated);
}

/// The order archive's outbox: documents waiting, and the age of the oldest (0 when none wait),
/// which is what an alarm watches: a backlog that only grows means archiving has stopped.
pub fn record_archive_backlog(waiting: u64, oldest: Duration) {
    gauge!("archive_backlog_documents").set(waiting as f64);
    gauge!("archive_oldest_waiting_seconds").set(oldest.as_secs_f64());
}

fn record_pool(db: &DatabaseConnection) {
    let (size, idle, max) = match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX);
    gauge!("db_pool_connections", "state" => "idle").set(f64::from(idle));
    gauge!("db_pool_connections", "state" => "in_use").set(f64::from(size.saturating_sub(idle)));
    gauge!("db_pool_max_connections").set(f64::from(max));
}

async fn metrics(State(db): State<DatabaseConnection>) -> impl IntoResponse {
    record_pool(&db);
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle().render(),
    )
}

/// The `/metrics` route.
pub fn router(db: DatabaseConnection) -> Router {
    Router::new()
        .route(METRICS_PATH, get(metrics))
        .with_state(db)
}

/// `router` for the main port: only requests with `Authorization: Bearer <token>` see it.
pub fn behind_token(router: Router, token: &str) -> Router {
    let expected = Sha256::digest(token.as_bytes());
    router.layer(axum::middleware::from_fn(
        move |request: Request, next: Next| async move {
            let presented = request
                .headers()
                .get(AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "));
            // Digests, not the tokens, are compared, so the time taken says nothing about how
            // much of a guess was right.
            match presented {
                Some(token) if Sha256::digest(token.as_bytes()) == expected => {
                    next.run(request).await
                }
                _ => (
                    StatusCode::UNAUTHORIZED,
                    [(WWW_AUTHENTICATE, "Bearer")],
                    "a bearer token is needed for /metrics\n",
                )
                    .into_response(),
            }
        },
    ))
}
