use sea_orm::entity::prelude::*;

/// The low-stock threshold of one kind of the ledger; a kind without a row has none.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "stock_thresholds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// Hundredths of a unit, like the balance.
    pub threshold: i64,
    /// Set when the balance fell below the threshold and the notification was queued; cleared
    /// when it recovers, so each dip is notified once.
    pub alerted: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
