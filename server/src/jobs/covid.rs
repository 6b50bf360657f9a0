//! The `covid-etl` job: fetches the NYT and JHU series, joins them (see [`transform`]) and loads
//! the result incrementally into `covid_daily`.

pub mod transform;

use std::collections::HashMap;

use anyhow::Context as _;
use app::covid::DailyFigures;
use chrono::NaiveDate;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait};

use super::fetch::{self, Download, Fetched};
use super::{Context, Outcome};
use crate::entities::{covid_daily, source_version};
use crate::lease::Fence;

const NYT_KEY: &str = "covid/nyt";
const JHU_KEY: &str = "covid/jhu";

/// Rows per `INSERT`, well under SQLite's limit on bound parameters.
const CHUNK: usize = 200;

pub async fn run(context: &Context, fence: &Fence) -> anyhow::Result<Outcome> {
    let known_nyt = fetch::known(&context.db, NYT_KEY).await?;
    let known_jhu = fetch::known(&context.db, JHU_KEY).await?;
    let urls = (&context.config.covid_nyt_url, &context.config.covid_jhu_url);
    // Both downloads at once: each mostly waits on its source.
    let (nyt, jhu) = tokio::try_join!(
        async {
            context
                .fetcher
                .get_if_changed(urls.0, known_nyt.as_ref())
                .await
                .context("NYT source")
        },
        async {
            context
                .fetcher
                .get_if_changed(urls.1, known_jhu.as_ref())
                .await
                .context("JHU source")
        },
    )?;
    if is_unchanged(&nyt, known_nyt.as_ref()) && is_unchanged(&jhu, known_jhu.as_ref()) {
        return Ok(Outcome::unchanged(
            "neither source changed since the last successful run",
        ));
    }
    let (nyt, jhu) = tokio::try_join!(
        async { body(context, nyt, urls.0).await.context("NYT source") },
        async { body(context, jhu, urls.1).await.context("JHU source") },
    )?;
    let readers = (
        nyt.reader().context("reading the NYT download")?,
        jhu.reader().context("reading the JHU download")?,
    );
    // Parsing is CPU work on blocking file reads: it runs beside the async workers, not on them.
    let figures =
        tokio::task::spawn_blocking(move || transform::transform(readers.0, readers.1)).await??;
    let sources = [(NYT_KEY, &nyt), (JHU_KEY, &jhu)];
    let (inserted, updated) = load(&context.db, fence, &figures, &sources)
        .await
        .context("loading the figures")?;
    Ok(Outcome::success(
        inserted,
        updated,
        format!(
            "{} days in both sources: {inserted} new, {updated} revised",
            figures.len()
        ),
    ))
}

fn is_unchanged(fetched: &Fetched, known: Option<&source_version::Model>) -> bool {
    match fetched {
        Fetched::NotModified => true,
        Fetched::Body(download) => download.same_as(known),
    }
}

/// The body of a source; one confirmed unchanged is downloaded again, as the join needs both.
async fn body(context: &Context, fetched: Fetched, url: &str) -> anyhow::Result<Download> {
    match fetched {
        Fetched::Body(download) => Ok(download),
        Fetched::NotModified => context.fetcher.get(url).await,
    }
}

/// Inserts the days not yet stored and updates those whose figures changed, in one fenced
/// transaction that also records the source versions; returns how many rows it inserted and
/// updated.
pub async fn load(
    db: &DatabaseConnection,
    fence: &Fence,
    figures: &[DailyFigures],
    sources: &[(&str, &Download)],
) -> anyhow::Result<(u64, u64)> {
    let txn = fence.begin(db).await?;
    let stored: HashMap<NaiveDate, covid_daily::Model> = covid_daily::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|row| (row.date, row))
        .collect();
    let mut changed_rows = Vec::new();
    let mut updated = 0;
    for day in figures {
        let row = covid_daily::Model {
            date: day.date,
            cases: day.cases,
            deaths: day.deaths,
            recovered: day.recovered,
        };
        match stored.get(&day.date) {
            None => changed_rows.push(row),
            Some(current) if *current != row => {
                changed_rows.push(row);
                updated += 1;
            }
            Some(_) => {}
        }
    }
    let inserted = changed_rows.len() as u64 - updated;
    // New and revised days alike go in chunks of one upsert each: a whole series revised at once
    // took three times as long as loading it new when each day was its own UPDATE.
    let revise = OnConflict::column(covid_daily::Column::Date)
        .update_columns([
            covid_daily::Column::Cases,
            covid_daily::Column::Deaths,
            covid_daily::Column::Recovered,
        ])
        .to_owned();
    for chunk in changed_rows.chunks(CHUNK) {
        covid_daily::Entity::insert_many(chunk.iter().cloned().map(covid_daily::ActiveModel::from))
            .on_conflict(revise.clone())
            .exec_without_returning(&txn)
            .await?;
    }
    for (key, download) in sources {
        fetch::remember(&txn, key, download).await?;
    }
    txn.commit().await?;
    Ok((inserted, updated))
}
