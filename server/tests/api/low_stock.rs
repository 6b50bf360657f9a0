use std::time::Duration;

use app::accounts::Role;
use app::ledger::Kind;
use app::shop::ProductQuery;
use app::stock::StockState;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use sea_orm_migration::MigratorTrait;
use serde_json::{Value, json};
use server::config::{Config, JobsConfig, SecurityConfig};
use server::entities::stock_alert;
use server::migration::Migrator;
use server::services::{low_stock, shop};

use crate::helpers::{
    TestApp, error_of, fresh_database, json_of, new_client, spawn_app_configured,
};
use crate::jobs::smtp_server;
use crate::sources::Sources;

/// A server that posts its notifications to a local receiver, and lets many members sign in.
async fn spawn_notifying() -> (TestApp, Sources) {
    let receiver = Sources::start().await;
    let jobs = JobsConfig {
        disable_scheduler: true,
        notify_webhook_url: Some(receiver.url("/webhook")),
        ..JobsConfig::default()
    };
    let app = spawn_app_configured(|config| Config {
        jobs,
        security: SecurityConfig {
            auth_rate_limit: 0,
            ..SecurityConfig::default()
        },
        ..config
    })
    .await;
    (app, receiver)
}

async fn set_threshold(app: &TestApp, kind: &str, threshold: Value) -> Value {
    json_of(
        app.put(
            &format!("/api/stock-thresholds/{kind}"),
            &json!({ "threshold": threshold }),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn distribute(app: &TestApp, kind: &str, quantity: &str) {
    let body = json!({"kind": kind, "quantity": quantity});
    json_of(
        app.post("/api/distributions", &body).await,
        StatusCode::CREATED,
    )
    .await;
}

/// The notifications posted so far, once `count` have arrived and a little longer has passed,
/// so that a second notification sent in error would be among them too.
async fn notifications(receiver: &Sources, count: usize) -> Vec<Value> {
    receiver.webhooks(count).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    receiver.webhooks(count).await
}

async fn queued_alerts(app: &TestApp) -> u64 {
    stock_alert::Entity::find().count(&app.db).await.unwrap()
}

#[tokio::test]
async fn thresholds_list_every_kind_with_its_balance_and_state() {
    let (app, _receiver) = spawn_notifying().await;
    app.donate("food", "12.50").await;
    let row = set_threshold(&app, "food", json!("20")).await;
    assert_eq!(row["kind"], "food");
    assert_eq!(row["threshold"], "20.00");
    assert_eq!(row["balance"], "12.50");
    assert_eq!(row["state"], "low");

    let rows = json_of(app.get("/api/stock-thresholds").await, StatusCode::OK).await;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let money = rows.iter().find(|row| row["kind"] == "money").unwrap();
    assert_eq!(money["threshold"], Value::Null);
    assert_eq!(money["state"], "out");

    let inventory = json_of(app.get("/api/reports/inventory").await, StatusCode::OK).await;
    let food = inventory
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["kind"] == "food")
        .unwrap();
    assert_eq!(food["threshold"], "20.00");
    assert_eq!(food["state"], "low");

    let removed = set_threshold(&app, "food", Value::Null).await;
    assert_eq!(removed["threshold"], Value::Null);
    assert_eq!(removed["state"], "ok");
}

#[tokio::test]
async fn a_negative_or_malformed_threshold_is_rejected_with_its_field() {
    let (app, _receiver) = spawn_notifying().await;
    for bad in [
        json!("-1"),
        json!(-1),
        json!("ten"),
        json!("1.005"),
        json!(true),
    ] {
        let response = app
            .put("/api/stock-thresholds/food", &json!({ "threshold": bad }))
            .await;
        let error = error_of(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(error["fields"]["threshold"].is_string(), "{bad}: {error}");
    }
    let response = app
        .put("/api/stock-thresholds/toys", &json!({ "threshold": "1" }))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let rows = json_of(app.get("/api/stock-thresholds").await, StatusCode::OK).await;
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|row| row["threshold"].is_null())
    );
}

#[tokio::test]
async fn only_staff_may_see_or_set_thresholds() {
    let (app, _receiver) = spawn_notifying().await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    let body = json!({"threshold": "5"});
    for client in [&member, &new_client()] {
        let read = client
            .get(app.url("/api/stock-thresholds"))
            .send()
            .await
            .unwrap();
        let write = client
            .put(app.url("/api/stock-thresholds/food"))
            .json(&body)
            .send()
            .await
            .unwrap();
        for response in [read, write] {
            assert!(
                [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&response.status()),
                "{}",
                response.status()
            );
        }
    }
}

#[tokio::test]
async fn falling_below_a_threshold_notifies_once_and_again_only_after_recovering() {
    let (app, receiver) = spawn_notifying().await;
    app.donate("food", "20").await;
    set_threshold(&app, "food", json!("10")).await;
    distribute(&app, "food", "5").await;
    distribute(&app, "food", "6").await;
    distribute(&app, "food", "1").await;
    let posted = notifications(&receiver, 1).await;
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0]["event"], "low_stock");
    assert_eq!(posted[0]["item"], "food");
    assert_eq!(posted[0]["state"], "low");
    assert_eq!(posted[0]["stock"], "9.00 units");
    assert_eq!(posted[0]["threshold"], "10.00 units");

    app.donate("food", "2").await;
    distribute(&app, "food", "3").await;
    let posted = notifications(&receiver, 2).await;
    assert_eq!(posted.len(), 2, "{posted:?}");
    assert_eq!(posted[1]["stock"], "7.00 units");
}

