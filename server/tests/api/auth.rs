use app::accounts::Role;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use sea_orm::sea_query::Expr;
use serde_json::json;
use server::config::{Config, SecurityConfig};
use server::entities::session;

use crate::helpers::{
    PASSWORD, error_of, json_of, new_client, spawn_app, spawn_app_configured, spawn_app_with,
};

fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .find(|cookie| cookie.starts_with("hub_session="))
        .expect("a session cookie")
}

fn token_of(cookie: &str) -> String {
    cookie.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn registering_creates_a_signed_in_member() {
    let app = spawn_app().await;
    let client = new_client();
    let body =
        json!({"email": "  Ada@Example.ORG ", "password": "correct horse battery", "name": "Ada"});
    let response = client
        .post(app.url("/api/auth/register"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let cookie = session_cookie(&response);
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "{cookie}");
    let user = json_of(response, StatusCode::CREATED).await;
    assert_eq!(user["email"], "ada@example.org");
    assert_eq!(user["role"], "member");
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());

    let me = json_of(
        client.get(app.url("/api/auth/me")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["id"], user["id"]);
}

#[tokio::test]
async fn invalid_registrations_name_each_field() {
    let app = spawn_app().await;
    let body = json!({"email": "not-an-email", "password": "short", "name": ""});
    let error = error_of(
        app.post("/api/auth/register", &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    for field in ["email", "password", "name"] {
        assert!(error["fields"][field].is_string(), "{error}");
    }
    let common = json!({"email": "a@example.org", "password": "password123", "name": "A"});
    let error = error_of(
        app.post("/api/auth/register", &common).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(
        error["fields"]["password"]
            .as_str()
            .unwrap()
            .contains("common")
    );
}

#[tokio::test]
async fn an_email_can_register_only_once() {
    let app = spawn_app().await;
    let body =
        json!({"email": "STAFF@example.org", "password": "correct horse battery", "name": "Again"});
    error_of(
        app.post("/api/auth/register", &body).await,
        StatusCode::CONFLICT,
        "email_taken",
    )
    .await;
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let app = spawn_app().await;
    let client = new_client();
    let wrong = json!({"email": "staff@example.org", "password": "not the password"});
    let unknown = json!({"email": "nobody@example.org", "password": PASSWORD});
    let first = error_of(
        client
            .post(app.url("/api/auth/login"))
            .json(&wrong)
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let second = error_of(
        client
            .post(app.url("/api/auth/login"))
            .json(&unknown)
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(first, second);
    error_of(
        client.get(app.url("/api/auth/me")).send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn each_sign_in_gets_a_new_session() {
    let app = spawn_app().await;
    let body = json!({"email": "staff@example.org", "password": PASSWORD});
    let first = new_client()
        .post(app.url("/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let second = new_client()
        .post(app.url("/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_ne!(
        token_of(&session_cookie(&first)),
        token_of(&session_cookie(&second))
    );
}

#[tokio::test]
async fn a_logged_out_cookie_is_refused() {
    let app = spawn_app().await;
    let body = json!({"email": "staff@example.org", "password": PASSWORD});
    let login = new_client()
        .post(app.url("/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let token = token_of(&session_cookie(&login));
    let bare = server::tls::http_client().build().unwrap();
    let me = |client: &reqwest::Client| {
        client
            .get(app.url("/api/auth/me"))
            .header("cookie", token.clone())
            .send()
    };
    assert_eq!(me(&bare).await.unwrap().status(), StatusCode::OK);

    let logout = bare
        .post(app.url("/api/auth/logout"))
        .header("cookie", token.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert!(session_cookie(&logout).contains("Max-Age=0"));
    error_of(
        me(&bare).await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

/// Signs in as the helper's staff account on a client of its own; returns its `Cookie` header.
async fn fresh_session(app: &crate::helpers::TestApp) -> String {
    let body = json!({"email": "staff@example.org", "password": PASSWORD});
    let login = new_client()
        .post(app.url("/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let cookie = session_cookie(&login);
    assert!(
        cookie.contains(&format!("Max-Age={}", 30 * 24 * 3600)),
        "the cookie lasts as long as the session may: {cookie}"
    );
    token_of(&cookie)
}

async fn me_status(app: &crate::helpers::TestApp, cookie: &str) -> StatusCode {
    server::tls::http_client()
        .build()
        .unwrap()
        .get(app.url("/api/auth/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
}

/// Dates every session as begun `started` ago and ending `expires_in` from now.
async fn age_sessions(app: &crate::helpers::TestApp, started: Duration, expires_in: Duration) {
    let now = Utc::now();
    session::Entity::update_many()
        .col_expr(session::Column::CreatedAt, Expr::value(now - started))
        .col_expr(session::Column::ExpiresAt, Expr::value(now + expires_in))
        .exec(&app.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_session_in_use_still_ends_at_its_absolute_lifetime() {
    // The session's times are moved in the database behind the server's back, which a session
    // it remembers would not see.
    let app = spawn_app_configured(|config| Config {
        session_cache_ms: 0,
        ..config
    })
    .await;
    let cookie = fresh_session(&app).await;
    age_sessions(
        &app,
        Duration::days(29) + Duration::hours(23),
        Duration::minutes(30),
    )
    .await;
    assert_eq!(me_status(&app, &cookie).await, StatusCode::OK);
    let rows = session::Entity::find().all(&app.db).await.unwrap();
    let at_the_end = |row: &session::Model| row.expires_at == row.created_at + Duration::days(30);
    assert_eq!(
        rows.iter().filter(|row| at_the_end(row)).count(),
        1,
        "use moves the expiry up to the absolute end, not a week on: {rows:?}"
    );
    age_sessions(
        &app,
        Duration::days(30) + Duration::minutes(1),
        Duration::days(6),
    )
    .await;
    assert_eq!(me_status(&app, &cookie).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn ended_sessions_are_purged_at_the_next_sign_in() {
    let app = spawn_app().await;
    fresh_session(&app).await;
    age_sessions(&app, Duration::days(8), -Duration::days(1)).await;
    let live = fresh_session(&app).await;
    let rows = session::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 1, "only the new session is left");
    assert_eq!(me_status(&app, &live).await, StatusCode::OK);
}

#[tokio::test]
async fn the_sixth_login_in_a_minute_is_limited() {
    let app = spawn_app().await;
    let client = new_client();
    let body = json!({"email": "staff@example.org", "password": "wrong password!"});
    for _ in 0..4 {
        let response = client
            .post(app.url("/api/auth/login"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = client
        .post(app.url("/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the helper's own sign-in counts as the first"
    );
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    error_of(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn registration_has_its_own_limit() {
    let app = spawn_app().await;
    for attempt in 0..6 {
        let body = json!({"email": format!("user{attempt}@example.org"), "password": "correct horse battery", "name": "U"});
        let response = new_client()
            .post(app.url("/api/auth/register"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let expected = if attempt < 5 {
            StatusCode::CREATED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(response.status(), expected, "attempt {attempt}");
    }
}

/// Each password hash holds about 19 MiB; past the cap a sign-up or sign-in is turned away with
/// a retry hint instead of taking more memory.
#[tokio::test]
async fn sign_ups_and_sign_ins_past_the_hashing_cap_are_told_to_retry() {
    let app = spawn_app_with(SecurityConfig {
        auth_rate_limit: 0,
        password_hash_limit: Some(1),
        password_hash_wait_ms: 0,
        ..SecurityConfig::default()
    })
    .await;
    let mut requests = tokio::task::JoinSet::new();
    for number in 0..8 {
        let sign_up = json!({"email": format!("burst{number}@example.org"), "password": "correct horse battery", "name": "B"});
        requests.spawn(
            new_client()
                .post(app.url("/api/auth/register"))
                .json(&sign_up)
                .send(),
        );
        let sign_in = json!({"email": "staff@example.org", "password": PASSWORD});
        requests.spawn(
            new_client()
                .post(app.url("/api/auth/login"))
                .json(&sign_in)
                .send(),
        );
    }
    let mut busy = 0;
    while let Some(response) = requests.join_next().await {
        let response = response.unwrap().unwrap();
        let status = response.status();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            busy += 1;
            assert_eq!(response.headers()["retry-after"], "2");
            error_of(response, status, "busy").await;
        } else {
            assert!(
                [StatusCode::CREATED, StatusCode::OK].contains(&status),
                "{status}"
            );
        }
    }
    assert!(
        busy > 0,
        "16 hashes at once with room for one turned none away"
    );
    let after = json!({"email": "staff@example.org", "password": PASSWORD});
    let response = new_client()
        .post(app.url("/api/auth/login"))
        .json(&after)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "the cap frees up again");
}

#[tokio::test]
async fn an_auth_limit_of_zero_turns_it_off() {
    let app = spawn_app_with(SecurityConfig {
        auth_rate_limit: 0,
        ..SecurityConfig::default()
    })
    .await;
    let body = json!({"email": "staff@example.org", "password": "wrong password!"});
    for _ in 0..8 {
        let response = new_client()
            .post(app.url("/api/auth/login"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_clients_are_limited_by_forwarded_address() {
    let security = SecurityConfig {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..SecurityConfig::default()
    };
    let app = spawn_app_with(security).await;
    let body = json!({"email": "staff@example.org", "password": "wrong password!"});
    let login = |ip: &'static str| {
        new_client()
            .post(app.url("/api/auth/login"))
            .header("x-forwarded-for", ip)
            .json(&body)
            .send()
    };
    for _ in 0..5 {
        assert_eq!(
            login("198.51.100.1").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login("198.51.100.1").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login("198.51.100.2").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

/// Rotating addresses inside one IPv6 /64 used to get a fresh login budget each time; behind a
/// CDN, the client is named by the CDN's own header.
#[tokio::test]
async fn a_clients_ipv6_network_and_a_proxys_client_header_decide_the_login_budget() {
    let security = SecurityConfig {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        client_ip_header: Some("cloudfront-viewer-address".parse().unwrap()),
        ..SecurityConfig::default()
    };
    let app = spawn_app_with(security).await;
    let body = json!({"email": "staff@example.org", "password": "wrong password!"});
    let login = |viewer: String| {
        new_client()
            .post(app.url("/api/auth/login"))
            .header("cloudfront-viewer-address", viewer)
            .header("x-forwarded-for", "192.0.2.200")
            .json(&body)
            .send()
    };
    for host in 1..=5 {
        let viewer = format!("2001:db8:7:7::{host}:443");
        assert_eq!(
            login(viewer).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let same_network = login("2001:db8:7:7:abcd::9:443".to_owned()).await.unwrap();
    assert_eq!(same_network.status(), StatusCode::TOO_MANY_REQUESTS);
    let other_network = login("2001:db8:7:8::1:443".to_owned()).await.unwrap();
    assert_eq!(other_network.status(), StatusCode::UNAUTHORIZED);
    let ipv4 = login("198.51.100.1:51000".to_owned()).await.unwrap();
    assert_eq!(ipv4.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forwarded_addresses_are_ignored_without_a_trusted_proxy() {
    let app = spawn_app().await;
    let body = json!({"email": "staff@example.org", "password": "wrong password!"});
    for attempt in 0..5 {
        let response = new_client()
            .post(app.url("/api/auth/login"))
            .header("x-forwarded-for", format!("198.51.100.{attempt}"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let expected = if attempt < 4 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(response.status(), expected, "attempt {attempt}");
    }
}

#[tokio::test]
async fn the_ledger_needs_staff() {
    let app = spawn_app().await;
    let anonymous = new_client();
    error_of(
        anonymous
            .get(app.url("/api/donations"))
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;
    let body = json!({"donor_name": "A", "kind": "food", "quantity": 1});
    error_of(
        member
            .post(app.url("/api/donations"))
            .json(&body)
            .send()
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    error_of(
        member
            .get(app.url("/api/reports/inventory"))
            .send()
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    assert_eq!(
        admin
            .get(app.url("/api/reports/inventory"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn public_endpoints_stay_public() {
    let app = spawn_app().await;
    let anonymous = new_client();
    assert_eq!(
        anonymous
            .get(app.url("/api/health"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let body = json!({"dateOfBirth": "1990-01-01"});
    let response = anonymous
        .put(app.url("/hello/Ada"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_cross_site_post_is_refused() {
    let app = spawn_app().await;
    let body = json!({"donor_name": "A", "kind": "food", "quantity": 1});
    let post = |header: &'static str, value: &'static str| {
        app.client
            .post(app.url("/api/donations"))
            .header(header, value)
            .json(&body)
            .send()
    };
    error_of(
        post("origin", "https://evil.example").await.unwrap(),
        StatusCode::FORBIDDEN,
        "cross_site",
    )
    .await;
    error_of(
        post("sec-fetch-site", "cross-site").await.unwrap(),
        StatusCode::FORBIDDEN,
        "cross_site",
    )
    .await;
    let own_origin = format!("http://{}", app.address);
    let response = app
        .client
        .post(app.url("/api/donations"))
        .header("origin", own_origin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        post("sec-fetch-site", "same-origin")
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn an_allowed_origin_may_post() {
    let security = SecurityConfig {
        allowed_origins: vec!["https://app.example.org".to_owned()],
        ..SecurityConfig::default()
    };
    let app = spawn_app_with(security).await;
    let body = json!({"donor_name": "A", "kind": "food", "quantity": 1});
    let response = app
        .client
        .post(app.url("/api/donations"))
        .header("origin", "https://app.example.org")
        .header("sec-fetch-site", "cross-site")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let app = spawn_app_with(SecurityConfig {
        cookie_secure: true,
        ..SecurityConfig::default()
    })
    .await;
    let body = json!({"email": "staff@example.org", "password": PASSWORD});
    let response = new_client()
        .post(app.url("/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(session_cookie(&response).contains("; Secure"));
}

#[tokio::test]
async fn a_visitor_learns_that_no_one_is_signed_in_without_an_error() {
    let app = spawn_app().await;
    let visitor = new_client();
    let session = json_of(
        visitor
            .get(app.url("/api/auth/session"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(session, json!({"user": null}));
    // API clients keep the signed-in account's own path, which refuses visitors.
    let me = visitor.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_session_names_the_signed_in_account_until_sign_out() {
    let app = spawn_app().await;
    let client = new_client();
    let body =
        json!({"email": "ada@example.org", "password": "correct horse battery", "name": "Ada"});
    let response = client
        .post(app.url("/api/auth/register"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let user = json_of(response, StatusCode::CREATED).await;
    let session = json_of(
        client
            .get(app.url("/api/auth/session"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(session["user"], user);

    let logout = client
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let session = json_of(
        client
            .get(app.url("/api/auth/session"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(session, json!({"user": null}));
}

#[tokio::test]
async fn an_unknown_session_cookie_is_no_one_signed_in() {
    let app = spawn_app().await;
    let response = new_client()
        .get(app.url("/api/auth/session"))
        .header("cookie", "hub_session=not-a-session")
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(response, StatusCode::OK).await,
        json!({"user": null})
    );
}
