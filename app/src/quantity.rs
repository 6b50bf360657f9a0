use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact decimal amount with at most two decimal places: US dollars for money, units for goods.
///
/// On the wire it is a string such as `"12.50"`; requests may also send a JSON number. Inside,
/// as in the database, it is a whole number of hundredths, so nothing is ever rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(i64);

/// The largest quantity a single record may carry.
pub const MAX_QUANTITY: Quantity = Quantity::from_whole(1_000_000_000);

/// Beyond this no amount can be valid; bounding what is read keeps every sum of amounts exact.
const MAX_READ: i64 = 1_000_000_000_000 * 100;

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);

    /// A whole number of units, usable in constants.
    pub const fn from_whole(units: u32) -> Self {
        Self(units as i64 * 100)
    }

    pub const fn from_hundredths(hundredths: i64) -> Self {
        Self(hundredths)
    }

    /// The amount as a whole number of hundredths, the unit it is stored in.
    pub fn hundredths(self) -> i64 {
        self.0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
}

/// The schema says what a quantity is on the wire, a decimal string, rather than describing the
/// integer inside.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Quantity {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^-?[0-9]+(\.[0-9]{1,2})?$"))
            .description(Some(
                "An exact decimal amount with at most two decimal places, as a string such as \
                 \"12.50\". Requests may also send a JSON number.",
            ))
            .examples(["12.50"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Quantity {}

/// Quantities within the bounds the checks enforce, as schemas for `#[schema(schema_with = ...)]`.
#[cfg(feature = "openapi")]
pub mod schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};

    /// More than 0 and at most [`super::MAX_QUANTITY`], as a string.
    pub(crate) const POSITIVE_PATTERN: &str =
        r"^(0*[1-9][0-9]{0,8}(\.[0-9]{1,2})?|0+\.(0[1-9]|[1-9][0-9]?)|0*1000000000(\.00?)?)$";
    /// From 0 to [`super::MAX_QUANTITY`], as a string.
    pub(crate) const THRESHOLD_PATTERN: &str =
        r"^(0*[0-9]{1,9}(\.[0-9]{1,2})?|0*1000000000(\.00?)?)$";
    /// From 0 to [`crate::shop::MAX_PRICE`], as a string.
    pub(crate) const PRICE_PATTERN: &str = r"^(0*[0-9]{1,6}(\.[0-9]{1,2})?|0*1000000(\.00?)?)$";

    /// A donation's or distribution's quantity.
    pub fn positive() -> Schema {
        amount(
            POSITIVE_PATTERN,
            ObjectBuilder::new().exclusive_minimum(Some(0)),
            1_000_000_000,
        )
        .into()
    }

    /// A product's price.
    pub fn price() -> Schema {
        amount(
            PRICE_PATTERN,
            ObjectBuilder::new().minimum(Some(0)),
            1_000_000,
        )
        .into()
    }

    /// A low-stock threshold, or `null` for none.
    pub fn threshold() -> Schema {
        amount(
            THRESHOLD_PATTERN,
            ObjectBuilder::new().minimum(Some(0)),
            1_000_000_000,
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
    }

    fn amount(pattern: &str, number: ObjectBuilder, max: u32) -> OneOfBuilder {
        let text = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(pattern))
            .examples(["12.50"]);
        let number = number
            .schema_type(Type::Number)
            .maximum(Some(max))
            .multiple_of(Some(0.01));
        OneOfBuilder::new()
            .item(text)
            .item(number)
            .description(Some(
                "An exact decimal amount with at most two decimal places: a string such as \
                 \"12.50\", or a JSON number.",
            ))
    }
}

/// Why a text is not a quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError(&'static str);

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for QuantityError {}

impl FromStr for Quantity {
    type Err = QuantityError;

