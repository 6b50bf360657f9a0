use sea_orm::entity::prelude::*;

/// The running balance of each kind. Every ledger write adjusts it in the same transaction with a
/// conditional update, which is what keeps stock from going negative under concurrent requests.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "stock")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// Hundredths of a unit (cents for money).
    pub balance: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
