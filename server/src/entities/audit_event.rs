use sea_orm::entity::prelude::*;

/// One change to one record; rows are only ever added.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub occurred_at: DateTimeUtc,
    /// The account that made the change; `None` for the server itself.
    pub actor_id: Option<i32>,
    /// The actor's name at the time, so the history reads the same after a rename.
    pub actor_name: String,
    /// One of `app::history::RecordType`.
    pub record_type: String,
    pub record_id: i64,
    /// One of `app::history::Action`.
    pub action: String,
    /// `app::history::Snapshot` as JSON; `None` for a creation.
    pub before: Option<String>,
    /// `app::history::Snapshot` as JSON; `None` for a deletion.
    pub after: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
