//! What an instance does when its database fails over, its credentials rotate, or a newer version
//! migrated it. Failover and credentials need a PostgreSQL server (`TEST_POSTGRES_URL`), which
//! `cargo xtask test` provides; on SQLite there is no network and no login between the server and
//! its database, so those tests have nothing to test there.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;
use server::config::{Config, DatabaseConfig, SecurityConfig};
use server::database;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::helpers::{
    TestApp, error_of, spawn_app_configured, spawn_app_in, test_config, test_config_unmigrated,
};

/// How a [`Relay`] treats the connections it is given.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Link {
    /// Passes them on to the database.
    Up,
    /// Closes them at once, like a database that is not running.
    Refused,
    /// Holds them without an answer, like a database address that no longer leads anywhere.
    Silent,
}

/// A TCP relay between the server and PostgreSQL, standing in for the network: changing its link
/// drops every connection it carries and treats new ones the new way.
struct Relay {
    address: std::net::SocketAddr,
    link: watch::Sender<Link>,
}

impl Relay {
    async fn start(upstream: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (link, _) = watch::channel(Link::Up);
        let changes = link.clone();
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let mut changed = changes.subscribe();
                let now = *changed.borrow_and_update();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let carry = async {
                        match now {
                            Link::Up => {
                                let mut client = client;
                                if let Ok(mut server) = TcpStream::connect(&upstream).await {
                                    tokio::io::copy_bidirectional(&mut client, &mut server)
                                        .await
                                        .ok();
                                }
                            }
                            Link::Refused => drop(client),
                            Link::Silent => {
                                let _held = client;
                                std::future::pending::<()>().await;
                            }
                        }
                    };
                    tokio::select! {
                        () = carry => {}
                        _ = changed.changed() => {}
                    }
                });
            }
        });
        Relay { address, link }
    }

    fn set(&self, link: Link) {
        self.link.send_replace(link);
    }
}

fn postgres_server() -> Option<String> {
    let url = std::env::var("TEST_POSTGRES_URL").ok();
    if url.is_none() {
        eprintln!("skipped: needs a PostgreSQL server in TEST_POSTGRES_URL");
    }
    url
}

/// `url` with its `host:port` replaced by `address`.
fn through(url: &str, address: std::net::SocketAddr) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (authority, path) = rest.split_once('/').unwrap();
    let credentials = authority
        .rsplit_once('@')
        .map(|(user, _)| format!("{user}@"));
    format!(
        "{scheme}://{}{address}/{path}",
        credentials.unwrap_or_default()
    )
}

fn host_and_port(url: &str) -> String {
    let rest = url.split_once("://").unwrap().1;
    let authority = rest.split_once('/').unwrap().0;
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    }
}

/// Asks `path` until it answers `status` or `limit` passes; true when it did.
async fn answers_within(app: &TestApp, path: &str, status: StatusCode, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if app.get(path).await.status() == status {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn a_database_outage_leaves_the_instance_live_and_unready_and_it_recovers_by_itself() {
    let Some(server) = postgres_server() else {
        return;
    };
    let relay = Relay::start(host_and_port(&server)).await;
    let address = relay.address;
    let app = spawn_app_configured(|config| Config {
        database: DatabaseConfig::at(through(&config.database.url, address)),
        ..config
    })
    .await;
    assert_eq!(app.get("/api/ready").await.status(), StatusCode::OK);

    for outage in [Link::Refused, Link::Silent] {
        relay.set(outage);
        let asked = Instant::now();
        let ready = app.get("/api/ready").await;
        assert_eq!(
            ready.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{outage:?}"
        );
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "{outage:?}: readiness took {:?}",
            asked.elapsed()
        );
        let asked = Instant::now();
        assert_eq!(app.get("/api/health").await.status(), StatusCode::OK);
        assert!(asked.elapsed() < Duration::from_millis(500), "{outage:?}");

        let asked = Instant::now();
        let refused = app.get("/api/donations").await;
        let retry_after = refused.headers()["retry-after"]
            .to_str()
            .unwrap()
            .to_owned();
        error_of(
            refused,
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
        )
        .await;
        assert_eq!(retry_after, "5");
        assert!(
            asked.elapsed() < Duration::from_secs(5),
            "{outage:?}: a request waited {:?}",
            asked.elapsed()
        );

        relay.set(Link::Up);
        assert!(
            answers_within(&app, "/api/ready", StatusCode::OK, Duration::from_secs(10)).await,
            "{outage:?}: not ready again after the database came back"
        );
        assert_eq!(app.get("/api/donations").await.status(), StatusCode::OK);
    }
}

/// The logins connected to `database` right now, but the administrator's.
async fn logins(admin: &DatabaseConnection, database: &str) -> Vec<String> {
    admin
        .query_all_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT DISTINCT usename::text AS login FROM pg_stat_activity \
             WHERE datname = $1 AND usename <> current_user",
            [database.into()],
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get::<String>("", "login").unwrap())
        .collect()
}

