use app::accounts::Role;
use app::history::{Action, HistoryFilter, RecordType};
use app::paging::Paging;
use chrono::Utc;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use sea_orm_migration::MigratorTrait;
use serde_json::{Value, json};
use server::entities::audit_event;
use server::migration::Migrator;
use server::services::audit;

use crate::helpers::{TestApp, error_of, fresh_database, json_of, new_client, spawn_app};

/// The history `query` selects, as the API answers it.
async fn history(app: &TestApp, query: &str) -> Value {
    json_of(
        app.get(&format!("/api/history?{query}")).await,
        StatusCode::OK,
    )
    .await
}

/// The events of one record, newest first.
async fn events_of(app: &TestApp, record_type: &str, id: &Value) -> Vec<Value> {
    let page = history(app, &format!("record_type={record_type}&record_id={id}")).await;
    page["items"].as_array().unwrap().clone()
}

fn actions(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|event| event["action"].as_str().unwrap())
        .collect()
}

async fn stored_events(app: &TestApp) -> u64 {
    audit_event::Entity::find().count(&app.db).await.unwrap()
}

/// The staff account's id, as the session names it.
async fn staff_id(app: &TestApp) -> Value {
    json_of(app.get("/api/auth/me").await, StatusCode::OK).await["id"].clone()
}

#[tokio::test]
async fn every_ledger_write_is_recorded_with_who_and_the_values_before_and_after() {
    let app = spawn_app().await;
    let staff = staff_id(&app).await;
    let cases = [
        (
            "donation",
            "/api/donations",
            json!({"donor_name": "Ada", "kind": "food", "quantity": "3", "donated_on": "2025-01-05"}),
        ),
        (
            "distribution",
            "/api/distributions",
            json!({"kind": "food", "quantity": "3", "distributed_on": "2025-01-06", "recipient": "Pantry"}),
        ),
    ];
    app.donate("food", "100").await;
    for (record_type, path, body) in cases {
        let created = json_of(app.post(path, &body).await, StatusCode::CREATED).await;
        let id = &created["id"];
        let mut corrected = body.clone();
        corrected["quantity"] = json!("5");
        corrected["note"] = json!("recounted");
        let item = format!("{path}/{id}");
        json_of(app.put(&item, &corrected).await, StatusCode::OK).await;
        assert_eq!(app.delete(&item).await.status(), StatusCode::NO_CONTENT);

        let events = events_of(&app, record_type, id).await;
        assert_eq!(
            actions(&events),
            ["deleted", "updated", "created"],
            "{record_type}"
        );
        for event in &events {
            assert_eq!(event["actor_id"], staff, "{event}");
            assert_eq!(event["actor_name"], "Test User", "{event}");
            assert_eq!(event["record_type"], record_type);
            assert_eq!(&event["record_id"], id);
        }
        let [deleted, updated, created] = &events[..] else {
            unreachable!()
        };
        assert_eq!(created["before"], Value::Null);
        assert_eq!(created["after"]["quantity"], "3.00");
        assert_eq!(updated["before"]["quantity"], "3.00");
        assert_eq!(updated["before"]["note"], Value::Null);
        assert_eq!(updated["after"]["quantity"], "5.00");
        assert_eq!(updated["after"]["note"], "recounted");
        assert_eq!(deleted["before"], updated["after"]);
        assert_eq!(deleted["after"], Value::Null);
    }
}

#[tokio::test]
async fn a_distribution_larger_than_stock_is_refused_and_records_nothing() {
    let app = spawn_app().await;
    app.donate("food", "2").await;
    let before = stored_events(&app).await;
    let body = json!({"kind": "food", "quantity": "3"});
    error_of(
        app.post("/api/distributions", &body).await,
        StatusCode::CONFLICT,
        "insufficient_stock",
    )
    .await;
    let donation = app.donate("money", "1").await;
    let correction = json!({"donor_name": "Test Donor", "kind": "money", "quantity": "1"});
    let stale = app
        .client
        .put(app.url(&format!("/api/donations/{}", donation["id"])))
        .header("If-Match", "\"9\"")
        .json(&correction)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        stored_events(&app).await,
        before + 1,
        "only the second donation is recorded"
    );
}

#[tokio::test]
async fn a_correction_that_changes_nothing_records_nothing() {
    let app = spawn_app().await;
    let donation = app.donate("food", "4").await;
    let same = json!({"donor_name": "Test Donor", "kind": "food", "quantity": "4.00", "donated_on": donation["donated_on"]});
    let before = stored_events(&app).await;
    json_of(
        app.put(&format!("/api/donations/{}", donation["id"]), &same)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stored_events(&app).await, before);
}

