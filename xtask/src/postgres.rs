//! A throw-away PostgreSQL cluster for the integration tests: created in a temporary folder,
//! listening on a free loopback port, removed when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{exec, free_port, is_root, step};

pub struct TempCluster {
    data_dir: PathBuf,
    bin: PathBuf,
    port: u16,
    pub url: String,
}

/// The folder holding `initdb` and `pg_ctl`: Debian keeps them out of PATH.
fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn ensure_installed() -> Result<PathBuf> {
    if let Some(bin) = find_bin() {
        return Ok(bin);
    }
    if !is_root() {
        bail!("PostgreSQL is missing: run `sudo apt-get install -y postgresql` and try again");
    }
    step("Installing PostgreSQL from Debian");
    exec(Command::new("apt-get").arg("update"))?;
    exec(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "postgresql"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    find_bin().context("PostgreSQL was installed but initdb is not under /usr/lib/postgresql")
}

/// PostgreSQL refuses to run as root, so as root its tools run as the `postgres` user.
fn as_cluster_owner(bin: &Path, tool: &str) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(bin.join(tool));
        command
    } else {
        Command::new(bin.join(tool))
    }
}

impl TempCluster {
    pub fn start() -> Result<Self> {
        let bin = ensure_installed()?;
        step("Starting a temporary PostgreSQL cluster");
        let data_dir = std::env::temp_dir().join(format!("hub-pg-{}", std::process::id()));
        if data_dir.exists() {
            std::fs::remove_dir_all(&data_dir)?;
        }
        std::fs::create_dir_all(&data_dir)?;
        if is_root() {
            exec(
                Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(&data_dir),
            )?;
        }
        exec(
            as_cluster_owner(&bin, "initdb")
                .args(["--auth=trust", "--username=postgres", "--no-sync", "-D"])
                .arg(&data_dir)
                .stdout(std::process::Stdio::null()),
        )?;
        let port = free_port()?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off",
            data_dir.display()
        );
        exec(
            as_cluster_owner(&bin, "pg_ctl")
                .args(["-w", "-D"])
                .arg(&data_dir)
                .args(["-l"])
                .arg(data_dir.join("server.log"))
                .args(["-o", &options, "start"]),
        )?;
        Ok(Self {
            data_dir,
            bin,
            port,
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        })
    }
}

impl TempCluster {
    /// Creates an empty database in the cluster; its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        exec(as_cluster_owner(&self.bin, "createdb").args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "postgres",
            name,
        ]))?;
        Ok(format!(
            "postgres://postgres@127.0.0.1:{}/{name}",
            self.port
        ))
    }
}

impl Drop for TempCluster {
    fn drop(&mut self) {
        let stopped = as_cluster_owner(&self.bin, "pg_ctl")
            .args(["-w", "-m", "fast", "-D"])
            .arg(&self.data_dir)
            .arg("stop")
            .status();
        if let Err(error) = stopped {
            eprintln!("could not stop the temporary PostgreSQL cluster: {error}");
        }
        std::fs::remove_dir_all(&self.data_dir).ok();
    }
}
