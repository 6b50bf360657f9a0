//! Turns the NYT and JHU COVID-19 CSV files into one series of daily US figures.
//!
//! NYT gives cumulative US cases and deaths; JHU gives, among much else, the US recovered count.
//! This module only reads streams and returns figures, so the job around it decides where the
//! files come from and where the figures go. Both files are read a record at a time and only
//! what the join needs is kept (NYT's days, JHU's national US days), so memory follows the
//! length of the series, not the size of the files. Bad input stops the whole transform with an
//! error that names the file, line and column, because loading a partial or shifted series would
//! be worse than loading nothing.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;
use std::io::{self, Cursor, Read};
use std::num::IntErrorKind;

use app::covid::DailyFigures;
use chrono::NaiveDate;
use csv::{ByteRecord, ErrorKind, Reader, ReaderBuilder, StringRecord};

/// The csv reader's buffer: large enough that a read call moves a good slice of the file.
const BUFFER: usize = 64 * 1024;

/// Which input a problem was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Nyt,
    Jhu,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Nyt => "NYT",
            Source::Jhu => "JHU",
        })
    }
}

/// Why the input cannot be used.
///
/// `line` is 1-based and counts the header as line 1; `column` is the header name, absent when
/// the problem concerns the file or the record as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedData {
    pub source: Source,
    pub line: u64,
    pub column: Option<String>,
    pub reason: String,
}

