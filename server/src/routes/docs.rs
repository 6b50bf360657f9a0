//! The API description as JSON, and Swagger UI over it. The UI's own files are served from
//! `/swagger/` with the browser app (the build copies them from `swagger-ui-dist`), so the page
//! needs nothing from another site.

use axum::body::Bytes;
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::{Extension, Router};
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::openapi::{self, tag};
use crate::state::AppState;

const DESCRIPTION_PATH: &str = "/api/openapi.json";
const PAGE_PATH: &str = "/api/docs";
const INIT_SCRIPT_PATH: &str = "/api/docs/init.js";

/// The site's policy, except that Swagger UI styles its elements inline and draws its icons from
/// `data:` images. Scripts still come only from this origin.
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const PAGE_HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Community Hub API</title>
<link rel="stylesheet" href="/swagger/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/swagger/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
"#;

/// A separate script, since the policy allows no inline one. No validator: it would send the
/// description to another site and draw its badge from there.
const INIT_JS: &str = r##"SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
});
"##;

/// The description, serialised once.
#[derive(Clone)]
struct Description(Bytes);

/// Serves `description`, with these routes' own operations added, and the page over it.
pub fn router(mut description: OpenApi) -> Router<AppState> {
    let (router, own) = OpenApiRouter::new()
        .routes(routes!(openapi_json))
        .routes(routes!(page))
        .routes(routes!(init_script))
        .split_for_parts();
    description.merge(own);
    // Last, so that it reaches these routes too: the deadline stands in front of every one.
    openapi::shared_answers(&mut description);
    let json = description
        .to_json()
        .expect("an OpenAPI description always serialises to JSON");
    router.layer(Extension(Description(Bytes::from(json))))
}

/// This description.
#[utoipa::path(
    get,
    path = DESCRIPTION_PATH,
    tag = tag::DOCS,
    responses((status = 200, description = "The OpenAPI 3 description of this API.", body = Object))
)]
async fn openapi_json(Extension(Description(json)): Extension<Description>) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], json)
}

/// Swagger UI over this description.
#[utoipa::path(
    get,
    operation_id = "docs_page",
    path = PAGE_PATH,
    tag = tag::DOCS,
    responses((status = 200, description = "The page.", body = String, content_type = "text/html"))
)]
async fn page() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CONTENT_SECURITY_POLICY, PAGE_POLICY),
        ],
        PAGE_HTML,
    )
}

/// The script that starts Swagger UI on the page.
#[utoipa::path(
    get,
    operation_id = "docs_init_script",
    path = INIT_SCRIPT_PATH,
    tag = tag::DOCS,
    responses((
        status = 200,
        description = "The script.",
        body = String,
        content_type = "text/javascript"
    ))
)]
async fn init_script() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], INIT_JS)
}
