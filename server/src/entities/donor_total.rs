use sea_orm::entity::prelude::*;

/// One row of the donor report: everything one donor (see `donations.donor_key`) gave. Kept by
/// every donation write in the same transaction, so a page of the report reads only its rows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "donor_totals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub donor_key: String,
    /// The least of the names the donor's donations spell, as the report shows it.
    pub donor_name: String,
    pub donations: i64,
    /// Hundredths, summed over every kind: the report's "total" order.
    pub quantity: i64,
    pub first_donated_on: Date,
    pub last_donated_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
