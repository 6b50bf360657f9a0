//! Optional error tracking. With `SENTRY_DSN` set, panics and every event logged at error level
//! (each 5xx answer's cause, failed jobs) go to Sentry, tagged with the request's id and named
//! with the release. Nothing personal goes with them: no request bodies, headers, cookies,
//! addresses or accounts, and no breadcrumbs of earlier log lines.

use axum::Router;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use sentry::integrations::tower::NewSentryLayer;
use sentry::integrations::tracing::ErrorLayer;
use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::registry::LookupSpan;

use crate::config::ErrorTrackingConfig;

/// Starts the Sentry client when a DSN is set; events are sent until the guard is dropped.
pub fn init(config: &ErrorTrackingConfig) -> Option<sentry::ClientInitGuard> {
    let dsn = config.sentry_dsn.as_deref()?;
    let release = concat!(
        "community-hub@",
        env!("CARGO_PKG_VERSION"),
        "+",
        env!("GIT_REVISION")
    );
    let mut options = sentry::ClientOptions::new()
        .release(release)
        .send_default_pii(false)
        .max_breadcrumbs(0);
    if let Some(environment) = &config.sentry_environment {
        options = options.environment(environment.clone());
    }
    crate::tls::install_crypto();
    let guard = sentry::init((dsn, options));
    Some(guard)
}

/// The logging layer that turns error-level events into Sentry events; it does nothing while no
/// client runs.
pub fn layer<S>() -> impl Layer<S>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    ErrorLayer::new().with_filter(LevelFilter::ERROR)
}

/// With a client running, gives each request its own scope tagged with its request id, so an
/// event raised while answering it names the request the access log and the client know.
pub fn per_request(router: Router) -> Router {
    if sentry::Hub::main()
        .client()
        .is_none_or(|client| !client.is_enabled())
    {
        return router;
    }
    router
        .layer(axum::middleware::from_fn(tag_request_id))
        .layer(NewSentryLayer::<Request>::new_from_top())
}

async fn tag_request_id(request: Request, next: Next) -> Response {
    if let Some(id) = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
    {
        sentry::configure_scope(|scope| scope.set_tag("request_id", id));
    }
    next.run(request).await
}
