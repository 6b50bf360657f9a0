//! The shop: a product catalogue, each member's cart, and the orders a checkout places.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::date::check_range;
use crate::error::{Checker, FieldErrors};
use crate::paging::{self, Paging};
use crate::quantity::Quantity;
use crate::sorting::{Sort, SortKey};
use crate::stock::StockState;
use crate::text::{check_free_text, check_length, check_no_control};

pub const MAX_PRODUCT_NAME_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
pub const MAX_IMAGE_URL_CHARS: usize = 2000;
/// The highest price a product may have, in US dollars.
pub const MAX_PRICE: Quantity = Quantity::from_whole(1_000_000);
/// The most units of one product that may be in stock, or in one cart line.
pub const MAX_STOCK: i64 = 1_000_000;
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 200;

/// The header a client sets so that retrying a checkout cannot place a second order.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// Body of `POST /api/products` and `PUT /api/products/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewProduct {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::required_line::<MAX_PRODUCT_NAME_CHARS>))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::free_text::<MAX_DESCRIPTION_CHARS>))]
    pub description: String,
    /// US dollars.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::quantity::schema::price))]
    pub price: Quantity,
    #[serde(deserialize_with = "whole_number")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000))]
    pub stock: i64,
    /// An absolute `http://` or `https://` address; empty or `null` for none.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = image_url_schema))]
    pub image_url: Option<String>,
    /// Below this many units the product shows as low and staff are notified; `null` for none.
    #[serde(default, deserialize_with = "optional_whole_number")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000))]
    pub low_stock_threshold: Option<i64>,
}

impl NewProduct {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        check_length(&mut checker, "name", &self.name, 1, MAX_PRODUCT_NAME_CHARS);
        check_free_text(
            &mut checker,
            "description",
            &self.description,
            MAX_DESCRIPTION_CHARS,
        );
        checker.check(
            self.price <= MAX_PRICE,
            "price",
            "must be at most 1,000,000",
        );
        check_stock(&mut checker, "stock", self.stock);
        if let Some(threshold) = self.low_stock_threshold {
            check_stock(&mut checker, "low_stock_threshold", threshold);
        }
        if let Some(url) = self.image_url.as_deref() {
            checker.check(
                is_web_url(url.trim()),
                "image_url",
                "must be a web address starting with http:// or https://",
            );
            check_length(&mut checker, "image_url", url, 0, MAX_IMAGE_URL_CHARS);
        }
        checker.finish()
    }
}

/// Reads a count written as a JSON integer, or as a number with no fraction such as `3.0`, which
/// JSON (and so any client's serializer) may send for the same value.
fn whole_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    struct WholeNumber;

    impl Visitor<'_> for WholeNumber {
        type Value = i64;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a whole number")
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<i64, E> {
            Ok(value)
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<i64, E> {
            i64::try_from(value).map_err(|_| E::custom("is too large"))
        }

        // Every whole f64 within ±2^63 converts exactly; the bounds checks come after.
        fn visit_f64<E: de::Error>(self, value: f64) -> Result<i64, E> {
            let whole = value.fract() == 0.0 && value.abs() < 9.2e18;
            whole
                .then_some(value as i64)
                .ok_or_else(|| E::custom("must be a whole number"))
        }
    }

    deserializer.deserialize_any(WholeNumber)
}

/// [`whole_number`], or `null`.
fn optional_whole_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole_number")] i64);

    Ok(Option::<Whole>::deserialize(deserializer)?.map(|Whole(count)| count))
}

fn check_stock(checker: &mut Checker, field: &str, count: i64) {
    checker.check(
        (0..=MAX_STOCK).contains(&count),
        field,
        "must be between 0 and 1,000,000",
    );
}

/// An empty text means no image; anything else must be an absolute http(s) address.
fn is_web_url(url: &str) -> bool {
    if url.is_empty() {
        return true;
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !url.chars().any(char::is_whitespace)
    })
}

