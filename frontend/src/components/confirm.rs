//! Asking before an action that cannot be undone (delete, remove, deactivate, run now).

use leptos::ev::KeyboardEvent;
use leptos::html::Button;
use leptos::prelude::*;

fn focus(button: NodeRef<Button>) {
    request_animation_frame(move || {
        if let Some(button) = button.get_untracked() {
            let _ = button.focus();
        }
    });
}

/// A button whose action runs only once confirmed: pressing it shows, in its place, the question
/// with Confirm and Cancel. Focus moves to Cancel, so that pressing Enter twice does nothing
/// harmful; Cancel or Escape puts the button back and focus on it. `name` is the button's
/// accessible name where its text alone would be ambiguous (a row's "Remove").
#[component]
pub fn ConfirmButton(
    label: &'static str,
    #[prop(into)] question: String,
    on_confirm: impl Fn() + 'static,
    #[prop(optional, into)] name: Option<String>,
    /// The button's id, for focusing it from elsewhere.
    #[prop(optional, into)]
    id: Option<String>,
    #[prop(optional, into)] pending: Signal<bool>,
    #[prop(default = "secondary small")] class: &'static str,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let trigger = NodeRef::<Button>::new();
    let cancel_button = NodeRef::<Button>::new();
    let cancel = move || {
        asking.set(false);
        focus(trigger);
    };
    let on_keydown = move |event: KeyboardEvent| {
        if event.key() == "Escape" {
            event.stop_propagation();
            cancel();
        }
    };
    let confirm = move |_| {
        asking.set(false);
        on_confirm();
        focus(trigger);
    };
    let group_name = question.clone();
    view! {
        <span class="confirm">
            <button type="button" class=class node_ref=trigger id=id aria-label=name hidden=move || asking.get()
                disabled=move || pending.get()
                on:click=move |_| {
                    asking.set(true);
                    focus(cancel_button);
                }>
                {label}
            </button>
            <span class="confirm-ask" role="group" aria-label=group_name hidden=move || !asking.get()
                on:keydown=on_keydown>
                <span class="confirm-question">{question}" "</span>
                <button type="button" class="danger small" on:click=confirm>"Confirm"</button>
                <button type="button" class="secondary small" node_ref=cancel_button on:click=move |_| cancel()>"Cancel"</button>
            </span>
        </span>
    }
}
