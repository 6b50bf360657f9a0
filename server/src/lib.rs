//! The community hub's server: a JSON API over SeaORM that also serves the browser app.

pub mod backup;
pub mod clock;
pub mod commands;
pub mod config;
pub mod csv_export;
pub mod database;
pub mod demo;
pub mod entities;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod lease;
pub mod logging;
pub mod metrics;
pub mod migration;
pub mod openapi;
pub mod random;
pub mod redact;
pub mod routes;
pub mod security;
pub mod serve;
pub mod services;
pub mod startup;
pub mod state;
pub mod storage;
pub mod web;