/// Waits until every connection of the server's to `database` uses `login`.
async fn wait_for_login(admin: &DatabaseConnection, database: &str, login: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while logins(admin, database).await != [login] {
        assert!(
            Instant::now() < deadline,
            "the server's connections never all moved to {login}: {:?}",
            logins(admin, database).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn credentials_rotated_under_load_are_taken_without_a_restart_or_an_error() {
    let Some(server) = postgres_server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = test_config_unmigrated(dir.path()).await;
    let admin_url = config.database.url.clone();
    let database = admin_url.rsplit_once('/').unwrap().1.to_owned();
    let owner = format!("{database}_app");
    let clone = format!("{owner}_clone");
    let url_as = |login: &str, password: &str| {
        let authority = host_and_port(&server);
        format!("postgres://{login}:{password}@{authority}/{database}")
    };
    database::provision_app_user(
        &DatabaseConfig::at(&admin_url),
        &owner,
        "first-password-of-the-app",
    )
    .await
    .unwrap();
    let url_file = dir.path().join("database-url");
    std::fs::write(&url_file, url_as(&owner, "first-password-of-the-app")).unwrap();
    let app = spawn_app_in(
        dir,
        Config {
            database: DatabaseConfig {
                url: String::new(),
                url_file: Some(url_file.clone()),
                role: Some(owner.clone()),
            },
            // The load comes from one address, faster than one client is allowed.
            security: SecurityConfig {
                api_rate_limit: 0,
                ..SecurityConfig::default()
            },
            ..config
        },
    )
    .await;
    let admin = sea_orm::Database::connect(&admin_url).await.unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(AtomicU32::new(0));
    let mut load = JoinSet::new();
    for _ in 0..4 {
        let (client, base) = (app.client.clone(), app.url("/api/donations"));
        let (stop, failures) = (stop.clone(), failures.clone());
        load.spawn(async move {
            let mut requests = 0;
            while !stop.load(Ordering::Relaxed) {
                let body = json!({"donor_name": "Ada", "kind": "food", "quantity": "1", "donated_on": "2025-01-02"});
                for response in [
                    client.post(&base).json(&body).send().await,
                    client.get(&base).send().await,
                ] {
                    requests += 1;
                    if !response.is_ok_and(|response| response.status().is_success()) {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            requests
        });
    }

    // The alternating-users scheme: the next password goes to the other login, the file moves
    // to it, and the login in use until then keeps working until its own turn comes.
    admin
        .execute_unprepared(&format!(
            "CREATE ROLE \"{clone}\" LOGIN PASSWORD 'second-password-of-the-app' IN ROLE \"{owner}\""
        ))
        .await
        .unwrap();
    let write = |url: String| {
        let fresh = url_file.with_extension("new");
        std::fs::write(&fresh, url).unwrap();
        std::fs::rename(&fresh, &url_file).unwrap();
    };
    write(url_as(&clone, "second-password-of-the-app"));
    wait_for_login(&admin, &database, &clone).await;
    admin
        .execute_unprepared(&format!(
            "ALTER ROLE \"{owner}\" PASSWORD 'third-password-of-the-app'"
        ))
        .await
        .unwrap();
    write(url_as(&owner, "third-password-of-the-app"));
    wait_for_login(&admin, &database, &owner).await;

    stop.store(true, Ordering::Relaxed);
    let mut requests = 0;
    while let Some(done) = load.join_next().await {
        requests += done.unwrap();
    }
    assert!(requests > 100, "only {requests} requests ran");
    assert_eq!(
        failures.load(Ordering::Relaxed),
        0,
        "of {requests} requests"
    );
    let owners: Vec<String> = admin
        .query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT DISTINCT tableowner::text AS owner FROM pg_tables WHERE schemaname = 'public'",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get::<String>("", "owner").unwrap())
        .collect();
    assert_eq!(owners, [owner]);
}

#[tokio::test]
async fn the_application_login_takes_over_a_schema_an_administrator_made() {
    let Some(_) = postgres_server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let admin_url = test_config_unmigrated(dir.path()).await.database.url;
    let as_admin = DatabaseConfig::at(&admin_url);
    database::connect_and_migrate(&as_admin).await.unwrap();
    let login = format!("{}_app", admin_url.rsplit_once('/').unwrap().1);
    for _ in 0..2 {
        database::provision_app_user(&as_admin, &login, "a-password-long-enough")
            .await
            .unwrap();
    }
    let admin = sea_orm::Database::connect(&admin_url).await.unwrap();
    let owners: Vec<String> = admin
        .query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT DISTINCT pg_get_userbyid(c.relowner)::text AS owner FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'i')",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get::<String>("", "owner").unwrap())
        .collect();
    assert_eq!(owners, std::slice::from_ref(&login));
    let function_owners: Vec<String> = admin
        .query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT DISTINCT pg_get_userbyid(p.proowner)::text AS owner FROM pg_proc p \
             JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get::<String>("", "owner").unwrap())
        .collect();
    assert_eq!(function_owners, std::slice::from_ref(&login));

    let short = database::provision_app_user(&as_admin, &login, "short").await;
    assert!(short.is_err());
    let odd = database::provision_app_user(&as_admin, "Robert'); DROP", "a-password-long-enough");
    assert!(odd.await.is_err());
}

/// Rolling a release back starts the previous version on a database the new one migrated.
#[tokio::test]
async fn a_database_a_newer_version_migrated_still_starts_the_older_one() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path()).await;
    let db = database::connect_and_migrate(&config.database)
        .await
        .unwrap();
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_from_a_newer_release', 0)",
    )
    .await
    .unwrap();
    let app = spawn_app_in(dir, config.clone()).await;
    assert_eq!(app.get("/api/ready").await.status(), StatusCode::OK);

    // A database that lacks one of this version's migrations as well cannot be served.
    db.execute_unprepared("DELETE FROM seaql_migrations WHERE version = 'm0006_versions'")
        .await
        .unwrap();
    let refused = database::connect_and_migrate(&config.database)
        .await
        .unwrap_err();
    assert!(
        format!("{refused:#}").contains("m9999_from_a_newer_release"),
        "{refused:#}"
    );
}
