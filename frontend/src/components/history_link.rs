use app::history::{HistoryFilter, RecordType};
use app::paging::PageQuery;
use leptos::prelude::*;

use crate::api;

/// The link from a list's row to that record's history, named for the record so that a screen
/// reader's list of links tells the rows apart.
#[component]
pub fn HistoryLink(record_type: RecordType, id: i64, name: String) -> impl IntoView {
    let filter = HistoryFilter {
        record_type: Some(record_type),
        record_id: Some(id),
        ..HistoryFilter::default()
    };
    view! {
        <a href=api::history::page_link(&filter, PageQuery::default()) class="button secondary small">
            "History"<span class="visually-hidden">{format!(" of {name}")}</span>
        </a>
    }
}
