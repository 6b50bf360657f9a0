//! `cargo xtask <command>`: the project's build, run and test steps, in Rust so they read the
//! same everywhere. Every command first installs what it needs and is missing, and skips what is
//! already there.

mod bench;
mod fuzz;
mod http;
mod iac;
mod layers;
mod lighthouse;
mod postgres;
mod s3;
mod tools;
mod wasm;

use std::ffi::OsStr;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Instant;

use anyhow::{Context, Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  run     build the browser app and serve everything at http://127.0.0.1:3000 with demo data
  test    format and lint checks, unit and integration tests, the wasm build, browser tests
  build   release build: the browser app into dist/ and the server binary
  dist    the shipping build (the server optimised as one unit) packed with the README and
          deployment files into one archive
  lighthouse
          Lighthouse on the main pages, served by the release build over the demo data
          (--server PATH: by that server binary, with the app already in dist/)
  python-tools
          install the Python tools the test run uses (cfn-lint, checkov, moto, schemathesis,
          pandas, Flask, gunicorn) into virtualenvs under the target folder
  iac     check the CloudFormation template (cfn-lint, checkov) and run the CDN's functions on
          the app's paths
  fuzz --server PATH --label NAME --database URL
          fuzz the API of that server binary over that empty database
  bench   measure the server beside its anchors and print the table (--quick: a short debug run;
          --etl: only covid-etl beside pandas)
";

fn main() -> Result<()> {
    std::sync::LazyLock::force(&STARTED);
    let command = std::env::args().nth(1).unwrap_or_default();
    let root = workspace_root();
    std::env::set_current_dir(&root).context("entering the workspace")?;
    match command.as_str() {
        "run" => run(&root),
        "test" => test(&root),
        "build" => build(&root),
        "dist" => dist(&root),
        "lighthouse" => {
            let server = match option("--server").map(PathBuf::from) {
                Some(server) => server,
                None => {
                    build(&root)?;
                    target_dir()?.join("release").join("server")
                }
            };
            tools::ensure_browser_test_tools(&root)?;
            lighthouse::run(&root, &server).map(drop)
        }
        "python-tools" => python_tools(),
        "iac" => iac::check(&root),
        "fuzz" => {
            let required = |name| option(name).with_context(|| format!("fuzz needs {name}"));
            fuzz::run(
                &root,
                &target_dir()?,
                Path::new(&required("--server")?),
                &required("--label")?,
                &required("--database")?,
            )
        }
        "bench" => bench::run(
            &root,
            std::env::args().any(|arg| arg == "--quick"),
            std::env::args().any(|arg| arg == "--etl"),
        ),
        _ => {
            eprint!("{USAGE}");
            bail!("unknown command {command:?}")
        }
    }
}

/// The value given after `name` on the command line.
fn option(name: &str) -> Option<String> {
    std::env::args().skip_while(|arg| arg != name).nth(1)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// When the command started; every step header shows the minutes since, so a slow step stands out
/// in a long log.
static STARTED: std::sync::LazyLock<Instant> = std::sync::LazyLock::new(Instant::now);

/// Prints a step header, so a long log shows where it is and how long the steps before took.
fn step(title: &str) {
    println!(
        "\n==> {title} (at {:.1} min)",
        STARTED.elapsed().as_secs_f64() / 60.0
    );
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
    step("Building the browser app into dist/");
    exec(&mut trunk_build(root)?)?;
    wasm::build(root, |cargo| cargo, exec)?;
    finish_dist(root)
}

/// Trunk's release build of the app's page, style sheet and icons; [`wasm::build`] adds the wasm.
fn trunk_build(root: &Path) -> Result<Command> {
    tools::ensure_spa_toolchain(root)?;
    let mut trunk = Command::new("trunk");
    tools::with_node_tools(root, trunk.args(["build", "--release"]))
        .env("CARGO_TARGET_DIR", app_target_dir()?);
    Ok(trunk)
}

/// Where the browser app's crates build: a folder of their own under the target folder. They share
/// nothing with the host crates' builds (another target), and a cargo of their own there never
/// waits for the host builds' lock, so the test run builds the app beside its test suites.
fn app_target_dir() -> Result<PathBuf> {
    Ok(target_dir()?.join("app"))
}

/// What `dist/` needs beyond Trunk's output.
fn finish_dist(root: &Path) -> Result<()> {
    let dist = root.join("dist");
    write_runtime_config(&dist)?;
    vendor_swagger_ui(root, &dist)?;
    precompress(&dist)
}

/// A job on a thread of its own, beside the steps that follow, with the output of the commands
/// it runs going to a log file, shown when the job fails.
struct Background {
    thread: std::thread::JoinHandle<Result<()>>,
    log: PathBuf,
}

impl Background {
    fn start(
        what: &str,
        log: PathBuf,
        job: impl FnOnce(&std::fs::File) -> Result<()> + Send + 'static,
    ) -> Result<Self> {
        let file =
            std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        step(&format!(
            "{what}, in the background (log: {})",
            log.display()
        ));
        let thread = std::thread::spawn(move || job(&file));
        Ok(Self { thread, log })
    }

    /// Runs `cargo xtask` once for each list of arguments, one after the other, as the job.
    fn xtask<const N: usize>(what: &str, log: PathBuf, runs: [Vec<&OsStr>; N]) -> Result<Self> {
        let xtask = std::env::current_exe()?;
        let mut commands = runs.map(|args| {
            let mut command = Command::new(&xtask);
            command.args(args);
            command
        });
        Self::start(what, log, move |log| {
            commands
                .iter_mut()
                .try_for_each(|command| exec_logged(command, log))
        })
    }

    /// Waits for the job; its log is shown when it failed, or always with `show_log`.
    fn finish(self, what: &str, show_log: bool) -> Result<()> {
        step(&format!("Waiting for {what}"));
        let done = self
            .thread
            .join()
            .map_err(|_| anyhow::anyhow!("{what} stopped with a panic"))?;
        if show_log || done.is_err() {
            print!("{}", std::fs::read_to_string(&self.log).unwrap_or_default());
        }
        done
    }
}

/// Runs `command` with its output going to `log`.
fn exec_logged(command: &mut Command, log: &std::fs::File) -> Result<()> {
    exec(command.stdout(log.try_clone()?).stderr(log.try_clone()?))
}

/// The browser app's release build into `dist/`, linted as it compiles (see
/// [`lint_while_building`]), and what `dist/` needs beyond Trunk's output, as a job for
/// [`Background`].
///
/// Installing the tools it needs, and Chromium for the browser tests after it, is part of the job:
/// the host build beside it needs none of them.
fn app_lint_and_build(root: &Path) -> impl FnOnce(&std::fs::File) -> Result<()> + Send + 'static {
    let root = root.to_owned();
    move |log: &std::fs::File| {
        exec_logged(&mut trunk_build(&root)?, log)?;
        wasm::build(&root, lint_while_building, |command| {
            exec_logged(command, log)
        })?;
        finish_dist(&root)?;
        tools::ensure_browser_test_tools(&root)
    }
}

/// Installs every Python tool the test run uses, each into its virtualenv under the target folder.
fn python_tools() -> Result<()> {
    let target = target_dir()?;
    iac::ensure_tools(&target)?;
    s3::ensure_server(&target)?;
    fuzz::ensure_fuzzer(&target)?;
    bench::ensure_pandas(&target)?;
    bench::ensure_flask(&target)?;
    Ok(())
}

/// The settings the app reads at start. An empty API base means its own origin; a static host
/// serving the app for an API elsewhere puts that API's URL here, so one build serves everywhere.
fn write_runtime_config(dist: &Path) -> Result<()> {
    std::fs::write(dist.join("config.json"), "{\"api_base_url\": \"\"}\n")
        .context("writing dist/config.json")
}

/// Copies Swagger UI's script and stylesheet from its npm package into `dist/swagger/`, so the
/// API documentation at `/api/docs` loads nothing from elsewhere.
fn vendor_swagger_ui(root: &Path, dist: &Path) -> Result<()> {
    let package = root.join("end2end/node_modules/swagger-ui-dist");
    let target = dist.join("swagger");
    std::fs::create_dir_all(&target)?;
    for file in ["swagger-ui.css", "swagger-ui-bundle.js"] {
        std::fs::copy(package.join(file), target.join(file))
            .with_context(|| format!("copying {file} from {}", package.display()))?;
    }
    Ok(())
}

/// Writes a brotli (`.br`) and a gzip (`.gz`) copy beside every text and wasm file, so the server
/// or a CDN can send them to browsers that accept them without compressing on each request. Goes
/// into the folders too (Swagger UI's files).
fn precompress(dist: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let compressible = path
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(|extension| {
                matches!(extension, "html" | "js" | "css" | "wasm" | "json" | "svg")
            });
        if !compressible {
            continue;
        }
        let content = std::fs::read(&path)?;
        let mut brotli = Vec::new();
        let parameters = brotli::enc::BrotliEncoderParams {
            quality: 11,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut content.as_slice(), &mut brotli, &parameters)?;
        std::fs::write(with_suffix(&path, "br"), brotli)?;
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&content)?;
        std::fs::write(with_suffix(&path, "gz"), gzip.finish()?)?;
    }
    Ok(())
}

