//! The running balance per kind, adjusted only through conditional updates.

use std::collections::BTreeMap;

use app::Quantity;
use app::ledger::Kind;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::low_stock;
use crate::entities::balance;

/// Why a ledger change was refused.
#[derive(Debug, thiserror::Error)]
pub enum BalanceError {
    #[error("not enough {kind} in stock: {available} available")]
    Insufficient { kind: Kind, available: Quantity },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Net change of stock per kind, in hundredths, for one ledger write.
#[derive(Debug, Default)]
pub struct BalanceChange(BTreeMap<Kind, i64>);

impl BalanceChange {
    pub fn add(mut self, kind: Kind, hundredths: i64) -> Self {
        *self.0.entry(kind).or_default() += hundredths;
        self
    }

    /// Applies every change in kind order (a fixed lock order, so concurrent writers cannot
    /// deadlock). A decrease only happens when the balance covers it: one conditional `UPDATE`,
    /// atomic on SQLite and PostgreSQL alike, rather than a read followed by a write. Once all
    /// are applied, each changed kind is checked against its low-stock threshold here, so that no
    /// ledger write can skip the check.
    pub async fn apply(self, txn: &impl ConnectionTrait) -> Result<(), BalanceError> {
        let changed: Vec<(Kind, i64)> = self
            .0
            .into_iter()
            .filter(|(_, delta)| *delta != 0)
            .collect();
        for &(kind, delta) in &changed {
            let mut update = balance::Entity::update_many()
                .col_expr(
                    balance::Column::Balance,
                    Expr::col(balance::Column::Balance).add(delta),
                )
                .filter(balance::Column::Kind.eq(kind.as_str()));
            if delta < 0 {
                update = update.filter(balance::Column::Balance.gte(-delta));
            }
            if update.exec(txn).await?.rows_affected == 0 {
                return Err(BalanceError::Insufficient {
                    kind,
                    available: balance(txn, kind).await?,
                });
            }
        }
        for (kind, _) in changed {
            low_stock::kind_changed(txn, kind).await?;
        }
        Ok(())
    }
}

/// The current balance of one kind.
pub async fn balance(db: &impl ConnectionTrait, kind: Kind) -> Result<Quantity, DbErr> {
    let row = balance::Entity::find_by_id(kind.as_str()).one(db).await?;
    Ok(Quantity::from_hundredths(row.map_or(0, |row| row.balance)))
}
