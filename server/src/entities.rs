//! SeaORM entities, one module per table.

pub mod archive_outbox;
pub mod cart_item;
pub mod distribution;
pub mod donation;
pub mod greeting_user;
pub mod order;
pub mod order_item;
pub mod product;
pub mod session;
pub mod stock;
pub mod user;
