use app::accounts::Role;
use app::date::parse_date;
use app::shop::{Order, OrderQuery};
use app::{paths, routes};
use leptos::prelude::*;

use crate::api;
use crate::auth::use_auth;
use crate::components::list_tools::{CsvLink, DateRange, UrlQuery, date_text, search_text};
use crate::components::loaded::{Loaded, resource};
use crate::components::page_intro::PageIntro;
use crate::components::pager::Pager;
use crate::components::search::SearchField;
use crate::{cart_version, local_time, money};

const PER_PAGE: u64 = 10;

/// The lines of one order with their total.
#[component]
pub fn OrderLines(order: Order) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="group" aria-label=format!("Order #{}", order.id)>
            <table class="stack" aria-label=format!("Order #{}", order.id)>
                <thead><tr><th>"Product"</th><th class="num">"Price"</th><th class="num">"Quantity"</th><th class="num">"Total"</th></tr></thead>
                <tbody>
                    {order.items.into_iter().map(|line| view! {
                        <tr>
                            <td><strong>{line.name}</strong></td>
                            <td class="num" data-label="Price">{money(line.unit_price)}</td>
                            <td class="num" data-label="Quantity">{line.quantity}</td>
                            <td class="num" data-label="Total">{money(line.line_total)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr><th colspan="3">"Total"</th><td class="num">{money(order.total)}</td></tr>
                </tfoot>
            </table>
        </div>
    }
}

/// The orders' sort choices, as a card list has no column headings to click.
const SORTS: [(&str, &str); 4] = [
    ("-date", "Newest first"),
    ("date", "Oldest first"),
    ("-total", "Largest total first"),
    ("total", "Smallest total first"),
];

#[component]
pub fn Orders() -> impl IntoView {
    let auth = use_auth();
    let version = cart_version();
    let url = UrlQuery::<OrderQuery>::from_address();
    let page = url.pager();
    let customer = url.field(
        |query| query.customer.clone().unwrap_or_default(),
        |query, text| query.customer = search_text(text),
    );
    let from = url.field(
        |query| date_text(query.from),
        |query, text| query.from = parse_date(text).ok(),
    );
    let to = url.field(
        |query| date_text(query.to),
        |query, text| query.to = parse_date(text).ok(),
    );
    let orders = resource(move || {
        version.track();
        let query = OrderQuery {
            per_page: Some(PER_PAGE),
            ..url.get()
        };
        async move { api::shop::orders(&query).await }
    });
    let csv = move || {
        let query = OrderQuery {
            page: None,
            ..url.get()
        };
        api::download_url(paths::ORDERS_CSV, &query)
    };
    let everyone = move || url.with(|query| query.all);
    view! {
        <PageIntro path=routes::ORDERS />
        <div class="list-head">
            <div class="filters" role="search" aria-label="Filter orders">
                <Show when=move || auth.allows(Role::Staff)>
                    <label class="checkbox">
                        <input type="checkbox" prop:checked=everyone
                            on:change=move |event| {
                                let all = event_target_checked(&event);
                                url.refine(|query| {
                                    query.all = all;
                                    if !all {
                                        query.customer = None;
                                    }
                                });
                            } />
                        "Show everyone's orders"
                    </label>
                </Show>
                <Show when=everyone>
                    <SearchField id="order-customer" label="Customer" value=customer />
                </Show>
                <DateRange id="order" from to />
                <div class="field">
                    <label for="order-sort">"Sort"</label>
                    <select id="order-sort"
                        prop:value=move || url.with(|query| query.sort().to_string())
                        on:change=move |event| {
                            let sort = event_target_value(&event).parse().ok();
                            url.refine(|query| query.sort = sort);
                        }>
                        {SORTS.map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <CsvLink href=Signal::derive(csv) />
        </div>
        <Loaded resource=orders loading="Loading orders…" empty=|| "No orders match." let:list>
            <ul class="plain-list order-list">
                {list.items.into_iter().map(|order| {
                    let heading = format!("Order #{}", order.id);
                    let placed = local_time(order.created_at);
                    let receipt = format!("{}/{}", routes::ORDERS, order.id);
                    // Staff see others' orders too, so each says whose it is.
                    let customer = auth.allows(Role::Staff).then(|| view! {
                        <p class="order-customer">"Customer: "<strong>{order.customer.name.clone()}</strong>" · "{order.customer.email.clone()}</p>
                    });
                    view! {
                        <li class="card">
                            <div class="page-head">
                                <h2>{heading.clone()}</h2>
                                <span class="muted">{placed}" · "{order.status.label()}</span>
                            </div>
                            {customer}
                            <OrderLines order />
                            <p><a href=receipt aria-label=format!("Receipt for {heading}")>"Receipt"</a></p>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Pager page total=list.total per_page=PER_PAGE />
        </Loaded>
    }
}