/// [`is_web_url`] within [`MAX_IMAGE_URL_CHARS`], or `null`.
#[cfg(feature = "openapi")]
fn image_url_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .pattern(Some(IMAGE_URL_PATTERN))
        .max_length(Some(MAX_IMAGE_URL_CHARS))
        .build()
}

/// What [`is_web_url`] accepts, as a pattern.
#[cfg(feature = "openapi")]
const IMAGE_URL_PATTERN: &str =
    r"^([hH][tT][tT][pP][sS]?://[^/?#\s\x00-\x1F\x7F-\x9F][^\s\x00-\x1F\x7F-\x9F]*)?$";

/// A product in the catalogue. Archived products were deleted after being ordered: they are
/// hidden from the catalogue and cannot be bought, but stay readable by id for order history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// US dollars.
    pub price: Quantity,
    pub stock: i64,
    pub low_stock_threshold: Option<i64>,
    /// The stock against the threshold: `ok`, `low` or `out`.
    pub stock_state: StockState,
    pub image_url: Option<String>,
    pub archived: bool,
    #[serde(with = "crate::date::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::date::timestamp")]
    pub updated_at: DateTime<Utc>,
    /// Raised by every change. Send it back in `If-Match` when changing the record, so that a
    /// change made from an outdated copy is refused (412) rather than undoing what came since.
    pub version: i64,
}

/// The columns the catalogue sorts by: when a product was added, its name, price or stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductColumn {
    Added,
    Name,
    Price,
    Stock,
}

impl SortKey for ProductColumn {
    const KEYS: &'static [(Self, &'static str)] = &[
        (ProductColumn::Added, "added"),
        (ProductColumn::Name, "name"),
        (ProductColumn::Price, "price"),
        (ProductColumn::Stock, "stock"),
    ];
}

/// Query of the catalogue and its CSV file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ProductQuery {
    /// Part of the name or description, in any case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"))]
    pub q: Option<String>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100_000))]
    pub page: Option<u64>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
    /// The order: by when the product was `added` (the default, newest first: `-added`),
    /// `name`, `price` or `stock`; a leading `-` reverses it. Ties go newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(value_type = Option<String>, pattern = r"^-?(added|name|price|stock)$")
    )]
    pub sort: Option<Sort<ProductColumn>>,
}

impl ProductQuery {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        if let Some(q) = &self.q {
            check_no_control(&mut checker, "q", q, &[]);
        }
        paging::check(&mut checker, self.page, self.per_page);
        checker.finish()
    }

    pub fn paging(&self) -> Paging {
        Paging::new(self.page, self.per_page)
    }

    /// The order asked for, newest first when none is.
    pub fn sort(&self) -> Sort<ProductColumn> {
        self.sort.unwrap_or(Sort::descending(ProductColumn::Added))
    }
}

/// Body of `PUT /api/cart/items/{product_id}`: the quantity wanted, 0 to remove the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetCartQuantity {
    #[serde(deserialize_with = "whole_number")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000))]
    pub quantity: i64,
}

impl SetCartQuantity {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        check_stock(&mut checker, "quantity", self.quantity);
        checker.finish()
    }
}

/// Body of `POST /api/cart/items`: units of a product to add to what the cart already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddToCart {
    #[serde(deserialize_with = "whole_number")]
    pub product_id: i64,
    #[serde(deserialize_with = "whole_number")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub quantity: i64,
}

impl AddToCart {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        checker.check(
            (1..=MAX_STOCK).contains(&self.quantity),
            "quantity",
            "must be between 1 and 1,000,000",
        );
        checker.finish()
    }
}

/// One product in a cart or an order, priced in US dollars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineItem {
    pub product_id: i64,
    pub name: String,
    pub unit_price: Quantity,
    pub quantity: i64,
    pub line_total: Quantity,
}

impl LineItem {
    pub fn new(product_id: i64, name: String, unit_price: Quantity, quantity: i64) -> Self {
        Self {
            product_id,
            name,
            unit_price,
            quantity,
            line_total: line_total(unit_price, quantity),
        }
    }
}

