use sea_orm::entity::prelude::*;

/// An order document waiting to be written to object storage. It is inserted in the checkout's
/// transaction, so an order is never committed without it, and removed from the queue only once
/// the write succeeded (`done_at`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "archive_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub order_id: i32,
    /// Where in the store, e.g. `orders/2026/03/15/42.json`.
    pub path: String,
    /// The JSON document.
    pub body: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub done_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