    /// Reads digits with at most two decimals (`12`, `12.5`, `0.25`), as written: no sign, no
    /// spaces, no exponent. Nothing a request carries is ever negative.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const NOT_A_NUMBER: QuantityError = QuantityError("must be a number such as 12 or 12.50");
        if text.starts_with('-') {
            return Err(QuantityError("must not be negative"));
        }
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (text, None),
        };
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || fraction.is_some_and(|fraction| !digits(fraction)) {
            return Err(NOT_A_NUMBER);
        }
        if fraction.is_some_and(|fraction| fraction.len() > 2) {
            return Err(QuantityError("must have at most 2 decimal places"));
        }
        let too_large = QuantityError("is too large");
        let whole = whole.trim_start_matches('0');
        // At most 13 digits, so the sum below cannot overflow.
        if whole.len() > 13 {
            return Err(too_large);
        }
        let number = |digits: &str| digits.bytes().fold(0, |n, b| n * 10 + i64::from(b - b'0'));
        let hundredths = match fraction {
            Some(fraction) if fraction.len() == 1 => number(fraction) * 10,
            Some(fraction) => number(fraction),
            None => 0,
        };
        let value = number(whole) * 100 + hundredths;
        if value > MAX_READ {
            return Err(too_large);
        }
        Ok(Self(value))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", magnitude / 100, magnitude % 100)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct QuantityVisitor;

        impl Visitor<'_> for QuantityVisitor {
            type Value = Quantity;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number or a string holding one")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Quantity, E> {
                text.parse().map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Quantity, E> {
                self.visit_str(&value.to_string())
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Quantity, E> {
                self.visit_str(&value.to_string())
            }

            // A JSON number with a fraction arrives as the nearest f64; its shortest decimal form is
            // exactly what the client wrote for every value with at most two decimal places.
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Quantity, E> {
                if value.is_finite() {
                    self.visit_str(&value.to_string())
                } else {
                    Err(E::custom("must be a finite number"))
                }
            }
        }

        deserializer.deserialize_any(QuantityVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(text: &str) -> Quantity {
        text.parse().unwrap()
    }

    #[test]
    fn formats_with_two_decimal_places() {
        assert_eq!(q("12.5").to_string(), "12.50");
        assert_eq!(q("7").to_string(), "7.00");
        assert_eq!(q("0.01").to_string(), "0.01");
    }

    #[test]
    fn more_than_two_decimal_places_are_rejected() {
        assert_eq!(
            "1.005".parse::<Quantity>().unwrap_err().to_string(),
            "must have at most 2 decimal places"
        );
    }

    #[test]
    fn non_numbers_are_rejected() {
        for text in [
            "", "abc", "1e3", "1,5", "0x10", " ", "--1", "1.2.3", "NaN", "inf", " 1", "1 ", "+1",
            "1.", ".5", "-", "12.500",
        ] {
            assert!(text.parse::<Quantity>().is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn json_numbers_and_strings_are_both_accepted() {
        let from_number: Quantity = serde_json::from_str("12.3").unwrap();
        let from_string: Quantity = serde_json::from_str("\"12.30\"").unwrap();
        let from_integer: Quantity = serde_json::from_str("12").unwrap();
        assert_eq!(from_number, from_string);
        assert_eq!(from_integer, q("12"));
        assert_eq!(serde_json::to_string(&from_number).unwrap(), "\"12.30\"");
    }

    #[test]
    fn json_number_with_float_noise_is_read_as_written() {
        let value: Quantity = serde_json::from_str("0.1").unwrap();
        assert_eq!(value.hundredths(), 10);
        let value: Quantity = serde_json::from_str("1234567.89").unwrap();
        assert_eq!(value.hundredths(), 123_456_789);
    }

    #[test]
    fn max_quantity_is_one_billion() {
        assert_eq!(MAX_QUANTITY, q("1000000000"));
    }

    #[test]
    fn amounts_are_read_exactly_up_to_the_largest_that_may_be_read() {
        assert_eq!(q("0012.05").hundredths(), 1205);
        assert_eq!(q("0.5").hundredths(), 50);
        assert_eq!(q("1000000000000").hundredths(), MAX_READ);
        for text in ["1000000000000.01", "99999999999999"] {
            assert_eq!(
                text.parse::<Quantity>().unwrap_err().to_string(),
                "is too large"
            );
        }
        assert_eq!(Quantity::from_hundredths(-1250).to_string(), "-12.50");
        assert_eq!(Quantity::from_hundredths(-5).to_string(), "-0.05");
    }

    #[test]
    fn a_negative_amount_is_named_as_such() {
        assert_eq!(
            "-0.5".parse::<Quantity>().unwrap_err().to_string(),
            "must not be negative"
        );
    }

    #[cfg(feature = "openapi")]
    proptest! {
        #[test]
        fn the_patterns_accept_exactly_the_amounts_within_bounds(
            text in r"-?0{0,2}[0-9]{0,11}(\.[0-9]{0,3})?"
        ) {
            let parsed = text.parse::<Quantity>().ok();
            let positive = regex::Regex::new(schema::POSITIVE_PATTERN).unwrap();
            prop_assert_eq!(
                positive.is_match(&text),
                parsed.is_some_and(|value| value.is_positive() && value <= MAX_QUANTITY)
            );
            let price = regex::Regex::new(schema::PRICE_PATTERN).unwrap();
            prop_assert_eq!(
                price.is_match(&text),
                parsed.is_some_and(|value| value <= crate::shop::MAX_PRICE)
            );
        }
    }

    proptest! {
        #[test]
        fn hundredths_round_trip(hundredths in 0..100_000_000_000_i64) {
            let value = Quantity::from_hundredths(hundredths);
            prop_assert_eq!(value.hundredths(), hundredths);
            prop_assert_eq!(value.to_string().parse::<Quantity>().unwrap(), value);
        }
    }
}
