//! US COVID-19 figures per day, as loaded by the `covid-etl` job.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::date::check_range;
use crate::error::{Checker, FieldErrors};

/// Cumulative US figures on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyFigures {
    #[serde(with = "crate::date::day")]
    pub date: NaiveDate,
    pub cases: i64,
    pub deaths: i64,
    /// Missing when the source left it blank.
    pub recovered: Option<i64>,
}

/// Query of the daily figures: an inclusive date range, open at either end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DailyQuery {
    #[serde(
        default,
        with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub from: Option<NaiveDate>,
    /// On or after `from`.
    #[serde(
        default,
        with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub to: Option<NaiveDate>,
}

impl DailyQuery {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        check_range(&mut checker, self.from, self.to);
        checker.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_that_ends_before_it_starts_is_refused() {
        let day = |d| NaiveDate::from_ymd_opt(2020, 3, d).unwrap();
        let query = |from, to| DailyQuery {
            from: Some(day(from)),
            to: Some(day(to)),
        };
        assert!(query(1, 1).validate().is_ok());
        assert!(query(2, 1).validate().unwrap_err().contains_key("to"));
        assert!(DailyQuery::default().validate().is_ok());
    }
}
