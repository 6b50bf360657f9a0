use app::accounts::Role;
use app::routes;
use app::shop::{Order, OrderQuery};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::auth::use_auth;
use crate::components::loaded::Loaded;
use crate::components::pager::Pager;
use crate::{cart_version, money};

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

#[component]
pub fn Orders() -> impl IntoView {
    let auth = use_auth();
    let version = cart_version();
    let page = RwSignal::new(1_u64);
    let everyone = RwSignal::new(false);
    let orders = LocalResource::new(move || {
        version.track();
        let query = OrderQuery {
            all: everyone.get(),
            page: Some(page.get()),
            per_page: Some(PER_PAGE),
        };
        async move { api::shop::orders(&query).await }
    });
    view! {
        <h1>"Orders"</h1>
        <Show when=move || auth.allows(Role::Staff)>
            <div class="filters">
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || everyone.get()
                        on:change=move |event| { everyone.set(event_target_checked(&event)); page.set(1); } />
                    "Show everyone's orders"
                </label>
            </div>
        </Show>
        <Loaded resource=orders loading="Loading orders…" empty=|| "No orders yet." let:list>
            <ul class="plain-list order-list">
                {list.items.into_iter().map(|order| {
                    let heading = format!("Order #{}", order.id);
                    let placed = order.created_at.format("%Y-%m-%d %H:%M UTC").to_string();
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
                            <p><A href=receipt attr:aria-label=format!("Receipt for {heading}")>"Receipt"</A></p>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Pager page total=list.total per_page=PER_PAGE />
        </Loaded>
    }
}
