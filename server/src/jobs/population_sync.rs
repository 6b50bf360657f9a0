//! The `population-sync` job: keeps the DataUSA national population response in object storage.

use anyhow::Context as _;
use app::jobs::FileCounts;
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};

use super::data_report::analysis;
use super::fetch::{self, Fetched};
use super::{Context, Outcome};
use crate::lease::Fence;

/// Where the response is stored, in object storage and as its source key.
pub const KEY: &str = "datausa/population.json";

pub async fn run(context: &Context, fence: &Fence) -> anyhow::Result<Outcome> {
    let url = &context.config.datausa_population_url;
    let known = fetch::known(&context.db, KEY).await?;
    let fetched = context
        .fetcher
        .get_if_changed(url, known.as_ref())
        .await
        .context("DataUSA population source")?;
    let unchanged = |message: &str| {
        Outcome::synced(
            FileCounts {
                unchanged: 1,
                ..FileCounts::default()
            },
            message.to_owned(),
        )
    };
    let download = match fetched {
        Fetched::NotModified => return Ok(unchanged("the population data has not changed")),
        Fetched::Body(download) if download.same_as(known.as_ref()) => {
            let txn = fence.begin(&context.db).await?;
            fetch::remember(&txn, KEY, &download).await?;
            txn.commit().await?;
            return Ok(unchanged("the population data has not changed"));
        }
        Fetched::Body(download) => download,
    };
    // A few kilobytes of JSON: parsed and stored from one copy in memory.
    let body = download.bytes().context("reading the DataUSA download")?;
    let years = analysis::parse_population(&body)
        .context("the DataUSA response is not the population data expected")?;
    context
        .store
        .put(&Path::from(KEY), PutPayload::from(body))
        .await
        .with_context(|| format!("storing {KEY}"))?;
    let txn = fence.begin(&context.db).await?;
    fetch::remember(&txn, KEY, &download).await?;
    txn.commit().await?;
    let files = if known.is_some() {
        FileCounts {
            updated: 1,
            ..FileCounts::default()
        }
    } else {
        FileCounts {
            added: 1,
            ..FileCounts::default()
        }
    };
    Ok(Outcome::synced(
        files,
        format!("stored the population of {} years", years.len()),
    ))
}