/// `app.js` → `app.js.br`.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
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

/// The archive `cargo xtask dist` writes: everything one host needs to run the product.
fn dist(root: &Path) -> Result<()> {
    build_spa(root)?;
    step("Building the server with the dist profile (the whole program optimised as one unit)");
    exec(cargo().args(["build", "--profile", "dist", "-p", "server"]))?;
    let name = format!(
        "community-hub-{}-{}-linux",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH
    );
    let archive = target_dir()?.join(format!("{name}.tar.gz"));
    step(&format!("Packing {}", archive.display()));
    let file = std::fs::File::create(&archive)
        .with_context(|| format!("creating {}", archive.display()))?;
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        file,
        flate2::Compression::best(),
    ));
    tar.append_path_with_name(
        target_dir()?.join("dist").join("server"),
        format!("{name}/server"),
    )?;
    tar.append_dir_all(format!("{name}/dist"), root.join("dist"))?;
    tar.append_dir_all(format!("{name}/deploy"), root.join("deploy"))?;
    tar.append_dir_all(format!("{name}/docs"), root.join("docs"))?;
    tar.append_path_with_name(root.join("README.md"), format!("{name}/README.md"))?;
    tar.into_inner()?.finish()?;
    println!("\nWrote {}", archive.display());
    Ok(())
}

