//! Installs the tools the build needs when they are missing, pinned to versions known to work
//! together: the wasm target, Trunk, the wasm-bindgen CLI matching the crate, npm packages
//! (Playwright, the axe accessibility checks and the wasm optimiser), and Chromium for the browser tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{cargo, exec, is_root, step};

const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` version pinned in the workspace's Cargo.toml.
const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// The first version that reads the names wasm-bindgen 0.2.128 and later give.
const WASM_SPLIT_VERSION: &str = "0.2.4";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The first line a tool prints for `--version`, or `None` when it is not installed.
fn version_of(tool: &str) -> Option<String> {
    let output = Command::new(tool).arg("--version").output().ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    })
}

/// The wasm target, and the standard library's source, which the app's build compiles with its
/// own settings (see [`crate::wasm`]).
fn ensure_wasm_target() -> Result<()> {
    ensure_rustup("target", "wasm32-unknown-unknown")?;
    ensure_rustup("component", "rust-src")
}

/// Adds a rustup `target` or `component` unless it is installed.
fn ensure_rustup(kind: &str, name: &str) -> Result<()> {
    let output = Command::new("rustup")
        .args([kind, "list", "--installed"])
        .output()
        .context("running rustup (is Rust installed with rustup?)")?;
    if !String::from_utf8_lossy(&output.stdout)
        .lines()
        .any(|line| line.trim() == name)
    {
        step(&format!("Installing {name}"));
        exec(Command::new("rustup").args([kind, "add", name]))?;
    }
    Ok(())
}

/// Installs a cargo-installed tool unless `--version` already reports `version`.
fn ensure_cargo_tool(binary: &str, version: &str, install: &[&str]) -> Result<()> {
    if version_of(binary).is_some_and(|line| line.contains(version)) {
        return Ok(());
    }
    step(&format!(
        "Installing {binary} {version} (a few minutes, once)"
    ));
    exec(cargo().arg("install").args(install))
}

/// Everything the browser app's build needs: Trunk for the page, and the wasm's tools.
pub fn ensure_spa_toolchain(root: &Path) -> Result<()> {
    ensure_wasm_target()?;
    ensure_cargo_tool(
        "trunk",
        TRUNK_VERSION,
        &["--locked", &format!("trunk@{TRUNK_VERSION}")],
    )?;
    // Without --locked: the CLI's own lock file names a crate version the registry no longer has.
    ensure_cargo_tool(
        "wasm-bindgen",
        WASM_BINDGEN_VERSION,
        &["wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION],
    )?;
    ensure_wasm_split()?;
    ensure_npm_packages(root)
}

/// `wasm-split-cli` has no `--version`; cargo's list of what it installed says which it is.
fn ensure_wasm_split() -> Result<()> {
    let output = cargo()
        .args(["install", "--list"])
        .output()
        .context("listing what cargo installed")?;
    let installed = format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:");
    if String::from_utf8_lossy(&output.stdout)
        .lines()
        .any(|line| line == installed)
    {
        return Ok(());
    }
    step(&format!(
        "Installing wasm-split-cli {WASM_SPLIT_VERSION} (a minute, once)"
    ));
    exec(cargo().arg("install").args([
        "--locked",
        "wasm_split_cli_support",
        "--version",
        WASM_SPLIT_VERSION,
        "--features",
        "build-binary",
    ]))
}

/// Installs `end2end/`'s npm packages when they are missing or older than the lock file.
fn ensure_npm_packages(root: &Path) -> Result<()> {
    let end2end = root.join("end2end");
    let installed = end2end.join("node_modules").join(".package-lock.json");
    let lock = end2end.join("package-lock.json");
    let fresh = match (installed.metadata(), lock.metadata()) {
        (Ok(installed), Ok(lock)) => installed.modified()? >= lock.modified()?,
        _ => false,
    };
    if !fresh {
        if version_of("npm").is_none() {
            bail!(
                "npm is missing: install Node.js 20 or newer (e.g. `apt-get install nodejs npm`)"
            );
        }
        step("Installing npm packages (Playwright, axe, Lighthouse, wasm-opt, esbuild)");
        exec(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&end2end)
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
        )?;
    }
    Ok(())
}

/// Puts `end2end/node_modules/.bin` first on PATH, so Trunk finds the npm build of wasm-opt
/// (Debian's older binaryen produces wasm that fails in the browser).
pub fn with_node_tools<'a>(root: &Path, command: &'a mut Command) -> &'a mut Command {
    let bin = root.join("end2end").join("node_modules").join(".bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let joined = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path)))
        .expect("PATH entries contain no separator");
    command.env("PATH", joined)
}

/// Chromium from Debian: Playwright cannot download its own browser build offline.
pub fn ensure_browser_test_tools(root: &Path) -> Result<()> {
    ensure_npm_packages(root)?;
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    if !is_root() {
        bail!("Chromium is missing: run `sudo apt-get install -y chromium` and try again");
    }
    step("Installing Chromium from Debian");
    exec(Command::new("apt-get").arg("update"))?;
    exec(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "chromium"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// Installs a Python command-line tool from PyPI (once) into the one virtualenv under the target
/// folder that holds them all, and returns the path of its `binary`.
pub fn ensure_pypi_tool(
    target_dir: &Path,
    package: &str,
    binary: &str,
    purpose: &str,
) -> Result<PathBuf> {
    let path = target_dir.join("python-tools").join("bin").join(binary);
    if !path.exists() {
        pip_install(target_dir, package, purpose)?;
    }
    Ok(path)
}

/// Installs a Python library from PyPI (once) into the same virtualenv, unless `module` already
/// imports there, and returns the path of the virtualenv's `python`.
pub fn ensure_pypi_module(
    target_dir: &Path,
    package: &str,
    module: &str,
    purpose: &str,
) -> Result<PathBuf> {
    let python = target_dir.join("python-tools").join("bin").join("python");
    let imports = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|output| output.status.success());
    if !imports {
        pip_install(target_dir, package, purpose)?;
    }
    Ok(python)
}

/// Installs with uv (itself from PyPI, into the same virtualenv): pip spent ten minutes of CPU on
/// these tools, resolving and compiling every module of their dependencies, while the test run
/// keeps both cores busy; uv installs them all in seconds.
fn pip_install(target_dir: &Path, package: &str, purpose: &str) -> Result<()> {
    let venv = target_dir.join("python-tools");
    let bin = venv.join("bin");
    step(&format!("Installing {purpose} ({package}, from PyPI)"));
    if !bin.join("uv").exists() {
        if !bin.join("pip").exists() {
            exec(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        }
        exec(Command::new(bin.join("pip")).args(["install", "--quiet", "uv"]))?;
    }
    exec(
        Command::new(bin.join("uv"))
            .args(["pip", "install", "--quiet", "--python"])
            .arg(bin.join("python"))
            .arg(package),
    )
}
