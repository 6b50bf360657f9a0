//! The data report as a self-contained HTML page and as a Jupyter notebook.
//!
//! Both are pure functions of the stored report, so every download format shows the same numbers
//! and can be regenerated from the JSON alone.

use app::data_reports::{
    BestYear, DataReport, PopulationSummary, PopulationYear, SeriesPopulation,
};
use chrono::SecondsFormat;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::analysis::{JOINED_PERIOD, JOINED_SERIES_ID};

/// Inline so the page stays one file that opens offline and needs no content-security exceptions.
const STYLE: &str = "\
body{font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1b;max-width:60rem;margin:2rem auto;padding:0 1rem}\
table{border-collapse:collapse;margin:1rem 0}\
caption{text-align:left;font-weight:600;padding-bottom:.25rem}\
th,td{border:1px solid #c8c8c8;padding:.2rem .6rem;text-align:left}\
th{background:#f2f2f2}\
td.num{text-align:right;font-variant-numeric:tabular-nums}\
tr.annual-only td{background:#fff4cc}\
dl{display:grid;grid-template-columns:max-content max-content;gap:.25rem 1rem}\
dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}\
svg{max-width:100%;height:auto}\
.chart .axis{stroke:#333}\
.chart .grid{stroke:#e3e3e3}\
.chart .line{fill:none;stroke:#1f5fbf;stroke-width:2}\
.chart .point{fill:#1f5fbf}\
.chart text{font-size:12px;fill:#333}";

/// The whole report as one HTML5 page: no scripts and nothing loaded from elsewhere.
pub fn html(report: &DataReport) -> String {
    let generated = escape(&generated_label(report));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Data report, generated {generated}</title>\n<style>{STYLE}</style>\n</head>\n\
         <body>\n<main>\n<h1>Data report</h1>\n\
         <p>Generated <time datetime=\"{datetime}\">{generated}</time>.</p>\n\
         {population}\n{best_years}\n{series}\n</main>\n</body>\n</html>\n",
        datetime = escape(
            &report
                .generated_at
                .to_rfc3339_opts(SecondsFormat::Secs, true),
        ),
        population = population_section(&report.population),
        best_years = best_years_section(&report.best_years),
        series = series_section(&report.series),
    )
}

fn generated_label(report: &DataReport) -> String {
    report
        .generated_at
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string()
}

/// Escapes text for element content and quoted attribute values alike.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

fn population_section(summary: &PopulationSummary) -> String {
    let range = format!("{}–{}", summary.first_year, summary.last_year);
    let rows: Vec<String> = summary
        .years
        .iter()
        .map(|year| {
            format!(
                "<tr>{}{}</tr>",
                text_cell(&year.year.to_string()),
                number_cell(&group_thousands(&year.population.to_string()))
            )
        })
        .collect();
    format!(
        "<section>\n<h2>US population</h2>\n<dl>\n\
         <dt>Mean, {range}</dt><dd>{mean}</dd>\n\
         <dt>Sample standard deviation, {range}</dt><dd>{deviation}</dd>\n</dl>\n\
         {chart}\n{table}\n</section>",
        mean = format_statistic(summary.mean),
        deviation = format_statistic(summary.standard_deviation),
        chart = population_chart(&summary.years),
        table = table("Population by year", &["Year", "Population"], &rows),
    )
}

fn best_years_section(best_years: &[BestYear]) -> String {
    let rows: Vec<String> = best_years.iter().map(best_year_row).collect();
    format!(
        "<section>\n<h2>Best year per series</h2>\n\
         <p>The year in which each series' Q01–Q04 values add up to the most; a tie goes to the \
         earlier year. Highlighted series have no quarterly values, so their largest annual \
         average (Q05) is shown instead.</p>\n{}\n</section>",
        table(
            "Best year per series",
            &["Series", "Year", "Value", "Basis"],
            &rows
        )
    )
}

fn best_year_row(best: &BestYear) -> String {
    let (class, basis) = if best.annual_only {
        (" class=\"annual-only\"", "Annual average (Q05) only")
    } else {
        ("", "Sum of Q01–Q04")
    };
    format!(
        "<tr{class}>{}{}{}{}</tr>",
        text_cell(&best.series_id),
        text_cell(&best.year.to_string()),
        number_cell(&best.value.to_string()),
        text_cell(basis)
    )
}

