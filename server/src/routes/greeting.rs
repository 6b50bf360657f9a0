//! The greeting API, `/hello/{username}`: save a date of birth, then be told how long until the
//! birthday. Its contract answers bad input with 400, not the 422 of the rest of the API.

use app::greeting::{Greeting, GreetingRequest, parse_date_of_birth, validate_username};
use app::paths;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::from_fn_with_state;
use axum::routing::{any, get};
use axum::{Json, RequestPartsExt};
use serde_json::error::Category;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::today;
use crate::error::ApiError;
use crate::openapi::{self, tag};
use crate::security::guards::limit_greeting_saves;
use crate::state::AppState;

const USERNAME: &str = "username";
const DATE_OF_BIRTH: &str = "dateOfBirth";

pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let user = format!("{}/{{username}}", paths::HELLO);
    let save_limit = from_fn_with_state(state.clone(), limit_greeting_saves);
    OpenApiRouter::new()
        .routes(routes!(greet, save))
        // `/hello/` names a user too, with an empty (so invalid) name; neither it nor the paths
        // below may fall through to the browser app.
        .route(&format!("{}/", paths::HELLO), get(greet).put(save))
        .route(paths::HELLO, any(not_found))
        .route(&format!("{user}/"), any(not_found))
        .route(&format!("{user}/{{*rest}}"), any(not_found))
        .route_layer(save_limit)
}

/// The `{username}` of the path, checked against the username rules.
#[derive(IntoParams)]
#[into_params(parameter_in = Path, names("username"))]
struct Username(
    /// 1 to 64 ASCII letters.
    #[param(pattern = "^[A-Za-z]{1,64}$")]
    String,
);

impl<S: Send + Sync> FromRequestParts<S> for Username {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let username = match parts.extract::<Option<Path<String>>>().await {
            // `/hello/` has no parameter: its username is empty.
            Ok(path) => path.map(|Path(username)| username).unwrap_or_default(),
            Err(_) => return Err(invalid_username("must be valid UTF-8 once percent-decoded")),
        };
        validate_username(&username).map_err(invalid_username)?;
        Ok(Username(username))
    }
}

fn invalid_username(problem: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_username", USERNAME, problem)
}

fn invalid_date_of_birth(problem: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_date_of_birth", DATE_OF_BIRTH, problem)
}

/// The greeting for a saved user: how long until their birthday, or a happy birthday today.
#[utoipa::path(
    get,
    context_path = paths::HELLO,
    path = "/{username}",
    tag = tag::GREETING,
    params(Username),
    responses(
        (status = 200, description = "The greeting.", body = Greeting),
        (status = 400, response = openapi::BadRequest),
        (status = 404, response = openapi::NotFound),
        (status = 500, response = openapi::Internal),
    )
)]
async fn greet(
    State(state): State<AppState>,
    Username(username): Username,
) -> Result<Json<Greeting>, ApiError> {
    let date_of_birth = state
        .greetings
        .date_of_birth(&state.db, &username)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    Ok(Json(Greeting {
        message: app::greeting::greeting(&username, date_of_birth, today()),
    }))
}

/// Saves the user's date of birth, creating the user or replacing the date.
#[utoipa::path(
    put,
    context_path = paths::HELLO,
    path = "/{username}",
    tag = tag::GREETING,
    params(
        Username,
        (
            "dateOfBirth" = Option<String>,
            Query,
            format = Date,
            pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            description = "The date of birth, for clients that send no body; with a body, leave \
                it out."
        ),
    ),
    request_body(
        content = Option<GreetingRequest>,
        description = "Read as JSON whatever its content type, for older clients. Without a \
            body, or with `null`, the date comes from the `dateOfBirth` query parameter."
    ),
    responses(
        (status = 204, description = "Saved."),
        (status = 400, response = openapi::BadRequest),
        (status = 429, response = openapi::RateLimited),
        (status = 500, response = openapi::Internal),
    )
)]
async fn save(
    State(state): State<AppState>,
    Username(username): Username,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|rejection| ApiError::MalformedJson(rejection.body_text()))?;
    let text = date_of_birth_text(&body, query.as_deref())?;
    let date_of_birth = parse_date_of_birth(&text, today()).map_err(invalid_date_of_birth)?;
    state
        .greetings
        .save(&state.db, &username, date_of_birth)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The `dateOfBirth` as sent: in the JSON body, or in the query string when there is no body (or
/// a JSON `null`), as older clients send it; in both is ambiguous, so refused. The body is read
/// whatever its content type, again for those older clients.
fn date_of_birth_text(body: &[u8], query: Option<&str>) -> Result<String, ApiError> {
    let in_query = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == DATE_OF_BIRTH)
        .map(|(_, value)| value.into_owned());
    let body = body.trim_ascii();
    if body.is_empty() || body == b"null" {
        return in_query.ok_or_else(|| invalid_date_of_birth("is required"));
    }
    if in_query.is_some() {
        return Err(invalid_date_of_birth(
            "must be sent in the body or in the query, not in both",
        ));
    }
    serde_json::from_slice::<GreetingRequest>(body)
        .map(|request| request.date_of_birth)
        .map_err(|error| match error.classify() {
            Category::Data => {
                invalid_date_of_birth("is required, as a string in the form YYYY-MM-DD")
            }
            Category::Syntax | Category::Eof | Category::Io => {
                ApiError::MalformedJson(error.to_string())
            }
        })
}

async fn not_found() -> ApiError {
    ApiError::NotFound("API path")
}
