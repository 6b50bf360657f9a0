//! The load generator of `cargo xtask bench`, written on hyper directly so that the client costs as
//! little as it can beside the server it measures on the same machine. Prints one JSON line.
//!
//! - `--url <url> --connections N --seconds S`: keeps N HTTP/1.1 connections busy with `GET url`,
//!   back to back, for S seconds. A connection the server closes after an answer (as gunicorn's
//!   workers do) is opened again, which counts as part of that server's cost, not as a failure.
//! - `--checkout <product id> --cookies <file> --url <server> --seconds S`: each line of the file is
//!   a signed-in shopper's session cookie; each shopper puts one of the product in the cart and
//!   checks out, again and again, until the product is sold out or S seconds have passed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{CONTENT_TYPE, COOKIE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

struct Options {
    address: String,
    path: String,
    connections: usize,
    duration: Duration,
    /// The product and the shoppers' cookies, for a checkout run.
    checkout: Option<(u64, Vec<String>)>,
}

fn options() -> Options {
    let mut url = String::new();
    let mut connections = 64;
    let mut seconds = 5.0;
    let mut product = None;
    let mut cookies = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => url = value,
            "--connections" => connections = value.parse().expect("--connections is a count"),
            "--seconds" => seconds = value.parse().expect("--seconds is a number"),
            "--checkout" => product = Some(value.parse().expect("--checkout is a product id")),
            "--cookies" => {
                cookies = std::fs::read_to_string(&value)
                    .expect("--cookies names a readable file")
                    .lines()
                    .map(str::to_owned)
                    .collect();
            }
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
        checkout: product.map(|product| (product, cookies)),
    }
}

async fn connect(address: &str) -> Option<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(address).await.ok()?;
    stream.set_nodelay(true).ok();
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    tokio::spawn(connection);
    Some(sender)
}

/// Sends one request and reads its whole answer; `None` when the connection failed.
async fn exchange(
    sender: &mut SendRequest<Full<Bytes>>,
    request: hyper::http::request::Builder,
    body: &'static str,
) -> Option<StatusCode> {
    let request = request
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .ok()?;
    let response = sender.send_request(request).await.ok()?;
    let status = response.status();
    response.into_body().collect().await.ok()?;
    Some(status)
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
        let Some(mut sender) = connect(&options.address).await else {
            tally.errors += 1;
            continue;
        };
        while Instant::now() < until {
            let request = Request::get(options.path.as_str()).header(HOST, &options.address);
            let started = Instant::now();
            let Some(status) = exchange(&mut sender, request, "").await else {
                tally.errors += 1;
                continue 'connect;
            };
            tally.latencies.push(started.elapsed());
            if !status.is_success() {
                tally.not_ok += 1;
            }
            if sender.is_closed() || sender.ready().await.is_err() {
                continue 'connect;
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

async fn load_run(options: Arc<Options>) -> serde_json::Value {
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
    serde_json::json!({
        "requests": latencies.len(),
        "per_second": latencies.len() as f64 / elapsed,
        "not_ok": not_ok,
        "errors": errors,
        "p50_ms": percentile(&latencies, 0.5),
        "p99_ms": percentile(&latencies, 0.99),
    })
}

/// What one shopper saw.
#[derive(Default)]
struct Shopping {
    orders: u64,
    sold_out: bool,
    /// Answers other than success or "sold out", and failed connections.
    failed: u64,
}

/// One signed-in shopper: one in the cart, check out, until sold out or out of time.
async fn shop(
    options: &Options,
    product: u64,
    cookie: &str,
    shopper: usize,
    until: Instant,
) -> Shopping {
    let mut shopping = Shopping::default();
    let Some(mut sender) = connect(&options.address).await else {
        shopping.failed += 1;
        return shopping;
    };
    let request = |method: Method, path: &str| {
        Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, &options.address)
            .header(COOKIE, cookie)
            .header(CONTENT_TYPE, "application/json")
    };
    let cart_item = format!("/api/cart/items/{product}");
    let mut attempt = 0;
    while Instant::now() < until {
        attempt += 1;
        let put = exchange(
            &mut sender,
            request(Method::PUT, &cart_item),
            r#"{"quantity": 1}"#,
        )
        .await;
        let checkout = match put {
            Some(StatusCode::OK) => {
                let key = format!("shopper-{shopper}-{attempt}");
                let post =
                    request(Method::POST, "/api/cart/checkout").header("idempotency-key", key);
                exchange(&mut sender, post, "").await
            }
            other => other,
        };
        match checkout {
            Some(StatusCode::CREATED) => shopping.orders += 1,
            // Not enough left for the cart: sold out.
            Some(StatusCode::CONFLICT) => {
                shopping.sold_out = true;
                break;
            }
            _ => {
                shopping.failed += 1;
                break;
            }
        }
    }
    shopping
}

async fn checkout_run(options: Arc<Options>) -> serde_json::Value {
    let (product, cookies) = options.checkout.clone().expect("a checkout run");
    let started = Instant::now();
    let until = started + options.duration;
    let shoppers: Vec<_> = cookies
        .into_iter()
        .enumerate()
        .map(|(shopper, cookie)| {
            let options = options.clone();
            tokio::spawn(async move { shop(&options, product, &cookie, shopper, until).await })
        })
        .collect();
    let (mut orders, mut sold_out, mut failed) = (0, 0, 0);
    for shopper in shoppers {
        let shopping = shopper.await.expect("a shopper task");
        orders += shopping.orders;
        sold_out += u64::from(shopping.sold_out);
        failed += shopping.failed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    serde_json::json!({
        "orders": orders,
        "per_second": orders as f64 / elapsed,
        "seconds": elapsed,
        "sold_out_shoppers": sold_out,
        "failed": failed,
    })
}

#[tokio::main]
async fn main() {
    let options = Arc::new(options());
    let summary = if options.checkout.is_some() {
        checkout_run(options).await
    } else {
        load_run(options).await
    };
    println!("{summary}");
}
