//! One module per route.

pub mod cart;
pub mod dashboard;
pub mod distributions;
pub mod donations;
pub mod greeting;
mod ledger_table;
pub mod login;
pub mod not_found;
pub mod orders;
pub mod products_admin;
pub mod reports;
pub mod shop;
