use sea_orm::entity::prelude::*;

/// One run of a job, from start to end.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "job_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub job: String,
    /// `schedule`, `manual` or `command`.
    pub trigger: String,
    /// One of `app::jobs::RunStatus`.
    pub status: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub rows_inserted: i64,
    pub rows_updated: i64,
    pub message: String,
    /// `app::jobs::FileCounts` as JSON, for jobs that mirror files.
    pub file_counts: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
