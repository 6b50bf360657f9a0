//! Who is signed in, for the whole app, and the guard for pages that need an account.

use app::accounts::{Role, User};
use app::paths::same_site_path;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use crate::api;
use crate::components::page_intro::PageLoading;

/// The signed-in user, once the server has said who that is.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: RwSignal<Option<User>>,
    pub checked: RwSignal<bool>,
    /// The server ended the session while the app was in use: the app is on its way to the
    /// sign-in page, which says so.
    pub ended: RwSignal<bool>,
}

impl Auth {
    /// Provides the context and asks the server who is signed in.
    pub fn provide() -> Self {
        let auth = Auth {
            user: RwSignal::new(None),
            checked: RwSignal::new(false),
            ended: RwSignal::new(false),
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

/// The page being shown, with its query, to come back to after signing in.
fn current_page() -> Signal<String> {
    let location = use_location();
    Signal::derive(move || {
        let search = location.search.get();
        let query = if search.is_empty() { "" } else { "?" };
        format!("{}{query}{search}", location.pathname.get())
    })
}

/// When the server answers that the session is gone, forgets the user and sends them to sign
/// in, to come back to the page they were on. Placed once, inside the router.
#[component]
pub fn SignInWhenSessionEnds() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let here = current_page();
    api::on_session_end(move || {
        if auth.user.get_untracked().is_none() {
            return;
        }
        // Ended first: a guarded page then leaves sending to sign-in to this.
        auth.ended.set(true);
        auth.user.set(None);
        navigate(
            &sign_in_path(&here.get_untracked()),
            NavigateOptions::default(),
        );
    });
}

/// Shows `children` only to users with at least `role`: visitors go to sign-in and come back,
/// users without the role are told so. Until the session is known, the page's intro stays in
/// view, as the server drew it.
#[component]
pub fn RequireRole(role: Role, children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let here = current_page();
    move || {
        if !auth.checked.get() {
            return view! { <PageLoading /> }.into_any();
        }
        match auth.user.get() {
            None if auth.ended.get_untracked() => ().into_any(),
            None => {
                let next = here.get_untracked();
                view! { <Redirect path=sign_in_path(&next) /> }.into_any()
            }
            Some(user) if user.role < role => view! {
                <h1>"Not allowed"</h1>
                <p class="notice notice-error" role="alert">
                    {format!("This page is for {} accounts. You are signed in as {} ({}).", role.label().to_ascii_lowercase(), user.name, user.role.label().to_ascii_lowercase())}
                </p>
            }
            .into_any(),
            Some(_) => children().into_any(),
        }
    }
}
