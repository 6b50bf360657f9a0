//! Error tracking as an operator turns it on: the real binary with `SENTRY_DSN`, reporting to a
//! stand-in Sentry server on loopback.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use tokio::sync::mpsc;

use crate::helpers::new_client;

/// A Sentry ingest endpoint that hands over every envelope it receives.
async fn stand_in_sentry() -> (String, mpsc::UnboundedReceiver<String>) {
    let (sent, received) = mpsc::unbounded_channel();
    let app = Router::new().route(
        "/api/{project}/envelope/",
        post(move |body: Bytes| {
            let sent = sent.clone();
            async move {
                sent.send(String::from_utf8_lossy(&body).into_owned()).ok();
                "{}"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://public-key@{address}/42"), received)
}

#[tokio::test]
async fn a_failed_request_is_reported_with_its_request_id_and_release_but_nothing_personal() {
    let (dsn, mut envelopes) = stand_in_sentry().await;
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("hub.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", &database)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("STATIC_DIR", dir.path())
        .env("DISABLE_SCHEDULER", "true")
        .env("RUST_LOG", "warn")
        .env("SENTRY_DSN", &dsn)
        .env("SENTRY_ENVIRONMENT", "testing")
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = new_client();
    let mut up = false;
    for _ in 0..100 {
        let ready = client.get(format!("{base}/api/ready")).send().await;
        if ready.is_ok_and(|response| response.status() == StatusCode::OK) {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the server did not become ready");

    // A fault the server cannot answer but with a 500: its table is gone.
    let db = sea_orm::Database::connect(&database).await.unwrap();
    db.execute_unprepared("DROP TABLE birthdays").await.unwrap();
    let failed = client
        .get(format!("{base}/hello/margaret"))
        .header("x-request-id", "trace-me-7")
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);

    let envelope = tokio::time::timeout(Duration::from_secs(10), envelopes.recv())
        .await
        .expect("an error report within 10 s")
        .unwrap();
    assert!(envelope.contains("trace-me-7"), "{envelope}");
    assert!(
        envelope.contains(concat!("community-hub@", env!("CARGO_PKG_VERSION"))),
        "{envelope}"
    );
    assert!(envelope.contains("\"testing\""), "{envelope}");
    assert!(envelope.contains("birthdays"), "the cause: {envelope}");
    assert!(
        !envelope.contains("margaret"),
        "a name from the request: {envelope}"
    );
    assert!(!envelope.contains("127.0.0.1"), "an address: {envelope}");
    server.kill().await.ok();
}
