//! The analysis report generated from the mirrored BLS and DataUSA files.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One stored version of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportVersion {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    /// The formats it can be downloaded in: `json`, `html`, `ipynb`.
    pub formats: Vec<String>,
}

/// The result of one analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataReport {
    pub generated_at: DateTime<Utc>,
    pub population: PopulationSummary,
    pub best_years: Vec<BestYear>,
    pub series: Vec<SeriesPopulation>,
}

/// US population: every year in the source, and statistics over a range of years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PopulationSummary {
    /// Every year in the source, oldest first.
    pub years: Vec<PopulationYear>,
    /// The inclusive range the statistics cover.
    pub first_year: i32,
    pub last_year: i32,
    /// Mean over the range, rounded to two decimal places.
    pub mean: Decimal,
    /// Sample standard deviation (n - 1) over the range, rounded to two decimal places.
    pub standard_deviation: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PopulationYear {
    pub year: i32,
    pub population: i64,
}

/// The year in which a series' quarterly values add up to the most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BestYear {
    pub series_id: String,
    pub year: i32,
    /// The sum of Q01-Q04 that year, or the annual (Q05) value for an annual-only series.
    pub value: Decimal,
    /// The series has no quarterly values, so its annual values were used.
    pub annual_only: bool,
}

/// One period of one series beside that year's population.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesPopulation {
    pub series_id: String,
    pub year: i32,
    pub period: String,
    pub value: Decimal,
    pub population: i64,
}
