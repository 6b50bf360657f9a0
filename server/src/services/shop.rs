//! The product catalogue, carts, and checkout.
//!
//! Checkout is one transaction. It first deletes the user's cart lines, which claims the cart: a
//! second checkout of the same cart waits for the first and then finds the cart empty. Each line
//! then takes its units with a conditional `UPDATE ... SET stock = stock - q WHERE stock >= q`, in
//! product id order so concurrent checkouts lock rows in the same order and cannot deadlock. The
//! order, its lines and the archive outbox entry are written in the same transaction, so a
//! refused checkout changes nothing. On SQLite, checkouts arriving together run one after another
//! in one transaction, each in a savepoint, and share its commit ([`GroupCommit`]).

use std::collections::{BTreeMap, HashMap};

use app::Quantity;
use app::accounts::{Role, User};
use app::paging::Page;
use app::shop::{
    Cart, CartLine, Customer, LineItem, NewProduct, Order, OrderColumn, OrderQuery, OrderStatus,
    Product, ProductColumn, ProductQuery, total,
};
use app::stock::stock_state;
use futures_util::{Stream, TryStreamExt};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Select, Set,
    SqlErr,
};

use super::audit::{self, Actor, Event};
use super::ledger::like_pattern;
use super::low_stock;
use crate::clock::now;
use crate::database;
use crate::database::group_commit::GroupCommit;
use crate::entities::{archive_outbox, cart_item, order, order_item, product, user};
use crate::services::{fetch_page, in_chunks, record_id, sorted, within_days};

#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    InsufficientStock(String),
    #[error("the cart is empty")]
    EmptyCart,
    #[error("the product has changed since the version the change was made from")]
    Stale,
    #[error("only staff may see everyone's orders")]
    Forbidden,
    #[error(transparent)]
    Db(#[from] DbErr),
}

fn to_product(model: product::Model) -> Product {
    Product {
        id: model.id.into(),
        name: model.name,
        description: model.description,
        price: Quantity::from_hundredths(model.price_cents),
        stock: model.stock.into(),
        low_stock_threshold: model.low_stock_threshold.map(i64::from),
        stock_state: stock_state(model.stock, model.low_stock_threshold),
        image_url: model.image_url,
        archived: model.archived,
        created_at: model.created_at,
        updated_at: model.updated_at,
        version: i64::from(model.version),
    }
}

fn search_text(name: &str, description: &str) -> String {
    format!("{}\n{}", name.to_lowercase(), description.to_lowercase())
}

/// Fills the editable columns from a validated request.
fn fill_product(model: &mut product::ActiveModel, input: NewProduct) -> Result<(), DbErr> {
    let name = input.name.trim().to_owned();
    let description = input.description.trim().to_owned();
    let stock = i32::try_from(input.stock)
        .map_err(|_| DbErr::Custom("a validated stock fits in 32 bits".into()))?;
    model.search_text = Set(search_text(&name, &description));
    model.name = Set(name);
    model.description = Set(description);
    model.price_cents = Set(input.price.hundredths());
    model.stock = Set(stock);
    model.low_stock_threshold = Set(input
        .low_stock_threshold
        .map(i32::try_from)
        .transpose()
        .map_err(|_| DbErr::Custom("a validated threshold fits in 32 bits".into()))?);
    model.image_url = Set(input
        .image_url
        .map(|url| url.trim().to_owned())
        .filter(|url| !url.is_empty()));
    Ok(())
}

/// One page of the catalogue (archived products left out), newest first.
/// The products on sale `query` selects, in its order, all pages together.
fn products(query: &ProductQuery) -> Select<product::Entity> {
    use product::Column;
    let mut select = product::Entity::find().filter(Column::Archived.eq(false));
    if let Some(text) = query
        .q
        .as_deref()
        .map(|text| text.trim().to_lowercase())
        .filter(|text| !text.is_empty())
    {
        select = select.filter(Column::SearchText.like(like_pattern(&text)));
    }
    let sort = query.sort();
    match sort.key {
        ProductColumn::Added => sorted(select, Column::CreatedAt, sort.descending, Column::Id),
        ProductColumn::Name => sorted(
            select,
            Expr::expr(Func::lower(Expr::col(Column::Name))),
            sort.descending,
            Column::Id,
        ),
        ProductColumn::Price => sorted(select, Column::PriceCents, sort.descending, Column::Id),
        ProductColumn::Stock => sorted(select, Column::Stock, sort.descending, Column::Id),
    }
}

