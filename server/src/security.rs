//! Who is asking, and whether they may: sessions, roles, rate limits and the cross-site check.

pub mod client_ip;
pub mod cross_site;
pub mod guards;
pub mod rate_limit;
pub mod session;
