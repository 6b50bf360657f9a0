//! The one HTTP client of the app: a function per endpoint, grouped by area, so pages deal in the
//! `app` types and never in paths or requests. Every call returns the server's error body as an
//! [`ApiError`] that pages can show, next to the fields it names.

pub mod accounts;
pub mod data;
pub mod greeting;
pub mod history;
pub mod jobs;
pub mod ledger;
pub mod reports;
pub mod settings;
pub mod shop;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use app::{ErrorBody, FieldErrors};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
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
        Ok(response) if response.ok() => read_json::<RuntimeConfig>(response)
            .await
            .unwrap_or_default(),
        _ => RuntimeConfig::default(),
    };
    API_BASE
        .set(config.api_base_url.trim_end_matches('/').to_owned())
        .ok();
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

    /// What the server says of a record that does not exist, for an address that cannot name one.
    pub fn not_found(what: &str) -> Self {
        ApiError {
            status: 404,
            code: "not_found".to_owned(),
            message: format!("{what} was not found"),
            fields: FieldErrors::new(),
        }
    }

    /// What the server answers a query that breaks its rules, for one the app checked first.
    pub fn invalid(fields: FieldErrors) -> Self {
        let problems: Vec<String> = fields
            .iter()
            .map(|(field, problem)| format!("{field} {problem}"))
            .collect();
        ApiError {
            status: 422,
            code: "validation_failed".to_owned(),
            message: format!("Check the filters: {}.", problems.join("; ")),
            fields,
        }
    }

    fn network(error: &dyn std::fmt::Display) -> Self {
        ApiError {
            status: 0,
            code: "network".to_owned(),
            message: format!(
                "Could not reach the server ({error}). Check your connection and try again."
            ),
            fields: FieldErrors::new(),
        }
    }

    /// A success whose body is not what this version of the app expects: most likely the app
    /// in the browser is older or newer than the server.
    fn unreadable(status: u16, error: &str) -> Self {
        ApiError {
            status,
            code: "unreadable_answer".to_owned(),
            message: format!(
                "The server's answer could not be read ({error}). Reload the page to get the \
                 app that matches the server, and try again."
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
    let status_text = response.status_text();
    match read_json::<ErrorBody>(response).await {
        Ok(body) => ApiError {
            status,
            code: body.error.code,
            message: body.error.message,
            fields: body.error.fields,
        },
        Err(_) => ApiError {
            status,
            code: "unexpected".to_owned(),
            message: format!("The server answered {status} {status_text}"),
            fields: FieldErrors::new(),
        },
    }
}

thread_local! {
    /// What the app does when the server says the session is gone; see [`on_session_end`].
    static SESSION_END: RefCell<Option<Rc<dyn Fn()>>> = RefCell::new(None);
}

/// Sets what happens when any request is answered 401 `unauthorized`: the session has ended
/// (signed out elsewhere, expired, or the account deactivated), whatever page asked.
pub fn on_session_end(handler: impl Fn() + 'static) {
    SESSION_END.with(|slot| *slot.borrow_mut() = Some(Rc::new(handler)));
}

fn session_ended() {
    // Cloned out first, so that the handler may itself send requests. Run once the page that
    // asked has taken the answer in: the handler takes that page away, which must not happen
    // while the page is still reacting to it.
    if let Some(handler) = SESSION_END.with(|slot| slot.borrow().clone()) {
        leptos::prelude::set_timeout(move || handler(), std::time::Duration::ZERO);
    }
}

/// The full URL of an API path, for requests and for links such as downloads.
fn url(path: &str) -> String {
    format!("{}{path}", API_BASE.get().map_or("", String::as_str))
}

/// The address that downloads a file of the API, e.g. a list's CSV file for `query`.
pub fn download_url(path: &str, query: &impl Serialize) -> String {
    url(&with_query(path, query))
}

/// A request to the API; on another origin it carries the session cookie along.
fn request(method: fn(&str) -> RequestBuilder, path: &str) -> RequestBuilder {
    method(&url(path)).credentials(RequestCredentials::Include)
}

/// A request's JSON body, written by the browser's `JSON.stringify`: serde_json's writer, with a
/// copy of its code for every type the app sends, would be in the wasm for this alone.
pub(crate) trait JsonBody {
    fn json_body(self, body: &impl Serialize) -> Result<Request, gloo_net::Error>;
}

impl JsonBody for RequestBuilder {
    fn json_body(self, body: &impl Serialize) -> Result<Request, gloo_net::Error> {
        let unwritable = |error: String| gloo_net::Error::GlooError(error);
        let value = body
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|error| unwritable(error.to_string()))?;
        let text = js_sys::JSON::stringify(&value)
            .map_err(|_| unwritable("the request could not be written as JSON".to_owned()))?;
        self.header("Content-Type", "application/json").body(text)
    }
}

/// A request that changes the record only if it is still at `version` (`If-Match`), so an edit
/// made from an outdated copy cannot undo what happened since; see [`ApiError::is_stale`].
fn if_match(request: RequestBuilder, version: i64) -> RequestBuilder {
    request.header("If-Match", &format!("\"{version}\""))
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = request
        .map_err(|error| ApiError::network(&error))?
        .send()
        .await
        .map_err(|error| ApiError::network(&error))?;
    if response.ok() {
        return Ok(response);
    }
    let error = error_from(response).await;
    // Only the guard's answer: a wrong password at sign-in is a 401 too, with its own code.
    if error.code == "unauthorized" {
        session_ended();
    }
    Err(error)
}

/// Sends `request` and reads its JSON answer.
async fn answer<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiError> {
    let (status, value) = answer_json(request).await?;
    serde_wasm_bindgen::from_value(value)
        .map_err(|error| ApiError::unreadable(status, &error.to_string()))
}

/// What [`answer`] waits for, apart from the type it is read into, so that the waiting is
/// compiled once rather than for every type the app reads.
async fn answer_json(
    request: Result<Request, gloo_net::Error>,
) -> Result<(u16, JsValue), ApiError> {
    let response = send(request).await?;
    let status = response.status();
    let value = json_of(response)
        .await
        .map_err(|error| ApiError::unreadable(status, &error))?;
    Ok((status, value))
}

/// The JSON body of `response` mapped onto `T`.
async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, String> {
    serde_wasm_bindgen::from_value(json_of(response).await?).map_err(|error| error.to_string())
}

/// The JSON body of `response`, parsed by the browser. serde_json's parser, with a copy of its
/// generic code for every type the app reads, took 54 KB more of the app's wasm (13 KB brotli).
async fn json_of(response: Response) -> Result<JsValue, String> {
    let unreadable = |error: JsValue| {
        error
            .as_string()
            .unwrap_or_else(|| "the answer is not JSON".to_owned())
    };
    let parsing = web_sys::Response::from(response)
        .json()
        .map_err(unreadable)?;
    JsFuture::from(parsing).await.map_err(unreadable)
}

/// Sends `request`, whose success has no body (204).
async fn done(request: Result<Request, gloo_net::Error>) -> Result<(), ApiError> {
    send(request).await.map(drop)
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    answer(request(Request::get, path).build()).await
}

/// `path` with `query`'s fields as its query string, e.g. `/api/donations?kind=food&page=2`.
/// Fields without a value, and empty ones, are left out.
pub fn with_query(path: &str, query: &impl Serialize) -> String {
    // Written once to read back its fields as text, so blank ones can be left out.
    let fields: Vec<(String, String)> = serde_urlencoded::to_string(query)
        .ok()
        .and_then(|written| serde_urlencoded::from_str(&written).ok())
        .unwrap_or_default();
    let kept: Vec<(String, String)> = fields
        .into_iter()
        .filter_map(|(name, value)| {
            let value = value.trim();
            (!value.is_empty()).then(|| (name, value.to_owned()))
        })
        .collect();
    match serde_urlencoded::to_string(kept) {
        Ok(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_owned(),
    }
}
