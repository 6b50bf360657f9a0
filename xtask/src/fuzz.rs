//! The API fuzzing step: the server, on a fresh database, answers the requests schemathesis (from
//! PyPI) generates from its OpenAPI description, signed in as an admin, and every answer must be
//! what the description promises. The rules live in `xtask/schemathesis.toml`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::{Running, exec, free_port, step, tools};

const EMAIL: &str = "fuzz-admin@example.org";
const PASSWORD: &str = "fuzzing-only-password";
/// The ids the two accounts get on the empty database, in the order they are created: the
/// fuzzer's admin, then the member `xtask/fuzz_hooks.py` sends the admin's own account changes to.
const ADMIN_ID: &str = "1";
const STAND_IN_ID: &str = "2";
/// Where the data jobs a fuzzed request starts would download from: nowhere, so no test run
/// reaches the internet.
const UNREACHABLE: &str = "http://127.0.0.1:9/unreachable";

/// Installs schemathesis (once) and returns its path.
pub fn ensure_fuzzer(target_dir: &Path) -> Result<PathBuf> {
    tools::ensure_pypi_tool(target_dir, "schemathesis", "schemathesis", "the API fuzzer")
}

/// Fuzzes the API of `server` (the binary) serving `database_url`, an empty database; the
/// server's log goes to `target/fuzz-<label>.log` and schemathesis' full report to
/// `target/fuzz-<label>-report.txt`.
pub fn run(
    root: &Path,
    target_dir: &Path,
    server: &Path,
    label: &str,
    database_url: &str,
) -> Result<()> {
    let schemathesis = ensure_fuzzer(target_dir)?;
    for (email, name, role) in [
        (EMAIL, "Fuzzer", "admin"),
        ("fuzz-stand-in@example.org", "Stand-in", "member"),
    ] {
        exec(
            Command::new(server)
                .args([
                    "users", "create", "--email", email, "--name", name, "--role", role,
                ])
                .env("DATABASE_URL", database_url)
                .env("PASSWORD", PASSWORD)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
    }
    let port = free_port()?;
    let log = target_dir.join(format!("fuzz-{label}.log"));
    let _server = Running(
        Command::new(server)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", database_url)
            .env("DISABLE_SCHEDULER", "true")
            // The fuzzer sends thousands of requests from one address.
            .env("AUTH_RATE_LIMIT", "1000000")
            .env("API_RATE_LIMIT", "1000000")
            .env("GREETING_RATE_LIMIT", "1000000")
            .envs(
                [
                    "COVID_NYT_URL",
                    "COVID_JHU_URL",
                    "BLS_PR_URL",
                    "DATAUSA_POPULATION_URL",
                ]
                .map(|setting| (setting, UNREACHABLE)),
            )
            // The server logs to stderr; its lines belong in the log file, not in the run's output.
            .stderr(std::fs::File::create(&log).context("creating the server's log")?)
            .spawn()
            .context("starting the server")?,
    );
    step(&format!(
        "Fuzzing the API from its OpenAPI description ({label}; the server logs to {})",
        log.display()
    ));
    let report = target_dir.join(format!("fuzz-{label}-report.txt"));
    let ran = Command::new(schemathesis)
        // It keeps a cache of what it found in its working folder, which belongs with the build.
        .current_dir(target_dir)
        .arg("--config-file")
        .arg(root.join("xtask/schemathesis.toml"))
        .args(["--no-color", "run", "--wait-for-schema", "60"])
        .arg(format!("http://127.0.0.1:{port}/api/openapi.json"))
        .env("FUZZ_EMAIL", EMAIL)
        .env("FUZZ_PASSWORD", PASSWORD)
        .env("FUZZ_ADMIN_ID", ADMIN_ID)
        .env("FUZZ_STAND_IN_ID", STAND_IN_ID)
        .env("SCHEMATHESIS_HOOKS", root.join("xtask/fuzz_hooks.py"))
        .stderr(Stdio::inherit())
        .output()
        .context("starting schemathesis")?;
    let output = String::from_utf8_lossy(&ran.stdout);
    std::fs::write(&report, output.as_bytes()).context("writing the fuzzing report")?;
    // Its full report runs to hundreds of lines; the summary is what a passing run needs to show.
    let summary = output.find("SUMMARY").map_or(&*output, |at| &output[at..]);
    if !ran.status.success() {
        print!("{output}");
        bail!("schemathesis found failures ({})", ran.status);
    }
    println!("{summary}(full report: {})", report.display());
    Ok(())
}
