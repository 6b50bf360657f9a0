//! The order a list is sorted in, one rule for every list: `sort=name` sorts by the name from A
//! to Z (or smallest first), `sort=-name` the other way round. Each list names its own columns.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The columns a list can be sorted by, each with its name in the query.
pub trait SortKey: Copy + Eq + 'static {
    const KEYS: &'static [(Self, &'static str)];

    fn name(self) -> &'static str {
        Self::KEYS
            .iter()
            .find(|(key, _)| *key == self)
            .map_or("", |(_, name)| name)
    }
}

/// A column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<K> {
    pub key: K,
    pub descending: bool,
}

impl<K: SortKey> Sort<K> {
    pub fn ascending(key: K) -> Self {
        Self {
            key,
            descending: false,
        }
    }

    pub fn descending(key: K) -> Self {
        Self {
            key,
            descending: true,
        }
    }

    /// The order a click on `key`'s column heading asks for: the other direction when the list
    /// is already sorted by it, else `key` in its usual first direction (`first_descending`).
    pub fn toggled(current: Self, key: K, first_descending: bool) -> Self {
        if current.key == key {
            Self {
                key,
                descending: !current.descending,
            }
        } else {
            Self {
                key,
                descending: first_descending,
            }
        }
    }

    /// The `aria-sort` value of `key`'s column heading under this order.
    pub fn aria(self, key: K) -> &'static str {
        match (self.key == key, self.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }
}

impl<K: SortKey> fmt::Display for Sort<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.descending { "-" } else { "" };
        write!(f, "{sign}{}", self.key.name())
    }
}

impl<K: SortKey> FromStr for Sort<K> {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (descending, name) = match text.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, text),
        };
        K::KEYS
            .iter()
            .find(|(_, known)| *known == name)
            .map(|(key, _)| Self {
                key: *key,
                descending,
            })
            .ok_or_else(|| {
                let names: Vec<&str> = K::KEYS.iter().map(|(_, name)| *name).collect();
                format!(
                    "must be one of {}, each optionally after `-` for the reverse order",
                    names.join(", ")
                )
            })
    }
}

impl<K: SortKey> Serialize for Sort<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, K: SortKey> Deserialize<'de> for Sort<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Column {
        Date,
        Name,
    }

    impl SortKey for Column {
        const KEYS: &'static [(Self, &'static str)] =
            &[(Column::Date, "date"), (Column::Name, "name")];
    }

    #[test]
    fn a_leading_minus_reverses_the_order() {
        assert_eq!("name".parse(), Ok(Sort::ascending(Column::Name)));
        assert_eq!("-date".parse(), Ok(Sort::descending(Column::Date)));
        assert_eq!(Sort::descending(Column::Date).to_string(), "-date");
    }

    #[test]
    fn an_unknown_column_names_the_known_ones() {
        let error = "-price".parse::<Sort<Column>>().unwrap_err();
        assert!(error.contains("date, name"), "{error}");
        assert!("--date".parse::<Sort<Column>>().is_err());
    }

    #[test]
    fn clicking_a_column_again_reverses_it_and_another_starts_it_afresh() {
        let by_date = Sort::descending(Column::Date);
        assert_eq!(
            Sort::toggled(by_date, Column::Date, true),
            Sort::ascending(Column::Date)
        );
        assert_eq!(
            Sort::toggled(by_date, Column::Name, false),
            Sort::ascending(Column::Name)
        );
        assert_eq!(by_date.aria(Column::Date), "descending");
        assert_eq!(by_date.aria(Column::Name), "none");
    }
}
