//! The data report's arithmetic: parse the mirrored BLS and DataUSA files and compute the report.
//!
//! Nothing here does I/O, so the job that reads the files stays thin and every rule below is
//! unit-tested on small inputs written inside the tests.

use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use std::fmt;

use app::data_reports::{
    BestYear, DataReport, PopulationSummary, PopulationYear, SeriesPopulation,
};
use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};
use serde::Deserialize;

/// The BLS file's name, as error messages show it.
pub const BLS_FILE: &str = "pr.data.0.Current";
/// The DataUSA population file's name, as error messages show it.
pub const POPULATION_FILE: &str = "population.json";
/// The inclusive range of years the population statistics cover.
pub const STATISTICS_FIRST_YEAR: i32 = 2013;
pub const STATISTICS_LAST_YEAR: i32 = 2018;
/// The series and period the report shows beside the population.
pub const JOINED_SERIES_ID: &str = "PRS30006032";
pub const JOINED_PERIOD: &str = "Q01";

/// BLS's annual average. It shares the `Qnn` naming with the quarters but is not one.
const ANNUAL_PERIOD: &str = "Q05";
/// Decimal places of the reported mean and standard deviation.
const STATISTICS_DECIMAL_PLACES: u32 = 2;

/// One data row of the BLS file, its fields trimmed of their padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlsRow {
    pub series_id: String,
    pub year: i32,
    pub period: String,
    pub value: Decimal,
}

/// A source file that could not be read as expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: &'static str,
    /// 1-based line number (the header is line 1), or 0 when the problem is not on one line.
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{} line {}: {}", self.file, self.line, self.reason)
        }
    }
}

impl Error for ParseError {}

/// Why population statistics could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryError {
    /// A sample standard deviation needs at least two values.
    TooFewYears {
        first_year: i32,
        last_year: i32,
        found: usize,
    },
    /// The populations are too large for exact decimal arithmetic.
    OutOfRange,
}

impl fmt::Display for SummaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooFewYears {
                first_year,
                last_year,
                found,
            } => write!(
                f,
                "statistics need at least 2 years of population between {first_year} and \
                 {last_year}, found {found}"
            ),
            Self::OutOfRange => f.write_str("population values too large for decimal arithmetic"),
        }
    }
}

impl Error for SummaryError {}

/// The population file is the only input to the statistics, so their failure is blamed on it.
impl From<SummaryError> for ParseError {
    fn from(error: SummaryError) -> Self {
        Self {
            file: POPULATION_FILE,
            line: 0,
            reason: error.to_string(),
        }
    }
}

/// Reads the BLS `pr.data.0.Current` file as its bytes arrive, handing out each data row.
///
/// Only the line being read is held, so the file can be any size. Columns are found by their
/// header names, so a reordered or extended file still reads. Blank lines are skipped; CRLF and
/// LF endings are both accepted.
#[derive(Default)]
pub struct BlsParser {
    /// The start of a line whose end has not arrived yet.
    partial: Vec<u8>,
    /// The number of the last line read.
    line: u64,
    columns: Option<BlsColumns>,
}

impl BlsParser {
    /// Reads the next `chunk` of the file, passing each complete data row to `row`.
    ///
    /// # Errors
    /// A missing header column, or a row whose fields are missing or do not parse, with its line.
    pub fn feed(&mut self, chunk: &[u8], mut row: impl FnMut(BlsRow)) -> Result<(), ParseError> {
        let mut rest = chunk;
        while let Some(end) = rest.iter().position(|&byte| byte == b'\n') {
            let line = if self.partial.is_empty() {
                self.read_line(&rest[..end])?
            } else {
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(&rest[..end]);
                let line = self.read_line(&whole);
                // Keeps the allocation for the next line that spans two chunks.
                whole.clear();
                self.partial = whole;
                line?
            };
            if let Some(data) = line {
                row(data);
            }
            rest = &rest[end + 1..];
        }
        self.partial.extend_from_slice(rest);
        Ok(())
    }