/// `unit_price` × `quantity`, exactly.
pub fn line_total(unit_price: Quantity, quantity: i64) -> Quantity {
    Quantity::from_hundredths(unit_price.hundredths() * quantity)
}

/// The sum of the lines' totals.
pub fn total<'a>(lines: impl IntoIterator<Item = &'a LineItem>) -> Quantity {
    Quantity::from_hundredths(
        lines
            .into_iter()
            .map(|line| line.line_total.hundredths())
            .sum(),
    )
}

/// One line of a cart, with how many units are in stock now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(from = "FlatCartLine")]
pub struct CartLine {
    #[serde(flatten)]
    pub line: LineItem,
    /// Units in stock now; fewer than `quantity` means checkout will be refused until the line
    /// is lowered.
    pub available: i64,
}

/// A cart line as it is read. serde reads a `flatten`ed field by first buffering every field of
/// any type, which is 7 KB of the browser app's wasm for the cart its header shows.
#[derive(Deserialize)]
struct FlatCartLine {
    product_id: i64,
    name: String,
    unit_price: Quantity,
    quantity: i64,
    line_total: Quantity,
    available: i64,
}

impl From<FlatCartLine> for CartLine {
    fn from(flat: FlatCartLine) -> Self {
        Self {
            line: LineItem {
                product_id: flat.product_id,
                name: flat.name,
                unit_price: flat.unit_price,
                quantity: flat.quantity,
                line_total: flat.line_total,
            },
            available: flat.available,
        }
    }
}

impl CartLine {
    /// Whether the stock no longer covers the line.
    pub fn is_short(&self) -> bool {
        self.line.quantity > self.available
    }
}

/// The signed-in user's cart, at today's prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cart {
    pub items: Vec<CartLine>,
    pub total: Quantity,
}

impl Cart {
    /// How many units the cart holds.
    pub fn count(&self) -> i64 {
        self.items.iter().map(|item| item.line.quantity).sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    /// Paid for in stock: the units are set aside for the customer.
    Placed,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Placed => "Placed",
        }
    }
}

/// Who placed an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub name: String,
    pub email: String,
}

/// An order, with the prices it was placed at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: i64,
    pub user_id: i64,
    pub customer: Customer,
    pub items: Vec<LineItem>,
    pub total: Quantity,
    pub status: OrderStatus,
    #[serde(with = "crate::date::timestamp")]
    pub created_at: DateTime<Utc>,
}

/// The columns the order lists sort by: when the order was placed, and its total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderColumn {
    Date,
    Total,
}

impl SortKey for OrderColumn {
    const KEYS: &'static [(Self, &'static str)] =
        &[(OrderColumn::Date, "date"), (OrderColumn::Total, "total")];
}

/// Query of `GET /api/orders` and its CSV file: one's own orders, or with `all=true` (staff and
/// admins) everyone's. Dates are UTC days, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OrderQuery {
    #[serde(default)]
    pub all: bool,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100_000))]
    pub page: Option<u64>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
    /// Part of the customer's name or e-mail address, in any case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"))]
    pub customer: Option<String>,
    /// Only orders placed on or after this day.
    #[serde(
        default,
        with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub from: Option<NaiveDate>,
    /// Only orders placed on or before this day; not before `from`.
    #[serde(
        default,
        with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub to: Option<NaiveDate>,
    /// The order: by `date` (the default, newest first: `-date`) or `total`; a leading `-`
    /// reverses it. Ties go newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(value_type = Option<String>, pattern = r"^-?(date|total)$")
    )]
    pub sort: Option<Sort<OrderColumn>>,
}

