use sea_orm_migration::prelude::*;

/// The source versions' digest column loses the algorithm from its name: downloads are hashed with
/// BLAKE3 now. The SHA-256 digests already stored stay; none equals a BLAKE3 digest, so a source
/// whose server does not answer a conditional request with 304 is loaded once more on its next
/// run. The loads' upserts keep the data as it was, but that run reports its rows as revised,
/// which may send one change notification and start one data report.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SourceVersions {
    Table,
    Sha256,
    ContentHash,
}

async fn rename(
    manager: &SchemaManager<'_>,
    from: SourceVersions,
    to: SourceVersions,
) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(SourceVersions::Table)
                .rename_column(from, to)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rename(manager, SourceVersions::Sha256, SourceVersions::ContentHash).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rename(manager, SourceVersions::ContentHash, SourceVersions::Sha256).await
    }
}