#[tokio::test]
async fn a_threshold_set_above_the_balance_notifies_and_the_change_is_in_the_history() {
    let (app, receiver) = spawn_notifying().await;
    app.donate("hygiene", "4").await;
    set_threshold(&app, "hygiene", json!("5")).await;
    set_threshold(&app, "hygiene", json!("6")).await;
    let posted = notifications(&receiver, 1).await;
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0]["name"], "Hygiene");

    let history = json_of(
        app.get("/api/history?record_type=stock_threshold").await,
        StatusCode::OK,
    )
    .await;
    let events = history["items"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{history}");
    assert_eq!(events[0]["action"], "updated");
    assert_eq!(events[0]["before"]["threshold"], "5.00");
    assert_eq!(events[0]["after"]["threshold"], "6.00");
    assert_eq!(events[1]["action"], "created");
}

#[tokio::test]
async fn a_low_stock_alert_is_emailed_when_smtp_is_configured() {
    let (smtp_url, delivered) = smtp_server().await;
    let jobs = JobsConfig {
        disable_scheduler: true,
        smtp_url: Some(smtp_url),
        notify_email_from: Some("hub@example.org".to_owned()),
        notify_email_to: vec!["ops@example.org".to_owned()],
        ..JobsConfig::default()
    };
    let app = spawn_app_configured(|config| Config { jobs, ..config }).await;
    app.donate("money", "40").await;
    set_threshold(&app, "money", json!("50.00")).await;

    let message = tokio::time::timeout(Duration::from_secs(10), delivered)
        .await
        .expect("an e-mail arrives")
        .unwrap();
    assert!(message.contains("To: ops@example.org"), "{message}");
    assert!(
        message.contains("Subject: [community hub] low stock: Money"),
        "{message}"
    );
    assert!(
        message.contains("Money is low: 40.00 USD left, below the threshold of 50.00 USD."),
        "{message}"
    );
}

#[tokio::test]
async fn distributions_that_cross_together_notify_once() {
    let (app, receiver) = spawn_notifying().await;
    app.donate("clothing", "20").await;
    set_threshold(&app, "clothing", json!("15")).await;
    let handles: Vec<_> = (0..12)
        .map(|_| {
            let request = app
                .client
                .post(app.url("/api/distributions"))
                .json(&json!({"kind": "clothing", "quantity": 1}))
                .send();
            tokio::spawn(async move { request.await.unwrap().status() })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.await.unwrap(), StatusCode::CREATED);
    }
    assert_eq!(app.balance("clothing").await, "8.00");
    assert_eq!(queued_alerts(&app).await, 1);
    let posted = notifications(&receiver, 1).await;
    assert_eq!(posted.len(), 1, "{posted:?}");
}

