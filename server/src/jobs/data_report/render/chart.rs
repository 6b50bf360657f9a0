//! The population chart of the HTML page: inline SVG, so the page needs no charting script.

use app::data_reports::PopulationYear;
use app::number::{Axis, thousands};

const CHART_WIDTH: f64 = 720.0;
const CHART_HEIGHT: f64 = 360.0;
const PLOT_LEFT: f64 = 110.0;
const PLOT_RIGHT: f64 = 700.0;
const PLOT_TOP: f64 = 20.0;
const PLOT_BOTTOM: f64 = 310.0;
/// Beyond this many years, only every n-th year is labelled so the labels do not overlap.
const MAX_YEAR_LABELS: usize = 12;

/// Maps years and populations to SVG coordinates, with round steps for the gridlines.
struct ChartScale {
    first_year: i32,
    last_year: i32,
    axis: Axis,
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
        Some(Self {
            first_year,
            last_year,
            axis: Axis::fit(min, max),
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
        PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * self.axis.share(population)
    }
}

/// An inline SVG line chart, so the page needs no charting script.
pub(super) fn population_chart(years: &[PopulationYear]) -> String {
    let Some(scale) = ChartScale::new(years) else {
        return "<p>No population figures to chart.</p>".into();
    };
    let gridlines: String = scale
        .axis
        .ticks()
        .map(|tick| gridline(&scale, tick))
        .collect();
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
        label = thousands(&format!("{tick:.0}")),
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
        population = thousands(&year.population.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::html;
    use super::*;

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
        assert_eq!(scale.axis.step, 2_000_000.0);
        assert_eq!(
            (scale.axis.min, scale.axis.max),
            (316_000_000.0, 322_000_000.0)
        );
        assert_eq!(scale.y(scale.axis.min), PLOT_BOTTOM);
        assert_eq!(scale.y(scale.axis.max), PLOT_TOP);
        assert_eq!((scale.x(2013), scale.x(2015)), (PLOT_LEFT, PLOT_RIGHT));
    }

    #[test]
    fn html_chart_copes_with_a_single_flat_year() {
        let years = [PopulationYear {
            year: 2020,
            population: 5,
        }];
        let scale = ChartScale::new(&years).unwrap();
        assert!(scale.axis.max > scale.axis.min);
        assert_eq!(scale.x(2020), (PLOT_LEFT + PLOT_RIGHT) / 2.0);
        assert!(population_chart(&years).contains("<circle"));
    }
}