    /// Reads the last line, which may lack a line break, and checks that there was a header.
    ///
    /// # Errors
    /// As [`Self::feed`], or an empty file.
    pub fn finish(mut self, mut row: impl FnMut(BlsRow)) -> Result<(), ParseError> {
        let partial = std::mem::take(&mut self.partial);
        if !partial.is_empty()
            && let Some(data) = self.read_line(&partial)?
        {
            row(data);
        }
        if self.columns.is_none() {
            return Err(bls_error(
                1,
                "the file is empty, expected a header line".into(),
            ));
        }
        Ok(())
    }

    /// One line without its `\n`: the header, a data row, or nothing for a blank line.
    fn read_line(&mut self, bytes: &[u8]) -> Result<Option<BlsRow>, ParseError> {
        self.line += 1;
        let text = String::from_utf8_lossy(bytes);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        let text = match self.line {
            1 => text.strip_prefix('\u{feff}').unwrap_or(text),
            _ => text,
        };
        if text.trim().is_empty() {
            return Ok(None);
        }
        let line = self.line;
        let error = |reason| bls_error(line, reason);
        match &self.columns {
            None => {
                self.columns = Some(BlsColumns::find(text).map_err(error)?);
                Ok(None)
            }
            Some(columns) => columns.row(text).map(Some).map_err(error),
        }
    }
}

fn bls_error(line: u64, reason: String) -> ParseError {
    ParseError {
        file: BLS_FILE,
        line,
        reason,
    }
}

/// Where each needed field sits in a tab-separated BLS line.
struct BlsColumns {
    series_id: usize,
    year: usize,
    period: usize,
    value: usize,
}

impl BlsColumns {
    fn find(header: &str) -> Result<Self, String> {
        let names: Vec<&str> = header.split('\t').map(str::trim).collect();
        let position = |name: &str| {
            names
                .iter()
                .position(|candidate| *candidate == name)
                .ok_or_else(|| format!("the header has no `{name}` column"))
        };
        Ok(Self {
            series_id: position("series_id")?,
            year: position("year")?,
            period: position("period")?,
            value: position("value")?,
        })
    }

    fn row(&self, line: &str) -> Result<BlsRow, String> {
        let fields: Vec<&str> = line.split('\t').collect();
        let field = |index: usize, name: &str| {
            fields
                .get(index)
                .map(|field| field.trim())
                .filter(|field| !field.is_empty())
                .ok_or_else(|| format!("the `{name}` field is missing"))
        };
        let year = field(self.year, "year")?;
        let value = field(self.value, "value")?;
        Ok(BlsRow {
            series_id: field(self.series_id, "series_id")?.to_owned(),
            year: year
                .parse()
                .map_err(|_| format!("year `{year}` is not a whole number"))?,
            period: field(self.period, "period")?.to_owned(),
            value: Decimal::from_str_exact(value)
                .map_err(|_| format!("value `{value}` is not a decimal number"))?,
        })
    }
}

/// The part of a DataUSA response the report uses.
#[derive(Deserialize)]
struct PopulationResponse {
    data: Vec<PopulationRecord>,
}

/// A checked record. Checking inside deserialisation lets serde_json report the line.
#[derive(Deserialize)]
#[serde(try_from = "RawPopulationRecord")]
struct PopulationRecord(PopulationYear);

#[derive(Deserialize)]
struct RawPopulationRecord {
    #[serde(rename = "ID Year")]
    id_year: Option<i32>,
    #[serde(rename = "Year")]
    year: Option<String>,
    #[serde(rename = "Population")]
    population: i64,
}

impl TryFrom<RawPopulationRecord> for PopulationRecord {
    type Error = String;

    fn try_from(raw: RawPopulationRecord) -> Result<Self, Self::Error> {
        let year = match (raw.id_year, raw.year) {
            (Some(year), _) => year,
            (None, Some(text)) => text
                .trim()
                .parse()
                .map_err(|_| format!("Year `{text}` is not a whole number"))?,
            (None, None) => return Err("a record has neither `ID Year` nor `Year`".into()),
        };
        Ok(Self(PopulationYear {
            year,
            population: raw.population,
        }))
    }
}

