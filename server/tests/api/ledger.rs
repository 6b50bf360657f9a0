use chrono::{Days, TimeDelta, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use app::accounts::Role;

use crate::helpers::{error_of, join_all, json_of, spawn_app};

#[tokio::test]
async fn a_donation_is_stored_as_submitted() {
    let app = spawn_app().await;
    let body = json!({
        "donor_name": "  Riverside Bakery ",
        "kind": "food",
        "quantity": 12.5,
        "donated_on": "2024-02-29",
        "note": "Bread and rolls"
    });
    let created = json_of(app.post("/api/donations", &body).await, StatusCode::CREATED).await;
    assert_eq!(created["donor_name"], "Riverside Bakery");
    assert_eq!(created["kind"], "food");
    assert_eq!(created["quantity"], "12.50");
    assert_eq!(created["donated_on"], "2024-02-29");
    assert_eq!(created["note"], "Bread and rolls");
    assert!(created["created_at"].is_string());

    let id = created["id"].as_i64().unwrap();
    let fetched = json_of(
        app.get(&format!("/api/donations/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn a_donation_without_a_date_is_dated_today_in_utc() {
    let app = spawn_app().await;
    let created = app.donate("money", "5").await;
    assert_eq!(created["donated_on"], Utc::now().date_naive().to_string());
    assert_eq!(created["quantity"], "5.00");
}

#[tokio::test]
async fn quantities_as_strings_and_numbers_are_exact() {
    let app = spawn_app().await;
    app.donate("money", "0.1").await;
    app.donate("money", "0.2").await;
    assert_eq!(app.balance("money").await, "0.30");
}

#[tokio::test]
async fn a_date_that_is_today_where_the_calendar_is_furthest_ahead_is_taken() {
    let app = spawn_app().await;
    let today_in_kiribati = (Utc::now() + TimeDelta::hours(14)).date_naive();
    let body =
        json!({"donor_name": "A", "kind": "food", "quantity": 1, "donated_on": today_in_kiribati});
    let response = app.post("/api/donations", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn invalid_donations_are_rejected_with_every_field_and_nothing_is_written() {
    let app = spawn_app().await;
    // Tomorrow even where the calendar is furthest ahead (UTC+14).
    let tomorrow = (Utc::now() + TimeDelta::hours(14))
        .date_naive()
        .checked_add_days(Days::new(1))
        .unwrap();
    let cases = [
        (
            json!({"donor_name": " ", "kind": "food", "quantity": 1}),
            vec!["donor_name"],
        ),
        (
            json!({"donor_name": "x".repeat(201), "kind": "food", "quantity": 1}),
            vec!["donor_name"],
        ),
        (
            json!({"donor_name": "A", "kind": "food", "quantity": 0}),
            vec!["quantity"],
        ),
        (
            json!({"donor_name": "A", "kind": "food", "quantity": "-3"}),
            vec!["quantity"],
        ),
        (
            json!({"donor_name": "A", "kind": "food", "quantity": "1.005"}),
            vec!["quantity"],
        ),
        (
            json!({"donor_name": "A", "kind": "food", "quantity": "1000000000.01"}),
            vec!["quantity"],
        ),
        (
            json!({"donor_name": "A", "kind": "food", "quantity": 1, "donated_on": tomorrow}),
            vec!["donated_on"],
        ),
        (
            json!({"donor_name": "A", "kind": "food", "quantity": 1, "donated_on": "2023-02-29"}),
            vec!["donated_on"],
        ),
        (
            json!({"donor_name": "A", "kind": "food", "quantity": 1, "note": "n".repeat(1001)}),
            vec!["note"],
        ),
        (
            json!({"donor_name": "", "kind": "food", "quantity": 0, "note": "n".repeat(1001)}),
            vec!["donor_name", "quantity", "note"],
        ),
    ];
    for (body, fields) in cases {
        let error = error_of(
            app.post("/api/donations", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        for field in fields {
            assert!(
                error["fields"][field].is_string(),
                "{field} not reported for {body}: {error}"
            );
        }
    }
    let list = json_of(app.get("/api/donations").await, StatusCode::OK).await;
    assert_eq!(list["total"], 0);
    assert_eq!(app.balance("food").await, "0.00");
}

#[tokio::test]
async fn the_largest_quantity_is_accepted() {
    let app = spawn_app().await;
    let created = app.donate("money", "1000000000").await;
    assert_eq!(created["quantity"], "1000000000.00");
}

#[tokio::test]
async fn distribution_within_stock_reduces_the_balance() {
    let app = spawn_app().await;
    app.donate("food", "10").await;
    let body = json!({"kind": "food", "quantity": "4.25", "recipient": "Pantry", "distributed_on": "2025-01-02"});
    let created = json_of(
        app.post("/api/distributions", &body).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["quantity"], "4.25");
    assert_eq!(created["recipient"], "Pantry");
    assert_eq!(created["distributed_on"], "2025-01-02");
    assert_eq!(app.balance("food").await, "5.75");
}

#[tokio::test]
async fn distribution_larger_than_stock_is_rejected() {
    let app = spawn_app().await;
    app.donate("hygiene", "3").await;
    let body = json!({"kind": "hygiene", "quantity": 5});
    let error = error_of(
        app.post("/api/distributions", &body).await,
        StatusCode::CONFLICT,
        "insufficient_stock",
    )
    .await;
    assert!(
        error["message"].as_str().unwrap().contains("3.00"),
        "{error}"
    );
    assert_eq!(app.balance("hygiene").await, "3.00");
    let list = json_of(app.get("/api/distributions").await, StatusCode::OK).await;
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn distribution_of_another_kind_does_not_use_this_stock() {
    let app = spawn_app().await;
    app.donate("food", "100").await;
    let body = json!({"kind": "clothing", "quantity": 1});
    error_of(
        app.post("/api/distributions", &body).await,
        StatusCode::CONFLICT,
        "insufficient_stock",
    )
    .await;
}

#[tokio::test]
async fn concurrent_distributions_never_overdraw() {
    let app = spawn_app().await;
    app.donate("food", "10").await;
    let requests = (0..25).map(|_| {
        let body = json!({"kind": "food", "quantity": 1});
        let request = app
            .client
            .post(app.url("/api/distributions"))
            .json(&body)
            .send();
        async move { request.await.unwrap().status() }
    });
    let statuses = join_all(requests).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, refused), (10, 15), "{statuses:?}");
    assert_eq!(app.balance("food").await, "0.00");
}

async fn record(app: &crate::helpers::TestApp, path: &str, body: Value) -> i64 {
    json_of(app.post(path, &body).await, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn lists_are_newest_first_paginated_and_filtered() {
    let app = spawn_app().await;
    for (donor, kind, day) in [
        ("Ada", "food", "2025-01-01"),
        ("ada ", "money", "2025-01-03"),
        ("Bob", "food", "2025-01-02"),
        ("Cy 100%", "food", "2025-01-04"),
    ] {
        record(
            &app,
            "/api/donations",
            json!({"donor_name": donor, "kind": kind, "quantity": 1, "donated_on": day}),
        )
        .await;
    }
    let page = json_of(app.get("/api/donations?per_page=2").await, StatusCode::OK).await;
    assert_eq!(page["total"], 4);
    assert_eq!(page["page"], 1);
    assert_eq!(page["per_page"], 2);
    let dates: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["donated_on"].clone())
        .collect();
    assert_eq!(dates, ["2025-01-04", "2025-01-03"]);
    let second = json_of(
        app.get("/api/donations?per_page=2&page=2").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second["items"][0]["donated_on"], "2025-01-02");

    let food = json_of(
        app.get("/api/donations?kind=food&from=2025-01-02&to=2025-01-04")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(food["total"], 2);
    let ada = json_of(app.get("/api/donations?donor=ADA").await, StatusCode::OK).await;
    assert_eq!(ada["total"], 2);
    let percent = json_of(app.get("/api/donations?donor=100%25").await, StatusCode::OK).await;
    assert_eq!(percent["total"], 1);
    let underscore = json_of(app.get("/api/donations?donor=_").await, StatusCode::OK).await;
    assert_eq!(underscore["total"], 0);
}

#[tokio::test]
async fn distributions_list_filters_by_kind_and_date() {
    let app = spawn_app().await;
    app.donate("food", "10").await;
    app.donate("money", "10").await;
    for (kind, day) in [
        ("food", "2025-03-01"),
        ("money", "2025-03-02"),
        ("food", "2025-03-03"),
    ] {
        record(
            &app,
            "/api/distributions",
            json!({"kind": kind, "quantity": 1, "distributed_on": day}),
        )
        .await;
    }
    let food = json_of(
        app.get("/api/distributions?kind=food").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(food["total"], 2);
    assert_eq!(food["items"][0]["distributed_on"], "2025-03-03");
    let march_two = json_of(
        app.get("/api/distributions?from=2025-03-02&to=2025-03-02")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(march_two["total"], 1);
}

#[tokio::test]
async fn a_donation_can_be_corrected() {
    let app = spawn_app().await;
    let id = record(
        &app,
        "/api/donations",
        json!({"donor_name": "Ada", "kind": "food", "quantity": 5}),
    )
    .await;
    let body = json!({"donor_name": "Ada L.", "kind": "clothing", "quantity": 7, "donated_on": "2025-05-05"});
    let updated = json_of(
        app.put(&format!("/api/donations/{id}"), &body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["donor_name"], "Ada L.");
    assert_eq!(updated["donated_on"], "2025-05-05");
    assert_eq!(app.balance("food").await, "0.00");
    assert_eq!(app.balance("clothing").await, "7.00");
}

#[tokio::test]
async fn a_correction_that_would_leave_stock_negative_changes_nothing() {
    let app = spawn_app().await;
    let id = record(
        &app,
        "/api/donations",
        json!({"donor_name": "Ada", "kind": "food", "quantity": 10}),
    )
    .await;
    record(
        &app,
        "/api/distributions",
        json!({"kind": "food", "quantity": 8}),
    )
    .await;

    let smaller = json!({"donor_name": "Ada", "kind": "food", "quantity": 5});
    error_of(
        app.put(&format!("/api/donations/{id}"), &smaller).await,
        StatusCode::CONFLICT,
        "insufficient_stock",
    )
    .await;
    let other_kind = json!({"donor_name": "Ada", "kind": "money", "quantity": 10});
    error_of(
        app.put(&format!("/api/donations/{id}"), &other_kind).await,
        StatusCode::CONFLICT,
        "insufficient_stock",
    )
    .await;
    error_of(
        app.delete(&format!("/api/donations/{id}")).await,
        StatusCode::CONFLICT,
        "insufficient_stock",
    )
    .await;

    let unchanged = json_of(
        app.get(&format!("/api/donations/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unchanged["quantity"], "10.00");
    assert_eq!(app.balance("food").await, "2.00");
    assert_eq!(app.balance("money").await, "0.00");

    let larger = json!({"donor_name": "Ada", "kind": "food", "quantity": 9});
    json_of(
        app.put(&format!("/api/donations/{id}"), &larger).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(app.balance("food").await, "1.00");
}

#[tokio::test]
async fn a_distribution_can_be_corrected_within_stock_and_deleted() {
    let app = spawn_app().await;
    app.donate("food", "10").await;
    let id = record(
        &app,
        "/api/distributions",
        json!({"kind": "food", "quantity": 4}),
    )
    .await;
    let too_much = json!({"kind": "food", "quantity": 11});
    error_of(
        app.put(&format!("/api/distributions/{id}"), &too_much)
            .await,
        StatusCode::CONFLICT,
        "insufficient_stock",
    )
    .await;
    assert_eq!(app.balance("food").await, "6.00");

    let all = json!({"kind": "food", "quantity": 10, "recipient": "Pantry"});
    let updated = json_of(
        app.put(&format!("/api/distributions/{id}"), &all).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["recipient"], "Pantry");
    assert_eq!(app.balance("food").await, "0.00");

    let response = app.delete(&format!("/api/distributions/{id}")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.balance("food").await, "10.00");
    let missing = app.get(&format!("/api/distributions/{id}")).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deleting_an_unused_donation_removes_its_stock() {
    let app = spawn_app().await;
    let id = record(
        &app,
        "/api/donations",
        json!({"donor_name": "Ada", "kind": "money", "quantity": "20.00"}),
    )
    .await;
    let response = app.delete(&format!("/api/donations/{id}")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.balance("money").await, "0.00");
}

#[tokio::test]
async fn an_invalid_correction_is_a_422() {
    let app = spawn_app().await;
    let id = record(
        &app,
        "/api/donations",
        json!({"donor_name": "Ada", "kind": "food", "quantity": 5}),
    )
    .await;
    let body = json!({"donor_name": "", "kind": "food", "quantity": 5});
    error_of(
        app.put(&format!("/api/donations/{id}"), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

/// An offset past 64 bits once panicked inside the database driver and dropped the connection.
#[tokio::test]
async fn pages_past_the_last_are_a_422_on_every_list() {
    let app = spawn_app().await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    for list in [
        "/api/donations",
        "/api/distributions",
        "/api/products",
        "/api/orders",
        "/api/orders?all=true&",
    ] {
        let separator = if list.ends_with('&') { "" } else { "?" };
        for page in ["4611686018427387904", "100001", "0"] {
            let response = admin
                .get(app.url(&format!("{list}{separator}page={page}")))
                .send()
                .await
                .unwrap();
            let body = error_of(
                response,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert!(
                body["fields"]["page"].is_string(),
                "{list} page {page}: {body}"
            );
        }
        let last = admin
            .get(app.url(&format!("{list}{separator}page=100000&per_page=100")))
            .send()
            .await
            .unwrap();
        let body = json_of(last, StatusCode::OK).await;
        assert_eq!(body["items"], json!([]), "{list}");
    }
}

/// Two people correcting the same donation from one copy: the second is told it changed.
#[tokio::test]
async fn a_correction_made_from_an_outdated_copy_is_refused() {
    let app = spawn_app().await;
    let id = record(
        &app,
        "/api/donations",
        json!({"donor_name": "Ada", "kind": "food", "quantity": 5}),
    )
    .await;
    let correct = |version: &str, quantity: i64| {
        app.client
            .put(app.url(&format!("/api/donations/{id}")))
            .header("If-Match", format!("\"{version}\""))
            .json(&json!({"donor_name": "Ada", "kind": "food", "quantity": quantity}))
            .send()
    };
    let first = json_of(correct("1", 6).await.unwrap(), StatusCode::OK).await;
    assert_eq!(first["version"], 2);
    error_of(
        correct("1", 9).await.unwrap(),
        StatusCode::PRECONDITION_FAILED,
        "stale_version",
    )
    .await;
    assert_eq!(
        app.balance("food").await,
        "6.00",
        "the second change wrote nothing"
    );

    let distribution = record(
        &app,
        "/api/distributions",
        json!({"kind": "food", "quantity": 1}),
    )
    .await;
    let stale = app
        .client
        .put(app.url(&format!("/api/distributions/{distribution}")))
        .header("If-Match", "\"7\"")
        .json(&json!({"kind": "food", "quantity": 2}))
        .send()
        .await
        .unwrap();
    error_of(stale, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    assert_eq!(app.balance("food").await, "5.00");
}
