//! Accounts: registration, sign-in and roles.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Checker, FieldErrors};
use crate::text::{check_length, check_no_control};

/// What an account may do. Each role includes the ones before it: member < staff < admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum Role {
    Member,
    Staff,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Member, Role::Staff, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Member => "Member",
            Role::Staff => "Staff",
            Role::Admin => "Admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| "must be one of member, staff, admin".to_owned())
    }
}

impl TryFrom<String> for Role {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

/// An account as the API shows it: never with its password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(with = "crate::date::timestamp")]
    pub created_at: DateTime<Utc>,
    /// When the account last signed in; `null` if it never has.
    #[serde(default, with = "crate::date::optional_timestamp")]
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// When an admin deactivated the account; `null` while it is active.
    #[serde(default, with = "crate::date::optional_timestamp")]
    pub deactivated_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn is_active(&self) -> bool {
        self.deactivated_at.is_none()
    }
}

/// Who is signed in, if anyone: what the browser app asks at start. Unlike the signed-in
/// account's own path, this answers visitors too, so a first visit logs no failed request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// The signed-in account; `null` for a visitor.
    pub user: Option<User>,
}

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const MAX_USER_NAME_CHARS: usize = 100;
pub(crate) const MAX_EMAIL_CHARS: usize = 254;

/// Passwords that are among the most used, and so the first an attacker tries. Only those long
/// enough to pass the length rule need listing.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password!",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "12345678",
    "123456789",
    "1234567890",
    "12341234",
    "11111111",
    "00000000",
    "87654321",
    "11223344",
    "12121212",
    "88888888",
    "99999999",
    "66666666",
    "123123123",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "qwerty12",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "zaq12wsx",
    "asdfghjk",
    "asdfghjkl",
    "zxcvbnm1",
    "iloveyou",
    "iloveyou1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "welcome123",
    "letmein1",
    "trustno1",
    "superman",
    "starwars",
    "whatever",
    "michelle",
    "jennifer",
    "computer",
    "internet",
    "corvette",
    "mercedes",
    "liverpool",
    "chelsea1",
    "arsenal1",
    "midnight",
    "master123",
    "admin123",
    "administrator",
    "changeme",
    "abc12345",
    "abcd1234",
    "aa123456",
    "a1b2c3d4",
    "qazwsxedc",
    "1234qwer",
    "q1w2e3r4",
    "q1w2e3r4t5",
    "monkey123",
    "dragon123",
    "shadow123",
    "football1",
    "baseball1",
    "charlie1",
    "jordan23",
    "freedom1",
    "hello123",
    "secret123",
    "test1234",
    "testtest",
    "letmein123",
    "pokemon1",
    "samsung1",
    "google123",
    "summer2024",
    "winter2024",
    "spring2024",
    "autumn2024",
    "summer2025",
    "winter2025",
    "password2024",
    "password2025",
    "password2026",
    "community",
    "community1",
];

fn is_common_password(password: &str) -> bool {
    // The list is ASCII, so no other letters' case matters.
    COMMON_PASSWORDS
        .iter()
        .any(|common| common.eq_ignore_ascii_case(password))
}

/// The email as stored: trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// [`looks_like_email`] as a pattern (the address is trimmed first), within [`MAX_EMAIL_CHARS`].
#[cfg(feature = "openapi")]
fn email_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(EMAIL_PATTERN))
        .max_length(Some(MAX_EMAIL_CHARS))
        .examples(["name@example.org"])
        .build()
}

#[cfg(feature = "openapi")]
const EMAIL_PATTERN: &str = r"^[^@\s\x00-\x1F\x7F-\x9F]+@[^@.\s\x00-\x1F\x7F-\x9F][^@\s\x00-\x1F\x7F-\x9F]*\.[^@\s\x00-\x1F\x7F-\x9F]*[^@.\s\x00-\x1F\x7F-\x9F]$";

/// A plain shape check: one `@`, something before it, a dotted domain after it, no spaces.
pub(crate) fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
        && email.chars().count() <= MAX_EMAIL_CHARS
}

/// Body of `POST /api/auth/register`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = email_schema))]
    pub email: String,
    /// Not one of the most common passwords.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 8, max_length = 128, format = Password)
    )]
    pub password: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::required_line::<MAX_USER_NAME_CHARS>))]
    pub name: String,
}

impl RegisterRequest {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        check_email(&mut checker, &self.email);
        check_password(&mut checker, &self.password);
        check_length(&mut checker, "name", &self.name, 1, MAX_USER_NAME_CHARS);
        checker.finish()
    }
}

fn check_email(checker: &mut Checker, email: &str) {
    // Lower-casing changes no rule's answer, so the browser app need not carry every script's
    // capitals to check an address.
    let email = email.trim();
    checker.check(!email.is_empty(), "email", "is required");
    check_no_control(checker, "email", email, &[]);
    checker.check(
        looks_like_email(email),
        "email",
        "must be an email address such as name@example.org",
    );
}

