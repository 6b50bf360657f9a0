//! Extractors that turn bad input into the API's JSON errors instead of axum's plain-text ones.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, IF_MATCH};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use app::import::MAX_FILE_BYTES;
use app::shop::{IDEMPOTENCY_KEY_HEADER, MAX_IDEMPOTENCY_KEY_CHARS, validate_idempotency_key};
use utoipa::IntoParams;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};

use crate::error::ApiError;

/// A JSON body. Syntax errors are 400, a wrong content type 415, and a value of the wrong shape 422
/// naming the field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = media_type(&request).is_some_and(|mime| {
            mime.eq_ignore_ascii_case("application/json")
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType(
                "JSON (Content-Type: application/json)",
            ));
        }
        let bytes = read_body(request, state, DEFAULT_BODY_LIMIT, ApiError::MalformedJson).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// The limit axum puts on a body unless a route sets its own with `DefaultBodyLimit`.
const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The media type of the request's body, without parameters such as `charset`.
fn media_type(request: &Request) -> Option<&str> {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim)
}

/// The whole body: a 413 when it is longer than `limit` (the route's body limit), `other` for any
/// other failure to read it.
async fn read_body<S: Send + Sync>(
    request: Request,
    state: &S,
    limit: usize,
    other: fn(String) -> ApiError,
) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(limit),
            _ => other(rejection.body_text()),
        })
}

/// A CSV file sent as the body (`Content-Type: text/csv`), as text. A wrong content type is 415,
/// a body over [`MAX_FILE_BYTES`] 413 (the routes that read one set that limit), and one that is
/// not UTF-8 400.
pub struct CsvText(pub String);

impl<S: Send + Sync> FromRequest<S> for CsvText {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !media_type(&request).is_some_and(|mime| mime.eq_ignore_ascii_case("text/csv")) {
            return Err(ApiError::UnsupportedMediaType(
                "CSV (Content-Type: text/csv)",
            ));
        }
        let bytes = read_body(request, state, MAX_FILE_BYTES, |message| {
            ApiError::bad_request("unreadable_body", "body", message)
        })
        .await?;
        String::from_utf8(bytes.into()).map(CsvText).map_err(|_| {
            ApiError::bad_request(
                "invalid_encoding",
                "body",
                "must be UTF-8 text; save the file as \"CSV UTF-8\"",
            )
        })
    }
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            Category::Data => ApiError::field(
                &field_name(&path, &inner.to_string(), "body"),
                strip_position(&inner),
            ),
            Category::Syntax | Category::Eof | Category::Io => {
                ApiError::MalformedJson(inner.to_string())
            }
        }
    })
}

/// Query-string parameters; a value that does not parse is 422 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = form_urlencoded::parse(query.as_bytes());
        serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(pairs))
            .map(ApiQuery)
            .map_err(|error| {
                let path = error.path().to_string();
                let message = error.into_inner().to_string();
                ApiError::field(&field_name(&path, &message, "query"), message)
            })
    }
}

/// The field a data error is about: its path, or for a missing field the name serde reports;
/// `whole` when it is about the body or query as a whole.
fn field_name(path: &str, message: &str, whole: &str) -> String {
    if let Some(rest) = message.strip_prefix("missing field `")
        && let Some(name) = rest.split('`').next()
    {
        return if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
    }
    if path == "." {
        whole.to_owned()
    } else {
        path.to_owned()
    }
}

/// serde_json appends " at line L column C"; the field name already says where.
fn strip_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message,
    }
}

/// A path parameter; one that does not parse (say `/api/donations/abc`) names no resource: 404.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|_| ApiError::NotFound("resource"))
    }
}

/// The version a change was made from, from `If-Match: "3"` (a weak `W/"3"`, or a bare `3`, too);
/// `None` without the header or with `*`, which changes whatever is there.
pub struct IfMatch(pub Option<i32>);

/// The values [`IfMatch`] reads. Versions stay far below a billion, so nine digits bound them.
const IF_MATCH_PATTERN: &str = r#"^(\*|[1-9][0-9]{0,8}|(W/)?"[1-9][0-9]{0,8}")$"#;

