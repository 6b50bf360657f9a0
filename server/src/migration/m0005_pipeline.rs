use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, date, pk_auto, string, string_len, string_null, text, text_null,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum JobState {
    Table,
    Job,
    LastScheduledAt,
    LeaseHolder,
    LeaseExpiresAt,
}

#[derive(DeriveIden)]
enum JobRuns {
    Table,
    Id,
    Job,
    Trigger,
    Status,
    StartedAt,
    FinishedAt,
    RowsInserted,
    RowsUpdated,
    Message,
    FileCounts,
}

#[derive(DeriveIden)]
enum SourceVersions {
    Table,
    Key,
    Url,
    Etag,
    LastModified,
    Sha256,
    Size,
    FetchedAt,
}

#[derive(DeriveIden)]
enum CovidDaily {
    Table,
    Date,
    Cases,
    Deaths,
    Recovered,
}

#[derive(DeriveIden)]
enum DataReports {
    Table,
    Id,
    CreatedAt,
    BasePath,
    Formats,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JobState::Table)
                    .col(string_len(JobState::Job, 64).primary_key())
                    .col(timestamp_with_time_zone_null(JobState::LastScheduledAt))
                    .col(string_null(JobState::LeaseHolder))
                    .col(timestamp_with_time_zone_null(JobState::LeaseExpiresAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(JobRuns::Table)
                    .col(pk_auto(JobRuns::Id))
                    .col(string_len(JobRuns::Job, 64))
                    .col(string_len(JobRuns::Trigger, 16))
                    .col(string_len(JobRuns::Status, 16))
                    .col(timestamp_with_time_zone(JobRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(JobRuns::FinishedAt))
                    .col(big_integer(JobRuns::RowsInserted).default(0))
                    .col(big_integer(JobRuns::RowsUpdated).default(0))
                    .col(text(JobRuns::Message))
                    .col(text_null(JobRuns::FileCounts))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_job_runs_job_id")
                    .table(JobRuns::Table)
                    .col(JobRuns::Job)
                    .col(JobRuns::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SourceVersions::Table)
                    .col(string(SourceVersions::Key).primary_key())
                    .col(text(SourceVersions::Url))
                    .col(text_null(SourceVersions::Etag))
                    .col(text_null(SourceVersions::LastModified))
                    .col(string_len(SourceVersions::Sha256, 64))
                    .col(big_integer(SourceVersions::Size))
                    .col(timestamp_with_time_zone(SourceVersions::FetchedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CovidDaily::Table)
                    .col(date(CovidDaily::Date).primary_key())
                    .col(big_integer(CovidDaily::Cases).check(Expr::col(CovidDaily::Cases).gte(0)))
                    .col(
                        big_integer(CovidDaily::Deaths).check(Expr::col(CovidDaily::Deaths).gte(0)),
                    )
                    .col(big_integer_null(CovidDaily::Recovered))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DataReports::Table)
                    .col(pk_auto(DataReports::Id))
                    .col(timestamp_with_time_zone(DataReports::CreatedAt))
                    .col(string(DataReports::BasePath))
                    .col(string(DataReports::Formats))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DataReports::Table.into_iden(),
            CovidDaily::Table.into_iden(),
            SourceVersions::Table.into_iden(),
            JobRuns::Table.into_iden(),
            JobState::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
