//! What every request passes on its way in and every response on its way out, as one service.
//!
//! tower-http has a layer for each of these (request id, its propagation, the trace span, each
//! response header, panics). Stacked, each of the eight moved the request, the response and its
//! own future once more per request: together they cost a health check a fifth of its
//! throughput. Done in one place they cost one boxed future.

use std::convert::Infallible;
use std::fmt::Write;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::Response;
use bytes::BytesMut;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use tower::Service;
use tracing::Instrument;

use crate::error::panic_response;
use crate::random;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The policy of a page or a script: the app needs nothing but its own origin, plus
/// WebAssembly compilation; product pictures may come from anywhere.
const DOCUMENT_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data: https: http:; connect-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The policy of everything else (the API's JSON and CSV, styles, images): a policy governs
/// only what becomes a document or a worker, so these get the strictest, which also keeps the
/// lightest responses light.
const RESOURCE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Set on every response that does not set its own, beside the content security policy.
const SECURITY_HEADERS: [(HeaderName, &str); 3] = [
    (X_FRAME_OPTIONS, "DENY"),
    (REFERRER_POLICY, "strict-origin-when-cross-origin"),
    (X_CONTENT_TYPE_OPTIONS, "nosniff"),
];

/// Gives each request an id (the `X-Request-Id` the client or a proxy sent, or a new one) and a
/// log span carrying it; answers a handler that panicked with a generic 500; returns the id and
/// the security headers with every response; and logs each response with its status and
/// latency (a 5xx at warn level: its cause is logged at error level where it happened).
#[derive(Clone)]
pub struct Edge<S> {
    inner: S,
    ids: RequestIds,
}

impl<S> Edge<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            ids: RequestIds::new(),
        }
    }
}

impl<S> Service<Request> for Edge<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let started = Instant::now();
        let id = match request.headers().get(REQUEST_ID) {
            Some(id) => id.clone(),
            None => {
                let id = self.ids.next();
                request.headers_mut().insert(REQUEST_ID, id.clone());
                id
            }
        };
        let span = tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.uri().path(),
            request_id = id.to_str().unwrap_or_default(),
        );
        let called = std::panic::catch_unwind(AssertUnwindSafe(|| {
            span.in_scope(|| self.inner.call(request))
        }));
        Box::pin(
            async move {
                let answered = match called {
                    Ok(answering) => AssertUnwindSafe(answering).catch_unwind().await,
                    Err(panic) => Err(panic),
                };
                let mut response = match answered {
                    Ok(Ok(response)) => response,
                    Ok(Err(never)) => match never {},
                    Err(panic) => panic_response(panic),
                };
                let headers = response.headers_mut();
                let policy = content_security_policy(headers);
                headers.entry(REQUEST_ID).or_insert(id);
                for (name, value) in SECURITY_HEADERS {
                    headers
                        .entry(name)
                        .or_insert_with(|| HeaderValue::from_static(value));
                }
                headers
                    .entry(CONTENT_SECURITY_POLICY)
                    .or_insert_with(|| HeaderValue::from_static(policy));
                let status = response.status().as_u16();
                let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
                if response.status().is_server_error() {
                    tracing::warn!(status, latency_ms, "answered with a server error");
                } else {
                    tracing::info!(status, latency_ms, "answered");
                }
                Ok(response)
            }
            .instrument(span),
        )
    }
}

/// The policy for a response of these headers: the strictest for a body that is neither a page
/// nor a script, the document's otherwise. A response without a body type counts as a page: a
/// 304 that revalidates one lends the page it keeps its own headers, policy and all.
fn content_security_policy(headers: &HeaderMap) -> &'static str {
    let becomes_a_document = headers.get(CONTENT_TYPE).is_none_or(|kind| {
        kind.to_str()
            .is_ok_and(|kind| kind.starts_with("text/html") || kind.contains("javascript"))
    });
    if becomes_a_document {
        DOCUMENT_POLICY
    } else {
        RESOURCE_POLICY
    }
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

    fn next(&self) -> HeaderValue {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        // Written once into a buffer of the right size, which becomes the header's own.
        let mut id = BytesMut::with_capacity(self.prefix.len() + 17);
        write!(id, "{}-{number:x}", self.prefix).expect("a buffer takes any text");
        HeaderValue::from_maybe_shared(id.freeze())
            .expect("a hexadecimal prefix and counter make a valid header value")
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    #[test]
    fn request_ids_differ_within_a_process_and_between_processes() {
        let ids = RequestIds::new();
        let first = ids.next();
        assert_ne!(first, ids.clone().next());
        assert_ne!(first, RequestIds::new().next());
    }

    async fn overflowing() -> &'static str {
        panic!("offset overflow")
    }

    #[tokio::test]
    async fn a_panicking_handler_is_answered_with_a_generic_500_that_keeps_the_headers() {
        let app = Edge::new(Router::new().route("/", get(overflowing)));
        let response = app
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[X_FRAME_OPTIONS], "DENY");
        assert!(response.headers().contains_key(REQUEST_ID));
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .unwrap();
        let body: app::error::ErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(body.error.code, "internal");
        assert!(
            !body.error.message.contains("offset"),
            "{}",
            body.error.message
        );
    }

    #[tokio::test]
    async fn a_header_the_response_sets_itself_is_kept() {
        let framed = || async { ([(X_FRAME_OPTIONS, "SAMEORIGIN")], "framed") };
        let app = Edge::new(Router::new().route("/", get(framed)));
        let response = app
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.headers()[X_FRAME_OPTIONS], "SAMEORIGIN");
        assert_eq!(
            response.headers()[REFERRER_POLICY],
            "strict-origin-when-cross-origin"
        );
    }
}
