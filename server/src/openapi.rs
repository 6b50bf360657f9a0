//! The frame of the API's OpenAPI description: title, tags, the session cookie and the error
//! answers the areas share. The operations themselves are described beside their handlers, and
//! the routers register each handler together with its description, so neither can go without
//! the other.
//! What a layer adds to every route it wraps (a guard's 401, the rate limit's 429) is documented by
//! the helpers here, where the layer is applied.

use app::ErrorBody;
use app::accounts::Role;
use app::paths;
use axum::http::StatusCode;
use serde_json::json;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::schema::{Object, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, HttpMethod, OpenApi, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, ToResponse, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::security::session::COOKIE_NAME;

/// The name operations use for the session cookie's security scheme.
const SESSION: &str = "session";

/// The tags that group the operations, one per area.
pub mod tag {
    pub const HEALTH: &str = "health";
    pub const AUTH: &str = "auth";
    pub const USERS: &str = "users";
    pub const GREETING: &str = "greeting";
    pub const LEDGER: &str = "ledger";
    pub const REPORTS: &str = "reports";
    pub const HISTORY: &str = "history";
    pub const SHOP: &str = "shop";
    pub const JOBS: &str = "jobs";
    pub const COVID: &str = "covid";
    pub const DATA_REPORTS: &str = "data-reports";
    pub const DOCS: &str = "docs";
    pub const SETTINGS: &str = "settings";
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Community Hub API",
        description = "The community hub's REST API. Bodies are JSON unless an operation says \
            otherwise; every error answers with one body shape, `ErrorBody`. Signing in sets the \
            session cookie that the guarded operations need."
    ),
    tags(
        (name = tag::HEALTH, description = "Probes for monitors and orchestrators."),
        (name = tag::AUTH, description = "Registration, sign-in and the session."),
        (name = tag::USERS, description = "Account administration, for admins."),
        (name = tag::GREETING, description = "The public greeting API at `/hello`: save a date \
            of birth, hear how long until the birthday. Bad input is 400 here, not 422."),
        (name = tag::LEDGER, description = "Donations in and distributions out, for staff."),
        (name = tag::REPORTS, description = "Inventory and donor reports, donor receipts, and \
            the low-stock thresholds, for staff."),
        (name = tag::HISTORY, description = "Every change to donations, distributions, \
            products, accounts, stock thresholds and the organisation's details: who, when, and the \
            record before and after, for staff. \
            Append-only: no operation changes or removes a change."),
        (name = tag::SHOP, description = "The public catalogue, and each member's cart and \
            orders."),
        (name = tag::JOBS, description = "The scheduled data jobs and their runs."),
        (name = tag::COVID, description = "US COVID-19 figures per day, public."),
        (name = tag::DATA_REPORTS, description = "The analysis report of the mirrored data, for \
            signed-in users."),
        (name = tag::DOCS, description = "This description and Swagger UI over it."),
        (name = tag::SETTINGS, description = "The organisation's details, printed on donor \
            receipts: staff read them, admins change them."),
    ),
    components(
        schemas(ErrorBody),
        responses(
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict,
            UnsupportedMediaType,
            Invalid,
            InvalidLines,
            PayloadTooLarge,
            RateLimited,
            Internal,
            Unavailable,
            Busy,
            DatabaseUnavailable,
            StaleVersion,
            RequestTimeout
        )
    ),
    modifiers(&SessionCookie)
)]
struct Frame;

/// A router to merge the areas into: its description starts with the frame.
pub fn router<S: Send + Sync + Clone + 'static>() -> OpenApiRouter<S> {
    OpenApiRouter::with_openapi(<Frame as utoipa::OpenApi>::openapi())
}

struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut OpenApi) {
        let cookie = ApiKeyValue::with_description(
            COOKIE_NAME,
            "The session that signing in or registering starts; browsers keep and send it.",
        );
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(SESSION, SecurityScheme::ApiKey(ApiKey::Cookie(cookie)));
    }
}

/// An error answer: the `ErrorBody` schema, with an example of the code.
fn error_answer(description: &str, code: &str, message: &str) -> ResponseBuilder {
    let example = json!({"error": {"code": code, "message": message, "fields": {}}});
    ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(ErrorBody::name())))
            .example(Some(example))
            .build(),
    )
}

/// Declares an error answer shared by many operations, kept once under `components/responses`.
macro_rules! shared_error {
    ($name:ident, $code:literal, $message:literal, $description:literal) => {
        #[doc = $description]
        pub struct $name;

        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                let answer = error_answer($description, $code, $message);
                (stringify!($name), answer.build().into())
            }
        }
    };
}

