//! Downloads for the jobs: one client with a timeout and a `User-Agent` naming a contact, and
//! conditional requests against what the last successful run saw, so unchanged sources are not
//! downloaded again.
//!
//! A body is written to a temporary file as it arrives and hashed on the way, so a download
//! costs the same small buffer whatever its size; the jobs then read the file as a stream.

use std::io::{BufReader, Read};
use std::time::Duration;

use anyhow::{Context, bail};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use tempfile::NamedTempFile;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};

use crate::clock::now;
use crate::entities::source_version;
use crate::redact::without_secrets;

/// Bytes read from a file at a time, and the write buffer of a download.
const BUFFER: usize = 256 * 1024;
/// The part size of a multipart upload to object storage: S3's smallest but the last. A body
/// no larger is stored with one `put`.
const PART: usize = 5 * 1024 * 1024;
/// Parts of one upload in flight at once.
const PARTS_IN_FLIGHT: usize = 2;

/// A downloaded body, kept in a temporary file that goes when this does, and what identifies
/// its version.
#[derive(Debug)]
pub struct Download {
    pub url: String,
    body: NamedTempFile,
    pub size: u64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The body's BLAKE3 digest, in hexadecimal.
    pub content_hash: String,
}

impl Download {
    /// Whether this is the version `known` describes.
    pub fn same_as(&self, known: Option<&source_version::Model>) -> bool {
        known.is_some_and(|known| known.content_hash == self.content_hash)
    }

    /// A buffered reader over the body from its start; each reader has its own position.
    pub fn reader(&self) -> std::io::Result<BufReader<std::fs::File>> {
        Ok(BufReader::with_capacity(BUFFER, self.body.reopen()?))
    }

    /// The whole body in memory, for the small files (listings, API answers) read whole.
    pub fn bytes(&self) -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(usize::try_from(self.size).unwrap_or_default());
        self.body.reopen()?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// Copies the body to `location` in `store`, a part at a time when it is large, so that no
    /// more than a few parts are ever in memory.
    pub async fn store(&self, store: &dyn ObjectStore, location: &Path) -> anyhow::Result<()> {
        let mut file = tokio::fs::File::from_std(self.body.reopen()?);
        if self.size <= PART as u64 {
            let mut body = Vec::with_capacity(usize::try_from(self.size).unwrap_or_default());
            file.read_to_end(&mut body).await?;
            store.put(location, PutPayload::from(body)).await?;
            return Ok(());
        }
        let mut upload =
            WriteMultipart::new_with_chunk_size(store.put_multipart(location).await?, PART);
        let mut buffer = vec![0; BUFFER];
        loop {
            let read = match file.read(&mut buffer).await {
                Ok(0) => break,
                Ok(read) => read,
                Err(error) => {
                    upload.abort().await.ok();
                    return Err(error.into());
                }
            };
            if let Err(error) = upload.wait_for_capacity(PARTS_IN_FLIGHT).await {
                upload.abort().await.ok();
                return Err(error.into());
            }
            upload.write(&buffer[..read]);
        }
        upload.finish().await?;
        Ok(())
    }
}

/// The answer to a conditional request.
#[derive(Debug)]
pub enum Fetched {
    /// The server says the version we know is still current.
    NotModified,
    Body(Download),
}

#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    contact: Option<String>,
    max_bytes: u64,
}

impl Fetcher {
    /// A client whose downloads fail after `timeout` or past `max_bytes`.
    pub fn new(timeout: Duration, contact: Option<String>, max_bytes: u64) -> anyhow::Result<Self> {
        let agent = match &contact {
            Some(email) => format!(
                "community-hub/{} (+mailto:{email})",
                env!("CARGO_PKG_VERSION")
            ),
            None => format!("community-hub/{}", env!("CARGO_PKG_VERSION")),
        };
        let client = crate::tls::http_client()
            .timeout(timeout)
            .user_agent(agent)
            .build()
            .context("building the download client")?;
        Ok(Self {
            client,
            contact,
            max_bytes,
        })
    }

