//! Downloads for the jobs: one client with a timeout and a `User-Agent` naming a contact, and
//! conditional requests against what the last successful run saw, so unchanged sources are not
//! downloaded again.

use std::time::Duration;

use anyhow::{Context, bail};
use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::clock::now;
use crate::entities::source_version;
use crate::random::hex;
use crate::redact::without_secrets;

/// A downloaded body and what identifies its version.
#[derive(Debug, Clone)]
pub struct Download {
    pub url: String,
    pub body: Bytes,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub sha256: String,
}

impl Download {
    /// Whether this is the version `known` describes.
    pub fn same_as(&self, known: Option<&source_version::Model>) -> bool {
        known.is_some_and(|known| known.sha256 == self.sha256)
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
        let client = reqwest::Client::builder()
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
        let body = self.read_capped(url, response).await?;
        Ok(Fetched::Body(Download {
            url: url.to_owned(),
            sha256: hex(&Sha256::digest(&body)),
            body,
            etag,
            last_modified,
        }))
    }
}

impl Fetcher {
    /// The body, read as it arrives, so that a broken or hostile source cannot stream more than
    /// `max_bytes` into memory whatever length it announces.
    async fn read_capped(
        &self,
        url: &str,
        mut response: reqwest::Response,
    ) -> anyhow::Result<Bytes> {
        let mut body = BytesMut::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| describe(url, error))?
        {
            if (body.len() + chunk.len()) as u64 > self.max_bytes {
                bail!(
                    "{} is larger than the {} bytes a download may take (MAX_DOWNLOAD_BYTES)",
                    without_secrets(url),
                    self.max_bytes
                );
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
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
        sha256: Set(download.sha256.clone()),
        size: Set(i64::try_from(download.body.len()).unwrap_or(i64::MAX)),
        fetched_at: Set(now()),
    })
    .on_conflict(
        OnConflict::column(source_version::Column::Key)
            .update_columns([
                source_version::Column::Url,
                source_version::Column::Etag,
                source_version::Column::LastModified,
                source_version::Column::Sha256,
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
    use super::*;

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
