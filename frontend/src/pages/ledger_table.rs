//! Pieces shared by the donation and distribution lists.

use app::ledger::LedgerQuery;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::confirm::ConfirmButton;
use crate::ledger_version;

/// The kind and date-range filters of a list; changing one goes back to the first page.
#[derive(Clone, Copy)]
pub struct RecordFilters {
    pub kind: RwSignal<String>,
    pub from: RwSignal<String>,
    pub to: RwSignal<String>,
}

impl RecordFilters {
    pub fn new(page: RwSignal<u64>) -> Self {
        let filters = Self {
            kind: RwSignal::new(String::new()),
            from: RwSignal::new(String::new()),
            to: RwSignal::new(String::new()),
        };
        Effect::new(move |_| {
            filters.kind.track();
            filters.from.track();
            filters.to.track();
            page.set(1);
        });
        filters
    }

    /// The list's query: `page` of `per_page` records that match the filters.
    pub fn query(self, page: u64, per_page: u64) -> LedgerQuery {
        LedgerQuery {
            page: Some(page),
            per_page: Some(per_page),
            kind: self.kind.get().parse().ok(),
            from: self.from.get().parse().ok(),
            to: self.to.get().parse().ok(),
            donor: None,
        }
    }

    pub fn date_inputs(self) -> impl IntoView {
        view! {
            <div class="field">
                <label for="filter-from">"From"</label>
                <input id="filter-from" type="date" prop:value=move || self.from.get()
                    on:input=move |event| self.from.set(event_target_value(&event)) />
            </div>
            <div class="field">
                <label for="filter-to">"To"</label>
                <input id="filter-to" type="date" prop:value=move || self.to.get()
                    on:input=move |event| self.to.set(event_target_value(&event)) />
            </div>
        }
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
