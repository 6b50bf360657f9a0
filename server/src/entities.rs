//! SeaORM entities, one module per table.

pub mod archive_outbox;
pub mod balance;
pub mod cart_item;
pub mod covid_daily;
pub mod data_report;
pub mod distribution;
pub mod donation;
pub mod greeting_user;
pub mod job_run;
pub mod job_state;
pub mod order;
pub mod order_item;
pub mod product;
pub mod session;
pub mod source_version;
pub mod user;
