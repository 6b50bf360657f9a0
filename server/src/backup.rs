//! `server backup` and `server restore`: every table in one portable JSON document, taken from one
//! consistent snapshot, loadable into SQLite or PostgreSQL alike. Moving from SQLite to PostgreSQL is
//! a backup from one and a restore into the other.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use sea_orm::{
    AccessMode, ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    IntoActiveModel, IsolationLevel, PaginatorTrait, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::entities::{
    archive_outbox, cart_item, distribution, donation, greeting_user, order, order_item, product,
    session, stock, user,
};
use crate::migration::Migrator;

const FORMAT: &str = "community-hub-backup";
const VERSION: u32 = 1;

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
    dump::<user::Entity>(&txn, &mut tables).await?;
    dump::<session::Entity>(&txn, &mut tables).await?;
    dump::<donation::Entity>(&txn, &mut tables).await?;
    dump::<distribution::Entity>(&txn, &mut tables).await?;
    dump::<stock::Entity>(&txn, &mut tables).await?;
    dump::<greeting_user::Entity>(&txn, &mut tables).await?;
    dump::<product::Entity>(&txn, &mut tables).await?;
    dump::<cart_item::Entity>(&txn, &mut tables).await?;
    dump::<order::Entity>(&txn, &mut tables).await?;
    dump::<order_item::Entity>(&txn, &mut tables).await?;
    dump::<archive_outbox::Entity>(&txn, &mut tables).await?;
    txn.commit().await?;
    Ok(Backup {
        format: FORMAT.to_owned(),
        version: VERSION,
        created_at: Utc::now(),
        schema: latest_migration(),
        tables,
    })
}

/// Writes a backup of `db` to `path`.
pub async fn write(db: &DatabaseConnection, path: &Path) -> anyhow::Result<Backup> {
    let backup = take(db).await?;
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    serde_json::to_writer(std::io::BufWriter::new(file), &backup)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(backup)
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

/// Rows the organisation entered; the stock table alone is seeded by the migrations.
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

async fn clear<E: EntityTrait>(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    E::delete_many().exec(db).await?;
    Ok(())
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
    for table in [
        "users",
        "donations",
        "distributions",
        "products",
        "cart_items",
        "orders",
        "order_items",
        "archive_outbox",
    ] {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
        ))
        .await?;
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
    clear::<archive_outbox::Entity>(&txn).await?;
    clear::<order_item::Entity>(&txn).await?;
    clear::<order::Entity>(&txn).await?;
    clear::<cart_item::Entity>(&txn).await?;
    clear::<product::Entity>(&txn).await?;
    clear::<greeting_user::Entity>(&txn).await?;
    clear::<stock::Entity>(&txn).await?;
    clear::<distribution::Entity>(&txn).await?;
    clear::<donation::Entity>(&txn).await?;
    clear::<session::Entity>(&txn).await?;
    clear::<user::Entity>(&txn).await?;

    let tables = &backup.tables;
    load::<user::Entity>(&txn, tables).await?;
    load::<session::Entity>(&txn, tables).await?;
    load::<donation::Entity>(&txn, tables).await?;
    load::<distribution::Entity>(&txn, tables).await?;
    load::<stock::Entity>(&txn, tables).await?;
    load::<greeting_user::Entity>(&txn, tables).await?;
    load::<product::Entity>(&txn, tables).await?;
    load::<cart_item::Entity>(&txn, tables).await?;
    load::<order::Entity>(&txn, tables).await?;
    load::<order_item::Entity>(&txn, tables).await?;
    load::<archive_outbox::Entity>(&txn, tables).await?;
    reset_sequences(&txn).await?;
    txn.commit().await?;
    Ok(())
}
