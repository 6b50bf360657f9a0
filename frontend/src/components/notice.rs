use leptos::prelude::*;

use crate::components::submit::Outcome;

/// A failure, announced to screen readers.
#[component]
pub fn ErrorNotice(message: String) -> impl IntoView {
    view! { <p class="notice notice-error" role="alert">{message}</p> }
}

/// The outcome of the last submit: a confirmation or the server's message. Both regions stay in
/// the page, empty until there is something to say, so that screen readers announce the text.
#[component]
pub fn SubmitResult(#[prop(into)] result: Signal<Outcome>) -> impl IntoView {
    let confirmation = move || result.get().and_then(Result::ok);
    let failure = move || result.get().and_then(Result::err);
    view! {
        <p class="notice notice-ok" class:empty=move || confirmation().is_none() role="status">{confirmation}</p>
        <p class="notice notice-error" class:empty=move || failure().is_none() role="alert">{failure}</p>
    }
}
