//! Who is signed in, for the whole app, and the guard for pages that need an account.

use app::accounts::{Role, User};
use app::paths::same_site_path;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api;

/// The signed-in user, once the server has said who that is.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: RwSignal<Option<User>>,
    pub checked: RwSignal<bool>,
}

impl Auth {
    /// Provides the context and asks the server who is signed in.
    pub fn provide() -> Self {
        let auth = Auth {
            user: RwSignal::new(None),
            checked: RwSignal::new(false),
        };
        provide_context(auth);
        spawn_local(async move {
            auth.user.set(
                api::accounts::session()
                    .await
                    .ok()
                    .and_then(|session| session.user),
            );
            auth.checked.set(true);
        });
        auth
    }

    /// Whether the signed-in user has at least `role`.
    pub fn allows(self, role: Role) -> bool {
        self.user
            .with(|user| user.as_ref().is_some_and(|user| user.role >= role))
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// The sign-in path that comes back to `path` afterwards.
pub fn sign_in_path(path: &str) -> String {
    format!("/login?next={}", js_sys::encode_uri_component(path))
}

/// Where to go after signing in: the page that asked (`next`, see [`sign_in_path`]), if it is
/// one of ours.
pub fn return_path() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || {
        query
            .with(|query| query.get("next"))
            .filter(|next| same_site_path(next).is_some())
            .unwrap_or_else(|| "/".to_owned())
    })
}

/// Shows `children` only to users with at least `role`: visitors go to sign-in and come back,
/// users without the role are told so.
#[component]
pub fn RequireRole(role: Role, children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    move || {
        if !auth.checked.get() {
            return view! { <p class="muted">"Loading…"</p> }.into_any();
        }
        match auth.user.get() {
            None => {
                let next = location.pathname.get_untracked();
                view! { <Redirect path=sign_in_path(&next) /> }.into_any()
            }
            Some(user) if user.role < role => view! {
                <h1>"Not allowed"</h1>
                <p class="notice notice-error" role="alert">
                    {format!("This page is for {} accounts. You are signed in as {} ({}).", role.label().to_lowercase(), user.name, user.role.label().to_lowercase())}
                </p>
            }
            .into_any(),
            Some(_) => children().into_any(),
        }
    }
}
