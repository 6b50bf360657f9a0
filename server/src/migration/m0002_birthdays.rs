use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{date, string_len, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Birthdays {
    Table,
    Username,
    DateOfBirth,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Birthdays::Table)
                    .col(string_len(Birthdays::Username, 64).primary_key())
                    .col(date(Birthdays::DateOfBirth))
                    .col(timestamp_with_time_zone(Birthdays::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Birthdays::Table).to_owned())
            .await
    }
}
