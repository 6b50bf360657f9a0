use sea_orm::entity::prelude::*;

/// One generated version of the analysis report; its files are in object storage.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "data_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub created_at: DateTimeUtc,
    /// The files' path without extension, e.g. `reports/report-2026-11-26-06-00-00`.
    pub base_path: String,
    /// Comma-separated extensions, e.g. `json,html,ipynb`.
    pub formats: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
