//! Account administration: finding accounts, roles, deactivation and the last admin.

use app::accounts::Role;
use chrono::{DateTime, Utc};
use reqwest::{Client, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use server::entities::user;

use crate::helpers::{
    PASSWORD, TestApp, error_of, json_of, new_client, spawn_app_signing_in_freely as spawn_app,
};

/// The account with `email`, as an admin's list shows it.
async fn find(app: &TestApp, admin: &Client, email: &str) -> Value {
    let response = admin.get(app.url("/api/users")).send().await.unwrap();
    let users = json_of(response, StatusCode::OK).await;
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|user| user["email"] == email)
        .expect("the account is listed")
        .clone()
}

async fn id_of(app: &TestApp, admin: &Client, email: &str) -> i64 {
    find(app, admin, email).await["id"].as_i64().unwrap()
}

async fn change(app: &TestApp, admin: &Client, id: i64, body: Value) -> reqwest::Response {
    admin
        .patch(app.url(&format!("/api/users/{id}")))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn sign_in(app: &TestApp, client: &Client, email: &str) -> reqwest::Response {
    client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn each_sign_in_is_recorded_as_the_last_one() {
    let app = spawn_app().await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    app.create_user("new@example.org", Role::Member).await;
    let never = find(&app, &admin, "new@example.org").await;
    assert_eq!(never["last_sign_in_at"], Value::Null);

    let signed_in = json_of(
        sign_in(&app, &new_client(), "new@example.org").await,
        StatusCode::OK,
    )
    .await;
    let listed = find(&app, &admin, "new@example.org").await;
    assert!(listed["last_sign_in_at"].is_string(), "{listed}");
    assert_eq!(listed["last_sign_in_at"], signed_in["last_sign_in_at"]);
}

#[tokio::test]
async fn a_deactivated_account_is_signed_out_at_once_and_cannot_sign_in_until_reactivated() {
    let app = spawn_app().await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    let id = id_of(&app, &admin, "member@example.org").await;
    json_of(
        member.get(app.url("/api/cart")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;

    let changed = json_of(
        change(&app, &admin, id, json!({"active": false})).await,
        StatusCode::OK,
    )
    .await;
    assert!(changed["deactivated_at"].is_string(), "{changed}");
    let cart = member.get(app.url("/api/cart")).send().await.unwrap();
    error_of(cart, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let session = json_of(
        member
            .get(app.url("/api/auth/session"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(session["user"], Value::Null);

    let refused = sign_in(&app, &new_client(), "member@example.org").await;
    let error = error_of(refused, StatusCode::FORBIDDEN, "account_deactivated").await;
    assert!(
        error["message"].as_str().unwrap().contains("deactivated"),
        "{error}"
    );
    // A wrong password still says only that, whatever the account's state.
    let wrong = new_client()
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "member@example.org", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    error_of(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;

    let reactivated = json_of(
        change(&app, &admin, id, json!({"active": true})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(reactivated["deactivated_at"], Value::Null);
    assert_eq!(
        sign_in(&app, &new_client(), "member@example.org")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_last_active_admin_can_be_neither_demoted_nor_deactivated() {
    let app = spawn_app().await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    app.create_user("second@example.org", Role::Admin).await;
    let me = id_of(&app, &admin, "admin@example.org").await;
    let second = id_of(&app, &admin, "second@example.org").await;

    // A deactivated admin is no stand-in.
    json_of(
        change(&app, &admin, second, json!({"active": false})).await,
        StatusCode::OK,
    )
    .await;
    for body in [
        json!({"active": false}),
        json!({"role": "staff"}),
        json!({"role": "member", "active": true}),
    ] {
        let refused = change(&app, &admin, me, body.clone()).await;
        let error = error_of(refused, StatusCode::CONFLICT, "last_admin").await;
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("last active admin"),
            "{body}: {error}"
        );
    }
    let unchanged = find(&app, &admin, "admin@example.org").await;
    assert_eq!(unchanged["role"], "admin");
    assert_eq!(unchanged["deactivated_at"], Value::Null);

    json_of(
        change(&app, &admin, second, json!({"active": true})).await,
        StatusCode::OK,
    )
    .await;
    let demoted = json_of(
        change(&app, &admin, me, json!({"role": "staff"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(demoted["role"], "staff");
}

#[tokio::test]
async fn only_admins_change_accounts_and_bad_changes_are_named() {
    let app = spawn_app().await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    let id = id_of(&app, &admin, "staff@example.org").await;

    let updated = json_of(
        change(&app, &admin, id, json!({"role": "member"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["role"], "member");
    // The helper's client is that account: it has lost the ledger, and never had accounts.
    error_of(
        app.get("/api/donations").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    error_of(
        change(&app, &app.client, id, json!({"role": "admin"})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    error_of(
        change(&app, &admin, 9999, json!({"role": "staff"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    for (body, field) in [
        (json!({}), "role"),
        (json!({"role": "owner"}), "role"),
        (json!({"active": "no"}), "active"),
    ] {
        let error = error_of(
            change(&app, &admin, id, body.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(error["fields"][field].is_string(), "{body}: {error}");
    }
}

/// Two admins stepping down at the same moment must not leave none. Under PostgreSQL's READ
/// COMMITTED each demotion used to see the other admin still in place (write skew).
#[tokio::test]
async fn two_admins_stepping_down_at_once_leave_one() {
    let app = spawn_app().await;
    let first = app.client_with_role("first@example.org", Role::Admin).await;
    let second = app
        .client_with_role("second@example.org", Role::Admin)
        .await;
    let ids = admin_ids(&app, &first).await;
    for round in 0..200 {
        reinstate(&app, ids).await;
        let step_down = json!({"role": "staff"});
        let (a, b) = tokio::join!(
            change(&app, &first, ids[0], step_down.clone()),
            change(&app, &second, ids[1], step_down.clone()),
        );
        let statuses = [a.status(), b.status()];
        assert_eq!(active_admins(&app).await, 1, "round {round}: {statuses:?}");
        assert!(
            statuses.contains(&StatusCode::CONFLICT),
            "round {round}: {statuses:?}"
        );
    }
}

/// The same race by deactivation: each admin deactivates the other. The loser may be refused by
/// the update (409) or, its session already ended by the winner, by the guard (401).
#[tokio::test]
async fn two_admins_deactivating_each_other_at_once_leave_one() {
    let app = spawn_app().await;
    let emails = ["first@example.org", "second@example.org"];
    let first = app.client_with_role(emails[0], Role::Admin).await;
    let second = app.client_with_role(emails[1], Role::Admin).await;
    let ids = admin_ids(&app, &first).await;
    let clients = [first, second];
    let deactivate = json!({"active": false});
    for round in 0..100 {
        let (a, b) = tokio::join!(
            change(&app, &clients[0], ids[1], deactivate.clone()),
            change(&app, &clients[1], ids[0], deactivate.clone()),
        );
        let statuses = [a.status(), b.status()];
        assert_eq!(active_admins(&app).await, 1, "round {round}: {statuses:?}");
        assert_eq!(
            statuses.iter().filter(|status| status.is_success()).count(),
            1,
            "round {round}: {statuses:?}"
        );
        // The winner's session lives on; the loser's ended with its account, so only the loser
        // signs in again (each sign-in is a deliberately slow password check).
        let loser = usize::from(statuses[0].is_success());
        reinstate(&app, ids).await;
        app.sign_in(&clients[loser], emails[loser]).await;
    }
}

async fn admin_ids(app: &TestApp, admin: &Client) -> [i64; 2] {
    [
        id_of(app, admin, "first@example.org").await,
        id_of(app, admin, "second@example.org").await,
    ]
}

/// Makes both accounts active admins again.
async fn reinstate(app: &TestApp, ids: [i64; 2]) {
    user::Entity::update_many()
        .col_expr(user::Column::Role, Expr::value("admin"))
        .col_expr(
            user::Column::DeactivatedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.is_in(ids.map(|id| i32::try_from(id).unwrap())))
        .exec(&app.db)
        .await
        .unwrap();
}

async fn active_admins(app: &TestApp) -> u64 {
    user::Entity::find()
        .filter(user::Column::Role.eq("admin"))
        .filter(user::Column::DeactivatedAt.is_null())
        .count(&app.db)
        .await
        .unwrap()
}
