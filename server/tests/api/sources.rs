//! A local stand-in for the public data sources: serves files set by the test (with ETags and
//! conditional requests, like the real servers), can answer with errors or slowly, and records
//! every request and every webhook notification posted to it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

#[derive(Clone)]
struct Fixture {
    status: StatusCode,
    body: Vec<u8>,
    content_type: &'static str,
    delay: Duration,
}

#[derive(Default)]
struct Shared {
    files: HashMap<String, Fixture>,
    requests: Vec<(String, HeaderMap)>,
    webhooks: Vec<Value>,
}

#[derive(Clone)]
pub struct Sources {
    pub address: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

impl Sources {
    pub async fn start() -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = Router::new().fallback(answer).with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { address, shared }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Serves `body` at `path` from now on.
    pub fn serve(&self, path: &str, body: impl Into<Vec<u8>>) {
        self.set(
            path,
            StatusCode::OK,
            body.into(),
            "text/plain; charset=utf-8",
        );
    }

    pub fn serve_html(&self, path: &str, body: &str) {
        self.set(
            path,
            StatusCode::OK,
            body.into(),
            "text/html; charset=utf-8",
        );
    }

    /// Answers `path` with `status` and a short HTML error page.
    pub fn fail(&self, path: &str, status: StatusCode) {
        let page = format!("<html><body><h1>{status}</h1></body></html>");
        self.set(path, status, page.into_bytes(), "text/html");
    }

    /// Waits `delay` before answering `path`.
    pub fn slow_down(&self, path: &str, delay: Duration) {
        let mut shared = self.shared.lock().unwrap();
        shared.files.get_mut(path).expect("a served path").delay = delay;
    }

    pub fn remove(&self, path: &str) {
        self.shared.lock().unwrap().files.remove(path);
    }

    fn set(&self, path: &str, status: StatusCode, body: Vec<u8>, content_type: &'static str) {
        self.shared.lock().unwrap().files.insert(
            path.to_owned(),
            Fixture {
                status,
                body,
                content_type,
                delay: Duration::ZERO,
            },
        );
    }

    /// The requests made for `path`, each with its headers.
    pub fn requests_for(&self, path: &str) -> Vec<HeaderMap> {
        let shared = self.shared.lock().unwrap();
        shared
            .requests
            .iter()
            .filter(|(requested, _)| requested == path)
            .map(|(_, headers)| headers.clone())
            .collect()
    }

    /// Full downloads of `path`: requests answered with its body rather than 304.
    pub fn downloads_of(&self, path: &str) -> usize {
        let etag = self.etag_of(path);
        self.requests_for(path)
            .iter()
            .filter(|headers| headers.get(header::IF_NONE_MATCH) != etag.as_ref())
            .count()
    }

    fn etag_of(&self, path: &str) -> Option<HeaderValue> {
        let shared = self.shared.lock().unwrap();
        shared.files.get(path).map(|fixture| etag(&fixture.body))
    }

    /// Waits up to five seconds for `count` webhook posts and returns them.
    pub async fn webhooks(&self, count: usize) -> Vec<Value> {
        for _ in 0..100 {
            {
                let shared = self.shared.lock().unwrap();
                if shared.webhooks.len() >= count {
                    return shared.webhooks.clone();
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.shared.lock().unwrap().webhooks.clone()
    }
}

fn etag(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let hex: String = digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    HeaderValue::from_str(&format!("\"{hex}\"")).unwrap()
}

async fn answer(State(shared): State<Arc<Mutex<Shared>>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    if request.method() == axum::http::Method::POST && path == "/webhook" {
        let body = axum::body::to_bytes(request.into_body(), 1 << 20)
            .await
            .unwrap();
        let summary = serde_json::from_slice(&body).unwrap();
        shared.lock().unwrap().webhooks.push(summary);
        return StatusCode::NO_CONTENT.into_response();
    }
    let fixture = {
        let mut shared = shared.lock().unwrap();
        shared.requests.push((path.clone(), headers.clone()));
        shared.files.get(&path).cloned()
    };
    let Some(fixture) = fixture else {
        return StatusCode::NOT_FOUND.into_response();
    };
    tokio::time::sleep(fixture.delay).await;
    let tag = etag(&fixture.body);
    if fixture.status == StatusCode::OK && headers.get(header::IF_NONE_MATCH) == Some(&tag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response();
    }
    (
        fixture.status,
        [
            (header::ETAG, tag),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(fixture.content_type),
            ),
        ],
        Bytes::from(fixture.body),
    )
        .into_response()
}