pub async fn list_products(
    db: &DatabaseConnection,
    query: &ProductQuery,
) -> Result<Page<Product>, DbErr> {
    let paging = query.paging();
    let (rows, total) = fetch_page(db, products(query), paging).await?;
    let items = rows.into_iter().map(to_product).collect();
    Ok(Page::new(items, total, paging))
}

/// Every product on sale `query` selects, whatever its page, in its order: for the CSV file.
pub fn export_products(
    db: DatabaseConnection,
    query: &ProductQuery,
) -> impl Stream<Item = Result<Vec<Product>, DbErr>> + Send + 'static {
    in_chunks(db, products(query)).map_ok(|rows| rows.into_iter().map(to_product).collect())
}

/// A product by id, archived ones included, so that order history can still show them.
pub async fn get_product(db: &DatabaseConnection, id: i64) -> Result<Product, ShopError> {
    product::Entity::find_by_id(record_id(id, ShopError::NotFound("product"))?)
        .one(db)
        .await?
        .map(to_product)
        .ok_or(ShopError::NotFound("product"))
}

/// Whether any product exists, archived or not (the demo data only fills an empty catalogue).
pub async fn has_products(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(product::Entity::find().count(db).await? > 0)
}

/// Adds a product; `input` must already be validated.
pub async fn create_product(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewProduct,
) -> Result<Product, DbErr> {
    let now = now();
    let mut model = product::ActiveModel {
        archived: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    fill_product(&mut model, input)?;
    let txn = database::write(db).await?;
    let stored = model.insert(&txn).await?;
    audit::record(&txn, actor, Event::created(&stored)).await?;
    low_stock::product_changed(&txn, &stored).await?;
    txn.commit().await?;
    Ok(to_product(stored))
}

/// Touches `updated_at` and raises the version of a product still in the catalogue, taking its
/// row lock (the write lock on SQLite) for the rest of the transaction. With `expected`, only when
/// the product is still at that version: of two changes made from one version, the second is
/// refused as stale.
async fn claim_product(
    txn: &impl ConnectionTrait,
    id: i32,
    expected: Option<i32>,
) -> Result<(), ShopError> {
    let mut update = product::Entity::update_many()
        .col_expr(product::Column::UpdatedAt, Expr::value(now()))
        .col_expr(
            product::Column::Version,
            Expr::col(product::Column::Version).add(1),
        )
        .filter(product::Column::Id.eq(id))
        .filter(product::Column::Archived.eq(false));
    if let Some(version) = expected {
        update = update.filter(product::Column::Version.eq(version));
    }
    if update.exec(txn).await?.rows_affected == 1 {
        return Ok(());
    }
    let live = product::Entity::find_by_id(id)
        .filter(product::Column::Archived.eq(false))
        .one(txn)
        .await?;
    Err(match live {
        Some(_) => ShopError::Stale,
        None => ShopError::NotFound("product"),
    })
}

/// Replaces a product's details and stock; archived products cannot be changed. With `expected`,
/// only when the product is still at that version, so a form loaded before a sale cannot put
/// back the stock the sale took.
pub async fn update_product(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    input: NewProduct,
) -> Result<Product, ShopError> {
    let id = record_id(id, ShopError::NotFound("product"))?;
    let txn = database::write(db).await?;
    claim_product(&txn, id, expected).await?;
    let old = product::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ShopError::NotFound("product"))?;
    let mut model: product::ActiveModel = old.clone().into();
    fill_product(&mut model, input)?;
    let stored = model.update(&txn).await?;
    audit::record(&txn, actor, Event::updated(&old, &stored)).await?;
    low_stock::product_changed(&txn, &stored).await?;
    txn.commit().await?;
    Ok(to_product(stored))
}

