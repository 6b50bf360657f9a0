use app::routes;
use app::shop::{CartLine, Order};
use leptos::prelude::*;

use crate::api;
use crate::components::confirm::ConfirmButton;
use crate::components::loaded::{Loaded, resource};
use crate::components::notice::SubmitResult;
use crate::components::page_intro::PageIntro;
use crate::components::submit::{Outcome, Submit};
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

#[component]
pub fn CartPage() -> impl IntoView {
    let version = cart_version();
    let cart = resource(move || {
        version.track();
        api::shop::cart()
    });
    let placed = RwSignal::new(None::<Order>);
    // Kept until an order is placed, so that retrying after a lost answer finds that order.
    let key = RwSignal::new(new_checkout_key());
    let checkout = Submit::new(
        move |attempt: String| async move {
            let placed = api::shop::checkout(&attempt).await;
            // Refused for want of stock: the cart loads again and marks the lines that are short.
            if placed.as_ref().is_err_and(|error| error.status == 409) {
                version.bump();
            }
            placed
        },
        move |order| {
            placed.set(Some(order));
            key.set(new_checkout_key());
            version.bump();
            None
        },
    );
    view! {
        <PageIntro path=routes::CART />
        {move || placed.get().map(|order| {
            let receipt = format!("{}/{}", routes::ORDERS, order.id);
            view! {
                <section class="card order-confirmation" aria-labelledby="order-placed">
                    <h2 id="order-placed">{format!("Order #{} placed", order.id)}</h2>
                    <p role="status">{format!("Thank you! Your order of {} is placed.", money(order.total))}</p>
                    <OrderLines order />
                    <p class="actions">
                        <a href=receipt>"Receipt"</a>
                        <a href=routes::ORDERS>"See your orders"</a>
                    </p>
                </section>
            }
        })}
        <SubmitResult result=checkout.result() />
        <Loaded resource=cart loading="Loading your cart…"
            empty=|| view! { "Your cart is empty. "<a href="/shop">"Browse the shop"</a> } let:cart>
            <div class="table-wrap" tabindex="0" role="group" aria-label="Cart">
                <table class="stack" aria-label="Cart">
                    <thead><tr><th>"Product"</th><th class="num">"Price"</th><th>"Quantity"</th><th class="num">"Total"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                    <tbody>
                        {cart.items.into_iter().map(|item| view! { <CartRow item notice=checkout.result() /> }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr><th colspan="3">"Total"</th><td class="num cart-total">{money(cart.total)}</td><td></td></tr>
                    </tfoot>
                </table>
            </div>
            <button type="button" disabled=checkout.pending()
                on:click=move |_| {
                    placed.set(None);
                    checkout.dispatch(key.get_untracked());
                }>
                {move || if checkout.pending().get() { "Placing order…" } else { "Place order" }}
            </button>
        </Loaded>
    }
}

/// What a line the stock no longer covers says.
fn shortage(available: i64) -> String {
    match available {
        0 => "None left in stock: remove this line to place the order.".to_owned(),
        n => format!("Only {n} left in stock: lower the quantity to place the order."),
    }
}

/// One line of the cart, whose quantity can be changed. A change the server refuses is told in
/// the cart's `notice`; a line the stock no longer covers says so.
#[component]
fn CartRow(item: CartLine, notice: RwSignal<Outcome>) -> impl IntoView {
    let version = cart_version();
    let short = item.is_short().then(|| shortage(item.available));
    let is_short = short.is_some();
    let line = item.line;
    let product = line.product_id;
    let set = Action::new_local(move |quantity: &i64| {
        let changed = api::shop::set_cart_quantity(product, *quantity);
        async move {
            if let Err(failure) = changed.await {
                notice.set(Some(Err(failure.message)));
            }
            // Either way, so that the input shows what the cart holds.
            version.bump();
        }
    });
    let remove = Action::new_local(move |(): &()| async move {
        match api::shop::remove_from_cart(product).await {
            Ok(_) => version.bump(),
            Err(failure) => notice.set(Some(Err(failure.message))),
        }
    });
    let input_id = format!("quantity-{product}");
    let short_id = format!("short-{product}");
    let label = format!("Quantity of {}", line.name);
    view! {
        <tr class:short=is_short>
            <td><strong>{line.name.clone()}</strong></td>
            <td class="num" data-label="Price">{money(line.unit_price)}</td>
            <td data-label="Quantity">
                <label for=input_id.clone() class="visually-hidden">{label}</label>
                <input id=input_id class="quantity-input" type="number" min="0" step="1" inputmode="numeric"
                    prop:value=line.quantity.to_string()
                    aria-invalid=is_short.to_string()
                    aria-describedby=is_short.then(|| short_id.clone())
                    on:change=move |event| {
                        notice.set(None);
                        match event_target_value(&event).trim().parse::<i64>() {
                            Ok(quantity) if quantity >= 0 => { set.dispatch(quantity); }
                            _ => notice.set(Some(Err("A quantity is a whole number, 0 or more.".to_owned()))),
                        }
                    } />
                {short.map(|text| view! { <p class="field-error" id=short_id>{text}</p> })}
            </td>
            <td class="num" data-label="Total">{money(line.line_total)}</td>
            <td>
                <ConfirmButton label="Remove" name=format!("Remove {}", line.name)
                    question=format!("Remove {} from your cart?", line.name)
                    pending=remove.pending()
                    on_confirm=move || { notice.set(None); remove.dispatch(()); } />
            </td>
        </tr>
    }
}
