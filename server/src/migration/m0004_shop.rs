use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, boolean, integer, pk_auto, string, string_len, string_null, text, text_null,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Name,
    Description,
    SearchText,
    PriceCents,
    Stock,
    ImageUrl,
    Archived,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CartItems {
    Table,
    Id,
    UserId,
    ProductId,
    Quantity,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    UserId,
    TotalCents,
    Status,
    IdempotencyKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OrderItems {
    Table,
    Id,
    OrderId,
    ProductId,
    Name,
    UnitPriceCents,
    Quantity,
    LineTotalCents,
}

#[derive(DeriveIden)]
enum ArchiveOutbox {
    Table,
    Id,
    OrderId,
    Path,
    Body,
    Attempts,
    LastError,
    CreatedAt,
    DoneAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .col(pk_auto(Products::Id))
                    .col(string_len(Products::Name, 200))
                    .col(text(Products::Description))
                    .col(text(Products::SearchText))
                    .col(
                        big_integer(Products::PriceCents)
                            .check(Expr::col(Products::PriceCents).gte(0)),
                    )
                    .col(integer(Products::Stock).check(Expr::col(Products::Stock).gte(0)))
                    .col(text_null(Products::ImageUrl))
                    .col(boolean(Products::Archived).default(false))
                    .col(timestamp_with_time_zone(Products::CreatedAt))
                    .col(timestamp_with_time_zone(Products::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_products_archived_created_at")
                    .table(Products::Table)
                    .col(Products::Archived)
                    .col(Products::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CartItems::Table)
                    .col(pk_auto(CartItems::Id))
                    .col(integer(CartItems::UserId))
                    .col(integer(CartItems::ProductId))
                    .col(integer(CartItems::Quantity).check(Expr::col(CartItems::Quantity).gt(0)))
                    .col(timestamp_with_time_zone(CartItems::CreatedAt))
                    .col(timestamp_with_time_zone(CartItems::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_cart_items_user")
                            .from(CartItems::Table, CartItems::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_cart_items_product")
                            .from(CartItems::Table, CartItems::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cart_items_user_product")
                    .table(CartItems::Table)
                    .col(CartItems::UserId)
                    .col(CartItems::ProductId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .col(pk_auto(Orders::Id))
                    .col(integer(Orders::UserId))
                    .col(big_integer(Orders::TotalCents))
                    .col(string_len(Orders::Status, 16))
                    .col(string_null(Orders::IdempotencyKey))
                    .col(timestamp_with_time_zone(Orders::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_orders_user")
                            .from(Orders::Table, Orders::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Both databases let many rows have no key; a key is used once per user.
        manager
            .create_index(
                Index::create()
                    .name("idx_orders_user_idempotency_key")
                    .table(Orders::Table)
                    .col(Orders::UserId)
                    .col(Orders::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OrderItems::Table)
                    .col(pk_auto(OrderItems::Id))
                    .col(integer(OrderItems::OrderId))
                    .col(integer(OrderItems::ProductId))
                    .col(string_len(OrderItems::Name, 200))
                    .col(big_integer(OrderItems::UnitPriceCents))
                    .col(integer(OrderItems::Quantity))
                    .col(big_integer(OrderItems::LineTotalCents))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_order_items_order")
                            .from(OrderItems::Table, OrderItems::OrderId)
                            .to(Orders::Table, Orders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // No cascade: a product that was ordered is archived, never deleted.
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_order_items_product")
                            .from(OrderItems::Table, OrderItems::ProductId)
                            .to(Products::Table, Products::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_order_items_order_id", OrderItems::OrderId),
            ("idx_order_items_product_id", OrderItems::ProductId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(OrderItems::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ArchiveOutbox::Table)
                    .col(pk_auto(ArchiveOutbox::Id))
                    .col(integer(ArchiveOutbox::OrderId))
                    .col(string(ArchiveOutbox::Path))
                    .col(text(ArchiveOutbox::Body))
                    .col(integer(ArchiveOutbox::Attempts).default(0))
                    .col(text_null(ArchiveOutbox::LastError))
                    .col(timestamp_with_time_zone(ArchiveOutbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(ArchiveOutbox::DoneAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_archive_outbox_order")
                            .from(ArchiveOutbox::Table, ArchiveOutbox::OrderId)
                            .to(Orders::Table, Orders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_archive_outbox_done_at")
                    .table(ArchiveOutbox::Table)
                    .col(ArchiveOutbox::DoneAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ArchiveOutbox::Table.into_iden(),
            OrderItems::Table.into_iden(),
            Orders::Table.into_iden(),
            CartItems::Table.into_iden(),
            Products::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
