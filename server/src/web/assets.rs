//! The built browser app, read into memory once at start with the brotli and gzip copies the
//! build wrote beside each file, and served from there: no file system on the request path.
//! A path without a file extension gets `index.html`: when it is one of the app's pages
//! (`app::routes`), with 200 and that page's title, heading and lead written in; otherwise with
//! 404, and the app shows its Not Found page. A missing file is a plain 404, so a stale script or
//! image never receives a page of HTML in its place.
//!
//! A large file with a gzip copy is not kept as it is at start: every browser takes gzip or
//! brotli, and the plain wasm and Swagger UI's script alone were three of an idle server's 30 MB.
//! For the rare client that takes neither, the file is inflated from its gzip copy once and kept
//! from then on.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use anyhow::Context;
use app::routes::Page;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    ACCEPT_ENCODING, ALLOW, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
    VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use super::is_hashed;
use crate::html::escape;

/// One file of the app, in each encoding the build wrote.
struct Asset {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    etag: HeaderValue,
    /// The file as it is: set at start unless it is larger than [`KEEP_PLAIN_UP_TO`] and has a
    /// gzip copy, else inflated from that copy when a client first asks for it plain.
    identity: OnceLock<Bytes>,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

/// The largest file kept in memory as it is beside its compressed copies.
const KEEP_PLAIN_UP_TO: usize = 64 * 1024;

/// Every file under the app's folder, by URL path (`/index.html`, `/swagger/swagger-ui.css`).
pub struct Assets {
    files: HashMap<String, Asset>,
    /// `index.html` as each of the app's pages, by path pattern (see [`page_document`]).
    pages: HashMap<&'static str, Asset>,
}

/// Where `index.html`'s skeleton of a page's heading and lead begins and ends.
const INTRO_START: &str = "<!-- page intro -->";
const INTRO_END: &str = "<!-- end page intro -->";

impl Assets {
    /// Reads the folder; a folder that does not exist is an app served from elsewhere, so the
    /// server answers the API alone.
    pub fn load(folder: &Path) -> anyhow::Result<Self> {
        let mut files = HashMap::new();
        if folder.is_dir() {
            read_folder(folder, folder, &mut files)?;
        } else {
            tracing::info!(folder = %folder.display(), "no app files here; serving the API only");
        }
        let pages = match files
            .get("/index.html")
            .and_then(|index| index.identity.get())
        {
            Some(index) => page_documents(&String::from_utf8_lossy(index))?,
            None => HashMap::new(),
        };
        Ok(Self { files, pages })
    }

    /// The app's files as a router, for the fallback of every path the API does not take.
    pub fn router(self) -> Router {
        Router::new().fallback(serve).with_state(Arc::new(self))
    }
}

fn read_folder(
    root: &Path,
    folder: &Path,
    files: &mut HashMap<String, Asset>,
) -> anyhow::Result<()> {
    for entry in
        std::fs::read_dir(folder).with_context(|| format!("reading {}", folder.display()))?
    {
        let path = entry?.path();
        if path.is_dir() {
            read_folder(root, &path, files)?;
            continue;
        }
        let name = path.to_string_lossy();
        if name.ends_with(".br") || name.ends_with(".gz") {
            continue;
        }
        let read = |suffix: &str| -> anyhow::Result<Option<Bytes>> {
            let copy = format!("{name}{suffix}");
            match std::fs::read(&copy) {
                Ok(content) => Ok(Some(Bytes::from(content))),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(error).with_context(|| format!("reading {copy}")),
            }
        };
        let identity = Bytes::from(
            std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
        );
        let relative = path
            .strip_prefix(root)?
            .to_string_lossy()
            .replace('\\', "/");
        let url_path = format!("/{relative}");
        let gzip = read(".gz")?;
        let keep_plain = identity.len() <= KEEP_PLAIN_UP_TO || gzip.is_none();
        let asset = Asset {
            content_type: HeaderValue::from_static(content_type(&url_path)),
            cache_control: HeaderValue::from_static(if is_hashed(&url_path) {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            }),
            etag: etag(&identity),
            brotli: read(".br")?,
            gzip,
            identity: if keep_plain {
                OnceLock::from(identity)
            } else {
                OnceLock::new()
            },
        };
        files.insert(url_path, asset);
    }
    Ok(())
}

/// `index.html` as each page of the app, compressed as the build compresses its files.
fn page_documents(index: &str) -> anyhow::Result<HashMap<&'static str, Asset>> {
    app::routes::PAGES
        .iter()
        .map(|page| {
            let document = Bytes::from(page_document(index, page));
            let asset = Asset {
                content_type: HeaderValue::from_static(content_type("/index.html")),
                cache_control: HeaderValue::from_static("no-cache"),
                etag: etag(&document),
                brotli: Some(brotli(&document)?),
                gzip: Some(gzip(&document)?),
                identity: OnceLock::from(document),
            };
            Ok((page.path, asset))
        })
        .collect()
}

