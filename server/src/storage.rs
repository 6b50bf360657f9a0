//! The object store the order archive is written to, chosen by URL.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;

/// Where a storage URL points.
#[derive(Debug, PartialEq, Eq)]
enum Location {
    /// A local folder, relative to the working directory unless absolute.
    Folder(PathBuf),
    /// A bucket, and a prefix inside it (empty for the bucket's root).
    S3 { bucket: String, prefix: String },
}

fn parse(url: &str) -> anyhow::Result<Location> {
    if let Some(path) = url.strip_prefix("file://") {
        if path.is_empty() {
            bail!("the storage URL {url:?} names no folder");
        }
        return Ok(Location::Folder(PathBuf::from(path)));
    }
    if let Some(rest) = url.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            bail!("the storage URL {url:?} names no bucket");
        }
        return Ok(Location::S3 {
            bucket: bucket.to_owned(),
            prefix: prefix.trim_matches('/').to_owned(),
        });
    }
    bail!("the storage URL {url:?} must start with file:// or s3://")
}

/// Opens the store `url` names: `file://folder` (created when missing) or `s3://bucket/prefix`,
/// whose credentials, region and endpoint come from the `AWS_*` environment variables (including
/// `AWS_ENDPOINT_URL` and `AWS_ALLOW_HTTP` for S3-compatible servers).
pub fn open(url: &str) -> anyhow::Result<Arc<dyn ObjectStore>> {
    match parse(url)? {
        Location::Folder(folder) => {
            std::fs::create_dir_all(&folder)
                .with_context(|| format!("creating the storage folder {}", folder.display()))?;
            let store = LocalFileSystem::new_with_prefix(&folder)
                .with_context(|| format!("opening the storage folder {}", folder.display()))?;
            Ok(Arc::new(store))
        }
        Location::S3 { bucket, prefix } => {
            crate::tls::install_crypto();
            let store = AmazonS3Builder::from_env()
                .with_bucket_name(&bucket)
                .build()
                .with_context(|| format!("configuring the S3 bucket {bucket}"))?;
            if prefix.is_empty() {
                Ok(Arc::new(store))
            } else {
                Ok(Arc::new(PrefixStore::new(store, prefix)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_name_relative_and_absolute_folders() {
        assert_eq!(
            parse("file://./data/storage").unwrap(),
            Location::Folder(PathBuf::from("./data/storage"))
        );
        assert_eq!(
            parse("file:///var/lib/hub").unwrap(),
            Location::Folder(PathBuf::from("/var/lib/hub"))
        );
    }

    #[test]
    fn s3_urls_name_a_bucket_and_an_optional_prefix() {
        assert_eq!(
            parse("s3://archive").unwrap(),
            Location::S3 {
                bucket: "archive".into(),
                prefix: String::new()
            }
        );
        assert_eq!(
            parse("s3://archive/hub/prod/").unwrap(),
            Location::S3 {
                bucket: "archive".into(),
                prefix: "hub/prod".into()
            }
        );
    }

    #[test]
    fn other_urls_are_refused() {
        for url in [
            "",
            "file://",
            "s3://",
            "s3:///prefix",
            "gs://bucket",
            "/tmp/x",
        ] {
            assert!(parse(url).is_err(), "{url:?} was accepted");
        }
    }

    #[test]
    fn a_missing_folder_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("a/b");
        open(&format!("file://{}", folder.display())).unwrap();
        assert!(folder.is_dir());
    }
}
