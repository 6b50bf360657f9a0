//! Pieces shared by the donation and distribution lists.

use leptos::prelude::*;

use crate::api;
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

/// Deletes a record after a second click, and shows why when the server refuses.
#[component]
pub fn DeleteButton(path: String) -> impl IntoView {
    let version = ledger_version();
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let delete = Action::new_local(move |path: &String| {
        let path = path.clone();
        async move {
            match api::delete(&path).await {
                Ok(()) => version.bump(),
                Err(failure) => {
                    confirming.set(false);
                    error.set(Some(failure.message));
                }
            }
        }
    });
    view! {
        <button
            type="button"
            class=move || if confirming.get() { "danger small" } else { "secondary small" }
            disabled=move || delete.pending().get()
            on:click=move |_| {
                if confirming.get() {
                    delete.dispatch(path.clone());
                } else {
                    error.set(None);
                    confirming.set(true);
                }
            }
        >
            {move || if confirming.get() { "Confirm delete" } else { "Delete" }}
        </button>
        {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
    }
}
