//! Schema migrations, run at start-up. Each has a `down` so it can be rolled back.

use anyhow::Context;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::prelude::*;

mod m0001_ledger;
mod m0002_birthdays;
mod m0003_accounts;
mod m0004_shop;
mod m0005_pipeline;
mod m0006_versions;
mod m0007_aggregates;
mod m0008_audit_events;
mod m0009_account_status;
mod m0010_low_stock;
mod m0011_organisation_settings;
mod m0012_content_hash;

/// The statements that fill the reports' totals from the records, for rebuilding them.
pub(crate) use m0007_aggregates::FILL as AGGREGATES_FROM_RECORDS;
/// Turns the history's append-only guard on and off, for a restore that replaces it.
pub(crate) use m0008_audit_events::guard as history_guard;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_ledger::Migration),
            Box::new(m0002_birthdays::Migration),
            Box::new(m0003_accounts::Migration),
            Box::new(m0004_shop::Migration),
            Box::new(m0005_pipeline::Migration),
            Box::new(m0006_versions::Migration),
            Box::new(m0007_aggregates::Migration),
            Box::new(m0008_audit_events::Migration),
            Box::new(m0009_account_status::Migration),
            Box::new(m0010_low_stock::Migration),
            Box::new(m0011_organisation_settings::Migration),
            Box::new(m0012_content_hash::Migration),
        ]
    }
}

/// Brings the schema up to date, one instance at a time: when several start together against one
/// database, the first migrates and the others then find nothing left to do. PostgreSQL serialises
/// them with an advisory lock, SQLite with a lock on a file beside the database. SQLite is also
/// switched to WAL mode there, so readers never wait for the writer: the switch needs the file to
/// itself, so it cannot race another instance's migration.
pub async fn run_exclusively(db: &DatabaseConnection, url: &str) -> anyhow::Result<()> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let lock = Database::connect(
                ConnectOptions::new(url.to_owned())
                    .max_connections(1)
                    .sqlx_logging(false)
                    .to_owned(),
            )
            .await
            .context("connecting for the migration lock")?;
            let key = format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})");
            lock.execute_unprepared(&key)
                .await
                .context("taking the migration lock")?;
            let migrated = migrate(db).await;
            lock.close().await.ok();
            migrated
        }
        _ => {
            let file = url
                .strip_prefix("sqlite://")
                .and_then(|rest| rest.split('?').next())
                .filter(|path| !path.is_empty() && !path.contains(":memory:"))
                .map(|path| format!("{path}.migrate-lock"));
            let guard = match file {
                Some(path) => Some(
                    tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
                        let file = std::fs::File::create(path)?;
                        file.lock()?;
                        Ok(file)
                    })
                    .await?
                    .context("taking the migration lock")?,
                ),
                None => None,
            };
            let migrated = async {
                db.execute_unprepared("PRAGMA journal_mode = WAL")
                    .await
                    .context("switching to WAL mode")?;
                // All of them in one transaction: SQLite otherwise commits, and syncs the disk,
                // after every statement (a new database took over a hundred), and a migration
                // that fails would leave its first statements applied.
                let txn = crate::database::write(db)
                    .await
                    .context("starting the migrations' transaction")?;
                migrate(&txn).await?;
                txn.commit().await.context("committing the migrations")
            }
            .await;
            drop(guard);
            migrated
        }
    }
}

/// Applies the pending migrations. A database a newer version has migrated is left as it is:
/// migrations are written expand-then-contract, so the version before a release still runs on
/// its schema, and a release can be rolled back by starting the previous version again.
async fn migrate<'c, C>(db: &'c C) -> anyhow::Result<()>
where
    C: ConnectionTrait,
    &'c C: IntoSchemaManagerConnection<'c>,
{
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect();
    let applied = Migrator::get_migration_models(db)
        .await
        .context("reading the applied migrations")?;
    let newer: Vec<&str> = applied
        .iter()
        .map(|migration| migration.version.as_str())
        .filter(|version| !known.iter().any(|name| name == version))
        .collect();
    if newer.is_empty() {
        return Migrator::up(db, None).await.context("running migrations");
    }
    let pending: Vec<&String> = known
        .iter()
        .filter(|name| !applied.iter().any(|migration| &migration.version == *name))
        .collect();
    if !pending.is_empty() {
        anyhow::bail!(
            "the database has migrations this version does not know ({}) but lacks some it does ({}); start the version that made it",
            newer.join(", "),
            pending
                .iter()
                .map(|name| name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    tracing::warn!(
        newer = %newer.join(", "),
        "a newer version migrated this database; starting on its schema without migrating"
    );
    Ok(())
}

/// Any fixed number; it names this application's migration lock among others on the server.
const MIGRATION_LOCK_KEY: i64 = 7_262_001;
