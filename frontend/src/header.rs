//! The site header: the navigation, grouped so that it fits one row for every role, behind a menu
//! button on narrow screens; and the user's area with the cart.

use app::accounts::Role;
use app::routes;
use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use wasm_bindgen::JsCast;

use crate::auth::use_auth;
use crate::components::loaded::resource;
use crate::{api, cart_version};

/// A link of the navigation, shown to users with at least `role` (`None`: to everyone).
struct Link {
    path: &'static str,
    label: &'static str,
    role: Option<Role>,
}

/// Links under one heading. A group with one link for the user shows as that link alone.
struct Group {
    label: &'static str,
    links: &'static [Link],
}

const fn link(path: &'static str, label: &'static str, role: Option<Role>) -> Link {
    Link { path, label, role }
}

const NAVIGATION: &[Group] = &[
    Group {
        label: "Ledger",
        links: &[
            link(routes::HOME, "Dashboard", Some(Role::Staff)),
            link(routes::DONATIONS, "Donations", Some(Role::Staff)),
            link(
                routes::IMPORT_DONATIONS,
                "Import donations",
                Some(Role::Staff),
            ),
            link(routes::DISTRIBUTIONS, "Distributions", Some(Role::Staff)),
            link(routes::REPORTS, "Reports", Some(Role::Staff)),
            link(routes::HISTORY, "History", Some(Role::Staff)),
        ],
    },
    Group {
        label: "Shop",
        links: &[
            link(routes::SHOP, "Shop", None),
            link(routes::ORDERS, "Orders", Some(Role::Member)),
        ],
    },
    Group {
        label: "Data",
        links: &[
            link(routes::COVID, "COVID-19", None),
            link(routes::DATA_REPORTS, "Data reports", Some(Role::Member)),
            link(routes::GREETING, "Greeting", None),
        ],
    },
    Group {
        label: "Admin",
        links: &[
            link(routes::PRODUCTS, "Products", Some(Role::Staff)),
            link(routes::JOBS, "Jobs", Some(Role::Staff)),
            link(routes::USERS, "Users", Some(Role::Admin)),
            link(routes::SETTINGS, "Settings", Some(Role::Admin)),
        ],
    },
];