shared_error!(
    BadRequest,
    "malformed_json",
    "the request body is not valid JSON: EOF while parsing an object at line 1 column 15",
    "The body is not valid JSON (`malformed_json`), or input to the greeting API is not valid \
     (`invalid_username`, `invalid_date_of_birth`)."
);
shared_error!(
    RequestTimeout,
    "request_timeout",
    "the request took too long; try again",
    "The request was not answered within the server's deadline (`REQUEST_TIMEOUT_SECONDS`, 60 \
     by default, `request_timeout`); a change it had not yet committed was rolled back."
);
shared_error!(
    StaleVersion,
    "stale_version",
    "this record was changed since you loaded it; reload it and make your change again",
    "The record has changed since the version named in `If-Match` (`stale_version`): reload it \
     and make the change again."
);
shared_error!(
    Unauthorized,
    "unauthorized",
    "sign in to do this",
    "Not signed in (`unauthorized`), or, when signing in, a wrong email or password \
     (`invalid_credentials`)."
);
shared_error!(
    Forbidden,
    "forbidden",
    "your account may not do this",
    "The account's role may not do this (`forbidden`), a write was sent on behalf of another \
     site (`cross_site`), or, when signing in, an admin has deactivated the account \
     (`account_deactivated`)."
);
shared_error!(
    NotFound,
    "not_found",
    "record was not found",
    "There is no such record (`not_found`); a path parameter that cannot name one is not found \
     either."
);
shared_error!(
    Conflict,
    "insufficient_stock",
    "not enough food in stock: only 3.00 units available",
    "The request conflicts with the current state; the code says how: `insufficient_stock`, \
     `email_taken`, `last_admin` or `job_running`."
);
shared_error!(
    UnsupportedMediaType,
    "unsupported_media_type",
    "the request body must be JSON (Content-Type: application/json)",
    "The body is not sent as the media type the operation reads, `application/json` unless \
     it says otherwise (`unsupported_media_type`)."
);
shared_error!(
    PayloadTooLarge,
    "payload_too_large",
    "the request body is larger than the limit of 2 MB",
    "The body is larger than the operation reads (`payload_too_large`): 2 MB."
);
shared_error!(
    Invalid,
    "validation_failed",
    "some fields are not valid",
    "A field or query parameter is missing or breaks a rule (`validation_failed`); `fields` \
     names each one and says what is wrong."
);
shared_error!(
    Internal,
    "internal",
    "something went wrong on our side; the error has been logged",
    "A fault on the server (`internal`); the cause is logged, never returned."
);
shared_error!(
    Unavailable,
    "unavailable",
    "the service is not ready",
    "The server is shutting down or its database does not answer (`unavailable`)."
);

/// A file with bad lines; its example shows the list of them, so it is written out.
pub struct InvalidLines;

impl<'r> ToResponse<'r> for InvalidLines {
    fn response() -> (&'r str, RefOr<Response>) {
        let example = json!({"error": {
            "code": "invalid_lines",
            "message": "2 lines of the file are not valid; nothing was imported",
            "fields": {},
            "lines": [
                {"line": 3, "column": "quantity", "reason": "must be greater than 0"},
                {"line": 7, "column": null, "reason": "has 4 fields; the header names 5"},
            ],
        }});
        let answer = ResponseBuilder::new()
            .description(
                "Some lines of the file are not valid (`invalid_lines`), and nothing was \
                 written: `lines` names each problem by line (1 is the header), column and \
                 reason, at most 100 of them, and `lines_not_listed` counts the rest. A file \
                 with too many rows is `validation_failed`, naming `file`.",
            )
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                    .example(Some(example))
                    .build(),
            );
        ("InvalidLines", answer.build().into())
    }
}

/// An error answer that says when to try again in `Retry-After`.
fn retry_answer(description: &str, code: &str, message: &str) -> RefOr<Response> {
    let retry_after = HeaderBuilder::new()
        .schema(Object::with_type(Type::Integer))
        .description(Some("Seconds until a request may succeed again."))
        .build();
    error_answer(description, code, message)
        .header("Retry-After", retry_after)
        .build()
        .into()
}

/// Too many requests; unlike most errors it carries a header, so it is written out.
pub struct RateLimited;

impl<'r> ToResponse<'r> for RateLimited {
    fn response() -> (&'r str, RefOr<Response>) {
        let answer = retry_answer(
            "Too many requests from this client (`rate_limited`).",
            "rate_limited",
            "too many requests; try again in 30 seconds",
        );
        ("RateLimited", answer)
    }
}

/// The database cannot be reached; the client should try again shortly.
pub struct DatabaseUnavailable;

impl<'r> ToResponse<'r> for DatabaseUnavailable {
    fn response() -> (&'r str, RefOr<Response>) {
        let answer = retry_answer(
            "The database does not answer at the moment, e.g. during a failover \
             (`database_unavailable`); nothing was changed. Try again after `Retry-After` seconds.",
            "database_unavailable",
            "the database does not answer at the moment; try again in 5 seconds",
        );
        ("DatabaseUnavailable", answer)
    }
}

