//! The list tools every list shares: sorting by a column either way, filters, and a CSV file
//! of exactly what the filters select, in the same order, however many pages it spans.

use app::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, error_of, json_of, new_client, spawn_app, spawn_app_signing_in_freely,
};

async fn donate(app: &TestApp, donor: &str, kind: &str, quantity: &str, on: &str) {
    let body = json!({"donor_name": donor, "kind": kind, "quantity": quantity, "donated_on": on});
    json_of(app.post("/api/donations", &body).await, StatusCode::CREATED).await;
}

/// The values of `field` in a page of a list, in order.
async fn column(app: &TestApp, path: &str, field: &str) -> Vec<Value> {
    let page = json_of(app.get(path).await, StatusCode::OK).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].clone())
        .collect()
}

/// The rows of a CSV download, header first.
async fn csv_of(response: reqwest::Response) -> Vec<Vec<String>> {
    assert_eq!(response.status(), StatusCode::OK, "{}", response.url());
    let text = response.text().await.unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

async fn csv_rows(app: &TestApp, path: &str) -> Vec<Vec<String>> {
    csv_of(app.get(path).await).await
}

#[tokio::test]
async fn donations_sort_by_any_column_either_way() {
    let app = spawn_app().await;
    donate(&app, "bea", "food", "5", "2025-03-02").await;
    donate(&app, "Ada", "hygiene", "12", "2025-03-01").await;
    donate(&app, "Cy", "clothing", "1.5", "2025-03-03").await;

    let names = |sort: &'static str| {
        let app = &app;
        async move { column(app, &format!("/api/donations?sort={sort}"), "donor_name").await }
    };
    assert_eq!(names("-date").await, ["Cy", "bea", "Ada"]);
    assert_eq!(names("date").await, ["Ada", "bea", "Cy"]);
    // Names sort without regard to case.
    assert_eq!(names("name").await, ["Ada", "bea", "Cy"]);
    assert_eq!(names("-name").await, ["Cy", "bea", "Ada"]);
    assert_eq!(names("quantity").await, ["Cy", "bea", "Ada"]);
    assert_eq!(names("-quantity").await, ["Ada", "bea", "Cy"]);
    assert_eq!(names("kind").await, ["Cy", "bea", "Ada"]);
    // No sort is newest first.
    assert_eq!(
        column(&app, "/api/donations", "donor_name").await,
        names("-date").await
    );
}

