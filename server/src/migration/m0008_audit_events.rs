use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, integer_null, string_len, text_null, timestamp_with_time_zone,
};

/// The history of changes: one row per change to a donation, distribution, product or account,
/// written in the transaction of the change. Rows are only ever added; triggers refuse to change
/// or remove them, so not even a bug in the server can rewrite what happened.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    ActorId,
    ActorName,
    RecordType,
    RecordId,
    Action,
    Before,
    After,
}

/// The statements that make the table append-only on each database, and those that lift that
/// again. A restore lifts it inside its own transaction to replace the history with the backup's,
/// and puts it back before it commits.
pub(crate) mod guard {
    use sea_orm::{ConnectionTrait, DbBackend, DbErr};

    const SQLITE_ON: [&str; 2] = [
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
         BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
         BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    ];
    const SQLITE_OFF: [&str; 2] = [
        "DROP TRIGGER audit_events_no_update",
        "DROP TRIGGER audit_events_no_delete",
    ];
    // TRUNCATE too, which skips row triggers; per statement, so it refuses even a change that
    // would match no row.
    const POSTGRES_ON: [&str; 1] = ["CREATE TRIGGER audit_events_append_only
         BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
         FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()"];
    const POSTGRES_OFF: [&str; 1] = ["DROP TRIGGER audit_events_append_only ON audit_events"];

    async fn run(db: &impl ConnectionTrait, statements: &[&str]) -> Result<(), DbErr> {
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    /// Makes the history append-only.
    pub(crate) async fn on(db: &impl ConnectionTrait) -> Result<(), DbErr> {
        match db.get_database_backend() {
            DbBackend::Postgres => run(db, &POSTGRES_ON).await,
            _ => run(db, &SQLITE_ON).await,
        }
    }

    /// Lets the history be cleared, until [`on`].
    pub(crate) async fn off(db: &impl ConnectionTrait) -> Result<(), DbErr> {
        match db.get_database_backend() {
            DbBackend::Postgres => run(db, &POSTGRES_OFF).await,
            _ => run(db, &SQLITE_OFF).await,
        }
    }
}

const POSTGRES_FUNCTION: &str = "CREATE FUNCTION audit_events_refuse_change() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
         RAISE EXCEPTION 'audit events are append-only';
     END
     $$";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_integer(AuditEvents::Id).auto_increment().primary_key())
                    .col(timestamp_with_time_zone(AuditEvents::OccurredAt))
                    // No foreign key: the history outlives what it names, accounts included.
                    .col(integer_null(AuditEvents::ActorId))
                    .col(string_len(AuditEvents::ActorName, 200))
                    .col(string_len(AuditEvents::RecordType, 32))
                    .col(big_integer(AuditEvents::RecordId))
                    .col(string_len(AuditEvents::Action, 32))
                    .col(text_null(AuditEvents::Before))
                    .col(text_null(AuditEvents::After))
                    .to_owned(),
            )
            .await?;
        let indexes = [
            (
                "idx_audit_events_record",
                vec![AuditEvents::RecordType, AuditEvents::RecordId],
            ),
            ("idx_audit_events_actor", vec![AuditEvents::ActorId]),
            (
                "idx_audit_events_occurred_at",
                vec![AuditEvents::OccurredAt],
            ),
        ];
        for (name, columns) in indexes {
            let mut index = Index::create();
            index.name(name).table(AuditEvents::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(POSTGRES_FUNCTION).await?;
        }
        guard::on(db).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await?;
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION audit_events_refuse_change()")
                .await?;
        }
        Ok(())
    }
}
