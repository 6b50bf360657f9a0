use app::accounts::{LoginRequest, RegisterRequest, User};
use app::routes;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::auth::{Auth, return_path, use_auth};
use crate::components::form::{Field, FormErrors};
use crate::components::notice::SubmitResult;
use crate::components::page_intro::PageIntro;
use crate::components::submit::Submit;

/// After signing in or up: the header shows the user, and the page that asked comes back.
fn signed_in(auth: Auth, next: Signal<String>) -> impl Fn(User) -> Option<String> {
    let navigate = use_navigate();
    move |user| {
        auth.ended.set(false);
        auth.user.set(Some(user));
        navigate(&next.get_untracked(), NavigateOptions::default());
        None
    }
}

#[component]
pub fn Login() -> impl IntoView {
    let auth = use_auth();
    // Said once: leaving the page without signing in, the user is a visitor like any other.
    on_cleanup(move || auth.ended.set(false));
    let next = return_path();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let request = move || LoginRequest {
        email: email.get(),
        password: password.get(),
    };
    let form = FormErrors::new(move || request().validate().err().unwrap_or_default());
    let sign_in = Submit::form(
        form,
        |input: LoginRequest| async move { api::accounts::sign_in(&input).await },
        signed_in(auth, next),
    );
    let on_submit = sign_in.on_submit(move || Some(request()));
    view! {
        <PageIntro path=routes::LOGIN />
        <div class="narrow">
            <Show when=move || auth.ended.get()>
                <p class="notice notice-info" role="status">"Your session has ended. Sign in again to go back to where you were."</p>
            </Show>
            <section class="card">
                <form on:submit=on_submit novalidate>
                    <Field label="Email" name="email" value=email form input_type="email" required=true />
                    <Field label="Password" name="password" value=password form input_type="password" required=true />
                    <button type="submit" disabled=sign_in.pending()>
                        {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                    <SubmitResult result=sign_in.result() />
                </form>
            </section>
            <p>"No account yet? "<a href=move || format!("/register?next={}", js_sys::encode_uri_component(&next.get()))>"Sign up"</a></p>
        </div>
    }
}

#[component]
pub fn Register() -> impl IntoView {
    let auth = use_auth();
    let next = return_path();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let request = move || RegisterRequest {
        email: email.get(),
        password: password.get(),
        name: name.get(),
    };
    let form = FormErrors::new(move || request().validate().err().unwrap_or_default());
    let sign_up = Submit::form(
        form,
        |input: RegisterRequest| async move { api::accounts::register(&input).await },
        signed_in(auth, next),
    );
    let on_submit = sign_up.on_submit(move || Some(request()));
    view! {
        <PageIntro path=routes::REGISTER />
        <div class="narrow">
            <section class="card">
                <form on:submit=on_submit novalidate>
                    <Field label="Name" name="name" value=name form required=true />
                    <Field label="Email" name="email" value=email form input_type="email" required=true />
                    <Field label="Password" name="password" value=password form input_type="password" required=true
                        hint="8 to 128 characters; not one of the most common passwords" />
                    <button type="submit" disabled=sign_up.pending()>
                        {move || if sign_up.pending().get() { "Creating account…" } else { "Create account" }}
                    </button>
                    <SubmitResult result=sign_up.result() />
                </form>
            </section>
            <p>"Already have an account? "<a href="/login">"Sign in"</a></p>
        </div>
    }
}
