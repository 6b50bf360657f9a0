//! The analysis of the mirrored BLS and population data, one stored version at a time.

use crate::number;
use app::data_reports::{BestYear, DataReport, ReportFormat, ReportVersion, SeriesPopulation};
use app::routes;
use leptos::prelude::*;

use crate::api;
use crate::components::line_chart::{LineChart, Series};
use crate::components::loaded::{Loaded, resource};
use crate::components::page_intro::PageIntro;
use crate::components::pager::Pager;
use crate::local_time;

const PER_PAGE: usize = 20;

#[component]
pub fn DataReports() -> impl IntoView {
    let versions = resource(api::data::report_versions);
    view! {
        <PageIntro path=routes::DATA_REPORTS />
        <Loaded resource=versions loading="Loading reports…"
            empty=|| "No report yet: it is generated after the bls-sync or population-sync jobs run." let:versions>
            <ReportViewer versions />
        </Loaded>
    }
}

/// The choice of version, its downloads, and the chosen report; it opens on the newest, the first.
#[component]
fn ReportViewer(versions: Vec<ReportVersion>) -> impl IntoView {
    let selected = RwSignal::new(versions.first().map_or(0, |newest| newest.id));
    let report = resource(move || {
        let id = selected.get();
        async move { api::data::report(id).await }
    });
    let options = versions
        .iter()
        .map(|version| view! { <option value=version.id>{local_time(version.created_at)}</option> })
        .collect_view();
    let versions = StoredValue::new(versions);
    let downloads = move || {
        let id = selected.get();
        versions.with_value(|versions| {
            versions
                .iter()
                .find(|version| version.id == id)
                .map(|version| {
                    version
                        .formats
                        .iter()
                        .filter_map(|format| ReportFormat::try_from(format.clone()).ok())
                        .map(|format| view! {
                            <a class="button secondary small" href=api::data::report_download_url(id, format) download>
                                {download_label(format)}
                            </a>
                        })
                        .collect_view()
                })
        })
    };
    view! {
        <div class="filters">
            <div class="field version-field">
                <label for="report-version">"Version"</label>
                <select id="report-version" on:change=move |event| {
                    if let Ok(id) = event_target_value(&event).parse() {
                        selected.set(id);
                    }
                }>
                    {options}
                </select>
            </div>
            <div class="actions">{downloads}</div>
        </div>
        <Loaded resource=report loading="Loading the report…" let:report>
            <ReportView report />
        </Loaded>
    }
}

fn download_label(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::Html => "Download HTML",
        ReportFormat::Ipynb => "Download notebook (.ipynb)",
        ReportFormat::Json => "Download JSON",
    }
}

#[component]
fn ReportView(report: DataReport) -> impl IntoView {
    let population = report.population;
    let chart = (!population.years.is_empty()).then(|| {
        let labels = population
            .years
            .iter()
            .map(|year| year.year.to_string())
            .collect();
        let values = population
            .years
            .iter()
            .map(|year| Some(year.population as f64))
            .collect();
        view! {
            <LineChart title="US population by year" x_title="Year" y_title="People" labels
                series=vec![Series { name: "Population", class: "series-population", values }] />
        }
    });
    view! {
        <p class="muted">"Generated "{local_time(report.generated_at)}</p>
        <section class="card" aria-labelledby="population-heading">
            <h2 id="population-heading">"US population"</h2>
            <dl class="figures">
                <div><dt>"Years"</dt><dd>{format!("{}–{}", population.first_year, population.last_year)}</dd></div>
                <div><dt>"Mean"</dt><dd>{number(population.mean)}</dd></div>
                <div><dt>"Standard deviation (sample)"</dt><dd>{number(population.standard_deviation)}</dd></div>
            </dl>
            {chart}
        </section>
        <BestYears rows=report.best_years />
        <SeriesWithPopulation rows=report.series />
    }
}

/// The long best-year table, searchable by series and a page at a time.
#[component]
fn BestYears(rows: Vec<BestYear>) -> impl IntoView {
    let rows = StoredValue::new(rows);
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1_u64);
    let matching = Memo::new(move |_| {
        let needle = search.with(|search| search.trim().to_ascii_uppercase());
        rows.with_value(|rows| {
            rows.iter()
                .filter(|row| row.series_id.to_ascii_uppercase().contains(&needle))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let total = Memo::new(move |_| matching.with(Vec::len) as u64);
    let shown = move || {
        let start = (page.get() as usize - 1) * PER_PAGE;
        matching.with(|rows| {
            rows.iter()
                .skip(start)
                .take(PER_PAGE)
                .map(|row| view! {
                    <tr>
                        <td><strong>{row.series_id.clone()}</strong></td>
                        <td data-label="Year">{row.year}</td>
                        <td class="num" data-label="Value">{row.value.to_string()}</td>
                        <td>{row.annual_only.then_some(view! { <span class="badge">"annual only"</span> })}</td>
                    </tr>
                })
                .collect_view()
        })
    };
    view! {
        <section class="card" aria-labelledby="best-years-heading">
            <h2 id="best-years-heading">"Best year of each series"</h2>
            <p class="muted small">"The year whose quarterly values add up to the most; the annual value where a series has no quarters."</p>
            <div class="filters">
                <div class="field">
                    <label for="series-search">"Search series"</label>
                    <input id="series-search" type="search" prop:value=move || search.get()
                        on:input=move |event| { search.set(event_target_value(&event)); page.set(1); } />
                </div>
            </div>
            <Show when=move || { total.get() > 0 } fallback=|| view! { <p class="muted">"No series match."</p> }>
                <div class="table-wrap" tabindex="0" role="group" aria-label="Best year of each series">
                    <table class="stack" aria-label="Best year of each series">
                        <thead><tr><th>"Series"</th><th>"Year"</th><th class="num">"Value"</th><th>"Note"</th></tr></thead>
                        <tbody>{shown}</tbody>
                    </table>
                </div>
                // Made again only when the count changes, so the pager's buttons keep focus.
                {move || view! { <Pager page total=total.get() per_page=PER_PAGE as u64 /> }}
            </Show>
        </section>
    }
}

#[component]
fn SeriesWithPopulation(rows: Vec<SeriesPopulation>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="series-heading">
            <h2 id="series-heading">"PRS30006032, Q01, beside the population"</h2>
            {if rows.is_empty() {
                view! { <p class="muted">"No Q01 values in years with a population figure."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="group" aria-label="PRS30006032 Q01 with population">
                        <table class="stack" aria-label="PRS30006032 Q01 with population">
                            <thead><tr><th>"Series"</th><th>"Year"</th><th>"Period"</th><th class="num">"Value"</th><th class="num">"Population"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|row| view! {
                                    <tr>
                                        <td><strong>{row.series_id}</strong></td>
                                        <td data-label="Year">{row.year}</td>
                                        <td data-label="Period">{row.period}</td>
                                        <td class="num" data-label="Value">{row.value.to_string()}</td>
                                        <td class="num" data-label="Population">{number(row.population)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
