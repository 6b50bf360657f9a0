use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact decimal amount with at most two decimal places: US dollars for money, units for goods.
///
/// On the wire it is a string such as `"12.50"`; requests may also send a JSON number. In the
/// database it is an integer count of hundredths, so nothing is ever rounded through a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(Decimal);

/// The largest quantity a single record may carry.
pub const MAX_QUANTITY: Quantity = Quantity(Decimal::from_parts(1_000_000_000, 0, 0, false, 0));

impl Quantity {
    pub const ZERO: Quantity = Quantity(Decimal::ZERO);

    /// A whole number of units, usable in constants.
    pub const fn from_whole(units: u32) -> Self {
        Self(Decimal::from_parts(units, 0, 0, false, 0))
    }

    pub fn from_hundredths(hundredths: i64) -> Self {
        Self(Decimal::new(hundredths, 2))
    }

    /// The amount as a whole number of hundredths, the unit it is stored in.
    pub fn hundredths(self) -> i64 {
        let scaled = self.0 * Decimal::ONE_HUNDRED;
        i64::try_from(scaled)
            .expect("a parsed quantity has at most two decimal places and fits in i64")
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }
}

/// The schema says what a quantity is on the wire, a decimal string, rather than describing the
/// `Decimal` inside.
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

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let plain = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
        if !plain {
            return Err(QuantityError("must be a number such as 12 or 12.50"));
        }
        let value = Decimal::from_str_exact(text)
            .map_err(|_| QuantityError("must be a number such as 12 or 12.50"))?
            .normalize();
        if value.scale() > 2 {
            return Err(QuantityError("must have at most 2 decimal places"));
        }
        // Anything beyond this can never be valid, and keeping it out keeps `hundredths` total.
        if value.abs() > Decimal::from(1_000_000_000_000_i64) {
            return Err(QuantityError("is too large"));
        }
        Ok(Self(value))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
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
        assert_eq!(q("12.500").to_string(), "12.50");
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
            "", "abc", "1e3", "1,5", "0x10", " ", "--1", "1.2.3", "NaN", "inf",
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

    proptest! {
        #[test]
        fn hundredths_round_trip(hundredths in -100_000_000_000_i64..100_000_000_000) {
            let value = Quantity::from_hundredths(hundredths);
            prop_assert_eq!(value.hundredths(), hundredths);
            prop_assert_eq!(value.to_string().parse::<Quantity>().unwrap(), value);
        }
    }
}
