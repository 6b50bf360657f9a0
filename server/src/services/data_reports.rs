//! The stored versions of the data report, as the API reads them.

use anyhow::Context as _;
use app::data_reports::{ReportFormat, ReportVersion};
use bytes::Bytes;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder};

use crate::entities::data_report;

fn to_version(row: data_report::Model) -> ReportVersion {
    ReportVersion {
        id: i64::from(row.id),
        created_at: row.created_at,
        formats: row.formats.split(',').map(str::to_owned).collect(),
    }
}

/// The versions, newest first.
pub async fn versions(db: &impl ConnectionTrait) -> Result<Vec<ReportVersion>, DbErr> {
    Ok(data_report::Entity::find()
        .order_by_desc(data_report::Column::CreatedAt)
        .order_by_desc(data_report::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_version)
        .collect())
}

/// One stored format of version `id`: the file name to offer and the body; `None` when the
/// version or the format does not exist.
pub async fn document(
    db: &impl ConnectionTrait,
    store: &dyn ObjectStore,
    id: i64,
    format: ReportFormat,
) -> anyhow::Result<Option<(String, Bytes)>> {
    let Ok(id) = super::record_id(id, ()) else {
        return Ok(None);
    };
    let Some(row) = data_report::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if !row
        .formats
        .split(',')
        .any(|stored| stored == format.as_str())
    {
        return Ok(None);
    }
    let path = format!("{}.{}", row.base_path, format.as_str());
    let body = store
        .get(&Path::from(path.as_str()))
        .await
        .with_context(|| format!("reading {path}"))?
        .bytes()
        .await?;
    let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
    Ok(Some((name, body)))
}
