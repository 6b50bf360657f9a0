use app::paths;
use app::shop::{Cart, IDEMPOTENCY_KEY_HEADER, LineItem, Order, SetCartQuantity};
use gloo_net::http::Request;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiError};
use crate::components::notice::LoadError;
use crate::pages::orders::OrderLines;
use crate::{cart_version, money};

/// A key for one checkout attempt: retrying it (a double click, a lost answer) cannot place a
/// second order.
fn new_checkout_key() -> String {
    format!(
        "{}-{}",
        js_sys::Date::now(),
        js_sys::Math::random().to_bits()
    )
}

async fn place_order(key: &str) -> Result<Order, ApiError> {
    api::send_json(
        api::request(Request::post, paths::CHECKOUT)
            .header(IDEMPOTENCY_KEY_HEADER, key)
            .build(),
    )
    .await
}

#[component]
pub fn CartPage() -> impl IntoView {
    let version = cart_version();
    let cart = LocalResource::new(move || {
        version.track();
        async move { api::get::<Cart>(paths::CART).await }
    });
    let error = RwSignal::new(None::<String>);
    let placed = RwSignal::new(None::<Order>);
    // Kept until an order is placed, so that retrying after a lost answer finds that order.
    let key = RwSignal::new(new_checkout_key());
    let checkout = Action::new_local(move |attempt: &String| {
        let attempt = attempt.clone();
        async move {
            match place_order(&attempt).await {
                Ok(order) => {
                    placed.set(Some(order));
                    key.set(new_checkout_key());
                    version.bump();
                }
                Err(failure) => error.set(Some(failure.message)),
            }
        }
    });
    view! {
        <h1>"Your cart"</h1>
        {move || placed.get().map(|order| view! {
            <section class="card order-confirmation" aria-labelledby="order-placed">
                <h2 id="order-placed">{format!("Order #{} placed", order.id)}</h2>
                <p role="status">{format!("Thank you! Your order of {} is placed.", money(order.total))}</p>
                <OrderLines order />
                <p><A href="/orders">"See your orders"</A></p>
            </section>
        })}
        {move || error.get().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
        <Transition fallback=|| view! { <p class="muted">"Loading your cart…"</p> }>
            {move || Suspend::new(async move {
                match cart.await {
                    Ok(cart) if cart.items.is_empty() => view! {
                        <p class="muted">"Your cart is empty. "<A href="/shop">"Browse the shop"</A></p>
                    }.into_any(),
                    Ok(cart) => view! {
                        <div class="table-wrap">
                            <table aria-label="Cart">
                                <thead><tr><th>"Product"</th><th class="num">"Price"</th><th>"Quantity"</th><th class="num">"Total"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                <tbody>
                                    {cart.items.into_iter().map(|line| view! { <CartRow line error /> }).collect_view()}
                                </tbody>
                                <tfoot>
                                    <tr><th colspan="3">"Total"</th><td class="num cart-total">{money(cart.total)}</td><td></td></tr>
                                </tfoot>
                            </table>
                        </div>
                        <button type="button" disabled=move || checkout.pending().get()
                            on:click=move |_| {
                                error.set(None);
                                placed.set(None);
                                checkout.dispatch(key.get_untracked());
                            }>
                            {move || if checkout.pending().get() { "Placing order…" } else { "Place order" }}
                        </button>
                    }.into_any(),
                    Err(failure) => view! { <LoadError error=failure /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CartRow(line: LineItem, error: RwSignal<Option<String>>) -> impl IntoView {
    let version = cart_version();
    let path = format!("{}/{}", paths::CART_ITEMS, line.product_id);
    let set = Action::new_local({
        let path = path.clone();
        move |quantity: &i64| {
            let path = path.clone();
            let body = SetCartQuantity {
                quantity: *quantity,
            };
            async move {
                match api::put::<_, Cart>(&path, &body).await {
                    Ok(_) => version.bump(),
                    Err(failure) => {
                        error.set(Some(failure.message));
                        version.bump();
                    }
                }
            }
        }
    });
    let remove = Action::new_local(move |(): &()| {
        let path = path.clone();
        async move {
            match api::delete_json::<Cart>(&path).await {
                Ok(_) => version.bump(),
                Err(failure) => error.set(Some(failure.message)),
            }
        }
    });
    let input_id = format!("quantity-{}", line.product_id);
    let label = format!("Quantity of {}", line.name);
    let remove_label = format!("Remove {}", line.name);
    view! {
        <tr>
            <td>{line.name.clone()}</td>
            <td class="num">{money(line.unit_price)}</td>
            <td>
                <label for=input_id.clone() class="visually-hidden">{label}</label>
                <input id=input_id class="quantity-input" type="number" min="0" step="1" inputmode="numeric"
                    prop:value=line.quantity.to_string()
                    on:change=move |event| {
                        error.set(None);
                        match event_target_value(&event).trim().parse::<i64>() {
                            Ok(quantity) if quantity >= 0 => { set.dispatch(quantity); }
                            _ => error.set(Some("A quantity is a whole number, 0 or more.".to_owned())),
                        }
                    } />
            </td>
            <td class="num">{money(line.line_total)}</td>
            <td>
                <button type="button" class="secondary small" aria-label=remove_label
                    disabled=move || remove.pending().get()
                    on:click=move |_| { error.set(None); remove.dispatch(()); }>
                    "Remove"
                </button>
            </td>
        </tr>
    }
}
