//! Search fields above a list. A search waits until typing pauses, so a list is not loaded again
//! for every keystroke.

use std::time::Duration;

use leptos::prelude::*;

/// How long typing must pause before the search runs.
const PAUSE: Duration = Duration::from_millis(300);

/// A labelled search field whose `value` changes once typing pauses. A change of `value` from
/// elsewhere (the Back button) shows in the field.
#[component]
pub fn SearchField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    let text = RwSignal::new(value.get_untracked());
    let searched = StoredValue::new(value.get_untracked());
    Effect::new(move |_| {
        let current = value.get();
        if current != searched.get_value() {
            searched.set_value(current.clone());
            text.set(current);
        }
    });
    let mut search = debounce(PAUSE, move |typed: String| {
        searched.set_value(typed.clone());
        value.set(typed);
    });
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="search" prop:value=move || text.get()
                on:input=move |event| {
                    let typed = event_target_value(&event);
                    text.set(typed.clone());
                    search(typed);
                } />
        </div>
    }
}

/// A search field alone in a search landmark named `region`; a paged list passes its `page`,
/// which goes back to the first when the search changes.
#[component]
pub fn SearchBox(
    id: &'static str,
    label: &'static str,
    region: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] page: Option<RwSignal<u64>>,
) -> impl IntoView {
    if let Some(page) = page {
        Effect::watch(move || value.get(), move |_, _, _| page.set(1), false);
    }
    view! {
        <div class="filters" role="search" aria-label=region>
            <SearchField id label value />
        </div>
    }
}
