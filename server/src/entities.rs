//! SeaORM entities, one module per table.

pub mod archive_outbox;
pub mod audit_event;
pub mod balance;
pub mod cart_item;
pub mod covid_daily;
pub mod data_report;
pub mod distribution;
pub mod donation;
pub mod donor_kind_total;
pub mod donor_total;
pub mod greeting_user;
pub mod job_run;
pub mod job_state;
pub mod ledger_daily_total;
pub mod order;
pub mod order_item;
pub mod organisation_settings;
pub mod product;
pub mod session;
pub mod source_version;
pub mod stock_alert;
pub mod stock_threshold;
pub mod user;
