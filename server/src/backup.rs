//! `server backup` and `server restore`: every table in one portable JSON document, taken from one
//! consistent snapshot, loadable into SQLite or PostgreSQL alike. Moving from SQLite to PostgreSQL is
//! a backup from one and a restore into the other.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use sea_orm::{
    AccessMode, ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityName,
    EntityTrait, IntoActiveModel, IsolationLevel, PaginatorTrait, PrimaryKeyTrait,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::entities::{
    archive_outbox, balance, cart_item, covid_daily, data_report, distribution, donation,
    greeting_user, job_run, job_state, order, order_item, product, session, source_version, user,
};
use crate::migration::Migrator;
use crate::services::aggregates;

const FORMAT: &str = "community-hub-backup";
const VERSION: u32 = 1;

/// Hands every table's entity module to `$step!`, parents before children: the order rows are
/// loaded in, and the reverse of the order they are cleared in. A new table is added here only;
/// the reports' totals are left out, as a restore rebuilds them from the records.
macro_rules! every_table {
    ($step:ident) => {
        $step!(
            user,
            session,
            donation,
            distribution,
            balance,
            greeting_user,
            product,
            cart_item,
            order,
            order_item,
            archive_outbox,
            job_state,
            job_run,
            source_version,
            covid_daily,
            data_report
        )
    };
}

/// Rows per `INSERT`, well under SQLite's limit on bound parameters.
const CHUNK: usize = 200;

#[derive(Debug, Serialize, Deserialize)]
pub struct Backup {
    pub format: String,
    pub version: u32,
    pub created_at: DateTime<Utc>,
    /// The newest migration of the schema the rows belong to.
    pub schema: String,
    pub tables: BTreeMap<String, Vec<Value>>,
}

fn latest_migration() -> String {
    Migrator::migrations()
        .last()
        .map(|migration| migration.name().to_owned())
        .unwrap_or_default()
}

async fn dump<E>(
    db: &impl ConnectionTrait,
    tables: &mut BTreeMap<String, Vec<Value>>,
) -> anyhow::Result<()>
where
    E: EntityTrait + Default,
    E::Model: Serialize,
{
    let rows = E::find()
        .all(db)
        .await?
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<_, _>>()?;
    tables.insert(E::default().table_name().to_owned(), rows);
    Ok(())
}

/// Reads every table inside one read-only transaction: one snapshot, even while the server runs.
pub async fn take(db: &DatabaseConnection) -> anyhow::Result<Backup> {
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    let mut tables = BTreeMap::new();
    macro_rules! dump_each {
        ($($table:ident),*) => { $( dump::<$table::Entity>(&txn, &mut tables).await?; )* };
    }
    every_table!(dump_each);
    txn.commit().await?;
    Ok(Backup {
        format: FORMAT.to_owned(),
        version: VERSION,
        created_at: Utc::now(),
        schema: latest_migration(),
        tables,
    })
}

/// Writes a backup of `db` to `path`, readable by its owner only: it holds password hashes and
/// e-mail addresses.
pub async fn write(db: &DatabaseConnection, path: &Path) -> anyhow::Result<Backup> {
    let backup = take(db).await?;
    let file = owner_only_file(path).with_context(|| format!("creating {}", path.display()))?;
    serde_json::to_writer(std::io::BufWriter::new(file), &backup)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(backup)
}

#[cfg(unix)]
fn owner_only_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // The mode above applies only to a new file; an existing one is narrowed here.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

#[cfg(not(unix))]
fn owner_only_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::create(path)
}

pub fn read(path: &Path) -> anyhow::Result<Backup> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let backup: Backup = serde_json::from_reader(std::io::BufReader::new(file))
        .with_context(|| format!("{} is not a backup file", path.display()))?;
    if backup.format != FORMAT || backup.version != VERSION {
        bail!("{} is not a backup this version can read", path.display());
    }
    Ok(backup)
}

async fn count<E>(db: &impl ConnectionTrait) -> anyhow::Result<u64>
where
    E: EntityTrait,
    E::Model: Sync,
{
    Ok(E::find().count(db).await?)
}

/// Rows the organisation entered; the balance table alone is seeded by the migrations.
async fn holds_data(db: &impl ConnectionTrait) -> anyhow::Result<bool> {
    let counts = [
        count::<user::Entity>(db).await?,
        count::<donation::Entity>(db).await?,
        count::<distribution::Entity>(db).await?,
        count::<greeting_user::Entity>(db).await?,
        count::<product::Entity>(db).await?,
        count::<order::Entity>(db).await?,
    ];
    Ok(counts.iter().any(|rows| *rows > 0))
}

async fn load<E>(
    db: &impl ConnectionTrait,
    tables: &BTreeMap<String, Vec<Value>>,
) -> anyhow::Result<()>
where
    E: EntityTrait + Default,
    E::Model: DeserializeOwned + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let name = E::default().table_name().to_owned();
    let rows = tables.get(&name).map(Vec::as_slice).unwrap_or_default();
    for chunk in rows.chunks(CHUNK) {
        let models = chunk
            .iter()
            .map(|row| {
                let model: E::Model = serde_json::from_value(row.clone())
                    .with_context(|| format!("a row of {name} does not fit the schema"))?;
                Ok(model.into_active_model().reset_all())
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        E::insert_many(models)
            .exec_without_returning(db)
            .await
            .with_context(|| format!("loading the rows of {name}"))?;
    }
    Ok(())
}

/// PostgreSQL's id sequences do not follow explicitly inserted ids; move them past the largest.
async fn reset_sequences(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    macro_rules! serial_tables {
        ($($table:ident),*) => {
            [$( (
                $table::Entity.table_name(),
                <$table::PrimaryKey as PrimaryKeyTrait>::auto_increment(),
            ) ),*]
        };
    }
    for (table, serial) in every_table!(serial_tables) {
        if serial {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
            ))
            .await?;
        }
    }
    Ok(())
}

/// Loads `backup` into `db` (migrated to the same schema) in one transaction. A database that
/// already holds data is refused unless `force`, which replaces it.
pub async fn restore(db: &DatabaseConnection, backup: &Backup, force: bool) -> anyhow::Result<()> {
    if backup.schema != latest_migration() {
        bail!(
            "the backup's schema is {} but this server's is {}; restore it with the version that made it",
            backup.schema,
            latest_migration()
        );
    }
    let txn = db.begin().await?;
    if holds_data(&txn).await? && !force {
        bail!("the database already holds data; pass --force to replace it");
    }
    macro_rules! names {
        ($($table:ident),*) => { [$( $table::Entity.table_name() ),*] };
    }
    for table in every_table!(names).iter().rev() {
        txn.execute_unprepared(&format!("DELETE FROM {table}"))
            .await
            .with_context(|| format!("clearing {table}"))?;
    }
    let tables = &backup.tables;
    macro_rules! load_each {
        ($($table:ident),*) => { $( load::<$table::Entity>(&txn, tables).await?; )* };
    }
    every_table!(load_each);
    // The reports' totals are not in the file: they follow from the records loaded here.
    aggregates::rebuild(&txn).await?;
    // Sessions of the backup's time must not come back to life: everyone signs in again.
    session::Entity::delete_many().exec(&txn).await?;
    reset_sequences(&txn).await?;
    txn.commit().await?;
    Ok(())
}
