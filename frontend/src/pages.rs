//! One module per route.

pub mod cart;
pub mod covid;
pub mod dashboard;
pub mod data_reports;
pub mod distributions;
pub mod donations;
pub mod donor_receipt;
pub mod greeting;
pub mod history;
pub mod import;
pub mod jobs;
mod ledger_table;
pub mod login;
pub mod not_found;
pub mod orders;
pub mod products_admin;
pub mod receipt;
pub mod reports;
pub mod settings;
pub mod shop;
pub mod users;
