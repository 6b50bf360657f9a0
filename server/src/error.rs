use app::import::LineError;
use app::{ErrorBody, ErrorDetail, FieldErrors};
use axum::Json;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::jobs::StartError;
use crate::services::accounts::AccountError;
use crate::services::balance::BalanceError;
use crate::services::ledger::LedgerError;
use crate::services::shop::ShopError;

/// Every way a request can fail. Each variant is one status and one JSON body; handlers return
/// `Result<_, ApiError>` and use `?`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    /// The body is not sent as the type the operation reads, which the message names.
    #[error("the request body must be {0}")]
    UnsupportedMediaType(&'static str),
    #[error("the request body is larger than the limit of {}", size_in_words(*.0))]
    PayloadTooLarge(usize),
    #[error("some fields are not valid")]
    Validation(FieldErrors),
    /// A file with bad lines: at most [`app::import::MAX_LISTED_ERRORS`] of them listed, and the
    /// number of the rest.
    #[error("{} of the file are not valid; nothing was imported", lines_in_words(.0.len() as u64 + .1))]
    InvalidLines(Vec<LineError>, u64),
    /// Bad input answered with 400 rather than 422, where a public contract asks for it.
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        fields: FieldErrors,
    },
    #[error("sign in to do this")]
    Unauthorized,
    #[error("the email or password is not correct")]
    InvalidCredentials,
    #[error("your account may not do this")]
    Forbidden,
    #[error("this account is deactivated; ask an admin to reactivate it")]
    AccountDeactivated,
    #[error("requests from other sites may not change anything here")]
    CrossSite,
    #[error("too many requests; try again in {retry_after} seconds")]
    RateLimited { retry_after: u64 },
    #[error("{0} was not found")]
    NotFound(&'static str),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("this record was changed since you loaded it; reload it and make your change again")]
    StaleVersion,
    #[error("the service is not ready")]
    Unavailable,
    /// The database cannot be reached or has no free connection; nothing was changed.
    #[error(
        "the database does not answer at the moment; try again in {DATABASE_RETRY_SECONDS} seconds"
    )]
    DatabaseUnavailable,
    #[error("the request took too long; try again")]
    RequestTimeout,
    /// Overloaded for a moment: the client should try again after `retry_after` seconds.
    #[error("the server is busy; try again in {retry_after} seconds")]
    Busy { retry_after: u64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A validation failure of a single field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(FieldErrors::from([(field.to_owned(), message.into())]))
    }

    /// A 400 about a single field; `problem` reads after the field's name, as in "username is
    /// required".
    pub fn bad_request(code: &'static str, field: &str, problem: impl Into<String>) -> Self {
        let problem = problem.into();
        ApiError::BadRequest {
            code,
            message: format!("{field} {problem}"),
            fields: FieldErrors::from([(field.to_owned(), problem)]),
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::MalformedJson(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            ApiError::InvalidLines(..) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_lines"),
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::AccountDeactivated => (StatusCode::FORBIDDEN, "account_deactivated"),
            ApiError::CrossSite => (StatusCode::FORBIDDEN, "cross_site"),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            ApiError::StaleVersion => (StatusCode::PRECONDITION_FAILED, "stale_version"),
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::RequestTimeout => (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            ApiError::Busy { .. } => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            ApiError::DatabaseUnavailable => {
                (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable")
            }
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(fields: FieldErrors) -> Self {
        ApiError::Validation(fields)
    }
}

/// A size limit for people: whole megabytes where it is one, else bytes.
fn size_in_words(bytes: usize) -> String {
    const MEGABYTE: usize = 1024 * 1024;
    if bytes.is_multiple_of(MEGABYTE) {
        format!("{} MB", bytes / MEGABYTE)
    } else {
        format!("{bytes} bytes")
    }
}

fn lines_in_words(count: u64) -> String {
    match count {
        1 => "1 line".to_owned(),
        count => format!("{count} lines"),
    }
}

/// How long a client is asked to wait when the database does not answer: about as long as a
/// managed database's failover takes to be noticed.
pub const DATABASE_RETRY_SECONDS: u64 = 5;

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        if database_unreachable(&error) {
            tracing::warn!(%error, "the database does not answer");
            ApiError::DatabaseUnavailable
        } else {
            ApiError::Internal(error.into())
        }
    }
}

/// Whether `error` says the database could not be reached, rather than that a statement failed:
/// no connection to be had, or a connection lost on the way.
fn database_unreachable(error: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match error {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(cause))
        | DbErr::Exec(RuntimeErr::SqlxError(cause))
        | DbErr::Query(RuntimeErr::SqlxError(cause)) => matches!(
            cause.as_ref(),
            sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
        ),
        _ => false,
    }
}

// What each service's errors mean to a client: the status and code in one place.

impl From<ShopError> for ApiError {
    fn from(error: ShopError) -> Self {
        match error {
            ShopError::NotFound(what) => ApiError::NotFound(what),
            ShopError::InsufficientStock(message) => ApiError::Conflict {
                code: "insufficient_stock",
                message,
            },
            ShopError::Stale => ApiError::StaleVersion,
            ShopError::Forbidden => ApiError::Forbidden,
            ShopError::EmptyCart => ApiError::Conflict {
                code: "cart_empty",
                message: "the cart is empty; add something before checking out".to_owned(),
            },
            ShopError::Db(error) => error.into(),
        }
    }
}

impl From<LedgerError> for ApiError {
    fn from(error: LedgerError) -> Self {
        match error {
            LedgerError::NotFound => ApiError::NotFound("record"),
            LedgerError::Stale => ApiError::StaleVersion,
            LedgerError::Balance(BalanceError::Insufficient { kind, available }) => {
                ApiError::Conflict {
                    code: "insufficient_stock",
                    message: format!(
                        "not enough {kind} in stock: only {available} {} available",
                        kind.unit()
                    ),
                }
            }
            LedgerError::Balance(BalanceError::Db(error)) => error.into(),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::EmailTaken => ApiError::Conflict {
                code: "email_taken",
                message: "an account with this email already exists; sign in instead".to_owned(),
            },
            AccountError::NotFound => ApiError::NotFound("user"),
            AccountError::LastAdmin => ApiError::Conflict {
                code: "last_admin",
                message: "this is the last active admin, who cannot be demoted or deactivated; \
                    make another account admin first"
                    .to_owned(),
            },
            AccountError::Deactivated => ApiError::AccountDeactivated,
            AccountError::Busy => ApiError::Busy { retry_after: 2 },
            AccountError::Db(error) => error.into(),
            AccountError::Other(error) => ApiError::Internal(error),
        }
    }
}

impl From<StartError> for ApiError {
    fn from(error: StartError) -> Self {
        match error {
            StartError::Busy(_) => ApiError::Conflict {
                code: "job_running",
                message: error.to_string(),
            },
            StartError::ShuttingDown => ApiError::Unavailable,
            StartError::Db(error) => error.into(),
            StartError::Other(error) => error.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let retry_after = match self {
            ApiError::RateLimited { retry_after } | ApiError::Busy { retry_after } => {
                Some(retry_after)
            }
            ApiError::DatabaseUnavailable => Some(DATABASE_RETRY_SECONDS),
            _ => None,
        };
        let message = match &self {
            ApiError::Internal(cause) => {
                tracing::error!(error = ?cause, "request failed");
                "something went wrong on our side; the error has been logged".to_owned()
            }
            other => other.to_string(),
        };
        let (fields, lines, lines_not_listed) = match self {
            ApiError::Validation(fields) | ApiError::BadRequest { fields, .. } => {
                (fields, Vec::new(), 0)
            }
            ApiError::InvalidLines(lines, not_listed) => (FieldErrors::new(), lines, not_listed),
            _ => (FieldErrors::new(), Vec::new(), 0),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                fields,
                lines,
                lines_not_listed,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The answer when a handler panics: the panic is logged with its message, and the client gets
/// the same generic 500 as for any other fault instead of a dropped connection.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    ApiError::Internal(anyhow::anyhow!("a handler panicked: {message}")).into_response()
}
