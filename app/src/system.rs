use serde::{Deserialize, Serialize};

/// Answer of the health and readiness probes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when healthy or ready, `unavailable` otherwise.
    pub status: String,
    pub version: String,
    /// The git revision the server was built from.
    pub revision: String,
}
