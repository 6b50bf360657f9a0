//! The history of changes, its CSV download, and the people in it.

use app::history::{HistoryEvent, HistoryFilter, HistoryPerson};
use app::paging::{Page, PageQuery};
use app::paths;
use serde::Serialize;

use super::{ApiError, download_url, get, with_query};

/// A filter and a page, as one query string.
#[derive(Serialize)]
struct Listing<'a> {
    #[serde(flatten)]
    filter: &'a HistoryFilter,
    #[serde(flatten)]
    page: PageQuery,
}

pub async fn events(
    filter: &HistoryFilter,
    page: PageQuery,
) -> Result<Page<HistoryEvent>, ApiError> {
    get(&with_query(paths::HISTORY, &Listing { filter, page })).await
}

/// The link that downloads what `filter` selects as CSV.
pub fn csv_url(filter: &HistoryFilter) -> String {
    download_url(paths::HISTORY_CSV, filter)
}

pub async fn people() -> Result<Vec<HistoryPerson>, ApiError> {
    get(paths::HISTORY_PEOPLE).await
}

/// The History page showing `page` of what `filter` selects, for links and the address bar.
pub fn page_link(filter: &HistoryFilter, page: PageQuery) -> String {
    with_query(app::routes::HISTORY, &Listing { filter, page })
}
