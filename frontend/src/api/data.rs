//! The public data the jobs load: COVID-19 figures and the BLS and population report.

use app::covid::{DailyFigures, DailyQuery};
use app::data_reports::{DataReport, ReportFormat, ReportVersion};
use app::paths;

use super::{ApiError, get, url, with_query};

pub async fn covid_daily(query: &DailyQuery) -> Result<Vec<DailyFigures>, ApiError> {
    get(&with_query(paths::COVID_DAILY, query)).await
}

/// The stored versions of the report, newest first.
pub async fn report_versions() -> Result<Vec<ReportVersion>, ApiError> {
    get(paths::DATA_REPORTS).await
}

pub async fn report(id: i64) -> Result<DataReport, ApiError> {
    get(&paths::item(paths::DATA_REPORTS, id)).await
}

/// The link that downloads version `id` of the report in `format`.
pub fn report_download_url(id: i64, format: ReportFormat) -> String {
    url(&paths::data_report_download(id, format.as_str()))
}