/// What deleting a product did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Deleted,
    /// It appears in orders, so it was archived instead.
    Archived,
}

/// Removes a product from the catalogue and from every cart. One that was ever ordered is archived
/// rather than deleted, so its orders keep their history.
pub async fn delete_product(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
) -> Result<Removal, ShopError> {
    let id = record_id(id, ShopError::NotFound("product"))?;
    let txn = database::write(db).await?;
    claim_product(&txn, id, None).await?;
    let old = product::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ShopError::NotFound("product"))?;
    let ordered = order_item::Entity::find()
        .filter(order_item::Column::ProductId.eq(id))
        .count(&txn)
        .await?
        > 0;
    cart_item::Entity::delete_many()
        .filter(cart_item::Column::ProductId.eq(id))
        .exec(&txn)
        .await?;
    let removal = if ordered {
        product::Entity::update_many()
            .col_expr(product::Column::Archived, Expr::value(true))
            .filter(product::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let archived = product::Model {
            archived: true,
            ..old.clone()
        };
        audit::record(&txn, actor, Event::archived(&old, &archived)).await?;
        Removal::Archived
    } else {
        product::Entity::delete_by_id(id).exec(&txn).await?;
        audit::record(&txn, actor, Event::deleted(&old)).await?;
        Removal::Deleted
    };
    txn.commit().await?;
    Ok(removal)
}

/// The products with these ids, by id.
async fn products_by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, product::Model>, DbErr> {
    let ids: Vec<i32> = ids.into_iter().collect();
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|model| (model.id, model))
        .collect())
}

/// The user's cart at today's prices, in the order the lines were added: one query, the lines
/// joined with their products, since every change to the cart answers with it.
pub async fn cart(db: &DatabaseConnection, user_id: i64) -> Result<Cart, ShopError> {
    let user_id = record_id(user_id, ShopError::NotFound("user"))?;
    let lines = cart_item::Entity::find()
        .find_also_related(product::Entity)
        .filter(cart_item::Column::UserId.eq(user_id))
        .order_by_asc(cart_item::Column::Id)
        .all(db)
        .await?;
    let items: Vec<CartLine> = lines
        .into_iter()
        .filter_map(|(line, product)| {
            let product = product?;
            Some(CartLine {
                line: LineItem::new(
                    product.id.into(),
                    product.name,
                    Quantity::from_hundredths(product.price_cents),
                    line.quantity.into(),
                ),
                available: if product.archived {
                    0
                } else {
                    product.stock.into()
                },
            })
        })
        .collect();
    Ok(Cart {
        total: total(items.iter().map(|item| &item.line)),
        items,
    })
}

/// The product, if it is still sold.
async fn live_product(
    db: &impl ConnectionTrait,
    product_id: i32,
) -> Result<product::Model, ShopError> {
    product::Entity::find_by_id(product_id)
        .filter(product::Column::Archived.eq(false))
        .one(db)
        .await?
        .ok_or(ShopError::NotFound("product"))
}

/// Adds `quantity` units of a product to what the user's cart holds. The sum must be in stock
/// now; checkout checks again, since stock can change in between. The write shares its commit
/// with others running at the same time ([`GroupCommit`]).
pub async fn add_to_cart(
    db: &DatabaseConnection,
    writer: &GroupCommit,
    user_id: i64,
    product_id: i64,
    quantity: i64,
) -> Result<Cart, ShopError> {
    let user = record_id(user_id, ShopError::NotFound("user"))?;
    let product_id = record_id(product_id, ShopError::NotFound("product"))?;
    let quantity = i32::try_from(quantity)
        .map_err(|_| DbErr::Custom("a validated quantity fits in 32 bits".into()))?;
    writer
        .run(Box::new(move |txn| {
            Box::pin(add_line(txn, user, product_id, quantity))
        }))
        .await?;
    cart(db, user_id).await
}

