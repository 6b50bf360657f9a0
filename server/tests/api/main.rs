//! Integration tests: each test starts the real server on a free port with a fresh database and
//! talks HTTP to it.

mod helpers;

mod auth;
mod backup;
mod data_sync;
mod errors;
mod health;
mod hello;
mod instances;
mod jobs;
mod ledger;
mod observability;
mod openapi;
mod reports;
mod shop;
mod shutdown;
mod sources;
mod storage;
