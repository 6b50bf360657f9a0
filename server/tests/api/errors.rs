use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use server::config::{Config, TimeoutsConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{error_of, new_client, spawn_app, spawn_app_configured};

#[tokio::test]
async fn unknown_api_path_is_a_json_404() {
    let app = spawn_app().await;
    error_of(
        app.get("/api/nothing-here").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    error_of(app.get("/api").await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn wrong_method_is_a_json_405() {
    let app = spawn_app().await;
    let response = app
        .client
        .patch(app.url("/api/donations"))
        .send()
        .await
        .unwrap();
    error_of(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/donations"))
        .header("content-type", "application/json")
        .body("{\"donor_name\": ")
        .send()
        .await
        .unwrap();
    error_of(response, StatusCode::BAD_REQUEST, "malformed_json").await;
}

#[tokio::test]
async fn wrong_content_type_is_a_415() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/donations"))
        .header("content-type", "text/plain")
        .body(json!({"donor_name": "A", "kind": "food", "quantity": 1}).to_string())
        .send()
        .await
        .unwrap();
    error_of(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_names_the_field() {
    let app = spawn_app().await;
    for (body, field) in [
        (json!({"kind": "food", "quantity": 1}), "donor_name"),
        (
            json!({"donor_name": "A", "kind": "toys", "quantity": 1}),
            "kind",
        ),
        (
            json!({"donor_name": "A", "kind": "food", "quantity": "lots"}),
            "quantity",
        ),
        (
            json!({"donor_name": "A", "kind": "food", "quantity": [1]}),
            "quantity",
        ),
        (
            json!({"donor_name": "A", "kind": "food", "quantity": 1, "donated_on": "yesterday"}),
            "donated_on",
        ),
        (json!("just text"), "body"),
    ] {
        let error = error_of(
            app.post("/api/donations", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(error["fields"][field].is_string(), "{body} → {error}");
    }
}

#[tokio::test]
async fn a_bad_query_parameter_is_a_422() {
    let app = spawn_app().await;
    for (path, field) in [
        ("/api/donations?page=abc", "page"),
        ("/api/donations?per_page=101", "per_page"),
        ("/api/donations?page=0", "page"),
        ("/api/donations?kind=toys", "kind"),
        ("/api/distributions?from=2026-13-01", "from"),
        ("/api/distributions?from=2026-02-01&to=2026-01-01", "to"),
        ("/api/reports/inventory?as_of=soon", "as_of"),
    ] {
        let error = error_of(
            app.get(path).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(error["fields"][field].is_string(), "{path} → {error}");
    }
}

#[tokio::test]
async fn a_non_numeric_or_unknown_id_is_a_404() {
    let app = spawn_app().await;
    for path in [
        "/api/donations/abc",
        "/api/donations/999",
        "/api/distributions/99999999999",
    ] {
        error_of(app.get(path).await, StatusCode::NOT_FOUND, "not_found").await;
        error_of(app.delete(path).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    let body = json!({"donor_name": "A", "kind": "food", "quantity": 1});
    error_of(
        app.put("/api/donations/999", &body).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

/// A NUL byte was a 500 on PostgreSQL and was stored as given on SQLite.
#[tokio::test]
async fn control_characters_are_a_422_naming_the_field() {
    let app = spawn_app().await;
    let anonymous = new_client();
    let cases = [
        (
            app.client
                .post(app.url("/api/donations"))
                .json(&json!({"donor_name": "Ada\u{0}", "kind": "food", "quantity": "1"})),
            "donor_name",
        ),
        (
            app.client.post(app.url("/api/donations")).json(
                &json!({"donor_name": "Ada", "kind": "food", "quantity": "1", "note": "bell\u{7}"}),
            ),
            "note",
        ),
        (app.client.get(app.url("/api/products?q=a%00b")), "q"),
        (
            app.client.get(app.url("/api/donations?donor=a%00b")),
            "donor",
        ),
        (
            anonymous.post(app.url("/api/auth/register")).json(
                &json!({"email": "x\u{0}@y.z", "password": "correct horse battery", "name": "X"}),
            ),
            "email",
        ),
        (
            anonymous
                .post(app.url("/api/auth/login"))
                .json(&json!({"email": "x\u{0}@y.z", "password": "correct horse battery"})),
            "email",
        ),
    ];
    for (request, field) in cases {
        let body = error_of(
            request.send().await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            body["fields"][field], "must not contain control characters",
            "{body}"
        );
    }
    let page = app
        .get("/api/donations")
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(page["total"], 0, "nothing was written");
    let note = json!({"donor_name": "Ada", "kind": "food", "quantity": "1", "note": "line one\nline\ttwo"});
    assert_eq!(
        app.post("/api/donations", &note).await.status(),
        StatusCode::CREATED
    );
}

/// A client that sends its headers a little at a time (slowloris) is cut off at the deadline
/// instead of holding the connection.
#[tokio::test]
async fn a_client_too_slow_with_its_headers_is_disconnected() {
    let app = spawn_app_configured(|config| Config {
        timeouts: TimeoutsConfig {
            header_read_timeout_seconds: 1,
            ..TimeoutsConfig::default()
        },
        ..config
    })
    .await;
    let mut stream = TcpStream::connect(app.address).await.unwrap();
    stream
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: hub\r\nX-Slow: ")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    assert!(closed.is_ok(), "the connection is still open after 5 s");
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));
}

/// A request whose body trickles in is answered 408 at the deadline, with the error body.
#[tokio::test]
async fn a_request_slower_than_the_deadline_is_a_408() {
    let app = spawn_app_configured(|config| Config {
        timeouts: TimeoutsConfig {
            request_timeout_seconds: 1,
            ..TimeoutsConfig::default()
        },
        ..config
    })
    .await;
    let mut stream = TcpStream::connect(app.address).await.unwrap();
    stream
        .write_all(
            b"PUT /hello/Ada HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n\
              Content-Length: 40\r\nConnection: close\r\n\r\n{\"dateOf",
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("an answer within 5 s")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"request_timeout\""), "{answer}");
}
