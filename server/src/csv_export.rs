//! CSV downloads that are safe to open in a spreadsheet.

use std::borrow::Cow;

use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// `records` (the header first) as a CSV attachment named `file_name`, every cell made inert.
pub fn csv_response(file_name: &str, records: Vec<Vec<String>>) -> Result<Response, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer
            .write_record(record.iter().map(|cell| inert(cell).into_owned()))
            .map_err(anyhow::Error::from)?;
    }
    let body = writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!(error.to_string()))?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response())
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

#[cfg(test)]
mod tests {
    use super::*;

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
