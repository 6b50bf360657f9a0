//! CSV downloads that are safe to open in a spreadsheet.

use std::borrow::Cow;

use app::history::HistoryEvent;
use app::ledger::{Distribution, Donation, Kind};
use app::reports::{DonorRow, InventoryRow};
use app::shop::{Order, Product};
use axum::body::{Body, Bytes};
use axum::http::HeaderName;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt, TryStreamExt, future, stream};

use crate::error::ApiError;

/// `records` (the header first) as a CSV attachment named `file_name`, every cell made inert.
pub fn csv_response(file_name: &str, records: Vec<Vec<String>>) -> Result<Response, ApiError> {
    Ok((attachment(file_name), csv_bytes(records)?).into_response())
}

/// A CSV attachment named `file_name` whose body is written as `chunks` yields it: for exports
/// too large to hold whole. The status is sent before the first chunk, so a failure after it can
/// only cut the body short; it is logged.
pub fn csv_stream_response<S, E>(file_name: &str, chunks: S) -> Response
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: std::fmt::Display + Into<axum::BoxError>,
{
    // The body is read after the handler has returned, outside the request's log span; the
    // failure is logged in it all the same, so that it carries the request id.
    let span = tracing::Span::current();
    let chunks = chunks.inspect_err(move |error| {
        span.in_scope(|| tracing::error!(%error, "a CSV download failed part way"));
    });
    (attachment(file_name), Body::from_stream(chunks)).into_response()
}

/// A CSV attachment named `file_name`: `header`, then each chunk of rows `chunks` yields as
/// `record` writes it, sent as it comes, for exports read a chunk at a time.
pub fn csv_chunks_response<T, S, E>(
    file_name: &str,
    header: Vec<String>,
    chunks: S,
    record: fn(&T) -> Vec<String>,
) -> Response
where
    T: Send + 'static,
    S: Stream<Item = Result<Vec<T>, E>> + Send + 'static,
    E: Into<anyhow::Error> + 'static,
{
    let header = stream::once(future::ready(csv_bytes([header])));
    let rows = chunks
        .map_err(Into::into)
        .and_then(move |rows| future::ready(csv_bytes(rows.iter().map(record))));
    csv_stream_response(file_name, header.chain(rows))
}

fn attachment(file_name: &str) -> [(HeaderName, String); 2] {
    [
        (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ),
    ]
}

/// `records` as CSV lines, every cell made inert.
pub fn csv_bytes(records: impl IntoIterator<Item = Vec<String>>) -> anyhow::Result<Bytes> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer.write_record(record.iter().map(|cell| inert(cell).into_owned()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!(error.to_string()))?;
    Ok(Bytes::from(bytes))
}

pub fn inventory_header() -> Vec<String> {
    ["kind", "donated", "distributed", "balance"]
        .map(str::to_owned)
        .into()
}

pub fn inventory_record(row: &InventoryRow) -> Vec<String> {
    vec![
        row.kind.to_string(),
        row.donated.to_string(),
        row.distributed.to_string(),
        row.balance.to_string(),
    ]
}

/// The donor columns, then one total per kind, so that spreadsheets can sum each.
pub fn donor_header() -> Vec<String> {
    let fixed = [
        "donor_name",
        "donations",
        "first_donated_on",
        "last_donated_on",
    ];
    fixed
        .into_iter()
        .map(str::to_owned)
        .chain(Kind::ALL.iter().map(|kind| kind.to_string()))
        .collect()
}

/// A donor's row under [`donor_header`]: a kind they never gave shows as 0.00.
pub fn donor_record(row: &DonorRow) -> Vec<String> {
    let fixed = [
        row.donor_name.clone(),
        row.donations.to_string(),
        row.first_donated_on.to_string(),
        row.last_donated_on.to_string(),
    ];
    let totals = Kind::ALL.iter().map(|kind| {
        row.totals
            .iter()
            .find(|total| total.kind == *kind)
            .map(|total| total.quantity)
            .unwrap_or_default()
            .to_string()
    });
    fixed.into_iter().chain(totals).collect()
}

pub fn history_header() -> Vec<String> {
    [
        "occurred_at",
        "actor_id",
        "actor_name",
        "record_type",
        "record_id",
        "action",
        "changes",
        "before",
        "after",
    ]
    .map(str::to_owned)
    .into()
}

/// A change's row under [`history_header`]: `changes` reads `quantity: 3.00 → 5.00; note:
/// (empty) → recounted`, and the snapshots follow whole, as JSON.
pub fn history_record(event: &HistoryEvent) -> Vec<String> {
    let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| "(empty)".to_owned());
    let changes: Vec<String> = event
        .changes()
        .iter()
        .filter(|change| change.changed)
        .map(|change| {
            format!(
                "{}: {} → {}",
                change.field,
                shown(&change.before),
                shown(&change.after)
            )
        })
        .collect();
    let json = |snapshot| serde_json::to_string(snapshot).unwrap_or_default();
    vec![
        event.occurred_at.to_rfc3339(),
        event.actor_id.map(|id| id.to_string()).unwrap_or_default(),
        event.actor_name.clone(),
        event.record_type.as_str().to_owned(),
        event.record_id.to_string(),
        event.action.as_str().to_owned(),
        changes.join("; "),
        event.before.as_ref().map(json).unwrap_or_default(),
        event.after.as_ref().map(json).unwrap_or_default(),
    ]
}

