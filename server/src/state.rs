//! What every request handler can reach, and the security settings in the form it uses them.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use ipnet::IpNet;
use sea_orm::DatabaseConnection;

use crate::config::SecurityConfig;
use crate::jobs::Jobs;
use crate::security::rate_limit::RateLimiter;
use crate::services::accounts::SessionLifetime;
use crate::services::archive::Archive;
use crate::services::passwords::Passwords;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// The order archive, nudged after each checkout.
    pub archive: Archive,
    /// Set once shutdown begins: readiness turns false so load balancers stop sending traffic.
    pub draining: Arc<AtomicBool>,
    pub jobs: Jobs,
    pub passwords: Passwords,
}

/// The security settings in the form the request path uses them.
#[derive(Debug)]
pub struct Settings {
    pub session: SessionLifetime,
    pub cookie_secure: bool,
    /// Other origins may call the API with the session cookie, so it must be `SameSite=None`.
    pub cross_origin_cookies: bool,
    pub allowed_origins: Vec<String>,
    pub trusted_proxies: Vec<IpNet>,
    pub api_limit: RateLimiter,
    pub register_limit: RateLimiter,
    pub login_limit: RateLimiter,
    pub greeting_limit: RateLimiter,
}

impl From<&SecurityConfig> for Settings {
    fn from(config: &SecurityConfig) -> Self {
        // A stray comma (`a,,b` or `a,`) lists no empty origin.
        let allowed_origins: Vec<String> = config
            .allowed_origins
            .iter()
            .map(|origin| origin.trim().to_owned())
            .filter(|origin| !origin.is_empty())
            .collect();
        Self {
            session: SessionLifetime {
                idle: chrono::Duration::days(i64::from(config.session_idle_days)),
                max: chrono::Duration::days(i64::from(config.session_max_days)),
            },
            cookie_secure: config.cookie_secure,
            cross_origin_cookies: !allowed_origins.is_empty(),
            allowed_origins,
            trusted_proxies: config.trusted_proxies.clone(),
            api_limit: RateLimiter::per_minute(config.api_rate_limit),
            register_limit: RateLimiter::per_minute(config.auth_rate_limit),
            login_limit: RateLimiter::per_minute(config.auth_rate_limit),
            greeting_limit: RateLimiter::per_minute(config.greeting_rate_limit),
        }
    }
}
