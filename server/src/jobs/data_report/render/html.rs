//! The report as one HTML page that needs nothing from elsewhere.

use app::data_reports::{BestYear, DataReport, PopulationSummary, SeriesPopulation};
use app::number::thousands;
use chrono::SecondsFormat;
use rust_decimal::Decimal;

use super::super::analysis::{JOINED_PERIOD, JOINED_SERIES_ID};
use super::chart::population_chart;
use crate::html::escape;

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

pub(super) fn generated_label(report: &DataReport) -> String {
    report
        .generated_at
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string()
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
                number_cell(&thousands(&year.population.to_string()))
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
                number_cell(&thousands(&row.population.to_string()))
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
    thousands(&format!("{value:.2}"))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

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
    fn html_without_population_years_says_so_instead_of_a_chart() {
        let mut report = report();
        report.population.years.clear();
        let page = html(&report);
        assert!(!page.contains("<svg"));
        assert!(page.contains("No population figures to chart."));
    }

    /// The whole page for the shared report: its title in UTC, the statistics with two decimals
    /// and separators, the chart, the annual-only rows and the joined series.
    #[test]
    fn html_matches_its_snapshot() {
        insta::assert_snapshot!("report_html", html(&report()));
    }
}
