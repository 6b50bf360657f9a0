use sea_orm::entity::prelude::*;

/// A low-stock notification waiting to be sent. It is inserted in the transaction of the change
/// that crossed the threshold, so the crossing and its notification commit together; `sent_at`
/// is set when a sender takes it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "stock_alerts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The [`app::stock::StockAlert`] as JSON.
    pub body: String,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