#[tokio::test]
async fn a_product_below_its_threshold_shows_low_and_notifies_once() {
    let (app, receiver) = spawn_notifying().await;
    let body = json!({"name": "Mug", "price": "6", "stock": 5, "low_stock_threshold": 3});
    let created = json_of(app.post("/api/products", &body).await, StatusCode::CREATED).await;
    assert_eq!(created["low_stock_threshold"], 3);
    assert_eq!(created["stock_state"], "ok");
    let id = created["id"].as_i64().unwrap();

    // Members buying the last units together: one notification however many checkouts cross.
    let mut buyers = Vec::new();
    for n in 0..5 {
        let member = app
            .client_with_role(&format!("buyer{n}@example.org"), Role::Member)
            .await;
        let line = member
            .put(app.url(&format!("/api/cart/items/{id}")))
            .json(&json!({"quantity": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(line.status(), StatusCode::OK);
        buyers.push(member);
    }
    let handles: Vec<_> = buyers
        .iter()
        .map(|member| {
            let request = member.post(app.url("/api/cart/checkout")).send();
            tokio::spawn(async move { request.await.unwrap().status() })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.await.unwrap(), StatusCode::CREATED);
    }
    let product = json_of(
        app.get(&format!("/api/products/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(product["stock"], 0);
    assert_eq!(product["stock_state"], "out");
    assert_eq!(queued_alerts(&app).await, 1);
    let posted = notifications(&receiver, 1).await;
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0]["item"], format!("product:{id}"));
    assert_eq!(posted[0]["name"], "Mug");

    // Restocked above the threshold, then edited below it: a new dip, a new notification.
    for stock in [10, 2] {
        let mut body = json_of(
            app.get(&format!("/api/products/{id}")).await,
            StatusCode::OK,
        )
        .await;
        body["stock"] = json!(stock);
        json_of(
            app.put(&format!("/api/products/{id}"), &body).await,
            StatusCode::OK,
        )
        .await;
    }
    let posted = notifications(&receiver, 2).await;
    assert_eq!(posted.len(), 2, "{posted:?}");
    assert_eq!(posted[1]["state"], "low");
}

#[tokio::test]
async fn a_product_threshold_out_of_range_is_rejected() {
    let (app, _receiver) = spawn_notifying().await;
    for bad in [json!(-1), json!(1.5), json!("many"), json!(1_000_001)] {
        let body = json!({"name": "Mug", "price": "6", "stock": 5, "low_stock_threshold": bad});
        let error = error_of(
            app.post("/api/products", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(
            error["fields"]["low_stock_threshold"].is_string(),
            "{bad}: {error}"
        );
    }
}

#[tokio::test]
async fn the_demo_data_shows_a_low_kind_and_a_low_product_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = sea_orm::Database::connect(fresh_database(dir.path()).await)
        .await
        .unwrap();
    Migrator::up(&db, None).await.unwrap();
    server::demo::load_if_empty(&db).await.unwrap();

    let kinds = low_stock::kind_thresholds(&db).await.unwrap();
    let household = kinds
        .iter()
        .find(|row| row.kind == Kind::Household)
        .unwrap();
    assert_eq!(household.state, StockState::Low);
    let products = shop::list_products(&db, &ProductQuery::default())
        .await
        .unwrap();
    assert!(
        products
            .items
            .iter()
            .any(|product| product.stock_state == StockState::Low),
        "{:?}",
        products.items
    );
}

#[tokio::test]
async fn alerts_sent_long_ago_are_forgotten_and_the_rest_kept() {
    // The database alone: a server's own sender would take the queued alert meanwhile.
    let dir = tempfile::tempdir().unwrap();
    let db = sea_orm::Database::connect(fresh_database(dir.path()).await)
        .await
        .unwrap();
    Migrator::up(&db, None).await.unwrap();
    let alert = |sent_at: Option<chrono::DateTime<chrono::Utc>>| stock_alert::ActiveModel {
        body: sea_orm::Set("{}".to_owned()),
        created_at: sea_orm::Set(chrono::Utc::now()),
        sent_at: sea_orm::Set(sent_at),
        ..Default::default()
    };
    let long_ago = chrono::Utc::now() - low_stock::KEEP_SENT - chrono::TimeDelta::hours(1);
    stock_alert::Entity::insert_many([
        alert(Some(long_ago)),
        alert(Some(chrono::Utc::now())),
        alert(None),
    ])
    .exec(&db)
    .await
    .unwrap();
    assert_eq!(low_stock::forget_sent(&db).await.unwrap(), 1);
    assert_eq!(stock_alert::Entity::find().count(&db).await.unwrap(), 2);
}
