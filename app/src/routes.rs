//! The browser app's pages, in one table both sides read: the app's router takes its routes from
//! it, and the server answers a path in it with the app and 200, any other with the app and 404.

pub const HOME: &str = "/";
pub const DONATIONS: &str = "/donations";
pub const IMPORT_DONATIONS: &str = "/donations/import";
pub const DISTRIBUTIONS: &str = "/distributions";
pub const REPORTS: &str = "/reports";
/// A donor's receipt, for the donor and days in the query (`donor`, `from`, `to`).
pub const DONOR_RECEIPT: &str = "/reports/receipt";
pub const HISTORY: &str = "/history";
pub const PRODUCTS: &str = "/products";
pub const JOBS: &str = "/jobs";
pub const SHOP: &str = "/shop";
/// One product of the shop, by id.
pub const PRODUCT: &str = "/shop/{id}";
pub const CART: &str = "/cart";
pub const ORDERS: &str = "/orders";
/// One order's receipt, by id.
pub const RECEIPT: &str = "/orders/{id}";
pub const USERS: &str = "/users";
pub const SETTINGS: &str = "/settings";
pub const DATA_REPORTS: &str = "/data-reports";
pub const COVID: &str = "/covid";
pub const GREETING: &str = "/greeting";
pub const LOGIN: &str = "/login";
pub const REGISTER: &str = "/register";

/// One page: its path pattern, where `{name}` stands for one path segment, and its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub path: &'static str,
    pub title: &'static str,
}

pub const PAGES: &[Page] = &[
    Page {
        path: HOME,
        title: "Dashboard",
    },
    Page {
        path: DONATIONS,
        title: "Donations",
    },
    Page {
        path: IMPORT_DONATIONS,
        title: "Import donations",
    },
    Page {
        path: DISTRIBUTIONS,
        title: "Distributions",
    },
    Page {
        path: REPORTS,
        title: "Reports",
    },
    Page {
        path: DONOR_RECEIPT,
        title: "Donor receipt",
    },
    Page {
        path: HISTORY,
        title: "History",
    },
    Page {
        path: PRODUCTS,
        title: "Products",
    },
    Page {
        path: JOBS,
        title: "Jobs",
    },
    Page {
        path: SHOP,
        title: "Shop",
    },
    Page {
        path: PRODUCT,
        title: "Product",
    },
    Page {
        path: CART,
        title: "Cart",
    },
    Page {
        path: ORDERS,
        title: "Orders",
    },
    Page {
        path: RECEIPT,
        title: "Receipt",
    },
    Page {
        path: USERS,
        title: "Users",
    },
    Page {
        path: SETTINGS,
        title: "Settings",
    },
    Page {
        path: DATA_REPORTS,
        title: "Data reports",
    },
    Page {
        path: COVID,
        title: "COVID-19",
    },
    Page {
        path: GREETING,
        title: "Greeting",
    },
    Page {
        path: LOGIN,
        title: "Sign in",
    },
    Page {
        path: REGISTER,
        title: "Sign up",
    },
];

/// The page `path` shows, if it is one of the app's.
pub fn page(path: &str) -> Option<&'static Page> {
    PAGES.iter().find(|page| params(page.path, path).is_some())
}

/// The values of `pattern`'s `{name}` segments in `path`, or `None` when `path` is not an
/// instance of `pattern`. A trailing `/` is ignored, as browsers and the router ignore it.
pub fn params<'a>(pattern: &'static str, path: &'a str) -> Option<Vec<(&'static str, &'a str)>> {
    let path = path.strip_prefix('/')?;
    let path = path.strip_suffix('/').unwrap_or(path);
    let mut given = path.split('/').filter(|_| !path.is_empty());
    let mut found = Vec::new();
    for segment in pattern.split('/').filter(|segment| !segment.is_empty()) {
        let value = given.next().filter(|value| !value.is_empty())?;
        match segment
            .strip_prefix('{')
            .and_then(|name| name.strip_suffix('}'))
        {
            Some(name) => found.push((name, value)),
            None if segment == value => {}
            None => return None,
        }
    }
    given.next().is_none().then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_path_finds_its_page() {
        assert_eq!(page("/").map(|page| page.title), Some("Dashboard"));
        assert_eq!(page("/donations").map(|page| page.title), Some("Donations"));
        assert_eq!(
            page("/donations/").map(|page| page.title),
            Some("Donations")
        );
        assert_eq!(page("/shop/12").map(|page| page.title), Some("Product"));
        assert_eq!(page("/orders/7").map(|page| page.title), Some("Receipt"));
        for page in PAGES.iter().filter(|page| !page.path.contains('{')) {
            assert_eq!(super::page(page.path), Some(page), "{}", page.path);
        }
    }

    #[test]
    fn other_paths_are_no_page() {
        for path in [
            "",
            "/nothing-here",
            "/shop/12/more",
            "/orders/12/items",
            "/shop//",
            "donations",
        ] {
            assert_eq!(page(path), None, "{path:?}");
        }
    }

    #[test]
    fn parameters_are_read_from_their_segment() {
        assert_eq!(params(PRODUCT, "/shop/42"), Some(vec![("id", "42")]));
        assert_eq!(params(PRODUCT, "/shop"), None);
        assert_eq!(params(HOME, "/"), Some(vec![]));
        assert_eq!(params(HOME, "/shop"), None);
    }
}
