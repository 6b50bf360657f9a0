//! The organisation's details: staff read them, only admins change them.

use app::accounts::Role;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, error_of, join_all, json_of, spawn_app_signing_in_freely as spawn_app,
};

const PATH: &str = "/api/settings/organisation";

async fn save(app: &TestApp, admin: &Client, body: &Value) -> reqwest::Response {
    admin.put(app.url(PATH)).json(body).send().await.unwrap()
}

#[tokio::test]
async fn settings_are_empty_until_saved_then_read_back_as_saved() {
    let app = spawn_app().await;
    let empty = json_of(app.get(PATH).await, StatusCode::OK).await;
    assert_eq!(empty["name"], "");
    assert_eq!(empty["address"], "");
    assert_eq!(empty["contact_email"], Value::Null);

    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    let body = json!({
        "name": " Riverside Community Pantry ",
        "address": "14 Mill Lane\nRiverside",
        "contact_email": "hello@example.org",
        "charity_number": "",
    });
    let saved = json_of(save(&app, &admin, &body).await, StatusCode::OK).await;
    assert_eq!(saved["name"], "Riverside Community Pantry");
    assert_eq!(saved["charity_number"], Value::Null);

    let read = json_of(app.get(PATH).await, StatusCode::OK).await;
    assert_eq!(read, saved);
    assert_eq!(read["address"], "14 Mill Lane\nRiverside");

    let changed = json!({"name": "Riverside Pantry", "address": "1 New Street"});
    json_of(save(&app, &admin, &changed).await, StatusCode::OK).await;
    let read = json_of(app.get(PATH).await, StatusCode::OK).await;
    assert_eq!(read["name"], "Riverside Pantry");
    assert_eq!(read["contact_email"], Value::Null);

    let history = json_of(
        app.get("/api/history?record_type=organisation_settings")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(history["total"], 2, "{history}");
}

#[tokio::test]
async fn only_an_admin_may_change_the_settings() {
    let app = spawn_app().await;
    let body = json!({"name": "Pantry", "address": ""});
    error_of(
        app.put(PATH, &body).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    let read = member.get(app.url(PATH)).send().await.unwrap();
    error_of(read, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(
        json_of(app.get(PATH).await, StatusCode::OK).await["name"],
        ""
    );
}

#[tokio::test]
async fn settings_without_a_name_or_with_a_long_address_are_rejected_by_field() {
    let app = spawn_app().await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    let body = json!({
        "name": "  ",
        "address": "x".repeat(1001),
        "contact_email": "not an address",
    });
    let error = error_of(
        save(&app, &admin, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error["fields"]["name"], "is required");
    assert_eq!(
        error["fields"]["address"],
        "must be at most 1000 characters"
    );
    assert!(error["fields"]["contact_email"].is_string(), "{error}");

    let long_name = json!({"name": "n".repeat(201), "address": ""});
    let error = error_of(
        save(&app, &admin, &long_name).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error["fields"]["name"], "must be at most 200 characters");
    assert_eq!(
        json_of(app.get(PATH).await, StatusCode::OK).await["name"],
        ""
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn saves_at_the_same_time_all_succeed_and_one_of_them_is_kept() {
    let app = spawn_app().await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    let saves = (0..10).map(|n| {
        let request = admin
            .put(app.url(PATH))
            .json(&json!({"name": format!("Pantry {n}")}))
            .send();
        async move { request.await.unwrap().status() }
    });
    let statuses = join_all(saves).await;
    assert!(
        statuses.iter().all(|status| *status == StatusCode::OK),
        "{statuses:?}"
    );
    let read = json_of(app.get(PATH).await, StatusCode::OK).await;
    assert!(
        read["name"].as_str().unwrap().starts_with("Pantry "),
        "{read}"
    );
}
