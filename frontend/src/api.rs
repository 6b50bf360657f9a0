//! The one HTTP client of the app. Every call returns the server's error body as an [`ApiError`]
//! that pages can show, next to the fields it names.

use std::sync::OnceLock;

use app::{ErrorBody, FieldErrors};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use web_sys::RequestCredentials;

/// Where the API is: empty for the app's own origin, or another origin's base URL.
static API_BASE: OnceLock<String> = OnceLock::new();

/// The app's runtime settings, read from `/config.json` beside `index.html`, so one build serves
/// every environment.
#[derive(Debug, Default, Deserialize)]
struct RuntimeConfig {
    #[serde(default)]
    api_base_url: String,
}

/// Reads `/config.json` once at start. Without one (or with a broken one) the API is expected on
/// the app's own origin.
pub async fn configure() {
    let config = match Request::get("/config.json").send().await {
        Ok(response) if response.ok() => response.json::<RuntimeConfig>().await.unwrap_or_default(),
        _ => RuntimeConfig::default(),
    };
    API_BASE
        .set(config.api_base_url.trim_end_matches('/').to_owned())
        .ok();
}

/// The full URL of an API path, for requests and for links such as downloads.
pub fn url(path: &str) -> String {
    format!("{}{path}", API_BASE.get().map_or("", String::as_str))
}

/// A request to the API; on another origin it carries the session cookie along.
pub fn request(method: fn(&str) -> RequestBuilder, path: &str) -> RequestBuilder {
    method(&url(path)).credentials(RequestCredentials::Include)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub fields: FieldErrors,
}

impl ApiError {
    /// The record changed since it was loaded (412 `stale_version`).
    pub fn is_stale(&self) -> bool {
        self.code == "stale_version"
    }

    fn network(error: &gloo_net::Error) -> Self {
        ApiError {
            status: 0,
            code: "network".to_owned(),
            message: format!(
                "Could not reach the server ({error}). Check your connection and try again."
            ),
            fields: FieldErrors::new(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

async fn error_from(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<ErrorBody>().await {
        Ok(body) => ApiError {
            status,
            code: body.error.code,
            message: body.error.message,
            fields: body.error.fields,
        },
        Err(_) => ApiError {
            status,
            code: "unexpected".to_owned(),
            message: format!("The server answered {status} {}", response.status_text()),
            fields: FieldErrors::new(),
        },
    }
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = request
        .map_err(|error| ApiError::network(&error))?
        .send()
        .await
        .map_err(|error| ApiError::network(&error))?;
    if response.ok() {
        Ok(response)
    } else {
        Err(error_from(response).await)
    }
}

async fn json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    response
        .json()
        .await
        .map_err(|error| ApiError::network(&error))
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    json(send(request(Request::get, path).build()).await?).await
}

async fn with_body<B: Serialize, T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &B,
) -> Result<T, ApiError> {
    json(send(builder.json(body)).await?).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    with_body(request(Request::post, path), body).await
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    with_body(request(Request::put, path), body).await
}

/// Changes the record at `path` only if it is still at `version` (`If-Match`), so an edit made
/// from an outdated copy cannot undo what happened since; see [`ApiError::is_stale`].
pub async fn update<B: Serialize, T: DeserializeOwned>(
    path: &str,
    version: i64,
    body: &B,
) -> Result<T, ApiError> {
    let builder = request(Request::put, path).header("If-Match", &format!("\"{version}\""));
    with_body(builder, body).await
}

/// A `PUT` whose success has no body (204).
pub async fn put_no_content<B: Serialize>(path: &str, body: &B) -> Result<(), ApiError> {
    send(request(Request::put, path).json(body)).await.map(drop)
}

/// A `POST` without a body that answers with one.
pub async fn post_empty<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    json(send(request(Request::post, path).build()).await?).await
}

/// A `POST` without a body whose success has none either (204).
pub async fn post_no_content(path: &str) -> Result<(), ApiError> {
    send(request(Request::post, path).build()).await.map(drop)
}

/// Sends a prepared request, e.g. one with extra headers, and reads its JSON answer.
pub async fn send_json<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiError> {
    json(send(request).await?).await
}

/// A `DELETE` that answers with a body.
pub async fn delete_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    json(send(request(Request::delete, path).build()).await?).await
}

pub async fn delete(path: &str) -> Result<(), ApiError> {
    send(request(Request::delete, path).build()).await.map(drop)
}

/// A query string from the pairs whose value is not empty, e.g. `?kind=food&page=2`.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| format!("{name}={}", js_sys::encode_uri_component(value.trim())))
        .collect();
    if encoded.is_empty() {
        String::new()
    } else {
        format!("?{}", encoded.join("&"))
    }
}
