use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use app::accounts::Role;
use reqwest::{Client, Response, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use server::config::{
    Config, DatabaseConfig, ErrorTrackingConfig, JobsConfig, SecurityConfig, ShutdownConfig,
    TimeoutsConfig,
};
use server::services::accounts;
use server::services::audit::Actor;
use server::services::passwords::Passwords;
use server::startup::Application;
use tempfile::TempDir;

pub struct TestApp {
    pub address: SocketAddr,
    /// Signed in as a staff member, who may use the ledger.
    pub client: Client,
    pub db: sea_orm::DatabaseConnection,
    /// The address of `db`, for the server's commands.
    pub database_url: String,
    /// The folder the order archive is written to.
    pub storage_dir: PathBuf,
    _dir: TempDir,
}

pub const PASSWORD: &str = "a long enough secret";

/// Starts a server on port 0 with a fresh SQLite database and a minimal built app, with a client
/// signed in as staff.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(SecurityConfig::default()).await
}

/// A configuration for a server in `dir`: a new database with the schema in place, a minimal
/// built app, a storage folder, and defaults for everything else.
pub async fn test_config(dir: &Path) -> Config {
    config_on(dir, migrated_database(dir).await)
}

/// [`test_config`] with an empty database, for tests of what the server does to one as it starts.
pub async fn test_config_unmigrated(dir: &Path) -> Config {
    config_on(dir, fresh_database(dir).await)
}

fn config_on(dir: &Path, database_url: String) -> Config {
    let static_dir = dir.join("dist");
    std::fs::create_dir_all(&static_dir).unwrap();
    std::fs::write(
        static_dir.join("index.html"),
        "<!doctype html><title>Community Hub</title><main><!-- page intro -->\
         <div class=\"skeleton\"></div><!-- end page intro --></main>",
    )
    .unwrap();
    std::fs::write(static_dir.join("app-0123456789abcdef.js"), "export {};").unwrap();
    // Stands in for the brotli copy the build writes beside each file.
    std::fs::write(
        static_dir.join("app-0123456789abcdef.js.br"),
        "brotli bytes",
    )
    .unwrap();
    Config {
        database: DatabaseConfig::at(database_url),
        bind: "127.0.0.1:0".parse().unwrap(),
        static_dir,
        demo_data: false,
        storage_url: format!("file://{}", dir.join("storage").display()),
        metrics_bind: None,
        metrics_token: None,
        greeting_cache_ms: 1000,
        session_cache_ms: 1000,
        instance_id: None,
        error_tracking: ErrorTrackingConfig::default(),
        security: SecurityConfig::default(),
        shutdown: ShutdownConfig::default(),
        timeouts: TimeoutsConfig::default(),
        jobs: JobsConfig {
            disable_scheduler: true,
            ..JobsConfig::default()
        },
    }
}

/// As [`spawn_app`], with sign-in not rate limited, for tests that sign in again and again.
pub async fn spawn_app_signing_in_freely() -> TestApp {
    spawn_app_with(SecurityConfig {
        auth_rate_limit: 0,
        ..SecurityConfig::default()
    })
    .await
}

pub async fn spawn_app_with(security: SecurityConfig) -> TestApp {
    spawn_app_configured(|config| Config { security, ..config }).await
}

/// Starts a server whose test configuration `adjust` changed.
pub async fn spawn_app_configured(adjust: impl FnOnce(Config) -> Config) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = adjust(test_config(dir.path()).await);
    spawn_app_in(dir, config).await
}

/// Starts a server with `config`, whose files live in `dir`.
pub async fn spawn_app_in(dir: TempDir, config: Config) -> TestApp {
    let database_url = config.database.url.clone();
    let app = Application::build(config).await.expect("server starts");
    let address = app.address();
    let db = app.db().clone();
    tokio::spawn(app.run_until_stopped());
    let app = TestApp {
        address,
        client: new_client(),
        db,
        database_url,
        storage_dir: dir.path().join("storage"),
        _dir: dir,
    };
    app.create_user("staff@example.org", Role::Staff).await;
    app.sign_in(&app.client, "staff@example.org").await;
    app
}

/// A new, empty database: a SQLite file in `dir`, or, when `TEST_POSTGRES_URL` names a PostgreSQL
/// server (as `cargo xtask test` does), a new database on it.
pub async fn fresh_database(dir: &Path) -> String {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(server_url) => {
            let name = create_database(&server_url, None).await;
            postgres_url(&server_url, &name)
        }
        Err(_) => sqlite_url(&dir.join("hub.db")),
    }
}

/// A new database with the schema in place, for a server that starts on it: a copy of a database
/// migrated once per test run. Migrating each test's own took a tenth of a second of the test's
/// CPU, and on PostgreSQL a third of a second of the database server's too.
pub async fn migrated_database(dir: &Path) -> String {
    static TEMPLATE: tokio::sync::OnceCell<Template> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(Template::migrated)
        .await
        .copy_into(dir)
        .await
}

/// The database every test's copy is made from.
enum Template {
    Postgres { server_url: String, name: String },
    Sqlite(PathBuf),
}

