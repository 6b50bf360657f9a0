//! Donations imported from a CSV file: the columns, the limits, the parser and what a preview of
//! a file says. Parsing is pure, so the server (the authority) and its tests read a file exactly
//! as the rules here say; each row is checked by [`NewDonation::validate`], as a donation entered
//! in the form is.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::date::parse_date;
use crate::ledger::{Kind, NewDonation};
use crate::quantity::Quantity;

/// The largest file the server reads, in bytes.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
/// The most donations one file may hold, not counting the header.
pub const MAX_ROWS: usize = 10_000;
/// The most bad lines an answer lists; it counts the rest.
pub const MAX_LISTED_ERRORS: usize = 100;
/// How many of the good rows a preview shows.
pub const SAMPLE_ROWS: usize = 20;

/// One column of the file: the name in its header and how a donation's value is written in it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// What to write in it, for people.
    pub description: &'static str,
    /// The field of [`NewDonation`] it fills, as validation names it.
    field: &'static str,
    write: fn(&NewDonation) -> String,
}

/// The columns, in the order the sample file has them. A file may have them in any order.
pub const COLUMNS: [Column; 5] = [
    Column {
        name: "donor",
        required: true,
        description: "The donor's name.",
        field: "donor_name",
        write: |donation| donation.donor_name.clone(),
    },
    Column {
        name: "kind",
        required: true,
        description: "money, food, clothing, hygiene, household or other.",
        field: "kind",
        write: |donation| donation.kind.as_str().to_owned(),
    },
    Column {
        name: "quantity",
        required: true,
        description: "US dollars for money, units for goods; at most two decimals, such as 12.50.",
        field: "quantity",
        write: |donation| donation.quantity.to_string(),
    },
    Column {
        name: "date",
        required: true,
        description: "The day of the donation, as YYYY-MM-DD; not in the future.",
        field: "donated_on",
        write: |donation| {
            donation
                .donated_on
                .map(|day| day.to_string())
                .unwrap_or_default()
        },
    },
    Column {
        name: "note",
        required: false,
        description: "Anything worth keeping; may be left empty or left out.",
        field: "note",
        write: |donation| donation.note.clone().unwrap_or_default(),
    },
];

/// A CSV file of donations as a request body, for the API description.
#[cfg(feature = "openapi")]
pub struct DonationsCsv;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for DonationsCsv {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(MAX_FILE_BYTES))
            .description(Some(
                "CSV text in UTF-8 (a byte order mark is allowed), fields separated by commas and \
                 quoted with `\"` where they hold one.",
            ))
            .examples(["donor,kind,quantity,date,note\nRiverside Bakery,food,40,2025-03-01,\"Bread, rolls\"\n"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for DonationsCsv {}

/// One problem with a file: the line it is on (1 is the header), the column, and what is wrong.
/// Lines are rows as a spreadsheet numbers them: a line break inside a quoted field does not
/// start a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineError {
    pub line: u64,
    /// The column's name as the file spells it; `null` when the problem is the whole line.
    pub column: Option<String>,
    pub reason: String,
}

/// One good row of a file, as it will be recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRow {
    pub line: u64,
    pub donor_name: String,
    pub kind: Kind,
    pub quantity: Quantity,
    #[serde(with = "crate::date::day")]
    pub donated_on: NaiveDate,
    pub note: Option<String>,
}

/// How many donations of one kind a file holds, and how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileKindTotal {
    pub kind: Kind,
    pub donations: u64,
    pub quantity: Quantity,
}

/// The answer of `POST /api/donations/import/preview`: what importing the file would record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportPreview {
    /// Donations the file holds, good and bad.
    pub rows: u64,
    /// The first good rows, at most 20.
    pub sample: Vec<ImportRow>,
    /// The good rows per kind, in the order of the kinds.
    pub totals: Vec<FileKindTotal>,
    /// Every problem, by line, at most 100 of them; the file can be imported only when there is
    /// none.
    pub errors: Vec<LineError>,
    /// Problems found beyond those listed.
    pub errors_not_listed: u64,
}

