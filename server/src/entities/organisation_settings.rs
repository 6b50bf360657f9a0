use sea_orm::entity::prelude::*;

/// The organisation's details; the table holds one row, with [`ID`], once they are first saved.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "organisation_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub name: String,
    /// Multi-line: one line of the postal address per line of text.
    pub address: String,
    pub contact_email: Option<String>,
    pub charity_number: Option<String>,
    pub updated_at: DateTimeUtc,
}

/// The id of the one row.
pub const ID: i32 = 1;

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
