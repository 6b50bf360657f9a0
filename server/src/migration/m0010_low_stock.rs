use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, boolean, pk_auto, string_len, text, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

/// Low stock: a threshold per kind of the ledger and per product, each with the flag that says a
/// notification for the current dip below it was already queued; and the queue of those
/// notifications, written in the transaction of the change that crossed the threshold.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StockThresholds {
    Table,
    Kind,
    Threshold,
    Alerted,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StockAlerts {
    Table,
    Id,
    Body,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    LowStockThreshold,
    LowStockAlerted,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StockThresholds::Table)
                    .col(string_len(StockThresholds::Kind, 32).primary_key())
                    // Hundredths, like the balance it is compared with.
                    .col(big_integer(StockThresholds::Threshold))
                    .col(boolean(StockThresholds::Alerted).default(false))
                    .col(timestamp_with_time_zone(StockThresholds::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StockAlerts::Table)
                    .col(pk_auto(StockAlerts::Id))
                    .col(text(StockAlerts::Body))
                    .col(timestamp_with_time_zone(StockAlerts::CreatedAt))
                    .col(timestamp_with_time_zone_null(StockAlerts::SentAt))
                    .to_owned(),
            )
            .await?;
        // The sender reads the unsent alerts every second.
        manager
            .create_index(
                Index::create()
                    .name("idx_stock_alerts_sent_at")
                    .table(StockAlerts::Table)
                    .col(StockAlerts::SentAt)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite adds only one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Products::Table)
                    .add_column(ColumnDef::new(Products::LowStockThreshold).integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Products::Table)
                    .add_column(
                        ColumnDef::new(Products::LowStockAlerted)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Products::LowStockAlerted, Products::LowStockThreshold] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Products::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(StockAlerts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(StockThresholds::Table).to_owned())
            .await
    }
}
