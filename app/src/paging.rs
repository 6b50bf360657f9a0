//! One paging rule for every list: which pages a query may ask for, and what a page holds.

use serde::{Deserialize, Serialize};

use crate::error::Checker;

pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 100;
/// The last page any list serves: ten million rows at the largest page size, far past any real
/// list, and small enough that the row offset always fits the databases' 64-bit integers.
pub const MAX_PAGE: u64 = 100_000;

/// The page a list query asks for, with the defaults applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Counted from 1.
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        Self {
            page: page.unwrap_or(1),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE),
        }
    }
}

/// The page of a list whose other query parameters are read on their own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PageQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100_000))]
    pub page: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

impl PageQuery {
    pub fn paging(&self) -> Paging {
        Paging::new(self.page, self.per_page)
    }
}

/// Checks the `page` and `per_page` of a list query.
pub fn check(checker: &mut Checker, page: Option<u64>, per_page: Option<u64>) {
    checker.check(
        page.is_none_or(|n| (1..=MAX_PAGE).contains(&n)),
        "page",
        format!("must be between 1 and {MAX_PAGE}"),
    );
    checker.check(
        per_page.is_none_or(|n| (1..=MAX_PER_PAGE).contains(&n)),
        "per_page",
        format!("must be between 1 and {MAX_PER_PAGE}"),
    );
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items in the whole list.
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: u64, paging: Paging) -> Self {
        Self {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(page: Option<u64>, per_page: Option<u64>) -> Vec<String> {
        let mut checker = Checker::default();
        check(&mut checker, page, per_page);
        checker
            .finish()
            .err()
            .unwrap_or_default()
            .into_keys()
            .collect()
    }

    #[test]
    fn pages_from_one_to_the_last_are_accepted() {
        assert!(problems(None, None).is_empty());
        assert!(problems(Some(1), Some(1)).is_empty());
        assert!(problems(Some(MAX_PAGE), Some(MAX_PER_PAGE)).is_empty());
    }

    #[test]
    fn page_zero_and_pages_past_the_last_are_rejected() {
        assert_eq!(problems(Some(0), None), ["page"]);
        assert_eq!(problems(Some(MAX_PAGE + 1), None), ["page"]);
        assert_eq!(problems(Some(u64::MAX / 2 + 1), None), ["page"]);
    }

    #[test]
    fn page_sizes_outside_one_to_the_maximum_are_rejected() {
        assert_eq!(problems(None, Some(0)), ["per_page"]);
        assert_eq!(problems(None, Some(MAX_PER_PAGE + 1)), ["per_page"]);
    }

    #[test]
    fn the_largest_offset_fits_a_signed_64_bit_integer() {
        let rows_before_the_last_page = (MAX_PAGE - 1) * MAX_PER_PAGE;
        assert!(i64::try_from(rows_before_the_last_page).is_ok());
    }

    #[test]
    fn an_unset_page_is_the_first_at_the_default_size() {
        assert_eq!(
            Paging::new(None, None),
            Paging {
                page: 1,
                per_page: DEFAULT_PER_PAGE
            }
        );
    }
}
