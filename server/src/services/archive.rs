//! Copies each placed order to object storage, from the outbox the checkout wrote it to.
//!
//! The checkout only inserts an outbox row in its own transaction; this worker writes the
//! documents afterwards and marks them done. A storage outage therefore never fails or delays a
//! checkout: the entry stays pending, with the error and the number of attempts recorded, and is
//! written on a later run.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, stream};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use tokio::sync::Notify;

use crate::clock::now;
use crate::entities::archive_outbox;
use crate::{lease, metrics};

/// The lease row that lets one instance at a time write the archive.
const LEASE: &str = "order-archive";

/// How often pending entries are retried when nothing nudges the worker.
const INTERVAL: Duration = Duration::from_secs(2);
/// Entries read, written and marked done together, so the bookkeeping is one write per batch
/// rather than one per order.
const BATCH: usize = 500;
/// Documents written at once: an object store takes tens of milliseconds per write, so writing
/// in parallel is what lets the archive keep pace with checkout.
const CONCURRENT_WRITES: usize = 32;

/// The order archive: where documents go, and the signal that new ones are waiting.
#[derive(Clone)]
pub struct Archive {
    store: Arc<dyn ObjectStore>,
    wake: Arc<Notify>,
    holder: String,
}

impl Archive {
    /// `instance` names this instance the same way across restarts (see [`Archive::run`]).
    pub fn new(store: Arc<dyn ObjectStore>, instance: &str) -> Self {
        Self {
            store,
            wake: Arc::new(Notify::new()),
            holder: format!("{instance}/archive"),
        }
    }

    /// Tells the worker that a new entry is waiting, so it runs now rather than at the next tick.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Writes pending entries at start, whenever nudged, and every [`INTERVAL`] regardless. Each pass
    /// holds the archive's lease, so with several instances one writes at a time. The lease is
    /// held in the instance's name, not the process's: an instance restarted after a crash takes
    /// its own lease back at once instead of waiting for it to expire.
    pub async fn run(self, db: DatabaseConnection) {
        if let Err(error) = lease::ensure_rows(&db, &[LEASE]).await {
            tracing::error!(error = %error, "the order archive cannot start");
            return;
        }
        loop {
            if let Err(error) = self.pass(&db).await {
                tracing::error!(error = ?error, "reading the order archive outbox failed");
            }
            match backlog(&db).await {
                Ok((waiting, oldest)) => metrics::record_archive_backlog(waiting, oldest),
                Err(error) => tracing::warn!(%error, "measuring the order archive backlog failed"),
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(INTERVAL) => {}
            }
        }
    }

    /// Writes batches until the outbox is empty, a write fails (the rest waits for the next
    /// pass, so a storage outage is not retried in a tight loop) or the lease is lost.
    async fn pass(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        if !lease::acquire(db, LEASE, &self.holder).await? {
            return Ok(());
        }
        let drained = async {
            loop {
                let processed = process_pending(db, self.store.as_ref()).await?;
                if processed.written + processed.failed < BATCH
                    || processed.failed > 0
                    || !lease::renew(db, LEASE, &self.holder).await?
                {
                    return Ok(());
                }
            }
        }
        .await;
        lease::release(db, LEASE, &self.holder).await?;
        drained
    }
}

/// What one run of the outbox did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Processed {
    pub written: usize,
    pub failed: usize,
}

/// Writes the oldest pending outbox entries, a batch of them at once, to `store` and marks those
/// written done in one update; a failed write stays pending with its error recorded. Were an
/// entry written twice (a pass outliving its lease), the document and its path are the same, so
/// the second write changes nothing.
pub async fn process_pending(
    db: &DatabaseConnection,
    store: &dyn ObjectStore,
) -> Result<Processed, DbErr> {
    let pending = archive_outbox::Entity::find()
        .filter(archive_outbox::Column::DoneAt.is_null())
        .order_by_asc(archive_outbox::Column::Id)
        .limit(BATCH as u64)
        .all(db)
        .await?;
    let outcomes: Vec<_> = stream::iter(pending)
        .map(|entry| async move {
            let location = Path::from(entry.path.as_str());
            let written = store.put(&location, PutPayload::from(entry.body)).await;
            (entry.id, entry.order_id, entry.path, written)
        })
        .buffer_unordered(CONCURRENT_WRITES)
        .collect()
        .await;
    let attempted = |ids: Vec<i32>| {
        archive_outbox::Entity::update_many()
            .col_expr(
                archive_outbox::Column::Attempts,
                Expr::col(archive_outbox::Column::Attempts).add(1),
            )
            .filter(archive_outbox::Column::Id.is_in(ids))
    };
    let mut processed = Processed::default();
    let mut done = Vec::new();
    for (id, order_id, path, written) in outcomes {
        match written {
            Ok(_) => done.push(id),
            Err(error) => {
                tracing::warn!(order_id, path = %path, error = %error, "archiving an order failed; will retry");
                // Another run may have written it meanwhile (an instance that took over the
                // lease); a failure reported late must not mark a finished entry as failing.
                attempted(vec![id])
                    .col_expr(
                        archive_outbox::Column::LastError,
                        Expr::value(error.to_string()),
                    )
                    .filter(archive_outbox::Column::DoneAt.is_null())
                    .exec(db)
                    .await?;
                processed.failed += 1;
            }
        }
    }
    processed.written = done.len();
    if !done.is_empty() {
        attempted(done)
            .col_expr(archive_outbox::Column::DoneAt, Expr::value(now()))
            .col_expr(
                archive_outbox::Column::LastError,
                Expr::value(Option::<String>::None),
            )
            .exec(db)
            .await?;
    }
    Ok(processed)
}

/// How many documents wait to be archived, and how long the oldest has waited. Every instance
/// reports it, whichever holds the lease, so the figure survives the loss of any one.
pub async fn backlog(db: &DatabaseConnection) -> Result<(u64, Duration), DbErr> {
    let waiting = archive_outbox::Entity::find().filter(archive_outbox::Column::DoneAt.is_null());
    let count = waiting.clone().count(db).await?;
    let oldest = waiting
        .select_only()
        .column(archive_outbox::Column::CreatedAt)
        .order_by_asc(archive_outbox::Column::Id)
        .into_tuple::<chrono::DateTime<chrono::Utc>>()
        .one(db)
        .await?;
    let age = oldest
        .and_then(|created| (now() - created).to_std().ok())
        .unwrap_or_default();
    Ok((count, age))
}
