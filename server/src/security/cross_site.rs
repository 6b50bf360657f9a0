use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, Method};

/// Whether a request would change state on behalf of another site: the browser says it is
/// cross-site, or its `Origin` is neither this server nor one of `allowed_origins`.
pub fn is_refused(method: &Method, headers: &HeaderMap, allowed_origins: &[String]) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    let allowed = |origin: &str| {
        allowed_origins
            .iter()
            .any(|allowed| allowed.trim_end_matches('/') == origin)
    };
    match header(ORIGIN) {
        Some(origin) => {
            let own = header(HOST).is_some_and(|host| {
                origin
                    .split_once("://")
                    .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
            });
            !(own || allowed(origin))
        }
        None => headers
            .get("sec-fetch-site")
            .is_some_and(|value| value == "cross-site"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn same_origin_and_non_browser_requests_pass() {
        let own = headers(&[
            ("host", "hub.example.org"),
            ("origin", "https://hub.example.org"),
        ]);
        assert!(!is_refused(&Method::POST, &own, &[]));
        assert!(!is_refused(
            &Method::POST,
            &headers(&[("host", "hub.example.org")]),
            &[]
        ));
    }

    #[test]
    fn another_origin_is_refused_unless_allowed() {
        let other = headers(&[
            ("host", "hub.example.org"),
            ("origin", "https://evil.example"),
        ]);
        assert!(is_refused(&Method::DELETE, &other, &[]));
        assert!(!is_refused(
            &Method::DELETE,
            &other,
            &["https://evil.example".to_owned()]
        ));
        assert!(!is_refused(&Method::GET, &other, &[]));
    }

    #[test]
    fn a_browser_marked_cross_site_request_is_refused() {
        let marked = headers(&[
            ("host", "hub.example.org"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(is_refused(&Method::PUT, &marked, &[]));
        let null_origin = headers(&[("host", "hub.example.org"), ("origin", "null")]);
        assert!(is_refused(&Method::POST, &null_origin, &[]));
    }
}
