//! Donor receipts: one donor's donations over a range of days, with the organisation's details.

use app::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, json_of, spawn_app_signing_in_freely as spawn_app};

async fn donate(app: &TestApp, donor: &str, kind: &str, quantity: &str, day: &str, note: Value) {
    let body = json!({
        "donor_name": donor, "kind": kind, "quantity": quantity, "donated_on": day, "note": note,
    });
    json_of(app.post("/api/donations", &body).await, StatusCode::CREATED).await;
}

async fn receipt(app: &TestApp, query: &str) -> reqwest::Response {
    app.get(&format!("/api/reports/donor-receipt?{query}"))
        .await
}

#[tokio::test]
async fn a_receipt_lists_only_that_donors_donations_in_the_range_with_exact_totals() {
    let app = spawn_app().await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    let settings =
        json!({"name": "Riverside Community Pantry", "address": "14 Mill Lane\nRiverside"});
    let saved = admin
        .put(app.url("/api/settings/organisation"))
        .json(&settings)
        .send()
        .await
        .unwrap();
    json_of(saved, StatusCode::OK).await;
    donate(&app, "Ada", "money", "0.10", "2025-03-02", json!("first")).await;
    donate(&app, "ada ", "money", "0.20", "2025-01-01", Value::Null).await;
    donate(&app, "Ada", "food", "3", "2025-12-31", Value::Null).await;
    donate(&app, "Ada", "money", "100", "2024-12-31", Value::Null).await;
    donate(&app, "Ada", "money", "100", "2026-01-01", Value::Null).await;
    donate(&app, "Grace", "money", "50", "2025-06-01", Value::Null).await;

    let body = json_of(
        receipt(&app, "donor=ADA&from=2025-01-01&to=2025-12-31").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["organisation"]["name"], "Riverside Community Pantry");
    assert_eq!(body["organisation"]["address"], "14 Mill Lane\nRiverside");
    let days: Vec<_> = body["donations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["donated_on"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["2025-01-01", "2025-03-02", "2025-12-31"]);
    assert_eq!(body["donations"][1]["note"], "first");
    assert_eq!(body["donations"][1]["quantity"], "0.10");
    assert_eq!(
        body["totals"],
        json!([
            {"kind": "money", "quantity": "0.30"},
            {"kind": "food", "quantity": "3.00"},
        ])
    );
    assert_eq!(body["money_total"], "0.30");
}

#[tokio::test]
async fn a_receipt_for_a_donor_who_gave_nothing_in_the_range_is_empty() {
    let app = spawn_app().await;
    donate(&app, "Ada", "food", "3", "2024-05-05", Value::Null).await;
    let body = json_of(
        receipt(&app, "donor=Ada&from=2025-01-01&to=2025-12-31").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["donations"], json!([]));
    assert_eq!(body["totals"], json!([]));
    assert_eq!(body["money_total"], "0.00");
    assert_eq!(body["organisation"]["name"], "");
}

#[tokio::test]
async fn an_inverted_range_or_an_empty_donor_is_rejected_by_field() {
    let app = spawn_app().await;
    let error = error_of(
        receipt(&app, "donor=Ada&from=2025-12-31&to=2025-01-01").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error["fields"]["to"], "must not be before from");
    let error = error_of(
        receipt(&app, "donor=%20&from=2025-01-01&to=2025-12-31").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error["fields"]["donor"], "is required");
    let error = error_of(
        receipt(&app, "donor=Ada").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error["fields"]["from"], "is required");
    assert_eq!(error["fields"]["to"], "is required");
    let error = error_of(
        receipt(&app, "donor=Ada&from=2025-02-30&to=2025-12-31").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(error["fields"]["from"].is_string(), "{error}");
}

#[tokio::test]
async fn members_cannot_read_receipts() {
    let app = spawn_app().await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    let response = member
        .get(app.url("/api/reports/donor-receipt?donor=Ada&from=2025-01-01&to=2025-12-31"))
        .send()
        .await
        .unwrap();
    error_of(response, StatusCode::FORBIDDEN, "forbidden").await;
}