    /// The contact address, for sources that refuse anonymous requests.
    pub fn contact(&self) -> Option<&str> {
        self.contact.as_deref()
    }

    /// Downloads `url` unconditionally.
    pub async fn get(&self, url: &str) -> anyhow::Result<Download> {
        match self.get_if_changed(url, None).await? {
            Fetched::Body(download) => Ok(download),
            Fetched::NotModified => bail!(
                "{} answered 304 Not Modified to a plain request",
                without_secrets(url)
            ),
        }
    }

    /// Downloads `url` unless the server confirms that `known` is still its current version.
    pub async fn get_if_changed(
        &self,
        url: &str,
        known: Option<&source_version::Model>,
    ) -> anyhow::Result<Fetched> {
        let mut request = self.client.get(url);
        if let Some(known) = known {
            if let Some(etag) = &known.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(modified) = &known.last_modified {
                request = request.header(IF_MODIFIED_SINCE, modified);
            }
        }
        let response = request.send().await.map_err(|error| describe(url, error))?;
        if response.status() == StatusCode::NOT_MODIFIED && known.is_some() {
            return Ok(Fetched::NotModified);
        }
        if !response.status().is_success() {
            bail!(
                "{} answered HTTP {}",
                without_secrets(url),
                response.status()
            );
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|value: &reqwest::header::HeaderValue| value.to_str().ok())
                .map(str::to_owned)
        };
        let etag = header(ETAG);
        let last_modified = header(LAST_MODIFIED);
        let (body, size, content_hash) = self.spool(url, response).await?;
        Ok(Fetched::Body(Download {
            url: url.to_owned(),
            body,
            size,
            etag,
            last_modified,
            content_hash,
        }))
    }
}

impl Fetcher {
    /// Writes the body to a temporary file as it arrives, hashing it on the way; returns the
    /// file, its size and its digest. BLAKE3 rather than SHA-256: without the CPU's SHA
    /// instructions, which many virtual machines hide, SHA-256 took more than a third of a large
    /// covid-etl run, where BLAKE3's vector code takes a few hundredths. A broken or hostile
    /// source cannot write more than `max_bytes`, whatever length it announces.
    async fn spool(
        &self,
        url: &str,
        mut response: reqwest::Response,
    ) -> anyhow::Result<(NamedTempFile, u64, String)> {
        let body = tempfile::Builder::new()
            .prefix("hub-download-")
            .tempfile()
            .context("creating a temporary file for a download")?;
        let mut file = BufWriter::with_capacity(BUFFER, tokio::fs::File::from_std(body.reopen()?));
        let mut hasher = blake3::Hasher::new();
        let mut size: u64 = 0;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| describe(url, error))?
        {
            size += chunk.len() as u64;
            if size > self.max_bytes {
                bail!(
                    "{} is larger than the {} bytes a download may take (MAX_DOWNLOAD_BYTES)",
                    without_secrets(url),
                    self.max_bytes
                );
            }
            hasher.update(&chunk);
            file.write_all(&chunk)
                .await
                .context("writing a download to its temporary file")?;
        }
        file.flush()
            .await
            .context("writing a download to its temporary file")?;
        Ok((body, size, hasher.finalize().to_hex().to_string()))
    }
}

/// What went wrong with `url`, in words fit for a log: the client's own message names the full
/// URL, secrets and all, so it is left out.
fn describe(url: &str, error: reqwest::Error) -> anyhow::Error {
    let url = without_secrets(url);
    if error.is_timeout() {
        anyhow::anyhow!("{url} did not answer in time")
    } else {
        anyhow::anyhow!("{url} could not be read: {}", error.without_url())
    }
}