#[tokio::test]
async fn an_unknown_sort_is_refused_naming_the_columns() {
    let app = spawn_app().await;
    for path in [
        "/api/donations?sort=price",
        "/api/distributions.csv?sort=--date",
        "/api/products?sort=quantity",
        "/api/history?sort=date",
    ] {
        let error = error_of(
            app.get(path).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(
            error["fields"]["sort"]
                .as_str()
                .unwrap()
                .contains("must be one of"),
            "{path}: {error}"
        );
    }
}

#[tokio::test]
async fn the_donations_csv_holds_every_matching_donation_in_the_lists_order() {
    let app = spawn_app().await;
    for day in 1..=25 {
        let quantity = format!("{day}");
        donate(&app, "Ada", "food", &quantity, &format!("2025-04-{day:02}")).await;
    }
    donate(&app, "Ada", "hygiene", "100", "2025-04-10").await;
    donate(&app, "Bob", "food", "100", "2025-04-10").await;

    let query = "kind=food&donor=ada&from=2025-04-03&to=2025-04-24&sort=quantity&per_page=5";
    let rows = csv_rows(&app, &format!("/api/donations.csv?{query}")).await;
    assert_eq!(
        rows[0],
        [
            "id",
            "donated_on",
            "donor",
            "kind",
            "quantity",
            "note",
            "recorded_at"
        ]
    );
    let quantities: Vec<&str> = rows[1..].iter().map(|row| row[4].as_str()).collect();
    let expected: Vec<String> = (3..=24).map(|day| format!("{day}.00")).collect();
    assert_eq!(quantities, expected, "every match, whatever the page size");
    assert!(
        rows[1..]
            .iter()
            .all(|row| row[2] == "Ada" && row[3] == "food")
    );

    let first_page = column(&app, &format!("/api/donations?{query}"), "quantity").await;
    assert_eq!(first_page, ["3.00", "4.00", "5.00", "6.00", "7.00"]);
}

#[tokio::test]
async fn distributions_filter_by_recipient_and_sort_by_it() {
    let app = spawn_app().await;
    donate(&app, "Ada", "food", "100", "2025-05-01").await;
    for (recipient, quantity) in [
        (Some("North Shelter"), "3"),
        (None, "2"),
        (Some("east pantry"), "4"),
    ] {
        let body = json!({"kind": "food", "quantity": quantity, "distributed_on": "2025-05-02", "recipient": recipient});
        json_of(
            app.post("/api/distributions", &body).await,
            StatusCode::CREATED,
        )
        .await;
    }
    assert_eq!(
        column(&app, "/api/distributions?sort=name", "recipient").await,
        [Value::Null, json!("east pantry"), json!("North Shelter")]
    );
    assert_eq!(
        column(&app, "/api/distributions?recipient=SHELTER", "recipient").await,
        ["North Shelter"]
    );
    let rows = csv_rows(&app, "/api/distributions.csv?sort=-quantity").await;
    let recipients: Vec<&str> = rows[1..].iter().map(|row| row[2].as_str()).collect();
    assert_eq!(recipients, ["east pantry", "North Shelter", ""]);
}

#[tokio::test]
async fn products_sort_by_price_and_staff_export_them_with_their_stock() {
    let app = spawn_app_signing_in_freely().await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    for (name, price, stock) in [("Mug", "8", 3), ("apron", "15.50", 0), ("Tea", "4", 9)] {
        let body = json!({"name": name, "description": "", "price": price, "stock": stock});
        let response = admin
            .post(app.url("/api/products"))
            .json(&body)
            .send()
            .await
            .unwrap();
        json_of(response, StatusCode::CREATED).await;
    }
    assert_eq!(
        column(&app, "/api/products?sort=price", "name").await,
        ["Tea", "Mug", "apron"]
    );
    assert_eq!(
        column(&app, "/api/products?sort=-name", "name").await,
        ["Tea", "Mug", "apron"]
    );

    let anonymous = new_client()
        .get(app.url("/api/products.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    let refused = member
        .get(app.url("/api/products.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let rows = csv_of(
        admin
            .get(app.url("/api/products.csv?sort=stock&q=a"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let shown: Vec<(&str, &str, &str)> = rows[1..]
        .iter()
        .map(|row| (row[1].as_str(), row[4].as_str(), row[6].as_str()))
        .collect();
    assert_eq!(shown, [("apron", "0", "out"), ("Tea", "9", "ok")]);
}

#[tokio::test]
async fn staff_find_orders_by_customer_and_export_them() {
    let app = spawn_app_signing_in_freely().await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    let product = json!({"name": "Rice", "description": "", "price": "2.50", "stock": 50});
    let rice = json_of(
        admin
            .post(app.url("/api/products"))
            .json(&product)
            .send()
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let ada = app.client_with_role("ada@example.org", Role::Member).await;
    let bob = app.client_with_role("bob@example.org", Role::Member).await;
    for (customer, quantity) in [(&ada, 2), (&bob, 5)] {
        let added = customer
            .post(app.url("/api/cart/items"))
            .json(&json!({"product_id": rice, "quantity": quantity}))
            .send()
            .await
            .unwrap();
        assert!(added.status().is_success());
        let placed = customer
            .post(app.url("/api/cart/checkout"))
            .send()
            .await
            .unwrap();
        assert_eq!(placed.status(), StatusCode::CREATED);
    }
    let get = |path: &'static str| admin.get(app.url(path)).send();
    let found = json_of(
        get("/api/orders?all=true&customer=BOB").await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["customer"]["email"], "bob@example.org");
    let by_total = json_of(
        get("/api/orders?all=true&sort=total").await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_total["items"][0]["total"], "5.00");

    let rows = csv_of(get("/api/orders.csv?all=true&sort=-total").await.unwrap()).await;
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][3], "bob@example.org");
    assert_eq!(rows[1][4], "5 × Rice");
    assert_eq!(rows[1][5], "12.50");

    // A member's file holds their own orders only, and everyone's is not theirs to ask for.
    let own = csv_of(ada.get(app.url("/api/orders.csv")).send().await.unwrap()).await;
    assert_eq!(own.len(), 2, "{own:?}");
    assert_eq!(own[1][3], "ada@example.org");
    let everyone = ada
        .get(app.url("/api/orders.csv?all=true"))
        .send()
        .await
        .unwrap();
    assert_eq!(everyone.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_history_lists_oldest_first_when_asked() {
    let app = spawn_app().await;
    donate(&app, "Ada", "food", "1", "2025-06-01").await;
    donate(&app, "Bob", "food", "2", "2025-06-01").await;
    let ids = |path: &'static str| {
        let app = &app;
        async move { column(app, path, "record_id").await }
    };
    let newest = ids("/api/history?record_type=donation").await;
    let mut oldest = ids("/api/history?record_type=donation&sort=time").await;
    oldest.reverse();
    assert_eq!(newest, oldest);
    let rows = csv_rows(&app, "/api/history.csv?record_type=donation&sort=time").await;
    assert_eq!(rows[1][4], newest[1].to_string());
}

#[tokio::test]
async fn every_csv_file_arrives_whole_when_compressed() {
    let app = spawn_app().await;
    donate(&app, "Ada", "food", "3", "2025-07-01").await;
    for path in [
        "/api/donations.csv",
        "/api/donations.csv?from=2999-01-01",
        "/api/distributions.csv",
        "/api/products.csv",
        "/api/orders.csv",
        "/api/history.csv",
    ] {
        let response = app
            .client
            .get(app.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["content-encoding"], "gzip", "{path}");
        let body = response.bytes().await.expect(path);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&body[..]), &mut text)
            .expect(path);
        assert!(
            text.starts_with("id,") || text.starts_with("occurred_at,"),
            "{path}: {text}"
        );
    }
}
