use sea_orm::entity::prelude::*;

/// How much of one kind one donor gave: the per-kind totals of a donor report row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "donor_kind_totals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub donor_key: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    pub donations: i64,
    /// Hundredths of a unit (cents for money).
    pub quantity: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
