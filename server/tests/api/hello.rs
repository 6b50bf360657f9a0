use app::greeting::greeting;
use chrono::{Datelike, Days, NaiveDate, Utc};
use reqwest::{Response, StatusCode};
use serde_json::json;

use server::config::SecurityConfig;

use crate::helpers::{TestApp, error_of, json_of, spawn_app, spawn_app_with};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The date in 1992, a leap year, so that every month and day exists, 29 February included.
fn in_1992(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(1992, day.month(), day.day()).unwrap()
}

async fn put_raw(app: &TestApp, path: &str, body: &str) -> Response {
    app.client
        .put(app.url(path))
        .body(body.to_owned())
        .send()
        .await
        .expect("request sent")
}

async fn save(app: &TestApp, username: &str, date_of_birth: NaiveDate) {
    let body = json!({"dateOfBirth": date_of_birth.to_string()});
    let response = app.put(&format!("/hello/{username}"), &body).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.text().await.unwrap(), "");
}

/// The greeting for `username`, checking that it is the only field of a JSON answer.
async fn message_for(app: &TestApp, username: &str) -> String {
    let response = app.get(&format!("/hello/{username}")).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = json_of(response, StatusCode::OK).await;
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    body["message"].as_str().expect("a message").to_owned()
}

#[tokio::test]
async fn a_saved_date_of_birth_is_greeted_with_the_days_until_the_birthday() {
    let app = spawn_app().await;
    let today = today();
    for (username, date_of_birth) in [
        (
            "Ada",
            in_1992(today.checked_add_days(Days::new(5)).unwrap()),
        ),
        (
            "Grace",
            in_1992(today.checked_add_days(Days::new(1)).unwrap()),
        ),
        ("Alan", today.checked_sub_days(Days::new(1)).unwrap()),
        ("Edsger", NaiveDate::from_ymd_opt(1930, 5, 11).unwrap()),
        ("Leap", NaiveDate::from_ymd_opt(2000, 2, 29).unwrap()),
        ("Eve", NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()),
    ] {
        save(&app, username, date_of_birth).await;
        assert_eq!(
            message_for(&app, username).await,
            greeting(username, date_of_birth, today)
        );
    }
    assert_eq!(
        message_for(&app, "Ada").await,
        "Hello, Ada! Your birthday is in 5 day(s)"
    );
    assert_eq!(
        message_for(&app, "Grace").await,
        "Hello, Grace! Your birthday is in 1 day(s)"
    );
}

#[tokio::test]
async fn a_birthday_today_is_wished_happy() {
    let app = spawn_app().await;
    save(&app, "Ada", in_1992(today())).await;
    assert_eq!(
        message_for(&app, "Ada").await,
        "Hello, Ada! Happy birthday!"
    );
}

#[tokio::test]
async fn saving_again_replaces_the_date_of_birth() {
    let app = spawn_app().await;
    let today = today();
    save(&app, "Ada", NaiveDate::from_ymd_opt(1815, 12, 10).unwrap()).await;
    let corrected = in_1992(today);
    save(&app, "Ada", corrected).await;
    assert_eq!(
        message_for(&app, "Ada").await,
        "Hello, Ada! Happy birthday!"
    );
    let later = in_1992(today.checked_add_days(Days::new(30)).unwrap());
    save(&app, "Ada", later).await;
    assert_eq!(
        message_for(&app, "Ada").await,
        greeting("Ada", later, today)
    );
}