/// Every password hasher is in use: the server is briefly overloaded.
pub struct Busy;

impl<'r> ToResponse<'r> for Busy {
    fn response() -> (&'r str, RefOr<Response>) {
        let answer = retry_answer(
            "The server is busy checking other passwords (`busy`), or its database does not \
             answer (`database_unavailable`); try again after `Retry-After` seconds.",
            "busy",
            "the server is busy; try again in 2 seconds",
        );
        ("Busy", answer)
    }
}

/// Documents a guard in front of every operation of `router`: the session cookie of an account of
/// at least `role` is needed, 401 answers its absence and, above members, 403 a lower role.
pub fn requires<S: Send + Sync + Clone + 'static>(
    role: Role,
    mut router: OpenApiRouter<S>,
) -> OpenApiRouter<S> {
    let note = match role {
        Role::Member => "Needs a signed-in account.".to_owned(),
        role => format!("Needs a signed-in account with the `{role}` role or above."),
    };
    for (_, operation) in operations(router.get_openapi_mut()) {
        let requirement = SecurityRequirement::new(SESSION, Vec::<String>::new());
        operation.security = Some(vec![requirement]);
        answers::<Unauthorized>(operation, StatusCode::UNAUTHORIZED);
        if role > Role::Member {
            answers::<Forbidden>(operation, StatusCode::FORBIDDEN);
        }
        operation.description = Some(match operation.description.take() {
            Some(description) if !description.is_empty() => format!("{description}\n\n{note}"),
            _ => note.clone(),
        });
    }
    router
}

/// Documents that every operation of `router` reads the session cookie when one is sent and
/// answers without it too.
pub fn reads_session<S: Send + Sync + Clone + 'static>(
    mut router: OpenApiRouter<S>,
) -> OpenApiRouter<S> {
    for (_, operation) in operations(router.get_openapi_mut()) {
        operation.security = Some(vec![
            SecurityRequirement::default(),
            SecurityRequirement::new(SESSION, Vec::<String>::new()),
        ]);
    }
    router
}

/// Documents the per-client rate limit in front of every operation of `router`.
pub fn rate_limited<S: Send + Sync + Clone + 'static>(
    mut router: OpenApiRouter<S>,
) -> OpenApiRouter<S> {
    for (_, operation) in operations(router.get_openapi_mut()) {
        answers::<RateLimited>(operation, StatusCode::TOO_MANY_REQUESTS);
    }
    router
}

/// Documents the refusal of cross-site writes, which stands in front of every route that changes
/// something.
pub fn refuses_cross_site_writes(openapi: &mut OpenApi) {
    let writes = operations(openapi).filter(|(method, _)| {
        matches!(
            method,
            HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch | HttpMethod::Delete
        )
    });
    for (_, operation) in writes {
        answers::<Forbidden>(operation, StatusCode::FORBIDDEN);
    }
}

/// Documents the answers any operation may give: the request deadline, which stands in front of
/// every route, and a database that does not answer, which every operation asks but liveness and
/// the description itself.
pub fn shared_answers(openapi: &mut OpenApi) {
    for (path, item) in openapi.paths.paths.iter_mut() {
        for (_, operation) in methods_of(item) {
            let documents = operation
                .tags
                .iter()
                .flatten()
                .any(|name| name == tag::DOCS);
            answers::<RequestTimeout>(operation, StatusCode::REQUEST_TIMEOUT);
            if path != paths::HEALTH && !documents {
                answers::<DatabaseUnavailable>(operation, StatusCode::SERVICE_UNAVAILABLE);
            }
        }
    }
}

/// Every operation of the description, with its method.
fn operations(openapi: &mut OpenApi) -> impl Iterator<Item = (HttpMethod, &mut Operation)> {
    openapi.paths.paths.values_mut().flat_map(methods_of)
}

/// The operations of one path, with their methods.
fn methods_of(item: &mut PathItem) -> impl Iterator<Item = (HttpMethod, &mut Operation)> {
    [
        (HttpMethod::Get, &mut item.get),
        (HttpMethod::Put, &mut item.put),
        (HttpMethod::Post, &mut item.post),
        (HttpMethod::Delete, &mut item.delete),
        (HttpMethod::Options, &mut item.options),
        (HttpMethod::Head, &mut item.head),
        (HttpMethod::Patch, &mut item.patch),
        (HttpMethod::Trace, &mut item.trace),
    ]
    .into_iter()
    .filter_map(|(method, operation)| Some((method, operation.as_mut()?)))
}

/// Adds the shared answer `R` under `status`, unless the operation documents that status itself.
fn answers<'r, R: ToResponse<'r>>(operation: &mut Operation, status: StatusCode) {
    operation
        .responses
        .responses
        .entry(status.as_str().to_owned())
        .or_insert_with(|| Ref::from_response_name(R::response().0).into());
}