impl MalformedData {
    fn in_line(source: Source, line: u64, reason: impl Into<String>) -> Self {
        Self {
            source,
            line,
            column: None,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for MalformedData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}", self.source, self.line)?;
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for MalformedData {}

/// Joins the NYT file (`date,cases,deaths`) with the national US rows of the JHU file on date.
///
/// Only dates present in both files are kept, sorted ascending. Each file is read once, from
/// start to end, a buffer at a time; the two are read at once, on two threads, since the join
/// needs both whole and each is parsing work of its own.
///
/// # Errors
///
/// [`MalformedData`] for the first problem found, NYT first: an empty file, an HTML page, a
/// missing column, a record of the wrong length, a bad date or count, a date seen twice, or a
/// file that could not be read.
pub fn transform(
    nyt: impl Read + Send,
    jhu: impl Read + Send,
) -> Result<Vec<DailyFigures>, MalformedData> {
    let (totals, recovered) = std::thread::scope(|scope| {
        let recovered = scope.spawn(|| read_jhu(jhu));
        let totals = read_nyt(nyt);
        let recovered = recovered
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (totals, recovered)
    });
    Ok(join(totals?, &recovered?))
}

/// NYT's cumulative counts for one day.
struct Totals {
    cases: i64,
    deaths: i64,
}

fn read_nyt(input: impl Read) -> Result<BTreeMap<NaiveDate, Totals>, MalformedData> {
    let mut table = Table::open(Source::Nyt, input)?;
    let date = table.column("date")?;
    let cases = table.column("cases")?;
    let deaths = table.column("deaths")?;
    let mut days = BTreeMap::new();
    while let Some(row) = table.next_row()? {
        let totals = Totals {
            cases: row.cell(cases)?.count()?,
            deaths: row.cell(deaths)?.count()?,
        };
        insert_once(&mut days, &row.cell(date)?, totals)?;
    }
    Ok(days)
}

/// The recovered count of each day from the JHU rows for the US as a whole.
///
/// Other rows (provinces, other countries) are skipped without looking at their values, so
/// oddities there cannot block the US figures.
fn read_jhu(input: impl Read) -> Result<BTreeMap<NaiveDate, Option<i64>>, MalformedData> {
    let mut table = Table::open(Source::Jhu, input)?;
    let date = table.column("Date")?;
    let country = table.column("Country/Region")?;
    let province = table.column("Province/State")?;
    let recovered = table.column("Recovered")?;
    let mut days = BTreeMap::new();
    while let Some(row) = table.next_row()? {
        if row.bytes(country) == b"US" && row.bytes(province).is_empty() {
            let count = row.cell(recovered)?.optional_count()?;
            insert_once(&mut days, &row.cell(date)?, count)?;
        }
    }
    Ok(days)
}

/// Records `value` under the date in `date`, refusing a date seen before: a repeated day
/// means the file is not the one-row-per-day series we expect.
fn insert_once<T>(
    days: &mut BTreeMap<NaiveDate, T>,
    date: &Cell<'_>,
    value: T,
) -> Result<(), MalformedData> {
    let day = date.date()?;
    match days.entry(day) {
        Entry::Occupied(_) => Err(date.error(format!("{day} is already on an earlier line"))),
        Entry::Vacant(slot) => {
            slot.insert(value);
            Ok(())
        }
    }
}

fn join(
    totals: BTreeMap<NaiveDate, Totals>,
    recovered: &BTreeMap<NaiveDate, Option<i64>>,
) -> Vec<DailyFigures> {
    totals
        .into_iter()
        .filter_map(|(date, totals)| {
            recovered.get(&date).map(|&recovered| DailyFigures {
                date,
                cases: totals.cases,
                deaths: totals.deaths,
                recovered,
            })
        })
        .collect()
}

/// What the csv reader reads: the first buffer's rest (from the first byte that is not
/// whitespace), then the rest of the stream, with LF line breaks throughout.
type Body<R> = io::Chain<Cursor<Vec<u8>>, LfLineBreaks<R>>;

/// A CSV stream whose header has been read, handing out its records with their line numbers.
struct Table<R> {
    source: Source,
    /// Lines skipped before the csv reader's first line, which it counts as line 1.
    skipped_lines: u64,
    header: StringRecord,
    reader: Reader<Body<R>>,
    /// Kept as bytes and left untrimmed: of the many records read only a few fields are used,
    /// and those are trimmed and checked for UTF-8 as they are. Doing it for every field took
    /// much of the time on large files.
    record: ByteRecord,
}

impl<R: Read> Table<R> {
    fn open(source: Source, input: R) -> Result<Self, MalformedData> {
        let (skipped_lines, body) = skip_leading_whitespace(source, LfLineBreaks::new(input))?;
        let mut reader = ReaderBuilder::new()
            .flexible(false)
            .buffer_capacity(BUFFER)
            .from_reader(body);
        let header_line = skipped_lines + 1;
        let header = reader
            .headers()
            .map_err(|error| csv_error(source, &error, skipped_lines, header_line))?
            .clone();
        Ok(Self {
            source,
            skipped_lines,
            header,
            reader,
            record: ByteRecord::new(),
        })
    }

    /// Finds a column by its header name, so that reordered or added columns do no harm.
    fn column(&self, name: &'static str) -> Result<Column, MalformedData> {
        self.header
            .iter()
            .position(|header| header.trim() == name)
            .map(|index| Column { name, index })
            .ok_or_else(|| {
                MalformedData::in_line(
                    self.source,
                    self.skipped_lines + 1,
                    format!("missing column {name}"),
                )
            })
    }

    fn next_row(&mut self) -> Result<Option<Row<'_>>, MalformedData> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => Ok(Some(Row {
                source: self.source,
                line: self.skipped_lines + self.record.position().map_or(1, csv::Position::line),
                record: &self.record,
            })),
            Err(error) => Err(csv_error(
                self.source,
                &error,
                self.skipped_lines,
                self.skipped_lines + self.reader.position().line(),
            )),
        }
    }
}

/// Reads past the whitespace (blank lines included) before the header, and catches the two ways
/// a download fails without an HTTP error: an empty body, and an HTML page served with status
/// 200. Both would otherwise surface as a puzzling missing column. Returns how many lines were
/// skipped and the stream from the first other byte on.
fn skip_leading_whitespace<R: Read>(
    source: Source,
    mut input: LfLineBreaks<R>,
) -> Result<(u64, Body<R>), MalformedData> {
    let mut skipped_lines = 0;
    let mut buffer = vec![0; BUFFER];
    loop {
        let read = input.read(&mut buffer).map_err(|error| {
            MalformedData::in_line(source, skipped_lines + 1, unreadable(&error))
        })?;
        let chunk = &buffer[..read];
        if chunk.is_empty() {
            return Err(MalformedData::in_line(source, 1, "the file is empty"));
        }
        let start = chunk.iter().position(|byte| !byte.is_ascii_whitespace());
        let breaks = &chunk[..start.unwrap_or(read)];
        skipped_lines += breaks.iter().filter(|&&byte| byte == b'\n').count() as u64;
        if let Some(start) = start {
            if chunk[start] == b'<' {
                return Err(MalformedData::in_line(
                    source,
                    skipped_lines + 1,
                    "this is an HTML page, not CSV",
                ));
            }
            buffer.truncate(read);
            buffer.drain(..start);
            return Ok((skipped_lines, Cursor::new(buffer).chain(input)));
        }
    }
}