impl OrderQuery {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        paging::check(&mut checker, self.page, self.per_page);
        if let Some(customer) = &self.customer {
            check_no_control(&mut checker, "customer", customer, &[]);
        }
        check_range(&mut checker, self.from, self.to);
        checker.finish()
    }

    pub fn paging(&self) -> Paging {
        Paging::new(self.page, self.per_page)
    }

    /// The order asked for, newest first when none is.
    pub fn sort(&self) -> Sort<OrderColumn> {
        self.sort.unwrap_or(Sort::descending(OrderColumn::Date))
    }
}

/// Checks an `Idempotency-Key` header value.
pub fn validate_idempotency_key(key: &str) -> Result<(), FieldErrors> {
    let mut checker = Checker::default();
    check_length(
        &mut checker,
        IDEMPOTENCY_KEY_HEADER,
        key,
        1,
        MAX_IDEMPOTENCY_KEY_CHARS,
    );
    checker.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_may_be_written_with_a_zero_fraction_but_not_with_any_other() {
        let quantity = |json: &str| {
            serde_json::from_str::<SetCartQuantity>(&format!("{{\"quantity\": {json}}}"))
                .map(|set| set.quantity)
                .map_err(|error| error.to_string())
        };
        assert_eq!(quantity("3"), Ok(3));
        assert_eq!(quantity("3.0"), Ok(3));
        assert_eq!(quantity("-2"), Ok(-2));
        assert!(quantity("3.5").unwrap_err().contains("whole number"));
        assert!(quantity("1e300").unwrap_err().contains("whole number"));
        assert!(quantity("\"3\"").is_err());
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn the_image_address_pattern_accepts_what_the_check_accepts() {
        let pattern = regex::Regex::new(IMAGE_URL_PATTERN).unwrap();
        for url in [
            "",
            "https://example.org/a.png",
            "HTTP://x",
            "http://x?y",
            "https://",
            "https:///a",
            "https://?a",
            "ftp://x",
            "https://a b",
            "https://a\u{0}",
            "//x",
        ] {
            let product = NewProduct {
                image_url: Some(url.to_owned()),
                ..product()
            };
            assert_eq!(pattern.is_match(url), product.validate().is_ok(), "{url:?}");
        }
    }

    fn product() -> NewProduct {
        NewProduct {
            name: "Tote bag".into(),
            description: "Canvas".into(),
            price: "12.50".parse().unwrap(),
            stock: 3,
            image_url: Some("https://example.org/bag.png".into()),
            low_stock_threshold: Some(2),
        }
    }

    #[test]
    fn a_plain_product_is_valid() {
        assert_eq!(product().validate(), Ok(()));
        let free = NewProduct {
            price: Quantity::ZERO,
            stock: 0,
            image_url: None,
            description: String::new(),
            ..product()
        };
        assert_eq!(free.validate(), Ok(()));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = NewProduct {
            name: " ".into(),
            description: "x".repeat(MAX_DESCRIPTION_CHARS + 1),
            price: "1000000.01".parse().unwrap(),
            stock: -1,
            image_url: Some("ftp://example.org/a.png".into()),
            low_stock_threshold: Some(-1),
        };
        let errors = bad.validate().unwrap_err();
        assert_eq!(errors["name"], "is required");
        assert_eq!(errors["description"], "must be at most 2000 characters");
        assert_eq!(errors["price"], "must be at most 1,000,000");
        assert_eq!(errors["stock"], "must be between 0 and 1,000,000");
        assert!(errors["image_url"].contains("http"));
        assert_eq!(
            errors["low_stock_threshold"],
            "must be between 0 and 1,000,000"
        );
    }

    #[test]
    fn the_low_stock_threshold_is_optional_and_whole() {
        let body = r#"{"name":"A","price":"1","stock":1}"#;
        let product: NewProduct = serde_json::from_str(body).unwrap();
        assert_eq!(product.low_stock_threshold, None);
        let body = r#"{"name":"A","price":"1","stock":1,"low_stock_threshold":3.0}"#;
        let product: NewProduct = serde_json::from_str(body).unwrap();
        assert_eq!(product.low_stock_threshold, Some(3));
        let body = r#"{"name":"A","price":"1","stock":1,"low_stock_threshold":2.5}"#;
        assert!(serde_json::from_str::<NewProduct>(body).is_err());
    }

    #[test]
    fn price_and_stock_limits_are_inclusive() {
        let max = NewProduct {
            price: "1000000".parse().unwrap(),
            stock: MAX_STOCK,
            ..product()
        };
        assert_eq!(max.validate(), Ok(()));
        let over = NewProduct {
            price: "1000000.01".parse().unwrap(),
            stock: MAX_STOCK + 1,
            ..product()
        };
        let errors = over.validate().unwrap_err();
        assert_eq!(errors["price"], "must be at most 1,000,000");
        assert!(errors.contains_key("stock"));
    }

    #[test]
    fn prices_with_more_than_two_decimals_do_not_parse() {
        let body = r#"{"name":"A","price":"1.005","stock":1}"#;
        let error = serde_json::from_str::<NewProduct>(body)
            .unwrap_err()
            .to_string();
        assert!(error.contains("at most 2 decimal places"), "{error}");
    }

    #[test]
    fn only_web_addresses_are_images() {
        for ok in [
            "",
            "http://example.org/a.png",
            "HTTPS://example.org",
            "https://example.org?x=1",
        ] {
            assert!(is_web_url(ok), "{ok:?} was refused");
        }
        for bad in [
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "https://",
            "//example.org/a.png",
            "https://exa mple.org",
        ] {
            assert!(!is_web_url(bad), "{bad:?} was accepted");
        }
    }

    #[test]
    fn totals_are_exact() {
        let lines = [
            LineItem::new(1, "A".into(), "0.10".parse().unwrap(), 3),
            LineItem::new(2, "B".into(), "19.99".parse().unwrap(), 2),
        ];
        assert_eq!(lines[0].line_total.to_string(), "0.30");
        assert_eq!(lines[1].line_total.to_string(), "39.98");
        assert_eq!(total(&lines).to_string(), "40.28");
    }

    #[test]
    fn cart_quantity_must_be_in_range() {
        assert_eq!(SetCartQuantity { quantity: 0 }.validate(), Ok(()));
        assert!(
            SetCartQuantity { quantity: -1 }
                .validate()
                .unwrap_err()
                .contains_key("quantity")
        );
    }

    #[test]
    fn an_addition_to_the_cart_is_at_least_one_unit() {
        let add = |quantity| AddToCart {
            product_id: 1,
            quantity,
        };
        assert_eq!(add(1).validate(), Ok(()));
        assert_eq!(add(MAX_STOCK).validate(), Ok(()));
        for quantity in [0, -1, MAX_STOCK + 1] {
            assert!(
                add(quantity)
                    .validate()
                    .unwrap_err()
                    .contains_key("quantity")
            );
        }
    }

    #[test]
    fn a_cart_line_is_short_when_the_stock_no_longer_covers_it() {
        let line = |quantity, available| CartLine {
            line: LineItem::new(1, "Mug".into(), Quantity::ZERO, quantity),
            available,
        };
        assert!(line(3, 2).is_short());
        assert!(!line(2, 2).is_short());
    }

    #[test]
    fn a_cart_line_is_one_flat_object_on_the_wire() {
        let line = CartLine {
            line: LineItem::new(7, "Mug".into(), Quantity::from_hundredths(250), 2),
            available: 5,
        };
        let json = serde_json::to_value(&line).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "product_id": 7, "name": "Mug", "unit_price": "2.50", "quantity": 2,
                "line_total": "5.00", "available": 5
            })
        );
        assert_eq!(serde_json::from_value::<CartLine>(json).unwrap(), line);
    }

    #[test]
    fn idempotency_keys_are_bounded() {
        assert_eq!(validate_idempotency_key("retry-1"), Ok(()));
        assert!(validate_idempotency_key("").is_err());
        assert!(validate_idempotency_key(&"k".repeat(201)).is_err());
    }
}
