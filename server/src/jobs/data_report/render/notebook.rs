//! The report as a Jupyter notebook that recomputes it from the mirrored files with pandas.

use app::data_reports::{BestYear, DataReport, PopulationSummary, SeriesPopulation};
use serde_json::{Value, json};

use super::super::analysis::{JOINED_PERIOD, JOINED_SERIES_ID};
use super::html::generated_label;
use crate::html::escape;

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

    use super::super::fixtures::*;
    use super::*;

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
    fn notebook_quotes_paths_as_python_strings() {
        let notebook = notebook(&report(), "/data/it's \"here\"\\bls.tsv", "p`o`p.json");
        let load = joined(&cell(&notebook, "load-files")["source"]);
        assert!(load.contains(r#"bls_path = "/data/it's \"here\"\\bls.tsv""#));
        assert!(load.contains("pd.read_csv(bls_path, sep=\"\\t\", dtype=str)"));
        let intro = joined(&cell(&notebook, "introduction")["source"]);
        assert!(intro.contains("``p`o`p.json``"));
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

    /// The whole notebook for the shared report: the introduction naming the time and files, and
    /// each output laid out as pandas prints it.
    #[test]
    fn notebook_matches_its_snapshot() {
        insta::assert_json_snapshot!(
            "report_notebook",
            notebook(&report(), "/data/bls.tsv", "/data/pop.json")
        );
    }
}
