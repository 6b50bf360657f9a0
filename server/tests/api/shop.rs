use std::collections::HashSet;

use app::accounts::Role;
use chrono::{DateTime, Utc};
use reqwest::{Client, Response, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use server::config::{Config, SecurityConfig};
use server::entities::{archive_outbox, job_state};
use server::lease;
use server::services::archive::process_pending;

use crate::helpers::{
    TestApp, error_of, join_all, json_of, new_client, spawn_app_configured,
    spawn_app_signing_in_freely,
};

async fn create_product(app: &TestApp, name: &str, price: &str, stock: i64) -> i64 {
    let body = json!({"name": name, "description": format!("About {name}"), "price": price, "stock": stock});
    json_of(app.post("/api/products", &body).await, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap()
}

async fn product(app: &TestApp, id: i64) -> Value {
    json_of(
        app.get(&format!("/api/products/{id}")).await,
        StatusCode::OK,
    )
    .await
}

async fn set_stock(app: &TestApp, id: i64, stock: i64) {
    let mut body = product(app, id).await;
    body["stock"] = json!(stock);
    json_of(
        app.put(&format!("/api/products/{id}"), &body).await,
        StatusCode::OK,
    )
    .await;
}

async fn put_cart(app: &TestApp, client: &Client, product_id: i64, quantity: i64) -> Response {
    client
        .put(app.url(&format!("/api/cart/items/{product_id}")))
        .json(&json!({"quantity": quantity}))
        .send()
        .await
        .unwrap()
}

async fn add_to_cart(app: &TestApp, client: &Client, product_id: i64, quantity: i64) -> Response {
    client
        .post(app.url("/api/cart/items"))
        .json(&json!({"product_id": product_id, "quantity": quantity}))
        .send()
        .await
        .unwrap()
}

async fn cart(app: &TestApp, client: &Client) -> Value {
    json_of(
        client.get(app.url("/api/cart")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await
}

async fn checkout(app: &TestApp, client: &Client) -> Response {
    client
        .post(app.url("/api/cart/checkout"))
        .send()
        .await
        .unwrap()
}

async fn get_with(app: &TestApp, client: &Client, path: &str) -> Response {
    client.get(app.url(path)).send().await.unwrap()
}

#[tokio::test]
async fn a_product_is_stored_as_submitted_and_public() {
    let app = spawn_app_signing_in_freely().await;
    let body = json!({
        "name": "  Tote bag ",
        "description": "Canvas, printed locally",
        "price": 12.5,
        "stock": 7,
        "image_url": "https://example.org/tote.png"
    });
    let created = json_of(app.post("/api/products", &body).await, StatusCode::CREATED).await;
    assert_eq!(created["name"], "Tote bag");
    assert_eq!(created["price"], "12.50");
    assert_eq!(created["stock"], 7);
    assert_eq!(created["image_url"], "https://example.org/tote.png");
    assert_eq!(created["archived"], false);
    assert!(created["created_at"].is_string() && created["updated_at"].is_string());

    let id = created["id"].as_i64().unwrap();
    let anonymous = new_client();
    let fetched = json_of(
        get_with(&app, &anonymous, &format!("/api/products/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fetched, created);
    let listed = json_of(
        get_with(&app, &anonymous, "/api/products").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"][0], created);
}

#[tokio::test]
async fn the_catalogue_is_newest_first_searchable_and_paged() {
    let app = spawn_app_signing_in_freely().await;
    let mug = create_product(&app, "Enamel Mug", "8", 3).await;
    let body = json!({"name": "Poster", "description": "A hand-printed ÉTÉ poster", "price": "5", "stock": 1});
    let poster = json_of(app.post("/api/products", &body).await, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap();
    let bag = create_product(&app, "Tote bag", "12", 2).await;

    let all = json_of(app.get("/api/products").await, StatusCode::OK).await;
    let ids: Vec<i64> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [bag, poster, mug]);
    assert_eq!(
        (&all["total"], &all["page"], &all["per_page"]),
        (&json!(3), &json!(1), &json!(20))
    );

    let by_name = json_of(app.get("/api/products?q=mUG").await, StatusCode::OK).await;
    assert_eq!(by_name["total"], 1);
    assert_eq!(by_name["items"][0]["id"], mug);
    let by_description = json_of(
        app.get("/api/products?q=%C3%A9t%C3%A9").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_description["total"], 1, "{by_description}");
    assert_eq!(by_description["items"][0]["id"], poster);
    let wildcard = json_of(app.get("/api/products?q=%25").await, StatusCode::OK).await;
    assert_eq!(wildcard["total"], 0);

    let second = json_of(
        app.get("/api/products?per_page=2&page=2").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["id"], mug);
    error_of(
        app.get("/api/products?per_page=0").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn invalid_products_are_rejected_with_their_fields() {
    let app = spawn_app_signing_in_freely().await;
    let cases = [
        (json!({"name": " ", "price": 1, "stock": 1}), "name"),
        (
            json!({"name": "x".repeat(201), "price": 1, "stock": 1}),
            "name",
        ),
        (
            json!({"name": "A", "description": "x".repeat(2001), "price": 1, "stock": 1}),
            "description",
        ),
        (json!({"name": "A", "price": "-1", "stock": 1}), "price"),
        (
            json!({"name": "A", "price": "1000000.01", "stock": 1}),
            "price",
        ),
        (json!({"name": "A", "price": "1.005", "stock": 1}), "price"),
        (json!({"name": "A", "price": 1, "stock": -1}), "stock"),
        (
            json!({"name": "A", "price": 1, "stock": 1_000_001}),
            "stock",
        ),
        (
            json!({"name": "A", "price": 1, "stock": 1, "image_url": "javascript:alert(1)"}),
            "image_url",
        ),
        (json!({"name": "A", "stock": 1}), "price"),
    ];
    for (body, field) in cases {
        let error = error_of(
            app.post("/api/products", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(error["fields"][field].is_string(), "{body} gave {error}");
    }
    let listed = json_of(app.get("/api/products").await, StatusCode::OK).await;
    assert_eq!(listed["total"], 0);
    let limits = json!({"name": "A", "price": "1000000", "stock": 1_000_000});
    json_of(
        app.post("/api/products", &limits).await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn only_staff_and_admins_change_products() {
    let app = spawn_app_signing_in_freely().await;
    let id = create_product(&app, "Mug", "8", 3).await;
    let body = json!({"name": "Cup", "price": 1, "stock": 1});
    let anonymous = new_client();
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    let item = app.url(&format!("/api/products/{id}"));
    for (client, status, code) in [
        (&anonymous, StatusCode::UNAUTHORIZED, "unauthorized"),
        (&member, StatusCode::FORBIDDEN, "forbidden"),
    ] {
        let create = client.post(app.url("/api/products")).json(&body).send();
        error_of(create.await.unwrap(), status, code).await;
        let update = client.put(&item).json(&body).send();
        error_of(update.await.unwrap(), status, code).await;
        error_of(client.delete(&item).send().await.unwrap(), status, code).await;
    }
    assert_eq!(product(&app, id).await["name"], "Mug");
    let updated = admin.put(&item).json(&body).send().await.unwrap();
    assert_eq!(json_of(updated, StatusCode::OK).await["name"], "Cup");
}

#[tokio::test]
async fn a_product_update_replaces_its_details() {
    let app = spawn_app_signing_in_freely().await;
    let id = create_product(&app, "Mug", "8", 3).await;
    let created = product(&app, id).await;
    let body =
        json!({"name": "Big mug", "description": "", "price": "9.99", "stock": 0, "image_url": ""});
    let updated = json_of(
        app.put(&format!("/api/products/{id}"), &body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["name"], "Big mug");
    assert_eq!(updated["price"], "9.99");
    assert_eq!(updated["stock"], 0);
    assert_eq!(updated["image_url"], Value::Null);
    assert_eq!(updated["created_at"], created["created_at"]);
    assert_eq!(product(&app, id).await, updated);
    error_of(
        app.put("/api/products/999", &body).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_product_never_ordered_is_deleted_for_good() {
    let app = spawn_app_signing_in_freely().await;
    let id = create_product(&app, "Mug", "8", 3).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    json_of(put_cart(&app, &member, id, 1).await, StatusCode::OK).await;
    assert_eq!(
        app.delete(&format!("/api/products/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    error_of(
        app.get(&format!("/api/products/{id}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(cart(&app, &member).await["items"], json!([]));
    error_of(
        app.delete(&format!("/api/products/{id}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn an_ordered_product_is_archived_and_keeps_its_orders() {
    let app = spawn_app_signing_in_freely().await;
    let id = create_product(&app, "Mug", "8", 3).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    json_of(put_cart(&app, &member, id, 1).await, StatusCode::OK).await;
    let order = json_of(checkout(&app, &member).await, StatusCode::CREATED).await;
    let other = app
        .client_with_role("other@example.org", Role::Member)
        .await;
    json_of(put_cart(&app, &other, id, 1).await, StatusCode::OK).await;

    assert_eq!(
        app.delete(&format!("/api/products/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    let listed = json_of(app.get("/api/products").await, StatusCode::OK).await;
    assert_eq!(listed["total"], 0);
    let archived = product(&app, id).await;
    assert_eq!(archived["archived"], true);
    assert_eq!(archived["name"], "Mug");
    assert_eq!(cart(&app, &other).await["items"], json!([]));
    error_of(
        put_cart(&app, &other, id, 1).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    error_of(
        app.put(
            &format!("/api/products/{id}"),
            &json!({"name": "A", "price": 1, "stock": 1}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let path = format!("/api/orders/{}", order["id"]);
    let kept = json_of(get_with(&app, &member, &path).await, StatusCode::OK).await;
    assert_eq!(kept, order);
}

#[tokio::test]
async fn the_cart_sets_quantities_and_prices_lines_exactly() {
    let app = spawn_app_signing_in_freely().await;
    let pen = create_product(&app, "Pen", "0.10", 50).await;
    let mug = create_product(&app, "Mug", "19.99", 5).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;

    json_of(put_cart(&app, &member, pen, 3).await, StatusCode::OK).await;
    let after = json_of(put_cart(&app, &member, mug, 2).await, StatusCode::OK).await;
    assert_eq!(
        after,
        json!({
            "items": [
                {"product_id": pen, "name": "Pen", "unit_price": "0.10", "quantity": 3, "line_total": "0.30", "available": 50},
                {"product_id": mug, "name": "Mug", "unit_price": "19.99", "quantity": 2, "line_total": "39.98", "available": 5}
            ],
            "total": "40.28"
        })
    );
    let changed = json_of(put_cart(&app, &member, pen, 1).await, StatusCode::OK).await;
    assert_eq!(changed["items"][0]["quantity"], 1);
    assert_eq!(changed["total"], "40.08");
    assert_eq!(cart(&app, &member).await, changed);

    let error = error_of(
        put_cart(&app, &member, mug, 6).await,
        StatusCode::CONFLICT,
        "insufficient_stock",
    )
    .await;
    assert!(
        error["message"].as_str().unwrap().contains("Mug"),
        "{error}"
    );
    error_of(
        put_cart(&app, &member, mug, -1).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    error_of(
        put_cart(&app, &member, 999, 1).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let removed = json_of(put_cart(&app, &member, pen, 0).await, StatusCode::OK).await;
    assert_eq!(removed["items"].as_array().unwrap().len(), 1);
    let deleted = member
        .delete(app.url(&format!("/api/cart/items/{mug}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(deleted, StatusCode::OK).await,
        json!({"items": [], "total": "0.00"})
    );
}

#[tokio::test]
async fn adding_to_the_cart_adds_to_what_it_holds_while_putting_sets_the_quantity() {
    let app = spawn_app_signing_in_freely().await;
    let mug = create_product(&app, "Mug", "8", 5).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;

    json_of(add_to_cart(&app, &member, mug, 2).await, StatusCode::OK).await;
    let added = json_of(add_to_cart(&app, &member, mug, 1).await, StatusCode::OK).await;
    assert_eq!(added["items"][0]["quantity"], 3);
    assert_eq!(added["total"], "24.00");
    let set = json_of(put_cart(&app, &member, mug, 1).await, StatusCode::OK).await;
    assert_eq!(set["items"][0]["quantity"], 1);
}

#[tokio::test]
async fn an_addition_past_the_stock_is_refused_and_changes_nothing() {
    let app = spawn_app_signing_in_freely().await;
    let mug = create_product(&app, "Mug", "8", 5).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    json_of(add_to_cart(&app, &member, mug, 4).await, StatusCode::OK).await;

    let error = error_of(
        add_to_cart(&app, &member, mug, 2).await,
        StatusCode::CONFLICT,
        "insufficient_stock",
    )
    .await;
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("already holds 4"), "{message}");
    assert_eq!(cart(&app, &member).await["items"][0]["quantity"], 4);

    for quantity in [0, -1] {
        let error = error_of(
            add_to_cart(&app, &member, mug, quantity).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(error["fields"]["quantity"].is_string(), "{error}");
    }
    let missing = member
        .post(app.url("/api/cart/items"))
        .json(&json!({"quantity": 1}))
        .send()
        .await
        .unwrap();
    let error = error_of(
        missing,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(error["fields"]["product_id"].is_string(), "{error}");
    error_of(
        add_to_cart(&app, &member, 999, 1).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn additions_at_the_same_time_all_count_and_never_pass_the_stock() {
    let app = spawn_app_signing_in_freely().await;
    let mug = create_product(&app, "Mug", "8", 6).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    let additions = (0..10).map(|_| {
        let request = member
            .post(app.url("/api/cart/items"))
            .json(&json!({"product_id": mug, "quantity": 1}))
            .send();
        async move { request.await.unwrap().status() }
    });
    let statuses = join_all(additions).await;
    let added = statuses.iter().filter(|status| status.is_success()).count();
    assert_eq!(cart(&app, &member).await["items"][0]["quantity"], added);
    assert!(added <= 6, "{statuses:?}");
    // Each one either counts or is refused for the stock; none fails for meeting the others.
    assert_eq!(
        statuses
            .iter()
            .filter(|status| **status == StatusCode::CONFLICT)
            .count(),
        10 - added,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn each_user_has_their_own_cart_which_survives_signing_out() {
    let app = spawn_app_signing_in_freely().await;
    let mug = create_product(&app, "Mug", "8", 5).await;
    let ada = app.client_with_role("ada@example.org", Role::Member).await;
    let bob = app.client_with_role("bob@example.org", Role::Member).await;
    json_of(put_cart(&app, &ada, mug, 2).await, StatusCode::OK).await;
    assert_eq!(cart(&app, &bob).await["items"], json!([]));

    let signed_out = ada.post(app.url("/api/auth/logout")).send().await.unwrap();
    assert!(signed_out.status().is_success());
    error_of(
        get_with(&app, &ada, "/api/cart").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let again = new_client();
    app.sign_in(&again, "ada@example.org").await;
    assert_eq!(cart(&app, &again).await["items"][0]["quantity"], 2);
}

#[tokio::test]
async fn carts_and_orders_need_an_account() {
    let app = spawn_app_signing_in_freely().await;
    let anonymous = new_client();
    for path in ["/api/cart", "/api/orders", "/api/orders/1"] {
        error_of(
            get_with(&app, &anonymous, path).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
    }
    error_of(
        put_cart(&app, &anonymous, 1, 1).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    error_of(
        checkout(&app, &anonymous).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn checkout_places_the_order_takes_the_stock_and_empties_the_cart() {
    let app = spawn_app_signing_in_freely().await;
    let pen = create_product(&app, "Pen", "0.10", 50).await;
    let mug = create_product(&app, "Mug", "19.99", 5).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    json_of(put_cart(&app, &member, mug, 2).await, StatusCode::OK).await;
    json_of(put_cart(&app, &member, pen, 3).await, StatusCode::OK).await;

    let order = json_of(checkout(&app, &member).await, StatusCode::CREATED).await;
    assert_eq!(order["status"], "placed");
    assert_eq!(order["total"], "40.28");
    assert_eq!(
        order["items"],
        json!([
            {"product_id": pen, "name": "Pen", "unit_price": "0.10", "quantity": 3, "line_total": "0.30"},
            {"product_id": mug, "name": "Mug", "unit_price": "19.99", "quantity": 2, "line_total": "39.98"}
        ])
    );
    assert_eq!(product(&app, pen).await["stock"], 47);
    assert_eq!(product(&app, mug).await["stock"], 3);
    assert_eq!(
        cart(&app, &member).await,
        json!({"items": [], "total": "0.00"})
    );

    let id = order["id"].as_i64().unwrap();
    let fetched = json_of(
        get_with(&app, &member, &format!("/api/orders/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fetched, order);
    let history = json_of(get_with(&app, &member, "/api/orders").await, StatusCode::OK).await;
    assert_eq!(history["total"], 1);
    assert_eq!(history["items"][0], order);

    // The order keeps the price it was placed at.
    set_stock(&app, mug, 3).await;
    let mut body = product(&app, mug).await;
    body["price"] = json!("25");
    json_of(
        app.put(&format!("/api/products/{mug}"), &body).await,
        StatusCode::OK,
    )
    .await;
    let later = json_of(
        get_with(&app, &member, &format!("/api/orders/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(later["items"][1]["unit_price"], "19.99");
}

#[tokio::test]
async fn checkout_of_an_empty_cart_is_rejected() {
    let app = spawn_app_signing_in_freely().await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    error_of(
        checkout(&app, &member).await,
        StatusCode::CONFLICT,
        "cart_empty",
    )
    .await;
    let history = json_of(get_with(&app, &member, "/api/orders").await, StatusCode::OK).await;
    assert_eq!(history["total"], 0);
}

#[tokio::test]
async fn checkout_short_of_stock_names_the_products_and_changes_nothing() {
    let app = spawn_app_signing_in_freely().await;
    let pen = create_product(&app, "Pen", "0.10", 50).await;
    let mug = create_product(&app, "Mug", "19.99", 5).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    json_of(put_cart(&app, &member, pen, 3).await, StatusCode::OK).await;
    json_of(put_cart(&app, &member, mug, 4).await, StatusCode::OK).await;
    set_stock(&app, mug, 2).await;
    let before = cart(&app, &member).await;

    let error = error_of(
        checkout(&app, &member).await,
        StatusCode::CONFLICT,
        "insufficient_stock",
    )
    .await;
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("Mug (2 left)"), "{message}");
    assert!(!message.contains("Pen"), "{message}");

    assert_eq!(product(&app, pen).await["stock"], 50);
    assert_eq!(product(&app, mug).await["stock"], 2);
    assert_eq!(cart(&app, &member).await, before);
    // The cart tells which line is short, so the page can show it.
    assert_eq!(before["items"][1]["quantity"], 4);
    assert_eq!(before["items"][1]["available"], 2);
    let history = json_of(get_with(&app, &member, "/api/orders").await, StatusCode::OK).await;
    assert_eq!(history["total"], 0);
    assert!(
        archive_outbox::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_retried_checkout_with_the_same_key_returns_the_first_order() {
    let app = spawn_app_signing_in_freely().await;
    let mug = create_product(&app, "Mug", "8", 5).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    json_of(put_cart(&app, &member, mug, 2).await, StatusCode::OK).await;
    let send = || {
        member
            .post(app.url("/api/cart/checkout"))
            .header("Idempotency-Key", "checkout-7f3a")
            .send()
    };
    let first = json_of(send().await.unwrap(), StatusCode::CREATED).await;
    let retried = json_of(send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(retried, first);
    assert_eq!(product(&app, mug).await["stock"], 3);
    let history = json_of(get_with(&app, &member, "/api/orders").await, StatusCode::OK).await;
    assert_eq!(history["total"], 1);

    // The key belongs to its user: someone else's checkout with it is their own.
    let other = app
        .client_with_role("other@example.org", Role::Member)
        .await;
    json_of(put_cart(&app, &other, mug, 1).await, StatusCode::OK).await;
    let theirs = other
        .post(app.url("/api/cart/checkout"))
        .header("Idempotency-Key", "checkout-7f3a")
        .send()
        .await
        .unwrap();
    let theirs = json_of(theirs, StatusCode::CREATED).await;
    assert_ne!(theirs["id"], first["id"]);
    // Without a key, an empty cart is refused as usual.
    error_of(
        checkout(&app, &member).await,
        StatusCode::CONFLICT,
        "cart_empty",
    )
    .await;
}

/// A client that times out and retries at once sends the retry while the first attempt still
/// runs; the retry used to find the cart already taken and answer "cart is empty".
#[tokio::test]
async fn retries_sent_while_the_first_checkout_runs_get_its_order() {
    let app = spawn_app_signing_in_freely().await;
    let mug = create_product(&app, "Mug", "8", 50).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    for round in 0..5 {
        json_of(put_cart(&app, &member, mug, 1).await, StatusCode::OK).await;
        let key = format!("checkout-round-{round}");
        let mut attempts = tokio::task::JoinSet::new();
        for _ in 0..4 {
            attempts.spawn(
                member
                    .post(app.url("/api/cart/checkout"))
                    .header("Idempotency-Key", key.clone())
                    .send(),
            );
        }
        let mut orders = Vec::new();
        while let Some(response) = attempts.join_next().await {
            let response = response.unwrap().unwrap();
            let status = response.status();
            assert!(
                [StatusCode::CREATED, StatusCode::OK].contains(&status),
                "round {round}: {status} {}",
                response.text().await.unwrap()
            );
            orders.push(response.json::<serde_json::Value>().await.unwrap()["id"].clone());
        }
        assert!(orders.iter().all(|id| *id == orders[0]), "{orders:?}");
    }
    assert_eq!(product(&app, mug).await["stock"], 45);
    let history = json_of(get_with(&app, &member, "/api/orders").await, StatusCode::OK).await;
    assert_eq!(history["total"], 5);
}

#[tokio::test]
async fn members_see_only_their_own_orders_and_staff_see_all() {
    let app = spawn_app_signing_in_freely().await;
    let mug = create_product(&app, "Mug", "8", 5).await;
    let ada = app.client_with_role("ada@example.org", Role::Member).await;
    let bob = app.client_with_role("bob@example.org", Role::Member).await;
    json_of(put_cart(&app, &ada, mug, 1).await, StatusCode::OK).await;
    let order = json_of(checkout(&app, &ada).await, StatusCode::CREATED).await;
    let path = format!("/api/orders/{}", order["id"]);

    error_of(
        get_with(&app, &bob, &path).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let bobs = json_of(get_with(&app, &bob, "/api/orders").await, StatusCode::OK).await;
    assert_eq!(bobs["total"], 0);
    error_of(
        get_with(&app, &bob, "/api/orders?all=true").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    assert_eq!(json_of(app.get(&path).await, StatusCode::OK).await, order);
    let own = json_of(app.get("/api/orders").await, StatusCode::OK).await;
    assert_eq!(own["total"], 0);
    let everyone = json_of(app.get("/api/orders?all=true").await, StatusCode::OK).await;
    assert_eq!(everyone["total"], 1);
    assert_eq!(everyone["items"][0], order);
    assert_eq!(
        order["customer"],
        json!({"name": "Test User", "email": "ada@example.org"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_checkouts_sell_exactly_the_stock() {
    let app = spawn_app_signing_in_freely().await;
    let mug = create_product(&app, "Mug", "8", 5).await;
    let mut members = Vec::new();
    for n in 0..20 {
        let client = app
            .client_with_role(&format!("member{n}@example.org"), Role::Member)
            .await;
        json_of(put_cart(&app, &client, mug, 1).await, StatusCode::OK).await;
        members.push(client);
    }
    let handles: Vec<_> = members
        .iter()
        .map(|client| {
            let request = client.post(app.url("/api/cart/checkout")).send();
            tokio::spawn(async move { request.await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for handle in handles {
        statuses.push(handle.await.unwrap());
    }
    let placed = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((placed, refused), (5, 15), "{statuses:?}");
    assert_eq!(product(&app, mug).await["stock"], 0);
    let orders = json_of(app.get("/api/orders?all=true").await, StatusCode::OK).await;
    assert_eq!(orders["total"], 5);
    let buyers: HashSet<_> = orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|order| order["user_id"].as_i64().unwrap())
        .collect();
    assert_eq!(buyers.len(), 5);
}

fn archive_file(app: &TestApp, order: &Value) -> std::path::PathBuf {
    let placed: DateTime<Utc> = order["created_at"].as_str().unwrap().parse().unwrap();
    app.storage_dir
        .join("orders")
        .join(placed.format("%Y/%m/%d").to_string())
        .join(format!("{}.json", order["id"]))
}

async fn place_order(app: &TestApp) -> Value {
    let mug = create_product(app, "Mug", "8", 5).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    json_of(put_cart(app, &member, mug, 2).await, StatusCode::OK).await;
    json_of(checkout(app, &member).await, StatusCode::CREATED).await
}

#[tokio::test]
async fn a_placed_order_is_archived_as_json_at_its_dated_path() {
    let app = spawn_app_signing_in_freely().await;
    let order = place_order(&app).await;
    process_pending(&app.db, app.archive_store().as_ref())
        .await
        .unwrap();

    let file = archive_file(&app, &order);
    let stored: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(stored, order);
    let entries = archive_outbox::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert!(entries[0].done_at.is_some());
    assert_eq!(entries[0].last_error, None);
}

#[tokio::test]
async fn a_storage_outage_keeps_the_order_and_archives_it_later() {
    let app = spawn_app_signing_in_freely().await;
    let store = app.archive_store();
    std::fs::remove_dir_all(&app.storage_dir).unwrap();
    std::fs::write(&app.storage_dir, "not a folder").unwrap();

    let order = place_order(&app).await;
    let run = process_pending(&app.db, store.as_ref()).await.unwrap();
    assert_eq!((run.written, run.failed), (0, 1));
    let entry = archive_outbox::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(i64::from(entry.order_id), order["id"].as_i64().unwrap());
    assert_eq!(entry.done_at, None);
    assert!(entry.attempts >= 1);
    assert!(entry.last_error.is_some());

    std::fs::remove_file(&app.storage_dir).unwrap();
    std::fs::create_dir(&app.storage_dir).unwrap();
    process_pending(&app.db, store.as_ref()).await.unwrap();
    let stored: Value =
        serde_json::from_slice(&std::fs::read(archive_file(&app, &order)).unwrap()).unwrap();
    assert_eq!(stored, order);
    let entry = archive_outbox::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(entry.done_at.is_some());
    assert_eq!(entry.last_error, None);
}

/// A product form loaded before a sale used to put back the stock the sale took when saved.
#[tokio::test]
async fn a_product_change_made_from_before_a_sale_is_refused() {
    let app = spawn_app_signing_in_freely().await;
    let id = create_product(&app, "Mug", "8", 3).await;
    let loaded = product(&app, id).await;
    assert_eq!(loaded["version"], 1);
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    json_of(put_cart(&app, &member, id, 2).await, StatusCode::OK).await;
    json_of(checkout(&app, &member).await, StatusCode::CREATED).await;

    let form = json!({"name": "Mug", "description": "", "price": "8", "stock": 3});
    let stale = app
        .client
        .put(app.url(&format!("/api/products/{id}")))
        .header("If-Match", "\"1\"")
        .json(&form)
        .send()
        .await
        .unwrap();
    error_of(stale, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let current = product(&app, id).await;
    assert_eq!(current["stock"], 1, "the sale stands");
    assert_eq!(current["version"], 2);

    let fresh = app
        .client
        .put(app.url(&format!("/api/products/{id}")))
        .header("If-Match", format!("\"{}\"", current["version"]))
        .json(&json!({"name": "Mug", "description": "", "price": "8", "stock": 10}))
        .send()
        .await
        .unwrap();
    let saved = json_of(fresh, StatusCode::OK).await;
    assert_eq!(saved["stock"], 10);
    assert_eq!(saved["version"], 3);

    let garbled = app
        .client
        .put(app.url(&format!("/api/products/{id}")))
        .header("If-Match", "yesterday")
        .json(&form)
        .send()
        .await
        .unwrap();
    let body = error_of(
        garbled,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(body["fields"]["If-Match"].is_string(), "{body}");
}

/// A crash leaves the archive's lease held for a minute. The same instance, restarted, takes it
/// back at once and archives what waits; another instance leaves it to expire.
#[tokio::test]
async fn a_restarted_instance_takes_back_the_archive_it_held_at_once() {
    for (instance, archived_at_once) in [("box-1", true), ("box-2", false)] {
        let app = spawn_app_configured(|config| Config {
            instance_id: Some(instance.to_owned()),
            security: SecurityConfig {
                auth_rate_limit: 0,
                ..SecurityConfig::default()
            },
            ..config
        })
        .await;
        lease::ensure_rows(&app.db, &["order-archive"])
            .await
            .unwrap();
        job_state::Entity::update_many()
            .col_expr(job_state::Column::LeaseHolder, Expr::value("box-1/archive"))
            .col_expr(
                job_state::Column::LeaseExpiresAt,
                Expr::value(Utc::now() + chrono::Duration::seconds(60)),
            )
            .filter(job_state::Column::Job.eq("order-archive"))
            .exec(&app.db)
            .await
            .unwrap();

        let order = place_order(&app).await;
        let file = archive_file(&app, &order);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(4);
        while !file.exists() && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(file.exists(), archived_at_once, "{instance}");
    }
}
