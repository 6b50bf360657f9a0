//! Sends the low-stock notifications the stock changes queued (see `services::low_stock`). It
//! lives beside the jobs because the notification channels are theirs; services only queue.

use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;

use super::notify::Notifier;
use crate::services::low_stock;

/// How often the queue is read. A crossing is rare and the read is one indexed query, so a short
/// interval costs little and keeps the notification close to the change.
const INTERVAL: Duration = Duration::from_secs(1);
/// How often alerts sent long ago are deleted.
const CLEAN_UP_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// Sends queued alerts, oldest first, for as long as the server runs, and now and then deletes
/// those sent long ago.
pub async fn run(db: DatabaseConnection, notifier: Notifier) {
    let mut cleaned = None::<Instant>;
    loop {
        if cleaned.is_none_or(|at| at.elapsed() >= CLEAN_UP_INTERVAL) {
            if let Err(error) = low_stock::forget_sent(&db).await {
                tracing::error!(%error, "deleting old low-stock alerts failed");
            }
            cleaned = Some(Instant::now());
        }
        match low_stock::take_pending(&db).await {
            Ok(alerts) => {
                for alert in &alerts {
                    notifier.send_stock_alert(alert).await;
                }
            }
            Err(error) => tracing::error!(%error, "reading the low-stock queue failed"),
        }
        tokio::time::sleep(INTERVAL).await;
    }
}
