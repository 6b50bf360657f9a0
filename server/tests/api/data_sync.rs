use app::accounts::Role;
use object_store::ObjectStoreExt;
use object_store::path::Path;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use server::config::{Config, JobsConfig};

use crate::helpers::{TestApp, error_of, json_of, new_client, spawn_app_configured};
use crate::jobs::{jobs_config, run_job};
use crate::sources::Sources;

const LISTING: &str = "/pub/time.series/pr/";

/// A listing in the style of the BLS server: absolute links, and a link to the parent folder.
fn listing(files: &[&str]) -> String {
    let links: String = files
        .iter()
        .map(|name| {
            format!(
                "1/2/2025  8:30 AM  1234 <A HREF=\"/pub/time.series/pr/{name}\">{name}</A><br>\n"
            )
        })
        .collect();
    format!(
        "<html><head><title>download.bls.gov - /pub/time.series/pr/</title></head><body><H1>/pub/time.series/pr/</H1><hr>\n<pre><A HREF=\"/pub/time.series/\">[To Parent Directory]</A><br><br>\n{links}</pre><hr></body></html>"
    )
}

const BLS_DATA: &str = "series_id        \tyear\tperiod\t       value\tfootnote_codes\r\n\
PRS30006032      \t2013\tQ01\t         0.5\t\r\n\
PRS30006032      \t2013\tQ02\t         1.5\t\r\n\
PRS30006032      \t2014\tQ01\t         2.0\t\r\n\
PRS30006032      \t2014\tQ05\t        10.0\t\r\n\
PRS30006032      \t2020\tQ01\t         1.0\t\r\n\
PRS88003203      \t2015\tQ05\t        4.25\t\r\n";

fn population() -> String {
    let records: Vec<Value> = (2013..=2019)
        .map(|year| {
            json!({"ID Nation": "01000US", "Nation": "United States", "ID Year": year,
                "Year": year.to_string(), "Population": (year - 2012) * 100,
                "Slug Nation": "united-states"})
        })
        .collect();
    json!({"data": records, "source": []}).to_string()
}

async fn start_with(jobs: impl FnOnce(&Sources) -> JobsConfig) -> (TestApp, Sources, Client) {
    let sources = Sources::start().await;
    sources.serve_html(LISTING, &listing(&["pr.data.0.Current", "pr.series"]));
    sources.serve("/pub/time.series/pr/pr.data.0.Current", BLS_DATA);
    sources.serve(
        "/pub/time.series/pr/pr.series",
        "series_id\tseries_title\r\n",
    );
    sources.serve("/api/population", population());
    let jobs = jobs(&sources);
    let app = spawn_app_configured(|config| Config { jobs, ..config }).await;
    let admin = app.client_with_role("admin@example.org", Role::Admin).await;
    (app, sources, admin)
}

async fn start() -> (TestApp, Sources, Client) {
    start_with(jobs_config).await
}

async fn stored(app: &TestApp, key: &str) -> Option<String> {
    let store = app.archive_store();
    match store.get(&Path::from(key)).await {
        Ok(object) => Some(String::from_utf8(object.bytes().await.unwrap().to_vec()).unwrap()),
        Err(object_store::Error::NotFound { .. }) => None,
        Err(error) => panic!("{error}"),
    }
}

fn files(run: &Value) -> [u64; 4] {
    ["added", "updated", "deleted", "unchanged"].map(|count| {
        run["files"][count]
            .as_u64()
            .unwrap_or_else(|| panic!("{count} in {run}"))
    })
}

