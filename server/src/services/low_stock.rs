//! Low stock: thresholds per kind and per product, and one notification each time a stock falls
//! below its threshold.
//!
//! Every write that changes a stock calls [`kind_changed`] or [`product_changed`] in its own
//! transaction, after the stock itself changed. The item's `alerted` flag is set only when it was
//! clear and the stock is now low or out: for a kind, by one conditional `UPDATE`, whose changed
//! row is the proof that this write is the one that crossed; for a product, from the row the
//! write itself returned, flag included. Two writes that cross together are serialised by the
//! stock row they both changed first (a row lock on PostgreSQL, the write lock on SQLite), so the
//! second finds the flag already set and queues nothing. The flag is cleared again once the stock
//! is back at or above the threshold, so the next dip is notified.
//!
//! The notification itself is only queued here, as a row in `stock_alerts` that commits with the
//! change; a worker beside the scheduled jobs sends it (see `jobs::low_stock`). A refused write
//! therefore never notifies, and a slow webhook never holds a transaction open.

use app::Quantity;
use app::ledger::Kind;
use app::stock::{KindThreshold, StockAlert, StockState, stock_state};
use chrono::TimeDelta;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::audit::{self, Actor, Event};
use super::balance::balance;
use crate::clock::now;
use crate::database;
use crate::entities::{balance as stock, product, stock_alert, stock_threshold};

/// The threshold, balance and state of every kind, in [`Kind::ALL`] order.
pub async fn kind_thresholds(db: &impl ConnectionTrait) -> Result<Vec<KindThreshold>, DbErr> {
    let thresholds = stock_threshold::Entity::find().all(db).await?;
    let balances = stock::Entity::find().all(db).await?;
    Ok(Kind::ALL
        .into_iter()
        .map(|kind| {
            let threshold = thresholds
                .iter()
                .find(|row| row.kind == kind.as_str())
                .map(|row| Quantity::from_hundredths(row.threshold));
            let balance = Quantity::from_hundredths(
                balances
                    .iter()
                    .find(|row| row.kind == kind.as_str())
                    .map_or(0, |row| row.balance),
            );
            KindThreshold {
                kind,
                threshold,
                balance,
                state: stock_state(balance, threshold),
            }
        })
        .collect())
}

/// Sets or, with `None`, removes a kind's threshold; the change is kept in the history. If the
/// balance is already below the new threshold, that is a crossing like any other.
pub async fn set_kind_threshold(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: Kind,
    threshold: Option<Quantity>,
) -> Result<KindThreshold, DbErr> {
    let txn = database::write(db).await?;
    // Takes the kind's stock row lock first, as every ledger write does, so a write of this kind
    // cannot slip between the threshold changing and the check below.
    stock::Entity::update_many()
        .col_expr(stock::Column::Balance, Expr::col(stock::Column::Balance))
        .filter(stock::Column::Kind.eq(kind.as_str()))
        .exec(&txn)
        .await?;
    let old = stock_threshold::Entity::find_by_id(kind.as_str())
        .one(&txn)
        .await?;
    match threshold {
        Some(threshold) => {
            let row = stock_threshold::ActiveModel {
                kind: Set(kind.as_str().to_owned()),
                threshold: Set(threshold.hundredths()),
                alerted: Set(false),
                updated_at: Set(now()),
            };
            stock_threshold::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(stock_threshold::Column::Kind)
                        .update_columns([
                            stock_threshold::Column::Threshold,
                            stock_threshold::Column::UpdatedAt,
                        ])
                        .to_owned(),
                )
                .exec(&txn)
                .await?;
            let new = stock_threshold::Entity::find_by_id(kind.as_str())
                .one(&txn)
                .await?
                .ok_or_else(|| DbErr::RecordNotFound("the threshold just written".into()))?;
            let event = match &old {
                Some(old) => Event::updated(old, &new),
                None => Event::created(&new),
            };
            audit::record(&txn, actor, event).await?;
            kind_changed(&txn, kind).await?;
        }
        None => {
            if let Some(old) = &old {
                stock_threshold::Entity::delete_by_id(kind.as_str())
                    .exec(&txn)
                    .await?;
                audit::record(&txn, actor, Event::deleted(old)).await?;
            }
        }
    }
    let row = kind_thresholds(&txn)
        .await?
        .into_iter()
        .find(|row| row.kind == kind)
        .ok_or_else(|| DbErr::RecordNotFound(format!("the {kind} row")))?;
    txn.commit().await?;
    Ok(row)
}

