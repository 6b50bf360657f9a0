use reqwest::StatusCode;

use crate::helpers::{json_of, spawn_app};

#[tokio::test]
async fn health_and_ready_answer_ok() {
    let app = spawn_app().await;
    for path in ["/api/health", "/api/ready"] {
        let body = json_of(app.get(path).await, StatusCode::OK).await;
        assert_eq!(body["status"], "ok");
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    }
}

#[tokio::test]
async fn deep_links_serve_the_app() {
    let app = spawn_app().await;
    let response = app.get("/donations").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<title>Community Hub</title>")
    );
}
