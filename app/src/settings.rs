//! The organisation's own details, set by an admin and printed on donor receipts.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use crate::accounts::MAX_EMAIL_CHARS;
use crate::accounts::looks_like_email;
use crate::error::{Checker, FieldErrors};
use crate::text::{check_free_text, check_length};

pub const MAX_ORGANISATION_NAME_CHARS: usize = 200;
pub const MAX_ADDRESS_CHARS: usize = 1000;
pub const MAX_CHARITY_NUMBER_CHARS: usize = 50;

/// The organisation's details: the body of `PUT /api/settings/organisation` and the answer of
/// `GET` on the same path. Before an admin first saves them, every field is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationSettings {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::required_line::<MAX_ORGANISATION_NAME_CHARS>))]
    pub name: String,
    /// The postal address, one line of it per line of text.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::free_text::<MAX_ADDRESS_CHARS>))]
    pub address: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::nullable_line::<MAX_EMAIL_CHARS>))]
    pub contact_email: Option<String>,
    /// The registered charity number, if the organisation has one.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::nullable_line::<MAX_CHARITY_NUMBER_CHARS>))]
    pub charity_number: Option<String>,
}

impl OrganisationSettings {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        check_length(
            &mut checker,
            "name",
            &self.name,
            1,
            MAX_ORGANISATION_NAME_CHARS,
        );
        check_free_text(&mut checker, "address", &self.address, MAX_ADDRESS_CHARS);
        if let Some(email) = non_empty(self.contact_email.as_deref()) {
            checker.check(
                looks_like_email(email),
                "contact_email",
                "must be an email address such as name@example.org",
            );
        }
        if let Some(number) = &self.charity_number {
            check_length(
                &mut checker,
                "charity_number",
                number,
                0,
                MAX_CHARITY_NUMBER_CHARS,
            );
        }
        checker.finish()
    }

    /// The details as they are kept: surrounding spaces trimmed, and an empty optional field
    /// stored as none, so that a cleared form field removes it.
    #[must_use]
    pub fn normalized(&self) -> Self {
        Self {
            name: self.name.trim().to_owned(),
            address: self.address.trim().to_owned(),
            contact_email: non_empty(self.contact_email.as_deref()).map(str::to_owned),
            charity_number: non_empty(self.charity_number.as_deref()).map(str::to_owned),
        }
    }
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|text| !text.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> OrganisationSettings {
        OrganisationSettings {
            name: "Riverside Community Pantry".into(),
            address: "12 Mill Lane\nRiverside".into(),
            contact_email: Some("hello@example.org".into()),
            charity_number: Some("1234567".into()),
        }
    }

    #[test]
    fn a_name_and_a_multi_line_address_are_valid() {
        assert_eq!(settings().validate(), Ok(()));
    }

    #[test]
    fn a_missing_name_a_long_address_and_a_bad_email_are_each_named() {
        let errors = OrganisationSettings {
            name: "  ".into(),
            address: "x".repeat(MAX_ADDRESS_CHARS + 1),
            contact_email: Some("not an email".into()),
            charity_number: None,
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors["name"], "is required");
        assert_eq!(errors["address"], "must be at most 1000 characters");
        assert!(errors.contains_key("contact_email"));
    }

    #[test]
    fn cleared_optional_fields_are_kept_as_none() {
        let cleared = OrganisationSettings {
            name: " Pantry ".into(),
            contact_email: Some(" ".into()),
            charity_number: Some(String::new()),
            ..settings()
        };
        assert_eq!(cleared.validate(), Ok(()));
        let kept = cleared.normalized();
        assert_eq!(kept.name, "Pantry");
        assert_eq!(kept.contact_email, None);
        assert_eq!(kept.charity_number, None);
    }
}
