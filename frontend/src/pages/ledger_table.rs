//! Pieces shared by the donation and distribution lists.

use app::date::parse_date;
use app::ledger::{LedgerColumn, LedgerQuery};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::confirm::ConfirmButton;
use crate::components::list_tools::{DateRange, SortHeader, UrlQuery, date_text};
use crate::ledger_version;

/// The filters, sort and page of a donation or distribution list, all kept in the address.
#[derive(Clone, Copy)]
pub struct RecordFilters {
    pub url: UrlQuery<LedgerQuery>,
    pub kind: RwSignal<String>,
    pub from: RwSignal<String>,
    pub to: RwSignal<String>,
}

impl RecordFilters {
    pub fn from_address() -> Self {
        let url = UrlQuery::from_address();
        Self {
            url,
            kind: url.field(
                |query| {
                    query
                        .kind
                        .map(|kind| kind.as_str().to_owned())
                        .unwrap_or_default()
                },
                |query, text| query.kind = text.parse().ok(),
            ),
            from: url.field(
                |query| date_text(query.from),
                |query, text| query.from = parse_date(text).ok(),
            ),
            to: url.field(
                |query| date_text(query.to),
                |query, text| query.to = parse_date(text).ok(),
            ),
        }
    }

    /// The list's query: the page the address asks for, `per_page` records to a page.
    pub fn query(self, per_page: u64) -> LedgerQuery {
        LedgerQuery {
            per_page: Some(per_page),
            ..self.url.get()
        }
    }

    /// The address of every record the filters select, in the list's order, as CSV.
    pub fn csv(self, path: &'static str) -> Signal<String> {
        Signal::derive(move || {
            let query = LedgerQuery {
                page: None,
                ..self.url.get()
            };
            api::download_url(path, &query)
        })
    }

    /// A sortable column heading.
    pub fn heading(self, label: &'static str, key: LedgerColumn) -> impl IntoView {
        let url = self.url;
        let numeric = key == LedgerColumn::Quantity;
        let descending_first = matches!(key, LedgerColumn::Date | LedgerColumn::Quantity);
        view! {
            <SortHeader label key numeric descending_first
                sort=Signal::derive(move || url.with(LedgerQuery::sort))
                on_sort=move |sort| url.refine(|query| query.sort = Some(sort)) />
        }
    }

    pub fn date_inputs(self) -> impl IntoView {
        view! { <DateRange id="filter" from=self.from to=self.to /> }
    }
}

/// Deletes a record with `delete` once confirmed, and shows why when the server refuses.
#[component]
pub fn DeleteButton<F, Fut>(delete: F, #[prop(into)] what: String) -> impl IntoView
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<(), ApiError>> + 'static,
{
    let version = ledger_version();
    let error = RwSignal::new(None::<String>);
    let delete = Action::new_local(move |(): &()| {
        let deleted = delete();
        async move {
            match deleted.await {
                Ok(()) => version.bump(),
                Err(failure) => error.set(Some(failure.message)),
            }
        }
    });
    view! {
        <ConfirmButton
            label="Delete"
            name=format!("Delete {what}")
            question=format!("Delete {what}?")
            pending=delete.pending()
            on_confirm=move || {
                error.set(None);
                delete.dispatch(());
            }
        />
        <p class="field-error" role="alert">{move || error.get()}</p>
    }
}
