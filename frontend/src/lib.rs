//! The browser app: routes, the page shell and the pages.

pub mod api;
pub mod auth;
pub mod components;
mod header;
pub mod pages;
mod parts;
pub mod routing;

use leptos::prelude::*;
use leptos_router::components::Router;

use app::accounts::Role;
use app::routes;

use crate::auth::{Auth, RequireRole, SignInWhenSessionEnds};
use crate::header::Header;
use crate::pages::{dashboard::Dashboard, not_found::NotFound, shop::ProductPage, shop::Shop};
use crate::parts::{PartPage, account, data, greeting, later, member, staff};
use crate::routing::{DrawPage, PageChanges, Pages};

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
    parts::fetch_parts_for_role();
    view! {
        <Router>
            <PageChanges />
            <SignInWhenSessionEnds />
            <a class="skip-link" href="#main" on:click=|event| {
                // The router would treat the fragment as a navigation; focusing is all it takes.
                event.prevent_default();
                routing::focus_heading();
            }>"Skip to content"</a>
            <Header />
            <main class="container" id="main" tabindex="-1">
                <Pages pages=PAGES not_found=|| NotFound().into_any() />
            </main>
        </Router>
    }
}

/// What draws each of `app::routes`' pages.
const PAGES: &[(&str, DrawPage)] = &[
    (routes::HOME, || Dashboard().into_any()),
    (routes::DONATIONS, || {
        for_role(Role::Staff, staff::donations)
    }),
    (routes::IMPORT_DONATIONS, || {
        for_role(Role::Staff, staff::import_donations)
    }),
    (routes::DISTRIBUTIONS, || {
        for_role(Role::Staff, staff::distributions)
    }),
    (routes::REPORTS, || for_role(Role::Staff, staff::reports)),
    (routes::DONOR_RECEIPT, || {
        for_role(Role::Staff, staff::donor_receipt)
    }),
    (routes::HISTORY, || for_role(Role::Staff, staff::history)),
    (routes::PRODUCTS, || for_role(Role::Staff, staff::products)),
    (routes::JOBS, || for_role(Role::Staff, staff::jobs)),
    (routes::USERS, || for_role(Role::Admin, staff::users)),
    (routes::SETTINGS, || for_role(Role::Admin, staff::settings)),
    (routes::SHOP, || Shop().into_any()),
    (routes::PRODUCT, || ProductPage().into_any()),
    (routes::CART, || for_role(Role::Member, member::cart)),
    (routes::ORDERS, || for_role(Role::Member, member::orders)),
    (routes::RECEIPT, || for_role(Role::Member, member::receipt)),
    (routes::DATA_REPORTS, || {
        for_role(Role::Member, member::data_reports)
    }),
    (routes::COVID, || later(data::covid)),
    (routes::GREETING, || later(greeting::greeting)),
    (routes::LOGIN, || later(account::login)),
    (routes::REGISTER, || later(account::register)),
];

/// A page for accounts of `role` and above, in a part of the app fetched when first needed.
fn for_role(role: Role, draw: PartPage) -> AnyView {
    view! { <RequireRole role>{later(draw)}</RequireRole> }.into_any()
}

/// Removes the header and skeleton `index.html` shows while the app loads, once the app has
/// drawn its own in the same place.
pub fn remove_static_shell() {
    if let Some(shell) = document().get_element_by_id("app-shell") {
        shell.remove();
    }
}

/// Dollars as people read them, in their own locale: `$1,250.00` in the United States.
pub fn money(amount: app::Quantity) -> String {
    display_amount(app::ledger::Kind::Money, amount)
}

/// Today's date in UTC, the calendar the greeting API's rules count in.
pub fn today_utc() -> chrono::NaiveDate {
    let now = js_sys::Date::new_0();
    calendar_day(
        now.get_utc_full_year(),
        now.get_utc_month(),
        now.get_utc_date(),
    )
}

/// Today's date where the user is: what a donation made today is dated, whatever the day is
/// in UTC at the time.
pub fn local_today() -> chrono::NaiveDate {
    let now = js_sys::Date::new_0();
    calendar_day(now.get_full_year(), now.get_month(), now.get_date())
}

/// A day from JavaScript's `Date` parts, whose months count from 0.
fn calendar_day(year: u32, month: u32, day: u32) -> chrono::NaiveDate {
    #[allow(clippy::cast_possible_wrap)]
    chrono::NaiveDate::from_ymd_opt(year as i32, month + 1, day).unwrap_or_default()
}

/// A quantity as people read it in their locale: money with its cents (`$1,250.00`), goods
/// with as many decimals as they have (`1,250`, `48.5`).
pub fn display_amount(kind: app::ledger::Kind, quantity: app::Quantity) -> String {
    let format = match kind {
        app::ledger::Kind::Money => &formats::MONEY,
        _ => &formats::NUMBER,
    };
    formats::apply(format, &quantity.to_string())
}

/// A whole or decimal number, grouped as the user's locale groups digits.
pub fn number(value: impl std::fmt::Display) -> String {
    formats::apply(&formats::NUMBER, &value.to_string())
}

/// A moment in the user's own time zone and locale, e.g. `Dec 1, 2026, 9:30 AM`.
pub fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    // Milliseconds since 1970 stay exact in a float for the next 280,000 years.
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    formats::apply_to(&formats::TIME, &date).unwrap_or_else(|| at.to_rfc3339())
}

/// A calendar day as the user's locale writes it, e.g. `Apr 6, 2020` or `06.04.2020`. A day
/// has no time, so no zone moves it: it is written as the UTC midnight of that day, in UTC.
pub fn day(date: chrono::NaiveDate) -> String {
    let midnight = date.and_time(chrono::NaiveTime::MIN).and_utc();
    // Milliseconds since 1970 stay exact in a float for the next 280,000 years.
    #[allow(clippy::cast_precision_loss)]
    let moment = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        midnight.timestamp_millis() as f64,
    ));
    formats::apply_to(&formats::DAY, &moment).unwrap_or_else(|| date.to_string())
}

/// The browser's formatters (`Intl`), made once: they follow the user's language and time zone.
mod formats {
    use js_sys::{Array, Function, Intl, Object, Reflect};
    use wasm_bindgen::JsValue;

    thread_local! {
        pub static MONEY: Function = number_format(&[("style", "currency"), ("currency", "USD")]);
        pub static NUMBER: Function = number_format(&[("maximumFractionDigits", "2")]);
        pub static DAY: Function = Intl::DateTimeFormat::new(
            &Array::new(),
            &options(&[("dateStyle", "medium"), ("timeZone", "UTC")]),
        )
        .format();
        pub static TIME: Function = Intl::DateTimeFormat::new(
            &Array::new(),
            &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
        )
        .format();
    }

    fn options(pairs: &[(&str, &str)]) -> Object {
        let options = Object::new();
        for (key, value) in pairs {
            let _ = Reflect::set(&options, &(*key).into(), &(*value).into());
        }
        options
    }

    fn number_format(pairs: &[(&str, &str)]) -> Function {
        Intl::NumberFormat::new(&Array::new(), &options(pairs)).format()
    }

    /// Formats a decimal given as text: browsers read the text exactly, where a float would
    /// round amounts past 2^53.
    pub fn apply(format: &'static std::thread::LocalKey<Function>, text: &str) -> String {
        apply_to(format, &JsValue::from_str(text)).unwrap_or_else(|| text.to_owned())
    }

    pub fn apply_to(
        format: &'static std::thread::LocalKey<Function>,
        value: &JsValue,
    ) -> Option<String> {
        format.with(|format| format.call1(&JsValue::NULL, value).ok()?.as_string())
    }
}
