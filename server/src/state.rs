//! What every request handler can reach, and the security settings in the form it uses them.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use axum::http::HeaderName;
use ipnet::IpNet;
use sea_orm::DatabaseConnection;

use crate::config::SecurityConfig;
use crate::database::group_commit::GroupCommit;
use crate::jobs::Jobs;
use crate::security::rate_limit::RateLimiter;
use crate::services::accounts::{SessionCache, SessionLifetime};
use crate::services::archive::Archive;
use crate::services::greeting::GreetingCache;
use crate::services::passwords::Passwords;

/// What every handler can reach. Middleware and extractors clone it for each request, so it is
/// one shared pointer: a clone is one atomic increment whatever it holds.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
    pub db: DatabaseConnection,
    /// The writes that share their commits with others running at the same time.
    pub writer: GroupCommit,
    pub security: Arc<Security>,
    /// The order archive, nudged after each checkout.
    pub archive: Archive,
    /// Set once shutdown begins: readiness turns false so load balancers stop sending traffic.
    pub draining: Arc<AtomicBool>,
    pub jobs: Jobs,
    pub passwords: Passwords,
    pub greetings: GreetingCache,
    /// Signed-in sessions read lately.
    pub sessions: SessionCache,
}

/// The security settings in the form the request path uses them.
#[derive(Debug)]
pub struct Security {
    pub session: SessionLifetime,
    pub cookie_secure: bool,
    /// Other origins may call the API with the session cookie, so it must be `SameSite=None`.
    pub cross_origin_cookies: bool,
    pub allowed_origins: Vec<String>,
    pub trusted_proxies: Vec<IpNet>,
    pub client_ip_header: Option<HeaderName>,
    pub api_limit: RateLimiter,
    pub register_limit: RateLimiter,
    pub login_limit: RateLimiter,
    pub greeting_limit: RateLimiter,
}

impl Security {
    /// Every rate limiter, for the task that forgets idle clients.
    pub fn rate_limiters(&self) -> [&RateLimiter; 4] {
        [
            &self.api_limit,
            &self.register_limit,
            &self.login_limit,
            &self.greeting_limit,
        ]
    }
}

impl From<&SecurityConfig> for Security {
    fn from(config: &SecurityConfig) -> Self {
        // A stray comma (`a,,b` or `a,`) lists no empty origin.
        let allowed_origins: Vec<String> = config
            .allowed_origins
            .iter()
            .map(|origin| origin.trim().to_owned())
            .filter(|origin| !origin.is_empty())
            .collect();
        let ipv6_prefix = config.ipv6_rate_limit_prefix;
        Self {
            session: SessionLifetime {
                idle: chrono::Duration::days(i64::from(config.session_idle_days)),
                max: chrono::Duration::days(i64::from(config.session_max_days)),
            },
            cookie_secure: config.cookie_secure,
            cross_origin_cookies: !allowed_origins.is_empty(),
            allowed_origins,
            trusted_proxies: config.trusted_proxies.clone(),
            client_ip_header: config.client_ip_header.clone(),
            api_limit: RateLimiter::per_minute(config.api_rate_limit, ipv6_prefix),
            register_limit: RateLimiter::per_minute(config.auth_rate_limit, ipv6_prefix),
            login_limit: RateLimiter::per_minute(config.auth_rate_limit, ipv6_prefix),
            greeting_limit: RateLimiter::per_minute(config.greeting_rate_limit, ipv6_prefix),
        }
    }
}
