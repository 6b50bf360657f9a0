use sea_orm::entity::prelude::*;

/// What came in and went out of one kind on one day. Every ledger write adjusts it in the same
/// transaction, so the inventory report (on any day) sums a few thousand of these rows instead of
/// every record.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "ledger_daily_totals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    /// Hundredths of a unit (cents for money), donated that day.
    pub donated: i64,
    /// Hundredths of a unit, distributed that day.
    pub distributed: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