/// Parses a DataUSA `Nation`/`Population` response into years, oldest first.
///
/// # Errors
/// Malformed JSON, a record without a year or population, or a year given twice.
pub fn parse_population(json: &[u8]) -> Result<Vec<PopulationYear>, ParseError> {
    let response: PopulationResponse =
        serde_json::from_slice(json).map_err(|error| json_error(&error))?;
    let mut years: Vec<PopulationYear> = response.data.into_iter().map(|record| record.0).collect();
    years.sort_by_key(|year| year.year);
    if let Some(pair) = years.windows(2).find(|pair| pair[0].year == pair[1].year) {
        return Err(ParseError {
            file: POPULATION_FILE,
            line: 0,
            reason: format!("year {} appears more than once", pair[0].year),
        });
    }
    Ok(years)
}

/// Keeps serde_json's line in `line` rather than repeating it in the reason; the column stays
/// there because the DataUSA wire format is a single line.
fn json_error(error: &serde_json::Error) -> ParseError {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let reason = match message.strip_suffix(&position) {
        Some(message) => format!("{message} (column {})", error.column()),
        None => message,
    };
    ParseError {
        file: POPULATION_FILE,
        line: error.line() as u64,
        reason,
    }
}

/// Every year, plus the mean and sample standard deviation over `first_year..=last_year`.
///
/// # Errors
/// Fewer than two years in the range, or populations too large for exact arithmetic.
pub fn population_summary(
    years: &[PopulationYear],
    first_year: i32,
    last_year: i32,
) -> Result<PopulationSummary, SummaryError> {
    let values: Vec<Decimal> = years
        .iter()
        .filter(|year| (first_year..=last_year).contains(&year.year))
        .map(|year| Decimal::from(year.population))
        .collect();
    if values.len() < 2 {
        return Err(SummaryError::TooFewYears {
            first_year,
            last_year,
            found: values.len(),
        });
    }
    let mean = mean(&values).ok_or(SummaryError::OutOfRange)?;
    let standard_deviation =
        sample_standard_deviation(&values, mean).ok_or(SummaryError::OutOfRange)?;
    let mut all_years = years.to_vec();
    all_years.sort_by_key(|year| year.year);
    Ok(PopulationSummary {
        years: all_years,
        first_year,
        last_year,
        mean: round_statistic(mean),
        standard_deviation: round_statistic(standard_deviation),
    })
}

/// `None` when the sum overflows.
fn mean(values: &[Decimal]) -> Option<Decimal> {
    let sum = values
        .iter()
        .try_fold(Decimal::ZERO, |sum, value| sum.checked_add(*value))?;
    sum.checked_div(Decimal::from(values.len()))
}

/// Divides by `n - 1`: the years are a sample of the population's history. `None` on overflow.
fn sample_standard_deviation(values: &[Decimal], mean: Decimal) -> Option<Decimal> {
    let squares = values.iter().try_fold(Decimal::ZERO, |sum, value| {
        let deviation = value.checked_sub(mean)?;
        sum.checked_add(deviation.checked_mul(deviation)?)
    })?;
    squares.checked_div(Decimal::from(values.len() - 1))?.sqrt()
}

fn round_statistic(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(
        STATISTICS_DECIMAL_PLACES,
        RoundingStrategy::MidpointAwayFromZero,
    )
}

/// What one series contributes to the best-year search.
#[derive(Default)]
struct SeriesTotals {
    /// Sum of Q01-Q04 per year.
    quarterly: BTreeMap<i32, Decimal>,
    /// Every Q05 (annual average) value with its year.
    annual: Vec<(i32, Decimal)>,
}

/// What the report needs from the BLS rows, gathered a row at a time: each series' totals for
/// the best-year search, and the rows of the series shown beside the population. The rows
/// themselves are not kept.
#[derive(Default)]
pub struct BlsFigures {
    series: BTreeMap<String, SeriesTotals>,
    joined: Vec<BlsRow>,
}

impl BlsFigures {
    pub fn add(&mut self, row: BlsRow) {
        let totals = match self.series.get_mut(&row.series_id) {
            Some(totals) => totals,
            None => self.series.entry(row.series_id.clone()).or_default(),
        };
        match row.period.as_str() {
            "Q01" | "Q02" | "Q03" | "Q04" => {
                let sum = totals.quarterly.entry(row.year).or_default();
                // A BLS index cannot reach Decimal's 7.9e28 limit; saturating keeps this total.
                *sum = sum.saturating_add(row.value);
            }
            ANNUAL_PERIOD => totals.annual.push((row.year, row.value)),
            _ => {}
        }
        if row.series_id == JOINED_SERIES_ID && row.period == JOINED_PERIOD {
            self.joined.push(row);
        }
    }

