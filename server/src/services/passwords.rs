//! Password hashing with a cap on how many hashes run at once.
//!
//! Each Argon2id hash or check holds about 19 MiB for its whole run. Without a cap, a burst of
//! sign-ups or a sign-in flood from many addresses starts one hash per request and takes memory
//! without bound; with it, memory stays near `limit × 19 MiB` and requests past the cap wait
//! briefly, then are told to come back. (That the memory also goes back to the system after a
//! burst is the allocator's doing; see the server binary.)

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::SecurityConfig;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("every password hasher is busy")]
    Busy,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// The password hashers one server shares. Cloning shares the cap.
#[derive(Debug, Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl From<&SecurityConfig> for Passwords {
    fn from(config: &SecurityConfig) -> Self {
        Self::new(
            config.password_hash_limit,
            Duration::from_millis(config.password_hash_wait_ms),
        )
    }
}

/// The configured defaults, for the command line and the demo data.
impl Default for Passwords {
    fn default() -> Self {
        Self::from(&SecurityConfig::default())
    }
}

impl Passwords {
    /// At most `limit` hashes at once (at least one), by default one per CPU: more would not
    /// finish sooner, only hold more memory. A request waits up to `wait` for its turn.
    pub fn new(limit: Option<usize>, wait: Duration) -> Self {
        let limit = limit.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        });
        Self {
            permits: Arc::new(Semaphore::new(limit.max(1))),
            wait,
        }
    }

    /// A new Argon2id hash of `password`.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move || password_auth::generate_hash(password))
            .await
    }

    /// Whether `password` matches `hash`.
    pub async fn matches(&self, password: String, hash: String) -> Result<bool, HashError> {
        self.run(move || password_auth::verify_password(password, &hash).is_ok())
            .await
    }

    /// Runs `work` on the blocking pool once a hasher is free. The permit travels with the work,
    /// so a client that hangs up mid-hash does not free a slot the hash still occupies.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = self.permit().await?;
        let result = tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await
        .map_err(anyhow::Error::from)?;
        Ok(result)
    }

    async fn permit(&self) -> Result<OwnedSemaphorePermit, HashError> {
        match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(HashError::Failed(closed.into())),
            Err(_elapsed) => Err(HashError::Busy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_matches_its_password_only() {
        let passwords = Passwords::default();
        let hash = passwords.hash("correct horse".to_owned()).await.unwrap();
        assert!(
            passwords
                .matches("correct horse".to_owned(), hash.clone())
                .await
                .unwrap()
        );
        assert!(!passwords.matches("wrong".to_owned(), hash).await.unwrap());
    }

    #[tokio::test]
    async fn a_request_past_the_cap_is_told_the_hashers_are_busy() {
        let passwords = Passwords::new(Some(1), Duration::from_millis(20));
        let held = passwords.permit().await.unwrap();
        let refused = passwords.hash("password".to_owned()).await;
        assert!(matches!(refused, Err(HashError::Busy)), "{refused:?}");
        drop(held);
        passwords.hash("password".to_owned()).await.unwrap();
    }
}
