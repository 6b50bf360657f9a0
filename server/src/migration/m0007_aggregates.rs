use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, date, string, string_len};

/// The totals the reports read instead of scanning every donation and distribution: per kind and
/// day, per donor, and per donor and kind. The ledger keeps them in the same transaction as each
/// write; here they are filled from the records already there, so an upgraded database reports
/// what it did before.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LedgerDailyTotals {
    Table,
    Kind,
    Day,
    Donated,
    Distributed,
}

#[derive(DeriveIden)]
enum DonorTotals {
    Table,
    DonorKey,
    DonorName,
    Donations,
    Quantity,
    FirstDonatedOn,
    LastDonatedOn,
}

#[derive(DeriveIden)]
enum DonorKindTotals {
    Table,
    DonorKey,
    Kind,
    Donations,
    Quantity,
}

/// The totals as the records give them, written as this migration's schema has them. Plain SQL
/// that both databases read alike; the sums are cast because PostgreSQL sums bigints to numeric.
pub(crate) const FILL: [&str; 3] = [
    "INSERT INTO ledger_daily_totals (kind, day, donated, distributed)
     SELECT kind, day, CAST(SUM(donated) AS BIGINT), CAST(SUM(distributed) AS BIGINT)
     FROM (
         SELECT kind, donated_on AS day, quantity AS donated, 0 AS distributed FROM donations
         UNION ALL
         SELECT kind, distributed_on AS day, 0 AS donated, quantity AS distributed FROM distributions
     ) AS records
     GROUP BY kind, day",
    "INSERT INTO donor_totals
         (donor_key, donor_name, donations, quantity, first_donated_on, last_donated_on)
     SELECT donor_key, MIN(donor_name), COUNT(*), CAST(SUM(quantity) AS BIGINT),
         MIN(donated_on), MAX(donated_on)
     FROM donations
     GROUP BY donor_key",
    "INSERT INTO donor_kind_totals (donor_key, kind, donations, quantity)
     SELECT donor_key, kind, COUNT(*), CAST(SUM(quantity) AS BIGINT)
     FROM donations
     GROUP BY donor_key, kind",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LedgerDailyTotals::Table)
                    .col(string_len(LedgerDailyTotals::Kind, 16))
                    .col(date(LedgerDailyTotals::Day))
                    .col(big_integer(LedgerDailyTotals::Donated))
                    .col(big_integer(LedgerDailyTotals::Distributed))
                    .primary_key(
                        Index::create()
                            .col(LedgerDailyTotals::Kind)
                            .col(LedgerDailyTotals::Day),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DonorTotals::Table)
                    .col(string(DonorTotals::DonorKey).primary_key())
                    .col(string(DonorTotals::DonorName))
                    .col(big_integer(DonorTotals::Donations))
                    .col(big_integer(DonorTotals::Quantity))
                    .col(date(DonorTotals::FirstDonatedOn))
                    .col(date(DonorTotals::LastDonatedOn))
                    .to_owned(),
            )
            .await?;
        // The report's other two orders; the key breaks ties, so a page is one index range.
        for (name, column) in [
            ("idx_donor_totals_quantity", DonorTotals::Quantity),
            (
                "idx_donor_totals_last_donated_on",
                DonorTotals::LastDonatedOn,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(DonorTotals::Table)
                        .col(column)
                        .col(DonorTotals::DonorKey)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(DonorKindTotals::Table)
                    .col(string(DonorKindTotals::DonorKey))
                    .col(string_len(DonorKindTotals::Kind, 16))
                    .col(big_integer(DonorKindTotals::Donations))
                    .col(big_integer(DonorKindTotals::Quantity))
                    .primary_key(
                        Index::create()
                            .col(DonorKindTotals::DonorKey)
                            .col(DonorKindTotals::Kind),
                    )
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        for statement in FILL {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DonorKindTotals::Table.into_iden(),
            DonorTotals::Table.into_iden(),
            LedgerDailyTotals::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
