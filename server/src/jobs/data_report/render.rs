//! The data report as a self-contained HTML page and as a Jupyter notebook.
//!
//! Both are pure functions of the stored report, so every download format shows the same numbers
//! and can be regenerated from the JSON alone.

mod chart;
mod html;
mod notebook;

pub use html::html;
pub use notebook::notebook;

/// A small report the renderers' tests share.
#[cfg(test)]
mod fixtures {
    use app::data_reports::{
        BestYear, DataReport, PopulationSummary, PopulationYear, SeriesPopulation,
    };
    use chrono::DateTime;
    use rust_decimal::Decimal;

    use super::super::analysis::{JOINED_PERIOD, JOINED_SERIES_ID};

    pub fn decimal(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    pub fn report() -> DataReport {
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

    pub fn many_best_years(count: i32) -> Vec<BestYear> {
        (0..count)
            .map(|index| BestYear {
                series_id: format!("S{index:03}"),
                year: 2000 + index,
                value: Decimal::from(index),
                annual_only: false,
            })
            .collect()
    }
}
