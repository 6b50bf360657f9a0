//! How the built browser app is served, and the headers every response carries.

mod assets;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::header::{
    CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, IF_MATCH, REFERRER_POLICY,
    RETRY_AFTER, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue, Method};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The app needs nothing but its own origin, plus WebAssembly compilation; product pictures may
/// come from anywhere.
const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data: https: http:; connect-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub use assets::Assets;

use crate::error::panic_response;
use crate::random;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Whether a file name carries a content hash (`frontend-474c9e41973fe2a1.js`), so that a given
/// name never changes content and can be cached for good.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        hash.len() == 16 && hash.bytes().all(|byte| byte.is_ascii_hexdigit())
    })
}

/// What every response passes, outermost first: a request id (taken from `X-Request-Id` when
/// the client or a proxy sent one, made up otherwise, and returned either way), the request's
/// log span, CORS for the listed origins, the security headers, and a 500 for a handler that
/// panicked.
///
/// They wrap the whole router as one service instead of being `Router::layer`ed: that wraps
/// every route in each layer and boxes it again, so each request cloned and allocated once per
/// layer, which showed in the profile of the lightest requests.
pub fn with_common_layers(app: Router, allowed_origins: &[String]) -> Router {
    let header =
        |name, value| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    let service = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, RequestIds::new()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let request_id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        request_id,
                    )
                })
                .on_request(())
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                )
                // A 5xx's cause is logged at error level where it happens; this line only
                // repeats the status, so it stays below the level error tracking reports.
                .on_failure(DefaultOnFailure::new().level(Level::WARN)),
        )
        .option_layer(cors(allowed_origins))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(header(X_FRAME_OPTIONS, "DENY"))
        .layer(header(REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .layer(header(X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(
            CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY_VALUE,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .service(app);
    Router::new().fallback_service(service)
}

/// Lets the browser app call the API from the listed other origins, with the session cookie.
/// Only exact origins are allowed, never `*`, since credentials are involved.
fn cors(allowed_origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = allowed_origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                CONTENT_TYPE,
                IF_MATCH,
                HeaderName::from_bytes(app::shop::IDEMPOTENCY_KEY_HEADER.as_bytes())
                    .expect("the idempotency header's name is a valid header name"),
            ])
            .expose_headers([REQUEST_ID, CONTENT_DISPOSITION, RETRY_AFTER])
            .max_age(Duration::from_secs(600)),
    )
}

/// Request ids made of this process's random prefix and a counter: unique across instances and
/// restarts, without asking the operating system for randomness on every request as a random
/// UUID each time would (a system call that showed in the profile of the lightest requests).
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl RequestIds {
    fn new() -> Self {
        let prefix = random::token().map_or_else(
            |_| format!("{:08x}", std::process::id()),
            |token| token[..16].to_owned(),
        );
        Self {
            prefix: prefix.into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{number:x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

#[cfg(test)]
mod tests {
    use tower_http::request_id::MakeRequestId;

    use super::{RequestIds, is_hashed};

    #[test]
    fn request_ids_differ_within_a_process_and_between_processes() {
        let request = axum::http::Request::new(());
        let mut ids = RequestIds::new();
        let first = ids.make_request_id(&request).unwrap();
        let second = ids.clone().make_request_id(&request).unwrap();
        assert_ne!(first.header_value(), second.header_value());
        let other = RequestIds::new().make_request_id(&request).unwrap();
        assert_ne!(first.header_value(), other.header_value());
    }

    #[test]
    fn hashed_asset_names_are_recognised() {
        assert!(is_hashed("/frontend-474c9e41973fe2a1.js"));
        assert!(is_hashed("/frontend-474c9e41973fe2a1_bg.wasm"));
        assert!(is_hashed("/main-a87771be30b372ae.css"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/config.json"));
        assert!(!is_hashed("/donations"));
        assert!(!is_hashed("/some-name.js"));
    }
}
