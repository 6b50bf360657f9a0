use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{json_of, spawn_app};

#[tokio::test]
async fn inventory_lists_every_kind_even_when_empty() {
    let app = spawn_app().await;
    let rows = json_of(app.get("/api/reports/inventory").await, StatusCode::OK).await;
    let kinds: Vec<_> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["money", "food", "clothing", "hygiene", "household", "other"]
    );
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|row| row["balance"] == "0.00")
    );
}

#[tokio::test]
async fn inventory_as_of_counts_only_records_up_to_that_day() {
    let app = spawn_app().await;
    for (quantity, day) in [(10, "2025-01-01"), (5, "2025-02-01")] {
        let body =
            json!({"donor_name": "Ada", "kind": "food", "quantity": quantity, "donated_on": day});
        json_of(app.post("/api/donations", &body).await, StatusCode::CREATED).await;
    }
    let body = json!({"kind": "food", "quantity": 3, "distributed_on": "2025-01-15"});
    json_of(
        app.post("/api/distributions", &body).await,
        StatusCode::CREATED,
    )
    .await;

    let rows = json_of(
        app.get("/api/reports/inventory?as_of=2025-01-20").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        rows[1],
        json!({"kind": "food", "donated": "10.00", "distributed": "3.00", "balance": "7.00"})
    );
    let rows = json_of(app.get("/api/reports/inventory").await, StatusCode::OK).await;
    assert_eq!(
        rows[1],
        json!({"kind": "food", "donated": "15.00", "distributed": "3.00", "balance": "12.00"})
    );
}

#[tokio::test]
async fn donors_are_grouped_ignoring_case_and_spaces() {
    let app = spawn_app().await;
    for (donor, kind, quantity, day) in [
        ("Maria Okafor", "money", "25.50", "2025-01-10"),
        ("  maria okafor", "money", "4.50", "2025-03-01"),
        ("MARIA OKAFOR ", "food", "3", "2025-02-01"),
        ("Bakery", "food", "12", "2025-01-05"),
    ] {
        let body =
            json!({"donor_name": donor, "kind": kind, "quantity": quantity, "donated_on": day});
        json_of(app.post("/api/donations", &body).await, StatusCode::CREATED).await;
    }
    let rows = json_of(app.get("/api/reports/donors").await, StatusCode::OK).await;
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[0]["donor_name"], "Bakery");
    let maria = &rows[1];
    assert_eq!(maria["donations"], 3);
    assert_eq!(maria["first_donated_on"], "2025-01-10");
    assert_eq!(maria["last_donated_on"], "2025-03-01");
    assert_eq!(
        maria["totals"],
        json!([{"kind": "money", "quantity": "30.00"}, {"kind": "food", "quantity": "3.00"}])
    );
}

#[tokio::test]
async fn reports_download_as_csv() {
    let app = spawn_app().await;
    let body = json!({"donor_name": "Ada, \"the\" donor", "kind": "money", "quantity": "12.5", "donated_on": "2025-01-01"});
    json_of(app.post("/api/donations", &body).await, StatusCode::CREATED).await;

    let response = app.get("/api/reports/inventory.csv").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"inventory.csv\""
    );
    let text = response.text().await.unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines[0], "kind,donated,distributed,balance");
    assert_eq!(lines[1], "money,12.50,0.00,12.50");
    assert_eq!(lines.len(), 7);

    let response = app.get("/api/reports/donors.csv").await;
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"donors.csv\""
    );
    let text = response.text().await.unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(
        lines[0],
        "donor_name,donations,first_donated_on,last_donated_on,money,food,clothing,hygiene,household,other"
    );
    assert_eq!(
        lines[1],
        "\"Ada, \"\"the\"\" donor\",1,2025-01-01,2025-01-01,12.50,0.00,0.00,0.00,0.00,0.00"
    );
}

#[tokio::test]
async fn a_donor_name_that_is_a_formula_is_exported_as_text() {
    let app = spawn_app().await;
    let name = "=HYPERLINK(\"http://evil.example\",\"click\")";
    let body =
        json!({"donor_name": name, "kind": "food", "quantity": "1", "donated_on": "2025-01-01"});
    json_of(app.post("/api/donations", &body).await, StatusCode::CREATED).await;
    let text = app
        .get("/api/reports/donors.csv")
        .await
        .text()
        .await
        .unwrap();
    let row = text.lines().nth(1).unwrap();
    assert!(
        row.starts_with("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\","),
        "{row}"
    );
}
