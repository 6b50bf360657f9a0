//! Integration tests: each test starts the real server on a free port with a fresh database and
//! talks HTTP to it.

// Helpers unwrap as the tests do: a failure there is a failed test.
#![allow(clippy::unwrap_used)]

mod helpers;

mod aggregates;
mod auth;
mod backup;
mod data_sync;
mod database;
mod error_tracking;
mod errors;
mod health;
mod hello;
mod history;
mod import;
mod instances;
mod jobs;
mod ledger;
mod lists;
mod low_stock;
mod observability;
mod openapi;
mod receipts;
mod reports;
mod settings;
mod shop;
mod shutdown;
mod sources;
mod storage;
mod users;