#[tokio::test]
async fn product_changes_and_archiving_are_recorded() {
    let app = spawn_app().await;
    let product = json!({"name": "Mug", "description": "Blue", "price": "6", "stock": 3});
    let created = json_of(
        app.post("/api/products", &product).await,
        StatusCode::CREATED,
    )
    .await;
    let id = &created["id"];
    let mut repriced = product.clone();
    repriced["price"] = json!("6.50");
    json_of(
        app.put(&format!("/api/products/{id}"), &repriced).await,
        StatusCode::OK,
    )
    .await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    let cart = member
        .put(app.url(&format!("/api/cart/items/{id}")))
        .json(&json!({"quantity": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(cart.status(), StatusCode::OK);
    let order = member
        .post(app.url("/api/cart/checkout"))
        .send()
        .await
        .unwrap();
    assert_eq!(order.status(), StatusCode::CREATED);
    assert_eq!(
        app.delete(&format!("/api/products/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );

    let events = events_of(&app, "product", id).await;
    assert_eq!(actions(&events), ["archived", "updated", "created"]);
    assert_eq!(events[1]["before"]["price"], "6.00");
    assert_eq!(events[1]["after"]["price"], "6.50");
    assert_eq!(events[0]["before"]["archived"], "no");
    assert_eq!(events[0]["after"]["archived"], "yes");
    assert_eq!(
        events[0]["after"]["stock"], "2",
        "the sale is in the snapshot"
    );

    let never_ordered = json_of(
        app.post("/api/products", &product).await,
        StatusCode::CREATED,
    )
    .await;
    let other = &never_ordered["id"];
    app.delete(&format!("/api/products/{other}")).await;
    let events = events_of(&app, "product", other).await;
    assert_eq!(actions(&events), ["deleted", "created"]);
    assert_eq!(events[0]["before"]["name"], "Mug");
}

#[tokio::test]
async fn accounts_record_their_creation_and_role_changes_but_not_a_refused_one() {
    let app = spawn_app().await;
    let visitor = new_client();
    let signed_up = visitor
        .post(app.url("/api/auth/register"))
        .json(
            &json!({"email": "mel@example.org", "password": "a long enough secret", "name": "Mel"}),
        )
        .send()
        .await
        .unwrap();
    let mel = json_of(signed_up, StatusCode::CREATED).await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    let promoted = admin
        .patch(app.url(&format!("/api/users/{}", mel["id"])))
        .json(&json!({"role": "staff"}))
        .send()
        .await
        .unwrap();
    assert_eq!(promoted.status(), StatusCode::OK);

    let events = events_of(&app, "user", &mel["id"]).await;
    assert_eq!(actions(&events), ["role_changed", "created"]);
    assert_eq!(
        events[1]["actor_id"], mel["id"],
        "people who sign up made their account"
    );
    assert_eq!(
        events[1]["after"],
        json!({"name": "Mel", "role": "member", "active": "yes"})
    );
    assert_eq!(events[0]["actor_name"], "Test User");
    assert_eq!(events[0]["before"]["role"], "member");
    assert_eq!(events[0]["after"]["role"], "staff");

    for active in [false, true] {
        let changed = admin
            .patch(app.url(&format!("/api/users/{}", mel["id"])))
            .json(&json!({ "active": active }))
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status(), StatusCode::OK);
    }
    let events = events_of(&app, "user", &mel["id"]).await;
    assert_eq!(
        actions(&events),
        ["reactivated", "deactivated", "role_changed", "created"]
    );
    assert_eq!(events[1]["before"]["active"], "yes");
    assert_eq!(events[1]["after"]["active"], "no");
    assert_eq!(events[0]["after"]["active"], "yes");

    let me = json_of(
        admin.get(app.url("/api/auth/me")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    let before = stored_events(&app).await;
    let demoted = admin
        .patch(app.url(&format!("/api/users/{}", me["id"])))
        .json(&json!({"role": "member"}))
        .send()
        .await
        .unwrap();
    error_of(demoted, StatusCode::CONFLICT, "last_admin").await;
    assert_eq!(stored_events(&app).await, before);
}

#[tokio::test]
async fn the_history_filters_by_person_type_and_day_and_pages_newest_first() {
    let app = spawn_app().await;
    let staff = staff_id(&app).await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    for quantity in ["1", "2", "3"] {
        app.donate("food", quantity).await;
    }
    let by_admin = admin
        .post(app.url("/api/donations"))
        .json(&json!({"donor_name": "Bo", "kind": "money", "quantity": "9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(by_admin.status(), StatusCode::CREATED);

    let mine = history(
        &app,
        &format!("actor={staff}&record_type=donation&per_page=2"),
    )
    .await;
    assert_eq!(mine["total"], 3);
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        mine["items"][0]["after"]["quantity"], "3.00",
        "newest first"
    );
    let second = history(
        &app,
        &format!("actor={staff}&record_type=donation&per_page=2&page=2"),
    )
    .await;
    assert_eq!(second["items"][0]["after"]["quantity"], "1.00");

    let donations = history(&app, "record_type=donation").await;
    assert_eq!(donations["total"], 4);
    let today = Utc::now().date_naive();
    let on_the_day = history(
        &app,
        &format!("record_type=donation&from={today}&to={today}"),
    )
    .await;
    assert_eq!(on_the_day["total"], 4);
    let yesterday = today.pred_opt().unwrap();
    let before_today = history(&app, &format!("to={yesterday}")).await;
    assert_eq!(before_today["total"], 0);

    let people = json_of(app.get("/api/history/people").await, StatusCode::OK).await;
    let names: Vec<&str> = people
        .as_array()
        .unwrap()
        .iter()
        .map(|person| person["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Test User", "Test User"],
        "both accounts made changes"
    );
    assert!(
        people
            .as_array()
            .unwrap()
            .iter()
            .any(|person| person["id"] == staff)
    );
}

#[tokio::test]
async fn bad_history_filters_are_rejected_naming_each_field() {
    let app = spawn_app().await;
    let cases = [
        ("record_id=3", "record_type"),
        ("record_type=order", "record_type"),
        ("actor=abc", "actor"),
        ("actor=0", "actor"),
        ("from=2026-13-01", "from"),
        ("from=2026-03-02&to=2026-03-01", "to"),
        ("page=0", "page"),
        ("per_page=101", "per_page"),
    ];
    for (query, field) in cases {
        for path in ["/api/history", "/api/history.csv"] {
            if path.ends_with("csv") && field.contains("page") {
                continue;
            }
            let error = error_of(
                app.get(&format!("{path}?{query}")).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert!(
                error["fields"][field].is_string(),
                "{path}?{query}: {error}"
            );
        }
    }
    let both = error_of(
        app.get("/api/history?actor=0&page=0").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(both["fields"]["actor"].is_string() && both["fields"]["page"].is_string());
}

#[tokio::test]
async fn the_history_is_for_staff_only() {
    let app = spawn_app().await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    for path in ["/api/history", "/api/history.csv", "/api/history/people"] {
        let refused = member.get(app.url(path)).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
        let anonymous = new_client().get(app.url(path)).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn the_history_csv_holds_every_matching_event_with_its_changes() {
    let app = spawn_app().await;
    let donation = app.donate("food", "2").await;
    let id = &donation["id"];
    let correction = json!({"donor_name": "=cmd()", "kind": "food", "quantity": "3"});
    json_of(
        app.put(&format!("/api/donations/{id}"), &correction).await,
        StatusCode::OK,
    )
    .await;
    app.donate("money", "1").await;

    let response = app
        .get(&format!(
            "/api/history.csv?record_type=donation&record_id={id}"
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"history.csv\""
    );
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "occurred_at",
            "actor_id",
            "actor_name",
            "record_type",
            "record_id",
            "action",
            "changes",
            "before",
            "after"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert_eq!(&rows[0][5], "updated");
    assert_eq!(
        &rows[0][6],
        "donor_name: Test Donor → =cmd(); quantity: 2.00 → 3.00"
    );
    let after: Value = serde_json::from_str(&rows[0][8]).unwrap();
    assert_eq!(after["donor_name"], "=cmd()");
    assert_eq!(&rows[1][5], "created");
}

#[tokio::test]
async fn no_route_and_no_statement_changes_or_removes_an_event() {
    let app = spawn_app().await;
    app.donate("food", "1").await;
    let event = history(&app, "record_type=donation").await["items"][0].clone();
    let path = format!("/api/history/{}", event["id"]);
    for response in [
        app.put(&path, &json!({})).await,
        app.delete(&path).await,
        app.delete("/api/history").await,
        app.post("/api/history", &json!({})).await,
    ] {
        assert!(
            matches!(
                response.status(),
                StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
            ),
            "{}",
            response.status()
        );
    }
    for statement in [
        "UPDATE audit_events SET actor_name = 'someone else'",
        "DELETE FROM audit_events",
    ] {
        let refused = app.db.execute_unprepared(statement).await.unwrap_err();
        assert!(refused.to_string().contains("append-only"), "{refused}");
    }
    assert_eq!(
        history(&app, "record_type=donation").await["items"][0],
        event
    );
}

#[tokio::test]
async fn the_demo_data_comes_with_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = sea_orm::Database::connect(fresh_database(dir.path()).await)
        .await
        .unwrap();
    Migrator::up(&db, None).await.unwrap();
    server::demo::load_if_empty(&db).await.unwrap();

    let donations = HistoryFilter {
        record_type: Some(RecordType::Donation),
        ..HistoryFilter::default()
    };
    let page = audit::list(&db, &donations, Paging::new(None, None))
        .await
        .unwrap();
    assert_eq!(page.total, 13, "twelve donations and one recount");
    let recount = &page.items[0];
    assert_eq!(recount.action, Action::Updated);
    assert_eq!(recount.actor_name, "Sam Staff");
    let changed: Vec<String> = recount
        .changes()
        .into_iter()
        .filter(|change| change.changed)
        .map(|change| change.field)
        .collect();
    assert_eq!(changed, ["quantity", "note"]);
    let people: Vec<String> = audit::people(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|person| person.name)
        .collect();
    assert_eq!(people, ["Avery Admin", "Sam Staff"]);
}
