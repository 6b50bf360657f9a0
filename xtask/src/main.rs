//! `cargo xtask <command>`: the project's build, run and test steps, in Rust so they read the
//! same everywhere. Every command first installs what it needs and is missing, and skips what is
//! already there.

mod postgres;
mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  run     build the browser app and serve everything at http://127.0.0.1:3000 with demo data
  test    format and lint checks, unit and integration tests, the wasm build, browser tests
  build   release build: the browser app into dist/ and the server binary
";

fn main() -> Result<()> {
    let command = std::env::args().nth(1).unwrap_or_default();
    let root = workspace_root();
    std::env::set_current_dir(&root).context("entering the workspace")?;
    match command.as_str() {
        "run" => run(&root),
        "test" => test(&root),
        "build" => build(&root),
        _ => {
            eprint!("{USAGE}");
            bail!("unknown command {command:?}")
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Prints a step header, so a long log shows where it is.
fn step(title: &str) {
    println!("\n==> {title}");
}

/// Runs a command to completion; a non-zero exit is an error naming the command.
fn exec(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .with_context(|| format!("starting {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// Builds the browser app into `dist/` with the size-optimised profile.
fn build_spa(root: &Path) -> Result<()> {
    tools::ensure_spa_toolchain(root)?;
    step("Building the browser app into dist/");
    exec(tools::with_node_tools(
        root,
        Command::new("trunk").args(["build", "--release"]),
    ))
}

fn run(root: &Path) -> Result<()> {
    build_spa(root)?;
    step("Starting the server at http://127.0.0.1:3000");
    exec(cargo().args(["run", "-p", "server", "--", "--demo-data"]))
}

fn build(root: &Path) -> Result<()> {
    build_spa(root)?;
    step("Building the server in release mode");
    exec(cargo().args(["build", "--release", "-p", "server"]))?;
    println!("\nThe server is target/release/server; the browser app is in dist/.");
    Ok(())
}

fn test(root: &Path) -> Result<()> {
    step("Checking formatting");
    exec(cargo().args(["fmt", "--all", "--check"]))?;

    tools::ensure_wasm_target()?;
    step("Linting the host crates");
    exec(cargo().args([
        "clippy",
        "--workspace",
        "--exclude",
        "frontend",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    step("Linting the browser app (wasm32)");
    exec(cargo().args([
        "clippy",
        "-p",
        "frontend",
        "-p",
        "app",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;

    step("Unit and integration tests (SQLite)");
    exec(cargo().args(["test", "--workspace", "--exclude", "frontend"]))?;
    {
        let cluster = postgres::TempCluster::start()?;
        step("Integration tests (PostgreSQL)");
        exec(
            cargo()
                .args(["test", "-p", "server", "--test", "api"])
                .env("TEST_POSTGRES_URL", &cluster.url),
        )?;
    }

    build_spa(root)?;
    step("Building the server for the browser tests");
    exec(cargo().args(["build", "-p", "server"]))?;
    let server = target_dir()?.join("debug").join("server");

    tools::ensure_browser_test_tools(root)?;
    step("Browser tests (Playwright, Chromium)");
    exec(
        tools::with_node_tools(root, Command::new("npx").args(["playwright", "test"]))
            .current_dir(root.join("end2end"))
            .env("SERVER_BIN", server)
            .env("STATIC_DIR", root.join("dist")),
    )
}

/// Whether this process runs as root, and so may install system packages.
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// Where cargo puts build output (honours `CARGO_TARGET_DIR`).
fn target_dir() -> Result<PathBuf> {
    let output = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .context("running cargo metadata")?;
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("reading cargo metadata")?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata names no target directory")
}
