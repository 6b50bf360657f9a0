//! US COVID-19 figures: the latest day, a date range, and the figures over time.

use crate::{day, number};
use app::covid::{DailyFigures, DailyQuery};
use app::routes;
use leptos::either::Either;
use leptos::prelude::*;

use crate::api;
use crate::components::line_chart::{LineChart, Series};
use crate::components::loaded::{Loaded, resource};
use crate::components::page_intro::PageIntro;

#[component]
pub fn Covid() -> impl IntoView {
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let entered = Memo::new(move |_| DailyQuery {
        from: from.get().parse().ok(),
        to: to.get().parse().ok(),
    });
    let range_error = Memo::new(move |_| {
        entered
            .get()
            .validate()
            .err()
            .and_then(|mut errors| errors.remove("to"))
    });
    // While the range is invalid the page keeps showing the last valid one, under the error.
    let applied = Memo::new(move |previous: Option<&DailyQuery>| {
        let query = entered.get();
        if query.validate().is_ok() {
            query
        } else {
            previous.cloned().unwrap_or_default()
        }
    });
    let figures = resource(move || {
        let query = applied.get();
        async move { api::data::covid_daily(&query).await }
    });
    let ranged = move || applied.with(|query| query.from.is_some() || query.to.is_some());

    view! {
        <PageIntro path=routes::COVID />
        <div class="filters">
            <div class="field">
                <label for="covid-from">"From"</label>
                <input id="covid-from" type="date" prop:value=move || from.get()
                    on:input=move |event| from.set(event_target_value(&event)) />
            </div>
            <div class="field" class:has-error=move || range_error.get().is_some()>
                <label for="covid-to">"To"</label>
                <input id="covid-to" type="date" prop:value=move || to.get()
                    on:input=move |event| to.set(event_target_value(&event))
                    aria-invalid=move || range_error.get().is_some().to_string()
                    aria-describedby="covid-to-error" />
            </div>
            <Show when=ranged>
                <button type="button" class="secondary" on:click=move |_| { from.set(String::new()); to.set(String::new()); }>
                    "All dates"
                </button>
            </Show>
        </div>
        <p class="field-error" id="covid-to-error" role="alert">
            {move || range_error.get().map(|message| format!("To {message}."))}
        </p>
        <Loaded resource=figures loading="Loading figures…"
            empty=move || if ranged() {
                Either::Left("No figures in this date range.")
            } else {
                Either::Right(view! { "No figures loaded yet: an admin can run the covid-etl job on the "<a href="/jobs">"Jobs page"</a>"." })
            }
            let:days>
            <Figures days />
        </Loaded>
    }
}

/// The last day's figures and the charts of all days.
#[component]
fn Figures(days: Vec<DailyFigures>) -> impl IntoView {
    let (Some(first), Some(latest)) = (days.first(), days.last().cloned()) else {
        return None;
    };
    // No "to" in the charts' names: a search by the label "To" would find them too.
    let span = format!("{} – {}", day(first.date), day(latest.date));
    let labels: Vec<String> = days.iter().map(|figures| day(figures.date)).collect();
    let values = |value: fn(&DailyFigures) -> Option<i64>| {
        days.iter()
            .map(|day| value(day).map(|value| value as f64))
            .collect::<Vec<_>>()
    };
    let all = vec![
        Series {
            name: "Cases",
            class: "series-cases",
            values: values(|day| Some(day.cases)),
        },
        Series {
            name: "Deaths",
            class: "series-deaths",
            values: values(|day| Some(day.deaths)),
        },
        Series {
            name: "Recovered",
            class: "series-recovered",
            values: values(|day| day.recovered),
        },
    ];
    // Deaths are about a hundredth of cases, a flat line on the shared scale: they get their own.
    let deaths = vec![Series {
        name: "Deaths",
        class: "series-deaths",
        values: values(|day| Some(day.deaths)),
    }];
    Some(view! {
        <section class="card" aria-labelledby="covid-latest-heading">
            <h2 id="covid-latest-heading">"Latest figures"</h2>
            <dl class="figures">
                <div><dt>"Date"</dt><dd>{day(latest.date)}</dd></div>
                <div><dt>"Cases"</dt><dd>{number(latest.cases)}</dd></div>
                <div><dt>"Deaths"</dt><dd>{number(latest.deaths)}</dd></div>
                <div><dt>"Recovered"</dt><dd>{latest.recovered.map_or_else(|| "—".to_owned(), number)}</dd></div>
            </dl>
        </section>
        <section class="card" aria-labelledby="covid-chart-heading">
            <h2 id="covid-chart-heading">"Over time"</h2>
            <LineChart title=format!("US cases, deaths and recoveries, {span}") x_title="Date" y_title="People"
                labels=labels.clone() series=all />
            <h3>"Deaths"</h3>
            <LineChart title=format!("US deaths, {span}") x_title="Date" y_title="People" labels series=deaths />
        </section>
    })
}
