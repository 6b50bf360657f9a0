//! SeaORM entities, one module per table.

pub mod distribution;
pub mod donation;
pub mod greeting_user;
pub mod session;
pub mod stock;
pub mod user;
