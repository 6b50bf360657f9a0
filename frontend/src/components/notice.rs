use leptos::prelude::*;

use crate::components::submit::Outcome;

/// A failure, announced to screen readers.
#[component]
pub fn ErrorNotice(message: String) -> impl IntoView {
    view! { <p class="notice notice-error" role="alert">{message}</p> }
}

/// The outcome of the last submit: a confirmation or the server's message.
#[component]
pub fn SubmitResult(#[prop(into)] result: Signal<Outcome>) -> impl IntoView {
    move || {
        result.get().map(|outcome| match outcome {
            Ok(message) => {
                view! { <p class="notice notice-ok" role="status">{message}</p> }.into_any()
            }
            Err(message) => view! { <ErrorNotice message /> }.into_any(),
        })
    }
}
