use app::ledger::Page;
use app::paths;
use app::shop::{
    Cart, IDEMPOTENCY_KEY_HEADER, NewProduct, Order, OrderQuery, Product, ProductQuery,
    SetCartQuantity, validate_idempotency_key,
};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};
use axum::{Json, Router};

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::security::session::{CurrentUser, require_member, require_staff};
use crate::services::shop::{self, ShopError};
use crate::startup::AppState;

/// The catalogue is public; changing it takes staff; carts and orders take an account.
pub fn router(state: &AppState) -> Router<AppState> {
    let product = format!("{}/{{id}}", paths::PRODUCTS);
    let public = Router::new()
        .route(paths::PRODUCTS, get(list_products))
        .route(&product, get(get_product));
    let staff = Router::new()
        .route(paths::PRODUCTS, post(create_product))
        .route(&product, put(update_product).delete(delete_product))
        .route_layer(from_fn_with_state(state.clone(), require_staff));
    let members = Router::new()
        .route(paths::CART, get(cart))
        .route(
            &format!("{}/{{product_id}}", paths::CART_ITEMS),
            put(set_cart_quantity).delete(remove_from_cart),
        )
        .route(paths::CHECKOUT, post(checkout))
        .route(paths::ORDERS, get(list_orders))
        .route(&format!("{}/{{id}}", paths::ORDERS), get(get_order))
        .route_layer(from_fn_with_state(state.clone(), require_member));
    public.merge(staff).merge(members)
}

impl From<ShopError> for ApiError {
    fn from(error: ShopError) -> Self {
        match error {
            ShopError::NotFound(what) => ApiError::NotFound(what),
            ShopError::InsufficientStock(message) => ApiError::Conflict {
                code: "insufficient_stock",
                message,
            },
            ShopError::EmptyCart => ApiError::field("cart", "is empty"),
            ShopError::Db(error) => error.into(),
        }
    }
}

async fn list_products(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ProductQuery>,
) -> Result<Json<Page<Product>>, ApiError> {
    query.validate()?;
    Ok(Json(shop::list_products(&state.db, &query).await?))
}

/// Archived products are still found here, marked `archived`, for order history.
async fn get_product(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Product>, ApiError> {
    Ok(Json(shop::get_product(&state.db, id).await?))
}

async fn create_product(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<NewProduct>,
) -> Result<(StatusCode, Json<Product>), ApiError> {
    input.validate()?;
    let stored = shop::create_product(&state.db, input).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

async fn update_product(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewProduct>,
) -> Result<Json<Product>, ApiError> {
    input.validate()?;
    Ok(Json(shop::update_product(&state.db, id, input).await?))
}

/// 204 whether the product was deleted or, having been ordered, archived.
async fn delete_product(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    shop::delete_product(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn cart(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Cart>, ApiError> {
    Ok(Json(shop::cart(&state.db, user.id).await?))
}

async fn set_cart_quantity(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(product_id): ApiPath<i64>,
    ApiJson(input): ApiJson<SetCartQuantity>,
) -> Result<Json<Cart>, ApiError> {
    input.validate()?;
    Ok(Json(
        shop::set_cart_quantity(&state.db, user.id, product_id, input.quantity).await?,
    ))
}

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
async fn checkout(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    let key = match headers.get(IDEMPOTENCY_KEY_HEADER) {
        Some(value) => {
            let key = value
                .to_str()
                .map_err(|_| ApiError::field("idempotency_key", "must be plain text"))?
                .trim()
                .to_owned();
            validate_idempotency_key(&key)?;
            Some(key)
        }
        None => None,
    };
    let outcome = shop::checkout(&state.db, user.id, key).await?;
    if outcome.created {
        state.archive.nudge();
        Ok((StatusCode::CREATED, Json(outcome.order)))
    } else {
        Ok((StatusCode::OK, Json(outcome.order)))
    }
}

async fn list_orders(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> Result<Json<Page<Order>>, ApiError> {
    query.validate()?;
    if query.all && user.role < app::accounts::Role::Staff {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(shop::list_orders(&state.db, &user, &query).await?))
}

async fn get_order(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(shop::get_order(&state.db, &user, id).await?))
}
