//! `cargo xtask bench`: the server's hot paths measured beside an anchor in the same run, so the
//! ratio holds on any machine. It builds, with the profile `cargo xtask dist` ships, the server, a
//! bare axum route (`server/examples/
//! bare_axum.rs`) and the load generator (`server/examples/load.rs`), starts each on a fresh
//! database, drives it, sets the greeting beside the same API in Flask ([`flask`]), runs the
//! covid-etl job beside pandas ([`etl`]), records Lighthouse's performance score of the app's main
//! pages, prints one table and writes `target/bench/results.json`. `--quick` uses the debug build and short runs, so
//! `cargo xtask test` keeps the bench working; its figures mean nothing. `--etl` measures only
//! the covid-etl rows, which need neither the browser app nor a running server.

mod etl;
mod flask;

pub use etl::ensure_pandas;
pub use flask::ensure_flask;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::{
    Running, build_spa, cargo, exec, free_port, http, lighthouse, lint_while_building, step,
    target_dir, tools,
};

/// The servers' log, in [`bench_folder`].
const SERVER_LOG: &str = "server.log";

/// How hard and how long each load runs, and in how many rounds the loads compared with the
/// bare route take turns.
struct Load {
    connections: usize,
    seconds: f64,
    rounds: usize,
}

/// One line of the table.
struct Row {
    measure: String,
    ours: f64,
    anchor: Option<f64>,
    unit: &'static str,
    target: Target,
}

/// What a row must reach.
#[derive(Clone, Copy)]
enum Target {
    /// Ours divided by the anchor, at least this.
    RatioAtLeast(f64),
    /// Ours, at least this (in the row's unit).
    AtLeast(f64),
    /// Ours, at most this (in the row's unit).
    AtMost(f64),
    /// Ours divided by the anchor, at most this: for times and memory, where less is better.
    RatioAtMost(f64),
}

impl Row {
    fn ratio(&self) -> Option<f64> {
        self.anchor.map(|anchor| self.ours / anchor)
    }

    fn met(&self) -> bool {
        match self.target {
            Target::RatioAtLeast(least) => self.ratio().is_some_and(|ratio| ratio >= least),
            Target::AtLeast(least) => self.ours >= least,
            Target::AtMost(most) => self.ours <= most,
            Target::RatioAtMost(most) => self.ratio().is_some_and(|ratio| ratio <= most),
        }
    }

    fn target_text(&self) -> String {
        let text = match self.target {
            Target::RatioAtLeast(least) => format!(">= {least}x"),
            Target::AtLeast(least) => format!(">= {least} {}", self.unit),
            Target::AtMost(most) => format!("< {most} {}", self.unit),
            Target::RatioAtMost(most) => format!("<= {most}x"),
        };
        // A figure without a unit (a layout shift) leaves no space after it.
        text.trim_end().to_owned()
    }
}

pub fn run(root: &Path, quick: bool, etl_only: bool) -> Result<()> {
    // The full bench measures what `cargo xtask dist` ships.
    let profile = if quick { "debug" } else { "dist" };
    let load = if quick {
        Load {
            connections: 8,
            seconds: 1.0,
            rounds: 1,
        }
    } else {
        Load {
            connections: 64,
            seconds: 4.0,
            rounds: 3,
        }
    };
    // The files' content does not change how fast they are served, so a built app is reused.
    if !etl_only && !root.join("dist/index.html").exists() {
        build_spa(root)?;
    }
    step(&format!(
        "Building the server, the anchor and the load generator ({profile})"
    ));
    let mut build = cargo();
    build.args(["build", "-p", "server", "--bin", "server"]);
    if !etl_only {
        build.args(["--example", "bare_axum", "--example", "load"]);
        build.args(["--example", "ledger_data"]);
    }
    if quick {
        // The test run's own build, which this one then reuses.
        lint_while_building(&mut build);
    } else {
        build.args(["--profile", "dist"]);
    }
    exec(&mut build)?;
    let binaries = target_dir()?.join(profile);
    let bench = Bench {
        root,
        binaries: &binaries,
        load,
        burst: if quick { 10 } else { 100 },
        shop: if quick { (10, 100) } else { (100, 3000) },
        ledger: if quick {
            Ledger {
                donations: 10_000,
                distributions: 2_000,
                donors: 500,
            }
        } else {
            Ledger {
                donations: 1_000_000,
                distributions: 200_000,
                donors: 20_000,
            }
        },
        etl: if quick { (2, 1) } else { (100, 3) },
    };
    let mut rows = bench.measure(etl_only)?;
    // The test run audits the pages itself, on its debug build.
    if !quick && !etl_only {
        rows.extend(page_loads(root, &binaries.join("server"))?);
    }
    print_table(&rows, quick);
    write_results(&rows, quick)
}

