use serde::{Deserialize, Serialize};

/// Answer of the health and readiness probes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok` when healthy or ready, `unavailable` otherwise.
    pub status: String,
    pub version: String,
    /// The git revision the server was built from.
    pub revision: String,
}
