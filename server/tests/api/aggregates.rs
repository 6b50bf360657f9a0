//! The reports' totals follow every ledger write, stay exact under concurrent writes, are filled
//! in by the migration that adds them, and a corrupted one is found.

use reqwest::StatusCode;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use sea_orm_migration::MigratorTrait;
use serde_json::{Value, json};
use server::entities::{donation, donor_total, ledger_daily_total};
use server::migration::Migrator;
use server::services::aggregates;

use crate::helpers::{TestApp, fresh_database, json_of, spawn_app};

async fn record(app: &TestApp, path: &str, body: Value) -> i64 {
    json_of(app.post(path, &body).await, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap()
}

pub(crate) async fn assert_no_differences(app: &TestApp) {
    let differences = aggregates::differences(&app.db).await.unwrap();
    assert!(differences.is_empty(), "{differences:#?}");
}

pub(crate) async fn donor_row(app: &TestApp, name: &str) -> Value {
    let page = json_of(app.get("/api/reports/donors").await, StatusCode::OK).await;
    let rows = page
        .get("items")
        .unwrap_or(&page)
        .as_array()
        .unwrap()
        .clone();
    rows.into_iter()
        .find(|row| row["donor_name"] == name)
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn totals_follow_creates_corrections_and_deletes() {
    let app = spawn_app().await;
    let first = record(
        &app,
        "/api/donations",
        json!({"donor_name": "Ada", "kind": "food", "quantity": "10", "donated_on": "2025-01-01"}),
    )
    .await;
    record(&app, "/api/donations", json!({"donor_name": "ada", "kind": "money", "quantity": "5.25", "donated_on": "2025-02-01"})).await;
    let last = record(
        &app,
        "/api/donations",
        json!({"donor_name": "Ada ", "kind": "food", "quantity": "2", "donated_on": "2025-03-01"}),
    )
    .await;
    let given = record(
        &app,
        "/api/distributions",
        json!({"kind": "food", "quantity": "1", "distributed_on": "2025-03-02"}),
    )
    .await;
    assert_no_differences(&app).await;

    // Removing the donor's first and last donations moves both dates inwards.
    assert_eq!(
        app.delete(&format!("/api/donations/{first}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let body =
        json!({"donor_name": "Bea", "kind": "food", "quantity": "3", "donated_on": "2025-01-15"});
    json_of(
        app.put(&format!("/api/donations/{last}"), &body).await,
        StatusCode::OK,
    )
    .await;
    let ada = donor_row(&app, "Ada").await;
    assert_eq!(ada, Value::Null, "the least spelling left is 'ada'");
    let ada = donor_row(&app, "ada").await;
    assert_eq!(ada["donations"], 1);
    assert_eq!(ada["first_donated_on"], "2025-02-01");
    assert_eq!(ada["last_donated_on"], "2025-02-01");
    assert_eq!(
        ada["totals"],
        json!([{"kind": "money", "quantity": "5.25"}])
    );
    assert_eq!(donor_row(&app, "Bea").await["donations"], 1);

    let body = json!({"kind": "food", "quantity": "1", "distributed_on": "2025-01-20"});
    json_of(
        app.put(&format!("/api/distributions/{given}"), &body).await,
        StatusCode::OK,
    )
    .await;
    let rows = json_of(
        app.get("/api/reports/inventory?as_of=2025-01-31").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        rows[1],
        json!({"kind": "food", "donated": "3.00", "distributed": "1.00", "balance": "2.00", "threshold": null, "state": "ok"})
    );
    assert_eq!(
        app.delete(&format!("/api/distributions/{given}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_no_differences(&app).await;

    // A day, donor or donor's kind with nothing left has no row at all.
    let days = ledger_daily_total::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(days.len(), 2, "{days:?}");
}

#[tokio::test]
async fn a_donation_between_the_donors_first_and_last_moves_only_the_sums() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for (name, quantity, day) in [
        ("Ada", "1", "2025-01-01"),
        ("ada", "2", "2025-02-01"),
        ("ada", "3", "2025-03-01"),
        ("Ada", "4", "2025-04-01"),
    ] {
        let body =
            json!({"donor_name": name, "kind": "food", "quantity": quantity, "donated_on": day});
        ids.push(record(&app, "/api/donations", body).await);
    }
    assert_eq!(
        app.delete(&format!("/api/donations/{}", ids[2]))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    // Neither change is on the donor's first or last day nor (where names sort by their bytes,
    // as on SQLite) spells the name shown, "Ada": only the sums move.
    let body =
        json!({"donor_name": "ada ", "kind": "money", "quantity": "7", "donated_on": "2025-03-15"});
    json_of(
        app.put(&format!("/api/donations/{}", ids[1]), &body).await,
        StatusCode::OK,
    )
    .await;
    assert_no_differences(&app).await;
    let row = donor_total::Entity::find_by_id("ada")
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.donations, row.quantity), (3, 1200));
    assert_eq!(row.donor_name.to_lowercase(), "ada");
    assert_eq!(donor_row(&app, &row.donor_name).await["donations"], 3);
    assert_eq!(
        (
            row.first_donated_on.to_string(),
            row.last_donated_on.to_string()
        ),
        ("2025-01-01".to_owned(), "2025-04-01".to_owned())
    );
}

#[tokio::test]
async fn concurrent_writes_keep_the_totals_exact() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    // Over four days, so that changes land on a donor's first and last days and between them.
    for n in 0..16 {
        let donor = ["Ada", "Bea"][n % 2];
        let day = format!("2025-01-0{}", 1 + n % 4);
        let body = json!({"donor_name": donor, "kind": "food", "quantity": "5", "donated_on": day});
        ids.push(record(&app, "/api/donations", body).await);
    }
    let mut requests = Vec::new();
    for n in 0..48_usize {
        let client = app.client.clone();
        let day = format!("2025-01-0{}", 1 + n % 3);
        let donor = ["Ada", "ada ", "Bea", "Cy"][n % 4];
        let kind = ["food", "money"][n % 2];
        let new_donor = ["Cy", "Ada"][n / 4 % 2];
        let (method, url, body) = match n % 4 {
            0 | 1 => (
                reqwest::Method::POST,
                app.url("/api/donations"),
                json!({"donor_name": donor, "kind": kind, "quantity": "1.5", "donated_on": day}),
            ),
            2 => (
                reqwest::Method::PUT,
                app.url(&format!("/api/donations/{}", ids[n / 4])),
                json!({"donor_name": new_donor, "kind": kind, "quantity": "2", "donated_on": day}),
            ),
            _ => (
                reqwest::Method::POST,
                app.url("/api/distributions"),
                json!({"kind": "food", "quantity": "0.5", "distributed_on": day}),
            ),
        };
        requests.push(tokio::spawn(async move {
            client
                .request(method, url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for id in &ids[12..] {
        let client = app.client.clone();
        let url = app.url(&format!("/api/donations/{id}"));
        requests.push(tokio::spawn(async move {
            client.delete(url).send().await.unwrap().status()
        }));
    }
    for request in requests {
        let status = request.await.unwrap();
        assert!(status.is_success(), "{status}");
    }
    assert_no_differences(&app).await;
}

#[tokio::test]
async fn a_corrupted_total_is_reported() {
    let app = spawn_app().await;
    record(
        &app,
        "/api/donations",
        json!({"donor_name": "Ada", "kind": "food", "quantity": "10", "donated_on": "2025-01-01"}),
    )
    .await;
    ledger_daily_total::Entity::update_many()
        .col_expr(
            ledger_daily_total::Column::Donated,
            Expr::col(ledger_daily_total::Column::Donated).add(1),
        )
        .exec(&app.db)
        .await
        .unwrap();
    donor_total::Entity::delete_many()
        .exec(&app.db)
        .await
        .unwrap();

    let differences = aggregates::differences(&app.db).await.unwrap();
    let lines: Vec<String> = differences.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "ledger_daily_totals food 2025-01-01: stored donated 10.01 distributed 0.00, \
             records give donated 10.00 distributed 0.00",
            "donor_totals \"ada\": stored no row, records give name \"Ada\", 1 donations, \
             quantity 10.00, 2025-01-01 to 2025-01-01",
        ]
    );
}

/// Runs `server check` against the app's database: its exit code and what it printed.
async fn run_check(app: &TestApp) -> (Option<i32>, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("check")
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[tokio::test]
async fn the_check_command_exits_1_and_names_each_total_that_differs() {
    let app = spawn_app().await;
    let id = record(
        &app,
        "/api/donations",
        json!({"donor_name": "Ada", "kind": "food", "quantity": "10", "donated_on": "2025-01-01"}),
    )
    .await;
    record(
        &app,
        "/api/distributions",
        json!({"kind": "food", "quantity": "4", "distributed_on": "2025-01-02"}),
    )
    .await;
    let body =
        json!({"donor_name": "Bea", "kind": "food", "quantity": "12", "donated_on": "2025-01-03"});
    json_of(
        app.put(&format!("/api/donations/{id}"), &body).await,
        StatusCode::OK,
    )
    .await;
    let (code, stdout) = run_check(&app).await;
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(stdout, "the reports' totals match the records\n");

    donor_total::Entity::update_many()
        .col_expr(donor_total::Column::Donations, Expr::value(7))
        .exec(&app.db)
        .await
        .unwrap();
    let (code, stdout) = run_check(&app).await;
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(
        stdout,
        "donor_totals \"bea\": stored name \"Bea\", 7 donations, quantity 12.00, 2025-01-03 to \
         2025-01-03, records give name \"Bea\", 1 donations, quantity 12.00, 2025-01-03 to \
         2025-01-03\n1 of the reports' totals differ from the records\n"
    );
}

#[tokio::test]
async fn the_migration_fills_the_totals_from_existing_records() {
    let dir = tempfile::tempdir().unwrap();
    let db = sea_orm::Database::connect(fresh_database(dir.path()).await)
        .await
        .unwrap();
    let before_totals = Migrator::migrations()
        .iter()
        .position(|migration| migration.name() == "m0007_aggregates")
        .unwrap();
    Migrator::up(&db, Some(u32::try_from(before_totals).unwrap()))
        .await
        .unwrap();
    let now = chrono::Utc::now();
    for (name, kind, quantity, day) in [
        ("Ada", "food", 1000, "2025-01-01"),
        ("ada", "money", 525, "2025-02-01"),
        ("Bea", "food", 300, "2025-01-01"),
    ] {
        donation::ActiveModel {
            donor_name: Set(name.to_owned()),
            donor_key: Set(name.to_lowercase()),
            kind: Set(kind.to_owned()),
            quantity: Set(quantity),
            donated_on: Set(day.parse().unwrap()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
    }

    Migrator::up(&db, None).await.unwrap();
    assert!(aggregates::differences(&db).await.unwrap().is_empty());
    let ada = donor_total::Entity::find_by_id("ada")
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ada.donor_name.as_str(), ada.donations, ada.quantity),
        ("Ada", 2, 1525)
    );
    let food = ledger_daily_total::Entity::find()
        .filter(ledger_daily_total::Column::Kind.eq("food"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(food.donated, 1300);

    // Down past the totals' migration and up again leaves the same totals.
    let since_totals = Migrator::migrations().len() - before_totals;
    Migrator::down(&db, Some(u32::try_from(since_totals).unwrap()))
        .await
        .unwrap();
    Migrator::up(&db, None).await.unwrap();
    assert!(aggregates::differences(&db).await.unwrap().is_empty());
    assert_eq!(donor_total::Entity::find().all(&db).await.unwrap().len(), 2);
}
