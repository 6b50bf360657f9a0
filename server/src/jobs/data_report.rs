//! The `data-report` job: analyses the mirrored BLS and DataUSA files and stores one report
//! version in three formats (JSON, HTML, notebook) under `reports/`.

pub mod analysis;
pub mod render;

use std::time::Duration;

use anyhow::Context as _;
use app::data_reports::ReportFormat;
use chrono::{DateTime, SubsecRound, Utc};
use futures_util::StreamExt;
use object_store::path::Path;
use object_store::{GetResult, ObjectStore, ObjectStoreExt, PutPayload};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use super::{Context, Outcome, bls_sync, population_sync};
use crate::clock::now;
use crate::entities::data_report;
use crate::lease::Fence;

pub async fn run(context: &Context, fence: &Fence) -> anyhow::Result<Outcome> {
    let bls_key = format!("{}{}", bls_sync::PREFIX, analysis::BLS_FILE);
    let (Some(bls), Some(population)) = (
        open(context.store.as_ref(), &bls_key).await?,
        open(context.store.as_ref(), population_sync::KEY).await?,
    ) else {
        // Not a failure: on a fresh install the first sync to finish gets here before the other.
        return Ok(Outcome::unchanged(
            "no report yet: it needs both bls-sync and population-sync to have run",
        ));
    };
    // Its parse errors name the file and line.
    let bls = bls_figures(bls).await?;
    let population = population
        .bytes()
        .await
        .with_context(|| format!("reading {}", population_sync::KEY))?;
    let created_at = unused_second(&context.db).await?;
    let report = analysis::analyse(&bls, &population, created_at)?;
    let base_path = base_path(created_at);
    let documents = [
        (ReportFormat::Json, serde_json::to_vec_pretty(&report)?),
        (ReportFormat::Html, render::html(&report).into_bytes()),
        (
            ReportFormat::Ipynb,
            serde_json::to_vec_pretty(&render::notebook(&report, &bls_key, population_sync::KEY))?,
        ),
    ];
    for (format, body) in documents {
        let path = format!("{base_path}.{}", format.as_str());
        context
            .store
            .put(&Path::from(path.as_str()), PutPayload::from(body))
            .await
            .with_context(|| format!("storing {path}"))?;
    }
    let formats = ReportFormat::ALL.map(ReportFormat::as_str);
    let txn = fence.begin(&context.db).await?;
    data_report::ActiveModel {
        created_at: Set(created_at),
        base_path: Set(base_path.clone()),
        formats: Set(formats.join(",")),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Outcome::success(
        1,
        0,
        format!(
            "stored {base_path}: {} series, {} joined years",
            report.best_years.len(),
            report.series.len()
        ),
    ))
}

/// A stored file opened for reading, or `None` when it is not there yet.
async fn open(store: &dyn ObjectStore, key: &str) -> anyhow::Result<Option<GetResult>> {
    match store.get(&Path::from(key)).await {
        Ok(object) => Ok(Some(object)),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(error) => Err(error).with_context(|| format!("reading {key}")),
    }
}

/// What the report needs from the stored BLS file, read as it streams in: the file is larger
/// than anything the report keeps from it.
async fn bls_figures(object: GetResult) -> anyhow::Result<analysis::BlsFigures> {
    let mut parser = analysis::BlsParser::default();
    let mut figures = analysis::BlsFigures::default();
    let mut chunks = object.into_stream();
    while let Some(chunk) = chunks.next().await {
        parser.feed(&chunk?, |row| figures.add(row))?;
    }
    parser.finish(|row| figures.add(row))?;
    Ok(figures)
}

/// Versions are named to the second; a second already used by a version waits for the next one,
/// so no version overwrites another.
async fn unused_second(db: &impl ConnectionTrait) -> Result<DateTime<Utc>, DbErr> {
    loop {
        let second = now().trunc_subsecs(0);
        let taken = data_report::Entity::find()
            .filter(data_report::Column::BasePath.eq(base_path(second)))
            .one(db)
            .await?
            .is_some();
        if !taken {
            return Ok(second);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn base_path(created_at: DateTime<Utc>) -> String {
    format!("reports/report-{}", created_at.format("%Y-%m-%d-%H-%M-%S"))
}
