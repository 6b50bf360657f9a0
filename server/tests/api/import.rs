//! Donations imported from a CSV file: the preview names every bad line, the import writes all
//! of a file or nothing, and the limits are answered with the error body.

use app::accounts::Role;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

use crate::aggregates::{assert_no_differences, donor_row};
use crate::helpers::{TestApp, error_of, json_of, new_client, spawn_app};

const PREVIEW: &str = "/api/donations/import/preview";
const IMPORT: &str = "/api/donations/import";

async fn send_csv(app: &TestApp, client: &Client, path: &str, body: impl Into<String>) -> Response {
    client
        .post(app.url(path))
        .header("Content-Type", "text/csv")
        .body(body.into())
        .send()
        .await
        .expect("request sent")
}

async fn preview(app: &TestApp, body: &str) -> Value {
    json_of(
        send_csv(app, &app.client, PREVIEW, body).await,
        StatusCode::OK,
    )
    .await
}

async fn donation_count(app: &TestApp) -> u64 {
    let page = json_of(app.get("/api/donations").await, StatusCode::OK).await;
    page["total"].as_u64().unwrap()
}

const GOOD: &str = "donor,kind,quantity,date,note\n\
    Riverside Bakery,food,40,2025-03-01,Bread\n\
    Ada Lovelace,money,250.50,2025-03-02,\n\
    riverside bakery ,Food,2.25,2025-03-05,Rolls\n";

