//! US COVID-19 figures per day, as loaded by the `covid-etl` job.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Cumulative US figures on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyFigures {
    pub date: NaiveDate,
    pub cases: i64,
    pub deaths: i64,
    /// Missing when the source left it blank.
    pub recovered: Option<i64>,
}

/// Query of the daily figures: an inclusive date range, open at either end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}
