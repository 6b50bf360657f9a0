//! The Flask rows: the greeting route beside the same API written with Flask
//! (`xtask/anchors/greeting_flask.py`), served by Flask's own server (`flask run`) and by gunicorn
//! with two workers, the two ways such an app is usually run. Both come from PyPI into the Python
//! tools' virtualenv.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::{Running, free_port, http, tools};

/// Installs Flask and gunicorn (once) and returns the path of the Python that imports them. The
/// versions are pinned, so that the anchor does not move with a new release.
pub fn ensure_flask(target_dir: &Path) -> Result<PathBuf> {
    tools::ensure_pypi_module(
        target_dir,
        "gunicorn==27.0.1",
        "gunicorn",
        "gunicorn, to serve the Flask anchor",
    )?;
    tools::ensure_pypi_module(
        target_dir,
        "flask==3.1.3",
        "flask",
        "Flask, the greeting anchor",
    )
}

/// How the Flask app is served.
#[derive(Clone, Copy)]
pub enum Served {
    FlaskRun,
    Gunicorn,
}

impl Served {
    pub const ALL: [Served; 2] = [Served::FlaskRun, Served::Gunicorn];

    pub fn label(self) -> &'static str {
        match self {
            Served::FlaskRun => "`flask run`",
            Served::Gunicorn => "gunicorn, 2 workers",
        }
    }

    /// How many times the anchor's rate the greeting must reach.
    pub fn target(self) -> f64 {
        match self {
            Served::FlaskRun => 50.0,
            Served::Gunicorn => 20.0,
        }
    }
}

/// Starts the Flask app over a new database in `scratch` and saves Ada's date of birth, as the
/// server's own row does; returns the running server and its port.
pub fn start(served: Served, scratch: &Path) -> Result<(Running, u16)> {
    let python = ensure_flask(&crate::target_dir()?)?;
    let port = free_port()?;
    let database = scratch.join(format!("flask-{port}.db"));
    let mut command = Command::new(python);
    match served {
        Served::FlaskRun => command
            .args(["-m", "flask", "--app", "greeting_flask", "run"])
            .args(["--host", "127.0.0.1", "--port", &port.to_string()]),
        Served::Gunicorn => command.args(["-m", "gunicorn", "--workers", "2"]).args([
            "--bind",
            &format!("127.0.0.1:{port}"),
            "greeting_flask:app",
        ]),
    };
    let server = Running(
        command
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("anchors"))
            .env("GREETING_DB", &database)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting the Flask anchor ({})", served.label()))?,
    );
    wait_until_listening(port)?;
    super::save_ada(port, "the Flask anchor")?;
    let greeted = http::send(port, "GET /hello/ada", None, "")?;
    if greeted.status != 200 || !greeted.body.contains("Hello, ada!") {
        bail!(
            "the Flask anchor greeted Ada with {}: {}",
            greeted.status,
            greeted.body
        );
    }
    Ok((server, port))
}

/// Waits, up to 30 s, until something on `port` answers at all (an unknown path's 404 will do).
fn wait_until_listening(port: u16) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while http::status(port, "GET /").is_err() {
        if std::time::Instant::now() > deadline {
            bail!("the Flask anchor did not answer on port {port} within 30 seconds");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Ok(())
}
