use app::accounts::Role;
use app::paging::Page;
use app::paths;
use app::shop::Order;
use leptos::prelude::*;

use crate::api::{self, query_string};
use crate::auth::use_auth;
use crate::components::notice::LoadError;
use crate::components::pager::Pager;
use crate::{cart_version, money};

const PER_PAGE: u64 = 10;

/// The lines of one order with their total.
#[component]
pub fn OrderLines(order: Order) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table aria-label=format!("Order #{}", order.id)>
                <thead><tr><th>"Product"</th><th class="num">"Price"</th><th class="num">"Quantity"</th><th class="num">"Total"</th></tr></thead>
                <tbody>
                    {order.items.into_iter().map(|line| view! {
                        <tr>
                            <td>{line.name}</td>
                            <td class="num">{money(line.unit_price)}</td>
                            <td class="num">{line.quantity}</td>
                            <td class="num">{money(line.line_total)}</td>
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
        let query = query_string(&[
            (
                "all",
                if everyone.get() {
                    "true".to_owned()
                } else {
                    String::new()
                },
            ),
            ("page", page.get().to_string()),
            ("per_page", PER_PAGE.to_string()),
        ]);
        async move { api::get::<Page<Order>>(&format!("{}{query}", paths::ORDERS)).await }
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
        <Transition fallback=|| view! { <p class="muted">"Loading orders…"</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) if list.items.is_empty() => view! { <p class="muted">"No orders yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="plain-list order-list">
                            {list.items.into_iter().map(|order| {
                                let heading = format!("Order #{}", order.id);
                                let placed = order.created_at.format("%Y-%m-%d %H:%M UTC").to_string();
                                view! {
                                    <li class="card">
                                        <div class="page-head">
                                            <h2>{heading}</h2>
                                            <span class="muted">{placed}" · "{order.status.label()}</span>
                                        </div>
                                        <OrderLines order />
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <Pager page total=list.total per_page=PER_PAGE />
                    }.into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