impl IfMatch {
    fn parse(text: &str) -> Option<IfMatch> {
        if text == "*" {
            return Some(IfMatch(None));
        }
        let quoted = text.strip_prefix("W/").unwrap_or(text);
        let digits = match quoted.strip_prefix('"') {
            Some(rest) => rest.strip_suffix('"')?,
            None if quoted.len() == text.len() => text,
            None => return None,
        };
        let shaped = (1..=9).contains(&digits.len())
            && !digits.starts_with('0')
            && digits.bytes().all(|byte| byte.is_ascii_digit());
        shaped
            .then(|| digits.parse().ok())
            .flatten()
            .map(|version| IfMatch(Some(version)))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        value.to_str().ok().and_then(IfMatch::parse).ok_or_else(|| {
            ApiError::field(
                "If-Match",
                "must be the record's version in quotes, such as \"3\"",
            )
        })
    }
}

impl IntoParams for IfMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_parameter(
            "If-Match",
            "The record's `version` in quotes, such as `\"3\"`: the change is made only if the \
             record is still at that version.",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(IF_MATCH_PATTERN)),
        )]
    }
}

/// The `Idempotency-Key` of a checkout, checked by the shop's rules; `None` without the header.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(IDEMPOTENCY_KEY_HEADER) else {
            return Ok(IdempotencyKey(None));
        };
        let key = value
            .to_str()
            .map_err(|_| ApiError::field(IDEMPOTENCY_KEY_HEADER, "must be plain text"))?;
        validate_idempotency_key(key)?;
        Ok(IdempotencyKey(Some(key.to_owned())))
    }
}

impl IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_parameter(
            IDEMPOTENCY_KEY_HEADER,
            "Any text the client picks, once per order: a retry with the same key gets the same \
             order.",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"^[\x20-\x7E]*[\x21-\x7E][\x20-\x7E]*$"))
                .max_length(Some(MAX_IDEMPOTENCY_KEY_CHARS)),
        )]
    }
}

/// An optional request header, described.
fn header_parameter(name: &str, description: &str, schema: ObjectBuilder) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::ledger::NewDonation;

    #[test]
    fn if_match_reads_exactly_what_its_description_allows() {
        let pattern = regex::Regex::new(IF_MATCH_PATTERN).unwrap();
        let cases = [
            ("\"3\"", Some(Some(3))),
            ("W/\"42\"", Some(Some(42))),
            ("7", Some(Some(7))),
            ("*", Some(None)),
            ("\"999999999\"", Some(Some(999_999_999))),
            ("0", None),
            ("\"0\"", None),
            ("\"03\"", None),
            ("W/3", None),
            ("\"3", None),
            ("3\"", None),
            ("\"\"", None),
            ("\"1234567890\"", None),
            ("yesterday", None),
            ("", None),
        ];
        for (header, expected) in cases {
            assert_eq!(
                IfMatch::parse(header).map(|IfMatch(version)| version),
                expected,
                "{header}"
            );
            assert_eq!(pattern.is_match(header), expected.is_some(), "{header}");
        }
    }

    fn fields(body: &str) -> app::FieldErrors {
        match parse_json::<NewDonation>(body.as_bytes()) {
            Err(ApiError::Validation(fields)) => fields,
            other => panic!("expected a validation error, got {:?}", other.err()),
        }
    }

    #[test]
    fn missing_field_is_named() {
        let fields = fields(r#"{"kind":"food","quantity":1}"#);
        assert_eq!(fields["donor_name"], "missing field `donor_name`");
    }

    #[test]
    fn wrong_value_names_its_field_without_position() {
        let fields = fields(r#"{"donor_name":"A","kind":"toys","quantity":1}"#);
        assert_eq!(
            fields["kind"],
            "must be one of money, food, clothing, hygiene, household, other"
        );
    }

    #[test]
    fn broken_json_is_malformed() {
        assert!(matches!(
            parse_json::<NewDonation>(b"{\"donor_name\": "),
            Err(ApiError::MalformedJson(_))
        ));
    }
}
