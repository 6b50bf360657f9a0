use std::net::SocketAddr;

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use server::config::Config;
use server::startup::Application;
use tempfile::TempDir;

pub struct TestApp {
    pub address: SocketAddr,
    pub client: Client,
    _dir: TempDir,
}

/// Starts a server on port 0 with a fresh SQLite database and a minimal built app.
pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let static_dir = dir.path().join("dist");
    std::fs::create_dir_all(&static_dir).unwrap();
    std::fs::write(
        static_dir.join("index.html"),
        "<!doctype html><title>Community Hub</title>",
    )
    .unwrap();
    let config = Config {
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("hub.db").display()),
        bind: "127.0.0.1:0".parse().unwrap(),
        static_dir,
        demo_data: false,
    };
    let app = Application::build(config).await.expect("server starts");
    let address = app.address();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: Client::builder().cookie_store(true).build().unwrap(),
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.client
            .put(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn donate(&self, kind: &str, quantity: &str) -> Value {
        let body = json!({"donor_name": "Test Donor", "kind": kind, "quantity": quantity});
        json_of(
            self.post("/api/donations", &body).await,
            StatusCode::CREATED,
        )
        .await
    }

    pub async fn balance(&self, kind: &str) -> String {
        let rows = json_of(self.get("/api/reports/inventory").await, StatusCode::OK).await;
        let row = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["kind"] == kind)
            .expect("every kind has a row");
        row["balance"].as_str().unwrap().to_owned()
    }
}

/// Asserts the status and returns the JSON body.
pub async fn json_of(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(actual, status, "unexpected status, body: {body}");
    body
}

/// Asserts an error response: its status, its code, and that it follows the error body shape.
pub async fn error_of(response: Response, status: StatusCode, code: &str) -> Value {
    let body = json_of(response, status).await;
    assert_eq!(body["error"]["code"], code, "body: {body}");
    assert!(body["error"]["message"].is_string(), "body: {body}");
    assert!(body["error"]["fields"].is_object(), "body: {body}");
    body["error"].clone()
}
