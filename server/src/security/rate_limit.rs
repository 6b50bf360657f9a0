//! Per-client request limits, counted by the `governor` crate (GCRA: a burst of `limit`, then one
//! request every minute / `limit`). Counts live in this process: behind several instances each
//! enforces its own share.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use ipnet::Ipv6Net;

/// At most `limit` requests a minute from one client. An IPv6 client is its network prefix
/// (`/64` by default), since one subscriber is handed a whole /64 and could otherwise rotate
/// addresses within it to dodge the limit.
#[derive(Debug)]
pub struct RateLimiter {
    /// `None` when the limit is 0 (off).
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    ipv6_prefix: u8,
}

impl RateLimiter {
    /// A limit of 0 lets everything through.
    pub fn per_minute(limit: u32, ipv6_prefix: u8) -> Self {
        Self {
            limiter: NonZeroU32::new(limit)
                .map(|limit| DefaultKeyedRateLimiter::keyed(Quota::per_minute(limit))),
            ipv6_prefix: ipv6_prefix.min(128),
        }
    }

    /// Counts one request; `Err` holds the seconds until the client may try again.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter.check_key(&self.client(ip)).map_err(|not_until| {
            not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1)
        })
    }

    /// Forgets clients whose budget has filled up again, so memory follows the number of recent
    /// clients. Run from a background task, never on the request path.
    pub fn forget_idle_clients(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    fn client(&self, ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V4(_) => ip,
            IpAddr::V6(address) => Ipv6Net::new(address, self.ipv6_prefix)
                .map_or(ip, |network| IpAddr::V6(network.network())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_request_over_the_limit_is_refused_with_the_wait() {
        let limiter = RateLimiter::per_minute(5, 64);
        for _ in 0..5 {
            assert_eq!(limiter.check(ip("192.0.2.1")), Ok(()));
        }
        let wait = limiter.check(ip("192.0.2.1")).unwrap_err();
        assert!((1..=12).contains(&wait), "one request every 12 s: {wait}");
    }

    #[test]
    fn clients_are_counted_apart() {
        let limiter = RateLimiter::per_minute(1, 64);
        assert_eq!(limiter.check(ip("192.0.2.1")), Ok(()));
        assert_eq!(limiter.check(ip("192.0.2.2")), Ok(()));
        assert_eq!(limiter.check(ip("2001:db8:0:1::1")), Ok(()));
        assert_eq!(limiter.check(ip("2001:db8:0:2::1")), Ok(()));
    }

    #[test]
    fn addresses_in_one_ipv6_network_share_a_budget() {
        let limiter = RateLimiter::per_minute(2, 64);
        assert_eq!(limiter.check(ip("2001:db8:0:1::1")), Ok(()));
        assert_eq!(limiter.check(ip("2001:db8:0:1:ffff::2")), Ok(()));
        assert!(
            limiter
                .check(ip("2001:db8:0:1:1234:5678:9abc:def0"))
                .is_err()
        );
        let per_address = RateLimiter::per_minute(1, 128);
        assert_eq!(per_address.check(ip("2001:db8:0:1::1")), Ok(()));
        assert_eq!(per_address.check(ip("2001:db8:0:1::2")), Ok(()));
    }

    #[test]
    fn a_limit_of_zero_lets_everything_through() {
        let limiter = RateLimiter::per_minute(0, 64);
        for _ in 0..100 {
            assert_eq!(limiter.check(ip("192.0.2.1")), Ok(()));
        }
    }

    #[test]
    fn idle_clients_are_forgotten() {
        let limiter = RateLimiter::per_minute(600, 64);
        for last in 0..=255 {
            limiter.check(ip(&format!("198.51.100.{last}"))).unwrap();
        }
        let stored = || limiter.limiter.as_ref().unwrap().len();
        assert_eq!(stored(), 256);
        std::thread::sleep(std::time::Duration::from_millis(250));
        limiter.forget_idle_clients();
        assert_eq!(
            stored(),
            0,
            "a budget refills one request every 100 ms, and is full again 200 ms after its use"
        );
    }
}
