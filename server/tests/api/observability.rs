use reqwest::StatusCode;
use reqwest::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_REQUEST_METHOD,
    ORIGIN,
};
use server::config::{Config, SecurityConfig};

use crate::helpers::{TestApp, new_client, spawn_app, spawn_app_configured, spawn_app_with};

const METRICS_TOKEN: &str = "scraper-secret-7d1e";

async fn spawn_app_with_metrics_token() -> TestApp {
    spawn_app_configured(|config| Config {
        metrics_token: Some(METRICS_TOKEN.to_owned()),
        ..config
    })
    .await
}

#[tokio::test]
async fn metrics_count_requests_per_route_and_status_with_latency() {
    let app = spawn_app_with_metrics_token().await;
    app.get("/api/health").await;
    app.get("/api/donations/424242").await;

    let response = app.scrape_metrics(METRICS_TOKEN).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let mut text = response.text().await.unwrap();
    // The order archive measures its backlog on its first pass, just after start.
    for _ in 0..30 {
        if text.contains("archive_oldest_waiting_seconds") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        text = app
            .scrape_metrics(METRICS_TOKEN)
            .await
            .text()
            .await
            .unwrap();
    }
    for expected in [
        "archive_backlog_documents",
        "archive_oldest_waiting_seconds",
        r#"http_requests_total{method="GET",route="/api/health",status="200"}"#,
        r#"http_requests_total{method="GET",route="/api/donations/{id}",status="404"}"#,
        r#"http_request_duration_seconds_bucket{method="GET",route="/api/health",status="200",le="0.005"}"#,
        r#"db_pool_connections{state="idle"}"#,
        "db_pool_max_connections",
        r#"community_hub_build_info{version=""#,
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}

#[tokio::test]
async fn metrics_on_the_main_port_need_the_token() {
    let app = spawn_app_with_metrics_token().await;
    let anonymous = new_client().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    let wrong = app.scrape_metrics("scraper-secret-7d1f").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(!wrong.text().await.unwrap().contains("http_requests_total"));
}

#[tokio::test]
async fn without_a_token_or_a_port_of_their_own_metrics_are_not_served() {
    let app = spawn_app().await;
    let response = new_client().get(app.url("/metrics")).send().await.unwrap();
    assert!(
        !response
            .text()
            .await
            .unwrap()
            .contains("http_requests_total"),
        "metrics are public"
    );
}

#[tokio::test]
async fn metrics_can_move_to_a_port_of_their_own() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_app_configured(|config| Config {
        metrics_bind: Some(format!("127.0.0.1:{port}").parse().unwrap()),
        ..config
    })
    .await;

    let separate = new_client()
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(separate.status(), StatusCode::OK);
    assert!(
        separate
            .text()
            .await
            .unwrap()
            .contains("db_pool_connections")
    );
    let main = app.get("/metrics").await.text().await.unwrap();
    assert!(
        !main.contains("db_pool_connections"),
        "still on the main port"
    );
}

#[tokio::test]
async fn listed_origins_may_call_the_api_with_credentials() {
    let app = spawn_app_with(SecurityConfig {
        allowed_origins: vec!["http://app.example.org".to_owned()],
        ..SecurityConfig::default()
    })
    .await;
    let preflight = |origin: &'static str| {
        new_client()
            .request(reqwest::Method::OPTIONS, app.url("/api/auth/login"))
            .header(ORIGIN, origin)
            .header(ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };

    let allowed = preflight("http://app.example.org").await.unwrap();
    assert!(allowed.status().is_success());
    assert_eq!(
        allowed.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
        "http://app.example.org"
    );
    assert_eq!(allowed.headers()[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");

    let other = preflight("http://evil.example.net").await.unwrap();
    assert!(!other.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));

    // A correction sends the version it was made from; a checkout its idempotency key.
    for (method, path, header) in [
        ("PUT", "/api/products/1", "if-match"),
        ("POST", "/api/cart/checkout", "idempotency-key"),
    ] {
        let preflight = new_client()
            .request(reqwest::Method::OPTIONS, app.url(path))
            .header(ORIGIN, "http://app.example.org")
            .header(ACCESS_CONTROL_REQUEST_METHOD, method)
            .header(
                "access-control-request-headers",
                format!("content-type,{header}"),
            )
            .send()
            .await
            .unwrap();
        let allowed = preflight.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase();
        assert!(allowed.contains(header), "{path}: {allowed}");
    }

    let read = app
        .client
        .get(app.url("/api/auth/me"))
        .header(ORIGIN, "http://app.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(
        read.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
        "http://app.example.org"
    );
}

#[tokio::test]
async fn without_listed_origins_no_cross_origin_access_is_granted() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/auth/me"))
        .header(ORIGIN, "http://app.example.org")
        .send()
        .await
        .unwrap();
    assert!(!response.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
}
