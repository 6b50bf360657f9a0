//! The search field above a list.

use leptos::prelude::*;

/// A labelled search field in a search landmark named `region`. `value` follows each keystroke;
/// a paged list passes its `page`, which goes back to the first.
#[component]
pub fn SearchBox(
    id: &'static str,
    label: &'static str,
    region: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] page: Option<RwSignal<u64>>,
) -> impl IntoView {
    view! {
        <div class="filters" role="search" aria-label=region>
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type="search" prop:value=move || value.get()
                    on:input=move |event| {
                        value.set(event_target_value(&event));
                        if let Some(page) = page {
                            page.set(1);
                        }
                    } />
            </div>
        </div>
    }
}
