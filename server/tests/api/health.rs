use reqwest::StatusCode;

use crate::helpers::{json_of, spawn_app};

#[tokio::test]
async fn health_and_ready_answer_ok() {
    let app = spawn_app().await;
    for path in ["/api/health", "/api/ready"] {
        let body = json_of(app.get(path).await, StatusCode::OK).await;
        assert_eq!(body["status"], "ok");
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
        assert!(!body["revision"].as_str().unwrap().is_empty(), "{body}");
    }
}

#[tokio::test]
async fn deep_links_serve_the_app_with_the_page_named_and_its_intro_written_in() {
    let app = spawn_app().await;
    let response = app.get("/donations").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("<title>Donations · Community Hub</title>"),
        "{page}"
    );
    assert!(page.contains("<h1>Donations</h1>"), "{page}");
    assert!(
        page.contains("<p class=\"lead\">Record what comes in"),
        "{page}"
    );
    assert!(!page.contains("skeleton"), "{page}");

    let page = app.get("/settings").await.text().await.unwrap();
    assert!(
        page.contains("Your organisation&#39;s details"),
        "the lead is escaped: {page}"
    );

    // A product's heading is its name, which only the app loads: its skeleton stays.
    let page = app.get("/shop/12").await.text().await.unwrap();
    assert!(
        page.contains("<title>Product · Community Hub</title>"),
        "{page}"
    );
    assert!(
        page.contains("skeleton") && !page.contains("<h1>"),
        "{page}"
    );
}

#[tokio::test]
async fn a_path_that_is_no_page_gets_the_app_with_not_found() {
    let app = spawn_app().await;
    for path in ["/nothing-here", "/orders/12/items", "/shop/12/reviews"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8",
            "{path}"
        );
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("<title>Community Hub</title>"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_missing_file_is_a_plain_not_found() {
    let app = spawn_app().await;
    for path in [
        "/favicon.ico",
        "/frontend-00000000000000aa.js",
        "/main-00000000000000aa.css",
        "/shop/photo.png",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("<html"), "{path}: {body}");
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    let app = spawn_app().await;
    for path in ["/", "/api/health", "/api/nothing-here"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(
            policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"),
            "{path}: {policy}"
        );
        // The app's page gets the policy its scripts need; JSON, which never becomes a
        // document, gets the strictest.
        let page = headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html");
        assert_eq!(
            policy.contains("script-src 'self'"),
            page,
            "{path}: {policy}"
        );
        assert_eq!(
            policy.starts_with("default-src 'none'"),
            !page,
            "{path}: {policy}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert!(!headers["x-request-id"].is_empty(), "{path}");
    }
    let response = app
        .client
        .get(app.url("/api/health"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
}

#[tokio::test]
async fn the_apps_files_come_in_the_encoding_the_browser_takes_and_revalidate() {
    let app = spawn_app().await;
    let script = "/app-0123456789abcdef.js";
    let compressed = app
        .client
        .get(app.url(script))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.status(), StatusCode::OK);
    assert_eq!(compressed.headers()["content-encoding"], "br");
    assert_eq!(compressed.headers()["vary"], "accept-encoding");
    assert_eq!(
        compressed.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let etag = compressed.headers()["etag"].clone();
    assert_eq!(compressed.text().await.unwrap(), "brotli bytes");

    let plain = app.get(script).await;
    assert!(!plain.headers().contains_key("content-encoding"));
    assert_eq!(plain.text().await.unwrap(), "export {};");

    let again = app
        .client
        .get(app.url(script))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // The browser puts a 304's headers on the page it kept, so the page's policy must survive.
    let index = app.get("/").await;
    let revalidated = app
        .client
        .get(app.url("/"))
        .header("if-none-match", index.headers()["etag"].clone())
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        revalidated.headers()["content-security-policy"],
        index.headers()["content-security-policy"]
    );

    assert_eq!(
        app.get("/missing-file.js").await.status(),
        StatusCode::NOT_FOUND
    );
    let page = app.get("/shop/12").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("<title>Product · Community Hub</title>")
    );
    // A page's document is compressed at start, since the build compressed only the template.
    let plain = app.get("/donations").await.text().await.unwrap();
    let compressed = app
        .client
        .get(app.url("/donations"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "br");
    let bytes = compressed.bytes().await.unwrap();
    let mut decoded = String::new();
    std::io::Read::read_to_string(
        &mut brotli::Decompressor::new(&bytes[..], 4096),
        &mut decoded,
    )
    .unwrap();
    assert_eq!(decoded, plain);
    let posted = app.client.post(app.url("/shop/12")).send().await.unwrap();
    assert_eq!(posted.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn hashed_assets_are_cached_for_good_and_the_page_is_revalidated() {
    let app = spawn_app().await;
    let asset = app.get("/app-0123456789abcdef.js").await;
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    for path in ["/", "/index.html", "/donations"] {
        assert_eq!(
            app.get(path).await.headers()["cache-control"],
            "no-cache",
            "{path}"
        );
    }
}

#[tokio::test]
async fn api_answers_come_compressed_to_clients_that_accept_it() {
    let app = spawn_app().await;
    for _ in 0..30 {
        app.donate("food", "1.5").await;
    }
    let plain = app.get("/api/donations?per_page=100").await;
    assert_eq!(plain.headers().get("content-encoding"), None);
    // A cache that kept this plain answer must not hand it to a client that takes brotli.
    assert_eq!(plain.headers()["vary"], "accept-encoding");
    let plain = plain.bytes().await.unwrap();
    for encoding in ["br", "gzip"] {
        let response = app
            .client
            .get(app.url("/api/donations?per_page=100"))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-encoding"], encoding);
        assert_eq!(response.headers()["vary"], "accept-encoding");
        let compressed = response.bytes().await.unwrap();
        assert!(
            compressed.len() * 4 < plain.len(),
            "{encoding}: {} of {} bytes",
            compressed.len(),
            plain.len()
        );
    }
}