/// A cell a spreadsheet shows as text. Spreadsheets run a cell that starts with `=`, `+`, `-` or
/// `@` (or a tab or carriage return before one) as a formula, so a donor named
/// `=HYPERLINK(...)` would run when staff open the export; a leading `'` makes it plain text.
pub fn inert(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The columns of a donations file; the record's time is when it was entered, in UTC.
pub fn donation_header() -> Vec<String> {
    [
        "id",
        "donated_on",
        "donor",
        "kind",
        "quantity",
        "note",
        "recorded_at",
    ]
    .map(str::to_owned)
    .into()
}

pub fn donation_record(donation: &Donation) -> Vec<String> {
    vec![
        donation.id.to_string(),
        donation.donated_on.to_string(),
        donation.donor_name.clone(),
        donation.kind.to_string(),
        donation.quantity.to_string(),
        donation.note.clone().unwrap_or_default(),
        donation.created_at.to_rfc3339(),
    ]
}

pub fn distribution_header() -> Vec<String> {
    [
        "id",
        "distributed_on",
        "recipient",
        "kind",
        "quantity",
        "note",
        "recorded_at",
    ]
    .map(str::to_owned)
    .into()
}

pub fn distribution_record(distribution: &Distribution) -> Vec<String> {
    vec![
        distribution.id.to_string(),
        distribution.distributed_on.to_string(),
        distribution.recipient.clone().unwrap_or_default(),
        distribution.kind.to_string(),
        distribution.quantity.to_string(),
        distribution.note.clone().unwrap_or_default(),
        distribution.created_at.to_rfc3339(),
    ]
}

pub fn product_header() -> Vec<String> {
    [
        "id",
        "name",
        "description",
        "price",
        "stock",
        "low_stock_threshold",
        "stock_state",
        "added_at",
    ]
    .map(str::to_owned)
    .into()
}

pub fn product_record(product: &Product) -> Vec<String> {
    vec![
        product.id.to_string(),
        product.name.clone(),
        product.description.clone(),
        product.price.to_string(),
        product.stock.to_string(),
        product
            .low_stock_threshold
            .map(|threshold| threshold.to_string())
            .unwrap_or_default(),
        product.stock_state.as_str().to_owned(),
        product.created_at.to_rfc3339(),
    ]
}

/// The columns of an orders file: one line per order, its items as `2 × Rice; 1 × Tea`.
pub fn order_header() -> Vec<String> {
    [
        "id",
        "placed_at",
        "customer",
        "email",
        "items",
        "total",
        "status",
    ]
    .map(str::to_owned)
    .into()
}

pub fn order_record(order: &Order) -> Vec<String> {
    let items: Vec<String> = order
        .items
        .iter()
        .map(|item| format!("{} × {}", item.quantity, item.name))
        .collect();
    vec![
        order.id.to_string(),
        order.created_at.to_rfc3339(),
        order.customer.name.clone(),
        order.customer.email.clone(),
        items.join("; "),
        order.total.to_string(),
        order.status.as_str().to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::Quantity;
    use app::reports::KindTotal;
    use chrono::NaiveDate;

    #[test]
    fn an_inventory_row_is_its_kind_and_three_amounts() {
        let row = InventoryRow {
            kind: Kind::Food,
            donated: Quantity::from_hundredths(1250),
            distributed: Quantity::from_hundredths(250),
            balance: Quantity::from_hundredths(1000),
            threshold: None,
            state: app::stock::StockState::Ok,
        };
        assert_eq!(inventory_header().len(), inventory_record(&row).len());
        assert_eq!(inventory_record(&row), ["food", "12.50", "2.50", "10.00"]);
    }

    #[test]
    fn a_donor_row_has_a_column_for_every_kind_in_header_order() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let row = DonorRow {
            donor_name: "Ada".to_owned(),
            donations: 3,
            first_donated_on: day(2),
            last_donated_on: day(30),
            totals: vec![
                KindTotal {
                    kind: Kind::Other,
                    quantity: Quantity::from_hundredths(100),
                },
                KindTotal {
                    kind: Kind::Money,
                    quantity: Quantity::from_hundredths(2000),
                },
            ],
        };
        assert_eq!(
            donor_header(),
            [
                "donor_name",
                "donations",
                "first_donated_on",
                "last_donated_on",
                "money",
                "food",
                "clothing",
                "hygiene",
                "household",
                "other"
            ]
        );
        assert_eq!(
            donor_record(&row),
            [
                "Ada",
                "3",
                "2026-01-02",
                "2026-01-30",
                "20.00",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "1.00"
            ]
        );
    }

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_made_text() {
        for cell in [
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+1+2",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(inert(cell), format!("'{cell}"));
        }
    }

    #[test]
    fn ordinary_cells_are_unchanged() {
        for cell in ["Ada Lovelace", "12.5", "2026-01-31", "", "a=b", "O'Brien"] {
            assert_eq!(inert(cell), cell);
        }
    }
}
