//! One module per route.

pub mod dashboard;
pub mod distributions;
pub mod donations;
pub mod greeting;
mod ledger_table;
pub mod login;
pub mod not_found;
pub mod reports;
