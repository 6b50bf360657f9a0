use sea_orm_migration::prelude::*;

/// Every record a person edits carries a version, raised by each change, so an edit made from a
/// stale copy can be refused instead of silently undoing what happened since.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Version {
    Version,
}

#[derive(DeriveIden)]
enum Products {
    Table,
}

#[derive(DeriveIden)]
enum Donations {
    Table,
}

#[derive(DeriveIden)]
enum Distributions {
    Table,
}

fn tables() -> [DynIden; 3] {
    [
        Products::Table.into_iden(),
        Donations::Table.into_iden(),
        Distributions::Table.into_iden(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(
                            ColumnDef::new(Version::Version)
                                .integer()
                                .not_null()
                                .default(1),
                        )
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Version::Version)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
