//! The `bls-sync` job: mirrors every file of the BLS productivity directory into object storage
//! under `bls/pr/`, downloading only what changed.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context as _, bail};
use app::jobs::FileCounts;
use object_store::ObjectStoreExt;
use object_store::path::Path;
use reqwest::Url;

use super::fetch::{self, Fetched};
use super::{Context, Outcome};
use crate::entities::source_version;
use crate::lease::Fence;

/// Where the mirrored files go, in object storage and as source keys.
pub const PREFIX: &str = "bls/pr/";

pub async fn run(context: &Context, fence: &Fence) -> anyhow::Result<Outcome> {
    if context.fetcher.contact().is_none() {
        bail!(
            "CONTACT_EMAIL is not set: the BLS server refuses downloads whose User-Agent names no contact address"
        );
    }
    let base = Url::parse(&context.config.bls_pr_url).context("BLS_PR_URL is not a URL")?;
    let listing = context
        .fetcher
        .get(base.as_str())
        .await
        .context("reading the BLS directory listing")?;
    let listing = listing
        .bytes()
        .context("reading the BLS directory listing")?;
    let files = listed_files(&String::from_utf8_lossy(&listing), &base);
    if files.is_empty() {
        bail!("the BLS directory listing at {base} lists no files");
    }
    let mut known: HashMap<String, source_version::Model> = fetch::known_under(&context.db, PREFIX)
        .await?
        .into_iter()
        .map(|version| (version.key.clone(), version))
        .collect();
    let mut counts = FileCounts::default();
    for (name, url) in &files {
        let key = format!("{PREFIX}{name}");
        let previous = known.remove(&key);
        let fetched = context
            .fetcher
            .get_if_changed(url.as_str(), previous.as_ref())
            .await
            .with_context(|| format!("downloading {name}"))?;
        let download = match fetched {
            Fetched::NotModified => {
                counts.unchanged += 1;
                continue;
            }
            Fetched::Body(download) => download,
        };
        if !download.same_as(previous.as_ref()) {
            download
                .store(context.store.as_ref(), &Path::from(key.as_str()))
                .await
                .with_context(|| format!("storing {key}"))?;
            if previous.is_some() {
                counts.updated += 1;
            } else {
                counts.added += 1;
            }
        } else {
            counts.unchanged += 1;
        }
        let txn = fence.begin(&context.db).await?;
        fetch::remember(&txn, &key, &download).await?;
        txn.commit().await?;
    }
    for key in known.keys() {
        context
            .store
            .delete(&Path::from(key.as_str()))
            .await
            .or_else(|error| match error {
                object_store::Error::NotFound { .. } => Ok(()),
                error => Err(error),
            })
            .with_context(|| format!("deleting {key}"))?;
        let txn = fence.begin(&context.db).await?;
        fetch::forget(&txn, key).await?;
        txn.commit().await?;
        counts.deleted += 1;
    }
    Ok(Outcome::synced(
        counts,
        format!(
            "{} files listed: {} added, {} updated, {} deleted, {} unchanged",
            files.len(),
            counts.added,
            counts.updated,
            counts.deleted,
            counts.unchanged
        ),
    ))
}

/// The files a directory listing links to directly below `base`, by name. Links elsewhere (the
/// parent directory, sort orders, other sites) and to sub-folders are not files of this directory.
fn listed_files(html: &str, base: &Url) -> BTreeMap<String, Url> {
    links(html)
        .filter_map(|href| base.join(&href).ok())
        .filter(|url| url.query().is_none() && url.fragment().is_none())
        .filter(|url| url.origin() == base.origin())
        .filter_map(|url| {
            let name = url.path().strip_prefix(base.path())?;
            let plain = !name.is_empty() && !name.contains('/');
            plain.then(|| (name.to_owned(), url.clone()))
        })
        .collect()
}

/// The `href` values of an HTML page, with `&amp;` decoded.
fn links(html: &str) -> impl Iterator<Item = String> + '_ {
    let lower = html.to_ascii_lowercase();
    let starts: Vec<usize> = lower.match_indices("href=").map(|(at, _)| at + 5).collect();
    starts.into_iter().filter_map(move |start| {
        let rest = &html[start..];
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value = &rest[1..];
        let end = value.find(quote)?;
        Some(value[..end].replace("&amp;", "&"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://download.example.gov/pub/time.series/pr/").unwrap()
    }

    #[test]
    fn absolute_and_relative_links_below_the_base_are_files() {
        let html = r#"<html><body><pre><A HREF="/pub/time.series/">[To Parent Directory]</A><br>
            1/2/2025  8:30 AM  1504795 <A HREF="/pub/time.series/pr/pr.data.0.Current">pr.data.0.Current</A><br>
            <a href='pr.series'>pr.series</a> <a href="pr.txt">pr.txt</a></pre></body></html>"#;
        let files = listed_files(html, &base());
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(names, ["pr.data.0.Current", "pr.series", "pr.txt"]);
        assert_eq!(
            files["pr.series"].as_str(),
            "https://download.example.gov/pub/time.series/pr/pr.series"
        );
    }

    #[test]
    fn links_leaving_the_directory_are_ignored() {
        let html = r#"<a href="../">Parent</a> <a href="/">Home</a> <a href="?C=N;O=D">Name</a>
            <a href="https://elsewhere.example.org/pub/time.series/pr/x">x</a>
            <a href="sub/">sub</a> <a href="sub/file">file</a> <a href="/pub/time.series/pr/">self</a>"#;
        assert!(listed_files(html, &base()).is_empty());
    }

    #[test]
    fn encoded_ampersands_in_links_are_decoded() {
        let html = r#"<a href="a&amp;b.txt">a&b</a>"#;
        assert!(listed_files(html, &base()).contains_key("a&b.txt"));
    }
}
