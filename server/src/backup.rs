//! `server backup` and `server restore`: every table in one portable file of JSON lines, taken from
//! one consistent snapshot, loadable into SQLite or PostgreSQL alike. Moving from SQLite to PostgreSQL is
//! a backup from one and a restore into the other.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    EntityName, EntityTrait, IntoActiveModel, Iterable, PaginatorTrait, PrimaryKeyToColumn,
    PrimaryKeyTrait, QueryOrder,
};
use sea_orm_migration::MigratorTrait;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::database;
use crate::entities::{
    archive_outbox, audit_event, balance, cart_item, covid_daily, data_report, distribution,
    donation, greeting_user, job_run, job_state, order, order_item, organisation_settings, product,
    session, source_version, stock_alert, stock_threshold, user,
};
use crate::migration::{Migrator, history_guard};
use crate::services::aggregates;

const FORMAT: &str = "community-hub-backup";
/// 2: gzip-compressed JSON lines, written and read a row at a time. 1 was one JSON document.
const VERSION: u32 = 2;

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
            stock_threshold,
            organisation_settings,
            greeting_user,
            product,
            cart_item,
            order,
            order_item,
            archive_outbox,
            stock_alert,
            job_state,
            job_run,
            source_version,
            covid_daily,
            data_report,
            audit_event
        )
    };
}

/// Rows per `INSERT`, well under SQLite's limit on bound parameters; also the most rows a
/// restore holds in memory at once.
const CHUNK: usize = 200;

/// Rows a backup reads at once: large enough that each read is cheap per row, small enough to
/// keep memory flat.
const PAGE: u64 = 5_000;

/// The first line of a backup file.
#[derive(Debug, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub created_at: DateTime<Utc>,
    /// The newest migration of the schema the rows belong to.
    pub schema: String,
}

/// What a backup holds or a restore loaded.
#[derive(Debug)]
pub struct Summary {
    pub created_at: DateTime<Utc>,
    pub tables: usize,
    pub rows: u64,
}

fn latest_migration() -> String {
    Migrator::migrations()
        .last()
        .map(|migration| migration.name().to_owned())
        .unwrap_or_default()
}