fn unreadable(error: &io::Error) -> String {
    format!("the file could not be read: {error}")
}

/// Turns a stream's line breaks, CRLF or a lone CR, into LF as it is read.
///
/// The csv crate counts a line only when it reads a `\n`, and after a CRLF record it stops
/// before that `\n`, so every line number after the header would come out one too low (and a
/// lone CR is never counted; rust-csv issue 395). Reading LF line breaks keeps line numbers
/// right. A CR becomes an LF at once and an LF right after it is dropped, so a CRLF split
/// between two reads needs no look-ahead.
struct LfLineBreaks<R> {
    inner: R,
    after_cr: bool,
}

impl<R> LfLineBreaks<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            after_cr: false,
        }
    }
}

impl<R: Read> Read for LfLineBreaks<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            let read = self.inner.read(out)?;
            if read == 0 {
                return Ok(0);
            }
            if !self.after_cr && !out[..read].contains(&b'\r') {
                return Ok(read);
            }
            let mut kept = 0;
            for index in 0..read {
                let byte = out[index];
                let after_cr = std::mem::replace(&mut self.after_cr, byte == b'\r');
                if byte == b'\n' && after_cr {
                    continue;
                }
                out[kept] = if byte == b'\r' { b'\n' } else { byte };
                kept += 1;
            }
            // A read that was only the LF of a CRLF gave nothing yet; zero would mean the end.
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

/// Turns a csv crate error into one naming the line. The csv reader counts lines from its own
/// start, `skipped_lines` after the file's; `fallback_line` is used only for errors that carry
/// no position of their own.
fn csv_error(
    source: Source,
    error: &csv::Error,
    skipped_lines: u64,
    fallback_line: u64,
) -> MalformedData {
    let line = error
        .position()
        .map_or(fallback_line, |position| skipped_lines + position.line());
    let reason = match error.kind() {
        ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the record has {len} fields but the header has {expected_len}"),
        ErrorKind::Utf8 { .. } => "the record is not valid UTF-8".to_owned(),
        ErrorKind::Io(error) => unreadable(error),
        _ => error.to_string(),
    };
    MalformedData::in_line(source, line, reason)
}

/// A column found in the header.
#[derive(Clone, Copy)]
struct Column {
    name: &'static str,
    index: usize,
}

/// One record of a [`Table`], with the line it starts on.
struct Row<'r> {
    source: Source,
    line: u64,
    record: &'r ByteRecord,
}

impl Row<'_> {
    /// The bytes of a column, trimmed of ASCII whitespace. The reader refuses records whose
    /// length differs from the header's, so every column found in the header is present.
    fn bytes(&self, column: Column) -> &[u8] {
        self.record
            .get(column.index)
            .unwrap_or_default()
            .trim_ascii()
    }

    fn cell(&self, column: Column) -> Result<Cell<'_>, MalformedData> {
        let text = std::str::from_utf8(self.bytes(column)).map_err(|_| {
            MalformedData::in_line(self.source, self.line, "the record is not valid UTF-8")
        })?;
        Ok(Cell {
            source: self.source,
            line: self.line,
            column: column.name,
            text,
        })
    }
}

/// One field, together with everything an error about it has to name.
struct Cell<'r> {
    source: Source,
    line: u64,
    column: &'static str,
    text: &'r str,
}

impl Cell<'_> {
    fn error(&self, reason: String) -> MalformedData {
        MalformedData {
            source: self.source,
            line: self.line,
            column: Some(self.column.to_owned()),
            reason,
        }
    }

    fn date(&self) -> Result<NaiveDate, MalformedData> {
        parse_date(self.text).ok_or_else(|| {
            self.error(format!(
                "{:?} is not a date in the form YYYY-MM-DD",
                self.text
            ))
        })
    }

    fn count(&self) -> Result<i64, MalformedData> {
        self.optional_count()?
            .ok_or_else(|| self.error("the count is blank".to_owned()))
    }

    /// A count that the source may leave blank.
    fn optional_count(&self) -> Result<Option<i64>, MalformedData> {
        if self.text.is_empty() {
            return Ok(None);
        }
        parse_count(self.text)
            .map(Some)
            .map_err(|problem| self.error(format!("{:?} {problem}", self.text)))
    }
}

