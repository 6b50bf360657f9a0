//! One submit routine for every form: check the fields, send, then show the server's verdict on
//! each field, the stale-record message or the confirmation.

use std::rc::Rc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::form::FormErrors;

/// Said when a change was refused because someone else changed the record first; the list has
/// been reloaded by then, so the current values are on screen.
const STALE_RECORD: &str = "Someone changed this record since you opened it, so your change was \
     not saved. The list now shows it as it is: choose Edit to make your change again.";

/// The outcome shown under a form: a confirmation or a failure.
pub type Outcome = Option<Result<String, String>>;

/// A form's submit: `I` is what it sends. Show [`Submit::result`] with
/// [`SubmitResult`](crate::components::notice::SubmitResult) and disable the button while
/// [`Submit::pending`].
pub struct Submit<I: 'static> {
    action: Action<I, ()>,
    result: RwSignal<Outcome>,
    fields: Option<FormErrors>,
}

impl<I> Clone for Submit<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I> Copy for Submit<I> {}

impl<I: Clone + Send + Sync + 'static> Submit<I> {
    /// Sends with `send`; on success `saved` does what follows and says so (`None`: nothing to
    /// say), on failure the server's message is shown.
    pub fn new<T: 'static, Fut>(
        send: impl Fn(I) -> Fut + 'static,
        saved: impl Fn(T) -> Option<String> + 'static,
    ) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        Self::build(None, None, send, saved)
    }

    /// As [`Submit::new`], for a form of [`Field`](crate::components::form::Field)s: they are
    /// checked before anything is sent, and show what the server says of each.
    pub fn form<T: 'static, Fut>(
        fields: FormErrors,
        send: impl Fn(I) -> Fut + 'static,
        saved: impl Fn(T) -> Option<String> + 'static,
    ) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        Self::build(Some(fields), None, send, saved)
    }

    /// As [`Submit::form`], for a form that changes a versioned record. `reload` (empty the form,
    /// load the list again) runs after a save, and also when the server refuses the change because
    /// the record changed since it was loaded (412), which is then said.
    pub fn edit<T: 'static, Fut>(
        fields: FormErrors,
        send: impl Fn(I) -> Fut + 'static,
        saved: impl Fn(T) -> Option<String> + 'static,
        reload: impl Fn() + 'static,
    ) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        Self::build(Some(fields), Some(Rc::new(reload)), send, saved)
    }

    fn build<T: 'static, Fut>(
        fields: Option<FormErrors>,
        reload: Option<Rc<dyn Fn()>>,
        send: impl Fn(I) -> Fut + 'static,
        saved: impl Fn(T) -> Option<String> + 'static,
    ) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let result = RwSignal::new(None);
        let saved = Rc::new(saved);
        let action = Action::new_local(move |input: &I| {
            let answer = send(input.clone());
            let (saved, reload) = (saved.clone(), reload.clone());
            async move {
                match answer.await {
                    Ok(value) => {
                        let message = saved(value);
                        if let Some(reload) = reload {
                            reload();
                        }
                        result.set(message.map(Ok));
                    }
                    Err(error) => match reload {
                        Some(reload) if error.is_stale() => {
                            reload();
                            result.set(Some(Err(STALE_RECORD.to_owned())));
                        }
                        _ => {
                            if let Some(fields) = fields {
                                fields.show_server(error.fields);
                            }
                            result.set(Some(Err(error.message)));
                        }
                    },
                }
            }
        });
        Self {
            action,
            result,
            fields,
        }
    }

    /// The form's submit handler: checks the fields, then sends what `input` makes of them
    /// (`None`: nothing to send, e.g. after [`Submit::fail`]).
    pub fn on_submit(
        self,
        input: impl Fn() -> Option<I> + Copy + 'static,
    ) -> impl Fn(SubmitEvent) + Copy {
        move |event| {
            event.prevent_default();
            self.result.set(None);
            if self.fields.is_none_or(FormErrors::try_submit)
                && let Some(input) = input()
            {
                self.action.dispatch(input);
            }
        }
    }

    /// Sends `input` now, for a button outside a form.
    pub fn dispatch(self, input: I) {
        self.result.set(None);
        self.action.dispatch(input);
    }
}

impl<I: 'static> Submit<I> {
    pub fn pending(self) -> Memo<bool> {
        self.action.pending()
    }

    /// The outcome of the last submit, where others may tell theirs too (the cart's rows do).
    pub fn result(self) -> RwSignal<Outcome> {
        self.result
    }

    /// Shows a failure found before sending, by a check that is not a field's.
    pub fn fail(self, message: String) {
        self.result.set(Some(Err(message)));
    }

    /// Forgets the last outcome, e.g. when the form is emptied.
    pub fn clear(self) {
        self.result.set(None);
    }
}