/// What the last successful run saw of the source stored under `key`.
pub async fn known(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<source_version::Model>, DbErr> {
    source_version::Entity::find_by_id(key.to_owned())
        .one(db)
        .await
}

/// Remembers `download` as the version of `key` now in use; call it in the transaction that
/// uses the download, so a failed run leaves the previous version in place.
pub async fn remember(
    db: &impl ConnectionTrait,
    key: &str,
    download: &Download,
) -> Result<(), DbErr> {
    source_version::Entity::insert(source_version::ActiveModel {
        key: Set(key.to_owned()),
        url: Set(download.url.clone()),
        etag: Set(download.etag.clone()),
        last_modified: Set(download.last_modified.clone()),
        content_hash: Set(download.content_hash.clone()),
        size: Set(i64::try_from(download.size).unwrap_or(i64::MAX)),
        fetched_at: Set(now()),
    })
    .on_conflict(
        OnConflict::column(source_version::Column::Key)
            .update_columns([
                source_version::Column::Url,
                source_version::Column::Etag,
                source_version::Column::LastModified,
                source_version::Column::ContentHash,
                source_version::Column::Size,
                source_version::Column::FetchedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Forgets `key`, for a mirrored file its source no longer lists.
pub async fn forget(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    source_version::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Every remembered source whose key starts with `prefix`.
pub async fn known_under(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Vec<source_version::Model>, DbErr> {
    source_version::Entity::find()
        .filter(source_version::Column::Key.starts_with(prefix))
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use object_store::memory::InMemory;
    use tokio::io::AsyncReadExt;

    use super::*;

    /// Serves `body` once on a loopback port, a slice at a time; returns the URL.
    async fn serve_once(body: Vec<u8>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            while !request.ends_with(b"\r\n\r\n") {
                request.push(stream.read_u8().await.unwrap());
            }
            let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len());
            stream.write_all(head.as_bytes()).await.unwrap();
            for slice in body.chunks(64 * 1024) {
                stream.write_all(slice).await.unwrap();
            }
        });
        format!("http://{address}/large.csv")
    }

    /// Bytes that do not repeat at any part boundary, so a misplaced part shows.
    fn made_up(size: usize) -> Vec<u8> {
        (0..size).map(|at| (at % 251) as u8).collect()
    }

    #[tokio::test]
    async fn a_download_goes_to_a_temporary_file_that_is_removed_with_it() {
        let body = made_up(3 * 1024 * 1024 + 17);
        let url = serve_once(body.clone()).await;
        let fetcher = Fetcher::new(Duration::from_secs(10), None, 8 * 1024 * 1024).unwrap();

        let download = fetcher.get(&url).await.unwrap();

        let file = download.body.path().to_owned();
        assert_eq!(std::fs::metadata(&file).unwrap().len(), body.len() as u64);
        assert_eq!(download.size, body.len() as u64);
        assert_eq!(download.content_hash, blake3::hash(&body).to_hex().as_str());
        let mut read = Vec::new();
        download.reader().unwrap().read_to_end(&mut read).unwrap();
        assert!(read == body, "the file holds the body");
        drop(download);
        assert!(!file.exists(), "{} is left behind", file.display());
    }

    #[tokio::test]
    async fn a_large_download_is_stored_in_parts_and_a_small_one_whole() {
        let store = InMemory::new();
        let fetcher = Fetcher::new(Duration::from_secs(10), None, 16 * 1024 * 1024).unwrap();
        for size in [1000, 2 * PART + 1234] {
            let body = made_up(size);
            let download = fetcher.get(&serve_once(body.clone()).await).await.unwrap();
            let location = Path::from(format!("files/{size}"));

            download.store(&store, &location).await.unwrap();

            let stored = store.get(&location).await.unwrap().bytes().await.unwrap();
            assert!(stored == body, "{size} bytes stored as they came");
        }
    }

    #[tokio::test]
    async fn a_failed_download_names_the_file_but_no_credentials_or_query() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let fetcher = Fetcher::new(Duration::from_secs(5), None, 1024).unwrap();
        let url = format!("http://ann:PASSW0RD@127.0.0.1:{port}/pub/pr.csv?key=T0KEN");
        let message = format!("{:#}", fetcher.get(&url).await.unwrap_err());
        assert!(message.contains("/pub/pr.csv"), "{message}");
        assert!(
            !message.contains("PASSW0RD") && !message.contains("T0KEN"),
            "{message}"
        );
    }
}
