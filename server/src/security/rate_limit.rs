use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

/// At most `limit` requests per client IP in each one-minute window. Counts live in this process:
/// behind several instances each enforces its own share.
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimiter {
    /// A limit of 0 lets everything through.
    pub fn per_minute(limit: u32) -> Self {
        Self {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request; `Err` holds the seconds until the client may try again.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        self.check_at(ip, Instant::now())
    }

    fn check_at(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        if self.limit == 0 {
            return Ok(());
        }
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, count) = windows.entry(ip).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= self.limit {
            let wait = WINDOW.saturating_sub(now.duration_since(*start));
            return Err(wait.as_secs().max(1));
        }
        *count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_over_the_limit_is_refused_until_the_window_ends() {
        let limiter = RateLimiter::per_minute(5);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let start = Instant::now();
        for _ in 0..5 {
            assert_eq!(limiter.check_at(ip, start), Ok(()));
        }
        assert_eq!(
            limiter.check_at(ip, start + Duration::from_secs(20)),
            Err(40)
        );
        assert_eq!(limiter.check_at(ip, start + WINDOW), Ok(()));
    }

    #[test]
    fn clients_are_counted_apart() {
        let limiter = RateLimiter::per_minute(1);
        let now = Instant::now();
        assert_eq!(limiter.check_at("192.0.2.1".parse().unwrap(), now), Ok(()));
        assert_eq!(limiter.check_at("192.0.2.2".parse().unwrap(), now), Ok(()));
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = RateLimiter::per_minute(0);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!((0..100).all(|_| limiter.check(ip).is_ok()));
    }
}
