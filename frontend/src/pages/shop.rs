use app::accounts::Role;
use app::routes;
use app::shop::{Cart, Product, ProductQuery};
use app::stock::StockState;
use leptos::prelude::*;

use crate::api;
use crate::auth::{sign_in_path, use_auth};
use crate::components::loaded::{Loaded, resource};
use crate::components::notice::SubmitResult;
use crate::components::page_intro::PageIntro;
use crate::components::pager::Pager;
use crate::components::search::SearchBox;
use crate::components::submit::Submit;
use crate::routing::{page_loaded, record_of_page};
use crate::{cart_version, money};

const PER_PAGE: u64 = 12;

/// The product's picture, or a tile with its initial when it has none.
#[component]
pub fn ProductImage(product: Product) -> impl IntoView {
    match product.image_url {
        Some(url) => {
            view! { <img class="product-image" src=url alt=product.name loading="lazy" /> }
                .into_any()
        }
        None => {
            // The style sheet capitalises it: the browser knows every script's capitals.
            let initial: String = product.name.chars().take(1).collect();
            view! { <div class="product-image product-placeholder" aria-hidden="true">{initial}</div> }
                .into_any()
        }
    }
}

/// The stock in words, low and out included, so the state never rests on colour alone.
fn stock_text(product: &Product) -> String {
    match product.stock_state {
        StockState::Out => StockState::Out.label().to_owned(),
        StockState::Low => format!("Low stock: only {} left", product.stock),
        StockState::Ok => format!("{} in stock", product.stock),
    }
}

#[component]
pub fn Shop() -> impl IntoView {
    let version = cart_version();
    let page = RwSignal::new(1_u64);
    let search = RwSignal::new(String::new());
    let products = resource(move || {
        version.track();
        let query = ProductQuery {
            q: Some(search.get()),
            page: Some(page.get()),
            per_page: Some(PER_PAGE),
            ..ProductQuery::default()
        };
        async move { api::shop::products(&query).await }
    });
    view! {
        <PageIntro path=routes::SHOP />
        <SearchBox id="shop-search" label="Search products" region="Search the shop" value=search page />
        <Loaded resource=products loading="Loading products…" empty=|| "No products match." let:list>
            <ul class="product-grid" aria-label="Products">
                {list.items.into_iter().map(|product| {
                    let href = format!("/shop/{}", product.id);
                    let stock = stock_text(&product);
                    view! {
                        <li class="product-card">
                            <ProductImage product=product.clone() />
                            <div class="product-body">
                                <a href=href class="product-name">{product.name.clone()}</a>
                                <span class="product-price">{money(product.price)}</span>
                                <span class="muted small" class:out-of-stock=product.stock_state == StockState::Out class:low-stock=product.stock_state == StockState::Low>{stock}</span>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Pager page total=list.total per_page=PER_PAGE />
        </Loaded>
    }
}

#[component]
pub fn ProductPage() -> impl IntoView {
    let product = record_of_page("product", api::shop::product);
    view! {
        <p><a href="/shop">"← Back to the shop"</a></p>
        <Loaded resource=product loading="Loading…" let:product>
            <ProductDetails product />
        </Loaded>
    }
}

#[component]
fn ProductDetails(product: Product) -> impl IntoView {
    let auth = use_auth();
    let version = cart_version();
    let quantity = RwSignal::new("1".to_owned());
    let (id, name, stock) = (product.id, product.name.clone(), product.stock);
    page_loaded(&product.name);
    let add = Submit::new(
        move |count: i64| async move {
            api::shop::add_to_cart(id, count)
                .await
                .map(|cart| (count, cart))
        },
        move |(count, cart): (i64, Cart)| {
            version.bump();
            let held = cart
                .items
                .iter()
                .find(|item| item.line.product_id == id)
                .map_or(count, |item| item.line.quantity);
            Some(format!(
                "Added {count} × {name}; your cart now holds {held}."
            ))
        },
    );
    let on_submit = add.on_submit(move || match quantity.get().trim().parse::<i64>() {
        Ok(count) if (1..=stock).contains(&count) => Some(count),
        _ => {
            add.fail(format!("Choose a quantity from 1 to {stock}."));
            None
        }
    });
    let sign_in = sign_in_path(&format!("/shop/{id}"));
    let buyable = !product.archived && stock > 0;
    view! {
        <article class="product-page">
            <ProductImage product=product.clone() />
            <div>
                <h1>{product.name.clone()}</h1>
                <p class="product-price">{money(product.price)}</p>
                <p class="muted">{if product.archived { "No longer sold".to_owned() } else { stock_text(&product) }}</p>
                <p class="product-description">{product.description.clone()}</p>
                <Show when=move || buyable>
                    <Show
                        when=move || auth.allows(Role::Member)
                        fallback={
                            let sign_in = sign_in.clone();
                            move || view! { <p><a href=sign_in.clone()>"Sign in to buy"</a></p> }
                        }
                    >
                        <form class="add-to-cart" on:submit=on_submit novalidate>
                            <div class="field">
                                <label for="product-quantity">"Quantity"</label>
                                <input id="product-quantity" type="number" min="1" max=stock step="1" inputmode="numeric"
                                    prop:value=move || quantity.get()
                                    on:input=move |event| quantity.set(event_target_value(&event)) />
                            </div>
                            <button type="submit" disabled=add.pending()>"Add to cart"</button>
                        </form>
                        <SubmitResult result=add.result() />
                    </Show>
                </Show>
            </div>
        </article>
    }
}