/// Whether `path` is `link`'s page or one below it (`/shop/3` is under the shop).
fn is_under(path: &str, link: &str) -> bool {
    if link == routes::HOME {
        return path == link;
    }
    path.strip_prefix(link)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[component]
pub fn Header() -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let menu_open = RwSignal::new(false);
    let open_group = RwSignal::new(None::<&'static str>);
    // Any navigation closes the narrow screen's menu and the open group.
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
        open_group.set(None);
    });
    let groups = move || {
        NAVIGATION
            .iter()
            .filter_map(|group| {
                let links: Vec<&'static Link> = group
                    .links
                    .iter()
                    .filter(|link| link.role.is_none_or(|role| auth.allows(role)))
                    .collect();
                match *links.as_slice() {
                    [] => None,
                    [only] => Some(
                        view! { <li><NavLink href=only.path>{only.label}</NavLink></li> }
                            .into_any(),
                    ),
                    _ => Some(
                        view! { <li><NavMenu label=group.label links open_group /></li> }
                            .into_any(),
                    ),
                }
            })
            .collect_view()
    };
    let menu_button = NodeRef::<leptos::html::Button>::new();
    let close_on_escape = move |event: KeyboardEvent| {
        if event.key() == "Escape" && menu_open.get_untracked() {
            menu_open.set(false);
            if let Some(button) = menu_button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    view! {
        <header class="site-header">
            <div class="container header-row" on:keydown=close_on_escape>
                <NavLink href=routes::HOME class="brand">"Community Hub"</NavLink>
                <button
                    type="button"
                    class="menu-button"
                    node_ref=menu_button
                    aria-expanded=move || menu_open.get().to_string()
                    aria-controls="site-menu"
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    "Menu"
                </button>
                <div id="site-menu" class="site-menu" class:open=move || menu_open.get()>
                    <nav aria-label="Main">
                        <ul class="nav-list">{groups}</ul>
                    </nav>
                    <UserArea />
                </div>
            </div>
        </header>
    }
}

/// One group of the navigation: a button that shows and hides its links. One group is open at a
/// time (`open_group`): opening another closes this one once the click is done, so on a phone,
/// where the groups are stacked, nothing moves under the pointer mid-click. Escape closes it and
/// returns focus to the button; so does leaving the navigation, by focus or by a click elsewhere.
#[component]
fn NavMenu(
    label: &'static str,
    links: Vec<&'static Link>,
    open_group: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let location = use_location();
    let open = Memo::new(move |_| open_group.get() == Some(label));
    let close = move || {
        if open.get_untracked() {
            open_group.set(None);
        }
    };
    let button = NodeRef::<leptos::html::Button>::new();
    let id = format!("menu-{}", label.to_ascii_lowercase());
    let paths: Vec<&'static str> = links.iter().map(|link| link.path).collect();
    let current = move || {
        let path = location.pathname.get();
        paths.iter().any(|link| is_under(&path, link))
    };
    let on_keydown = move |event: KeyboardEvent| {
        if event.key() == "Escape" && open.get_untracked() {
            event.stop_propagation();
            close();
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let on_focusout = move |event: FocusEvent| {
        let navigation = event
            .current_target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|group| group.closest("nav").ok().flatten());
        let target = event
            .related_target()
            .and_then(|target| target.dyn_into::<web_sys::Node>().ok());
        let inside = navigation
            .zip(target)
            .is_some_and(|(navigation, target)| navigation.contains(Some(&target)));
        if !inside {
            close();
        }
    };
    view! {
        <div class="nav-menu" on:keydown=on_keydown on:focusout=on_focusout>
            <button
                type="button"
                node_ref=button
                class="nav-menu-button"
                class:current=current
                aria-expanded=move || open.get().to_string()
                aria-controls=id.clone()
                on:click=move |_| open_group.set((!open.get_untracked()).then_some(label))
            >
                {label}
                <span class="chevron" aria-hidden="true"></span>
            </button>
            <ul id=id class="nav-menu-list" hidden=move || !open.get()>
                {links
                    .into_iter()
                    .map(|link| view! { <li><NavLink href=link.path>{link.label}</NavLink></li> })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// The cart, who is signed in and signing out; or signing in and up for visitors; or, until the
/// server has said which, a placeholder.
#[component]
fn UserArea() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let sign_out = Action::new_local(move |(): &()| {
        let navigate = navigate.clone();
        async move {
            // The session is gone either way once the cookie is cleared; a failure leaves it
            // to expire.
            let _ = api::accounts::sign_out().await;
            auth.user.set(None);
            navigate(routes::HOME, Default::default());
        }
    });
    view! {
        <div class="user-menu">
            {move || match auth.user.get() {
                // Until the server says who is signed in, a blank of the same size: neither a
                // "Sign in" that may be wrong nor a header that jumps when the answer comes.
                None if !auth.checked.get() => view! {
                    <span class="user-placeholder" aria-hidden="true"></span>
                }
                .into_any(),
                Some(user) => view! {
                    <CartLink />
                    <span class="user-name" title=format!("Signed in as {} ({})", user.email, user.role.label().to_ascii_lowercase())>{user.name}</span>
                    <button type="button" class="header-button" on:click=move |_| { sign_out.dispatch(()); }>"Sign out"</button>
                }
                .into_any(),
                None => view! {
                    <NavLink href=routes::LOGIN>"Sign in"</NavLink>
                    <NavLink href=routes::REGISTER>"Sign up"</NavLink>
                }
                .into_any(),
            }}
        </div>
    }
}

/// "Cart (N)", N the units in the signed-in user's cart, kept current through
/// [`CartVersion`](crate::CartVersion).
#[component]
fn CartLink() -> impl IntoView {
    let version = cart_version();
    let count = resource(move || {
        version.track();
        async move { api::shop::cart().await.map_or(0, |cart| cart.count()) }
    });
    let label = move || format!("Cart ({})", count.get().unwrap_or(0));
    view! { <NavLink href=routes::CART>{label}</NavLink> }
}

/// A link of the header, marked as the current page while its page is the one shown.
#[component]
fn NavLink(
    href: &'static str,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let location = use_location();
    view! {
        <a href=href class=class aria-current=move || (location.pathname.get() == href).then_some("page")>
            {children()}
        </a>
    }
}