/// [`add_to_cart`] inside its transaction.
async fn add_line(
    txn: &DatabaseTransaction,
    user: i32,
    product_id: i32,
    quantity: i32,
) -> Result<(), ShopError> {
    let product = live_product(txn, product_id).await?;
    let now = now();
    let line = cart_item::ActiveModel {
        user_id: Set(user),
        product_id: Set(product_id),
        quantity: Set(quantity),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    // The sum is taken by the statement itself, so two additions at once both count; it is
    // checked against the stock before the transaction commits, so one past it changes nothing.
    let added = Expr::col((cart_item::Entity, cart_item::Column::Quantity)).add(Expr::col((
        Alias::new("excluded"),
        cart_item::Column::Quantity,
    )));
    cart_item::Entity::insert(line)
        .on_conflict(
            OnConflict::columns([cart_item::Column::UserId, cart_item::Column::ProductId])
                .value(cart_item::Column::Quantity, added)
                .update_column(cart_item::Column::UpdatedAt)
                .to_owned(),
        )
        .exec(txn)
        .await?;
    let held = cart_item::Entity::find()
        .filter(cart_item::Column::UserId.eq(user))
        .filter(cart_item::Column::ProductId.eq(product_id))
        .one(txn)
        .await?
        .map_or(quantity, |line| line.quantity);
    if held > product.stock {
        let before = held - quantity;
        return Err(ShopError::InsufficientStock(format!(
            "only {} of {} in stock, and your cart already holds {before}",
            product.stock, product.name
        )));
    }
    Ok(())
}

/// Sets how many of a product are in the user's cart (0 removes it). The quantity must be in
/// stock now; checkout checks again, since stock can change in between. The write shares its
/// commit with others running at the same time ([`GroupCommit`]).
pub async fn set_cart_quantity(
    db: &DatabaseConnection,
    writer: &GroupCommit,
    user_id: i64,
    product_id: i64,
    quantity: i64,
) -> Result<Cart, ShopError> {
    let product_id = record_id(product_id, ShopError::NotFound("product"))?;
    let product = live_product(db, product_id).await?;
    if quantity == 0 {
        return remove_from_cart(db, user_id, product_id.into()).await;
    }
    if quantity > i64::from(product.stock) {
        return Err(ShopError::InsufficientStock(format!(
            "only {} of {} in stock",
            product.stock, product.name
        )));
    }
    let quantity = i32::try_from(quantity)
        .map_err(|_| DbErr::Custom("a quantity within stock fits in 32 bits".into()))?;
    let now = now();
    let line = cart_item::ActiveModel {
        user_id: Set(record_id(user_id, ShopError::NotFound("user"))?),
        product_id: Set(product_id),
        quantity: Set(quantity),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let upsert = cart_item::Entity::insert(line).on_conflict(
        OnConflict::columns([cart_item::Column::UserId, cart_item::Column::ProductId])
            .update_columns([cart_item::Column::Quantity, cart_item::Column::UpdatedAt])
            .to_owned(),
    );
    writer
        .run(Box::new(move |txn| {
            Box::pin(async move { upsert.exec(txn).await.map(|_| ()) })
        }))
        .await?;
    cart(db, user_id).await
}

/// Takes a product out of the user's cart; removing what is not there is not an error.
pub async fn remove_from_cart(
    db: &DatabaseConnection,
    user_id: i64,
    product_id: i64,
) -> Result<Cart, ShopError> {
    cart_item::Entity::delete_many()
        .filter(cart_item::Column::UserId.eq(record_id(user_id, ShopError::NotFound("user"))?))
        .filter(
            cart_item::Column::ProductId.eq(record_id(product_id, ShopError::NotFound("product"))?),
        )
        .exec(db)
        .await?;
    cart(db, user_id).await
}

/// The outcome of a checkout.
#[derive(Debug)]
pub struct Checkout {
    pub order: Order,
    /// `false` when an earlier checkout with the same idempotency key placed the order.
    pub created: bool,
}

/// Where an order's archive document goes: `orders/YYYY/MM/DD/<id>.json`, dated in UTC.
pub fn archive_path(order: &Order) -> String {
    format!(
        "orders/{}/{}.json",
        order.created_at.format("%Y/%m/%d"),
        order.id
    )
}

/// The checkout this user already made with `key`, if any.
async fn placed_with_key(
    db: &impl ConnectionTrait,
    user: i32,
    key: Option<&str>,
) -> Result<Option<Checkout>, DbErr> {
    let Some(key) = key else {
        return Ok(None);
    };
    Ok(order_by_key(db, user, key).await?.map(|order| Checkout {
        order,
        created: false,
    }))
}

/// Turns the user's cart into an order, or refuses with nothing changed. With an idempotency key
/// that this user already checked out with, returns that order instead. Concurrent checkouts
/// share their commit (see [`GroupCommit`]).
pub async fn checkout(
    db: &DatabaseConnection,
    writer: &GroupCommit,
    customer: &User,
    idempotency_key: Option<String>,
) -> Result<Checkout, ShopError> {
    let user = record_id(customer.id, ShopError::NotFound("user"))?;
    // A retry is not looked for first: it is rare, and the transaction finds it anyway (an empty
    // cart or a key already taken), so every other checkout is spared a query.
    let customer = Customer {
        name: customer.name.clone(),
        email: customer.email.clone(),
    };
    let key = idempotency_key.clone();
    let placed = writer
        .run(Box::new(move |txn| {
            Box::pin(place_order(txn, user, customer, key))
        }))
        .await;
    match placed {
        Ok(placed) => Ok(placed),
        Err(Refusal::Shop(error)) => Err(error),
        // Another transaction committed an order with this key first: that order is the answer.
        Err(Refusal::KeyTaken(error)) => placed_with_key(db, user, idempotency_key.as_deref())
            .await?
            .ok_or(ShopError::Db(error)),
    }
}

/// Why [`place_order`] wrote nothing.
enum Refusal {
    Shop(ShopError),
    /// The idempotency key is taken by an order this transaction cannot see.
    KeyTaken(DbErr),
}

impl From<ShopError> for Refusal {
    fn from(error: ShopError) -> Self {
        Refusal::Shop(error)
    }
}

impl From<DbErr> for Refusal {
    fn from(error: DbErr) -> Self {
        Refusal::Shop(error.into())
    }
}

/// The checkout itself, inside its transaction.
async fn place_order(
    txn: &DatabaseTransaction,
    user: i32,
    customer: Customer,
    idempotency_key: Option<String>,
) -> Result<Checkout, Refusal> {
    let mut lines = cart_item::Entity::delete_many()
        .filter(cart_item::Column::UserId.eq(user))
        .exec_with_returning(txn)
        .await?;
    if lines.is_empty() {
        // A retry that arrived while its first attempt ran finds the cart taken: on SQLite the
        // first attempt ran earlier in this same transaction, on PostgreSQL this statement
        // waited for its lock on the cart. Either way the order placed with the key is visible
        // now, and it is the answer.
        return placed_with_key(txn, user, idempotency_key.as_deref())
            .await?
            .ok_or(ShopError::EmptyCart.into());
    }
    lines.sort_by_key(|line| line.product_id);
    // Each line's product as its sale left it, returned by the sale's own `UPDATE`.
    let mut products = HashMap::with_capacity(lines.len());
    let mut short = Vec::new();
    for line in &lines {
        let taken = product::Entity::update_many()
            .col_expr(
                product::Column::Stock,
                Expr::col(product::Column::Stock).sub(line.quantity),
            )
            // A sale is a change too: a product form loaded before it is now stale.
            .col_expr(
                product::Column::Version,
                Expr::col(product::Column::Version).add(1),
            )
            .filter(product::Column::Id.eq(line.product_id))
            .filter(product::Column::Archived.eq(false))
            .filter(product::Column::Stock.gte(line.quantity))
            .exec_with_returning(txn)
            .await?;
        match taken.into_iter().next() {
            Some(product) => {
                products.insert(product.id, product);
            }
            None => short.push(line.product_id),
        }
    }
    if !short.is_empty() {
        let current = products_by_id(txn, short.iter().copied()).await?;
        return Err(ShopError::InsufficientStock(shortage_message(&short, &current)).into());
    }
    for line in &lines {
        low_stock::product_changed(txn, &products[&line.product_id]).await?;
    }

    let items: Vec<LineItem> = lines
        .iter()
        .map(|line| {
            let product = &products[&line.product_id];
            LineItem::new(
                product.id.into(),
                product.name.clone(),
                Quantity::from_hundredths(product.price_cents),
                line.quantity.into(),
            )
        })
        .collect();
    let total = total(&items);
    let inserted = order::ActiveModel {
        user_id: Set(user),
        total_cents: Set(total.hundredths()),
        status: Set(OrderStatus::Placed.as_str().to_owned()),
        idempotency_key: Set(idempotency_key),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(txn)
    .await;
    let stored = match inserted {
        Ok(stored) => stored,
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(Refusal::KeyTaken(error));
        }
        Err(error) => return Err(error.into()),
    };
    order_item::Entity::insert_many(lines.iter().zip(&items).map(|(line, item)| {
        order_item::ActiveModel {
            order_id: Set(stored.id),
            product_id: Set(line.product_id),
            name: Set(item.name.clone()),
            unit_price_cents: Set(item.unit_price.hundredths()),
            quantity: Set(line.quantity),
            line_total_cents: Set(item.line_total.hundredths()),
            ..Default::default()
        }
    }))
    .exec(txn)
    .await?;
    let order_id = stored.id;
    let order = to_order(stored, items, customer)?;
    let body = serde_json::to_string_pretty(&order)
        .map_err(|error| DbErr::Custom(format!("writing the order as JSON: {error}")))?;
    archive_outbox::ActiveModel {
        order_id: Set(order_id),
        path: Set(archive_path(&order)),
        body: Set(body),
        attempts: Set(0),
        created_at: Set(order.created_at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(Checkout {
        order,
        created: true,
    })
}

/// "not enough in stock: Mug (2 left), Tote bag (0 left)".
fn shortage_message(short: &[i32], products: &HashMap<i32, product::Model>) -> String {
    let names: Vec<String> = short
        .iter()
        .map(|id| match products.get(id) {
            Some(product) if product.archived => format!("{} (no longer sold)", product.name),
            Some(product) => format!("{} ({} left)", product.name, product.stock),
            None => format!("product {id} (no longer sold)"),
        })
        .collect();
    format!("not enough in stock: {}", names.join(", "))
}

fn to_order(model: order::Model, items: Vec<LineItem>, customer: Customer) -> Result<Order, DbErr> {
    let status = match model.status.as_str() {
        "placed" => OrderStatus::Placed,
        other => {
            return Err(DbErr::Type(format!(
                "unknown order status {other:?} in the database"
            )));
        }
    };
    Ok(Order {
        id: model.id.into(),
        user_id: model.user_id.into(),
        customer,
        total: Quantity::from_hundredths(model.total_cents),
        status,
        items,
        created_at: model.created_at,
    })
}

/// The orders with their lines and customers, in the given order.
async fn with_items(
    db: &impl ConnectionTrait,
    orders: Vec<order::Model>,
) -> Result<Vec<Order>, DbErr> {
    let ids: Vec<i32> = orders.iter().map(|order| order.id).collect();
    let customers: HashMap<i32, Customer> = user::Entity::find()
        .filter(user::Column::Id.is_in(orders.iter().map(|order| order.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|model| {
            let customer = Customer {
                name: model.name,
                email: model.email,
            };
            (model.id, customer)
        })
        .collect();
    let mut lines: BTreeMap<i32, Vec<LineItem>> = BTreeMap::new();
    for line in order_item::Entity::find()
        .filter(order_item::Column::OrderId.is_in(ids))
        .order_by_asc(order_item::Column::Id)
        .all(db)
        .await?
    {
        lines.entry(line.order_id).or_default().push(LineItem {
            product_id: line.product_id.into(),
            name: line.name,
            unit_price: Quantity::from_hundredths(line.unit_price_cents),
            quantity: line.quantity.into(),
            line_total: Quantity::from_hundredths(line.line_total_cents),
        });
    }
    orders
        .into_iter()
        .map(|order| {
            let items = lines.remove(&order.id).unwrap_or_default();
            let customer = customers.get(&order.user_id).cloned().ok_or_else(|| {
                DbErr::RecordNotFound(format!("the customer of order {}", order.id))
            })?;
            to_order(order, items, customer)
        })
        .collect()
}

async fn order_by_key(
    db: &impl ConnectionTrait,
    user_id: i32,
    key: &str,
) -> Result<Option<Order>, DbErr> {
    let found = order::Entity::find()
        .filter(order::Column::UserId.eq(user_id))
        .filter(order::Column::IdempotencyKey.eq(key))
        .all(db)
        .await?;
    Ok(with_items(db, found).await?.pop())
}

/// The orders `query` selects for `viewer`, in its order, all pages together: their own, or
/// with `all` (staff and admins only) everyone's.
fn orders(viewer: &User, query: &OrderQuery) -> Result<Select<order::Entity>, ShopError> {
    use order::Column;
    let mut select = order::Entity::find();
    if query.all {
        if viewer.role < Role::Staff {
            return Err(ShopError::Forbidden);
        }
    } else {
        select =
            select.filter(Column::UserId.eq(record_id(viewer.id, ShopError::NotFound("user"))?));
    }
    if let Some(text) = query
        .customer
        .as_deref()
        .map(|text| text.trim().to_lowercase())
        .filter(|text| !text.is_empty())
    {
        let pattern = like_pattern(&text);
        let lower = |column: user::Column| Expr::expr(Func::lower(Expr::col(column)));
        let customers = Query::select()
            .column(user::Column::Id)
            .from(user::Entity)
            .cond_where(
                Condition::any()
                    .add(lower(user::Column::Name).like(pattern.clone()))
                    .add(lower(user::Column::Email).like(pattern)),
            )
            .to_owned();
        select = select.filter(Column::UserId.in_subquery(customers));
    }
    let select = select.filter(within_days(Column::CreatedAt, query.from, query.to));
    let sort = query.sort();
    Ok(match sort.key {
        OrderColumn::Date => sorted(select, Column::CreatedAt, sort.descending, Column::Id),
        OrderColumn::Total => sorted(select, Column::TotalCents, sort.descending, Column::Id),
    })
}

pub async fn list_orders(
    db: &DatabaseConnection,
    viewer: &User,
    query: &OrderQuery,
) -> Result<Page<Order>, ShopError> {
    let paging = query.paging();
    let (orders, total) = fetch_page(db, orders(viewer, query)?, paging).await?;
    Ok(Page::new(with_items(db, orders).await?, total, paging))
}

/// Every order `query` selects for `viewer`, whatever its page, in its order: for the CSV file.
pub fn export_orders(
    db: DatabaseConnection,
    viewer: &User,
    query: &OrderQuery,
) -> Result<impl Stream<Item = Result<Vec<Order>, DbErr>> + Send + 'static, ShopError> {
    let chunks = in_chunks(db.clone(), orders(viewer, query)?);
    Ok(chunks.and_then(move |orders| {
        let db = db.clone();
        async move { with_items(&db, orders).await }
    }))
}

/// One order: the viewer's own, or any order for staff and admins. Someone else's order is
/// "not found" rather than "forbidden", so that ids do not reveal which orders exist.
pub async fn get_order(
    db: &DatabaseConnection,
    viewer: &User,
    id: i64,
) -> Result<Order, ShopError> {
    let mut select = order::Entity::find_by_id(record_id(id, ShopError::NotFound("order"))?);
    if viewer.role < Role::Staff {
        select = select
            .filter(order::Column::UserId.eq(record_id(viewer.id, ShopError::NotFound("user"))?));
    }
    let found = select.all(db).await?;
    with_items(db, found)
        .await?
        .pop()
        .ok_or(ShopError::NotFound("order"))
}
