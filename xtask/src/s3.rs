//! A throw-away S3-compatible server (moto, from PyPI) on loopback, so the storage tests also run
//! against S3. Installed into a virtualenv under the target folder, started on a free port, and
//! stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::{Running, free_port, http, step, tools};

pub const BUCKET: &str = "hub-test";

/// Installs moto's server (once) and returns its path.
pub fn ensure_server(target_dir: &Path) -> Result<PathBuf> {
    tools::ensure_pypi_tool(
        target_dir,
        "moto[server]",
        "moto_server",
        "an S3-compatible test server",
    )
}

pub struct TempS3 {
    _process: Running,
    pub endpoint: String,
}

impl TempS3 {
    pub fn start(target_dir: &Path) -> Result<Self> {
        let moto_server = ensure_server(target_dir)?;
        step("Starting a temporary S3-compatible server");
        let port = free_port()?;
        let process = Running(
            Command::new(moto_server)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .context("starting moto_server")?,
        );
        let server = Self {
            _process: process,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        http::wait_until_up(port, "GET /").context("starting the S3 test server")?;
        let created = http::status(port, &format!("PUT /{BUCKET}"))?;
        if created != 200 {
            bail!("creating the test bucket answered {created}");
        }
        Ok(server)
    }

    /// The settings that point the tests' S3 client at this server.
    pub fn env(&self) -> [(&'static str, String); 6] {
        [
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".to_owned()),
            ("AWS_ACCESS_KEY_ID", "test".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("TEST_S3_BUCKET", BUCKET.to_owned()),
        ]
    }
}
