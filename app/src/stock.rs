//! Low stock: the thresholds staff set per kind and per product, and the state a stock is in.

use serde::{Deserialize, Serialize};

use crate::error::{Checker, FieldErrors};
use crate::ledger::Kind;
use crate::quantity::{MAX_QUANTITY, Quantity};

/// How much of something is left, measured against its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum StockState {
    Ok,
    /// Below the threshold, but some left.
    Low,
    /// Nothing left.
    Out,
}

impl StockState {
    /// Its name in the API and in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            StockState::Ok => "ok",
            StockState::Low => "low",
            StockState::Out => "out",
        }
    }

    /// The words shown beside the stock, so the state never rests on colour alone.
    pub fn label(self) -> &'static str {
        match self {
            StockState::Ok => "In stock",
            StockState::Low => "Low",
            StockState::Out => "Out of stock",
        }
    }
}

/// The state of `stock` against `threshold`: out when nothing is left, low when below the
/// threshold. The one place this rule lives; the server's alerting `UPDATE`s repeat it in SQL
/// (see `services/stock_alerts.rs`), where it must be a single statement to be race-free.
pub fn stock_state<T: PartialOrd + Default>(stock: T, threshold: Option<T>) -> StockState {
    if stock <= T::default() {
        StockState::Out
    } else if threshold.is_some_and(|threshold| stock < threshold) {
        StockState::Low
    } else {
        StockState::Ok
    }
}

/// One kind's threshold, with its balance and state, as `GET /api/stock-thresholds` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindThreshold {
    pub kind: Kind,
    /// `null` when none is set: then only an empty stock counts, as out.
    pub threshold: Option<Quantity>,
    pub balance: Quantity,
    pub state: StockState,
}

/// Body of `PUT /api/stock-thresholds/{kind}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetThreshold {
    /// At or above 0, in the kind's unit; `null` removes the threshold. Required, so that an
    /// empty body cannot remove one by accident.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(
        feature = "openapi",
        schema(schema_with = crate::quantity::schema::threshold, required = true)
    )]
    pub threshold: Option<Quantity>,
}

impl SetThreshold {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        // A negative amount never gets this far: a quantity refuses it when it is read.
        if let Some(threshold) = self.threshold {
            checker.check(
                threshold <= MAX_QUANTITY,
                "threshold",
                "must be at most 1,000,000,000",
            );
        }
        checker.finish()
    }
}

/// What the notification channels receive when a stock falls below its threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAlert {
    /// Always `"low_stock"`, so a webhook receiver can tell it from a job's report.
    pub event: String,
    /// A kind of the ledger (`food`) or a product, as `product:<id>`.
    pub item: String,
    /// The name people know it by: "Food", or the product's name.
    pub name: String,
    pub state: StockState,
    pub stock: String,
    pub threshold: String,
    pub message: String,
}

impl StockAlert {
    pub const EVENT: &'static str = "low_stock";

    /// An alert for `name`, with `stock` left against `threshold`, both written as they display.
    pub fn new(
        item: String,
        name: String,
        stock: String,
        threshold: String,
        state: StockState,
    ) -> Self {
        let message = match state {
            StockState::Out => format!("{name} is out of stock (threshold {threshold})."),
            _ => format!("{name} is low: {stock} left, below the threshold of {threshold}."),
        };
        Self {
            event: Self::EVENT.to_owned(),
            item,
            name,
            state,
            stock,
            threshold,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        text.parse().unwrap()
    }

    #[test]
    fn nothing_left_is_out_whatever_the_threshold() {
        assert_eq!(stock_state(q("0"), None), StockState::Out);
        assert_eq!(stock_state(q("0"), Some(q("0"))), StockState::Out);
        assert_eq!(stock_state(0_i64, Some(5)), StockState::Out);
    }

    #[test]
    fn below_the_threshold_is_low_and_at_it_is_ok() {
        assert_eq!(stock_state(q("9.99"), Some(q("10"))), StockState::Low);
        assert_eq!(stock_state(q("10"), Some(q("10"))), StockState::Ok);
        assert_eq!(stock_state(q("0.01"), Some(q("10"))), StockState::Low);
        assert_eq!(stock_state(4_i64, Some(5)), StockState::Low);
    }

    #[test]
    fn without_a_threshold_any_stock_is_ok() {
        assert_eq!(stock_state(q("0.01"), None), StockState::Ok);
        assert_eq!(stock_state(1_i64, None), StockState::Ok);
    }

    #[test]
    fn a_threshold_must_not_be_negative_or_too_large() {
        let negative = serde_json::from_str::<SetThreshold>(r#"{"threshold":"-1"}"#);
        assert!(
            negative
                .unwrap_err()
                .to_string()
                .contains("must not be negative")
        );
        let over = SetThreshold {
            threshold: Some(Quantity::from_hundredths(100_000_000_001)),
        };
        assert!(over.validate().unwrap_err().contains_key("threshold"));
        assert!(SetThreshold { threshold: None }.validate().is_ok());
        assert!(serde_json::from_str::<SetThreshold>("{}").is_err());
        assert!(
            SetThreshold {
                threshold: Some(q("0"))
            }
            .validate()
            .is_ok()
        );
    }

    #[test]
    fn an_alert_says_what_is_low_in_words() {
        let alert = StockAlert::new(
            "food".to_owned(),
            "Food".to_owned(),
            "4.00".to_owned(),
            "10.00".to_owned(),
            StockState::Low,
        );
        assert_eq!(
            alert.message,
            "Food is low: 4.00 left, below the threshold of 10.00."
        );
        assert_eq!(alert.event, "low_stock");
    }
}
