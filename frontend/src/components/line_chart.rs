//! A line chart drawn as inline SVG: a few series over one run of labelled points.

use leptos::prelude::*;

use app::number::Axis;

use crate::number;

// The drawing's own units; the SVG scales to the width of its container.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;
/// Up to this many points each gets a dot with its value as a tooltip; more would be clutter.
const MAX_DOTS: usize = 40;

/// One line: its name in the legend, the CSS class that colours it, and its value at each label
/// (`None` where the source has none; the line skips it).
pub struct Series {
    pub name: &'static str,
    pub class: &'static str,
    pub values: Vec<Option<f64>>,
}

#[component]
pub fn LineChart(
    #[prop(into)] title: String,
    labels: Vec<String>,
    series: Vec<Series>,
) -> impl IntoView {
    let values = || {
        series
            .iter()
            .flat_map(|line| line.values.iter().flatten().copied())
    };
    let scale = Axis::fit(
        values().fold(f64::INFINITY, f64::min),
        values().fold(f64::NEG_INFINITY, f64::max),
    );
    let count = labels.len();
    let x = move |index: usize| {
        if count < 2 {
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0
        } else {
            LEFT + (WIDTH - LEFT - RIGHT) * index as f64 / (count - 1) as f64
        }
    };
    let y = move |value: f64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - scale.share(value));
    let baseline = HEIGHT - BOTTOM;

    let y_ticks = scale
        .ticks()
        .map(|tick| {
            view! {
                <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=y(tick) y2=y(tick) />
                <text x=LEFT - 6.0 y=y(tick) + 4.0 text-anchor="end">{compact(tick)}</text>
            }
        })
        .collect_view();
    let x_ticks = x_tick_indices(&labels)
        .into_iter()
        .map(|index| {
            let anchor = if count > 1 && index == 0 {
                "start"
            } else if count > 1 && index == count - 1 {
                "end"
            } else {
                "middle"
            };
            view! {
                <line class="axis" x1=x(index) x2=x(index) y1=baseline y2=baseline + 4.0 />
                <text x=x(index) y=baseline + 17.0 text-anchor=anchor>{labels[index].clone()}</text>
            }
        })
        .collect_view();
    let lines = series
        .iter()
        .map(|line| {
            let points = line
                .values
                .iter()
                .enumerate()
                .filter_map(|(index, value)| value.map(|value| format!("{:.1},{:.1}", x(index), y(value))))
                .collect::<Vec<_>>()
                .join(" ");
            let dots = (count <= MAX_DOTS).then(|| {
                line.values
                    .iter()
                    .enumerate()
                    .filter_map(|(index, value)| {
                        value.map(|value| {
                            let tip = format!("{} {}: {}", line.name, labels[index], number(value));
                            view! { <circle cx=x(index) cy=y(value) r="3">{svg_title(tip)}</circle> }
                        })
                    })
                    .collect_view()
            });
            view! {
                <g class=format!("series {}", line.class)>
                    <polyline points=points />
                    {dots}
                </g>
            }
        })
        .collect_view();
    let legend = series
        .iter()
        .map(|line| view! { <li><span class=format!("swatch {}", line.class) aria-hidden="true"></span>{line.name}</li> })
        .collect_view();

    let label = title.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label>
                {svg_title(title)}
                {y_ticks}
                <line class="axis" x1=LEFT x2=LEFT y1=TOP y2=baseline />
                <line class="axis" x1=LEFT x2=WIDTH - RIGHT y1=baseline y2=baseline />
                {x_ticks}
                {lines}
            </svg>
            <figcaption>
                <ul class="legend">{legend}</ul>
            </figcaption>
        </figure>
    }
}

/// An SVG `<title>`: `view!` makes an HTML one there, which browsers ignore.
fn svg_title(text: String) -> impl IntoView {
    leptos::svg::title().child(text)
}

/// Which labels to print under the axis: as many as fit side by side, spread evenly, first and
/// last included.
fn x_tick_indices(labels: &[String]) -> Vec<usize> {
    let longest = labels.iter().map(String::len).max().unwrap_or(0);
    // About 7 units a character at the axis' font size, and a gap between labels.
    let fit = (((WIDTH - LEFT - RIGHT) / (longest as f64 * 7.0 + 16.0)) as usize).max(2);
    let count = labels.len();
    if count <= fit {
        (0..count).collect()
    } else {
        (0..fit)
            .map(|tick| tick * (count - 1) / (fit - 1))
            .collect()
    }
}

/// A number short enough for an axis: `20M`, `2.5K`, `300`.
fn compact(value: f64) -> String {
    let (scaled, suffix) = [(1e9, "B"), (1e6, "M"), (1e3, "K")]
        .into_iter()
        .find(|(unit, _)| value.abs() >= *unit)
        .map_or((value, ""), |(unit, suffix)| (value / unit, suffix));
    let text = format!("{scaled:.2}");
    format!(
        "{}{suffix}",
        text.trim_end_matches('0').trim_end_matches('.')
    )
}
