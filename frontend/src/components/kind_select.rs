use app::ledger::Kind;
use leptos::prelude::*;

/// A labelled choice of kind. With `any` it offers "All kinds" (an empty value) first, for filters.
#[component]
pub fn KindSelect(
    value: RwSignal<String>,
    #[prop(default = "Kind")] label: &'static str,
    #[prop(default = "field-kind")] id: &'static str,
    #[prop(optional)] any: bool,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |event| value.set(event_target_value(&event)) prop:value=move || value.get()>
                {any.then(|| view! { <option value="">"All kinds"</option> })}
                {Kind::ALL
                    .into_iter()
                    .map(|kind| view! { <option value=kind.as_str()>{kind.label()}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}
