//! The public birthday greeting API.

use app::greeting::{Greeting, GreetingRequest};
use app::paths;
use gloo_net::http::Request;

use super::{ApiError, JsonBody, done, get, request};

fn path(username: &str) -> String {
    format!("{}/{username}", paths::HELLO)
}

/// Saves `username`'s date of birth.
pub async fn save(username: &str, input: &GreetingRequest) -> Result<(), ApiError> {
    done(request(Request::put, &path(username)).json_body(input)).await
}

pub async fn greet(username: &str) -> Result<Greeting, ApiError> {
    get(&path(username)).await
}
