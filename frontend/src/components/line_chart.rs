//! A line chart drawn as inline SVG: a few series over one run of labelled points. Every value
//! can be reached without seeing the drawing: a slider (keyboard, touch, screen readers) moves a
//! cursor along the points and reads out their values, and "Show data" opens them as a table.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use app::number::Axis;

use crate::number;

// The drawing's own units. It is drawn as wide as its container, between these, so that its
// text keeps its size on a phone; past the widest it scales up.
const WIDTH: f64 = 640.0;
const NARROWEST: f64 = 300.0;
const HEIGHT: f64 = 290.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 42.0;
/// Up to this many points each gets a dot; more would be clutter.
const MAX_DOTS: usize = 40;
/// Each line's dash pattern, in series order, so lines differ by more than their colour.
const DASHES: [&str; 4] = ["none", "8 4", "2 3", "12 3 3 3"];

/// One line: its name in the legend, the CSS class that colours it, and its value at each label
/// (`None` where the source has none; the line skips it).
pub struct Series {
    pub name: &'static str,
    pub class: &'static str,
    pub values: Vec<Option<f64>>,
}

/// The points a chart shows, shared by the drawing, the cursor and the data table.
struct Points {
    labels: Vec<String>,
    series: Vec<Series>,
}

impl Points {
    /// What the cursor at `index` reads out: `Apr 6, 2020: Cases 367,000; Deaths 10,900`.
    fn reading(&self, index: usize) -> String {
        let values = self
            .series
            .iter()
            .map(|line| format!("{} {}", line.name, value_text(line.values.get(index))))
            .collect::<Vec<_>>()
            .join("; ");
        let label = self.labels.get(index).map_or("", String::as_str);
        format!("{label}: {values}")
    }
}

fn value_text(value: Option<&Option<f64>>) -> String {
    value
        .copied()
        .flatten()
        .map_or_else(|| "—".to_owned(), number)
}

/// A `ResizeObserver` that calls back while this lives.
struct SizeObserver {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn FnMut()>,
}

