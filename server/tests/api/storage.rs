//! The object stores behind the order archive: a local folder, and S3 when one is configured.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use app::accounts::Role;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::config::Config;
use server::services::archive;
use server::startup::Application;
use server::storage;

use crate::helpers::{PASSWORD, create_account, json_of, new_client, test_config};

/// Always a local folder; also S3 when `TEST_S3_BUCKET` names a bucket on an S3-compatible server,
/// found through the usual `AWS_*` variables (`cargo xtask test` starts one on loopback).
fn store_urls(dir: &Path) -> Vec<String> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let mut urls = vec![format!("file://{}", dir.join("store").display())];
    if let Ok(bucket) = std::env::var("TEST_S3_BUCKET") {
        let prefix = format!(
            "test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        urls.push(format!("s3://{bucket}/{prefix}"));
    }
    urls
}

#[tokio::test]
async fn every_store_keeps_lists_and_deletes_what_is_put_in_it() {
    let dir = tempfile::tempdir().unwrap();
    for url in store_urls(dir.path()) {
        let store = storage::open(&url).unwrap();
        let location = StorePath::from("orders/2026/01/31/7.json");
        store
            .put(&location, PutPayload::from(r#"{"id":7}"#))
            .await
            .unwrap();
        let body = store.get(&location).await.unwrap().bytes().await.unwrap();
        assert_eq!(&body[..], br#"{"id":7}"#, "{url}");
        assert_eq!(store.head(&location).await.unwrap().size, 8, "{url}");
        let listed: Vec<_> = listing(&*store, "orders/2026").await;
        assert_eq!(listed, vec!["orders/2026/01/31/7.json".to_owned()], "{url}");
        store.delete(&location).await.unwrap();
        assert!(store.get(&location).await.is_err(), "{url}");
    }
}

async fn listing(store: &dyn ObjectStore, prefix: &str) -> Vec<String> {
    let prefix = StorePath::from(prefix);
    let listing = store.list_with_delimiter(Some(&prefix)).await.unwrap();
    let mut names = Vec::new();
    for folder in listing.common_prefixes {
        let inner = store.list_with_delimiter(Some(&folder)).await.unwrap();
        for day in inner.common_prefixes {
            let files = store.list_with_delimiter(Some(&day)).await.unwrap();
            names.extend(
                files
                    .objects
                    .into_iter()
                    .map(|object| object.location.to_string()),
            );
        }
    }
    names
}

#[tokio::test]
async fn a_checked_out_order_is_archived_to_every_kind_of_store() {
    let dir = tempfile::tempdir().unwrap();
    for url in store_urls(dir.path()) {
        let app_dir = tempfile::tempdir().unwrap();
        let config = Config {
            storage_url: url.clone(),
            ..test_config(app_dir.path()).await
        };
        let app = Application::build(config).await.unwrap();
        let base = format!("http://{}", app.address());
        let db = app.db().clone();
        tokio::spawn(app.run_until_stopped());

        create_account(&db, "staff@example.org", Role::Staff).await;
        let client = new_client();
        let login = json!({"email": "staff@example.org", "password": PASSWORD});
        assert_eq!(
            client
                .post(format!("{base}/api/auth/login"))
                .json(&login)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        let product = json!({"name": "Soup", "description": "Tomato", "price": "2.50", "stock": 3});
        let created = client
            .post(format!("{base}/api/products"))
            .json(&product)
            .send()
            .await
            .unwrap();
        let product_id = json_of(created, StatusCode::CREATED).await["id"]
            .as_i64()
            .unwrap();
        let put = client
            .put(format!("{base}/api/cart/items/{product_id}"))
            .json(&json!({"quantity": 2}))
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), StatusCode::OK);
        let order = json_of(
            client
                .post(format!("{base}/api/cart/checkout"))
                .send()
                .await
                .unwrap(),
            StatusCode::CREATED,
        )
        .await;

        let store = storage::open(&url).unwrap();
        archive::process_pending(&db, &*store).await.unwrap();
        let day = order["created_at"].as_str().unwrap()[..10].replace('-', "/");
        let location = StorePath::from(format!("orders/{day}/{}.json", order["id"]));
        let bytes = store
            .get(&location)
            .await
            .unwrap_or_else(|error| panic!("{url}: {error}"))
            .bytes()
            .await
            .unwrap();
        let archived: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(archived["id"], order["id"], "{url}");
        assert_eq!(archived["total"], "5.00", "{url}");
    }
}