    /// For each series, the year whose Q01-Q04 values add up to the most, sorted by series id.
    ///
    /// A series without quarterly values falls back to its largest annual average (Q05), marked
    /// `annual_only`. Ties go to the earlier year.
    pub fn best_years(&self) -> Vec<BestYear> {
        self.series
            .iter()
            .filter_map(|(series_id, totals)| best_year(series_id, totals))
            .collect()
    }
}

fn best_year(series_id: &str, totals: &SeriesTotals) -> Option<BestYear> {
    let quarterly = totals.quarterly.iter().map(|(&year, &value)| (year, value));
    let (year, value, annual_only) = match largest(quarterly) {
        Some((year, value)) => (year, value, false),
        None => {
            let (year, value) = largest(totals.annual.iter().copied())?;
            (year, value, true)
        }
    };
    Some(BestYear {
        series_id: series_id.to_owned(),
        year,
        value,
        annual_only,
    })
}

/// The largest value with its year; on a tie the earlier year, whatever the input order.
fn largest(candidates: impl IntoIterator<Item = (i32, Decimal)>) -> Option<(i32, Decimal)> {
    candidates.into_iter().reduce(|best, candidate| {
        let beats = candidate.1 > best.1 || (candidate.1 == best.1 && candidate.0 < best.0);
        if beats { candidate } else { best }
    })
}

/// The rows of one series and period beside that year's population, for years in both inputs.
pub fn series_with_population(
    rows: &[BlsRow],
    years: &[PopulationYear],
    series_id: &str,
    period: &str,
) -> Vec<SeriesPopulation> {
    let population: HashMap<i32, i64> = years
        .iter()
        .map(|year| (year.year, year.population))
        .collect();
    let mut joined: Vec<SeriesPopulation> = rows
        .iter()
        .filter(|row| row.series_id == series_id && row.period == period)
        .filter_map(|row| {
            population
                .get(&row.year)
                .map(|&population| SeriesPopulation {
                    series_id: row.series_id.clone(),
                    year: row.year,
                    period: row.period.clone(),
                    value: row.value,
                    population,
                })
        })
        .collect();
    joined.sort_by_key(|row| row.year);
    joined
}

