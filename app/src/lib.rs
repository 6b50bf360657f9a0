//! The contract between the server and the browser app: request and response bodies, the rules that
//! decide whether a request is valid, the API paths and the error body. Plain data only, so it compiles
//! for the host and for `wasm32-unknown-unknown` alike.

pub mod accounts;
pub mod covid;
pub mod data_reports;
pub mod date;
pub mod error;
pub mod greeting;
pub mod history;
pub mod import;
pub mod jobs;
pub mod ledger;
pub mod number;
pub mod paging;
pub mod paths;
pub mod quantity;
pub mod reports;
pub mod routes;
pub mod settings;
pub mod shop;
pub mod sorting;
pub mod stock;
pub mod system;
pub mod text;

pub use error::{ErrorBody, ErrorDetail, FieldErrors};
pub use quantity::Quantity;