/// `index.html` with the page's title, and its heading and lead in place of their skeleton, so
/// they show as soon as the document arrives rather than once the app has loaded.
fn page_document(index: &str, page: &Page) -> String {
    let title = format!(
        "<title>{}</title>",
        escape(&app::routes::document_title(page.title))
    );
    let document = index.replacen("<title>Community Hub</title>", &title, 1);
    let Some(intro) = page.intro else {
        return document;
    };
    let (Some(start), Some(end)) = (document.find(INTRO_START), document.find(INTRO_END)) else {
        return document;
    };
    format!(
        "{}<h1>{}</h1>\n        <p class=\"lead\">{}</p>{}",
        &document[..start],
        escape(intro.heading),
        escape(intro.lead),
        &document[end + INTRO_END.len()..],
    )
}

/// At quality 4: from 5 up, the encoder sets up tables that take 3 ms whatever the input's size,
/// which made the server's start 60 ms slower for 21 pages; quality 11 (4 ms a page) would save
/// 140 of a page's 730 bytes.
fn brotli(content: &[u8]) -> std::io::Result<Bytes> {
    let mut compressed = Vec::new();
    let parameters = brotli::enc::BrotliEncoderParams {
        quality: 4,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &content[..], &mut compressed, &parameters)?;
    Ok(Bytes::from(compressed))
}

fn gzip(content: &[u8]) -> std::io::Result<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(content)?;
    Ok(Bytes::from(encoder.finish()?))
}

/// A strong validator from the content. Every instance of one release computes the same, so a
/// revalidation may reach any of them.
fn etag(content: &[u8]) -> HeaderValue {
    let mut hasher = DefaultHasher::new();
    content.hash(&mut hasher);
    HeaderValue::from_str(&format!("\"{:016x}\"", hasher.finish()))
        .expect("hex digits in quotes are a valid header value")
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, extension)| extension) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") | Some("map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

async fn serve(State(assets): State<Arc<Assets>>, request: Request) -> Response {
    let method = request.method();
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(ALLOW, HeaderValue::from_static("GET, HEAD"))],
        )
            .into_response();
    }
    let path = request.uri().path();
    let file = path.rsplit('/').next().unwrap_or_default().contains('.');
    let (asset, status) = match assets.files.get(path) {
        Some(asset) => (asset, StatusCode::OK),
        None if file => return StatusCode::NOT_FOUND.into_response(),
        None => match app::routes::page(path).map(|page| assets.pages.get(page.path)) {
            Some(Some(document)) => (document, StatusCode::OK),
            Some(None) => return StatusCode::NOT_FOUND.into_response(),
            None => match assets.files.get("/index.html") {
                Some(index) => (index, StatusCode::NOT_FOUND),
                None => return StatusCode::NOT_FOUND.into_response(),
            },
        },
    };
    let headers = request.headers();
    let mut response = if status == StatusCode::OK && matches_etag(headers, &asset.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (encoding, body) = pick_encoding(headers, asset);
        let mut response = if method == Method::HEAD {
            Response::new(Body::empty())
        } else {
            match body.map_or_else(|| inflated(asset), |body| Ok(body.clone())) {
                Ok(body) => Response::new(Body::from(body)),
                Err(error) => {
                    tracing::error!(%error, path, "inflating an app file's gzip copy failed");
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                }
            }
        };
        *response.status_mut() = status;
        let response_headers = response.headers_mut();
        response_headers.insert(CONTENT_TYPE, asset.content_type.clone());
        if let Some(encoding) = encoding {
            response_headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    };
    let response_headers = response.headers_mut();
    response_headers.insert(CACHE_CONTROL, asset.cache_control.clone());
    response_headers.insert(ETAG, asset.etag.clone());
    if asset.brotli.is_some() || asset.gzip.is_some() {
        response_headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

fn matches_etag(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag.as_bytes() == etag.as_bytes())
}

/// Brotli when the client takes it, else gzip, else the file as it is (`None` while it is kept
/// only compressed, see [`inflated`]).
fn pick_encoding<'a>(
    headers: &HeaderMap,
    asset: &'a Asset,
) -> (Option<&'static str>, Option<&'a Bytes>) {
    let accepts = |wanted: &str| {
        headers
            .get_all(ACCEPT_ENCODING)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|item| {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or_default().trim();
                let refused = parts.any(|parameter| {
                    parameter
                        .trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        == Some(0.0)
                });
                name.eq_ignore_ascii_case(wanted) && !refused
            })
    };
    match (&asset.brotli, &asset.gzip) {
        (Some(brotli), _) if accepts("br") => (Some("br"), Some(brotli)),
        (_, Some(gzip)) if accepts("gzip") => (Some("gzip"), Some(gzip)),
        _ => (None, asset.identity.get()),
    }
}

