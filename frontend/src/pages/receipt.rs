//! One order's receipt, laid out to print on a page of its own (see the print styles).

use app::shop::Order;
use leptos::prelude::*;

use crate::api;
use crate::components::loaded::Loaded;
use crate::local_time;
use crate::pages::orders::OrderLines;
use crate::routing::{page_loaded, record_of_page};

#[component]
pub fn Receipt() -> impl IntoView {
    let order = record_of_page("order", api::shop::order);
    view! {
        <p class="no-print"><a href=app::routes::ORDERS>"← Back to the orders"</a></p>
        <Loaded resource=order loading="Loading the receipt…" let:order>
            <ReceiptSheet order />
        </Loaded>
    }
}

#[component]
fn ReceiptSheet(order: Order) -> impl IntoView {
    let heading = format!("Receipt for order #{}", order.id);
    page_loaded(&heading);
    view! {
        <article class="card receipt">
            <div class="page-head">
                <h1>{heading}</h1>
                <button type="button" class="no-print" on:click=|_| {
                    // Nothing to do when the browser cannot print; the page stays as it is.
                    let _ = window().print();
                }>"Print"</button>
            </div>
            <p class="receipt-from">"Community Hub"</p>
            <dl class="receipt-details">
                <dt>"Placed"</dt><dd>{local_time(order.created_at)}</dd>
                <dt>"Customer"</dt><dd>{format!("{} <{}>", order.customer.name, order.customer.email)}</dd>
                <dt>"Status"</dt><dd>{order.status.label()}</dd>
            </dl>
            <OrderLines order />
            <p class="small muted">"Prices in US dollars, as they were when the order was placed."</p>
        </article>
    }
}
