//! Two server processes on one database and one object store behave as one service.

use app::accounts::Role;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

use sea_orm::EntityTrait;
use server::config::{Config, JobsConfig, SecurityConfig};
use server::entities::job_run;
use server::startup::Application;

use crate::helpers::{
    PASSWORD, create_account, json_of, new_client, test_config, test_config_unmigrated,
};
use crate::jobs::{JHU, NYT, jobs_config};
use crate::sources::Sources;

async fn sign_in(client: &Client, base: &str, email: &str) {
    let body = json!({"email": email, "password": PASSWORD});
    let response = client
        .post(format!("{base}/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn two_instances_share_migrations_sessions_and_stock() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        security: SecurityConfig {
            auth_rate_limit: 0,
            ..SecurityConfig::default()
        },
        ..test_config_unmigrated(dir.path()).await
    };
    // Both start at once, as after a deploy: each runs the migrations against the same database.
    let (first, second) = tokio::join!(
        Application::build(config.clone()),
        Application::build(config)
    );
    let (first, second) = (
        first.expect("first instance starts"),
        second.expect("second instance starts"),
    );
    let db = first.db().clone();
    let bases = [
        format!("http://{}", first.address()),
        format!("http://{}", second.address()),
    ];
    tokio::spawn(first.run_until_stopped());
    tokio::spawn(second.run_until_stopped());

    // A session made on one instance works on the other.
    create_account(&db, "staff@example.org", Role::Staff).await;
    let staff = new_client();
    sign_in(&staff, &bases[0], "staff@example.org").await;
    let me = staff
        .get(format!("{}/api/auth/me", bases[1]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(me, StatusCode::OK).await["email"],
        "staff@example.org"
    );

    let product =
        json!({"name": "Winter coat", "description": "Warm", "price": "25.00", "stock": 5});
    let created = staff
        .post(format!("{}/api/products", bases[1]))
        .json(&product)
        .send()
        .await
        .unwrap();
    let product_id = json_of(created, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap();

    // Twenty members, each with one coat in their cart, check out at once through both instances.
    let mut members = Vec::new();
    for n in 0..20 {
        let email = format!("member{n}@example.org");
        create_account(&db, &email, Role::Member).await;
        let client = new_client();
        let base = bases[n % 2].clone();
        sign_in(&client, &base, &email).await;
        let put = client
            .put(format!("{base}/api/cart/items/{product_id}"))
            .json(&json!({"quantity": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), StatusCode::OK);
        members.push((client, bases[(n + 1) % 2].clone()));
    }
    let checkouts: Vec<_> = members
        .into_iter()
        .map(|(client, base)| {
            tokio::spawn(async move {
                client
                    .post(format!("{base}/api/cart/checkout"))
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for checkout in checkouts {
        statuses.push(checkout.await.unwrap());
    }
    let orders = statuses
        .iter()
        .filter(|status| **status == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|status| **status == StatusCode::CONFLICT)
        .count();
    assert_eq!((orders, refused), (5, 15), "{statuses:?}");
    let product: Value = json_of(
        reqwest::get(format!("{}/api/products/{product_id}", bases[0]))
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(product["stock"], 0);
}

#[tokio::test]
async fn a_scheduled_run_happens_once_across_instances() {
    let sources = Sources::start().await;
    sources.serve("/nyt/us.csv", NYT);
    sources.serve("/jhu/combined.csv", JHU);
    let dir = tempfile::tempdir().unwrap();
    // A yearly schedule: its latest slot is due when both start, and the next is months away.
    let config = Config {
        jobs: JobsConfig {
            disable_scheduler: false,
            covid_etl_schedule: "0 0 1 1 *".to_owned(),
            bls_sync_schedule: "off".to_owned(),
            population_sync_schedule: "off".to_owned(),
            ..jobs_config(&sources)
        },
        ..test_config(dir.path()).await
    };
    let (first, second) = tokio::join!(
        Application::build(config.clone()),
        Application::build(config)
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    let db = first.db().clone();
    tokio::spawn(first.run_until_stopped());
    tokio::spawn(second.run_until_stopped());

    for _ in 0..100 {
        let runs = job_run::Entity::find().all(&db).await.unwrap();
        if runs.iter().any(|run| run.finished_at.is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Time for a second run to show, were the other instance to start one.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let runs = job_run::Entity::find().all(&db).await.unwrap();

    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].trigger, "schedule");
    assert_eq!(runs[0].status, "success");
    assert_eq!(sources.requests_for("/nyt/us.csv").len(), 1);
}

/// The base URLs of two instances started with `config`, sharing its database.
async fn two_instances(config: Config) -> [String; 2] {
    let mut bases = Vec::new();
    for config in [config.clone(), config] {
        let app = Application::build(config).await.unwrap();
        bases.push(format!("http://{}", app.address()));
        tokio::spawn(app.run_until_stopped());
    }
    bases.try_into().unwrap()
}

/// A greeting saved through one instance is served by another within `GREETING_CACHE_MS`, and by
/// the instance that took it at once.
#[tokio::test]
async fn a_greeting_saved_on_one_instance_is_seen_on_another_within_the_cache_time() {
    let dir = tempfile::tempdir().unwrap();
    let [first, second] = &two_instances(Config {
        greeting_cache_ms: 300,
        ..test_config(dir.path()).await
    })
    .await;
    let client = new_client();
    let greet = |base: &str| client.get(format!("{base}/hello/ada")).send();
    // The second instance now remembers that ada has no date of birth.
    assert_eq!(greet(second).await.unwrap().status(), StatusCode::NOT_FOUND);

    let saved = client
        .put(format!("{first}/hello/ada"))
        .json(&json!({"dateOfBirth": "1990-05-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::NO_CONTENT);
    assert_eq!(greet(first).await.unwrap().status(), StatusCode::OK);
    assert_eq!(greet(second).await.unwrap().status(), StatusCode::NOT_FOUND);

    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(greet(second).await.unwrap().status(), StatusCode::OK);
}

/// A sign-out through one instance ends the session there at once, and on another instance that
/// had just served it within `SESSION_CACHE_MS`.
#[tokio::test]
async fn a_sign_out_on_one_instance_is_seen_on_another_within_the_cache_time() {
    let dir = tempfile::tempdir().unwrap();
    let [first, second] = &two_instances(Config {
        session_cache_ms: 300,
        ..test_config(dir.path()).await
    })
    .await;
    // Both instances are on 127.0.0.1, so the client sends the session's cookie to both.
    let client = new_client();
    let registered = client
        .post(format!("{first}/api/auth/register"))
        .json(&json!({
            "email": "rosa@example.org",
            "password": "a long enough password",
            "name": "Rosa",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let cart = |base: &str| client.get(format!("{base}/api/cart")).send();
    assert_eq!(cart(first).await.unwrap().status(), StatusCode::OK);
    assert_eq!(cart(second).await.unwrap().status(), StatusCode::OK);

    let signed_out = client
        .post(format!("{first}/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);
    // The sign-out cleared the cookie; the token it held is sent by hand from here on.
    let token = registered
        .cookies()
        .next()
        .map(|cookie| format!("{}={}", cookie.name(), cookie.value()))
        .unwrap();
    let cart = |base: &str| {
        new_client()
            .get(format!("{base}/api/cart"))
            .header("cookie", &token)
            .send()
    };
    assert_eq!(
        cart(first).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // The second instance may still take it until its copy is 300 ms old, no longer.
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(
        cart(second).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}