/// Parses a `YYYY-MM-DD` date, the sources' only form, by hand: chrono's general format parser
/// stood out in profiles of large files.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0_u32, |number, &digit| {
            digit
                .is_ascii_digit()
                .then(|| number * 10 + u32::from(digit - b'0'))
        })
    };
    let year = i32::try_from(number(&bytes[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&bytes[5..7])?, number(&bytes[8..])?)
}

/// Parses a cumulative count: a whole number, not negative. JHU writes some counts as `123.0`,
/// so a fractional part made only of zeros is accepted. Returns what is wrong otherwise.
fn parse_count(text: &str) -> Result<i64, &'static str> {
    let whole = match text.split_once('.') {
        None => text,
        Some((whole, zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => whole,
        Some(_) => return Err("is not a whole number"),
    };
    let count: i64 =
        whole
            .parse()
            .map_err(|error: std::num::ParseIntError| match error.kind() {
                IntErrorKind::PosOverflow => "is too large",
                IntErrorKind::NegOverflow => "is negative",
                _ => "is not a whole number",
            })?;
    if count < 0 {
        return Err("is negative");
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JHU_HEADER: &str =
        "Date,Country/Region,Province/State,Lat,Long,Confirmed,Recovered,Deaths";

    fn nyt(rows: &[&str]) -> String {
        file("date,cases,deaths", rows)
    }

    fn jhu(rows: &[&str]) -> String {
        file(JHU_HEADER, rows)
    }

    fn file(header: &str, rows: &[&str]) -> String {
        let mut text = format!("{header}\n");
        for row in rows {
            text.push_str(row);
            text.push('\n');
        }
        text
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn figures(date: &str, cases: i64, deaths: i64, recovered: Option<i64>) -> DailyFigures {
        DailyFigures {
            date: day(date),
            cases,
            deaths,
            recovered,
        }
    }

    fn ok(nyt: &str, jhu: &str) -> Vec<DailyFigures> {
        transform(nyt.as_bytes(), jhu.as_bytes()).unwrap()
    }

    /// Where the transform failed: source, line and column.
    fn failure(nyt: &[u8], jhu: &[u8]) -> (Source, u64, Option<String>) {
        let error = transform(nyt, jhu).unwrap_err();
        (error.source, error.line, error.column)
    }

    fn column(name: &str) -> Option<String> {
        Some(name.to_owned())
    }

    fn one_us_day() -> String {
        jhu(&["2020-03-01,US,,40.0,-100.0,10,3,1"])
    }

    #[test]
    fn keeps_only_dates_in_both_sources() {
        let nyt = nyt(&["2020-03-01,10,1", "2020-03-02,20,2", "2020-03-03,30,3"]);
        let jhu = jhu(&[
            "2020-03-02,US,,40.0,-100.0,20,5,2",
            "2020-03-03,US,,40.0,-100.0,30,6,3",
            "2020-03-04,US,,40.0,-100.0,40,7,4",
        ]);

        assert_eq!(
            ok(&nyt, &jhu),
            vec![
                figures("2020-03-02", 20, 2, Some(5)),
                figures("2020-03-03", 30, 3, Some(6)),
            ]
        );
    }

    #[test]
    fn output_is_sorted_by_date() {
        let nyt = nyt(&["2020-03-02,20,2", "2020-03-01,10,1"]);
        let jhu = jhu(&[
            "2020-03-01,US,,40.0,-100.0,10,3,1",
            "2020-03-02,US,,40.0,-100.0,20,5,2",
        ]);

        let dates: Vec<NaiveDate> = ok(&nyt, &jhu).iter().map(|f| f.date).collect();

        assert_eq!(dates, vec![day("2020-03-01"), day("2020-03-02")]);
    }

    #[test]
    fn reads_columns_by_name_in_any_order() {
        let nyt = "deaths,source,date,cases\n1,x,2020-03-01,10\n";
        let jhu = "Recovered,Province/State,Date,Country/Region\n3,,2020-03-01,US\n";

        assert_eq!(ok(nyt, jhu), vec![figures("2020-03-01", 10, 1, Some(3))]);
    }

    #[test]
    fn trims_header_names_and_fields() {
        let nyt = " date , cases , deaths \n 2020-03-01 , 10 , 1 \n";
        let jhu =
            " Date , Country/Region , Province/State , Recovered \n 2020-03-01 , US ,  , 3 \n";

        assert_eq!(ok(nyt, jhu), vec![figures("2020-03-01", 10, 1, Some(3))]);
    }

    #[test]
    fn blank_recovered_is_missing() {
        let jhu = jhu(&["2020-03-01,US,,40.0,-100.0,10,,1"]);

        assert_eq!(
            ok(&nyt(&["2020-03-01,10,1"]), &jhu),
            vec![figures("2020-03-01", 10, 1, None)]
        );
    }

    #[test]
    fn ignores_provinces_and_other_countries() {
        let jhu = jhu(&[
            "2020-03-01,Canada,Alberta,not-a-latitude,-116.5,5,x,0",
            "2020-03-01,Canada,Ontario,51.2,-85.3,7,,0",
            "someday,Canada,Quebec,52.9,-73.5,-2,1.5,0",
            "2020-03-01,France,,46.2,2.2,100,12,2",
            "2020-03-01,US,Diamond Princess,35.4,139.6,700,600,7",
            "2020-03-01,US,,40.0,-100.0,10,3,1",
        ]);

        assert_eq!(
            ok(&nyt(&["2020-03-01,10,1"]), &jhu),
            vec![figures("2020-03-01", 10, 1, Some(3))]
        );
    }

    #[test]
    fn whole_numbers_written_with_zero_decimals_are_accepted() {
        let jhu = jhu(&["2020-03-01,US,,40.0,-100.0,10.0,3.00,1.0"]);

        assert_eq!(
            ok(&nyt(&["2020-03-01,10.0,1"]), &jhu),
            vec![figures("2020-03-01", 10, 1, Some(3))]
        );
    }

    #[test]
    fn falling_cumulative_counts_are_kept() {
        let nyt = nyt(&["2020-03-01,10,2", "2020-03-02,9,1"]);
        let jhu = jhu(&[
            "2020-03-01,US,,40.0,-100.0,10,5,2",
            "2020-03-02,US,,40.0,-100.0,9,4,1",
        ]);

        assert_eq!(
            ok(&nyt, &jhu),
            vec![
                figures("2020-03-01", 10, 2, Some(5)),
                figures("2020-03-02", 9, 1, Some(4)),
            ]
        );
    }

    #[test]
    fn crlf_and_no_final_newline_are_accepted() {
        let nyt = "date,cases,deaths\r\n2020-03-01,10,1\r\n2020-03-02,20,2";
        let jhu =
            "Date,Country/Region,Province/State,Recovered\n2020-03-01,US,,3\n2020-03-02,US,,4";

        assert_eq!(
            ok(nyt, jhu),
            vec![
                figures("2020-03-01", 10, 1, Some(3)),
                figures("2020-03-02", 20, 2, Some(4)),
            ]
        );
    }

    #[test]
    fn crlf_files_report_the_right_line() {
        let nyt = "date,cases,deaths\r\n2020-03-01,10,1\r\n2020-03-02,20,2\r\n2020-03-03,x,3\r\n";

        assert_eq!(
            failure(nyt.as_bytes(), one_us_day().as_bytes()),
            (Source::Nyt, 4, column("cases"))
        );
    }

    /// Hands out at most `size` bytes a read, as a network stream or a small buffer may.
    struct Trickle<'a> {
        bytes: &'a [u8],
        size: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let size = self.size.min(out.len()).min(self.bytes.len());
            out[..size].copy_from_slice(&self.bytes[..size]);
            self.bytes = &self.bytes[size..];
            Ok(size)
        }
    }

    #[test]
    fn files_read_a_few_bytes_at_a_time_give_the_same_figures_and_lines() {
        let nyt = "\r\n date,cases,deaths\r\n2020-03-01,10,1\r2020-03-02,20,2\r\n";
        let jhu = "Date,Country/Region,Province/State,Recovered\r\n2020-03-01,US,,3\r\n\
                   2020-03-02,US,,4\r\n";
        let bad = "\r\ndate,cases,deaths\r\n2020-03-01,10,1\r2020-03-02,x,2\r\n";

        for size in 1..=3 {
            let trickle = |bytes: &'static str| Trickle {
                bytes: bytes.as_bytes(),
                size,
            };
            assert_eq!(
                transform(trickle(nyt), trickle(jhu)).unwrap(),
                ok(nyt, jhu),
                "{size} bytes a read"
            );
            let error = transform(trickle(bad), trickle(jhu)).unwrap_err();
            assert_eq!(
                (error.line, error.column),
                (4, column("cases")),
                "{size} bytes a read"
            );
        }
    }

    /// A long NYT file made up as it is read, with an unparsable count on line `bad`; counts
    /// the bytes handed out.
    struct MadeUpNyt {
        lines: u64,
        bad: u64,
        next: u64,
        pending: Vec<u8>,
        handed_out: u64,
    }

    impl Read for MadeUpNyt {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.pending.is_empty() && self.next <= self.lines {
                let line = match self.next {
                    1 => "date,cases,deaths\n".to_owned(),
                    n if n == self.bad => "2020-01-01,x,1\n".to_owned(),
                    n => format!("{},{n},1\n", day("1900-01-01") + chrono::Days::new(n)),
                };
                self.pending = line.into_bytes();
                self.next += 1;
            }
            let size = out.len().min(self.pending.len());
            out[..size].copy_from_slice(&self.pending[..size]);
            self.pending.drain(..size);
            self.handed_out += size as u64;
            Ok(size)
        }
    }

    #[test]
    fn a_file_is_parsed_as_it_is_read_not_after() {
        let mut nyt = MadeUpNyt {
            lines: 1_000_000,
            bad: 10_000,
            next: 1,
            pending: Vec::new(),
            handed_out: 0,
        };

        let error = transform(&mut nyt, one_us_day().as_bytes()).unwrap_err();

        assert_eq!((error.line, error.column), (10_000, column("cases")));
        // About 22 bytes a line: the reader stopped a buffer or two past the bad line, far from
        // the end of the 22 MB file.
        assert!(
            nyt.handed_out < 10_000 * 22 + 4 * BUFFER as u64,
            "{} bytes read",
            nyt.handed_out
        );
    }

    #[test]
    fn dates_are_read_in_the_form_yyyy_mm_dd_only() {
        assert_eq!(parse_date("2020-03-01"), Some(day("2020-03-01")));
        assert_eq!(parse_date("2024-02-29"), Some(day("2024-02-29")));
        for text in [
            "2023-02-29",
            "2020-3-01",
            "2020-03-1 ",
            "20200301",
            "2020/03/01",
            "+020-03-01",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn odd_bytes_in_rows_the_join_skips_do_no_harm() {
        let jhu = b"Date,Country/Region,Province/State,Recovered\n2020-03-01,Fran\xe7e,,1\n\
                    2020-03-01,US,,3\n";

        assert_eq!(
            transform(nyt(&["2020-03-01,10,1"]).as_bytes(), &jhu[..]).unwrap(),
            vec![figures("2020-03-01", 10, 1, Some(3))]
        );
    }

    #[test]
    fn header_only_files_give_no_rows() {
        assert_eq!(ok(&nyt(&[]), &jhu(&[])), vec![]);
    }

    #[test]
    fn empty_file_is_rejected() {
        let nyt = nyt(&["2020-03-01,10,1"]);

        assert_eq!(
            failure(b"", one_us_day().as_bytes()),
            (Source::Nyt, 1, None)
        );
        assert_eq!(failure(nyt.as_bytes(), b" \r\n\n"), (Source::Jhu, 1, None));
        assert_eq!(
            transform(&b""[..], &b""[..]).unwrap_err().to_string(),
            "NYT line 1: the file is empty"
        );
    }

    #[test]
    fn html_error_page_is_rejected() {
        let page = b"\n<!DOCTYPE html>\n<html><body>Rate limit exceeded</body></html>\n";
        let nyt = nyt(&["2020-03-01,10,1"]);

        let error = transform(nyt.as_bytes(), &page[..]).unwrap_err();

        assert_eq!(
            (error.source, error.line, error.column),
            (Source::Jhu, 2, None)
        );
        assert_eq!(error.reason, "this is an HTML page, not CSV");
    }

    #[test]
    fn missing_column_names_the_source_and_column() {
        let nyt = "date,cases\n2020-03-01,10\n";
        let jhu = "Date,Country/Region,Province/State,Confirmed\n2020-03-01,US,,10\n";

        let nyt_error = transform(nyt.as_bytes(), one_us_day().as_bytes()).unwrap_err();
        let jhu_error = transform(self::nyt(&[]).as_bytes(), jhu.as_bytes()).unwrap_err();

        assert_eq!(nyt_error.to_string(), "NYT line 1: missing column deaths");
        assert_eq!(
            (jhu_error.source, jhu_error.line, jhu_error.column),
            (Source::Jhu, 1, None)
        );
        assert_eq!(jhu_error.reason, "missing column Recovered");
    }

    #[test]
    fn unparsable_date_names_line_and_column() {
        let nyt = nyt(&["2020-03-01,10,1", "2020-02-30,20,2"]);
        let jhu = jhu(&[
            "2020-03-01,US,,40.0,-100.0,10,3,1",
            "03/02/2020,US,,40.0,-100.0,20,4,2",
        ]);

        assert_eq!(
            failure(nyt.as_bytes(), one_us_day().as_bytes()),
            (Source::Nyt, 3, column("date"))
        );
        assert_eq!(
            failure(self::nyt(&[]).as_bytes(), jhu.as_bytes()),
            (Source::Jhu, 3, column("Date"))
        );
    }

    #[test]
    fn unparsable_recovered_names_line_and_column() {
        let jhu = jhu(&[
            "2020-03-01,US,,40.0,-100.0,10,3,1",
            "2020-03-02,US,,40.0,-100.0,20,x1,2",
        ]);

        let error = transform(nyt(&[]).as_bytes(), jhu.as_bytes()).unwrap_err();

        assert_eq!(
            error.to_string(),
            r#"JHU line 3, column Recovered: "x1" is not a whole number"#
        );
    }

    #[test]
    fn negative_count_is_rejected() {
        let nyt = nyt(&["2020-03-01,10,-1"]);

        let error = transform(nyt.as_bytes(), one_us_day().as_bytes()).unwrap_err();

        assert_eq!(
            (error.source, error.line, error.column),
            (Source::Nyt, 2, column("deaths"))
        );
        assert_eq!(error.reason, r#""-1" is negative"#);
    }

    #[test]
    fn fractional_count_is_rejected() {
        let nyt = nyt(&["2020-03-01,10.5,1"]);
        let jhu = jhu(&["2020-03-01,US,,40.0,-100.0,10,1.5,1"]);

        assert_eq!(
            failure(nyt.as_bytes(), one_us_day().as_bytes()),
            (Source::Nyt, 2, column("cases"))
        );
        assert_eq!(
            failure(self::nyt(&[]).as_bytes(), jhu.as_bytes()),
            (Source::Jhu, 2, column("Recovered"))
        );
    }

    #[test]
    fn blank_or_oversized_nyt_count_is_rejected() {
        let blank = nyt(&["2020-03-01,,1"]);
        let huge = nyt(&["2020-03-01,10,99999999999999999999"]);

        assert_eq!(
            failure(blank.as_bytes(), one_us_day().as_bytes()),
            (Source::Nyt, 2, column("cases"))
        );
        assert_eq!(
            failure(huge.as_bytes(), one_us_day().as_bytes()),
            (Source::Nyt, 2, column("deaths"))
        );
    }

    #[test]
    fn duplicate_date_is_rejected() {
        let nyt = nyt(&["2020-03-01,10,1", "2020-03-02,20,2", "2020-03-01,10,1"]);
        let jhu = jhu(&[
            "2020-03-01,US,,40.0,-100.0,10,3,1",
            "2020-03-01,Canada,Ontario,51.2,-85.3,7,,0",
            "2020-03-01,US,,40.0,-100.0,10,3,1",
        ]);

        assert_eq!(
            failure(nyt.as_bytes(), one_us_day().as_bytes()),
            (Source::Nyt, 4, column("date"))
        );
        assert_eq!(
            failure(self::nyt(&[]).as_bytes(), jhu.as_bytes()),
            (Source::Jhu, 4, column("Date"))
        );
    }

    #[test]
    fn wrong_field_count_names_the_line() {
        let nyt = nyt(&["2020-03-01,10,1", "2020-03-02,20"]);

        let error = transform(nyt.as_bytes(), one_us_day().as_bytes()).unwrap_err();

        assert_eq!(
            (error.source, error.line, error.column),
            (Source::Nyt, 3, None)
        );
        assert_eq!(error.reason, "the record has 2 fields but the header has 3");
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let nyt = b"date,cases,deaths\n2020-03-01,10,1\n2020-03-02,\xff,2\n";

        assert_eq!(
            failure(nyt, one_us_day().as_bytes()),
            (Source::Nyt, 3, None)
        );
    }
}