/// The password rules, for registration and for accounts made from the command line.
pub fn check_password(checker: &mut Checker, password: &str) {
    let length = password.chars().count();
    checker.check(
        length >= MIN_PASSWORD_CHARS,
        "password",
        format!("must be at least {MIN_PASSWORD_CHARS} characters"),
    );
    checker.check(
        length <= MAX_PASSWORD_CHARS,
        "password",
        format!("must be at most {MAX_PASSWORD_CHARS} characters"),
    );
    checker.check(
        !is_common_password(password),
        "password",
        "is one of the most common passwords; choose another",
    );
}

/// Body of `POST /api/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::required_line::<MAX_EMAIL_CHARS>))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, format = Password))]
    pub password: String,
}

impl LoginRequest {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        check_length(&mut checker, "email", &self.email, 1, MAX_EMAIL_CHARS);
        checker.check(!self.password.is_empty(), "password", "is required");
        checker.finish()
    }
}

/// Body of `PATCH /api/users/{id}`: what to change, one or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateUserRequest {
    /// The new role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// `false` deactivates the account (its sessions end at once and it cannot sign in), `true`
    /// reactivates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

impl UpdateUserRequest {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        checker.check(
            self.role.is_some() || self.active.is_some(),
            "role",
            "give a role or whether the account is active",
        );
        checker.finish()
    }

    /// Whether the change leaves the account without an active admin role.
    pub fn steps_down(&self) -> bool {
        self.role.is_some_and(|role| role != Role::Admin) || self.active == Some(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "openapi")]
    #[test]
    fn the_email_pattern_accepts_what_the_check_accepts() {
        let pattern = regex::Regex::new(EMAIL_PATTERN).unwrap();
        for email in [
            "a@b.co",
            "x@a..b",
            "ä@ö.de",
            "a@b",
            "a@.b",
            "a@b.",
            "@b.co",
            "a@@b.co",
            "a@b@c.de",
            "a b@c.de",
            "a\u{85}@b.co",
            "a@b.c\u{0}",
            "a@b.\u{2003}c",
        ] {
            let mut checker = Checker::default();
            check_email(&mut checker, email);
            assert_eq!(
                pattern.is_match(email),
                checker.finish().is_ok(),
                "{email:?}"
            );
        }
    }

    fn register(email: &str, password: &str, name: &str) -> RegisterRequest {
        RegisterRequest {
            email: email.into(),
            password: password.into(),
            name: name.into(),
        }
    }

    #[test]
    fn a_reasonable_registration_is_valid() {
        assert_eq!(
            register(" Ada@Example.org ", "correct horse battery", "Ada").validate(),
            Ok(())
        );
    }

    #[test]
    fn emails_must_look_like_addresses() {
        for email in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "ada@@example.org",
            "a da@example.org",
            "ada@.org",
        ] {
            let errors = register(email, "correct horse battery", "Ada")
                .validate()
                .unwrap_err();
            assert!(errors.contains_key("email"), "{email:?} was accepted");
        }
    }

    #[test]
    fn passwords_must_be_8_to_128_characters_and_not_common() {
        let short = register("a@b.org", "short12", "Ada")
            .validate()
            .unwrap_err();
        assert_eq!(short["password"], "must be at least 8 characters");
        let long = register("a@b.org", &"x".repeat(129), "Ada")
            .validate()
            .unwrap_err();
        assert_eq!(long["password"], "must be at most 128 characters");
        let common = register("a@b.org", "Password123", "Ada")
            .validate()
            .unwrap_err();
        assert!(common["password"].contains("most common"));
        assert_eq!(
            register("a@b.org", &"x".repeat(128), "Ada").validate(),
            Ok(())
        );
    }

    #[test]
    fn name_is_required_and_at_most_100_characters() {
        assert!(
            register("a@b.org", "correct horse", "  ")
                .validate()
                .unwrap_err()
                .contains_key("name")
        );
        assert!(
            register("a@b.org", "correct horse", &"n".repeat(101))
                .validate()
                .unwrap_err()
                .contains_key("name")
        );
    }

    #[test]
    fn an_update_changes_something_and_knows_when_it_steps_down() {
        assert!(
            UpdateUserRequest::default()
                .validate()
                .unwrap_err()
                .contains_key("role")
        );
        let demote = UpdateUserRequest {
            role: Some(Role::Staff),
            active: None,
        };
        let deactivate = UpdateUserRequest {
            role: None,
            active: Some(false),
        };
        let promote = UpdateUserRequest {
            role: Some(Role::Admin),
            active: Some(true),
        };
        assert_eq!(demote.validate(), Ok(()));
        assert!(demote.steps_down() && deactivate.steps_down());
        assert!(!promote.steps_down());
    }

    #[test]
    fn roles_are_ordered_by_what_they_may_do() {
        assert!(Role::Member < Role::Staff && Role::Staff < Role::Admin);
        assert_eq!("staff".parse::<Role>(), Ok(Role::Staff));
        assert!("owner".parse::<Role>().is_err());
    }
}
