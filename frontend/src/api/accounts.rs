//! Accounts and the session.

use app::accounts::{LoginRequest, RegisterRequest, Session, UpdateUserRequest, User};
use app::paths;
use gloo_net::http::Request;

use super::{ApiError, JsonBody, answer, done, get, request};

/// Who is signed in, if anyone.
pub async fn session() -> Result<Session, ApiError> {
    get(paths::SESSION).await
}

pub async fn sign_in(input: &LoginRequest) -> Result<User, ApiError> {
    answer(request(Request::post, paths::LOGIN).json_body(input)).await
}

/// Creates an account and signs it in.
pub async fn register(input: &RegisterRequest) -> Result<User, ApiError> {
    answer(request(Request::post, paths::REGISTER).json_body(input)).await
}

pub async fn sign_out() -> Result<(), ApiError> {
    done(request(Request::post, paths::LOGOUT).build()).await
}

/// Every account (admins only).
pub async fn users() -> Result<Vec<User>, ApiError> {
    get(paths::USERS).await
}

/// Changes an account's role, or deactivates or reactivates it (admins only).
pub async fn update_user(id: i64, change: &UpdateUserRequest) -> Result<User, ApiError> {
    answer(request(Request::patch, &paths::item(paths::USERS, id)).json_body(change)).await
}