/// The answer of `POST /api/donations/import`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResult {
    pub imported: u64,
}

/// The file holds more than [`MAX_ROWS`] donations; it is not read further.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyRows;

impl TooManyRows {
    /// What is wrong, after the name of the file.
    pub fn reason(self) -> String {
        format!("has more than {MAX_ROWS} rows; split it into files of at most {MAX_ROWS} rows")
    }
}

/// A file as read: its good rows, each with its line, and every problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedFile {
    pub rows: Vec<(u64, NewDonation)>,
    pub errors: Vec<LineError>,
    /// Donations the file holds, good and bad.
    pub row_count: u64,
}

impl ParsedFile {
    /// The problems to list, at most [`MAX_LISTED_ERRORS`], and how many more there are.
    pub fn listed_errors(&self) -> (Vec<LineError>, u64) {
        let listed = self
            .errors
            .iter()
            .take(MAX_LISTED_ERRORS)
            .cloned()
            .collect();
        let rest = self.errors.len().saturating_sub(MAX_LISTED_ERRORS);
        (listed, rest as u64)
    }

    pub fn preview(&self) -> ImportPreview {
        let mut totals: BTreeMap<Kind, (u64, i64)> = BTreeMap::new();
        for (_, donation) in &self.rows {
            let total = totals.entry(donation.kind).or_default();
            total.0 += 1;
            total.1 += donation.quantity.hundredths();
        }
        let sample = self
            .rows
            .iter()
            .take(SAMPLE_ROWS)
            .map(|(line, donation)| ImportRow {
                line: *line,
                donor_name: donation.donor_name.clone(),
                kind: donation.kind,
                quantity: donation.quantity,
                donated_on: donation.donated_on.unwrap_or_default(),
                note: donation.note.clone(),
            })
            .collect();
        let (errors, errors_not_listed) = self.listed_errors();
        ImportPreview {
            rows: self.row_count,
            sample,
            totals: totals
                .into_iter()
                .map(|(kind, (donations, hundredths))| FileKindTotal {
                    kind,
                    donations,
                    quantity: Quantity::from_hundredths(hundredths),
                })
                .collect(),
            errors,
            errors_not_listed,
        }
    }
}

fn line_error(line: u64, column: Option<&str>, reason: impl Into<String>) -> LineError {
    LineError {
        line,
        column: column.map(str::to_owned),
        reason: reason.into(),
    }
}