#[tokio::test]
async fn usernames_are_case_sensitive() {
    let app = spawn_app().await;
    let today = today();
    let ada = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    save(&app, "Ada", ada).await;
    error_of(
        app.get("/hello/ada").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let lower = in_1992(today);
    save(&app, "ada", lower).await;
    assert_eq!(message_for(&app, "Ada").await, greeting("Ada", ada, today));
    assert_eq!(
        message_for(&app, "ada").await,
        "Hello, ada! Happy birthday!"
    );
}

#[tokio::test]
async fn the_date_of_birth_may_come_in_the_query_when_there_is_no_body_but_not_in_both() {
    let app = spawn_app().await;
    let today = today();
    let response = put_raw(&app, "/hello/ada?dateOfBirth=1990-05-01", "").await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let date_of_birth = NaiveDate::from_ymd_opt(1990, 5, 1).unwrap();
    assert_eq!(
        message_for(&app, "ada").await,
        greeting("ada", date_of_birth, today)
    );

    let body = json!({"dateOfBirth": "1991-06-02"});
    let response = app.put("/hello/ada?dateOfBirth=1990-05-01", &body).await;
    let body = json_of(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["code"], "invalid_date_of_birth");
    assert_eq!(
        message_for(&app, "ada").await,
        greeting("ada", date_of_birth, today)
    );
}

#[tokio::test]
async fn a_json_body_is_read_whatever_its_content_type() {
    let app = spawn_app().await;
    let response = app
        .client
        .put(app.url("/hello/ada"))
        .header("content-type", "text/plain")
        .body(r#"{"dateOfBirth": "1990-05-01"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn invalid_usernames_are_a_400_naming_the_username() {
    let app = spawn_app().await;
    let body = json!({"dateOfBirth": "1990-05-01"});
    let too_long = "a".repeat(65);
    for username in [
        "ada1",
        "123",
        "%20",
        "",
        "ada%20lovelace",
        "ada-lovelace",
        "ada_lovelace",
        "ada%2Fb",
        "Jos%C3%A9",
        "%FF",
        too_long.as_str(),
    ] {
        let path = format!("/hello/{username}");
        for response in [app.put(&path, &body).await, app.get(&path).await] {
            let error = error_of(response, StatusCode::BAD_REQUEST, "invalid_username").await;
            assert!(error["fields"]["username"].is_string(), "{path}: {error}");
        }
    }
    let longest = "a".repeat(64);
    let response = app.put(&format!("/hello/{longest}"), &body).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn invalid_dates_of_birth_are_a_400_and_nothing_is_saved() {
    let app = spawn_app().await;
    let today = today();
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap();
    for date_of_birth in [
        json!("1990/05/01"),
        json!("01-05-1990"),
        json!("1990-5-1"),
        json!("1990-05-01T00:00:00Z"),
        json!(""),
        json!("yesterday"),
        json!("2023-02-30"),
        json!("2023-02-29"),
        json!("1990-13-01"),
        json!(today.to_string()),
        json!(tomorrow.to_string()),
        json!("9999-12-31"),
        json!(19_900_501),
        json!(null),
    ] {
        let body = json!({ "dateOfBirth": date_of_birth });
        let error = error_of(
            app.put("/hello/ada", &body).await,
            StatusCode::BAD_REQUEST,
            "invalid_date_of_birth",
        )
        .await;
        assert!(
            error["fields"]["dateOfBirth"].is_string(),
            "{body}: {error}"
        );
    }
    for body in [json!({}), json!({"date_of_birth": "1990-05-01"}), json!([])] {
        let error = error_of(
            app.put("/hello/ada", &body).await,
            StatusCode::BAD_REQUEST,
            "invalid_date_of_birth",
        )
        .await;
        assert!(
            error["fields"]["dateOfBirth"].is_string(),
            "{body}: {error}"
        );
    }
    for path in [
        "/hello/ada",
        "/hello/ada?dateOfBirth=2023-02-30",
        "/hello/ada?date_of_birth=1990-05-01",
    ] {
        error_of(
            put_raw(&app, path, "").await,
            StatusCode::BAD_REQUEST,
            "invalid_date_of_birth",
        )
        .await;
    }
    error_of(
        app.get("/hello/ada").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn each_date_problem_has_its_own_message() {
    let app = spawn_app().await;
    let tomorrow = today().checked_add_days(Days::new(1)).unwrap();
    for (date_of_birth, problem) in [
        ("1990-5-1", "must be a date in the form YYYY-MM-DD"),
        ("2023-02-30", "is not a real calendar date"),
        (&tomorrow.to_string(), "must be before today (UTC)"),
    ] {
        let body = json!({ "dateOfBirth": date_of_birth });
        let error = error_of(
            app.put("/hello/ada", &body).await,
            StatusCode::BAD_REQUEST,
            "invalid_date_of_birth",
        )
        .await;
        assert_eq!(error["fields"]["dateOfBirth"], problem);
        assert_eq!(error["message"], format!("dateOfBirth {problem}"));
    }
}

#[tokio::test]
async fn malformed_json_is_a_400_and_nothing_is_saved() {
    let app = spawn_app().await;
    for body in [
        r#"{"dateOfBirth": "#,
        r#"{"dateOfBirth": "1990-05-01""#,
        "dateOfBirth=1990-05-01",
        "not json",
    ] {
        error_of(
            put_raw(&app, "/hello/ada", body).await,
            StatusCode::BAD_REQUEST,
            "malformed_json",
        )
        .await;
    }
    error_of(
        app.get("/hello/ada").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_user_is_a_json_404_not_the_browser_app() {
    let app = spawn_app().await;
    let response = app.get("/hello/x").await;
    assert_eq!(response.headers()["content-type"], "application/json");
    let error = error_of(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(error["message"], "user was not found");
}

#[tokio::test]
async fn paths_around_the_greeting_api_are_json_404s() {
    let app = spawn_app().await;
    for path in ["/hello", "/hello/ada/extra", "/hello/ada/"] {
        let response = app.get(path).await;
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{path}"
        );
        error_of(response, StatusCode::NOT_FOUND, "not_found").await;
    }
}

#[tokio::test]
async fn other_methods_are_a_json_405() {
    let app = spawn_app().await;
    for method in [
        reqwest::Method::POST,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        for path in ["/hello/ada", "/hello/"] {
            let response = app
                .client
                .request(method.clone(), app.url(path))
                .send()
                .await
                .unwrap();
            error_of(
                response,
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
            )
            .await;
        }
    }
}

/// `PUT /hello` is public, so without a limit of its own anyone could fill the table.
#[tokio::test]
async fn saving_dates_of_birth_has_its_own_limit_and_reading_has_none() {
    let app = spawn_app_with(SecurityConfig {
        greeting_rate_limit: 3,
        ..SecurityConfig::default()
    })
    .await;
    for number in 0..3 {
        save(
            &app,
            &format!("user{}", ["a", "b", "c"][number]),
            in_1992(today()),
        )
        .await;
    }
    let refused = app
        .put("/hello/userd", &json!({"dateOfBirth": "1990-01-01"}))
        .await;
    assert!(refused.headers().contains_key("retry-after"));
    error_of(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    for _ in 0..5 {
        message_for(&app, "usera").await;
    }
    assert_eq!(
        app.get("/hello/userd").await.status(),
        StatusCode::NOT_FOUND,
        "the refused save wrote nothing"
    );
}