impl SizeObserver {
    fn new(element: &web_sys::Element, changed: impl FnMut() + 'static) -> Option<Self> {
        let callback = Closure::<dyn FnMut()>::new(changed);
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        observer.observe(element);
        Some(Self {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for SizeObserver {
    fn drop(&mut self) {
        // Before the callback goes: a call to a dropped closure would throw.
        self.observer.disconnect();
    }
}

/// Where a drawing `width` units wide puts point `index` of `count` across, and a value up the
/// value axis.
#[derive(Clone, Copy)]
struct Plot {
    count: usize,
    scale: Axis,
    width: f64,
}

impl Plot {
    fn x(self, index: usize) -> f64 {
        if self.count < 2 {
            LEFT + (self.width - LEFT - RIGHT) / 2.0
        } else {
            LEFT + (self.width - LEFT - RIGHT) * index as f64 / (self.count - 1) as f64
        }
    }

    fn y(self, value: f64) -> f64 {
        TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - self.scale.share(value))
    }

    /// The point nearest to `share` of the way across the drawing (0 at its left edge, 1 at its
    /// right).
    fn nearest(self, share: f64) -> usize {
        let last = self.count.saturating_sub(1);
        let across = (share * self.width - LEFT) / (self.width - LEFT - RIGHT);
        // In range and rounded, so the cast neither wraps nor truncates.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let index = (across.clamp(0.0, 1.0) * last as f64).round() as usize;
        index.min(last)
    }
}

#[component]
pub fn LineChart(
    #[prop(into)] title: String,
    /// What the labels along the bottom are, e.g. "Date".
    x_title: &'static str,
    /// What the values up the side measure, e.g. "People".
    y_title: &'static str,
    labels: Vec<String>,
    series: Vec<Series>,
) -> impl IntoView {
    let values = || {
        series
            .iter()
            .flat_map(|line| line.values.iter().flatten().copied())
    };
    let wide = Plot {
        count: labels.len(),
        scale: Axis::fit(
            values().fold(f64::INFINITY, f64::min),
            values().fold(f64::NEG_INFINITY, f64::max),
        ),
        width: WIDTH,
    };
    let points = Arc::new(Points { labels, series });
    let last = wide.count.saturating_sub(1);
    // The newest point first: it is what people look for.
    let cursor = RwSignal::new(last);
    let shown = RwSignal::new(false);

    let figure = NodeRef::<leptos::html::Figure>::new();
    let width = RwSignal::new(WIDTH);
    let measure = move || {
        if let Some(figure) = figure.get_untracked() {
            width.set(f64::from(figure.client_width()).clamp(NARROWEST, WIDTH));
        }
    };
    // Measured whenever the figure's size changes, the first time once it is laid out.
    let observer = StoredValue::new_local(None::<SizeObserver>);
    Effect::new(move |_| {
        if let Some(element) = figure.get() {
            observer.set_value(SizeObserver::new(&element, measure));
        }
    });
    let plot = move || Plot {
        width: width.get(),
        ..wide
    };

    let drawing = {
        let points = Arc::clone(&points);
        move || drawing(&points, plot(), y_title, x_title)
    };
    let marker = {
        let points = Arc::clone(&points);
        move || {
            let plot = plot();
            let index = cursor.get();
            let dots = points
                .series
                .iter()
                .filter_map(|line| {
                    let value = line.values.get(index).copied().flatten()?;
                    Some(view! {
                        <circle class=format!("series {}", line.class) cx=plot.x(index) cy=plot.y(value) r="4.5" />
                    })
                })
                .collect_view();
            view! {
                <line class="cursor" x1=plot.x(index) x2=plot.x(index) y1=TOP y2=HEIGHT - BOTTOM />
                {dots}
            }
        }
    };
    let follow_pointer = move |event: leptos::ev::PointerEvent| {
        let Some(svg) = event
            .current_target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let bounds = svg.get_bounding_client_rect();
        if bounds.width() > 0.0 {
            let share = (f64::from(event.client_x()) - bounds.left()) / bounds.width();
            cursor.set(plot().nearest(share));
        }
    };
    let reading = {
        let points = Arc::clone(&points);
        Signal::derive(move || points.reading(cursor.get()))
    };
    let legend = points
        .series
        .iter()
        .enumerate()
        .map(|(index, line)| {
            view! {
                <li>
                    <svg class=format!("swatch {}", line.class) viewBox="0 0 24 6" aria-hidden="true">
                        <line x1="0" x2="24" y1="3" y2="3" stroke-dasharray=dash(index) />
                    </svg>
                    {line.name}
                </li>
            }
        })
        .collect_view();
    let table = {
        let points = Arc::clone(&points);
        let name = format!("{title}: data");
        move || {
            shown
                .get()
                .then(|| data_table(&points, x_title, name.clone()))
        }
    };

    view! {
        <figure class="chart" node_ref=figure>
            <svg viewBox=move || format!("0 0 {} {HEIGHT}", width.get()) role="img" aria-label=title.clone()
                on:pointerdown=follow_pointer on:pointermove=follow_pointer>
                {svg_title(title.clone())}
                {drawing}
                <g class="marker">{marker}</g>
            </svg>
            <figcaption>
                <ul class="legend">{legend}</ul>
            </figcaption>
            <div class="chart-tools">
                <label class="chart-cursor">
                    <span>{x_title}</span>
                    <input type="range" min="0" max=last step="1"
                        aria-label=format!("{x_title}, {title}")
                        aria-valuetext=reading
                        prop:value=move || cursor.get().to_string()
                        on:input=move |event| {
                            if let Ok(index) = event_target_value(&event).parse::<usize>() {
                                cursor.set(index.min(last));
                            }
                        } />
                </label>
                <p class="chart-reading">{reading}</p>
                <button type="button" class="secondary" aria-expanded=move || shown.get().to_string()
                    on:click=move |_| shown.update(|shown| *shown = !*shown)>
                    {move || if shown.get() { "Hide data" } else { "Show data" }}
                </button>
            </div>
            {table}
        </figure>
    }
}

/// The axes, their titles and the lines: everything that does not move with the cursor.
fn drawing(points: &Points, plot: Plot, y_title: &str, x_title: &str) -> impl IntoView + use<> {
    let baseline = HEIGHT - BOTTOM;
    let labels = &points.labels;
    let y_ticks = plot
        .scale
        .ticks()
        .map(|tick| {
            view! {
                <line class="grid" x1=LEFT x2=plot.width - RIGHT y1=plot.y(tick) y2=plot.y(tick) />
                <text x=LEFT - 6.0 y=plot.y(tick) + 4.0 text-anchor="end">{compact(tick)}</text>
            }
        })
        .collect_view();
    let x_ticks = x_tick_indices(labels, plot.width)
        .into_iter()
        .map(|index| {
            let anchor = if plot.count > 1 && index == 0 {
                "start"
            } else if plot.count > 1 && index == plot.count - 1 {
                "end"
            } else {
                "middle"
            };
            view! {
                <line class="axis" x1=plot.x(index) x2=plot.x(index) y1=baseline y2=baseline + 4.0 />
                <text x=plot.x(index) y=baseline + 17.0 text-anchor=anchor>{labels[index].clone()}</text>
            }
        })
        .collect_view();
    let lines = points
        .series
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let path = line
                .values
                .iter()
                .enumerate()
                .filter_map(|(at, value)| {
                    value.map(|value| format!("{:.1},{:.1}", plot.x(at), plot.y(value)))
                })
                .collect::<Vec<_>>()
                .join(" ");
            let dots = (plot.count <= MAX_DOTS).then(|| {
                line.values
                    .iter()
                    .enumerate()
                    .filter_map(|(at, value)| {
                        value.map(|value| view! { <circle cx=plot.x(at) cy=plot.y(value) r="3" /> })
                    })
                    .collect_view()
            });
            view! {
                <g class=format!("series {}", line.class)>
                    <polyline points=path stroke-dasharray=dash(index) />
                    {dots}
                </g>
            }
        })
        .collect_view();
    view! {
        {y_ticks}
        <text class="axis-title" x="4" y="12">{y_title.to_owned()}</text>
        <line class="axis" x1=LEFT x2=LEFT y1=TOP y2=baseline />
        <line class="axis" x1=LEFT x2=plot.width - RIGHT y1=baseline y2=baseline />
        {x_ticks}
        <text class="axis-title" x=(LEFT + plot.width - RIGHT) / 2.0 y=HEIGHT - 6.0 text-anchor="middle">{x_title.to_owned()}</text>
        {lines}
    }
}

/// Every point as a row: the label, then each series' value.
fn data_table(points: &Points, x_title: &'static str, name: String) -> impl IntoView + use<> {
    let headings = points
        .series
        .iter()
        .map(|line| view! { <th scope="col" class="num">{line.name}</th> })
        .collect_view();
    let rows = points
        .labels
        .iter()
        .enumerate()
        .map(|(index, label)| {
            let cells = points
                .series
                .iter()
                .map(|line| view! { <td class="num">{value_text(line.values.get(index))}</td> })
                .collect_view();
            view! { <tr><th scope="row">{label.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    let group = name.clone();
    view! {
        <div class="table-wrap chart-data" tabindex="0" role="group" aria-label=group>
            <table aria-label=name>
                <thead><tr><th scope="col">{x_title}</th>{headings}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn dash(index: usize) -> &'static str {
    DASHES[index % DASHES.len()]
}

/// An SVG `<title>`: `view!` makes an HTML one there, which browsers ignore.
fn svg_title(text: String) -> impl IntoView {
    leptos::svg::title().child(text)
}

/// Which labels to print under the axis: as many as fit side by side, spread evenly, first and
/// last included.
fn x_tick_indices(labels: &[String], width: f64) -> Vec<usize> {
    let longest = labels.iter().map(String::len).max().unwrap_or(0);
    // About 7 units a character at the axis' font size, and a gap between labels.
    let fit = (((width - LEFT - RIGHT) / (longest as f64 * 7.0 + 16.0)) as usize).max(2);
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