/// Reads the header: for each field of a row, the column it is; or every problem with it.
fn read_header(header: &csv::StringRecord) -> Result<Vec<&'static Column>, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut found: Vec<&'static Column> = Vec::new();
    for name in header {
        let wanted = name.trim();
        match COLUMNS
            .iter()
            .find(|column| column.name.eq_ignore_ascii_case(wanted))
        {
            Some(column) if found.iter().any(|seen| seen.name == column.name) => {
                errors.push(line_error(1, Some(name), "appears more than once"));
            }
            Some(column) => found.push(column),
            None => {
                let names: Vec<_> = COLUMNS.iter().map(|column| column.name).collect();
                errors.push(line_error(
                    1,
                    Some(name),
                    format!(
                        "is not a known column; the columns are {}",
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    for column in COLUMNS.iter().filter(|column| column.required) {
        if !found.iter().any(|seen| seen.name == column.name) {
            errors.push(line_error(
                1,
                Some(column.name),
                "is missing from the header",
            ));
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

/// Reads one row against the header's columns into a donation, or says what is wrong with each
/// of its fields.
fn read_row(
    line: u64,
    columns: &[&'static Column],
    record: &csv::StringRecord,
    today: NaiveDate,
) -> Result<NewDonation, Vec<LineError>> {
    if record.len() != columns.len() {
        return Err(vec![line_error(
            line,
            None,
            format!(
                "has {} fields; the header names {}",
                record.len(),
                columns.len()
            ),
        )]);
    }
    let value = |name: &str| {
        columns
            .iter()
            .position(|column| column.name == name)
            .and_then(|at| record.get(at))
            .map(str::trim)
    };
    let mut problems: BTreeMap<&'static str, String> = BTreeMap::new();
    // Spreadsheets capitalise what they are given, so a kind is read in any case.
    let kind = value("kind")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .parse::<Kind>()
        .map_err(|reason| problems.insert("kind", reason))
        .ok();
    let quantity = value("quantity")
        .unwrap_or_default()
        .parse::<Quantity>()
        .map_err(|reason| problems.insert("quantity", reason.to_string()))
        .ok();
    let date = parse_date(value("date").unwrap_or_default())
        .map_err(|reason| problems.insert("date", reason))
        .ok();
    let note = value("note").filter(|note| !note.is_empty());
    // Stand-ins where a value did not parse, so the remaining fields are still checked; the
    // problems of those fields are already recorded and keep their place.
    let donation = NewDonation {
        donor_name: value("donor").unwrap_or_default().to_owned(),
        kind: kind.unwrap_or(Kind::Other),
        quantity: quantity.unwrap_or(Quantity::from_whole(1)),
        donated_on: Some(date.unwrap_or(today)),
        note: note.map(str::to_owned),
    };
    if let Err(fields) = donation.validate(today) {
        for column in &COLUMNS {
            if let Some(reason) = fields.get(column.field) {
                problems
                    .entry(column.name)
                    .or_insert_with(|| reason.clone());
            }
        }
    }
    if problems.is_empty() {
        return Ok(donation);
    }
    // In the order of the columns, each under its own name.
    Err(COLUMNS
        .iter()
        .filter_map(|column| {
            problems
                .get(column.name)
                .map(|reason| line_error(line, Some(column.name), reason.clone()))
        })
        .collect())
}

/// Reads a CSV file of donations: a header naming the columns (in any case and order; `note` may
/// be left out), then one donation a line. Each row is read as far as it can be and every
/// problem is reported; `today` is the current UTC date, which no donation may be after.
pub fn parse(text: &str, today: NaiveDate) -> Result<ParsedFile, TooManyRows> {
    // Spreadsheet programs start UTF-8 files with a byte order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut parsed = ParsedFile::default();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => {
            parsed.errors.push(line_error(1, None, error.to_string()));
            return Ok(parsed);
        }
        None => {
            parsed.errors.push(line_error(
                1,
                None,
                "the file is empty; its first line must name the columns",
            ));
            return Ok(parsed);
        }
    };
    let columns = match read_header(&header) {
        Ok(columns) => columns,
        Err(errors) => {
            parsed.errors = errors;
            return Ok(parsed);
        }
    };
    for record in records {
        parsed.row_count += 1;
        if parsed.row_count > MAX_ROWS as u64 {
            return Err(TooManyRows);
        }
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, csv::Position::line);
                parsed
                    .errors
                    .push(line_error(line, None, error.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        match read_row(line, &columns, &record, today) {
            Ok(donation) => parsed.rows.push((line, donation)),
            Err(errors) => parsed.errors.extend(errors),
        }
    }
    Ok(parsed)
}

/// The records of a file that imports `donations`, the header first, written through the same
/// columns the parser reads.
pub fn records(donations: &[NewDonation]) -> Vec<Vec<String>> {
    let header = COLUMNS.map(|column| column.name.to_owned()).to_vec();
    std::iter::once(header)
        .chain(
            donations
                .iter()
                .map(|donation| COLUMNS.map(|column| (column.write)(donation)).to_vec()),
        )
        .collect()
}

/// The records of the sample file people can download: one donation of each kind of thing a food bank is given,
/// with a note that needs quoting.
pub fn sample_records() -> Vec<Vec<String>> {
    let day = |month, day| NaiveDate::from_ymd_opt(2025, month, day);
    let donation = |donor: &str, kind, quantity: u32, on, note: Option<&str>| NewDonation {
        donor_name: donor.to_owned(),
        kind,
        quantity: Quantity::from_whole(quantity),
        donated_on: on,
        note: note.map(str::to_owned),
    };
    records(&[
        donation(
            "Riverside Bakery",
            Kind::Food,
            40,
            day(3, 1),
            Some("Bread, rolls and buns"),
        ),
        donation("Ada Lovelace", Kind::Money, 250, day(3, 2), None),
        donation(
            "St. Mary's Parish",
            Kind::Clothing,
            18,
            day(3, 4),
            Some("Winter coats, \"like new\""),
        ),
        donation("Corner Pharmacy", Kind::Hygiene, 60, day(3, 7), None),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
    }

    fn parse(text: &str) -> ParsedFile {
        super::parse(text, today()).unwrap()
    }

    fn error(line: u64, column: Option<&str>, reason: &str) -> LineError {
        line_error(line, column, reason)
    }

    #[test]
    fn a_good_file_gives_one_donation_a_row_with_its_line() {
        let parsed = parse(
            "donor,kind,quantity,date,note\n\
             Riverside Bakery,food,12.5,2026-03-01,Bread\n\
             Ada,money,100,2026-03-02,\n",
        );
        assert_eq!(parsed.errors, []);
        assert_eq!(parsed.row_count, 2);
        assert_eq!(
            parsed.rows[0],
            (
                2,
                NewDonation {
                    donor_name: "Riverside Bakery".into(),
                    kind: Kind::Food,
                    quantity: "12.5".parse().unwrap(),
                    donated_on: NaiveDate::from_ymd_opt(2026, 3, 1),
                    note: Some("Bread".into()),
                }
            )
        );
        assert_eq!(parsed.rows[1].0, 3);
        assert_eq!(parsed.rows[1].1.note, None);
    }

    #[test]
    fn headers_are_read_in_any_case_and_order_and_note_may_be_left_out() {
        let parsed = parse(" Quantity ,DATE,Kind,Donor\n3,2026-01-01,Food,Ada\n");
        assert_eq!(parsed.errors, []);
        assert_eq!(parsed.rows[0].1.kind, Kind::Food);
        assert_eq!(parsed.rows[0].1.donor_name, "Ada");
    }

    #[test]
    fn a_byte_order_mark_and_quoted_fields_with_commas_and_line_breaks_are_read() {
        let parsed = parse(
            "\u{feff}donor,kind,quantity,date,note\r\n\
             \"Smith, Jones & Co\",food,1,2026-01-01,\"boxes, \"\"fragile\"\"\nsecond line\"\r\n\
             Ada,food,2,2026-01-01,\r\n",
        );
        assert_eq!(parsed.errors, []);
        assert_eq!(parsed.rows[0].1.donor_name, "Smith, Jones & Co");
        assert_eq!(
            parsed.rows[0].1.note.as_deref(),
            Some("boxes, \"fragile\"\nsecond line")
        );
        assert_eq!(
            parsed.rows[1].0, 3,
            "a line break inside quotes stays in its row, as a spreadsheet numbers them"
        );
    }

    #[test]
    fn every_bad_field_of_every_row_is_named_by_line_and_column() {
        let parsed = parse(
            "donor,kind,quantity,date,note\n\
             Ada,food,1,2026-01-01,\n\
             ,toys,-2,2026-01-01,\n\
             Bea,food,1.005,2026-03-16,\n\
             Cy,food,1,15/03/2026,\n\
             Di,food,1\n",
        );
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.row_count, 5);
        assert_eq!(
            parsed.errors,
            [
                error(3, Some("donor"), "is required"),
                error(
                    3,
                    Some("kind"),
                    "must be one of money, food, clothing, hygiene, household, other"
                ),
                error(3, Some("quantity"), "must not be negative"),
                error(4, Some("quantity"), "must have at most 2 decimal places"),
                error(4, Some("date"), "cannot be in the future"),
                error(5, Some("date"), "must be a date in the form YYYY-MM-DD"),
                error(6, None, "has 3 fields; the header names 5"),
            ]
        );
    }

    #[test]
    fn a_wrong_header_names_each_unknown_missing_and_repeated_column() {
        let parsed = parse("name,kind,Kind,amount,date\nAda,food,food,1,2026-01-01\n");
        assert_eq!(parsed.rows, []);
        assert_eq!(
            parsed.errors,
            [
                error(
                    1,
                    Some("name"),
                    "is not a known column; the columns are donor, kind, quantity, date, note"
                ),
                error(1, Some("Kind"), "appears more than once"),
                error(
                    1,
                    Some("amount"),
                    "is not a known column; the columns are donor, kind, quantity, date, note"
                ),
                error(1, Some("donor"), "is missing from the header"),
                error(1, Some("quantity"), "is missing from the header"),
            ]
        );
    }

    #[test]
    fn an_empty_file_is_one_error() {
        assert_eq!(parse("").errors.len(), 1);
        assert_eq!(parse("\u{feff}").errors[0].line, 1);
    }

    #[test]
    fn more_rows_than_the_limit_are_refused() {
        let row = "Ada,food,1,2026-01-01\n";
        let at_limit = format!("donor,kind,quantity,date\n{}", row.repeat(MAX_ROWS));
        assert_eq!(
            super::parse(&at_limit, today()).unwrap().rows.len(),
            MAX_ROWS
        );
        let over = format!("{at_limit}{row}");
        assert_eq!(super::parse(&over, today()), Err(TooManyRows));
    }

    #[test]
    fn a_preview_totals_good_rows_per_kind_and_caps_the_errors_it_lists() {
        let mut text = "donor,kind,quantity,date\n".to_owned();
        text.push_str("Ada,food,1.25,2026-01-01\nBea,food,2,2026-01-01\nCy,money,5,2026-01-01\n");
        text.push_str(&",food,1,2026-01-01\n".repeat(MAX_LISTED_ERRORS + 7));
        let preview = parse(&text).preview();
        assert_eq!(preview.rows, 3 + MAX_LISTED_ERRORS as u64 + 7);
        assert_eq!(preview.sample.len(), 3);
        assert_eq!(preview.sample[0].line, 2);
        assert_eq!(
            preview.totals,
            [
                FileKindTotal {
                    kind: Kind::Money,
                    donations: 1,
                    quantity: "5".parse().unwrap(),
                },
                FileKindTotal {
                    kind: Kind::Food,
                    donations: 2,
                    quantity: "3.25".parse().unwrap(),
                },
            ]
        );
        assert_eq!(preview.errors.len(), MAX_LISTED_ERRORS);
        assert_eq!(preview.errors_not_listed, 7);
    }

    /// The API description states these in words, as doc comments cannot name constants there.
    #[test]
    fn the_limits_are_those_the_descriptions_state() {
        assert_eq!((MAX_LISTED_ERRORS, SAMPLE_ROWS), (100, 20));
        assert_eq!((MAX_FILE_BYTES, MAX_ROWS), (2 * 1024 * 1024, 10_000));
    }

    #[test]
    fn the_sample_file_reads_back_without_a_problem() {
        let mut writer = csv::Writer::from_writer(Vec::new());
        for record in sample_records() {
            writer.write_record(record).unwrap();
        }
        let sample = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        assert!(
            sample.starts_with("donor,kind,quantity,date,note\n"),
            "{sample}"
        );
        let parsed = parse(&sample);
        assert_eq!(parsed.errors, []);
        assert_eq!(parsed.rows.len(), 4);
        assert_eq!(
            parsed.rows[2].1.note.as_deref(),
            Some("Winter coats, \"like new\"")
        );
    }
}
