use std::time::Duration;

use app::accounts::Role;
use clap::CommandFactory;
use reqwest::{Client, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use server::config::{Cli, Config, JobsConfig};
use server::entities::job_state;

use crate::helpers::{
    TestApp, error_of, fresh_database, json_of, new_client, spawn_app_configured,
};
use crate::sources::Sources;

pub const NYT: &str = "date,cases,deaths
2020-03-01,10,1
2020-03-02,20,2
2020-03-03,30,3
";

pub const JHU: &str = "Date,Country/Region,Province/State,Lat,Long,Confirmed,Recovered,Deaths
2020-03-01,US,,40.0,-100.0,10,1,1
2020-03-02,Canada,Ontario,51.25,-85.32,5,2,0
2020-03-02,US,,40.0,-100.0,20,,2
2020-03-03,US,,40.0,-100.0,30,5,3
2020-03-04,US,,40.0,-100.0,40,8,4
";

/// Jobs settings reading from `sources`, notifying its webhook.
pub fn jobs_config(sources: &Sources) -> JobsConfig {
    JobsConfig {
        disable_scheduler: true,
        covid_nyt_url: sources.url("/nyt/us.csv"),
        covid_jhu_url: sources.url("/jhu/combined.csv"),
        bls_pr_url: sources.url("/pub/time.series/pr/"),
        datausa_population_url: sources.url("/api/population"),
        contact_email: Some("data@example.org".to_owned()),
        fetch_timeout_seconds: 2,
        notify_webhook_url: Some(sources.url("/webhook")),
        ..JobsConfig::default()
    }
}

/// A server whose jobs read from a fresh local source server, which serves the first versions of
/// both COVID files; and a client signed in as admin.
async fn start() -> (TestApp, Sources, Client) {
    let sources = Sources::start().await;
    sources.serve("/nyt/us.csv", NYT);
    sources.serve("/jhu/combined.csv", JHU);
    let jobs = jobs_config(&sources);
    let app = spawn_app_configured(|config| Config {
        jobs,
        metrics_token: Some(METRICS_TOKEN.to_owned()),
        ..config
    })
    .await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    (app, sources, admin)
}

const METRICS_TOKEN: &str = "jobs-metrics-token";

/// Starts a run of `job` through the API and waits for it to end; returns the run.
pub async fn run_job(app: &TestApp, admin: &Client, job: &str) -> Value {
    let response = admin
        .post(app.url(&format!("/api/jobs/{job}/run")))
        .send()
        .await
        .unwrap();
    let started = json_of(response, StatusCode::ACCEPTED).await;
    wait_for_run(app, job, started["run_id"].as_i64().unwrap()).await
}

/// Waits up to ten seconds for run `run_id` of `job` to end.
pub async fn wait_for_run(app: &TestApp, job: &str, run_id: i64) -> Value {
    for _ in 0..200 {
        let runs = json_of(
            app.get(&format!("/api/jobs/{job}/runs")).await,
            StatusCode::OK,
        )
        .await;
        if let Some(run) = runs
            .as_array()
            .unwrap()
            .iter()
            .find(|run| run["id"] == run_id && run["status"] != "running")
        {
            return run.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("run {run_id} of {job} did not end");
}

async fn daily(app: &TestApp, query: &str) -> Value {
    json_of(
        new_client()
            .get(app.url(&format!("/api/covid/daily{query}")))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn first_run_loads_the_days_in_both_sources() {
    let (app, _sources, admin) = start().await;

    let run = run_job(&app, &admin, "covid-etl").await;

    assert_eq!(run["status"], "success", "run: {run}");
    assert_eq!(run["rows_inserted"], 3);
    assert_eq!(run["rows_updated"], 0);
    assert_eq!(run["trigger"], "manual");
    let days = daily(&app, "").await;
    assert_eq!(
        days,
        serde_json::json!([
            {"date": "2020-03-01", "cases": 10, "deaths": 1, "recovered": 1},
            {"date": "2020-03-02", "cases": 20, "deaths": 2, "recovered": null},
            {"date": "2020-03-03", "cases": 30, "deaths": 3, "recovered": 5},
        ])
    );
    let range = daily(&app, "?from=2020-03-02&to=2020-03-02").await;
    assert_eq!(range.as_array().unwrap().len(), 1);
    assert_eq!(range[0]["date"], "2020-03-02");
}

#[tokio::test]
async fn later_runs_insert_new_days_and_update_revised_ones_only() {
    let (app, sources, admin) = start().await;
    run_job(&app, &admin, "covid-etl").await;

    sources.serve(
        "/nyt/us.csv",
        "date,cases,deaths\n2020-03-01,10,1\n2020-03-02,21,2\n2020-03-03,30,3\n2020-03-04,40,4\n",
    );
    let run = run_job(&app, &admin, "covid-etl").await;

    assert_eq!(run["status"], "success", "run: {run}");
    assert_eq!(run["rows_inserted"], 1, "2020-03-04 is new");
    assert_eq!(run["rows_updated"], 1, "2020-03-02 was revised");
    let days = daily(&app, "?from=2020-03-02").await;
    assert_eq!(days[0]["cases"], 21);
    assert_eq!(days[2]["date"], "2020-03-04");
}

#[tokio::test]
async fn a_run_over_unchanged_sources_writes_nothing() {
    let (app, sources, admin) = start().await;
    run_job(&app, &admin, "covid-etl").await;

    let run = run_job(&app, &admin, "covid-etl").await;

    assert_eq!(run["status"], "unchanged", "run: {run}");
    assert_eq!(run["rows_inserted"], 0);
    assert_eq!(
        sources.downloads_of("/nyt/us.csv"),
        1,
        "the 304 saved a download"
    );
    let conditional = sources.requests_for("/nyt/us.csv");
    assert!(conditional[1].contains_key("if-none-match"));
}

#[tokio::test]
async fn malformed_data_fails_the_run_and_keeps_the_data_as_it_was() {
    let (app, sources, admin) = start().await;
    run_job(&app, &admin, "covid-etl").await;
    let before = daily(&app, "").await;

    sources.serve(
        "/nyt/us.csv",
        "date,cases,deaths\n2020-03-01,10,1\n2020-03-02,lots,2\n2020-03-05,50,5\n",
    );
    let run = run_job(&app, &admin, "covid-etl").await;

    assert_eq!(run["status"], "failed", "run: {run}");
    let message = run["message"].as_str().unwrap();
    assert!(
        message.contains("NYT line 3, column cases"),
        "message: {message}"
    );
    assert_eq!(daily(&app, "").await, before);

    sources.serve("/nyt/us.csv", NYT.replace("30,3", "31,3"));
    let retried = run_job(&app, &admin, "covid-etl").await;
    assert_eq!(retried["status"], "success", "the next run tries again");
    assert_eq!(retried["rows_updated"], 1);
}

#[tokio::test]
async fn source_errors_fail_the_run_naming_the_source() {
    let (app, sources, admin) = start().await;

    sources.serve_html(
        "/jhu/combined.csv",
        "<!DOCTYPE html>\n<html><body>Moved</body></html>",
    );
    let html = run_job(&app, &admin, "covid-etl").await;
    assert_eq!(html["status"], "failed");
    assert!(
        html["message"].as_str().unwrap().contains("JHU line 1"),
        "{html}"
    );

    sources.fail("/jhu/combined.csv", StatusCode::INTERNAL_SERVER_ERROR);
    let broken = run_job(&app, &admin, "covid-etl").await;
    assert!(
        broken["message"]
            .as_str()
            .unwrap()
            .starts_with("JHU source"),
        "{broken}"
    );
    assert!(
        broken["message"].as_str().unwrap().contains("500"),
        "{broken}"
    );

    sources.serve("/jhu/combined.csv", JHU);
    sources.slow_down("/jhu/combined.csv", Duration::from_secs(5));
    let slow = run_job(&app, &admin, "covid-etl").await;
    assert_eq!(slow["status"], "failed");
    assert!(
        slow["message"]
            .as_str()
            .unwrap()
            .contains("did not answer in time"),
        "{slow}"
    );
    assert_eq!(daily(&app, "").await, serde_json::json!([]));
}

/// A broken or hostile source could otherwise stream gigabytes into memory.
#[tokio::test]
async fn a_download_past_the_size_cap_fails_the_run() {
    let sources = Sources::start().await;
    sources.serve("/nyt/us.csv", NYT);
    sources.serve("/jhu/combined.csv", JHU.repeat(50));
    let jobs = JobsConfig {
        max_download_bytes: u64::try_from(JHU.len() * 10).unwrap(),
        ..jobs_config(&sources)
    };
    let app = spawn_app_configured(|config| Config { jobs, ..config }).await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    let run = run_job(&app, &admin, "covid-etl").await;
    assert_eq!(run["status"], "failed");
    let message = run["message"].as_str().unwrap();
    assert!(message.contains("MAX_DOWNLOAD_BYTES"), "{message}");
    assert!(message.contains("/jhu/combined.csv"), "{message}");
    assert_eq!(daily(&app, "").await, serde_json::json!([]));
}

#[tokio::test]
async fn changes_and_failures_are_posted_to_the_webhook() {
    let (app, sources, admin) = start().await;

    run_job(&app, &admin, "covid-etl").await;
    run_job(&app, &admin, "covid-etl").await;
    sources.fail("/nyt/us.csv", StatusCode::NOT_FOUND);
    run_job(&app, &admin, "covid-etl").await;

    let posted = sources.webhooks(2).await;
    assert_eq!(
        posted.len(),
        2,
        "the unchanged run is not announced: {posted:?}"
    );
    assert_eq!(
        posted[0],
        serde_json::json!({"job": "covid-etl", "status": "success", "rows_inserted": 3,
            "rows_updated": 0, "message": posted[0]["message"]})
    );
    assert_eq!(posted[1]["status"], "failed");
}

#[tokio::test]
async fn a_failing_webhook_does_not_fail_the_run() {
    let sources = Sources::start().await;
    sources.serve("/nyt/us.csv", NYT);
    sources.serve("/jhu/combined.csv", JHU);
    let jobs = JobsConfig {
        notify_webhook_url: Some(sources.url("/no-such-hook")),
        ..jobs_config(&sources)
    };
    let app = spawn_app_configured(|config| Config { jobs, ..config }).await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;

    let run = run_job(&app, &admin, "covid-etl").await;

    assert_eq!(run["status"], "success");
}

#[tokio::test]
async fn jobs_list_their_schedule_and_last_run() {
    let (app, _sources, admin) = start().await;
    run_job(&app, &admin, "covid-etl").await;

    let jobs = json_of(app.get("/api/jobs").await, StatusCode::OK).await;

    let covid = jobs
        .as_array()
        .unwrap()
        .iter()
        .find(|job| job["name"] == "covid-etl")
        .expect("covid-etl is listed");
    assert_eq!(covid["schedule"], "0 6 * * *");
    assert_eq!(covid["last_run"]["status"], "success");
    assert_eq!(covid["next_run_at"], Value::Null, "the scheduler is off");
    let metrics = app
        .scrape_metrics(METRICS_TOKEN)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"job_runs_total{job="covid-etl",status="success"}"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"job_rows_written_total{job="covid-etl",operation="inserted"}"#));
}

#[tokio::test]
async fn only_admins_start_runs_and_only_staff_see_them() {
    let (app, _sources, _admin) = start().await;
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;

    error_of(
        app.post("/api/jobs/covid-etl/run", &Value::Null).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    error_of(
        member.get(app.url("/api/jobs")).send().await.unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    error_of(
        new_client()
            .get(app.url("/api/jobs/covid-etl/runs"))
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    error_of(
        app.get("/api/jobs/no-such-job/runs").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    error_of(
        app.get("/api/covid/daily?from=2020-03-02&to=2020-03-01")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn a_job_runs_once_at_a_time() {
    let (app, sources, admin) = start().await;
    sources.slow_down("/nyt/us.csv", Duration::from_millis(1500));

    let first = admin
        .post(app.url("/api/jobs/covid-etl/run"))
        .send()
        .await
        .unwrap();
    let first = json_of(first, StatusCode::ACCEPTED).await;
    let second = admin
        .post(app.url("/api/jobs/covid-etl/run"))
        .send()
        .await
        .unwrap();

    error_of(second, StatusCode::CONFLICT, "job_running").await;
    let run = wait_for_run(&app, "covid-etl", first["run_id"].as_i64().unwrap()).await;
    assert_eq!(run["status"], "success");
    let again = run_job(&app, &admin, "covid-etl").await;
    assert_eq!(again["status"], "unchanged", "the lease was released");
}

/// Runs `server job run <job>` against a fresh database and the given sources.
async fn run_command(sources: &Sources, job: &str) -> (std::process::ExitStatus, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["job", "run", job])
        .env("DATABASE_URL", fresh_database(dir.path()).await)
        .env(
            "STORAGE_URL",
            format!("file://{}", dir.path().join("storage").display()),
        )
        .env("COVID_NYT_URL", sources.url("/nyt/us.csv"))
        .env("COVID_JHU_URL", sources.url("/jhu/combined.csv"))
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    (output.status, String::from_utf8(output.stdout).unwrap())
}

#[tokio::test]
async fn the_run_command_prints_its_summary_last_and_exits_by_outcome() {
    let sources = Sources::start().await;
    sources.serve("/nyt/us.csv", NYT);
    sources.serve("/jhu/combined.csv", JHU);

    let (status, stdout) = run_command(&sources, "covid-etl").await;
    assert!(status.success(), "exited with {status}: {stdout}");
    let summary: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["job"], "covid-etl");
    assert_eq!(summary["status"], "success");
    assert_eq!(summary["rows_inserted"], 3);
    assert_eq!(summary["rows_updated"], 0);

    sources.fail("/jhu/combined.csv", StatusCode::BAD_GATEWAY);
    let (status, stdout) = run_command(&sources, "covid-etl").await;
    assert_eq!(status.code(), Some(1));
    let summary: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["status"], "failed");

    let (status, _) = run_command(&sources, "no-such-job").await;
    assert!(!status.success());
}

/// A minimal SMTP server that accepts one message and hands over its text.
pub async fn smtp_server() -> (String, tokio::sync::oneshot::Receiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let (deliver, delivered) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (reader, mut writer) = socket.into_split();
        let mut lines = BufReader::new(reader).lines();
        writer.write_all(b"220 test ESMTP\r\n").await.unwrap();
        let mut message = String::new();
        let mut in_data = false;
        while let Some(line) = lines.next_line().await.unwrap() {
            if in_data {
                if line == "." {
                    in_data = false;
                    writer.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    message.push_str(&line);
                    message.push('\n');
                }
                continue;
            }
            let verb = line
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    writer.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 OK\r\n",
            };
            writer.write_all(reply).await.unwrap();
        }
        deliver.send(message).ok();
    });
    (url, delivered)
}

#[tokio::test]
async fn failures_are_emailed_when_smtp_is_configured() {
    let sources = Sources::start().await;
    sources.fail("/nyt/us.csv", StatusCode::SERVICE_UNAVAILABLE);
    sources.serve("/jhu/combined.csv", JHU);
    let (smtp_url, delivered) = smtp_server().await;
    let jobs = JobsConfig {
        smtp_url: Some(smtp_url),
        notify_email_from: Some("hub@example.org".to_owned()),
        notify_email_to: vec!["ops@example.org".to_owned()],
        ..jobs_config(&sources)
    };
    let app = spawn_app_configured(|config| Config { jobs, ..config }).await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;

    run_job(&app, &admin, "covid-etl").await;

    let message = tokio::time::timeout(Duration::from_secs(10), delivered)
        .await
        .expect("an e-mail arrives")
        .unwrap();
    assert!(message.contains("To: ops@example.org"), "{message}");
    assert!(
        message.contains("Subject: [community hub] covid-etl failed"),
        "{message}"
    );
    assert!(message.contains("503"), "{message}");
}

/// `FOO=` in an env file means "not set" for every setting alike. `CONTACT_EMAIL=` once made
/// `bls-sync` download with the User-Agent `(+mailto:)` instead of refusing as when unset.
#[tokio::test]
async fn every_setting_left_empty_counts_as_unset() {
    let sources = Sources::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"));
    for argument in Cli::command().get_arguments() {
        if let Some(variable) = argument.get_env() {
            command.env(variable, "");
        }
    }
    let output = command
        .args(["job", "run", "bls-sync"])
        .env("BLS_PR_URL", sources.url("/pub/time.series/pr/"))
        .env("RUST_LOG", "warn")
        .current_dir(dir.path())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| panic!("no summary; stderr: {stderr}"));
    assert_eq!(summary["status"], "failed", "{summary}");
    assert!(
        summary["message"]
            .as_str()
            .unwrap()
            .contains("CONTACT_EMAIL is not set"),
        "{summary}"
    );
    assert!(
        sources.requests_for("/pub/time.series/pr/").is_empty(),
        "nothing was fetched"
    );
    assert!(
        dir.path().join("data").join("hub.db").exists(),
        "the default database was used"
    );
}

fn time_of(value: &Value) -> chrono::DateTime<chrono::Utc> {
    value.as_str().unwrap().parse().unwrap()
}

async fn covid_job(app: &TestApp) -> Value {
    let jobs = json_of(app.get("/api/jobs").await, StatusCode::OK).await;
    jobs.as_array()
        .unwrap()
        .iter()
        .find(|job| job["name"] == "covid-etl")
        .unwrap()
        .clone()
}

/// A failing job is tried again 1, 2, 4 … minutes later rather than every minute, the Jobs list
/// shows when, and people hear of the first failure and of the recovery only.
#[tokio::test]
async fn a_failing_job_is_retried_with_backoff_and_announced_once() {
    let sources = Sources::start().await;
    sources.fail("/nyt/us.csv", StatusCode::NOT_FOUND);
    sources.serve("/jhu/combined.csv", JHU);
    let jobs = JobsConfig {
        disable_scheduler: false,
        bls_sync_schedule: "off".to_owned(),
        population_sync_schedule: "off".to_owned(),
        ..jobs_config(&sources)
    };
    let app = spawn_app_configured(|config| Config { jobs, ..config }).await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;

    // At start the scheduler runs the slot it missed; it fails.
    let mut first = Value::Null;
    for _ in 0..200 {
        let last = &covid_job(&app).await["last_run"];
        if last["status"] == "failed" {
            first = last.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(first["trigger"], "schedule", "{first}");
    let retry = time_of(&covid_job(&app).await["next_run_at"]);
    assert_eq!(
        retry - time_of(&first["finished_at"]),
        chrono::Duration::minutes(1)
    );

    let second = run_job(&app, &admin, "covid-etl").await;
    assert_eq!(second["status"], "failed");
    let retry = time_of(&covid_job(&app).await["next_run_at"]);
    assert_eq!(
        retry - time_of(&second["finished_at"]),
        chrono::Duration::minutes(2)
    );

    sources.serve("/nyt/us.csv", NYT);
    let recovered = run_job(&app, &admin, "covid-etl").await;
    assert_eq!(recovered["status"], "success");
    let next = time_of(&covid_job(&app).await["next_run_at"]);
    assert_eq!(
        next.format("%H:%M:%S").to_string(),
        "06:00:00",
        "back on schedule"
    );

    let posted = sources.webhooks(3).await;
    let statuses: Vec<&Value> = posted.iter().map(|post| &post["status"]).collect();
    assert_eq!(statuses, ["failed", "success"], "{posted:?}");
}

/// A run that stalls past its lease, while another instance takes the job over, must not write
/// over that instance's work: its final write is fenced by the lease.
#[tokio::test]
async fn a_run_that_lost_its_lease_saves_nothing() {
    let (app, sources, admin) = start().await;
    sources.slow_down("/nyt/us.csv", Duration::from_millis(800));
    let started = admin
        .post(app.url("/api/jobs/covid-etl/run"))
        .send()
        .await
        .unwrap();
    let run_id = json_of(started, StatusCode::ACCEPTED).await["run_id"]
        .as_i64()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    job_state::Entity::update_many()
        .col_expr(
            job_state::Column::LeaseHolder,
            Expr::value("another-instance"),
        )
        .filter(job_state::Column::Job.eq("covid-etl"))
        .exec(&app.db)
        .await
        .unwrap();
    let run = wait_for_run(&app, "covid-etl", run_id).await;
    assert_eq!(run["status"], "failed");
    assert!(
        run["message"].as_str().unwrap().contains("lost its lease"),
        "{run}"
    );
    assert_eq!(daily(&app, "").await, serde_json::json!([]));
}
