use leptos::prelude::*;

use crate::api::ApiError;

/// Said when a change was refused because someone else changed the record first; the list has
/// been reloaded by then, so the current values are on screen.
pub const STALE_RECORD: &str = "Someone changed this record since you opened it, so your change was \
     not saved. The list now shows it as it is: choose Edit to make your change again.";

/// A failure to load something, announced to screen readers.
#[component]
pub fn LoadError(error: ApiError) -> impl IntoView {
    view! { <p class="notice notice-error" role="alert">{error.message}</p> }
}

/// The outcome of the last submit: a confirmation or the server's message.
#[component]
pub fn SubmitResult(result: Signal<Option<Result<String, String>>>) -> impl IntoView {
    move || {
        result.get().map(|outcome| match outcome {
            Ok(message) => {
                view! { <p class="notice notice-ok" role="status">{message}</p> }.into_any()
            }
            Err(message) => {
                view! { <p class="notice notice-error" role="alert">{message}</p> }.into_any()
            }
        })
    }
}
