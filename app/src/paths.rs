//! Every API path, so the server's router and the browser's client cannot drift apart.

pub const HEALTH: &str = "/api/health";
pub const READY: &str = "/api/ready";

pub const DONATIONS: &str = "/api/donations";
pub const DISTRIBUTIONS: &str = "/api/distributions";
/// The donations or distributions a list query selects, all of them, as a CSV file.
pub const DONATIONS_CSV: &str = "/api/donations.csv";
pub const DISTRIBUTIONS_CSV: &str = "/api/distributions.csv";
/// Donations from a CSV file: what importing it would record; importing it; a sample file.
pub const DONATIONS_IMPORT_PREVIEW: &str = "/api/donations/import/preview";
pub const DONATIONS_IMPORT: &str = "/api/donations/import";
pub const DONATIONS_IMPORT_SAMPLE: &str = "/api/donations/import/sample.csv";

pub const INVENTORY_REPORT: &str = "/api/reports/inventory";
pub const INVENTORY_REPORT_CSV: &str = "/api/reports/inventory.csv";
pub const DONORS_REPORT: &str = "/api/reports/donors";
pub const DONORS_REPORT_CSV: &str = "/api/reports/donors.csv";
/// One donor's receipt for a range of days.
pub const DONOR_RECEIPT: &str = "/api/reports/donor-receipt";

/// The organisation's name, address and contact details.
pub const ORGANISATION_SETTINGS: &str = "/api/settings/organisation";

/// The low-stock threshold of each kind; one kind's at `/api/stock-thresholds/{kind}`.
pub const STOCK_THRESHOLDS: &str = "/api/stock-thresholds";

/// The history of changes, newest first; and the same as a CSV file.
pub const HISTORY: &str = "/api/history";
pub const HISTORY_CSV: &str = "/api/history.csv";
/// The people whose changes the history holds.
pub const HISTORY_PEOPLE: &str = "/api/history/people";

/// The path of one record under a collection path, e.g. `/api/donations/7`.
pub fn item(collection: &str, id: i64) -> String {
    format!("{collection}/{id}")
}

/// The greeting API, `/hello/{username}`: at the root rather than under `/api`, where its clients
/// already call it.
pub const HELLO: &str = "/hello";

pub const REGISTER: &str = "/api/auth/register";
pub const LOGIN: &str = "/api/auth/login";
pub const LOGOUT: &str = "/api/auth/logout";
pub const ME: &str = "/api/auth/me";
pub const SESSION: &str = "/api/auth/session";
pub const USERS: &str = "/api/users";

pub const PRODUCTS: &str = "/api/products";
/// The products a list query selects, all of them, as a CSV file.
pub const PRODUCTS_CSV: &str = "/api/products.csv";
pub const CART: &str = "/api/cart";
/// One line of the cart: `/api/cart/items/{product_id}`.
pub const CART_ITEMS: &str = "/api/cart/items";
pub const CHECKOUT: &str = "/api/cart/checkout";
pub const ORDERS: &str = "/api/orders";
/// The orders a list query selects, all of them, as a CSV file.
pub const ORDERS_CSV: &str = "/api/orders.csv";

pub const JOBS: &str = "/api/jobs";
/// The run history of one job, newest first.
pub fn job_runs(job: &str) -> String {
    format!("{JOBS}/{job}/runs")
}
/// Starts a run of one job now.
pub fn job_run(job: &str) -> String {
    format!("{JOBS}/{job}/run")
}

pub const COVID_DAILY: &str = "/api/covid/daily";

pub const DATA_REPORTS: &str = "/api/reports/data";
/// One format of one report version, e.g. `/api/reports/data/3/download?format=html`.
pub fn data_report_download(id: i64, format: &str) -> String {
    format!("{DATA_REPORTS}/{id}/download?format={format}")
}

/// `next` if it is a path on this site, to return to after signing in. Browsers read `\` as `/`
/// and drop tabs and line breaks, so `/\evil.com` or `/<tab>/evil.com` would lead to another
/// site as surely as `//evil.com`: anything but a plain absolute path is refused.
pub fn same_site_path(next: &str) -> Option<&str> {
    let plain = next.starts_with('/')
        && !next.starts_with("//")
        && !next
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    plain.then_some(next)
}

#[cfg(test)]
mod return_path_tests {
    use super::same_site_path;

    #[test]
    fn paths_on_this_site_are_kept() {
        for path in ["/", "/donations", "/shop/3?q=rice#top", "/data-reports"] {
            assert_eq!(same_site_path(path), Some(path));
        }
    }

    #[test]
    fn anything_that_can_lead_to_another_site_is_refused() {
        for next in [
            "//evil.com",
            "/\\evil.com",
            "\\\\evil.com",
            "/\t/evil.com",
            "/\n/evil.com",
            "/ /evil.com",
            "https://evil.com",
            "javascript:alert(1)",
            "evil.com",
            "",
        ] {
            assert_eq!(same_site_path(next), None, "{next:?}");
        }
    }
}
