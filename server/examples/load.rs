//! The load generator of `cargo xtask bench`: keeps `--connections` HTTP/1.1 connections busy with
//! one request each, back to back, for `--seconds`, and prints one JSON line with what it saw.
//! Written on hyper directly so that the client costs as little as it can beside the server it
//! measures on the same machine.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper::header::{COOKIE, HOST};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

struct Options {
    address: String,
    path: String,
    connections: usize,
    duration: Duration,
    cookie: Option<String>,
}

fn options() -> Options {
    let mut url = String::new();
    let mut connections = 64;
    let mut seconds = 5.0;
    let mut cookie = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => url = value,
            "--connections" => connections = value.parse().expect("--connections is a count"),
            "--seconds" => seconds = value.parse().expect("--seconds is a number"),
            "--cookie" => cookie = Some(value),
            _ => panic!("unknown flag {flag}"),
        }
    }
    let rest = url
        .strip_prefix("http://")
        .expect("--url is http://host:port/path");
    let (address, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    Options {
        address: address.to_owned(),
        path: if path.is_empty() { "/" } else { path }.to_owned(),
        connections,
        duration: Duration::from_secs_f64(seconds),
        cookie,
    }
}

/// What one connection saw: the latency of each answered request, and the failures.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    not_ok: u64,
    errors: u64,
}

async fn drive(options: &Options, until: Instant) -> Tally {
    let mut tally = Tally::default();
    'connect: while Instant::now() < until {
        let Ok(stream) = TcpStream::connect(&options.address).await else {
            tally.errors += 1;
            continue;
        };
        stream.set_nodelay(true).ok();
        let Ok((mut sender, connection)) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
        else {
            tally.errors += 1;
            continue;
        };
        tokio::spawn(connection);
        while Instant::now() < until {
            let mut request = Request::get(options.path.as_str()).header(HOST, &options.address);
            if let Some(cookie) = &options.cookie {
                request = request.header(COOKIE, cookie);
            }
            let request = request
                .body(Empty::<Bytes>::new())
                .expect("a valid request");
            let started = Instant::now();
            let response = match sender.send_request(request).await {
                Ok(response) => response,
                Err(_) => {
                    tally.errors += 1;
                    continue 'connect;
                }
            };
            let ok = response.status().is_success();
            if response.into_body().collect().await.is_err() {
                tally.errors += 1;
                continue 'connect;
            }
            tally.latencies.push(started.elapsed());
            if !ok {
                tally.not_ok += 1;
            }
        }
    }
    tally
}

fn percentile(sorted: &[Duration], share: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() - 1) as f64 * share).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let options = std::sync::Arc::new(options());
    let started = Instant::now();
    let until = started + options.duration;
    let tasks: Vec<_> = (0..options.connections)
        .map(|_| {
            let options = options.clone();
            tokio::spawn(async move { drive(&options, until).await })
        })
        .collect();
    let mut latencies = Vec::new();
    let (mut not_ok, mut errors) = (0, 0);
    for task in tasks {
        let tally = task.await.expect("a connection task");
        latencies.extend(tally.latencies);
        not_ok += tally.not_ok;
        errors += tally.errors;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let summary = serde_json::json!({
        "requests": latencies.len(),
        "per_second": latencies.len() as f64 / elapsed,
        "not_ok": not_ok,
        "errors": errors,
        "p50_ms": percentile(&latencies, 0.5),
        "p99_ms": percentile(&latencies, 0.99),
    });
    println!("{summary}");
}