fn series_section(series: &[SeriesPopulation]) -> String {
    let title = format!("{JOINED_SERIES_ID} {JOINED_PERIOD} beside population");
    let rows: Vec<String> = series
        .iter()
        .map(|row| {
            format!(
                "<tr>{}{}{}{}{}</tr>",
                text_cell(&row.series_id),
                text_cell(&row.year.to_string()),
                text_cell(&row.period),
                number_cell(&row.value.to_string()),
                number_cell(&group_thousands(&row.population.to_string()))
            )
        })
        .collect();
    format!(
        "<section>\n<h2>{heading}</h2>\n<p>Only years present in both files.</p>\n{table}\n</section>",
        heading = escape(&title),
        table = table(
            &title,
            &["Series", "Year", "Period", "Value", "Population"],
            &rows
        ),
    )
}

/// A table of already rendered `<tr>` rows, or a sentence when there are none.
fn table(caption: &str, headings: &[&str], rows: &[String]) -> String {
    if rows.is_empty() {
        return format!("<p>{}: no rows.</p>", escape(caption));
    }
    let head: String = headings
        .iter()
        .map(|heading| format!("<th scope=\"col\">{}</th>", escape(heading)))
        .collect();
    format!(
        "<table>\n<caption>{}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{}\n</tbody>\n</table>",
        escape(caption),
        rows.join("\n")
    )
}

fn text_cell(text: &str) -> String {
    format!("<td>{}</td>", escape(text))
}

fn number_cell(text: &str) -> String {
    format!("<td class=\"num\">{}</td>", escape(text))
}

/// Two decimal places even when the stored value is whole, since the statistics are rounded to cents.
fn format_statistic(value: Decimal) -> String {
    group_thousands(&format!("{value:.2}"))
}

/// `-1234567.5` becomes `-1,234,567.5`: populations are hard to read without separators.
fn group_thousands(number: &str) -> String {
    let (sign, unsigned) = match number.strip_prefix('-') {
        Some(unsigned) => ("-", unsigned),
        None => ("", number),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, format!(".{fraction}")),
        None => (unsigned, String::new()),
    };
    let mut grouped = String::from(sign);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped + &fraction
}

const CHART_WIDTH: f64 = 720.0;
const CHART_HEIGHT: f64 = 360.0;
const PLOT_LEFT: f64 = 110.0;
const PLOT_RIGHT: f64 = 700.0;
const PLOT_TOP: f64 = 20.0;
const PLOT_BOTTOM: f64 = 310.0;
/// About this many gridlines; the exact count follows from a round step.
const TARGET_Y_STEPS: f64 = 5.0;
/// Beyond this many years, only every n-th year is labelled so the labels do not overlap.
const MAX_YEAR_LABELS: usize = 12;

/// Maps years and populations to SVG coordinates, with a round step for the gridlines.
struct ChartScale {
    first_year: i32,
    last_year: i32,
    low: f64,
    high: f64,
    step: f64,
}

impl ChartScale {
    /// `None` for no years. The years are oldest first, as the report stores them.
    fn new(years: &[PopulationYear]) -> Option<Self> {
        let first_year = years.first()?.year;
        let last_year = years.last()?.year;
        let (min, max) = years.iter().map(|year| year.population as f64).fold(
            (f64::INFINITY, f64::NEG_INFINITY),
            |(min, max), population| (min.min(population), max.max(population)),
        );
        let step = nice_step((max - min) / TARGET_Y_STEPS);
        let low = (min / step).floor() * step;
        let high = ((max / step).ceil() * step).max(low + step);
        Some(Self {
            first_year,
            last_year,
            low,
            high,
            step,
        })
    }

    fn x(&self, year: i32) -> f64 {
        let width = PLOT_RIGHT - PLOT_LEFT;
        if self.first_year == self.last_year {
            return PLOT_LEFT + width / 2.0;
        }
        let share = f64::from(year - self.first_year) / f64::from(self.last_year - self.first_year);
        PLOT_LEFT + width * share
    }

    fn y(&self, population: f64) -> f64 {
        PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * (population - self.low) / (self.high - self.low)
    }

    fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        let count = ((self.high - self.low) / self.step).round() as usize;
        (0..=count).map(|index| self.low + self.step * index as f64)
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`; never below one person.
fn nice_step(raw: f64) -> f64 {
    if raw <= 1.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let multiple = [1.0, 2.0, 5.0]
        .into_iter()
        .find(|multiple| raw <= multiple * magnitude)
        .unwrap_or(10.0);
    multiple * magnitude
}

/// An inline SVG line chart, so the page needs no charting script.
fn population_chart(years: &[PopulationYear]) -> String {
    let Some(scale) = ChartScale::new(years) else {
        return "<p>No population figures to chart.</p>".into();
    };
    let gridlines: String = scale.ticks().map(|tick| gridline(&scale, tick)).collect();
    let label_every = years.len().div_ceil(MAX_YEAR_LABELS);
    let year_labels: String = years
        .iter()
        .step_by(label_every)
        .map(|year| year_label(&scale, year.year))
        .collect();
    let line: Vec<String> = years
        .iter()
        .map(|year| {
            format!(
                "{:.1},{:.1}",
                scale.x(year.year),
                scale.y(year.population as f64)
            )
        })
        .collect();
    let points: String = years.iter().map(|year| point(&scale, year)).collect();
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {CHART_WIDTH} {CHART_HEIGHT}\" width=\"{CHART_WIDTH}\" \
         height=\"{CHART_HEIGHT}\" role=\"img\" aria-labelledby=\"population-chart-title\">\n\
         <title id=\"population-chart-title\">US population by year, {first} to {last}</title>\n\
         {gridlines}\
         <line class=\"axis\" x1=\"{PLOT_LEFT}\" y1=\"{PLOT_BOTTOM}\" x2=\"{PLOT_RIGHT}\" y2=\"{PLOT_BOTTOM}\"/>\n\
         <line class=\"axis\" x1=\"{PLOT_LEFT}\" y1=\"{PLOT_TOP}\" x2=\"{PLOT_LEFT}\" y2=\"{PLOT_BOTTOM}\"/>\n\
         {year_labels}\
         <polyline class=\"line\" points=\"{line}\"/>\n\
         {points}\
         <text x=\"{title_x:.1}\" y=\"{year_title_y}\" text-anchor=\"middle\">Year</text>\n\
         <text transform=\"rotate(-90)\" x=\"{population_title_x:.1}\" y=\"16\" text-anchor=\"middle\">Population</text>\n\
         </svg>",
        first = scale.first_year,
        last = scale.last_year,
        line = line.join(" "),
        title_x = (PLOT_LEFT + PLOT_RIGHT) / 2.0,
        year_title_y = CHART_HEIGHT - 8.0,
        population_title_x = -(PLOT_TOP + PLOT_BOTTOM) / 2.0,
    )
}

fn gridline(scale: &ChartScale, tick: f64) -> String {
    let y = scale.y(tick);
    format!(
        "<line class=\"grid\" x1=\"{PLOT_LEFT}\" y1=\"{y:.1}\" x2=\"{PLOT_RIGHT}\" y2=\"{y:.1}\"/>\n\
         <text x=\"{label_x}\" y=\"{label_y:.1}\" text-anchor=\"end\">{label}</text>\n",
        label_x = PLOT_LEFT - 8.0,
        label_y = y + 4.0,
        label = group_thousands(&format!("{tick:.0}")),
    )
}

fn year_label(scale: &ChartScale, year: i32) -> String {
    format!(
        "<text x=\"{x:.1}\" y=\"{y}\" text-anchor=\"middle\">{year}</text>\n",
        x = scale.x(year),
        y = PLOT_BOTTOM + 20.0,
    )
}

/// A marker whose tooltip gives the exact figure, which the axis can only approximate.
fn point(scale: &ChartScale, year: &PopulationYear) -> String {
    format!(
        "<circle class=\"point\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\"><title>{label}: {population}</title></circle>\n",
        x = scale.x(year.year),
        y = scale.y(year.population as f64),
        label = year.year,
        population = group_thousands(&year.population.to_string()),
    )
}

/// Rows of the best-years table shown in the notebook; the rest is summarised in one line.
const NOTEBOOK_PREVIEW_ROWS: usize = 20;

/// The report as an nbformat 4.5 notebook whose outputs already hold the report's values, so it
/// reads well unrun; running it recomputes them with pandas from the two files.
pub fn notebook(report: &DataReport, bls_path: &str, population_path: &str) -> Value {
    json!({
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}
        },
        "cells": [
            markdown_cell("introduction", &introduction(report, bls_path, population_path)),
            code_cell("load-files", 1, &load_source(bls_path, population_path), None),
            code_cell(
                "population-statistics",
                2,
                &statistics_source(&report.population),
                Some(json!({"text/plain": source_lines(&statistics_text(&report.population))})),
            ),
            code_cell("best-years", 3, BEST_YEARS_SOURCE, Some(best_years_frame(&report.best_years).data())),
            code_cell("series-population", 4, &series_source(), Some(series_frame(&report.series).data())),
        ]
    })
}

fn markdown_cell(id: &str, source: &str) -> Value {
    json!({"id": id, "cell_type": "markdown", "metadata": {}, "source": source_lines(source)})
}

/// A code cell that looks run: its `execute_result`, if any, shares its execution count.
fn code_cell(id: &str, execution_count: u32, source: &str, result: Option<Value>) -> Value {
    let outputs: Vec<Value> = result
        .into_iter()
        .map(|data| {
            json!({
                "output_type": "execute_result",
                "execution_count": execution_count,
                "data": data,
                "metadata": {}
            })
        })
        .collect();
    json!({
        "id": id,
        "cell_type": "code",
        "metadata": {},
        "execution_count": execution_count,
        "source": source_lines(source),
        "outputs": outputs
    })
}

/// Jupyter's own layout: one string per line, each ending in a newline except the last.
fn source_lines(text: &str) -> Vec<String> {
    text.trim_end_matches('\n')
        .split_inclusive('\n')
        .map(str::to_owned)
        .collect()
}

/// A JSON string literal is also a valid Python one, whatever the path contains.
fn python_string(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// An inline code span whose fence is longer than any run of backticks in the text.
fn markdown_code(text: &str) -> String {
    let longest_run = text
        .split(|character| character != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let padding = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{padding}{text}{padding}{fence}")
}

fn introduction(report: &DataReport, bls_path: &str, population_path: &str) -> String {
    format!(
        "# Data report\n\
         \n\
         Generated {generated} from two mirrored public files:\n\
         \n\
         - BLS productivity and costs time series (`pr.data.0.Current`): {bls}\n\
         - DataUSA US population by year: {population}\n\
         \n\
         The outputs below are the values the server computed when it generated the report, so the \
         notebook reads without being run. Running it recomputes them with pandas from the same files.",
        generated = generated_label(report),
        bls = markdown_code(bls_path),
        population = markdown_code(population_path),
    )
}

fn load_source(bls_path: &str, population_path: &str) -> String {
    format!(
        r#"import json

import pandas as pd

bls_path = {bls}
population_path = {population}

# The BLS file pads its fields with spaces, header included.
bls = pd.read_csv(bls_path, sep="\t", dtype=str)
bls.columns = bls.columns.str.strip()
for column in ["series_id", "year", "period", "value"]:
    bls[column] = bls[column].str.strip()
bls["year"] = bls["year"].astype(int)
bls["value"] = pd.to_numeric(bls["value"])

with open(population_path, encoding="utf-8") as f:
    population = pd.DataFrame(json.load(f)["data"])
population["year"] = (population["ID Year"] if "ID Year" in population else population["Year"]).astype(int)
population = population.sort_values("year").reset_index(drop=True)"#,
        bls = python_string(bls_path),
        population = python_string(population_path),
    )
}

fn statistics_source(summary: &PopulationSummary) -> String {
    format!(
        r#"first_year, last_year = {first}, {last}
in_range = population.loc[population["year"].between(first_year, last_year), "Population"]
# Series.std() divides by n - 1 (the sample standard deviation), as the report does.
pd.Series({{"mean": in_range.mean(), "standard_deviation": in_range.std()}}).round(2)"#,
        first = summary.first_year,
        last = summary.last_year,
    )
}

/// Laid out the way pandas prints a two-value float Series.
fn statistics_text(summary: &PopulationSummary) -> String {
    let mean = format!("{:.2}", summary.mean);
    let deviation = format!("{:.2}", summary.standard_deviation);
    let name_width = "standard_deviation".len();
    let width = mean.len().max(deviation.len()) + 4;
    format!(
        "{:<name_width$}{mean:>width$}\n{:<name_width$}{deviation:>width$}\ndtype: float64",
        "mean", "standard_deviation"
    )
}

const BEST_YEARS_SOURCE: &str = r#"quarters = bls[bls["period"].isin(["Q01", "Q02", "Q03", "Q04"])]
sums = quarters.groupby(["series_id", "year"], as_index=False)["value"].sum()
# BLS values have at most three decimals; rounding removes float noise that could break ties.
sums["value"] = sums["value"].round(3)
# Rows are sorted by year within a series and idxmax takes the first maximum: ties go to the earlier year.
quarterly_best = sums.loc[sums.groupby("series_id")["value"].idxmax()].assign(annual_only=False)
# A series with no Q01-Q04 values at all falls back to its largest annual average (Q05).
annual = bls[(bls["period"] == "Q05") & ~bls["series_id"].isin(quarters["series_id"])]
annual = annual.sort_values(["series_id", "year"], kind="stable")
annual_best = annual.loc[annual.groupby("series_id")["value"].idxmax(), ["series_id", "year", "value"]]
best_years = (
    pd.concat([quarterly_best, annual_best.assign(annual_only=True)])
    .sort_values("series_id")
    .reset_index(drop=True)
)
best_years"#;

fn series_source() -> String {
    format!(
        r#"joined = (
    bls[(bls["series_id"] == {series}) & (bls["period"] == {period})]
    .merge(population[["year", "Population"]], on="year")
    .sort_values("year")
    .reset_index(drop=True)
)
joined[["series_id", "year", "period", "value", "Population"]]"#,
        series = python_string(JOINED_SERIES_ID),
        period = python_string(JOINED_PERIOD),
    )
}

fn best_years_frame(best_years: &[BestYear]) -> Frame {
    let rows = best_years
        .iter()
        .map(|best| {
            vec![
                best.series_id.clone(),
                best.year.to_string(),
                best.value.to_string(),
                python_bool(best.annual_only).into(),
            ]
        })
        .collect();
    Frame::new(
        &["series_id", "year", "value", "annual_only"],
        rows,
        NOTEBOOK_PREVIEW_ROWS,
    )
}

fn python_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

fn series_frame(series: &[SeriesPopulation]) -> Frame {
    let rows = series
        .iter()
        .map(|row| {
            vec![
                row.series_id.clone(),
                row.year.to_string(),
                row.period.clone(),
                row.value.to_string(),
                row.population.to_string(),
            ]
        })
        .collect();
    Frame::new(
        &["series_id", "year", "period", "value", "Population"],
        rows,
        usize::MAX,
    )
}

/// A table printed the way pandas prints a DataFrame, so the outputs look like a real run.
struct Frame {
    columns: &'static [&'static str],
    /// The rows shown, at most the preview length.
    rows: Vec<Vec<String>>,
    total_rows: usize,
}

impl Frame {
    fn new(columns: &'static [&'static str], mut rows: Vec<Vec<String>>, shown: usize) -> Self {
        let total_rows = rows.len();
        rows.truncate(shown);
        Self {
            columns,
            rows,
            total_rows,
        }
    }

    fn data(&self) -> Value {
        json!({"text/plain": source_lines(&self.text()), "text/html": source_lines(&self.html())})
    }

    fn is_truncated(&self) -> bool {
        self.rows.len() < self.total_rows
    }

    fn size_line(&self) -> String {
        format!(
            "{} rows x {} columns, the first {} shown",
            self.total_rows,
            self.columns.len(),
            self.rows.len()
        )
    }

    fn text(&self) -> String {
        if self.total_rows == 0 {
            return format!(
                "Empty DataFrame\nColumns: [{}]\nIndex: []",
                self.columns.join(", ")
            );
        }
        let index_width = self.rows.len().saturating_sub(1).to_string().len();
        let widths = self.column_widths();
        let mut lines = vec![text_line(&" ".repeat(index_width), self.columns, &widths)];
        lines.extend(
            self.rows
                .iter()
                .enumerate()
                .map(|(index, row)| text_line(&format!("{index:<index_width$}"), row, &widths)),
        );
        if self.is_truncated() {
            lines.push(format!("...\n\n[{}]", self.size_line()));
        }
        lines.join("\n")
    }

    fn column_widths(&self) -> Vec<usize> {
        let header: Vec<usize> = self
            .columns
            .iter()
            .map(|name| name.chars().count())
            .collect();
        self.rows.iter().fold(header, |widths, row| {
            widths
                .iter()
                .zip(row)
                .map(|(width, cell)| (*width).max(cell.chars().count()))
                .collect()
        })
    }

    fn html(&self) -> String {
        let head: String = self
            .columns
            .iter()
            .map(|name| format!("      <th>{}</th>\n", escape(name)))
            .collect();
        let body: String = self
            .rows
            .iter()
            .enumerate()
            .map(|(index, row)| html_row(index, row))
            .collect();
        let size = if self.is_truncated() {
            format!("<p>{}</p>\n", escape(&self.size_line()))
        } else {
            String::new()
        };
        format!(
            "<div>\n<table border=\"1\" class=\"dataframe\">\n  <thead>\n    \
             <tr style=\"text-align: right;\">\n      <th></th>\n{head}    </tr>\n  </thead>\n  \
             <tbody>\n{body}  </tbody>\n</table>\n{size}</div>"
        )
    }
}

/// The index left-aligned, then each cell right-aligned two spaces apart, as pandas does.
fn text_line<T: AsRef<str>>(index: &str, cells: &[T], widths: &[usize]) -> String {
    cells
        .iter()
        .zip(widths)
        .fold(index.to_owned(), |line, (cell, width)| {
            format!("{line}  {:>width$}", cell.as_ref())
        })
}

fn html_row(index: usize, row: &[String]) -> String {
    let cells: String = row
        .iter()
        .map(|cell| format!("      <td>{}</td>\n", escape(cell)))
        .collect();
    format!("    <tr>\n      <th>{index}</th>\n{cells}    </tr>\n")
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::DateTime;

    use super::*;

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    fn report() -> DataReport {
        DataReport {
            generated_at: DateTime::parse_from_rfc3339("2024-06-25T08:30:00Z")
                .unwrap()
                .to_utc(),
            population: PopulationSummary {
                years: vec![
                    PopulationYear {
                        year: 2013,
                        population: 316_128_839,
                    },
                    PopulationYear {
                        year: 2014,
                        population: 318_857_056,
                    },
                    PopulationYear {
                        year: 2015,
                        population: 321_418_821,
                    },
                ],
                first_year: 2013,
                last_year: 2015,
                mean: decimal("318801572"),
                standard_deviation: decimal("2645324.95"),
            },
            best_years: vec![
                BestYear {
                    series_id: "PRS30006011".into(),
                    year: 2022,
                    value: decimal("16.4"),
                    annual_only: false,
                },
                BestYear {
                    series_id: "PRS30006081".into(),
                    year: 2021,
                    value: decimal("23.4"),
                    annual_only: true,
                },
            ],
            series: vec![SeriesPopulation {
                series_id: JOINED_SERIES_ID.into(),
                year: 2013,
                period: JOINED_PERIOD.into(),
                value: decimal("0.8"),
                population: 316_128_839,
            }],
        }
    }

    fn many_best_years(count: i32) -> Vec<BestYear> {
        (0..count)
            .map(|index| BestYear {
                series_id: format!("S{index:03}"),
                year: 2000 + index,
                value: Decimal::from(index),
                annual_only: false,
            })
            .collect()
    }

    fn cell<'a>(notebook: &'a Value, id: &str) -> &'a Value {
        notebook["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|cell| cell["id"] == id)
            .unwrap()
    }

    fn joined(lines: &Value) -> String {
        lines
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line.as_str().unwrap())
            .collect()
    }

    #[test]
    fn html_escapes_all_text() {
        let mut report = report();
        report.best_years[0].series_id = "<b>\"Tom\" & 'Jerry'</b>".into();
        let page = html(&report);
        assert!(page.contains("&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"));
        assert!(!page.contains("<b>"));
    }

    #[test]
    fn html_has_no_script_and_loads_nothing_from_elsewhere() {
        let page = html(&report()).to_lowercase();
        assert!(page.starts_with("<!doctype html>"));
        assert!(page.contains("<style>"));
        for forbidden in [
            "<script", "src=", "href=", "http:", "https:", "@import", "url(",
        ] {
            assert!(!page.contains(forbidden), "page contains {forbidden}");
        }
    }

    #[test]
    fn html_title_shows_the_generation_time_in_utc() {
        assert!(
            html(&report())
                .contains("<title>Data report, generated 2024-06-25 08:30:00 UTC</title>")
        );
    }

    #[test]
    fn html_shows_statistics_with_two_decimals_and_thousands_separators() {
        let page = html(&report());
        assert!(page.contains("<dd>318,801,572.00</dd>"));
        assert!(page.contains("<dd>2,645,324.95</dd>"));
        assert!(page.contains("Mean, 2013–2015"));
    }

    #[test]
    fn html_chart_draws_a_point_and_label_per_year() {
        let page = html(&report());
        assert_eq!(page.matches("<circle class=\"point\"").count(), 3);
        assert!(page.contains("<title>2014: 318,857,056</title>"));
        assert!(page.contains(">2015</text>"));
        assert!(page.contains("<polyline class=\"line\""));
    }

    #[test]
    fn html_chart_scale_covers_the_data_with_round_gridlines() {
        let scale = ChartScale::new(&report().population.years).unwrap();
        assert_eq!(scale.step, 2_000_000.0);
        assert_eq!((scale.low, scale.high), (316_000_000.0, 322_000_000.0));
        assert_eq!(scale.y(scale.low), PLOT_BOTTOM);
        assert_eq!(scale.y(scale.high), PLOT_TOP);
        assert_eq!((scale.x(2013), scale.x(2015)), (PLOT_LEFT, PLOT_RIGHT));
    }

    #[test]
    fn html_chart_copes_with_a_single_flat_year() {
        let years = [PopulationYear {
            year: 2020,
            population: 5,
        }];
        let scale = ChartScale::new(&years).unwrap();
        assert!(scale.high > scale.low);
        assert_eq!(scale.x(2020), (PLOT_LEFT + PLOT_RIGHT) / 2.0);
        assert!(population_chart(&years).contains("<circle"));
    }

    #[test]
    fn html_without_population_years_says_so_instead_of_a_chart() {
        let mut report = report();
        report.population.years.clear();
        let page = html(&report);
        assert!(!page.contains("<svg"));
        assert!(page.contains("No population figures to chart."));
    }

    #[test]
    fn html_marks_annual_only_rows() {
        let page = html(&report());
        assert!(page.contains(
            "<tr class=\"annual-only\"><td>PRS30006081</td><td>2021</td><td class=\"num\">23.4</td>\
             <td>Annual average (Q05) only</td></tr>"
        ));
        assert_eq!(page.matches("class=\"annual-only\"").count(), 1);
    }

    #[test]
    fn html_shows_the_joined_series() {
        let page = html(&report());
        assert!(page.contains("<h2>PRS30006032 Q01 beside population</h2>"));
        assert!(page.contains("<td class=\"num\">0.8</td><td class=\"num\">316,128,839</td>"));
    }

    #[test]
    fn group_thousands_handles_signs_and_fractions() {
        assert_eq!(group_thousands("-1234567.50"), "-1,234,567.50");
        assert_eq!(group_thousands("123"), "123");
        assert_eq!(group_thousands("1000"), "1,000");
    }

    #[test]
    fn notebook_has_the_nbformat_4_structure() {
        let notebook: Value = serde_json::from_str(
            &notebook(&report(), "/data/bls.tsv", "/data/pop.json").to_string(),
        )
        .unwrap();
        assert_eq!(notebook["nbformat"], 4);
        assert_eq!(notebook["nbformat_minor"], 5);
        assert_eq!(notebook["metadata"]["kernelspec"]["name"], "python3");
        assert_eq!(notebook["metadata"]["language_info"]["name"], "python");
        let cells = notebook["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 5);
        let mut ids = HashSet::new();
        for cell in cells {
            let id = cell["id"].as_str().unwrap();
            assert!((1..=64).contains(&id.len()));
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            );
            assert!(ids.insert(id), "duplicate id {id}");
            assert!(cell["metadata"].is_object());
            let source = cell["source"].as_array().unwrap();
            let (last, rest) = source.split_last().unwrap();
            assert!(
                rest.iter()
                    .all(|line| line.as_str().unwrap().ends_with('\n'))
            );
            assert!(!last.as_str().unwrap().ends_with('\n'));
            match cell["cell_type"].as_str().unwrap() {
                "markdown" => assert!(cell.get("outputs").is_none()),
                "code" => {
                    let count = &cell["execution_count"];
                    assert!(count.is_u64());
                    for output in cell["outputs"].as_array().unwrap() {
                        assert_eq!(output["output_type"], "execute_result");
                        assert_eq!(&output["execution_count"], count);
                        assert!(output["metadata"].is_object());
                        assert!(output["data"]["text/plain"].is_array());
                    }
                }
                other => panic!("unexpected cell type {other}"),
            }
        }
    }

    #[test]
    fn notebook_introduction_names_the_time_and_files() {
        let notebook = notebook(&report(), "/data/bls.tsv", "/data/pop.json");
        let intro = joined(&cell(&notebook, "introduction")["source"]);
        assert!(intro.contains("2024-06-25 08:30:00 UTC"));
        assert!(intro.contains("`/data/bls.tsv`"));
        assert!(intro.contains("`/data/pop.json`"));
    }

    #[test]
    fn notebook_quotes_paths_as_python_strings() {
        let notebook = notebook(&report(), "/data/it's \"here\"\\bls.tsv", "p`o`p.json");
        let load = joined(&cell(&notebook, "load-files")["source"]);
        assert!(load.contains(r#"bls_path = "/data/it's \"here\"\\bls.tsv""#));
        assert!(load.contains("pd.read_csv(bls_path, sep=\"\\t\", dtype=str)"));
        let intro = joined(&cell(&notebook, "introduction")["source"]);
        assert!(intro.contains("``p`o`p.json``"));
    }

    #[test]
    fn notebook_statistics_output_carries_the_report_values() {
        let notebook = notebook(&report(), "b", "p");
        let statistics = cell(&notebook, "population-statistics");
        assert!(joined(&statistics["source"]).contains("first_year, last_year = 2013, 2015"));
        let text = joined(&statistics["outputs"][0]["data"]["text/plain"]);
        assert_eq!(
            text,
            "mean                  318801572.00\nstandard_deviation      2645324.95\ndtype: float64"
        );
    }

    #[test]
    fn notebook_best_years_output_shows_twenty_rows_and_the_total() {
        let mut report = report();
        report.best_years = many_best_years(25);
        let notebook = notebook(&report, "b", "p");
        let data = &cell(&notebook, "best-years")["outputs"][0]["data"];
        let text = joined(&data["text/plain"]);
        let html = joined(&data["text/html"]);
        assert!(text.contains("S019") && !text.contains("S020"));
        assert!(text.ends_with("[25 rows x 4 columns, the first 20 shown]"));
        assert_eq!(html.matches("<tr>").count(), 20);
        assert!(html.contains("<p>25 rows x 4 columns, the first 20 shown</p>"));
    }

    #[test]
    fn notebook_best_years_output_lays_out_like_pandas() {
        let notebook = notebook(&report(), "b", "p");
        let data = &cell(&notebook, "best-years")["outputs"][0]["data"];
        assert_eq!(
            joined(&data["text/plain"]),
            "     series_id  year  value  annual_only\n\
             0  PRS30006011  2022   16.4        False\n\
             1  PRS30006081  2021   23.4         True"
        );
        let html = joined(&data["text/html"]);
        assert!(html.contains(
            "<td>PRS30006081</td>\n      <td>2021</td>\n      <td>23.4</td>\n      <td>True</td>"
        ));
        assert!(!html.contains("rows x"));
    }

    #[test]
    fn notebook_series_output_holds_the_whole_join() {
        let notebook = notebook(&report(), "b", "p");
        let series = cell(&notebook, "series-population");
        assert!(joined(&series["source"]).contains(r#"bls["series_id"] == "PRS30006032""#));
        let text = joined(&series["outputs"][0]["data"]["text/plain"]);
        assert!(text.ends_with("0  PRS30006032  2013     Q01    0.8   316128839"));
    }

    #[test]
    fn notebook_shows_an_empty_join_as_pandas_would() {
        let mut report = report();
        report.series.clear();
        let notebook = notebook(&report, "b", "p");
        let text =
            joined(&cell(&notebook, "series-population")["outputs"][0]["data"]["text/plain"]);
        assert_eq!(
            text,
            "Empty DataFrame\nColumns: [series_id, year, period, value, Population]\nIndex: []"
        );
    }
}