impl Template {
    /// Creates the template, on the PostgreSQL server of `TEST_POSTGRES_URL` when there is one,
    /// and migrates it.
    async fn migrated() -> Self {
        let template = match std::env::var("TEST_POSTGRES_URL") {
            Ok(server_url) => {
                let name = create_database(&server_url, None).await;
                Template::Postgres { server_url, name }
            }
            Err(_) => {
                let file = Path::new(env!("CARGO_TARGET_TMPDIR"))
                    .join(format!("hub-template-{}.db", std::process::id()));
                std::fs::remove_file(&file).ok();
                Template::Sqlite(file)
            }
        };
        let db = server::database::connect_and_migrate(&DatabaseConfig::at(template.url()))
            .await
            .expect("the template database migrates");
        if let Template::Sqlite(_) = template {
            // Everything into the file itself, which is all that is copied.
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .expect("the template's log is written back");
        }
        // PostgreSQL copies a database only while nobody is connected to it.
        db.close().await.ok();
        template
    }

    fn url(&self) -> String {
        match self {
            Template::Postgres { server_url, name } => postgres_url(server_url, name),
            Template::Sqlite(file) => sqlite_url(file),
        }
    }

    /// A copy of the template, in `dir` for SQLite, and its URL.
    async fn copy_into(&self, dir: &Path) -> String {
        match self {
            Template::Postgres { server_url, name } => {
                let copy = create_database(server_url, Some(name)).await;
                postgres_url(server_url, &copy)
            }
            Template::Sqlite(file) => {
                let copy = dir.join("hub.db");
                std::fs::copy(file, &copy).expect("the template database is copied");
                sqlite_url(&copy)
            }
        }
    }
}

fn sqlite_url(file: &Path) -> String {
    format!("sqlite://{}?mode=rwc", file.display())
}

/// The URL of the database `name` on the PostgreSQL server at `server_url`.
fn postgres_url(server_url: &str, name: &str) -> String {
    let (base, _) = server_url
        .rsplit_once('/')
        .expect("the URL names a database");
    format!("{base}/{name}")
}

/// Creates a database on the PostgreSQL server at `server_url`, empty or as a copy of `template`,
/// and returns its name.
async fn create_database(server_url: &str, template: Option<&str>) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "hub_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let copy = template.map_or_else(String::new, |template| {
        format!(" TEMPLATE {template} STRATEGY FILE_COPY")
    });
    let admin = sea_orm::Database::connect(server_url)
        .await
        .expect("PostgreSQL is reachable");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}{copy}"))
        .await
        .expect("test database created");
    admin.close().await.ok();
    name
}

/// A client with its own cookie jar, signed in as nobody.
pub fn new_client() -> Client {
    server::tls::http_client()
        .cookie_store(true)
        .build()
        .unwrap()
}

/// Creates an account with [`PASSWORD`] straight in the database.
pub async fn create_account(db: &sea_orm::DatabaseConnection, email: &str, role: Role) {
    // Hashing is slow by design; every account shares one hash of the one password.
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let hash = HASH
        .get_or_init(|| async {
            Passwords::default()
                .hash(PASSWORD.to_owned())
                .await
                .expect("password hashed")
        })
        .await;
    accounts::create_user_with_hash(
        db,
        Some(&Actor::system("test setup")),
        email,
        "Test User",
        hash.clone(),
        role,
    )
    .await
    .expect("user created");
}

impl TestApp {
    pub async fn create_user(&self, email: &str, role: Role) {
        create_account(&self.db, email, role).await;
    }

    pub async fn sign_in(&self, client: &Client, email: &str) {
        let body = json!({"email": email, "password": PASSWORD});
        let response = client
            .post(self.url("/api/auth/login"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "signing in as {email}");
    }

    /// A fresh client signed in with a new account of `role`.
    pub async fn client_with_role(&self, email: &str, role: Role) -> Client {
        self.create_user(email, role).await;
        let client = new_client();
        self.sign_in(&client, email).await;
        client
    }

    /// A store over the app's archive folder, as the app opens it.
    pub fn archive_store(&self) -> Arc<dyn object_store::ObjectStore> {
        server::storage::open(&format!("file://{}", self.storage_dir.display()))
            .expect("the archive folder opens")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// `/metrics` as a scraper holding `token` reads it.
    pub async fn scrape_metrics(&self, token: &str) -> Response {
        new_client()
            .get(self.url("/metrics"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.client
            .put(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn donate(&self, kind: &str, quantity: &str) -> Value {
        let body = json!({"donor_name": "Test Donor", "kind": kind, "quantity": quantity});
        json_of(
            self.post("/api/donations", &body).await,
            StatusCode::CREATED,
        )
        .await
    }

    pub async fn balance(&self, kind: &str) -> String {
        let rows = json_of(self.get("/api/reports/inventory").await, StatusCode::OK).await;
        let row = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["kind"] == kind)
            .expect("every kind has a row");
        row["balance"].as_str().unwrap().to_owned()
    }
}

/// Asserts the status and returns the JSON body.
pub async fn json_of(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(actual, status, "unexpected status, body: {body}");
    body
}

/// Asserts an error response: its status, its code, and that it follows the error body shape.
pub async fn error_of(response: Response, status: StatusCode, code: &str) -> Value {
    let body = json_of(response, status).await;
    assert_eq!(body["error"]["code"], code, "body: {body}");
    assert!(body["error"]["message"].is_string(), "body: {body}");
    assert!(body["error"]["fields"].is_object(), "body: {body}");
    body["error"].clone()
}

/// Runs the futures concurrently on the test runtime and collects their results in order.
pub async fn join_all<F: Future<Output = T> + Send + 'static, T: Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<T> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.unwrap());
    }
    results
}
