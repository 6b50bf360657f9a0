use app::ledger::Kind;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, date, pk_auto, string, string_len, string_null, text_null,
    timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Donations {
    Table,
    Id,
    DonorName,
    DonorKey,
    Kind,
    Quantity,
    DonatedOn,
    Note,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Distributions {
    Table,
    Id,
    Kind,
    Quantity,
    DistributedOn,
    Recipient,
    Note,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Stock {
    Table,
    Kind,
    Balance,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Donations::Table)
                    .col(pk_auto(Donations::Id))
                    .col(string(Donations::DonorName))
                    .col(string(Donations::DonorKey))
                    .col(string_len(Donations::Kind, 16))
                    .col(big_integer(Donations::Quantity))
                    .col(date(Donations::DonatedOn))
                    .col(text_null(Donations::Note))
                    .col(timestamp_with_time_zone(Donations::CreatedAt))
                    .col(timestamp_with_time_zone(Donations::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_donations_donated_on", Donations::DonatedOn),
            ("idx_donations_donor_key", Donations::DonorKey),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Donations::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Distributions::Table)
                    .col(pk_auto(Distributions::Id))
                    .col(string_len(Distributions::Kind, 16))
                    .col(big_integer(Distributions::Quantity))
                    .col(date(Distributions::DistributedOn))
                    .col(string_null(Distributions::Recipient))
                    .col(text_null(Distributions::Note))
                    .col(timestamp_with_time_zone(Distributions::CreatedAt))
                    .col(timestamp_with_time_zone(Distributions::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_distributions_distributed_on")
                    .table(Distributions::Table)
                    .col(Distributions::DistributedOn)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Stock::Table)
                    .col(string_len(Stock::Kind, 16).primary_key())
                    .col(big_integer(Stock::Balance).check(Expr::col(Stock::Balance).gte(0)))
                    .to_owned(),
            )
            .await?;
        let mut rows = Query::insert();
        rows.into_table(Stock::Table)
            .columns([Stock::Kind, Stock::Balance]);
        for kind in Kind::ALL {
            // i64 like the column: a prepared statement cached for this insert is reused later.
            rows.values_panic([kind.as_str().into(), 0_i64.into()]);
        }
        manager.exec_stmt(rows).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Stock::Table.into_iden(),
            Distributions::Table.into_iden(),
            Donations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
