//! Copies each placed order to object storage, from the outbox the checkout wrote it to.
//!
//! The checkout only inserts an outbox row in its own transaction; this worker writes the
//! documents afterwards and marks them done. A storage outage therefore never fails or delays a
//! checkout: the entry stays pending, with the error and the number of attempts recorded, and is
//! written on a later run.

use std::sync::Arc;
use std::time::Duration;

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use tokio::sync::Notify;

use crate::clock::now;
use crate::entities::archive_outbox;
use crate::{lease, random};

/// The lease row that lets one instance at a time write the archive.
const LEASE: &str = "order-archive";

/// How often pending entries are retried when nothing nudges the worker.
const INTERVAL: Duration = Duration::from_secs(2);
/// Entries written per run, so that one run after a long outage stays short.
const BATCH: u64 = 100;

/// The order archive: where documents go, and the signal that new ones are waiting.
#[derive(Clone)]
pub struct Archive {
    store: Arc<dyn ObjectStore>,
    wake: Arc<Notify>,
}

impl Archive {
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self {
            store,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Tells the worker that a new entry is waiting, so it runs now rather than at the next tick.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Writes pending entries whenever nudged, and every [`INTERVAL`] regardless. Each pass
    /// holds the archive's lease, so with several instances one writes at a time.
    pub async fn run(self, db: DatabaseConnection) {
        let holder = match random::token() {
            Ok(holder) => holder,
            Err(error) => {
                tracing::error!(error = %error, "the order archive cannot start");
                return;
            }
        };
        if let Err(error) = lease::ensure_rows(&db, &[LEASE]).await {
            tracing::error!(error = %error, "the order archive cannot start");
            return;
        }
        loop {
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(INTERVAL) => {}
            }
            if let Err(error) = self.pass(&db, &holder).await {
                tracing::error!(error = ?error, "reading the order archive outbox failed");
            }
        }
    }

    async fn pass(&self, db: &DatabaseConnection, holder: &str) -> Result<(), DbErr> {
        if !lease::acquire(db, LEASE, holder).await? {
            return Ok(());
        }
        let processed = process_pending(db, self.store.as_ref()).await;
        lease::release(db, LEASE, holder).await?;
        processed.map(drop)
    }
}

/// What one run of the outbox did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Processed {
    pub written: usize,
    pub failed: usize,
}

/// Writes every pending outbox entry (oldest first, up to a batch) to `store` and marks it done;
/// a failed write stays pending with its error recorded. Were an entry written twice (a pass
/// outliving its lease), the document and its path are the same, so the second write changes
/// nothing.
pub async fn process_pending(
    db: &DatabaseConnection,
    store: &dyn ObjectStore,
) -> Result<Processed, DbErr> {
    let pending = archive_outbox::Entity::find()
        .filter(archive_outbox::Column::DoneAt.is_null())
        .order_by_asc(archive_outbox::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut processed = Processed::default();
    for entry in pending {
        let location = Path::from(entry.path.as_str());
        let update = archive_outbox::Entity::update_many()
            .col_expr(
                archive_outbox::Column::Attempts,
                Expr::col(archive_outbox::Column::Attempts).add(1),
            )
            .filter(archive_outbox::Column::Id.eq(entry.id));
        match store.put(&location, PutPayload::from(entry.body)).await {
            Ok(_) => {
                update
                    .col_expr(archive_outbox::Column::DoneAt, Expr::value(now()))
                    .col_expr(
                        archive_outbox::Column::LastError,
                        Expr::value(Option::<String>::None),
                    )
                    .exec(db)
                    .await?;
                processed.written += 1;
            }
            Err(error) => {
                tracing::warn!(order_id = entry.order_id, path = %entry.path, error = %error, "archiving an order failed; will retry");
                update
                    .col_expr(
                        archive_outbox::Column::LastError,
                        Expr::value(error.to_string()),
                    )
                    .exec(db)
                    .await?;
                processed.failed += 1;
            }
        }
    }
    Ok(processed)
}
