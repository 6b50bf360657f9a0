use std::time::Duration;

use app::accounts::Role;
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::json;
use server::config::{Config, SecurityConfig, ShutdownConfig};
use server::entities::job_run;
use server::startup::Application;

use crate::helpers::{PASSWORD, create_account, fresh_database, new_client, test_config};
use crate::jobs::{JHU, NYT, jobs_config};
use crate::sources::Sources;

#[tokio::test]
async fn shutdown_turns_unready_and_finishes_accepted_requests() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        shutdown: ShutdownConfig {
            shutdown_drain_seconds: 1,
            shutdown_timeout_seconds: 10,
        },
        security: SecurityConfig {
            auth_rate_limit: 0,
            ..SecurityConfig::default()
        },
        ..test_config(dir.path()).await
    };
    let app = Application::build(config).await.unwrap();
    let base = format!("http://{}", app.address());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        stopped.await.ok();
    }));
    let client = new_client();
    let ready = client
        .get(format!("{base}/api/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);

    // Registration hashes a password, so these are still running when shutdown begins.
    let requests: Vec<_> = (0..8)
        .map(|n| {
            let body = json!({"email": format!("user{n}@example.org"), "password": "a long enough secret", "name": "U"});
            let request = new_client().post(format!("{base}/api/auth/register")).json(&body).send();
            tokio::spawn(request)
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    stop.send(()).unwrap();

    tokio::time::sleep(Duration::from_millis(200)).await;
    let draining = client
        .get(format!("{base}/api/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(draining.status(), StatusCode::SERVICE_UNAVAILABLE);

    for request in requests {
        match request.await.unwrap() {
            Ok(response) => assert_eq!(
                response.status(),
                StatusCode::CREATED,
                "an accepted request failed"
            ),
            Err(error) => assert!(
                error.is_connect(),
                "a request failed after it was accepted: {error}"
            ),
        }
    }
    tokio::time::timeout(Duration::from_secs(15), server)
        .await
        .expect("the server stops")
        .unwrap()
        .expect("the server exits cleanly");
    assert!(
        client
            .get(format!("{base}/api/health"))
            .send()
            .await
            .is_err(),
        "still accepting connections"
    );
}

#[tokio::test]
async fn the_binary_exits_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", fresh_database(dir.path()).await)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("STATIC_DIR", dir.path())
        .env("RUST_LOG", "warn")
        .env("DISABLE_SCHEDULER", "true")
        .spawn()
        .unwrap();
    let ready = format!("http://127.0.0.1:{port}/api/ready");
    let client = new_client();
    let mut up = false;
    for _ in 0..100 {
        if client
            .get(&ready)
            .send()
            .await
            .is_ok_and(|response| response.status() == StatusCode::OK)
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the server did not become ready");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "exited with {status}");
}

/// Starts a covid-etl run whose NYT download takes `download`, then shuts the server down with
/// `timeout`; returns the run as recorded once the server has stopped.
async fn shut_down_during_a_run(download: Duration, timeout: u64) -> job_run::Model {
    let sources = Sources::start().await;
    sources.serve("/nyt/us.csv", NYT);
    sources.serve("/jhu/combined.csv", JHU);
    sources.slow_down("/nyt/us.csv", download);
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        shutdown: ShutdownConfig {
            shutdown_drain_seconds: 0,
            shutdown_timeout_seconds: timeout,
        },
        jobs: jobs_config(&sources),
        ..test_config(dir.path()).await
    };
    let app = Application::build(config).await.unwrap();
    let base = format!("http://{}", app.address());
    let db = app.db().clone();
    create_account(&db, "admin@example.org", Role::Admin).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        stopped.await.ok();
    }));
    let admin = new_client();
    let login = admin
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": "admin@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let started = admin
        .post(format!("{base}/api/jobs/covid-etl/run"))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::ACCEPTED);

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();

    let runs = job_run::Entity::find().all(&db).await.unwrap();
    assert_eq!(runs.len(), 1);
    runs[0].clone()
}

#[tokio::test]
async fn a_running_job_finishes_during_shutdown() {
    let run = shut_down_during_a_run(Duration::from_millis(500), 10).await;
    assert_eq!(run.status, "success");
    assert_eq!(run.rows_inserted, 3);
}

#[tokio::test]
async fn a_job_still_running_at_the_shutdown_timeout_is_marked_interrupted() {
    let run = shut_down_during_a_run(Duration::from_secs(30), 1).await;
    assert_eq!(run.status, "interrupted");
    assert!(run.finished_at.is_some());
}
