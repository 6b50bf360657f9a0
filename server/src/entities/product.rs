use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub description: String,
    /// Name and description lower-cased, what the catalogue search matches: the same in
    /// every language on SQLite and PostgreSQL alike, which `LOWER` and `ILIKE` are not.
    pub search_text: String,
    pub price_cents: i64,
    /// Adjusted only by conditional updates, so it never goes below zero.
    pub stock: i32,
    pub image_url: Option<String>,
    /// Deleted after being ordered: hidden from the catalogue, kept for order history.
    pub archived: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Raised by every change; an edit made from an older version is refused.
    pub version: i32,
    /// Below this many units the product is low; `None` for no threshold.
    pub low_stock_threshold: Option<i32>,
    /// Set when the stock fell below the threshold and the notification was queued; cleared
    /// when it recovers, so each dip is notified once.
    pub low_stock_alerted: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
