//! The analysis report generated from the mirrored BLS and DataUSA files.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One stored version of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportVersion {
    pub id: i64,
    #[serde(with = "crate::date::timestamp")]
    pub created_at: DateTime<Utc>,
    /// The formats it can be downloaded in: `json`, `html`, `ipynb`.
    pub formats: Vec<String>,
}

/// The result of one analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataReport {
    #[serde(with = "crate::date::timestamp")]
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

/// A format every version of the report is stored, and can be downloaded, in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum ReportFormat {
    Json,
    Html,
    Ipynb,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 3] =
        [ReportFormat::Json, ReportFormat::Html, ReportFormat::Ipynb];

    /// The name on the wire, and the stored file's extension.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Html => "html",
            ReportFormat::Ipynb => "ipynb",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ReportFormat::Json => "application/json",
            ReportFormat::Html => "text/html; charset=utf-8",
            ReportFormat::Ipynb => "application/x-ipynb+json",
        }
    }
}

impl TryFrom<String> for ReportFormat {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        ReportFormat::ALL
            .into_iter()
            .find(|format| format.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<_> = ReportFormat::ALL.map(ReportFormat::as_str).to_vec();
                format!("must be one of {}", names.join(", "))
            })
    }
}

/// Query of `GET /api/reports/data/{id}/download`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    /// The file's format.
    #[cfg_attr(feature = "openapi", param(inline))]
    pub format: ReportFormat,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_is_read_by_its_name_and_an_unknown_one_lists_the_known() {
        assert_eq!(
            ReportFormat::try_from("ipynb".to_owned()),
            Ok(ReportFormat::Ipynb)
        );
        assert_eq!(
            ReportFormat::try_from("pdf".to_owned()).unwrap_err(),
            "must be one of json, html, ipynb"
        );
    }
}
