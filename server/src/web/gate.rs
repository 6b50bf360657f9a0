//! What every API request passes once the router has found its route.
//!
//! One hand-written service rather than `middleware::from_fn` and tower-http's compression
//! layer: `from_fn` clones the route below it on every request, and the compression layer
//! wraps and boxes every response body, even for a client that accepts no encoding (a probe, a
//! load balancer, most scripts). Together the two took a fifth of the instructions a health
//! check runs.

use std::convert::Infallible;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{ACCEPT_ENCODING, VARY};
use axum::response::{IntoResponse, Response};
use futures_util::TryFutureExt;
use futures_util::future::{BoxFuture, Either};
use tower::{Layer, Service, ServiceExt};
use tower_http::compression::Compression;

use crate::error::ApiError;
use crate::metrics::RequestRecord;
use crate::security::cross_site;
use crate::state::AppState;

/// Counts and times each request for the metrics; refuses it (403 `cross_site`) when it would
/// change something on behalf of another site; answers it with a 408 once it outlasts
/// `request_timeout`; and compresses the response (brotli or gzip) for a client that accepts
/// it. The app's files do not pass here: they come compressed already, from the build.
#[derive(Clone)]
pub struct GateLayer {
    state: AppState,
    request_timeout: Duration,
}

impl GateLayer {
    pub fn new(state: AppState, request_timeout: Duration) -> Self {
        Self {
            state,
            request_timeout,
        }
    }
}

impl<S> Layer<S> for GateLayer {
    type Service = Gate<S>;

    fn layer(&self, inner: S) -> Gate<S> {
        Gate {
            inner,
            state: self.state.clone(),
            request_timeout: self.request_timeout,
        }
    }
}

/// The service [`GateLayer`] makes around a route.
#[derive(Clone)]
pub struct Gate<S> {
    inner: S,
    state: AppState,
    request_timeout: Duration,
}

impl<S> Service<Request> for Gate<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let record = RequestRecord::start(&request);
        let allowed_origins = &self.state.security.allowed_origins;
        if cross_site::is_refused(request.method(), request.headers(), allowed_origins) {
            let response = ApiError::CrossSite.into_response();
            record.finish(response.status());
            return Box::pin(std::future::ready(Ok(response)));
        }
        let answering = if request.headers().contains_key(ACCEPT_ENCODING) {
            // Only now is a second route made, the one compression takes: the router clones
            // this service for every request, so holding one beside `inner` would cost the
            // requests that accept no encoding a clone too.
            let compressing = Compression::new(self.inner.clone()).oneshot(request);
            Either::Left(compressing.map_ok(|response| response.map(Body::new)))
        } else {
            Either::Right(self.inner.call(request).map_ok(vary_by_encoding))
        };
        let request_timeout = self.request_timeout;
        Box::pin(async move {
            let response = match tokio::time::timeout(request_timeout, answering).await {
                Ok(Ok(response)) => response,
                Ok(Err(never)) => match never {},
                Err(_) => ApiError::RequestTimeout.into_response(),
            };
            record.finish(response.status());
            Ok(response)
        })
    }
}

/// Says that `response`, sent plain, might have come compressed to a client that accepts it, so
/// that no cache hands a plain copy on as the answer for every client.
fn vary_by_encoding(mut response: Response) -> Response {
    response
        .headers_mut()
        .append(VARY, HeaderValue::from_static("accept-encoding"));
    response
}