#[tokio::test]
async fn a_good_file_is_previewed_then_imported_whole_and_the_reports_follow() {
    let app = spawn_app().await;
    let preview = preview(&app, GOOD).await;
    assert_eq!(preview["rows"], 3);
    assert_eq!(preview["errors"], json!([]));
    assert_eq!(preview["errors_not_listed"], 0);
    assert_eq!(
        preview["totals"],
        json!([
            {"kind": "money", "donations": 1, "quantity": "250.50"},
            {"kind": "food", "donations": 2, "quantity": "42.25"},
        ])
    );
    assert_eq!(preview["sample"][0]["line"], 2);
    assert_eq!(preview["sample"][0]["donor_name"], "Riverside Bakery");
    assert_eq!(donation_count(&app).await, 0, "a preview writes nothing");

    let answer = json_of(
        send_csv(&app, &app.client, IMPORT, GOOD).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(answer, json!({"imported": 3}));
    assert_eq!(donation_count(&app).await, 3);
    assert_eq!(app.balance("food").await, "42.25");
    assert_eq!(app.balance("money").await, "250.50");
    let bakery = donor_row(&app, "Riverside Bakery").await;
    assert_eq!(bakery["donations"], 2, "{bakery}");
    assert_no_differences(&app).await;

    let history = json_of(
        app.get("/api/history?record_type=donation").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(history["total"], 3, "one event per donation");
    for event in history["items"].as_array().unwrap() {
        assert_eq!(event["action"], "created");
        assert_eq!(event["actor_name"], "Test User");
    }
}

#[tokio::test]
async fn one_bad_row_among_good_ones_is_named_and_nothing_is_written() {
    let app = spawn_app().await;
    app.donate("food", "5").await;
    let file = "donor,kind,quantity,date\n\
        Ada,food,1,2025-03-01\n\
        Bea,food,0,2025-03-01\n\
        Cy,toys,2,2025-03-01\n\
        Di,food,3,2025-03-01\n";
    let preview = preview(&app, file).await;
    assert_eq!(preview["rows"], 4);
    assert_eq!(
        preview["errors"],
        json!([
            {"line": 3, "column": "quantity", "reason": "must be greater than 0"},
            {
                "line": 4,
                "column": "kind",
                "reason": "must be one of money, food, clothing, hygiene, household, other"
            },
        ])
    );

    let error = error_of(
        send_csv(&app, &app.client, IMPORT, file).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_lines",
    )
    .await;
    assert_eq!(error["lines"], preview["errors"]);
    assert_eq!(
        error["message"],
        "2 lines of the file are not valid; nothing was imported"
    );
    assert_eq!(donation_count(&app).await, 1);
    assert_eq!(app.balance("food").await, "5.00");
    assert_no_differences(&app).await;
}

#[tokio::test]
async fn a_wrong_header_names_each_column_and_the_file_is_refused() {
    let app = spawn_app().await;
    let file = "Donor,Kind,Amount,Date\nAda,food,1,2025-03-01\n";
    let preview = preview(&app, file).await;
    assert_eq!(
        preview["errors"],
        json!([
            {
                "line": 1,
                "column": "Amount",
                "reason": "is not a known column; the columns are donor, kind, quantity, date, note"
            },
            {"line": 1, "column": "quantity", "reason": "is missing from the header"},
        ])
    );
    error_of(
        send_csv(&app, &app.client, IMPORT, file).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_lines",
    )
    .await;
    assert_eq!(donation_count(&app).await, 0);
}

#[tokio::test]
async fn a_file_with_more_rows_than_the_limit_is_refused_naming_the_limit() {
    let app = spawn_app().await;
    let file = format!(
        "donor,kind,quantity,date\n{}",
        "Ada,food,1,2025-03-01\n".repeat(app::import::MAX_ROWS + 1)
    );
    for path in [PREVIEW, IMPORT] {
        let error = error_of(
            send_csv(&app, &app.client, path, file.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error["fields"]["file"],
            "has more than 10000 rows; split it into files of at most 10000 rows",
            "{path}"
        );
    }
    assert_eq!(donation_count(&app).await, 0);
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_refused_with_413() {
    let app = spawn_app().await;
    let row = "Ada,food,1,2025-03-01,padding padding padding padding padding\n";
    let rows = app::import::MAX_FILE_BYTES / row.len() + 1;
    let file = format!("donor,kind,quantity,date,note\n{}", row.repeat(rows));
    for path in [PREVIEW, IMPORT] {
        let error = error_of(
            send_csv(&app, &app.client, path, file.clone()).await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        )
        .await;
        assert_eq!(
            error["message"],
            "the request body is larger than the limit of 2 MB"
        );
    }
    assert_eq!(donation_count(&app).await, 0);
}

#[tokio::test]
async fn only_staff_may_preview_or_import() {
    let app = spawn_app().await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    let anonymous = new_client();
    for path in [PREVIEW, IMPORT] {
        error_of(
            send_csv(&app, &member, path, GOOD).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        error_of(
            send_csv(&app, &anonymous, path, GOOD).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
    }
    assert_eq!(donation_count(&app).await, 0);
}

#[tokio::test]
async fn quoted_fields_with_commas_and_a_byte_order_mark_are_read() {
    let app = spawn_app().await;
    let file = "\u{feff}donor,kind,quantity,date,note\r\n\
        \"Smith, Jones & Co\",clothing,3,2025-03-01,\"coats, \"\"like new\"\"\"\r\n";
    json_of(
        send_csv(&app, &app.client, IMPORT, file).await,
        StatusCode::CREATED,
    )
    .await;
    let page = json_of(app.get("/api/donations").await, StatusCode::OK).await;
    let donation = &page["items"][0];
    assert_eq!(donation["donor_name"], "Smith, Jones & Co");
    assert_eq!(donation["note"], "coats, \"like new\"");
    assert_eq!(donation["kind"], "clothing");
}

#[tokio::test]
async fn a_body_that_is_not_utf8_csv_is_refused_with_the_error_body() {
    let app = spawn_app().await;
    let json = app
        .client
        .post(app.url(IMPORT))
        .json(&json!({"donor": "Ada"}))
        .send()
        .await
        .unwrap();
    let error = error_of(
        json,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    assert_eq!(
        error["message"],
        "the request body must be CSV (Content-Type: text/csv)"
    );
    let latin1 = app
        .client
        .post(app.url(PREVIEW))
        .header("Content-Type", "text/csv; charset=iso-8859-1")
        .body(b"donor,kind,quantity,date\nJos\xe9,food,1,2025-03-01\n".to_vec())
        .send()
        .await
        .unwrap();
    let error = error_of(latin1, StatusCode::BAD_REQUEST, "invalid_encoding").await;
    assert!(error["fields"]["body"].as_str().unwrap().contains("UTF-8"));
}

#[tokio::test]
async fn the_sample_file_downloads_and_imports_as_it_is() {
    let app = spawn_app().await;
    let response = app.get("/api/donations/import/sample.csv").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("donations-sample.csv")
    );
    let sample = response.text().await.unwrap();
    assert!(
        sample.starts_with("donor,kind,quantity,date,note\n"),
        "{sample}"
    );
    let answer = json_of(
        send_csv(&app, &app.client, IMPORT, sample).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(answer["imported"], 4);
    assert_no_differences(&app).await;
}

#[tokio::test]
async fn a_file_at_the_row_limit_is_imported_in_one_go() {
    let app = spawn_app().await;
    let rows: String = (0..app::import::MAX_ROWS)
        .map(|row| format!("Donor {},food,1.01,2025-03-{:02}\n", row % 50, row % 28 + 1))
        .collect();
    let file = format!("donor,kind,quantity,date\n{rows}");
    let answer = json_of(
        send_csv(&app, &app.client, IMPORT, file).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(answer["imported"], 10_000);
    assert_eq!(app.balance("food").await, "10100.00");
    assert_no_differences(&app).await;
}
