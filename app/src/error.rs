use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::import::LineError;

/// Field name → what is wrong with it, in words a person can act on.
pub type FieldErrors = BTreeMap<String, String>;

/// The body of every error response: `{"error": {"code", "message", "fields"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A stable, machine-readable code such as `validation_failed` or `insufficient_stock`.
    pub code: String,
    pub message: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub fields: FieldErrors,
    /// For a file that was refused (`invalid_lines`): each problem by line and column, at most
    /// 100 of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineError>,
    /// Problems found beyond those in `lines`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lines_not_listed: u64,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

/// Collects field errors while checking a request, so that every bad field is reported at once.
#[derive(Debug, Default)]
pub struct Checker {
    errors: FieldErrors,
}

impl Checker {
    /// Records `message` for `field` unless `ok` holds; the first message for a field wins.
    pub fn check(&mut self, ok: bool, field: &str, message: impl Into<String>) {
        if !ok {
            self.errors
                .entry(field.to_owned())
                .or_insert_with(|| message.into());
        }
    }

    pub fn finish(self) -> Result<(), FieldErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}