/// The file as it is, from its gzip copy, for a client that takes no compression: inflated on
/// the first such request and kept as the asset's `identity`, so the next one is served from it.
fn inflated(asset: &Asset) -> std::io::Result<Bytes> {
    let gzip = asset.gzip.as_deref().unwrap_or_default();
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(gzip).read_to_end(&mut plain)?;
    Ok(asset.identity.get_or_init(|| Bytes::from(plain)).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset() -> Asset {
        Asset {
            content_type: HeaderValue::from_static("text/css; charset=utf-8"),
            cache_control: HeaderValue::from_static("no-cache"),
            etag: etag(b"body{}"),
            identity: OnceLock::from(Bytes::from_static(b"body{}")),
            brotli: Some(Bytes::from_static(b"br")),
            gzip: Some(Bytes::from_static(b"gz")),
        }
    }

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn brotli_is_preferred_then_gzip_then_the_file_itself() {
        let asset = asset();
        assert_eq!(
            pick_encoding(&accept("gzip, deflate, br"), &asset).0,
            Some("br")
        );
        assert_eq!(pick_encoding(&accept("gzip"), &asset).0, Some("gzip"));
        assert_eq!(
            pick_encoding(&accept("br;q=0, gzip;q=0.5"), &asset).0,
            Some("gzip")
        );
        assert_eq!(pick_encoding(&accept("identity"), &asset).0, None);
        assert_eq!(pick_encoding(&HeaderMap::new(), &asset).0, None);
    }

    #[test]
    fn a_file_kept_only_compressed_is_inflated_for_a_client_that_takes_no_compression() {
        let plain = "let x = 1;\n".repeat(10_000);
        let asset = Asset {
            identity: OnceLock::new(),
            brotli: None,
            gzip: Some(gzip(plain.as_bytes()).unwrap()),
            ..asset()
        };

        assert_eq!(pick_encoding(&HeaderMap::new(), &asset), (None, None));
        assert_eq!(inflated(&asset).unwrap(), plain.as_bytes());
        assert_eq!(
            asset.identity.get().unwrap(),
            plain.as_bytes(),
            "kept for the next client"
        );
    }

    #[test]
    fn a_known_validator_is_not_modified() {
        let asset = asset();
        let mut headers = HeaderMap::new();
        headers.insert(IF_NONE_MATCH, asset.etag.clone());
        assert!(matches_etag(&headers, &asset.etag));
        headers.insert(
            IF_NONE_MATCH,
            HeaderValue::from_static("\"other\", W/\"x\""),
        );
        assert!(!matches_etag(&headers, &asset.etag));
    }

    #[test]
    fn files_get_their_content_types() {
        assert_eq!(content_type("/app_bg.wasm"), "application/wasm");
        assert_eq!(content_type("/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("/swagger/swagger-ui.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("/unknown"), "application/octet-stream");
    }

    #[test]
    fn a_page_document_names_the_page_and_opens_with_its_intro() {
        let index = "<title>Community Hub</title><main><!-- page intro --><div class=\"skeleton\"></div><!-- end page intro --><div class=\"skeleton-block\"></div></main>";
        let donations = app::routes::page("/donations").unwrap();
        let document = page_document(index, donations);
        assert!(
            document
                .starts_with("<title>Donations · Community Hub</title><main><h1>Donations</h1>")
        );
        assert!(document.ends_with("</p><div class=\"skeleton-block\"></div></main>"));
        assert!(!document.contains("page intro"));

        // A template without the markers still gets the title; its body is left as it is.
        let plain = "<title>Community Hub</title><main></main>";
        assert_eq!(
            page_document(plain, donations),
            "<title>Donations · Community Hub</title><main></main>"
        );
    }
}
