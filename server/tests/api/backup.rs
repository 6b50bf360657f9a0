use app::accounts::Role;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use server::backup;
use server::config::{Config, DatabaseConfig};
use server::entities::donation;
use server::services::aggregates;
use server::startup::Application;

use crate::helpers::{PASSWORD, create_account, json_of, new_client, test_config};

struct Running {
    base: String,
    db: sea_orm::DatabaseConnection,
    client: Client,
}

async fn start(config: Config) -> Running {
    let app = Application::build(config).await.expect("server starts");
    let base = format!("http://{}", app.address());
    let db = app.db().clone();
    tokio::spawn(app.run_until_stopped());
    Running {
        base,
        db,
        client: new_client(),
    }
}

impl Running {
    async fn sign_in(&self, email: &str) {
        let body = json!({"email": email, "password": PASSWORD});
        let response = self
            .client
            .post(format!("{}/api/auth/login", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    async fn post(&self, path: &str, body: Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "{path}");
    }

    async fn text(&self, path: &str) -> String {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.text().await.unwrap()
    }
}

/// Every listing and report a user can see, to compare two databases through the API.
const VIEWS: &[&str] = &[
    "/api/donations?per_page=100",
    "/api/distributions?per_page=100",
    "/api/reports/inventory",
    "/api/reports/donors",
    "/api/reports/donors.csv",
    "/api/stock-thresholds",
    "/api/history?per_page=100",
    "/api/history.csv",
    "/hello/Ada",
];

#[tokio::test]
async fn a_backup_restores_into_the_other_kind_of_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("source.db").display()
    );
    let source = start(Config {
        database: DatabaseConfig::at(sqlite),
        ..test_config(dir.path()).await
    })
    .await;
    create_account(&source.db, "admin@example.org", Role::Admin).await;
    source.sign_in("admin@example.org").await;
    for (donor, kind, quantity, day) in [
        ("Ada", "food", "12.5", "2025-01-02"),
        ("ada ", "money", "40", "2025-02-03"),
        ("Bakery", "food", "7", "2025-03-04"),
    ] {
        source.post("/api/donations", json!({"donor_name": donor, "kind": kind, "quantity": quantity, "donated_on": day, "note": "ü & \"quotes\""})).await;
    }
    source.post("/api/distributions", json!({"kind": "food", "quantity": "3.25", "recipient": "Pantry", "distributed_on": "2025-03-05"})).await;
    // Below its threshold, so the backup holds a flagged threshold and a queued alert too.
    let threshold = source
        .client
        .put(format!("{}/api/stock-thresholds/food", source.base))
        .json(&json!({"threshold": "20"}))
        .send()
        .await
        .unwrap();
    assert_eq!(threshold.status(), StatusCode::OK);
    let member = json!({"email": "member@example.org", "password": PASSWORD, "name": "Mel"});
    source
        .client
        .post(format!("{}/api/auth/register", source.base))
        .json(&member)
        .send()
        .await
        .unwrap();
    source.sign_in("admin@example.org").await;
    let birthday = source
        .client
        .put(format!("{}/hello/Ada", source.base))
        .json(&json!({"dateOfBirth": "1990-02-28"}))
        .send()
        .await
        .unwrap();
    assert_eq!(birthday.status(), StatusCode::NO_CONTENT);

    let file = dir.path().join("hub-backup.jsonl.gz");
    backup::write(&source.db, &file).await.unwrap();
    let mode = std::os::unix::fs::PermissionsExt::mode(&file.metadata().unwrap().permissions());
    assert_eq!(
        mode & 0o777,
        0o600,
        "password hashes are for the owner's eyes only"
    );

