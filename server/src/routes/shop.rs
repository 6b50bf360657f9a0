use app::accounts::Role;
use app::paging::Page;
use app::paths;
use app::shop::{
    AddToCart, Cart, NewProduct, Order, OrderQuery, Product, ProductQuery, SetCartQuantity,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::csv_export::{self, csv_chunks_response};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, IfMatch};
use crate::openapi::{self, tag};
use crate::security::session::CurrentUser;
use crate::services::audit::Actor;
use crate::services::shop;
use crate::state::AppState;

/// The catalogue is public; changing it takes staff; carts and orders take an account.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let public = OpenApiRouter::new()
        .routes(routes!(list_products))
        .routes(routes!(get_product));
    let staff = OpenApiRouter::new()
        .routes(routes!(create_product))
        .routes(routes!(products_csv))
        .routes(routes!(update_product, delete_product));
    let members = OpenApiRouter::new()
        .routes(routes!(cart))
        .routes(routes!(add_to_cart))
        .routes(routes!(set_cart_quantity, remove_from_cart))
        .routes(routes!(checkout))
        .routes(routes!(list_orders))
        .routes(routes!(orders_csv))
        .routes(routes!(get_order));
    public
        .merge(super::guarded(state, Role::Staff, staff))
        .merge(super::guarded(state, Role::Member, members))
}

