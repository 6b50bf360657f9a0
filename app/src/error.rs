use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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

/// Checks that `text`, once trimmed, has between `min` and `max` characters and no control
/// characters: a name or a key is one line of visible text.
pub fn check_length(checker: &mut Checker, field: &str, text: &str, min: usize, max: usize) {
    check_no_control(checker, field, text, &[]);
    check_counted_length(checker, field, text, min, max);
}

/// Like [`check_length`] for free text such as notes, where line breaks and tabs belong.
pub fn check_free_text(checker: &mut Checker, field: &str, text: &str, max: usize) {
    check_no_control(checker, field, text, &['\n', '\r', '\t']);
    check_counted_length(checker, field, text, 0, max);
}

/// Refuses control characters other than `allowed`. A NUL byte, for one, cannot be stored in a
/// PostgreSQL text column, and no person types the others into a form.
pub fn check_no_control(checker: &mut Checker, field: &str, text: &str, allowed: &[char]) {
    checker.check(
        !text
            .chars()
            .any(|c| c.is_control() && !allowed.contains(&c)),
        field,
        "must not contain control characters",
    );
}

fn check_counted_length(checker: &mut Checker, field: &str, text: &str, min: usize, max: usize) {
    let length = text.trim().chars().count();
    if length < min {
        checker.check(false, field, "is required");
    }
    checker.check(
        length <= max,
        field,
        format!("must be at most {max} characters"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(check: impl FnOnce(&mut Checker)) -> Option<String> {
        let mut checker = Checker::default();
        check(&mut checker);
        checker.finish().err().map(|errors| errors["text"].clone())
    }

    #[test]
    fn a_line_of_text_refuses_every_control_character() {
        for text in ["a\0b", "a\nb", "tab\there", "bell\u{7}", "\u{85}next line"] {
            assert_eq!(
                problem(|checker| check_length(checker, "text", text, 1, 50)).as_deref(),
                Some("must not contain control characters"),
                "{text:?}"
            );
        }
        assert_eq!(
            problem(|checker| check_length(checker, "text", "Ada Lovelace ✓", 1, 50)),
            None
        );
    }

    #[test]
    fn free_text_keeps_line_breaks_and_tabs_but_not_other_control_characters() {
        assert_eq!(
            problem(|checker| check_free_text(checker, "text", "line one\r\nline\ttwo\n", 50)),
            None
        );
        assert_eq!(
            problem(|checker| check_free_text(checker, "text", "a\0b", 50)).as_deref(),
            Some("must not contain control characters")
        );
    }
}
