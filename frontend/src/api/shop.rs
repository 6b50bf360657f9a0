//! The catalogue, the cart, checkout and orders.

use app::paging::Page;
use app::paths;
use app::shop::{
    AddToCart, Cart, IDEMPOTENCY_KEY_HEADER, NewProduct, Order, OrderQuery, Product, ProductQuery,
    SetCartQuantity,
};
use gloo_net::http::Request;

use super::{ApiError, JsonBody, answer, done, get, if_match, request, with_query};

pub async fn products(query: &ProductQuery) -> Result<Page<Product>, ApiError> {
    get(&with_query(paths::PRODUCTS, query)).await
}

pub async fn product(id: i64) -> Result<Product, ApiError> {
    get(&paths::item(paths::PRODUCTS, id)).await
}

pub async fn create_product(input: &NewProduct) -> Result<Product, ApiError> {
    answer(request(Request::post, paths::PRODUCTS).json_body(input)).await
}

/// Changes product `id` if it is still at `version`.
pub async fn update_product(
    id: i64,
    version: i64,
    input: &NewProduct,
) -> Result<Product, ApiError> {
    let path = paths::item(paths::PRODUCTS, id);
    answer(if_match(request(Request::put, &path), version).json_body(input)).await
}

/// Takes a product out of the catalogue: archived if it was ever ordered, otherwise deleted.
pub async fn remove_product(id: i64) -> Result<(), ApiError> {
    done(request(Request::delete, &paths::item(paths::PRODUCTS, id)).build()).await
}

/// The signed-in user's cart.
pub async fn cart() -> Result<Cart, ApiError> {
    get(paths::CART).await
}

/// Adds `quantity` units of a product to what the cart holds.
pub async fn add_to_cart(product_id: i64, quantity: i64) -> Result<Cart, ApiError> {
    let input = AddToCart {
        product_id,
        quantity,
    };
    answer(request(Request::post, paths::CART_ITEMS).json_body(&input)).await
}

/// Sets how many of a product the cart holds; 0 takes it out.
pub async fn set_cart_quantity(product_id: i64, quantity: i64) -> Result<Cart, ApiError> {
    let path = paths::item(paths::CART_ITEMS, product_id);
    answer(request(Request::put, &path).json_body(&SetCartQuantity { quantity })).await
}

pub async fn remove_from_cart(product_id: i64) -> Result<Cart, ApiError> {
    answer(request(Request::delete, &paths::item(paths::CART_ITEMS, product_id)).build()).await
}

/// Orders what is in the cart. Sending the same `key` again finds the order it placed rather
/// than placing another.
pub async fn checkout(key: &str) -> Result<Order, ApiError> {
    let request = request(Request::post, paths::CHECKOUT).header(IDEMPOTENCY_KEY_HEADER, key);
    answer(request.build()).await
}

pub async fn orders(query: &OrderQuery) -> Result<Page<Order>, ApiError> {
    get(&with_query(paths::ORDERS, query)).await
}

pub async fn order(id: i64) -> Result<Order, ApiError> {
    get(&paths::item(paths::ORDERS, id)).await
}
