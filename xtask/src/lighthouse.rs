//! Lighthouse (mobile, its default throttling) on the app's main pages, served by the real server
//! over the demo data: accessibility and best practices must score 100 and the public pages' SEO
//! at least 90; performance is printed, since it moves from run to run on a shared machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::tools::{self, CHROMIUM};
use crate::{Running, exec, free_port, http, step, target_dir};

/// A page and whether it is looked at signed in (as staff) or as a visitor.
const PAGES: [(&str, bool); 8] = [
    ("/", false),
    ("/login", false),
    ("/shop", false),
    ("/covid", false),
    ("/donations", true),
    ("/reports", true),
    ("/data-reports", true),
    ("/jobs", true),
];

const STAFF_EMAIL: &str = "lighthouse@example.org";
const STAFF_PASSWORD: &str = "a lighthouse password";

/// The scores of one page, out of 100, and its two load figures.
struct Scores {
    performance: f64,
    accessibility: f64,
    best_practices: f64,
    seo: f64,
    largest_paint_ms: f64,
    layout_shift: f64,
    /// The accessibility and best-practice audits that did not pass, by title.
    failed: Vec<String>,
}

/// How fast a page loaded on Lighthouse's throttled phone.
pub struct PageLoad {
    pub path: &'static str,
    pub performance: f64,
    pub largest_paint_ms: f64,
    pub layout_shift: f64,
}

/// Runs Lighthouse on every page with `server` (a built server binary) serving `dist/`, and fails
/// when a page falls short of the bar; returns how fast each page loaded.
pub fn run(root: &Path, server: &Path) -> Result<Vec<PageLoad>> {
    step("Lighthouse on the main pages (mobile)");
    let scratch = std::env::temp_dir().join(format!("hub-lighthouse-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let outcome = run_in(root, server, &scratch);
    std::fs::remove_dir_all(&scratch).ok();
    outcome
}

fn run_in(root: &Path, server: &Path, scratch: &Path) -> Result<Vec<PageLoad>> {
    let database = format!("sqlite://{}?mode=rwc", scratch.join("hub.db").display());
    exec(
        Command::new(server)
            .args(["users", "create", "--email", STAFF_EMAIL])
            .args(["--name", "Lighthouse", "--role", "staff"])
            .env("DATABASE_URL", &database)
            .env("PASSWORD", STAFF_PASSWORD)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null()),
    )?;
    let port = free_port()?;
    let _server = Running(
        Command::new(server)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", &database)
            .env("DEMO_DATA", "true")
            .env(
                "STORAGE_URL",
                format!("file://{}", scratch.join("storage").display()),
            )
            .env("STATIC_DIR", root.join("dist"))
            .env("DISABLE_SCHEDULER", "true")
            .env("RUST_LOG", "warn")
            .spawn()
            .context("starting the server")?,
    );
    http::wait_until_up(port, "GET /api/ready")?;
    let cookie = http::sign_in(
        port,
        &format!(r#"{{"email": "{STAFF_EMAIL}", "password": "{STAFF_PASSWORD}"}}"#),
        "login",
    )?;
    let reports = target_dir()?.join("lighthouse");
    std::fs::create_dir_all(&reports)?;
    let audits: Vec<(&str, bool, PathBuf)> = PAGES
        .iter()
        .map(|&(path, signed_in)| {
            let name = match path.trim_matches('/') {
                "" => "home",
                other => other,
            };
            (path, signed_in, reports.join(format!("{name}.json")))
        })
        .collect();
    let pages: Vec<Value> = audits
        .iter()
        .map(|(path, signed_in, report)| {
            json!({
                "url": format!("http://127.0.0.1:{port}{path}"),
                "report": report,
                "cookie": signed_in.then_some(&cookie),
            })
        })
        .collect();
    exec(
        tools::with_node_tools(root, &mut Command::new("node"))
            .current_dir(root.join("end2end"))
            .arg("lighthouse.mjs")
            .arg(Value::Array(pages).to_string())
            .env("CHROME_PATH", CHROMIUM),
    )?;
    println!(
        "    {:<14} {:>5} {:>5} {:>5} {:>5} {:>8} {:>6}",
        "page", "perf", "a11y", "bp", "seo", "LCP", "CLS"
    );
    let mut shortfalls = Vec::new();
    let mut loads = Vec::new();
    for &(path, signed_in, ref report) in &audits {
        let scores = read_scores(report)?;
        println!(
            "    {path:<14} {:>5.0} {:>5.0} {:>5.0} {:>5.0} {:>6.0}ms {:>6.3}",
            scores.performance,
            scores.accessibility,
            scores.best_practices,
            scores.seo,
            scores.largest_paint_ms,
            scores.layout_shift,
        );
        let seo_short = !signed_in && scores.seo < 90.0;
        if scores.accessibility < 100.0 || scores.best_practices < 100.0 || seo_short {
            shortfalls.push(format!(
                "{path}: accessibility {:.0}, best practices {:.0}, SEO {:.0} ({})",
                scores.accessibility,
                scores.best_practices,
                scores.seo,
                scores.failed.join("; ")
            ));
        }
        loads.push(PageLoad {
            path,
            performance: scores.performance,
            largest_paint_ms: scores.largest_paint_ms,
            layout_shift: scores.layout_shift,
        });
    }
    println!("    full reports in {}", reports.display());
    if !shortfalls.is_empty() {
        bail!(
            "Lighthouse found pages below the bar:\n{}",
            shortfalls.join("\n")
        );
    }
    Ok(loads)
}

fn read_scores(report: &Path) -> Result<Scores> {
    let text = std::fs::read_to_string(report)
        .with_context(|| format!("reading the Lighthouse report {}", report.display()))?;
    let report: Value = serde_json::from_str(&text)?;
    let score = |category: &str| {
        report["categories"][category]["score"]
            .as_f64()
            .map(|score| score * 100.0)
            .with_context(|| format!("a Lighthouse report without a {category} score"))
    };
    let figure = |audit: &str| {
        report["audits"][audit]["numericValue"]
            .as_f64()
            .unwrap_or(0.0)
    };
    let failed = ["accessibility", "best-practices", "seo"]
        .iter()
        .filter_map(|category| report["categories"][category]["auditRefs"].as_array())
        .flatten()
        .filter_map(|reference| {
            let audit = &report["audits"][reference["id"].as_str()?];
            let failing = audit["score"].as_f64().is_some_and(|score| score < 1.0);
            failing.then(|| audit["title"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    Ok(Scores {
        performance: score("performance")?,
        accessibility: score("accessibility")?,
        best_practices: score("best-practices")?,
        seo: score("seo")?,
        largest_paint_ms: figure("largest-contentful-paint"),
        layout_shift: figure("cumulative-layout-shift"),
        failed,
    })
}