/// The catalogue, one page at a time; archived products are left out.
///
/// Newest first unless `sort` says otherwise.
#[utoipa::path(
    get,
    path = paths::PRODUCTS,
    tag = tag::SHOP,
    params(ProductQuery),
    responses(
        (status = 200, description = "One page of products.", body = Page<Product>),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn list_products(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ProductQuery>,
) -> Result<Json<Page<Product>>, ApiError> {
    query.validate()?;
    Ok(Json(shop::list_products(&state.db, &query).await?))
}

/// The products on sale the same query selects, with their stock, as a CSV file.
///
/// All of them, in the same order as the list.
#[utoipa::path(
    get,
    path = paths::PRODUCTS_CSV,
    tag = tag::SHOP,
    params(ProductQuery),
    responses(
        (
            status = 200,
            description = "Columns `id`, `name`, `description`, `price`, `stock`, \
                `low_stock_threshold`, `stock_state` (`ok`, `low` or `out`), `added_at` (UTC). \
                `page` and `per_page` are ignored.",
            body = String,
            content_type = "text/csv",
            headers((
                "Content-Disposition" = String,
                description = "An attachment, `products.csv`."
            ))
        ),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn products_csv(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ProductQuery>,
) -> Result<Response, ApiError> {
    query.validate()?;
    Ok(csv_chunks_response(
        "products.csv",
        csv_export::product_header(),
        shop::export_products(state.db.clone(), &query),
        csv_export::product_record,
    ))
}

/// Archived products are still found here, marked `archived`, for order history.
#[utoipa::path(
    get,
    context_path = paths::PRODUCTS,
    path = "/{id}",
    tag = tag::SHOP,
    params(("id" = i64, Path, description = "The product's id.")),
    responses(
        (status = 200, description = "The product.", body = Product),
        (status = 404, response = openapi::NotFound),
        (status = 500, response = openapi::Internal),
    )
)]
async fn get_product(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Product>, ApiError> {
    Ok(Json(shop::get_product(&state.db, id).await?))
}

/// Adds a product to the catalogue.
#[utoipa::path(
    post,
    path = paths::PRODUCTS,
    tag = tag::SHOP,
    request_body = NewProduct,
    responses(
        (status = 201, description = "The product, added.", body = Product),
        (status = 400, response = openapi::BadRequest),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn create_product(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(input): ApiJson<NewProduct>,
) -> Result<(StatusCode, Json<Product>), ApiError> {
    input.validate()?;
    let stored = shop::create_product(&state.db, &Actor::from(&user), input).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Changes a product.
#[utoipa::path(
    put,
    context_path = paths::PRODUCTS,
    path = "/{id}",
    tag = tag::SHOP,
    params(
        ("id" = i64, Path, description = "The product's id."),
        IfMatch,
    ),
    request_body = NewProduct,
    responses(
        (status = 200, description = "The product, changed.", body = Product),
        (status = 400, response = openapi::BadRequest),
        (status = 404, response = openapi::NotFound),
        (status = 412, response = openapi::StaleVersion),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn update_product(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    IfMatch(expected): IfMatch,
    ApiJson(input): ApiJson<NewProduct>,
) -> Result<Json<Product>, ApiError> {
    input.validate()?;
    Ok(Json(
        shop::update_product(&state.db, &Actor::from(&user), id, expected, input).await?,
    ))
}

/// 204 whether the product was deleted or, having been ordered, archived.
#[utoipa::path(
    delete,
    context_path = paths::PRODUCTS,
    path = "/{id}",
    tag = tag::SHOP,
    params(("id" = i64, Path, description = "The product's id.")),
    responses(
        (status = 204, description = "Deleted, or archived."),
        (status = 404, response = openapi::NotFound),
        (status = 500, response = openapi::Internal),
    )
)]
async fn delete_product(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    shop::delete_product(&state.db, &Actor::from(&user), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user's cart, at today's prices.
#[utoipa::path(
    get,
    path = paths::CART,
    tag = tag::SHOP,
    responses(
        (status = 200, description = "The cart.", body = Cart),
        (status = 500, response = openapi::Internal),
    )
)]
async fn cart(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Cart>, ApiError> {
    Ok(Json(shop::cart(&state.db, user.id).await?))
}

/// Adds units of a product to what the cart already holds; the sum must be in stock.
#[utoipa::path(
    post,
    path = paths::CART_ITEMS,
    tag = tag::SHOP,
    request_body = AddToCart,
    responses(
        (status = 200, description = "The cart, changed.", body = Cart),
        (status = 400, response = openapi::BadRequest),
        (status = 404, response = openapi::NotFound),
        (status = 409, response = openapi::Conflict),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn add_to_cart(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(input): ApiJson<AddToCart>,
) -> Result<Json<Cart>, ApiError> {
    input.validate()?;
    Ok(Json(
        shop::add_to_cart(
            &state.db,
            &state.writer,
            user.id,
            input.product_id,
            input.quantity,
        )
        .await?,
    ))
}

/// Sets how many of a product are in the cart, whatever it held before; 0 takes it out.
#[utoipa::path(
    put,
    context_path = paths::CART_ITEMS,
    path = "/{product_id}",
    tag = tag::SHOP,
    params(("product_id" = i64, Path, description = "The product's id.")),
    request_body = SetCartQuantity,
    responses(
        (status = 200, description = "The cart, changed.", body = Cart),
        (status = 400, response = openapi::BadRequest),
        (status = 404, response = openapi::NotFound),
        (status = 409, response = openapi::Conflict),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn set_cart_quantity(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(product_id): ApiPath<i64>,
    ApiJson(input): ApiJson<SetCartQuantity>,
) -> Result<Json<Cart>, ApiError> {
    input.validate()?;
    Ok(Json(
        shop::set_cart_quantity(
            &state.db,
            &state.writer,
            user.id,
            product_id,
            input.quantity,
        )
        .await?,
    ))
}

/// Takes a product out of the cart; taking out what is not there is not an error.
#[utoipa::path(
    delete,
    context_path = paths::CART_ITEMS,
    path = "/{product_id}",
    tag = tag::SHOP,
    params(("product_id" = i64, Path, description = "The product's id.")),
    responses(
        (status = 200, description = "The cart, changed.", body = Cart),
        (status = 404, response = openapi::NotFound),
        (status = 500, response = openapi::Internal),
    )
)]
async fn remove_from_cart(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(product_id): ApiPath<i64>,
) -> Result<Json<Cart>, ApiError> {
    Ok(Json(
        shop::remove_from_cart(&state.db, user.id, product_id).await?,
    ))
}

/// 201 with a new order; 200 with the earlier order when the `Idempotency-Key` was used before.
#[utoipa::path(
    post,
    path = paths::CHECKOUT,
    tag = tag::SHOP,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The order, placed.", body = Order),
        (status = 200, description = "The order placed earlier with this key.", body = Order),
        (status = 409, response = openapi::Conflict),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn checkout(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    IdempotencyKey(key): IdempotencyKey,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    let outcome = shop::checkout(&state.db, &state.writer, &user, key).await?;
    if outcome.created {
        state.archive.nudge();
        Ok((StatusCode::CREATED, Json(outcome.order)))
    } else {
        Ok((StatusCode::OK, Json(outcome.order)))
    }
}

/// The user's orders, one page at a time; with `all=true`, staff see everyone's.
///
/// Newest first unless `sort` says otherwise.
#[utoipa::path(
    get,
    path = paths::ORDERS,
    tag = tag::SHOP,
    params(OrderQuery),
    responses(
        (status = 200, description = "One page of orders.", body = Page<Order>),
        (status = 403, response = openapi::Forbidden),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn list_orders(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> Result<Json<Page<Order>>, ApiError> {
    query.validate()?;
    Ok(Json(shop::list_orders(&state.db, &user, &query).await?))
}

/// The orders the same query selects, every one of them, in the same order, as a CSV file.
#[utoipa::path(
    get,
    path = paths::ORDERS_CSV,
    tag = tag::SHOP,
    params(OrderQuery),
    responses(
        (
            status = 200,
            description = "One line per order: columns `id`, `placed_at` (UTC), `customer`, \
                `email`, `items` (as `2 × Rice; 1 × Tea`), `total`, `status`. `page` and \
                `per_page` are ignored.",
            body = String,
            content_type = "text/csv",
            headers((
                "Content-Disposition" = String,
                description = "An attachment, `orders.csv`."
            ))
        ),
        (status = 403, response = openapi::Forbidden),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn orders_csv(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> Result<Response, ApiError> {
    query.validate()?;
    Ok(csv_chunks_response(
        "orders.csv",
        csv_export::order_header(),
        shop::export_orders(state.db.clone(), &user, &query)?,
        csv_export::order_record,
    ))
}

/// One of the user's orders; staff may read anyone's.
#[utoipa::path(
    get,
    context_path = paths::ORDERS,
    path = "/{id}",
    tag = tag::SHOP,
    params(("id" = i64, Path, description = "The order's id.")),
    responses(
        (status = 200, description = "The order.", body = Order),
        (status = 404, response = openapi::NotFound),
        (status = 500, response = openapi::Internal),
    )
)]
async fn get_order(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(shop::get_order(&state.db, &user, id).await?))
}