struct Bench<'a> {
    root: &'a Path,
    binaries: &'a Path,
    load: Load,
    /// How many clients sign up at once in the password-hashing burst.
    burst: usize,
    /// How many shoppers buy, and how many units of the product there are, in the checkout run.
    shop: (usize, u32),
    /// The ledger the reports are read from.
    ledger: Ledger,
    /// How many copies of the COVID files covid-etl and pandas read, and how many runs each.
    etl: (i64, usize),
}

/// The size of the ledger loaded for the report rows: five years of records.
struct Ledger {
    donations: u64,
    distributions: u64,
    donors: u64,
}

impl Bench<'_> {
    fn measure(&self, etl_only: bool) -> Result<Vec<Row>> {
        let scratch = std::env::temp_dir().join(format!("hub-bench-{}", std::process::id()));
        std::fs::create_dir_all(&scratch)?;
        let measured = if etl_only {
            self.etl(&scratch).map(Vec::from)
        } else {
            self.measure_in(&scratch)
        };
        std::fs::remove_dir_all(&scratch).ok();
        measured
    }

    fn measure_in(&self, scratch: &Path) -> Result<Vec<Row>> {
        std::fs::remove_file(bench_folder()?.join(SERVER_LOG)).ok();
        step("Starting the server on an empty database, three times");
        // The build has just written gigabytes that the kernel may still be writing back; the
        // new database's first sync would wait behind them, which times the disk, not the server.
        exec(&mut Command::new("sync"))?;
        let mut start_ms = Vec::new();
        let mut last = None;
        for attempt in 1..=3 {
            // The previous server stops before the next one starts.
            drop(last.take());
            let file = scratch.join(format!("hub-{attempt}.db"));
            let database = format!("sqlite://{}?mode=rwc", file.display());
            let (server, port, took) = self.start_server(&database, &scratch.join("storage"))?;
            start_ms.push(took.as_secs_f64() * 1000.0);
            last = Some((server, port, database));
        }
        let (server, port, database) = last.context("the server was started")?;
        start_ms.sort_by(f64::total_cmp);
        std::thread::sleep(Duration::from_secs(1));
        let idle = resident_megabytes(&server.0)?;

        let anchor_port = free_port()?;
        let _anchor = Running(
            Command::new(self.binaries.join("examples/bare_axum"))
                .arg(format!("127.0.0.1:{anchor_port}"))
                .spawn()
                .context("starting the anchor")?,
        );
        http::wait_until_up(anchor_port, "GET /")?;

        save_ada(port, "the server")?;
        let [bare, greeting, health] = self.take_turns([
            (anchor_port, "/", "a bare axum route"),
            (port, "/hello/ada", "GET /hello/{username}"),
            (port, "/api/health", "GET /api/health"),
        ])?;
        let mut rows = vec![
            Row {
                measure: "GET /hello/{username} vs a bare axum route (req/s)".to_owned(),
                ours: greeting,
                anchor: Some(bare),
                unit: "req/s",
                target: Target::RatioAtLeast(0.5),
            },
            Row {
                measure: "GET /api/health vs a bare axum route (req/s)".to_owned(),
                ours: health,
                anchor: Some(bare),
                unit: "req/s",
                target: Target::RatioAtLeast(0.8),
            },
        ];
        for served in flask::Served::ALL {
            let (_flask, flask_port) = flask::start(served, scratch)?;
            let what = format!("the same API in Flask, {}", served.label());
            let anchor = self.drive(flask_port, "/hello/ada", &what)?;
            rows.push(Row {
                measure: format!("GET /hello/{{username}} vs {what} (req/s)"),
                ours: greeting,
                anchor: Some(anchor),
                unit: "req/s",
                target: Target::RatioAtLeast(served.target()),
            });
        }
        for file in [
            "/".to_owned(),
            self.hashed_stylesheet()?,
            "/config.json".to_owned(),
        ] {
            let served = self.drive(port, &file, &format!("GET {file}"))?;
            rows.push(Row {
                measure: format!("GET {file} (the app's files) vs GET /api/health (req/s)"),
                ours: served,
                anchor: Some(health),
                unit: "req/s",
                target: Target::RatioAtLeast(0.5),
            });
        }
        let (peak, after) = sign_up_burst(&server.0, port, self.burst)?;
        rows.push(Row {
            measure: format!(
                "resident memory at the peak of {} concurrent sign-ups, each then signing in",
                self.burst
            ),
            ours: peak,
            anchor: None,
            unit: "MB",
            target: Target::AtMost(100.0),
        });
        // Against the server as it started, not as it was just before the burst: memory that
        // the loads before it kept for good (a leak) counts here too.
        rows.push(Row {
            measure: "resident memory 5 s after that burst (back near idle)".to_owned(),
            ours: after,
            anchor: None,
            unit: "MB",
            target: Target::AtMost((idle + 20.0).round()),
        });
        let (shoppers, units) = self.shop;
        let (checkout, archived) = self.checkout(scratch, &database, port, shoppers, units)?;
        rows.push(Row {
            measure: format!(
                "checkout: {shoppers} signed-in shoppers buying one at a time, one product of {units} units (orders/s)"
            ),
            ours: checkout,
            anchor: None,
            unit: "orders/s",
            target: Target::AtLeast(1000.0),
        });
        rows.extend(self.reports(scratch)?);
        rows.push(Row {
            measure: "order archive: orders stored as documents per second, from the checkout's start to the last document, vs checkout (orders/s)".to_owned(),
            ours: archived,
            anchor: Some(checkout),
            unit: "orders/s",
            target: Target::RatioAtLeast(0.9),
        });
        rows.push(Row {
            measure: "resident memory, idle on an empty database".to_owned(),
            ours: idle,
            anchor: None,
            unit: "MB",
            target: Target::AtMost(30.0),
        });
        rows.push(Row {
            measure: "start to first 200, empty database (median of 3)".to_owned(),
            ours: start_ms[1],
            anchor: None,
            unit: "ms",
            target: Target::AtMost(200.0),
        });
        rows.extend(self.etl(scratch)?);
        Ok(rows)
    }

    fn etl(&self, scratch: &Path) -> Result<[Row; 3]> {
        let (copies, runs) = self.etl;
        etl::rows(&self.binaries.join("server"), scratch, copies, runs)
    }

    /// Orders per second while `shoppers` sign-up, sign-in, one-in-the-cart, check-out loops sell
    /// all `units` of one product, and orders per second written to the archive over the time from
    /// the checkout's start until the last order's document is stored. Fails unless exactly
    /// `units` orders were placed, none refused for anything but the stock running out, and the
    /// stock ends at 0.
    fn checkout(
        &self,
        scratch: &Path,
        database: &str,
        port: u16,
        shoppers: usize,
        units: u32,
    ) -> Result<(f64, f64)> {
        step(&format!(
            "Checkout: {shoppers} shoppers, one product of {units} units"
        ));
        exec(
            Command::new(self.binaries.join("server"))
                .args([
                    "users",
                    "create",
                    "--email",
                    "seller@example.org",
                    "--name",
                    "Seller",
                ])
                .args(["--role", "staff"])
                .env("DATABASE_URL", database)
                .env("PASSWORD", "a seller's password")
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        let seller = http::sign_in(
            port,
            r#"{"email": "seller@example.org", "password": "a seller's password"}"#,
            "login",
        )?;
        let product = format!(
            r#"{{"name": "Winter coat", "description": "Warm", "price": "25.00", "stock": {units}}}"#
        );
        let created = http::send(port, "POST /api/products", Some(&seller), &product)?;
        let id = serde_json::from_str::<Value>(&created.body)?["id"]
            .as_i64()
            .with_context(|| format!("creating the product answered {}", created.status))?;
        let cookies: Vec<String> = (0..shoppers)
            .map(|n| {
                let account = format!(
                    r#"{{"email": "shopper{n}@example.org", "password": "a shopper's password {n}", "name": "Shopper {n}"}}"#
                );
                http::sign_in(port, &account, "register")
            })
            .collect::<Result<_>>()?;
        let cookie_file = scratch.join("shoppers.txt");
        std::fs::write(&cookie_file, cookies.join("\n"))?;
        let started = Instant::now();
        let output = Command::new(self.binaries.join("examples/load"))
            .args(["--url", &format!("http://127.0.0.1:{port}/")])
            .args(["--checkout", &id.to_string()])
            .arg("--cookies")
            .arg(&cookie_file)
            .args(["--seconds", "120"])
            .output()
            .context("running the load generator")?;
        let summary: Value =
            serde_json::from_slice(&output.stdout).context("reading the checkout summary")?;
        println!("    {summary}");
        let stock = http::send(port, &format!("GET /api/products/{id}"), None, "")?;
        let stock = serde_json::from_str::<Value>(&stock.body)?["stock"].clone();
        let orders = http::send(
            port,
            "GET /api/orders?all=true&per_page=1",
            Some(&seller),
            "",
        )?;
        let orders = serde_json::from_str::<Value>(&orders.body)?["total"].clone();
        if summary["failed"] != 0 || summary["orders"] != units || orders != units || stock != 0 {
            bail!(
                "checkout was not exact: {summary}; {orders} orders stored, {stock} left in stock"
            );
        }
        let archive = scratch.join("storage").join("orders");
        while count_files(&archive) < units as usize {
            if started.elapsed() > Duration::from_secs(300) {
                bail!("the order archive did not catch up within 5 minutes");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let archived = f64::from(units) / started.elapsed().as_secs_f64();
        println!("    all {units} orders archived, {archived:.0} orders/s");
        let checkout = summary["per_second"]
            .as_f64()
            .context("a checkout summary without a rate")?;
        Ok((checkout, archived))
    }

    /// The reports over a ledger loaded straight into a SQLite file of their own: the median time
    /// of each, as a staff member asks for it.
    fn reports(&self, scratch: &Path) -> Result<Vec<Row>> {
        let Ledger {
            donations,
            distributions,
            donors,
        } = self.ledger;
        step(&format!(
            "Reports: loading {donations} donations from {donors} donors and {distributions} distributions"
        ));
        let database = format!("sqlite://{}?mode=rwc", scratch.join("ledger.db").display());
        exec(
            Command::new(self.binaries.join("examples/ledger_data"))
                .args(["--database", &database])
                .args(["--donations", &donations.to_string()])
                .args(["--distributions", &distributions.to_string()])
                .args(["--donors", &donors.to_string()])
                .args(["--years", "5"]),
        )?;
        exec(
            Command::new(self.binaries.join("server"))
                .args(["users", "create", "--email", "clerk@example.org"])
                .args(["--name", "Clerk", "--role", "staff"])
                .env("DATABASE_URL", &database)
                .env("PASSWORD", "a clerk's password")
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        let (_server, port, _) = self.start_server(&database, &scratch.join("ledger-storage"))?;
        let clerk = http::sign_in(
            port,
            r#"{"email": "clerk@example.org", "password": "a clerk's password"}"#,
            "login",
        )?;
        let size = format!("{donations} donations + {distributions} distributions");
        let as_of = format!("{}-06-30", current_year()? - 2);
        let measures = [
            (
                format!("GET /api/reports/inventory over {size}"),
                "/api/reports/inventory".to_owned(),
            ),
            (
                format!("GET /api/reports/inventory?as_of over {size}"),
                format!("/api/reports/inventory?as_of={as_of}"),
            ),
            (
                format!("GET /api/reports/donors, a page by total, of {donors} donors"),
                "/api/reports/donors?sort=-total&per_page=50".to_owned(),
            ),
            (
                format!("GET /api/reports/donors, a late page by name, of {donors} donors"),
                format!("/api/reports/donors?per_page=50&page={}", donors / 100),
            ),
        ];
        measures
            .into_iter()
            .map(|(measure, path)| {
                Ok(Row {
                    measure: format!("{measure} (median ms)"),
                    ours: median_ms(port, &path, &clerk)?,
                    anchor: None,
                    unit: "ms",
                    target: Target::AtMost(100.0),
                })
            })
            .collect()
    }

    /// Starts the server and waits for its first 200: the process, its port, and how long it took.
    fn start_server(&self, database: &str, storage: &Path) -> Result<(Running, u16, Duration)> {
        let port = free_port()?;
        let started = Instant::now();
        let server = Running(
            Command::new(self.binaries.join("server"))
                .args(["--bind", &format!("127.0.0.1:{port}")])
                .env("DATABASE_URL", database)
                .env("STORAGE_URL", format!("file://{}", storage.display()))
                .env("STATIC_DIR", self.root.join("dist"))
                .env("DISABLE_SCHEDULER", "true")
                // The load comes from one address, far past any per-client limit.
                .env("API_RATE_LIMIT", "100000000")
                .env("GREETING_RATE_LIMIT", "100000000")
                .env("AUTH_RATE_LIMIT", "0")
                .env("RUST_LOG", "warn")
                .stderr(server_log()?)
                .spawn()
                .context("starting the server")?,
        );
        http::wait_until_up(port, "GET /api/health")?;
        Ok((server, port, started.elapsed()))
    }

    /// The median rate of each of `loads` over rounds in which they take turns. The machine's
    /// speed drifts by a fifth or more over a minute; loads run side by side in each round
    /// share that drift, so their ratio does not carry it.
    fn take_turns<const N: usize>(&self, loads: [(u16, &str, &str); N]) -> Result<[f64; N]> {
        let mut rates = [(); N].map(|()| Vec::with_capacity(self.load.rounds));
        for _ in 0..self.load.rounds {
            for ((port, path, what), rates) in loads.iter().zip(&mut rates) {
                rates.push(self.drive(*port, path, what)?);
            }
        }
        Ok(rates.map(|mut rates| {
            rates.sort_by(f64::total_cmp);
            rates[rates.len() / 2]
        }))
    }

    /// Requests per second that `path` on `port` answers under the load.
    fn drive(&self, port: u16, path: &str, what: &str) -> Result<f64> {
        step(&format!(
            "Load: {what}, {} connections for {} s",
            self.load.connections, self.load.seconds
        ));
        let output = Command::new(self.binaries.join("examples/load"))
            .arg("--url")
            .arg(format!("http://127.0.0.1:{port}{path}"))
            .args(["--connections", &self.load.connections.to_string()])
            .args(["--seconds", &self.load.seconds.to_string()])
            .output()
            .context("running the load generator")?;
        if !output.status.success() {
            bail!(
                "the load generator failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let summary: Value =
            serde_json::from_slice(&output.stdout).context("reading the load summary")?;
        println!("    {summary}");
        if summary["not_ok"] != 0 || summary["errors"] != 0 {
            bail!("{what}: some requests failed: {summary}");
        }
        summary["per_second"]
            .as_f64()
            .context("a load summary without a rate")
    }

    /// The content-hashed stylesheet of the built app, as a path.
    fn hashed_stylesheet(&self) -> Result<String> {
        std::fs::read_dir(self.root.join("dist"))?
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .find(|name| name.ends_with(".css") && name.contains('-'))
            .map(|name| format!("/{name}"))
            .context("dist/ holds no hashed stylesheet")
    }
}

/// Saves the date of birth the greeting rows then read, on the server or an anchor at `port`.
fn save_ada(port: u16, who: &str) -> Result<()> {
    let saved = http::send(
        port,
        "PUT /hello/ada",
        None,
        r#"{"dateOfBirth": "1990-05-01"}"#,
    )?;
    if saved.status != 204 {
        bail!("{who} answered {} to saving a greeting", saved.status);
    }
    Ok(())
}

/// `clients` threads each sign up a new account and then sign in, all at once, while the server's
/// resident memory is sampled every 20 ms: its peak, and where it settles 5 s later. Every
/// password hash takes about 19 MiB, so this is where memory would run away.
fn sign_up_burst(server: &Child, port: u16, clients: usize) -> Result<(f64, f64)> {
    step(&format!(
        "Burst: {clients} clients sign up and sign in at once"
    ));
    println!("    {:.1} MB resident before", resident_megabytes(server)?);
    let done = std::sync::atomic::AtomicBool::new(false);
    let (peak, refused) = std::thread::scope(|scope| -> Result<(f64, usize)> {
        let sampler = scope.spawn(|| {
            let mut peak: f64 = 0.0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(resident_megabytes(server).unwrap_or_default());
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        });
        let clients: Vec<_> = (0..clients)
            .map(|n| {
                scope.spawn(move || -> Result<usize> {
                    let account = format!(
                        r#"{{"email": "burst{n}@example.org", "password": "a burst password {n}", "name": "Burst {n}"}}"#
                    );
                    for request_line in ["POST /api/auth/register", "POST /api/auth/login"] {
                        match http::send(port, request_line, None, &account)?.status {
                            200 | 201 => {}
                            // The hashing cap telling a client to come back: the point of it.
                            503 => return Ok(1),
                            other => bail!("{request_line} answered {other}"),
                        }
                    }
                    Ok(0)
                })
            })
            .collect();
        let mut refused = 0;
        for client in clients {
            refused += client.join().expect("a client thread")?;
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok((sampler.join().expect("the sampler"), refused))
    })?;
    println!("    peak {peak:.1} MB; {refused} requests told to retry later (503)");
    std::thread::sleep(Duration::from_secs(5));
    Ok((peak, resident_megabytes(server)?))
}

/// Where the bench writes its results and the servers it starts their warnings and errors.
fn bench_folder() -> Result<PathBuf> {
    let folder = target_dir()?.join("bench");
    std::fs::create_dir_all(&folder)?;
    Ok(folder)
}

/// The log every server the bench starts writes to, one after another, to be read when a figure
/// looks wrong: `target/bench/server.log`, emptied as each run starts.
fn server_log() -> Result<std::fs::File> {
    Ok(std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(bench_folder()?.join(SERVER_LOG))?)
}

/// The median time of 21 answers to `GET path`, each of which must be a 200.
fn median_ms(port: u16, path: &str, cookie: &str) -> Result<f64> {
    let mut times = Vec::new();
    for _ in 0..21 {
        let started = Instant::now();
        let answer = http::send(port, &format!("GET {path}"), Some(cookie), "")?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        if answer.status != 200 {
            bail!("GET {path} answered {}: {}", answer.status, answer.body);
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// This year, near enough: the report rows only need a day well inside the loaded five years.
fn current_year() -> Result<u64> {
    const SECONDS_PER_YEAR: u64 = 31_556_952;
    let since_1970 = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    Ok(1970 + since_1970.as_secs() / SECONDS_PER_YEAR)
}

/// The process's resident set, from `/proc`.
fn resident_megabytes(process: &Child) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", process.id()))?;
    let kilobytes: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .context("no VmRSS in /proc")?;
    Ok(kilobytes / 1024.0)
}

/// How many files there are under `folder`, at any depth (none when it does not exist).
fn count_files(folder: &Path) -> usize {
    std::fs::read_dir(folder).map_or(0, |entries| {
        entries
            .flatten()
            .map(|entry| match entry.file_type() {
                Ok(kind) if kind.is_dir() => count_files(&entry.path()),
                Ok(_) => 1,
                Err(_) => 0,
            })
            .sum()
    })
}

/// Lighthouse's performance score of each main page on its throttled phone, with `server`
/// serving the demo data, and the slowest largest paint and the largest layout shift among them.
fn page_loads(root: &Path, server: &Path) -> Result<Vec<Row>> {
    tools::ensure_browser_test_tools(root)?;
    let loads = lighthouse::run(root, server)?;
    let mut rows: Vec<Row> = loads
        .iter()
        .map(|load| Row {
            measure: format!("Lighthouse performance (mobile), `{}`", load.path),
            ours: load.performance,
            anchor: None,
            unit: "/ 100",
            target: Target::AtLeast(98.0),
        })
        .collect();
    let worst =
        |figure: fn(&lighthouse::PageLoad) -> f64| loads.iter().map(figure).fold(0.0, f64::max);
    rows.push(Row {
        measure: "largest contentful paint, the slowest of those pages".to_owned(),
        ours: worst(|load| load.largest_paint_ms),
        anchor: None,
        unit: "ms",
        target: Target::AtMost(1500.0),
    });
    rows.push(Row {
        measure: "cumulative layout shift, the largest of those pages".to_owned(),
        ours: worst(|load| load.layout_shift),
        anchor: None,
        unit: "",
        target: Target::AtMost(0.02),
    });
    Ok(rows)
}

/// A quick run judges no target: its debug build and small sizes only keep the bench working.
fn print_table(rows: &[Row], quick: bool) {
    if quick {
        println!(
            "\nA quick run: a debug build at small sizes, so its figures are not judged. The targets \
             apply to `cargo xtask bench`."
        );
    }
    println!(
        "\n| measure | ours | anchor | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |"
    );
    for row in rows {
        let figure = |value: f64| match row.unit {
            "req/s" => format!("{value:.0}"),
            "s" => format!("{value:.2} s"),
            "" => format!("{value:.3}"),
            _ => format!("{value:.1} {}", row.unit),
        };
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            row.measure,
            figure(row.ours),
            row.anchor.map_or("".to_owned(), figure),
            row.ratio()
                .map_or("".to_owned(), |ratio| format!("{ratio:.2}x")),
            row.target_text(),
            match (quick, row.met()) {
                (true, _) => "not judged",
                (false, true) => "yes",
                (false, false) => "no",
            },
        );
    }
}

fn write_results(rows: &[Row], quick: bool) -> Result<()> {
    let folder = bench_folder()?;
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_default();
    let results = json!({
        "quick": quick,
        "machine": {
            "cpus": std::thread::available_parallelism().map_or(0, usize::from),
            "cpu": cpu,
        },
        "rows": rows.iter().map(|row| json!({
            "measure": row.measure,
            "ours": row.ours,
            "anchor": row.anchor,
            "unit": row.unit,
            "ratio": row.ratio(),
            "target": row.target_text(),
            "met": row.met(),
        })).collect::<Vec<_>>(),
    });
    let file = folder.join("results.json");
    std::fs::write(&file, serde_json::to_string_pretty(&results)?)?;
    println!("\nWrote {}", file.display());
    Ok(())
}