fn test(root: &Path) -> Result<()> {
    step("Checking formatting");
    exec(cargo().args(["fmt", "--all", "--check"]))?;
    step("Checking that server modules import only their own layer and the ones below");
    layers::check(&root.join("server/src"))?;

    let target = target_dir()?;
    // Downloading and installing them is mostly waiting, which the compiler's work fills; the
    // template's checks need only them.
    let python = Background::xtask(
        "Installing the Python tools, then checking the CloudFormation template",
        target.join("python-tools.log"),
        [vec![OsStr::new("python-tools")], vec![OsStr::new("iac")]],
    )?;
    // The server binary the integration tests use, so the fuzzing and browser steps check it too.
    let server = target.join("debug").join("server");
    // The run keeps both cores busy from start to end, so what counts is that no core waits. The
    // app's build ends on one core (optimising its one module), which the host build beside it
    // fills; started after that build, its end was the only work left for minutes.
    let app = Background::start(
        "Linting the browser app (wasm32) and building it into dist/, and Chromium if missing",
        target.join("app-build.log"),
        app_lint_and_build(root),
    )?;
    step("Building and linting the host crates and their tests");
    exec(host_tests().arg("--no-run"))?;
    python.finish("the Python tools and the template's checks", true)?;
    // Each fuzzing pass spends its time in one Python thread, and the test suites wait on their
    // servers much of the time: the PostgreSQL pass goes beside the integration tests, the SQLite
    // pass beside the browser tests.
    let cluster = postgres::TempCluster::start()?;
    let postgres_fuzzing = fuzz_in_background(
        &target,
        &server,
        "postgres",
        &cluster.create_database("fuzz")?,
    )?;
    {
        let s3 = s3::TempS3::start(&target)?;
        step("Unit and integration tests (SQLite, local folder and S3 storage)");
        exec(host_tests().envs(s3.env()))?;
    }
    step("Unit and integration tests (PostgreSQL)");
    exec(host_tests().env("TEST_POSTGRES_URL", &cluster.url))?;
    postgres_fuzzing.finish("the fuzzing over PostgreSQL", true)?;
    drop(cluster);
    app.finish("the browser app's lint and build", false)?;

    let scratch = std::env::temp_dir().join(format!("hub-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let sqlite_fuzzing = fuzz_in_background(
        &target,
        &server,
        "sqlite",
        &format!("sqlite://{}?mode=rwc", scratch.join("hub.db").display()),
    )?;
    // Neither depends on the machine's load: Lighthouse's accessibility and best-practice audits
    // are judged, its noisy performance scores only printed, and a quick bench judges no figure.
    let audits = Background::xtask(
        "Lighthouse on the main pages (mobile), then a quick bench",
        target.join("lighthouse-and-bench.log"),
        [
            vec![
                OsStr::new("lighthouse"),
                OsStr::new("--server"),
                server.as_os_str(),
            ],
            vec![OsStr::new("bench"), OsStr::new("--quick")],
        ],
    )?;
    step("Browser tests (Playwright, Chromium)");
    exec(
        tools::with_node_tools(root, Command::new("npx").args(["playwright", "test"]))
            .current_dir(root.join("end2end"))
            .env("SERVER_BIN", &server)
            .env("STATIC_DIR", root.join("dist")),
    )?;
    audits.finish("Lighthouse and the quick bench", true)?;
    let sqlite_fuzzed = sqlite_fuzzing.finish("the fuzzing over SQLite", true);
    std::fs::remove_dir_all(&scratch).ok();
    sqlite_fuzzed?;
    step("Every check passed");
    Ok(())
}

/// Fuzzes the API of `server` over the empty database at `database` (`cargo xtask fuzz`) in the
/// background.
fn fuzz_in_background(
    target: &Path,
    server: &Path,
    label: &str,
    database: &str,
) -> Result<Background> {
    Background::xtask(
        &format!("Fuzzing the API over {label}"),
        target.join(format!("fuzz-{label}-run.log")),
        [vec![
            OsStr::new("fuzz"),
            OsStr::new("--server"),
            server.as_os_str(),
            OsStr::new("--label"),
            OsStr::new(label),
            OsStr::new("--database"),
            OsStr::new(database),
        ]],
    )
}

/// `cargo test` of the host crates, linted as they compile (see [`lint_while_building`]). Every
/// call passes the same settings, so the later ones reuse the first one's build.
fn host_tests() -> Command {
    let mut command = cargo();
    lint_while_building(command.args(["test", "--workspace", "--exclude", "frontend"]));
    // The integration tests spend much of their time waiting on disk writes and on the servers
    // they start; one test per core left a core idle for a third of the run.
    if std::env::var_os("RUST_TEST_THREADS").is_none() {
        command.env("RUST_TEST_THREADS", "4");
    }
    command
}

/// Makes a cargo build lint too: clippy's compiler driver lints each workspace crate while
/// building it, so every dependency is compiled once, where `cargo clippy` and then a build would
/// check it and then build it again. Builds with these settings share their output.
fn lint_while_building(command: &mut Command) -> &mut Command {
    command
        .env("RUSTC_WORKSPACE_WRAPPER", "clippy-driver")
        // `cargo clippy -- -D warnings` hands the driver its arguments this way.
        .env(
            "CLIPPY_ARGS",
            "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__",
        )
}

/// A process this command started, stopped when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// A loopback port nobody listens on at the moment.
fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
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

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn compressed_copies_unpack_to_the_original() {
        let dist = scratch("compress");
        let content = "let answer = 42;\n".repeat(200);
        std::fs::write(dist.join("app.js"), &content).unwrap();
        std::fs::write(dist.join("photo.png"), [0_u8; 16]).unwrap();
        std::fs::create_dir(dist.join("swagger")).unwrap();
        std::fs::write(dist.join("swagger/ui.css"), "body {}").unwrap();
        precompress(&dist).unwrap();
        let mut unpacked = String::new();
        brotli::Decompressor::new(std::fs::File::open(dist.join("app.js.br")).unwrap(), 4096)
            .read_to_string(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, content);
        unpacked.clear();
        flate2::read::GzDecoder::new(std::fs::File::open(dist.join("app.js.gz")).unwrap())
            .read_to_string(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, content);
        assert!(!dist.join("photo.png.br").exists());
        assert!(dist.join("swagger/ui.css.br").exists());
        assert!(dist.join("swagger/ui.css.gz").exists());
        std::fs::remove_dir_all(dist).ok();
    }
}