/// Writes one line of JSON.
fn write_line(out: &mut impl Write, value: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes the rows of `E`, a page at a time in primary-key order: a line with the table's name,
/// then a line per row. Pages rather than one stream of rows: SQLite hands a streamed row from
/// its worker thread to the reader one at a time, and the two threads waking each other for
/// every row took most of a large backup's time.
async fn dump<E>(db: &DatabaseTransaction, out: &mut impl Write) -> anyhow::Result<u64>
where
    E: EntityTrait + Default,
    E::Model: Serialize + Sync,
{
    write_line(out, &E::default().table_name())?;
    let mut query = E::find();
    for key in E::PrimaryKey::iter() {
        query = query.order_by_asc(key.into_column());
    }
    let mut pages = query.paginate(db, PAGE);
    let mut written = 0;
    while let Some(rows) = pages.fetch_and_next().await? {
        for row in &rows {
            write_line(out, row)?;
        }
        written += rows.len() as u64;
    }
    Ok(written)
}

/// Writes a backup of `db` to `path`: every table read inside one read-only transaction, so one
/// snapshot even while the server runs, streamed to a gzip-compressed file of JSON lines with
/// memory that does not grow with the data. The file is readable by its owner only (it holds
/// password hashes and e-mail addresses), and its last line counts the rows, so a file cut short
/// is told from a whole one.
pub async fn write(db: &DatabaseConnection, path: &Path) -> anyhow::Result<Summary> {
    let file = owner_only_file(path).with_context(|| format!("creating {}", path.display()))?;
    // Rows arrive as many small writes; the buffer hands the compressor large blocks, as
    // compressing each write on its own costs ten times as much.
    let mut out = BufWriter::with_capacity(
        1 << 16,
        GzEncoder::new(BufWriter::new(file), Compression::fast()),
    );
    let txn = database::snapshot(db).await?;
    let header = Header {
        format: FORMAT.to_owned(),
        version: VERSION,
        created_at: Utc::now(),
        schema: latest_migration(),
    };
    write_line(&mut out, &header)?;
    let mut rows = 0;
    let mut tables = 0;
    macro_rules! dump_each {
        ($($table:ident),*) => { $(
            rows += dump::<$table::Entity>(&txn, &mut out).await?;
            tables += 1;
        )* };
    }
    every_table!(dump_each);
    txn.commit().await?;
    write_line(&mut out, &rows)?;
    out.into_inner()
        .map_err(std::io::IntoInnerError::into_error)?
        .finish()?
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?
        .sync_all()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(Summary {
        created_at: header.created_at,
        tables,
        rows,
    })
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

/// Inserts `rows` of the table `name` into `db`.
async fn load<E>(db: &impl ConnectionTrait, name: &str, rows: &[Value]) -> anyhow::Result<()>
where
    E: EntityTrait + Default,
    E::Model: DeserializeOwned + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    if rows.is_empty() {
        return Ok(());
    }
    let models = rows
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
    Ok(())
}

/// Inserts `rows` into the table called `name`.
async fn load_into(db: &impl ConnectionTrait, name: &str, rows: &[Value]) -> anyhow::Result<()> {
    macro_rules! dispatch {
        ($($table:ident),*) => {
            match name {
                $( _ if name == $table::Entity.table_name() => load::<$table::Entity>(db, name, rows).await, )*
                _ => bail!("the backup has a table this version does not know: {name}"),
            }
        };
    }
    every_table!(dispatch)
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

/// One line of a backup file after the header.
#[derive(Deserialize)]
#[serde(untagged)]
enum Line {
    /// The rows that follow belong to this table.
    Table(String),
    Row(serde_json::Map<String, Value>),
    /// The end: how many rows the file holds.
    End(u64),
}

/// Loads the backup file at `path` into `db` (migrated to the same schema) in one transaction,
/// reading it a line at a time: all of it, or, when anything is wrong with it (a row that does not
/// fit, a file cut short), nothing. A database that already holds data is refused unless `force`,
/// which replaces it.
pub async fn restore(db: &DatabaseConnection, path: &Path, force: bool) -> anyhow::Result<Summary> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut lines = BufReader::new(GzDecoder::new(BufReader::new(file))).lines();
    let not_a_backup = || format!("{} is not a backup file", path.display());
    let first = lines
        .next()
        .with_context(not_a_backup)?
        .with_context(not_a_backup)?;
    let header: Header = serde_json::from_str(&first).with_context(not_a_backup)?;
    if header.format != FORMAT || header.version != VERSION {
        bail!("{} is not a backup this version can read", path.display());
    }
    if header.schema != latest_migration() {
        bail!(
            "the backup's schema is {} but this server's is {}; restore it with the version that made it",
            header.schema,
            latest_migration()
        );
    }
    macro_rules! names {
        ($($table:ident),*) => { [$( $table::Entity.table_name() ),*] };
    }
    let tables = every_table!(names);
    let txn = database::write(db).await?;
    // SQLite's write transaction already keeps every other writer out. On PostgreSQL a server
    // running beside the restore (its scheduler, a request) could otherwise add a row between
    // the clearing and the loading, and the backup's own row would then collide with it.
    if db.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!(
            "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
            tables.join(", ")
        ))
        .await
        .context("locking the tables a restore replaces")?;
    }
    if holds_data(&txn).await? && !force {
        bail!("the database already holds data; pass --force to replace it");
    }
    // The history is append-only, but a restore replaces it with the backup's: the guard is
    // lifted for this transaction only, and a failed restore rolls the lifting back too.
    history_guard::off(&txn).await?;
    for table in tables.iter().rev() {
        txn.execute_unprepared(&format!("DELETE FROM {table}"))
            .await
            .with_context(|| format!("clearing {table}"))?;
    }
    let mut table: Option<String> = None;
    let mut chunk = Vec::with_capacity(CHUNK);
    let (mut rows, mut tables) = (0, 0);
    let mut ended = None;
    for (number, line) in lines.enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        let parsed: Line = serde_json::from_str(&line).with_context(|| {
            format!("line {} of {} is not readable", number + 2, path.display())
        })?;
        if ended.is_some() {
            bail!("{} goes on past its end", path.display());
        }
        match parsed {
            Line::Table(next) => {
                if let Some(name) = &table {
                    load_into(&txn, name, &chunk).await?;
                }
                chunk.clear();
                table = Some(next);
                tables += 1;
            }
            Line::Row(row) => {
                let name = table.as_deref().with_context(not_a_backup)?;
                chunk.push(Value::Object(row));
                rows += 1;
                if chunk.len() == CHUNK {
                    load_into(&txn, name, &chunk).await?;
                    chunk.clear();
                }
            }
            Line::End(count) => ended = Some(count),
        }
    }
    match ended {
        Some(count) if count == rows => {}
        Some(count) => bail!(
            "{} says it holds {count} rows but has {rows}",
            path.display()
        ),
        None => bail!(
            "{} ends early: it was cut short, so nothing was restored",
            path.display()
        ),
    }
    if let Some(name) = &table {
        load_into(&txn, name, &chunk).await?;
    }
    history_guard::on(&txn).await?;
    // The reports' totals are not in the file: they follow from the records loaded here.
    aggregates::rebuild(&txn).await?;
    // Sessions of the backup's time must not come back to life: everyone signs in again.
    session::Entity::delete_many().exec(&txn).await?;
    reset_sequences(&txn).await?;
    txn.commit().await?;
    Ok(Summary {
        created_at: header.created_at,
        tables,
        rows,
    })
}
