use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    integer, string_len, string_len_null, text, timestamp_with_time_zone,
};

/// The organisation's own details, printed on donor receipts: one row, with id 1, once an admin
/// first saves them.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrganisationSettings {
    Table,
    Id,
    Name,
    Address,
    ContactEmail,
    CharityNumber,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrganisationSettings::Table)
                    .col(integer(OrganisationSettings::Id).primary_key())
                    .col(string_len(OrganisationSettings::Name, 200))
                    .col(text(OrganisationSettings::Address))
                    .col(string_len_null(OrganisationSettings::ContactEmail, 254))
                    .col(string_len_null(OrganisationSettings::CharityNumber, 50))
                    .col(timestamp_with_time_zone(OrganisationSettings::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OrganisationSettings::Table).to_owned())
            .await
    }
}
