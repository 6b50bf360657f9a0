use app::accounts::{LoginRequest, RegisterRequest, User};
use app::paths;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::auth::use_auth;
use crate::components::form::{Field, FormErrors};
use crate::components::notice::SubmitResult;

/// Where to go after signing in: the page that asked, if it is one of ours.
fn next_path() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || {
        query
            .with(|query| query.get("next"))
            .filter(|next| paths::same_site_path(next).is_some())
            .unwrap_or_else(|| "/".to_owned())
    })
}

#[component]
pub fn Login() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let next = next_path();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let request = move || LoginRequest {
        email: email.get(),
        password: password.get(),
    };
    let form = FormErrors::new(move || request().validate().err().unwrap_or_default());
    let result = RwSignal::new(None::<Result<String, String>>);
    let sign_in = Action::new_local(move |input: &LoginRequest| {
        let input = input.clone();
        let navigate = navigate.clone();
        async move {
            match api::post::<_, User>(paths::LOGIN, &input).await {
                Ok(user) => {
                    auth.user.set(Some(user));
                    navigate(&next.get_untracked(), Default::default());
                }
                Err(error) => {
                    form.show_server(error.fields);
                    result.set(Some(Err(error.message)));
                }
            }
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        result.set(None);
        if form.try_submit() {
            sign_in.dispatch(request());
        }
    };
    view! {
        <div class="narrow">
            <h1>"Sign in"</h1>
            <section class="card">
                <form on:submit=on_submit novalidate>
                    <Field label="Email" name="email" value=email form input_type="email" required=true />
                    <Field label="Password" name="password" value=password form input_type="password" required=true />
                    <button type="submit" disabled=move || sign_in.pending().get()>
                        {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                    <SubmitResult result=result />
                </form>
            </section>
            <p>"No account yet? "<A href=move || format!("/register?next={}", js_sys::encode_uri_component(&next.get()))>"Sign up"</A></p>
        </div>
    }
}

#[component]
pub fn Register() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let next = next_path();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let request = move || RegisterRequest {
        email: email.get(),
        password: password.get(),
        name: name.get(),
    };
    let form = FormErrors::new(move || request().validate().err().unwrap_or_default());
    let result = RwSignal::new(None::<Result<String, String>>);
    let sign_up = Action::new_local(move |input: &RegisterRequest| {
        let input = input.clone();
        let navigate = navigate.clone();
        async move {
            match api::post::<_, User>(paths::REGISTER, &input).await {
                Ok(user) => {
                    auth.user.set(Some(user));
                    navigate(&next.get_untracked(), Default::default());
                }
                Err(error) => {
                    form.show_server(error.fields);
                    result.set(Some(Err(error.message)));
                }
            }
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        result.set(None);
        if form.try_submit() {
            sign_up.dispatch(request());
        }
    };
    view! {
        <div class="narrow">
            <h1>"Sign up"</h1>
            <section class="card">
                <form on:submit=on_submit novalidate>
                    <Field label="Name" name="name" value=name form required=true />
                    <Field label="Email" name="email" value=email form input_type="email" required=true />
                    <Field label="Password" name="password" value=password form input_type="password" required=true
                        hint="8 to 128 characters; not one of the most common passwords" />
                    <button type="submit" disabled=move || sign_up.pending().get()>
                        {move || if sign_up.pending().get() { "Creating account…" } else { "Create account" }}
                    </button>
                    <SubmitResult result=result />
                </form>
            </section>
            <p>"Already have an account? "<A href="/login">"Sign in"</A></p>
        </div>
    }
}
