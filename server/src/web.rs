//! How the built browser app is served, and the headers every response carries.

mod assets;

use std::time::Duration;

use axum::Router;
use axum::http::header::{
    CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, IF_MATCH, REFERRER_POLICY,
    RETRY_AFTER, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;

/// The app needs nothing but its own origin, plus WebAssembly compilation; product pictures may
/// come from anywhere.
const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data: https: http:; connect-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub use assets::Assets;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Whether a file name carries a content hash (`frontend-474c9e41973fe2a1.js`), so that a given
/// name never changes content and can be cached for good.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        hash.len() == 16 && hash.bytes().all(|byte| byte.is_ascii_hexdigit())
    })
}

/// Security headers on every response, and a request id: taken from `X-Request-Id` when the
/// client or a proxy sent one, made up otherwise, and returned either way.
pub fn with_common_headers(router: Router) -> Router {
    let header =
        |name, value| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    router
        .layer(header(
            CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY_VALUE,
        ))
        .layer(header(X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .layer(header(X_FRAME_OPTIONS, "DENY"))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
}

/// Lets the browser app call the API from the listed other origins, with the session cookie.
/// Only exact origins are allowed, never `*`, since credentials are involved.
pub fn with_cors(router: Router, allowed_origins: &[String]) -> Router {
    let origins: Vec<HeaderValue> = allowed_origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).ok())
        .collect();
    if origins.is_empty() {
        return router;
    }
    router.layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                CONTENT_TYPE,
                IF_MATCH,
                HeaderName::from_bytes(app::shop::IDEMPOTENCY_KEY_HEADER.as_bytes())
                    .expect("the idempotency header's name is a valid header name"),
            ])
            .expose_headers([REQUEST_ID, CONTENT_DISPOSITION, RETRY_AFTER])
            .max_age(Duration::from_secs(600)),
    )
}

/// Gives each request an id before anything else sees it.
pub fn with_request_id(router: Router) -> Router {
    router.layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn hashed_asset_names_are_recognised() {
        assert!(is_hashed("/frontend-474c9e41973fe2a1.js"));
        assert!(is_hashed("/frontend-474c9e41973fe2a1_bg.wasm"));
        assert!(is_hashed("/main-a87771be30b372ae.css"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/config.json"));
        assert!(!is_hashed("/donations"));
        assert!(!is_hashed("/some-name.js"));
    }
}
