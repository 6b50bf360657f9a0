use futures_util::TryStreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::services::reports;

use crate::helpers::{TestApp, error_of, json_of, spawn_app};

/// Records one donation of each (donor, kind, quantity, day).
async fn donate_all(app: &TestApp, donations: &[(&str, &str, &str, &str)]) {
    for (donor, kind, quantity, day) in donations {
        let body =
            json!({"donor_name": donor, "kind": kind, "quantity": quantity, "donated_on": day});
        json_of(app.post("/api/donations", &body).await, StatusCode::CREATED).await;
    }
}

/// The donor names of one page of the donor report at `query`, and the number in all pages.
async fn donor_names(app: &TestApp, query: &str) -> (Vec<String>, u64) {
    let page = json_of(
        app.get(&format!("/api/reports/donors?{query}")).await,
        StatusCode::OK,
    )
    .await;
    let names = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["donor_name"].as_str().unwrap().to_owned())
        .collect();
    (names, page["total"].as_u64().unwrap())
}

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
        json!({"kind": "food", "donated": "10.00", "distributed": "3.00", "balance": "7.00", "threshold": null, "state": "ok"})
    );
    let rows = json_of(app.get("/api/reports/inventory").await, StatusCode::OK).await;
    assert_eq!(
        rows[1],
        json!({"kind": "food", "donated": "15.00", "distributed": "3.00", "balance": "12.00", "threshold": null, "state": "ok"})
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
    let page = json_of(app.get("/api/reports/donors").await, StatusCode::OK).await;
    assert_eq!(page["total"], 2);
    let rows = &page["items"];
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

#[tokio::test]
async fn the_donor_report_pages_sorts_and_searches() {
    let app = spawn_app().await;
    donate_all(
        &app,
        &[
            ("Cleo", "money", "100", "2025-01-01"),
            ("bakery", "food", "30", "2025-03-01"),
            ("Bakery Two", "food", "30", "2025-02-01"),
            ("Ada", "food", "5", "2025-04-01"),
            ("Ada", "money", "1", "2025-01-02"),
        ],
    )
    .await;
    let names = |list: &[&str]| {
        list.iter()
            .map(|name| (*name).to_owned())
            .collect::<Vec<_>>()
    };

    assert_eq!(
        donor_names(&app, "").await,
        (names(&["Ada", "bakery", "Bakery Two", "Cleo"]), 4)
    );
    assert_eq!(
        donor_names(&app, "per_page=3&page=2").await,
        (names(&["Cleo"]), 4)
    );
    assert_eq!(
        donor_names(&app, "sort=-name&per_page=2").await,
        (names(&["Cleo", "Bakery Two"]), 4)
    );
    // The most first, ties by name.
    assert_eq!(
        donor_names(&app, "sort=-total").await.0,
        names(&["Cleo", "bakery", "Bakery Two", "Ada"])
    );
    assert_eq!(
        donor_names(&app, "sort=total").await.0,
        names(&["Ada", "bakery", "Bakery Two", "Cleo"])
    );
    assert_eq!(
        donor_names(&app, "sort=-last_donation").await.0,
        names(&["Ada", "bakery", "Bakery Two", "Cleo"])
    );
    assert_eq!(
        donor_names(&app, "sort=last_donation").await.0,
        names(&["Cleo", "Bakery Two", "bakery", "Ada"])
    );
    assert_eq!(
        donor_names(&app, "q=%20BAKERY").await,
        (names(&["bakery", "Bakery Two"]), 2)
    );
    assert_eq!(donor_names(&app, "q=100%25").await, (names(&[]), 0));
}

#[tokio::test]
async fn a_bad_donor_report_query_is_a_422_naming_each_field() {
    let app = spawn_app().await;
    for (query, field, reason) in [
        (
            "sort=amount",
            "sort",
            "must be one of name, total, last_donation, each optionally after `-` for the reverse order",
        ),
        ("per_page=101", "per_page", "must be between 1 and 100"),
        ("page=0", "page", "must be between 1 and 100000"),
    ] {
        let error = error_of(
            app.get(&format!("/api/reports/donors?{query}")).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error["fields"][field], Value::from(reason), "{query}");
    }
    let long = "x".repeat(201);
    let error = error_of(
        app.get(&format!("/api/reports/donors?q={long}")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(error["fields"]["q"].is_string(), "{error}");
}

#[tokio::test]
async fn the_donor_csv_streams_every_donor_in_name_order() {
    let app = spawn_app().await;
    donate_all(
        &app,
        &[
            ("Cleo", "money", "1", "2025-01-01"),
            ("Bea", "food", "2", "2025-01-02"),
            ("Ada", "food", "3", "2025-01-03"),
        ],
    )
    .await;
    let response = app.get("/api/reports/donors.csv").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers().get("content-length").is_none(),
        "sent as it is read, its length unknown up front"
    );
    let text = response.text().await.unwrap();
    let donors: Vec<_> = text
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap())
        .collect();
    assert_eq!(donors, ["Ada", "Bea", "Cleo"]);

    // Chunks continue after the previous chunk's last donor: none twice, none left out.
    let chunks: Vec<Vec<String>> = reports::donors_in_chunks(app.db.clone(), 2)
        .map_ok(|rows| rows.into_iter().map(|row| row.donor_name).collect())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(chunks, [vec!["Ada", "Bea"], vec!["Cleo"]]);
}
