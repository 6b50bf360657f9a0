//! The browser app: routes, the page shell and the pages.

pub mod api;
pub mod auth;
pub mod components;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use app::accounts::Role;
use app::number::thousands;

use crate::auth::{Auth, RequireRole, use_auth};
use crate::pages::login::{Login, Register};
use crate::pages::{
    cart::CartPage, covid::Covid, dashboard::Dashboard, data_reports::DataReports,
    distributions::Distributions, donations::Donations, greeting::Greeting, jobs::Jobs,
    not_found::NotFound, orders::Orders, products_admin::ProductsAdmin, reports::Reports,
    shop::ProductPage, shop::Shop,
};

/// Bumped after every write, so that lists and reports that read it load again.
#[derive(Clone, Copy)]
pub struct LedgerVersion(pub RwSignal<u32>);

impl LedgerVersion {
    pub fn track(self) -> u32 {
        self.0.get()
    }

    pub fn bump(self) {
        self.0.update(|version| *version += 1);
    }
}

pub fn ledger_version() -> LedgerVersion {
    expect_context::<LedgerVersion>()
}

/// Bumped after every change to the cart or the catalogue, so that the header's count and the
/// shop pages load again.
#[derive(Clone, Copy)]
pub struct CartVersion(pub RwSignal<u32>);

impl CartVersion {
    pub fn track(self) -> u32 {
        self.0.get()
    }

    pub fn bump(self) {
        self.0.update(|version| *version += 1);
    }
}

pub fn cart_version() -> CartVersion {
    expect_context::<CartVersion>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_context(LedgerVersion(RwSignal::new(0)));
    provide_context(CartVersion(RwSignal::new(0)));
    Auth::provide();
    view! {
        <Router>
            <Header />
            <main class="container">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Dashboard />
                    <Route path=path!("/donations") view=|| view! { <RequireRole role=Role::Staff><Donations /></RequireRole> } />
                    <Route path=path!("/distributions") view=|| view! { <RequireRole role=Role::Staff><Distributions /></RequireRole> } />
                    <Route path=path!("/reports") view=|| view! { <RequireRole role=Role::Staff><Reports /></RequireRole> } />
                    <Route path=path!("/greeting") view=Greeting />
                    <Route path=path!("/shop") view=Shop />
                    <Route path=path!("/shop/:id") view=ProductPage />
                    <Route path=path!("/cart") view=|| view! { <RequireRole role=Role::Member><CartPage /></RequireRole> } />
                    <Route path=path!("/orders") view=|| view! { <RequireRole role=Role::Member><Orders /></RequireRole> } />
                    <Route path=path!("/products") view=|| view! { <RequireRole role=Role::Staff><ProductsAdmin /></RequireRole> } />
                    <Route path=path!("/covid") view=Covid />
                    <Route path=path!("/jobs") view=|| view! { <RequireRole role=Role::Staff><Jobs /></RequireRole> } />
                    <Route path=path!("/data-reports") view=|| view! { <RequireRole role=Role::Member><DataReports /></RequireRole> } />
                    <Route path=path!("/login") view=Login />
                    <Route path=path!("/register") view=Register />
                </Routes>
            </main>
        </Router>
    }
}

/// The site header: navigation for what the user's role may use, and the user menu.
#[component]
fn Header() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let sign_out = Action::new_local(move |(): &()| {
        let navigate = navigate.clone();
        async move {
            // The session is gone either way once the cookie is cleared; a failure leaves it
            // to expire.
            let _ = api::accounts::sign_out().await;
            auth.user.set(None);
            navigate("/", Default::default());
        }
    });
    view! {
        <header class="site-header">
            <div class="container header-row">
                <A href="/" attr:class="brand">"Community Hub"</A>
                <nav aria-label="Main">
                    <Show when=move || auth.allows(Role::Staff)>
                        <A href="/" exact=true>"Dashboard"</A>
                        <A href="/donations">"Donations"</A>
                        <A href="/distributions">"Distributions"</A>
                        <A href="/reports">"Reports"</A>
                        <A href="/products">"Products"</A>
                        <A href="/jobs">"Jobs"</A>
                    </Show>
                    <A href="/shop">"Shop"</A>
                    <Show when=move || auth.allows(Role::Member)>
                        <CartLink />
                        <A href="/orders">"Orders"</A>
                        <A href="/data-reports">"Data reports"</A>
                    </Show>
                    <A href="/covid">"COVID-19"</A>
                    <A href="/greeting">"Greeting"</A>
                </nav>
                <div class="user-menu">
                    {move || match auth.user.get() {
                        Some(user) => view! {
                            <span class="user-name" title=format!("Signed in as {} ({})", user.email, user.role.label().to_lowercase())>{user.name}</span>
                            <button type="button" class="header-button" on:click=move |_| { sign_out.dispatch(()); }>"Sign out"</button>
                        }.into_any(),
                        None => view! {
                            <A href="/login">"Sign in"</A>
                            <A href="/register">"Sign up"</A>
                        }.into_any(),
                    }}
                </div>
            </div>
        </header>
    }
}

/// "Cart (N)", N the units in the signed-in user's cart, kept current through [`CartVersion`].
#[component]
fn CartLink() -> impl IntoView {
    let version = cart_version();
    let auth = use_auth();
    let count = LocalResource::new(move || {
        version.track();
        let signed_in = auth.user.with(Option::is_some);
        async move {
            if signed_in {
                api::shop::cart().await.map_or(0, |cart| cart.count())
            } else {
                0
            }
        }
    });
    let label = move || format!("Cart ({})", count.get().unwrap_or(0));
    view! { <A href="/cart">{label}</A> }
}

/// Dollars as people read them: `$1,250.00`.
pub fn money(amount: app::Quantity) -> String {
    display_amount(app::ledger::Kind::Money, amount)
}

/// Today's date in UTC, the calendar the server dates records in.
pub fn today_utc() -> chrono::NaiveDate {
    let now = js_sys::Date::new_0();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (year, month, day) = (
        now.get_utc_full_year() as i32,
        now.get_utc_month() + 1,
        now.get_utc_date(),
    );
    chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// A quantity as people read it: `$1,250.00` for money, `1,250` or `48.5` units for goods.
pub fn display_amount(kind: app::ledger::Kind, quantity: app::Quantity) -> String {
    let text = quantity.to_string();
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let (sign, digits) = whole
        .strip_prefix('-')
        .map_or(("", whole), |rest| ("-", rest));
    let grouped = thousands(digits);
    match kind {
        app::ledger::Kind::Money => format!("{sign}${grouped}.{cents}"),
        _ if cents == "00" => format!("{sign}{grouped}"),
        _ => format!("{sign}{grouped}.{}", cents.trim_end_matches('0')),
    }
}

/// A moment as `2026-11-26 06:00:00 UTC`.
pub fn utc_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}
