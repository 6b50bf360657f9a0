//! Form fields that check what the user typed once they leave the field, and show the server's
//! field errors.

use std::collections::BTreeSet;

use app::FieldErrors;
use leptos::prelude::*;

/// The errors of one form: the browser's own check (the same rules the server applies) and the
/// server's answer. A field shows its error once the user left it after editing, or a submit was
/// tried; from then on the error follows each keystroke, so it goes as soon as it is fixed.
#[derive(Clone, Copy)]
pub struct FormErrors {
    client: Memo<FieldErrors>,
    server: RwSignal<FieldErrors>,
    touched: RwSignal<BTreeSet<&'static str>>,
    attempted: RwSignal<bool>,
}

impl FormErrors {
    pub fn new(check: impl Fn() -> FieldErrors + Send + Sync + 'static) -> Self {
        Self {
            client: Memo::new(move |_| check()),
            server: RwSignal::new(FieldErrors::new()),
            touched: RwSignal::new(BTreeSet::new()),
            attempted: RwSignal::new(false),
        }
    }

    /// The message to show under `name`, if any.
    pub fn message(self, name: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            if let Some(message) = self.server.with(|errors| errors.get(name).cloned()) {
                return Some(message);
            }
            let visible =
                self.attempted.get() || self.touched.with(|touched| touched.contains(name));
            visible
                .then(|| self.client.with(|errors| errors.get(name).cloned()))
                .flatten()
        })
    }

    /// Forgets the server's old verdict on `name`, which the user is changing.
    pub fn edited(self, name: &'static str) {
        if self
            .server
            .with_untracked(|errors| errors.contains_key(name))
        {
            self.server.update(|errors| {
                errors.remove(name);
            });
        }
    }

    /// Marks `name` as done with: the user changed it and left it, so its error may show.
    pub fn left(self, name: &'static str) {
        if !self
            .touched
            .with_untracked(|touched| touched.contains(name))
        {
            self.touched.update(|touched| {
                touched.insert(name);
            });
        }
    }

    /// Called on submit: `true` when the browser's check passes, otherwise every error is shown.
    pub fn try_submit(self) -> bool {
        self.attempted.set(true);
        self.server.set(FieldErrors::new());
        self.client.with(FieldErrors::is_empty)
    }

    pub fn show_server(self, fields: FieldErrors) {
        self.server.set(fields);
    }

    /// Back to a pristine form after a successful save.
    pub fn reset(self) {
        self.attempted.set(false);
        self.touched.set(BTreeSet::new());
        self.server.set(FieldErrors::new());
    }
}

/// A labelled input whose error is announced to screen readers, and whose hint and error are
/// read with it (`aria-describedby`).
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    form: FormErrors,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] input_mode: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = form.message(name);
    let described_by = match hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    let on_input = move |event: leptos::ev::Event| {
        value.set(event_target_value(&event));
        form.edited(name);
    };
    // `change` fires when the user leaves a field they changed, not on each keystroke.
    let on_change = move |_| form.left(name);
    let control = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows="2"
                prop:value=move || value.get()
                on:input=on_input
                on:change=on_change
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=described_by.clone()
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name
                type=input_type
                inputmode=input_mode
                required=required
                prop:value=move || value.get()
                on:input=on_input
                on:change=on_change
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=described_by.clone()
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:has-error=move || message.get().is_some()>
            <label for=id>{label}{required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            {control}
            {hint.map(|hint| view! { <small class="hint" id=hint_id>{hint}</small> })}
            // Always in the page, so that screen readers announce the text when it appears.
            <p class="field-error" id=error_id role="alert">{move || message.get()}</p>
        </div>
    }
}