/// Builds the whole report from the BLS figures and the population file's contents.
///
/// # Errors
/// The population file failing to parse, or too few population years for the statistics.
pub fn analyse(
    bls: &BlsFigures,
    population_json: &[u8],
    generated_at: DateTime<Utc>,
) -> Result<DataReport, ParseError> {
    let years = parse_population(population_json)?;
    let population = population_summary(&years, STATISTICS_FIRST_YEAR, STATISTICS_LAST_YEAR)?;
    Ok(DataReport {
        generated_at,
        population,
        best_years: bls.best_years(),
        series: series_with_population(&bls.joined, &years, JOINED_SERIES_ID, JOINED_PERIOD),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "series_id        \tyear\tperiod\t       value\tfootnote_codes";

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    fn row(series_id: &str, year: i32, period: &str, value: &str) -> BlsRow {
        BlsRow {
            series_id: series_id.into(),
            year,
            period: period.into(),
            value: decimal(value),
        }
    }

    fn population(year: i32, population: i64) -> PopulationYear {
        PopulationYear { year, population }
    }

    /// Every data row of `text`, fed to the parser at once.
    fn parse_bls(text: &str) -> Result<Vec<BlsRow>, ParseError> {
        parse_bls_in_chunks(text, text.len().max(1))
    }

    fn parse_bls_in_chunks(text: &str, size: usize) -> Result<Vec<BlsRow>, ParseError> {
        let mut rows = Vec::new();
        let mut parser = BlsParser::default();
        for chunk in text.as_bytes().chunks(size) {
            parser.feed(chunk, |row| rows.push(row))?;
        }
        parser.finish(|row| rows.push(row))?;
        Ok(rows)
    }

    fn figures(rows: &[BlsRow]) -> BlsFigures {
        let mut figures = BlsFigures::default();
        for row in rows {
            figures.add(row.clone());
        }
        figures
    }

    fn best_years(rows: &[BlsRow]) -> Vec<BestYear> {
        figures(rows).best_years()
    }

    fn best(series_id: &str, year: i32, value: &str, annual_only: bool) -> BestYear {
        BestYear {
            series_id: series_id.into(),
            year,
            value: decimal(value),
            annual_only,
        }
    }

    #[test]
    fn parse_bls_trims_space_padded_fields() {
        let text = format!("{HEADER}\r\nPRS30006011        \t1995\tQ01\t          2.6\t\r\n");
        assert_eq!(
            parse_bls(&text).unwrap(),
            vec![row("PRS30006011", 1995, "Q01", "2.6")]
        );
    }

    #[test]
    fn parse_bls_reads_crlf_lf_and_a_missing_final_newline_alike() {
        let lines = [HEADER, "A\t2000\tQ01\t1.5\t", "A\t2000\tQ02\t-0.25\t"];
        let crlf = parse_bls(&(lines.join("\r\n") + "\r\n")).unwrap();
        let lf = parse_bls(&(lines.join("\n") + "\n")).unwrap();
        let unterminated = parse_bls(&lines.join("\r\n")).unwrap();
        assert_eq!(crlf.len(), 2);
        assert_eq!(crlf, lf);
        assert_eq!(crlf, unterminated);
    }

    #[test]
    fn parse_bls_gives_the_same_rows_and_lines_whatever_the_chunks() {
        let text = format!(
            "\u{feff}{HEADER}\r\nA\t2000\tQ01\t1.5\t\r\n\r\nB\t2001\tQ05\t 2\t\r\nC\t2002\tQ02\t3"
        );
        let bad = format!("{HEADER}\r\nA\t2000\tQ01\t1.5\t\r\n\r\nA\t2000\tQ02\tn/a\t\r\n");
        for size in 1..=7 {
            assert_eq!(
                parse_bls_in_chunks(&text, size).unwrap(),
                parse_bls(&text).unwrap(),
                "{size} bytes a chunk"
            );
            assert_eq!(parse_bls_in_chunks(&bad, size).unwrap_err().line, 4);
        }
        assert_eq!(parse_bls(&text).unwrap().len(), 3);
    }

    #[test]
    fn only_the_joined_series_rows_are_kept() {
        let rows = [
            row(JOINED_SERIES_ID, 2013, JOINED_PERIOD, "1"),
            row(JOINED_SERIES_ID, 2013, "Q02", "2"),
            row("OTHER", 2013, JOINED_PERIOD, "3"),
        ];
        assert_eq!(figures(&rows).joined, rows[..1]);
    }

    #[test]
    fn parse_bls_skips_blank_lines() {
        let text = format!("{HEADER}\r\n\r\nA\t2000\tQ01\t1\t\r\n  \r\n\r\n");
        assert_eq!(parse_bls(&text).unwrap(), vec![row("A", 2000, "Q01", "1")]);
    }

    #[test]
    fn parse_bls_finds_columns_by_header_name() {
        let text = "footnote_codes\tvalue \tperiod\t year\tseries_id\n\t 7.125\tQ05\t2001\t B \n";
        assert_eq!(
            parse_bls(text).unwrap(),
            vec![row("B", 2001, "Q05", "7.125")]
        );
    }

    #[test]
    fn parse_bls_keeps_values_as_exact_decimals() {
        let text = format!("{HEADER}\nA\t2000\tQ01\t0.1\t\nA\t2000\tQ02\t0.2\t\n");
        let rows = parse_bls(&text).unwrap();
        assert_eq!(rows[0].value + rows[1].value, decimal("0.3"));
    }

    #[test]
    fn parse_bls_reports_the_line_of_a_bad_value_counting_blank_lines() {
        let text = format!("{HEADER}\r\nA\t2000\tQ01\t1.0\t\r\n\r\nA\t2000\tQ02\t  n/a\t\r\n");
        let error = parse_bls(&text).unwrap_err();
        assert_eq!(error.file, BLS_FILE);
        assert_eq!(error.line, 4);
        assert_eq!(
            error.to_string(),
            "pr.data.0.Current line 4: value `n/a` is not a decimal number"
        );
    }

    #[test]
    fn parse_bls_rejects_a_row_without_a_value() {
        let text = format!("{HEADER}\nA\t2000\tQ01\n");
        assert_eq!(parse_bls(&text).unwrap_err().line, 2);
    }

    #[test]
    fn parse_bls_rejects_a_header_without_a_value_column() {
        let error = parse_bls("series_id\tyear\tperiod\nA\t2000\tQ01\n").unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.reason.contains("`value`"), "{error}");
    }

    #[test]
    fn parse_bls_rejects_an_empty_file() {
        assert_eq!(parse_bls("\r\n").unwrap_err().line, 1);
    }

    #[test]
    fn parse_population_uses_id_year_or_else_year_and_sorts_oldest_first() {
        let json = br#"{"data":[
            {"ID Nation":"01000US","ID Year":2014,"Year":"1900","Population":318857056},
            {"ID Nation":"01000US","Year":"2013","Population":316128839}
        ],"source":[]}"#;
        assert_eq!(
            parse_population(json).unwrap(),
            vec![population(2013, 316_128_839), population(2014, 318_857_056)]
        );
    }

    #[test]
    fn parse_population_reports_the_line_of_a_record_without_population() {
        let json =
            b"{\"data\": [\n  {\"ID Year\": 2013, \"Population\": 1},\n  {\"ID Year\": 2014}\n]}";
        let error = parse_population(json).unwrap_err();
        assert_eq!(error.file, POPULATION_FILE);
        assert_eq!(error.line, 3);
        assert!(error.reason.contains("Population"), "{error}");
    }

    #[test]
    fn parse_population_rejects_a_record_without_a_year() {
        let error = parse_population(br#"{"data":[{"Population":1}]}"#).unwrap_err();
        assert!(error.reason.contains("neither"), "{error}");
    }

    #[test]
    fn parse_population_rejects_a_repeated_year() {
        let json = br#"{"data":[{"ID Year":2013,"Population":1},{"Year":"2013","Population":2}]}"#;
        assert_eq!(
            parse_population(json).unwrap_err().to_string(),
            "population.json: year 2013 appears more than once"
        );
    }

    #[test]
    fn population_summary_gives_mean_and_sample_standard_deviation_over_the_range() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squared deviations 32, sqrt(32 / 7) = 2.138...
        let years: Vec<PopulationYear> = [2, 4, 4, 4, 5, 5, 7, 9]
            .into_iter()
            .zip(2010..)
            .map(|(value, year)| population(year, value))
            .chain([population(2009, 1_000), population(2018, 1_000)])
            .collect();
        let summary = population_summary(&years, 2010, 2017).unwrap();
        assert_eq!(summary.mean, decimal("5"));
        assert_eq!(summary.standard_deviation, decimal("2.14"));
        assert_eq!((summary.first_year, summary.last_year), (2010, 2017));
        assert_eq!(summary.years.len(), 10);
        assert_eq!(summary.years[0].year, 2009);
    }

    #[test]
    fn population_summary_matches_pandas_on_census_sized_figures() {
        // DataUSA's later vintage for 2013-2018; pandas gives mean 322069808.0, std 4158441.0409.
        let years: Vec<PopulationYear> = [
            316_128_839,
            318_857_056,
            321_418_821,
            323_127_515,
            325_719_178,
            327_167_439,
        ]
        .into_iter()
        .zip(2013..)
        .map(|(value, year)| population(year, value))
        .collect();
        let summary = population_summary(&years, 2013, 2018).unwrap();
        assert_eq!(summary.mean, decimal("322069808"));
        assert_eq!(summary.standard_deviation, decimal("4158441.04"));
    }

    #[test]
    fn population_summary_rounds_a_midpoint_away_from_zero() {
        // Mean 1/8 = 0.125: banker's rounding would give 0.12.
        let years: Vec<PopulationYear> = (2000..2008)
            .map(|year| population(year, i64::from(year == 2007)))
            .collect();
        assert_eq!(
            population_summary(&years, 2000, 2007).unwrap().mean,
            decimal("0.13")
        );
    }

    #[test]
    fn population_summary_needs_two_years_in_the_range() {
        let years = [population(2012, 1), population(2013, 2)];
        assert_eq!(
            population_summary(&years, 2013, 2018).unwrap_err(),
            SummaryError::TooFewYears {
                first_year: 2013,
                last_year: 2018,
                found: 1
            }
        );
    }

    #[test]
    fn population_summary_reports_values_too_large_for_decimals() {
        let years = [population(2013, i64::MAX), population(2014, -i64::MAX)];
        assert_eq!(
            population_summary(&years, 2013, 2014).unwrap_err(),
            SummaryError::OutOfRange
        );
    }

    #[test]
    fn best_years_sums_quarters_and_leaves_out_the_annual_average() {
        let rows = [
            row("A", 2000, "Q01", "1"),
            row("A", 2000, "Q02", "1"),
            row("A", 2000, "Q05", "100"),
            row("A", 2001, "Q01", "2"),
            row("A", 2001, "Q04", "0.5"),
        ];
        assert_eq!(best_years(&rows), vec![best("A", 2001, "2.5", false)]);
    }

    #[test]
    fn best_years_gives_a_tie_to_the_earlier_year() {
        let rows = [
            row("A", 2002, "Q01", "3"),
            row("A", 2001, "Q01", "1"),
            row("A", 2001, "Q02", "2.0"),
            row("A", 2003, "Q01", "1"),
        ];
        assert_eq!(best_years(&rows), vec![best("A", 2001, "3", false)]);
    }

    #[test]
    fn best_years_falls_back_to_the_annual_average_for_an_annual_only_series() {
        let rows = [
            row("ANNUAL", 2001, "Q05", "4"),
            row("ANNUAL", 2000, "Q05", "4"),
            row("ANNUAL", 2002, "Q05", "-1"),
        ];
        assert_eq!(best_years(&rows), vec![best("ANNUAL", 2000, "4", true)]);
    }

    #[test]
    fn best_years_sorts_by_series_and_ignores_other_periods() {
        let rows = [
            row("C", 2000, "Q01", "1"),
            row("B", 2000, "M01", "9"),
            row("A", 2000, "Q05", "2"),
            row("A", 2001, "M01", "9"),
        ];
        assert_eq!(
            best_years(&rows),
            vec![best("A", 2000, "2", true), best("C", 2000, "1", false)]
        );
    }

    #[test]
    fn series_with_population_keeps_only_years_in_both_inputs_sorted_by_year() {
        let rows = [
            row("S", 2003, "Q01", "3"),
            row("S", 2001, "Q01", "1"),
            row("S", 2001, "Q02", "9"),
            row("T", 2001, "Q01", "9"),
            row("S", 1999, "Q01", "0"),
        ];
        let years = [
            population(2000, 10),
            population(2001, 11),
            population(2003, 13),
        ];
        let joined = series_with_population(&rows, &years, "S", "Q01");
        let years_and_people: Vec<(i32, Decimal, i64)> = joined
            .iter()
            .map(|row| (row.year, row.value, row.population))
            .collect();
        assert_eq!(
            years_and_people,
            vec![(2001, decimal("1"), 11), (2003, decimal("3"), 13)]
        );
        assert!(
            joined
                .iter()
                .all(|row| row.series_id == "S" && row.period == "Q01")
        );
    }

    #[test]
    fn analyse_combines_both_files() {
        let bls = format!(
            "{HEADER}\r\n{JOINED_SERIES_ID}\t2013\tQ01\t1.0\t\r\n{JOINED_SERIES_ID}\t2013\tQ02\t2.0\t\r\n"
        );
        let json =
            br#"{"data":[{"ID Year":2014,"Population":30},{"ID Year":2013,"Population":10}]}"#;
        let generated_at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let report = analyse(&figures(&parse_bls(&bls).unwrap()), json, generated_at).unwrap();
        assert_eq!(report.generated_at, generated_at);
        assert_eq!(report.population.mean, decimal("20"));
        assert_eq!(report.population.standard_deviation, decimal("14.14"));
        assert_eq!(
            report.best_years,
            vec![best(JOINED_SERIES_ID, 2013, "3", false)]
        );
        assert_eq!(report.series.len(), 1);
        assert_eq!(report.series[0].population, 10);
    }

    #[test]
    fn analyse_blames_missing_statistics_years_on_the_population_file() {
        let json = br#"{"data":[{"ID Year":2013,"Population":10}]}"#;
        let error = analyse(&BlsFigures::default(), json, Utc::now()).unwrap_err();
        assert_eq!(error.file, POPULATION_FILE);
        assert!(
            error
                .to_string()
                .starts_with("population.json: statistics need")
        );
    }
}
