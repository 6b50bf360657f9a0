//! The anchor of `cargo xtask bench`: a bare axum route answering fixed JSON, with nothing else in
//! the way, to measure the server's own paths against. Listens on the address given as its only
//! argument.

use axum::Json;
use axum::routing::get;
use serde_json::{Value, json};

async fn greeting() -> Json<Value> {
    Json(json!({"message": "Hello, world! Happy birthday!"}))
}

#[tokio::main]
async fn main() {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3999".to_owned());
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .expect("binding the anchor's address");
    axum::serve(listener, axum::Router::new().route("/", get(greeting)))
        .await
        .expect("serving");
}
