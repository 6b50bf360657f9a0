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

/// One page: its path pattern, where `{name}` stands for one path segment, its title, and the
/// heading and lead it opens with for every visitor, if it has them before its data arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub path: &'static str,
    pub title: &'static str,
    pub intro: Option<Intro>,
}

/// The heading and first paragraph of a page. The app draws them, and the server writes them
/// into the page's HTML, so they show as soon as it arrives instead of once the app has loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intro {
    pub heading: &'static str,
    pub lead: &'static str,
}

pub const PAGES: &[Page] = &[
    Page {
        path: HOME,
        title: "Dashboard",
        intro: Some(Intro {
            heading: "Community Hub",
            lead: "Community Hub keeps track of what your organisation receives and hands out: donations, distributions, stock and donor reports, and runs its community shop.",
        }),
    },
    Page {
        path: DONATIONS,
        title: "Donations",
        intro: Some(Intro {
            heading: "Donations",
            lead: "Record what comes in, correct or remove an entry, and find any donation by donor, kind or day.",
        }),
    },
    Page {
        path: IMPORT_DONATIONS,
        title: "Import donations",
        intro: Some(Intro {
            heading: "Import donations",
            lead: "Add many donations at once from a CSV file: preview what it holds and every problem in it, then import all of it together.",
        }),
    },
    Page {
        path: DISTRIBUTIONS,
        title: "Distributions",
        intro: Some(Intro {
            heading: "Distributions",
            lead: "Record what goes out to the people you serve, correct or remove an entry, and find any distribution by kind, recipient or day.",
        }),
    },
    Page {
        path: REPORTS,
        title: "Reports",
        intro: Some(Intro {
            heading: "Reports",
            lead: "Stock on hand for each kind, the thresholds below which it shows as low, and what each donor gave, with CSV downloads.",
        }),
    },
    Page {
        path: DONOR_RECEIPT,
        title: "Donor receipt",
        intro: None,
    },
    Page {
        path: HISTORY,
        title: "History",
        intro: Some(Intro {
            heading: "History",
            lead: "Every change to the records: donations, distributions, products, accounts and settings, with who made it and when.",
        }),
    },
    Page {
        path: PRODUCTS,
        title: "Products",
        intro: Some(Intro {
            heading: "Products",
            lead: "The shop's catalogue: add products, set their prices and stock, and remove those no longer sold.",
        }),
    },
    Page {
        path: JOBS,
        title: "Jobs",
        intro: Some(Intro {
            heading: "Jobs",
            lead: "The scheduled public-data jobs: what each one loads, when it runs next, and how its last runs went.",
        }),
    },
    Page {
        path: SHOP,
        title: "Shop",
        intro: Some(Intro {
            heading: "Shop",
            lead: "Browse what is on offer, put what you need in your cart, and check out.",
        }),
    },
    Page {
        path: PRODUCT,
        title: "Product",
        intro: None,
    },
    Page {
        path: CART,
        title: "Cart",
        intro: Some(Intro {
            heading: "Your cart",
            lead: "Check the items and quantities, then place your order.",
        }),
    },
    Page {
        path: ORDERS,
        title: "Orders",
        intro: Some(Intro {
            heading: "Orders",
            lead: "Orders placed in the shop, newest first, each with its receipt.",
        }),
    },
    Page {
        path: RECEIPT,
        title: "Receipt",
        intro: None,
    },
    Page {
        path: USERS,
        title: "Users",
        intro: Some(Intro {
            heading: "Users",
            lead: "Every account, its role, and whether it can sign in.",
        }),
    },
    Page {
        path: SETTINGS,
        title: "Settings",
        intro: Some(Intro {
            heading: "Settings",
            lead: "Your organisation's details, as printed at the top of every donor receipt.",
        }),
    },
    Page {
        path: DATA_REPORTS,
        title: "Data reports",
        intro: Some(Intro {
            heading: "Data reports",
            lead: "Reports built from public data after each sync of US population and labour statistics, with every earlier version kept.",
        }),
    },
    Page {
        path: COVID,
        title: "COVID-19",
        intro: Some(Intro {
            heading: "COVID-19",
            lead: "Cumulative US cases, deaths and recoveries, day by day.",
        }),
    },
    Page {
        path: GREETING,
        title: "Greeting",
        intro: Some(Intro {
            heading: "Birthday greeting",
            lead: "Save a username with a date of birth, then ask the public API for that user's birthday greeting.",
        }),
    },
    Page {
        path: LOGIN,
        title: "Sign in",
        intro: Some(Intro {
            heading: "Sign in",
            lead: "Sign in to record donations and distributions, see the reports, or follow your orders.",
        }),
    },
    Page {
        path: REGISTER,
        title: "Sign up",
        intro: Some(Intro {
            heading: "Sign up",
            lead: "Create an account to shop and follow your orders; an admin can give you staff access.",
        }),
    },
];

/// What the browser's tab shows for a page titled `title`: the server writes it into the page's
/// HTML and the app sets it on every navigation, so both must say the same.
pub fn document_title(title: &str) -> String {
    format!("{title} · Community Hub")
}

/// The intro of the page whose pattern is `path`, one of the constants above.
pub fn intro(path: &str) -> Option<&'static Intro> {
    PAGES
        .iter()
        .find(|page| page.path == path)
        .and_then(|page| page.intro.as_ref())
}

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