#[tokio::test]
async fn first_sync_mirrors_every_listed_file_with_a_contact_in_the_user_agent() {
    let (app, sources, admin) = start().await;

    let run = run_job(&app, &admin, "bls-sync").await;

    assert_eq!(run["status"], "success", "{run}");
    assert_eq!(files(&run), [2, 0, 0, 0]);
    assert_eq!(
        stored(&app, "bls/pr/pr.data.0.Current").await.as_deref(),
        Some(BLS_DATA)
    );
    assert!(stored(&app, "bls/pr/pr.series").await.is_some());
    let agent = sources.requests_for("/pub/time.series/pr/pr.series")[0]["user-agent"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(agent.contains("data@example.org"), "{agent}");
    assert!(
        sources.requests_for("/pub/time.series/").is_empty(),
        "the parent folder is not followed"
    );
}

#[tokio::test]
async fn later_syncs_replace_changed_files_delete_unlisted_ones_and_skip_the_rest() {
    let (app, sources, admin) = start().await;
    run_job(&app, &admin, "bls-sync").await;

    let changed = BLS_DATA.replace("4.25", "4.50");
    sources.serve("/pub/time.series/pr/pr.data.0.Current", changed.clone());
    let run = run_job(&app, &admin, "bls-sync").await;
    assert_eq!(files(&run), [0, 1, 0, 1], "{run}");
    assert_eq!(
        stored(&app, "bls/pr/pr.data.0.Current").await.as_deref(),
        Some(changed.as_str())
    );
    assert_eq!(
        sources.downloads_of("/pub/time.series/pr/pr.series"),
        1,
        "the unchanged file was not downloaded again"
    );

    sources.serve_html(LISTING, &listing(&["pr.data.0.Current"]));
    sources.remove("/pub/time.series/pr/pr.series");
    let run = run_job(&app, &admin, "bls-sync").await;
    assert_eq!(files(&run), [0, 0, 1, 1], "{run}");
    assert_eq!(stored(&app, "bls/pr/pr.series").await, None);

    let run = run_job(&app, &admin, "bls-sync").await;
    assert_eq!(run["status"], "unchanged", "{run}");
    assert_eq!(files(&run), [0, 0, 0, 1]);
}

#[tokio::test]
async fn without_a_contact_address_the_sync_fails_and_says_why() {
    let (app, sources, admin) = start_with(|sources| JobsConfig {
        contact_email: None,
        ..jobs_config(sources)
    })
    .await;

    let run = run_job(&app, &admin, "bls-sync").await;

    assert_eq!(run["status"], "failed");
    assert!(
        run["message"].as_str().unwrap().contains("CONTACT_EMAIL"),
        "{run}"
    );
    assert!(sources.requests_for(LISTING).is_empty());
}

/// Waits for the newest report version to appear after `count` versions.
async fn versions(app: &TestApp, count: usize) -> Vec<Value> {
    for _ in 0..200 {
        let versions = json_of(app.get("/api/reports/data").await, StatusCode::OK).await;
        let versions = versions.as_array().unwrap().clone();
        if versions.len() >= count {
            return versions;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no report version {count} appeared");
}

#[tokio::test]
async fn a_sync_that_changes_data_is_followed_by_a_report() {
    let (app, _sources, admin) = start().await;

    let population = run_job(&app, &admin, "population-sync").await;
    assert_eq!(files(&population), [1, 0, 0, 0]);
    assert!(stored(&app, "datausa/population.json").await.is_some());
    run_job(&app, &admin, "bls-sync").await;

    let versions = versions(&app, 1).await;
    let newest = &versions[0];
    assert_eq!(newest["formats"], json!(["json", "html", "ipynb"]));
    let id = newest["id"].as_i64().unwrap();
    let report = json_of(
        app.get(&format!("/api/reports/data/{id}")).await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(report["population"]["first_year"], 2013);
    assert_eq!(report["population"]["last_year"], 2018);
    assert_eq!(report["population"]["mean"], "350");
    assert_eq!(report["population"]["standard_deviation"], "187.08");
    assert_eq!(report["population"]["years"].as_array().unwrap().len(), 7);
    assert_eq!(
        report["best_years"],
        json!([
            {"series_id": "PRS30006032", "year": 2013, "value": "2.0", "annual_only": false},
            {"series_id": "PRS88003203", "year": 2015, "value": "4.25", "annual_only": true},
        ])
    );
    assert_eq!(
        report["series"],
        json!([
            {"series_id": "PRS30006032", "year": 2013, "period": "Q01", "value": "0.5", "population": 100},
            {"series_id": "PRS30006032", "year": 2014, "period": "Q01", "value": "2.0", "population": 200},
        ])
    );

    let run = finished_run(&app, "data-report").await;
    assert_eq!(run["trigger"], "follow-up");
    assert_eq!(run["status"], "success");
}

/// Waits for the newest run of `job` to end: the report it stores is there a moment before the
/// run is written down as done.
async fn finished_run(app: &TestApp, job: &str) -> Value {
    for _ in 0..200 {
        let runs = json_of(
            app.get(&format!("/api/jobs/{job}/runs")).await,
            StatusCode::OK,
        )
        .await;
        if runs[0]["status"] != "running" {
            return runs[0].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the newest run of {job} did not end");
}

#[tokio::test]
async fn report_versions_download_in_every_format_for_signed_in_users_only() {
    let (app, _sources, admin) = start().await;
    run_job(&app, &admin, "population-sync").await;
    run_job(&app, &admin, "bls-sync").await;
    let id = versions(&app, 1).await[0]["id"].as_i64().unwrap();
    let member = app
        .client_with_role("member@example.org", Role::Member)
        .await;

    for (format, content_type) in [
        ("html", "text/html; charset=utf-8"),
        ("ipynb", "application/x-ipynb+json"),
        ("json", "application/json"),
    ] {
        let response = member
            .get(app.url(&format!("/api/reports/data/{id}/download?format={format}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], content_type);
        let disposition = response.headers()["content-disposition"].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"report-")
                && disposition.ends_with(&format!(".{format}\"")),
            "{disposition}"
        );
        let body = response.text().await.unwrap();
        if format == "ipynb" {
            let notebook: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(notebook["nbformat"], 4);
        }
        if format == "html" {
            assert!(body.contains("PRS30006032") && !body.contains("<script"));
        }
    }

    for (query, problem) in [
        ("?format=pdf", "must be one of json, html, ipynb"),
        ("", "missing field `format`"),
    ] {
        let error = error_of(
            member
                .get(app.url(&format!("/api/reports/data/{id}/download{query}")))
                .send()
                .await
                .unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error["fields"]["format"], problem, "{query}");
    }
    error_of(
        app.get("/api/reports/data/9999").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    error_of(
        new_client()
            .get(app.url("/api/reports/data"))
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn an_unchanged_population_is_not_stored_again() {
    let (app, _sources, admin) = start().await;
    run_job(&app, &admin, "population-sync").await;

    let run = run_job(&app, &admin, "population-sync").await;

    assert_eq!(run["status"], "unchanged");
    assert_eq!(files(&run), [0, 0, 0, 1]);
}

#[tokio::test]
async fn a_report_waits_for_both_syncs_without_failing() {
    let (app, _sources, admin) = start().await;

    let run = run_job(&app, &admin, "data-report").await;

    assert_eq!(run["status"], "unchanged", "{run}");
    assert!(run["message"].as_str().unwrap().contains("bls-sync"));
    assert_eq!(versions(&app, 0).await.len(), 0);
}
