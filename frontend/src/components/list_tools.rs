//! What every list page shares: its query (filters, sort, page) kept in the page's address, so a
//! link or a reload shows the same list and Back undoes a change; sortable column headings; and
//! the link that downloads exactly the filtered list as CSV.

use app::ledger::LedgerQuery;
use app::reports::DonorsQuery;
use app::shop::{OrderQuery, ProductQuery};
use app::sorting::{Sort, SortKey};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api;

/// A list query that can live in the address.
pub trait Listing:
    Serialize + DeserializeOwned + Default + Clone + PartialEq + Send + Sync + 'static
{
    fn page(&self) -> Option<u64>;
    fn set_page(&mut self, page: Option<u64>);
}

macro_rules! listing {
    ($($query:ty),*) => {$(
        impl Listing for $query {
            fn page(&self) -> Option<u64> {
                self.page
            }

            fn set_page(&mut self, page: Option<u64>) {
                self.page = page;
            }
        }
    )*};
}

listing!(LedgerQuery, ProductQuery, OrderQuery, DonorsQuery);

/// Goes to an address of this site.
type Navigate = Box<dyn Fn(&str)>;

/// The query of the list on this page, read from the address; an address that does not read as
/// one (edited by hand) shows the whole list.
pub struct UrlQuery<Q: Listing> {
    query: Memo<Q>,
    pathname: Memo<String>,
    go: StoredValue<Navigate, LocalStorage>,
}

impl<Q: Listing> Clone for UrlQuery<Q> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Q: Listing> Copy for UrlQuery<Q> {}

impl<Q: Listing> UrlQuery<Q> {
    /// The query of the page being shown.
    pub fn from_address() -> Self {
        let location = use_location();
        let list_page = location.pathname.get_untracked();
        let query = Memo::new(move |shown: Option<&Q>| {
            // Once the address leaves this page (a link, or sign-in after the session ended),
            // the list keeps what it showed. Were the query to change, the navigation would wake
            // the list's effects, which could then run after the router closed the page and
            // read its disposed signals.
            if location.pathname.with(|path| *path != list_page) {
                return shown.cloned().unwrap_or_default();
            }
            location.search.with(|search| {
                serde_urlencoded::from_str(search.trim_start_matches('?')).unwrap_or_default()
            })
        });
        let navigate = use_navigate();
        let go = StoredValue::new_local(Box::new(move |address: &str| {
            // A new history entry, so Back goes to the list as it was; the page stays where the
            // reader is rather than jumping to the top.
            let options = NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            };
            navigate(address, options);
        }) as Navigate);
        Self {
            query,
            pathname: location.pathname,
            go,
        }
    }

    pub fn get(self) -> Q {
        self.query.get()
    }

    pub fn with<R>(self, read: impl FnOnce(&Q) -> R) -> R {
        self.query.with(read)
    }

    /// Changes the filters or the sort with `change`, back on the first page.
    pub fn refine(self, change: impl FnOnce(&mut Q)) {
        let mut next = self.query.get_untracked();
        change(&mut next);
        next.set_page(None);
        self.show(next);
    }

    fn show(self, next: Q) {
        if next != self.query.get_untracked() {
            let address = api::with_query(&self.pathname.get_untracked(), &next);
            self.go.with_value(|go| go(&address));
        }
    }

    /// One filter as a signal for a form control: it follows the address, and setting it
    /// changes the address, back on the first page.
    pub fn field(self, read: fn(&Q) -> String, write: fn(&mut Q, &str)) -> RwSignal<String> {
        let value = RwSignal::new(self.query.with_untracked(read));
        Effect::new(move |_| value.set(self.query.with(read)));
        Effect::new(move |_| {
            let wanted = value.get();
            if wanted != self.query.with_untracked(read) {
                self.refine(|query| write(query, &wanted));
            }
        });
        value
    }

    /// The page, for the pager: it follows the address, and moving it moves the address.
    pub fn pager(self) -> RwSignal<u64> {
        let current = move || self.query.with(|query| query.page().unwrap_or(1));
        let page = RwSignal::new(current());
        Effect::new(move |_| page.set(current()));
        Effect::new(move |_| {
            let wanted = page.get();
            if wanted != self.query.with_untracked(|query| query.page().unwrap_or(1)) {
                let mut next = self.query.get_untracked();
                next.set_page((wanted > 1).then_some(wanted));
                self.show(next);
            }
        });
        page
    }
}

/// A column heading that sorts the list by `key`: a first click sorts in the column's usual
/// first direction (newest, largest first when `descending_first`), a second the other way.
#[component]
pub fn SortHeader<K>(
    label: &'static str,
    key: K,
    #[prop(into)] sort: Signal<Sort<K>>,
    #[prop(into)] on_sort: Callback<Sort<K>>,
    #[prop(optional)] descending_first: bool,
    #[prop(optional)] numeric: bool,
) -> impl IntoView
where
    K: SortKey + Send + Sync,
{
    let arrow = move || match sort.get().aria(key) {
        "ascending" => "▲",
        "descending" => "▼",
        _ => "↕",
    };
    view! {
        <th class:num=numeric aria-sort=move || sort.get().aria(key)>
            <button type="button" class="sort"
                on:click=move |_| on_sort.run(Sort::toggled(sort.get_untracked(), key, descending_first))>
                {label}<span class="sort-arrow" aria-hidden="true">{arrow}</span>
            </button>
        </th>
    }
}

/// The link that downloads what the list shows, every page of it, as a CSV file.
#[component]
pub fn CsvLink(#[prop(into)] href: Signal<String>) -> impl IntoView {
    view! {
        <a class="button secondary small" href=move || href.get() download>"Download CSV"</a>
    }
}

/// A day of a list query as a date field shows it: ISO, or empty for none.
pub fn date_text(day: Option<NaiveDate>) -> String {
    day.map(|day| day.to_string()).unwrap_or_default()
}

/// A search field's text as a list query holds it: none when it is blank.
pub fn search_text(text: &str) -> Option<String> {
    Some(text.to_owned()).filter(|text| !text.trim().is_empty())
}

/// The "From" and "To" date fields of a list's filters, with ids `<id>-from` and `<id>-to`. A
/// field changes its signal once a whole date is entered or cleared.
#[component]
pub fn DateRange(id: &'static str, from: RwSignal<String>, to: RwSignal<String>) -> impl IntoView {
    let (from_id, to_id) = (format!("{id}-from"), format!("{id}-to"));
    view! {
        <div class="field">
            <label for=from_id.clone()>"From"</label>
            <input id=from_id type="date" prop:value=move || from.get()
                on:change=move |event| from.set(event_target_value(&event)) />
        </div>
        <div class="field">
            <label for=to_id.clone()>"To"</label>
            <input id=to_id type="date" prop:value=move || to.get()
                on:change=move |event| to.set(event_target_value(&event)) />
        </div>
    }
}
