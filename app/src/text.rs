//! The rules for text fields, and the same rules as OpenAPI schemas, so the API description holds
//! exactly what the checks enforce.

use crate::error::Checker;

/// Checks a line of text such as a name or a key: no control characters, at most `max` characters
/// as sent, and at least `min` once surrounding spaces are trimmed (so `min` 1 means required).
pub fn check_length(checker: &mut Checker, field: &str, text: &str, min: usize, max: usize) {
    check_no_control(checker, field, text, &[]);
    check_counted_length(checker, field, text, min, max);
}

/// Like [`check_length`] for free text such as notes, where line breaks and tabs belong.
pub fn check_free_text(checker: &mut Checker, field: &str, text: &str, max: usize) {
    check_no_control(checker, field, text, FREE_TEXT_CONTROLS);
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

/// The control characters free text keeps: line breaks and tabs.
const FREE_TEXT_CONTROLS: &[char] = &['\n', '\r', '\t'];

fn check_counted_length(checker: &mut Checker, field: &str, text: &str, min: usize, max: usize) {
    if text.trim().chars().count() < min {
        checker.check(false, field, "is required");
    }
    checker.check(
        text.chars().count() <= max,
        field,
        format!("must be at most {max} characters"),
    );
}

/// The one of `all` that `name` calls `text`, or a message that lists the names.
pub fn one_of<T: Copy>(all: &[T], name: fn(T) -> &'static str, text: &str) -> Result<T, String> {
    all.iter()
        .copied()
        .find(|item| name(*item) == text)
        .ok_or_else(|| {
            let names: Vec<_> = all.iter().map(|item| name(*item)).collect();
            format!("must be one of {}", names.join(", "))
        })
}

/// The rules above as schemas, for `#[schema(schema_with = ...)]` and `#[param(schema_with = ...)]`.
#[cfg(feature = "openapi")]
pub mod schema {
    use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

    /// Any character but a control character (Unicode category Cc, as `char::is_control`).
    const LINE_CHAR: &str = r"[^\x00-\x1F\x7F-\x9F]";
    /// A character that is neither a control character nor a space `str::trim` removes.
    const VISIBLE_CHAR: &str =
        r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
    /// Any character but the control characters free text refuses.
    const FREE_TEXT_CHAR: &str = r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]";

    fn text(pattern: String, max: usize) -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(pattern))
            .max_length(Some(max))
    }

    fn or_null(text: ObjectBuilder) -> Object {
        text.schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .build()
    }

    /// A line of any length: [`super::check_no_control`] with nothing allowed.
    pub(crate) fn line_pattern() -> String {
        format!("^{LINE_CHAR}*$")
    }

    fn free_text_pattern() -> String {
        format!("^{FREE_TEXT_CHAR}*$")
    }

    /// A required line: [`super::check_length`] with `min` 1.
    pub fn required_line<const MAX: usize>() -> Object {
        text(format!("^{LINE_CHAR}*{VISIBLE_CHAR}{LINE_CHAR}*$"), MAX).build()
    }

    /// An optional line ([`super::check_length`] with `min` 0) that may also be `null`.
    pub fn nullable_line<const MAX: usize>() -> Object {
        or_null(text(line_pattern(), MAX))
    }

    /// [`super::check_free_text`].
    pub fn free_text<const MAX: usize>() -> Object {
        text(free_text_pattern(), MAX).build()
    }

    /// Free text that may also be `null`.
    pub fn nullable_free_text<const MAX: usize>() -> Object {
        or_null(text(free_text_pattern(), MAX))
    }
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

    #[test]
    fn a_required_line_needs_more_than_spaces_and_its_length_counts_every_character() {
        assert_eq!(
            problem(|checker| check_length(checker, "text", " \u{3000} ", 1, 5)).as_deref(),
            Some("is required")
        );
        assert_eq!(
            problem(|checker| check_length(checker, "text", "abcde ", 1, 5)).as_deref(),
            Some("must be at most 5 characters")
        );
        assert_eq!(
            problem(|checker| check_length(checker, "text", "", 0, 5)),
            None
        );
    }

    /// Every character up to U+3100 (past the last space `trim` knows), alone and between letters,
    /// is accepted by each schema's pattern exactly when the check accepts it.
    #[cfg(feature = "openapi")]
    #[test]
    fn the_schemas_accept_exactly_what_the_checks_accept() {
        use utoipa::openapi::schema::Object;

        type Check = fn(&mut Checker, &str);
        let cases: [(Object, Check); 3] = [
            (schema::required_line::<50>(), |checker, text| {
                check_length(checker, "text", text, 1, 50)
            }),
            (schema::nullable_line::<50>(), |checker, text| {
                check_length(checker, "text", text, 0, 50)
            }),
            (schema::free_text::<50>(), |checker, text| {
                check_free_text(checker, "text", text, 50)
            }),
        ];
        for (schema, check) in cases {
            let pattern = regex::Regex::new(schema.pattern.as_deref().unwrap()).unwrap();
            for c in (0..=0x3100).filter_map(char::from_u32) {
                for text in [format!("{c}"), format!("a{c}b"), format!("{c}{c}")] {
                    assert_eq!(
                        pattern.is_match(&text),
                        problem(|checker| check(checker, &text)).is_none(),
                        "{text:?} against {pattern}"
                    );
                }
            }
        }
    }

    /// The search parameters take any line, so they carry the pattern as a literal.
    #[cfg(feature = "openapi")]
    #[test]
    fn search_parameters_refuse_control_characters_as_the_checks_do() {
        use utoipa::IntoParams;
        use utoipa::openapi::{RefOr, schema::Schema};

        for (parameters, name) in [
            (crate::ledger::LedgerQuery::into_params(|| None), "donor"),
            (crate::shop::ProductQuery::into_params(|| None), "q"),
        ] {
            let parameter = parameters.iter().find(|p| p.name == name).unwrap();
            let Some(RefOr::T(Schema::Object(object))) = &parameter.schema else {
                panic!("{name} has no inline schema");
            };
            assert_eq!(object.pattern, Some(schema::line_pattern()), "{name}");
        }
    }
}
