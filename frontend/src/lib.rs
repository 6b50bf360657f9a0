//! The browser app: routes, the page shell and the pages.

pub mod api;
pub mod auth;
pub mod components;
mod header;
pub mod pages;
pub mod routing;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};

use app::accounts::Role;
use app::number::thousands;
use app::routes;

use crate::auth::{Auth, RequireRole};
use crate::header::Header;
use crate::pages::login::{Login, Register};
use crate::pages::{
    cart::CartPage, covid::Covid, dashboard::Dashboard, data_reports::DataReports,
    distributions::Distributions, donations::Donations, greeting::Greeting, history::History,
    import::ImportDonations, jobs::Jobs, not_found::NotFound, orders::Orders,
    products_admin::ProductsAdmin, reports::Reports, shop::ProductPage, shop::Shop,
};
use crate::routing::{PageChanges, Pattern};

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
            <PageChanges />
            <a class="skip-link" href="#main" on:click=|event| {
                // The router would treat the fragment as a navigation; focusing is all it takes.
                event.prevent_default();
                routing::focus_heading();
            }>"Skip to content"</a>
            <Header />
            <main class="container" id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=Pattern(routes::HOME) view=Dashboard />
                    <Route path=Pattern(routes::DONATIONS) view=|| view! { <RequireRole role=Role::Staff><Donations /></RequireRole> } />
                    <Route path=Pattern(routes::IMPORT_DONATIONS) view=|| view! { <RequireRole role=Role::Staff><ImportDonations /></RequireRole> } />
                    <Route path=Pattern(routes::DISTRIBUTIONS) view=|| view! { <RequireRole role=Role::Staff><Distributions /></RequireRole> } />
                    <Route path=Pattern(routes::REPORTS) view=|| view! { <RequireRole role=Role::Staff><Reports /></RequireRole> } />
                    <Route path=Pattern(routes::HISTORY) view=|| view! { <RequireRole role=Role::Staff><History /></RequireRole> } />
                    <Route path=Pattern(routes::GREETING) view=Greeting />
                    <Route path=Pattern(routes::SHOP) view=Shop />
                    <Route path=Pattern(routes::PRODUCT) view=ProductPage />
                    <Route path=Pattern(routes::CART) view=|| view! { <RequireRole role=Role::Member><CartPage /></RequireRole> } />
                    <Route path=Pattern(routes::ORDERS) view=|| view! { <RequireRole role=Role::Member><Orders /></RequireRole> } />
                    <Route path=Pattern(routes::PRODUCTS) view=|| view! { <RequireRole role=Role::Staff><ProductsAdmin /></RequireRole> } />
                    <Route path=Pattern(routes::COVID) view=Covid />
                    <Route path=Pattern(routes::JOBS) view=|| view! { <RequireRole role=Role::Staff><Jobs /></RequireRole> } />
                    <Route path=Pattern(routes::DATA_REPORTS) view=|| view! { <RequireRole role=Role::Member><DataReports /></RequireRole> } />
                    <Route path=Pattern(routes::LOGIN) view=Login />
                    <Route path=Pattern(routes::REGISTER) view=Register />
                </Routes>
            </main>
        </Router>
    }
}

/// Removes the header and skeleton `index.html` shows while the app loads, once the app has
/// drawn its own in the same place.
pub fn remove_static_shell() {
    if let Some(shell) = document().get_element_by_id("app-shell") {
        shell.remove();
    }
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