    // The other kind when PostgreSQL is configured for the tests, another SQLite file otherwise.
    let target_dir = tempfile::tempdir().unwrap();
    // The restore runs beside the server here, as a command would on another machine: the
    // server would serve a session it remembers until its copy is a second old.
    let target = start(Config {
        session_cache_ms: 0,
        ..test_config(target_dir.path()).await
    })
    .await;
    backup::restore(&target.db, &file, false).await.unwrap();
    let differences = aggregates::differences(&target.db).await.unwrap();
    assert!(
        differences.is_empty(),
        "the reports' totals are rebuilt: {differences:?}"
    );
    target.sign_in("admin@example.org").await;
    for view in VIEWS {
        assert_eq!(
            source.text(view).await,
            target.text(view).await,
            "{view} differs after restore"
        );
    }
    // The accounts too, but for the sign-in that reading them on the target took.
    let accounts = |text: String| {
        let mut users: Value = serde_json::from_str(&text).unwrap();
        users[0]["last_sign_in_at"] = Value::Null;
        users
    };
    assert_eq!(
        accounts(source.text("/api/users").await),
        accounts(target.text("/api/users").await),
        "the accounts differ after restore"
    );

    // New rows continue after the restored ids.
    let body = json!({"donor_name": "New", "kind": "other", "quantity": 1});
    let created = target
        .client
        .post(format!("{}/api/donations", target.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    let created = json_of(created, StatusCode::CREATED).await;
    assert!(created["id"].as_i64().unwrap() > 3);

    let refused = backup::restore(&target.db, &file, false).await.unwrap_err();
    assert!(refused.to_string().contains("--force"), "{refused}");
    backup::restore(&target.db, &file, true).await.unwrap();
    let signed_out = target
        .client
        .get(format!("{}/api/auth/me", target.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        signed_out.status(),
        StatusCode::UNAUTHORIZED,
        "a restore signs everyone out"
    );
    target.sign_in("admin@example.org").await;
    for view in ["/api/donations?per_page=100", "/api/history?per_page=100"] {
        assert_eq!(
            source.text(view).await,
            target.text(view).await,
            "{view} differs after the forced restore"
        );
    }
    let guarded = target
        .db
        .execute_unprepared("DELETE FROM audit_events")
        .await
        .unwrap_err();
    assert!(
        guarded.to_string().contains("append-only"),
        "the restored history is append-only again: {guarded}"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_whole_backup_restores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let source = start(test_config(dir.path()).await).await;
    create_account(&source.db, "admin@example.org", Role::Admin).await;
    source.sign_in("admin@example.org").await;
    for day in ["2025-01-02", "2025-01-03", "2025-01-04"] {
        let body = json!({"donor_name": "Ada", "kind": "food", "quantity": "2", "donated_on": day});
        source.post("/api/donations", body).await;
    }
    let whole = dir.path().join("whole.jsonl.gz");
    backup::write(&source.db, &whole).await.unwrap();
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(&whole).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let rows = lines.iter().filter(|line| line.starts_with('{')).count() - 1;
    assert_eq!(lines.last(), Some(&rows.to_string().as_str()));

    let gzip = |name: &str, text: &str| {
        let path = dir.path().join(name);
        let mut out = GzEncoder::new(std::fs::File::create(&path).unwrap(), Compression::fast());
        out.write_all(text.as_bytes()).unwrap();
        out.finish().unwrap();
        path
    };
    let cut_short = gzip("cut.jsonl.gz", &lines[..lines.len() - 2].join("\n"));
    let miscounted = gzip(
        "miscounted.jsonl.gz",
        &[&lines[..lines.len() - 1], &[&*(rows + 1).to_string()]]
            .concat()
            .join("\n"),
    );
    let plain = dir.path().join("plain.json");
    std::fs::write(&plain, r#"{"hello": "world"}"#).unwrap();
    let not_a_backup = gzip("other.jsonl.gz", r#"{"hello": "world"}"#);

    let target_dir = tempfile::tempdir().unwrap();
    let target = start(test_config(target_dir.path()).await).await;
    for (file, reason) in [
        (&cut_short, "ends early"),
        (
            &miscounted,
            &*format!("says it holds {} rows but has {rows}", rows + 1),
        ),
        (&plain, "not a backup"),
        (&not_a_backup, "not a backup"),
    ] {
        let refused = backup::restore(&target.db, file, false).await.unwrap_err();
        assert!(format!("{refused:#}").contains(reason), "{refused:#}");
        let donations = donation::Entity::find().count(&target.db).await.unwrap();
        assert_eq!(donations, 0, "{} left rows behind", file.display());
    }
    backup::restore(&target.db, &whole, false).await.unwrap();
    assert_eq!(donation::Entity::find().count(&target.db).await.unwrap(), 3);
}
