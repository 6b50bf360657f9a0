//! How the built browser app is served, and the headers every response carries.

mod assets;
mod edge;
mod gate;

use std::time::Duration;

use axum::Router;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, IF_MATCH, RETRY_AFTER};
use axum::http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use assets::Assets;

pub use edge::Edge;
use edge::REQUEST_ID;
pub use gate::GateLayer;

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

/// The server's whole service: the router in [`Edge`], which every request passes.
pub type Site = Edge<Router>;

/// `router` as served: CORS for the listed origins, in [`Edge`].
///
/// Edge wraps the router as one service rather than being `Router::layer`ed, which would wrap
/// each route in it; and it is not a router's fallback either, whose routing and boxing every
/// request would pay for again.
pub fn site(router: Router, allowed_origins: &[String]) -> Site {
    let router = match cors(allowed_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    };
    Edge::new(router)
}

/// Lets the browser app call the API from the listed other origins, with the session cookie.
/// Only exact origins are allowed, never `*`, since credentials are involved.
fn cors(allowed_origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = allowed_origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
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