/// Notes a crossing or a recovery of `kind`'s threshold, in the transaction `txn` that has just
/// changed its balance (and so holds the balance's row lock until it commits).
pub async fn kind_changed(txn: &impl ConnectionTrait, kind: Kind) -> Result<(), DbErr> {
    let left = balance(txn, kind).await?;
    let mine = stock_threshold::Column::Kind.eq(kind.as_str());
    // The SQL form of `stock_state(left, threshold) != Ok`.
    let below = if left.is_positive() {
        stock_threshold::Column::Threshold.gt(left.hundredths())
    } else {
        Expr::value(true)
    };
    let crossed = stock_threshold::Entity::update_many()
        .col_expr(stock_threshold::Column::Alerted, Expr::value(true))
        .filter(mine.clone())
        .filter(stock_threshold::Column::Alerted.eq(false))
        .filter(below.clone())
        .exec(txn)
        .await?
        .rows_affected
        == 1;
    if crossed {
        let threshold = stock_threshold::Entity::find_by_id(kind.as_str())
            .one(txn)
            .await?
            .map_or(Quantity::ZERO, |row| {
                Quantity::from_hundredths(row.threshold)
            });
        let unit = kind.unit();
        let alert = StockAlert::new(
            kind.as_str().to_owned(),
            kind.label().to_owned(),
            format!("{left} {unit}"),
            format!("{threshold} {unit}"),
            stock_state(left, Some(threshold)),
        );
        return queue(txn, &alert).await;
    }
    stock_threshold::Entity::update_many()
        .col_expr(stock_threshold::Column::Alerted, Expr::value(false))
        .filter(mine)
        .filter(stock_threshold::Column::Alerted.eq(true))
        .filter(below.not())
        .exec(txn)
        .await?;
    Ok(())
}

/// Notes a crossing or a recovery of `product`'s threshold. `product` is its row as the
/// transaction `txn` has just written it, returned by that write, so `txn` holds its row lock
/// until it commits and the flag it carries is current: only a change of state costs a
/// statement.
pub async fn product_changed(
    txn: &impl ConnectionTrait,
    product: &product::Model,
) -> Result<(), DbErr> {
    let state = stock_state(product.stock, product.low_stock_threshold);
    let low = product.low_stock_threshold.is_some() && state != StockState::Ok;
    if low == product.low_stock_alerted {
        return Ok(());
    }
    product::Entity::update_many()
        .col_expr(product::Column::LowStockAlerted, Expr::value(low))
        .filter(product::Column::Id.eq(product.id))
        .exec(txn)
        .await?;
    if !low {
        return Ok(());
    }
    let alert = StockAlert::new(
        format!("product:{}", product.id),
        product.name.clone(),
        product.stock.to_string(),
        product.low_stock_threshold.unwrap_or_default().to_string(),
        state,
    );
    queue(txn, &alert).await
}

async fn queue(txn: &impl ConnectionTrait, alert: &StockAlert) -> Result<(), DbErr> {
    let body = serde_json::to_string(alert)
        .map_err(|error| DbErr::Custom(format!("writing a stock alert as JSON: {error}")))?;
    stock_alert::ActiveModel {
        body: Set(body),
        created_at: Set(now()),
        sent_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// How many queued alerts one call of [`take_pending`] returns at most.
const BATCH: u64 = 100;

/// Takes the oldest alerts not yet sent and marks them sent, oldest first. Each is claimed by its
/// own conditional `UPDATE`, so of several instances draining the queue only one gets each alert.
/// An alert is marked before it is sent, not after: a notification is worth at most one delivery
/// attempt, like a job's report, and a crash between the two loses it rather than repeats it.
pub async fn take_pending(db: &DatabaseConnection) -> Result<Vec<StockAlert>, DbErr> {
    let pending = stock_alert::Entity::find()
        .filter(stock_alert::Column::SentAt.is_null())
        .order_by_asc(stock_alert::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut taken = Vec::with_capacity(pending.len());
    for entry in pending {
        let claimed = stock_alert::Entity::update_many()
            .col_expr(stock_alert::Column::SentAt, Expr::value(now()))
            .filter(stock_alert::Column::Id.eq(entry.id))
            .filter(stock_alert::Column::SentAt.is_null())
            .exec(db)
            .await?
            .rows_affected
            == 1;
        if !claimed {
            continue;
        }
        match serde_json::from_str(&entry.body) {
            Ok(alert) => taken.push(alert),
            Err(error) => {
                tracing::error!(id = entry.id, %error, "a queued stock alert is not readable");
            }
        }
    }
    Ok(taken)
}

/// How long a sent alert is kept, for looking into a notification that went astray.
pub const KEEP_SENT: TimeDelta = TimeDelta::days(30);

/// Deletes the alerts sent longer ago than [`KEEP_SENT`], so the queue does not grow for ever.
/// Returns how many went.
pub async fn forget_sent(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let deleted = stock_alert::Entity::delete_many()
        .filter(stock_alert::Column::SentAt.lt(now() - KEEP_SENT))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
