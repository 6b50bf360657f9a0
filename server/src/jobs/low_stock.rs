//! Sends the low-stock notifications the stock changes queued (see `services::low_stock`). It
//! lives beside the jobs because the notification channels are theirs; services only queue.

use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::notify::Notifier;
use crate::services::low_stock;

/// How often the queue is read. A crossing is rare and the read is one indexed query, so a short
/// interval costs little and keeps the notification close to the change.
const INTERVAL: Duration = Duration::from_secs(1);

/// Sends queued alerts, oldest first, for as long as the server runs.
pub async fn run(db: DatabaseConnection, notifier: Notifier) {
    loop {
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
