//! Numbers as people read them: thousands grouped, and chart axes in round steps. The browser's
//! charts and the server's report chart share these, so both draw the same axis for the same data.

/// A decimal number with commas between the thousands of its whole part: `-1234567.50` →
/// `-1,234,567.50`.
pub fn thousands(number: &str) -> String {
    let (sign, unsigned) = number
        .strip_prefix('-')
        .map_or(("", number), |rest| ("-", rest));
    let (whole, fraction) = unsigned
        .split_once('.')
        .map_or((unsigned, None), |(whole, fraction)| {
            (whole, Some(fraction))
        });
    let mut grouped = sign.to_owned();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if let Some(fraction) = fraction {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    grouped
}

/// About this many steps on a value axis; the exact count follows from a round step.
const TARGET_STEPS: f64 = 5.0;

/// A value axis from `min` to `max` in round steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    pub min: f64,
    pub max: f64,
    pub step: f64,
}

impl Axis {
    /// Round bounds around values from `low` to `high` (none: infinite bounds). The axis starts
    /// at zero unless the values sit far above it (population stays near 320M), where a zero
    /// baseline would flatten the line.
    pub fn fit(low: f64, high: f64) -> Self {
        let (low, high) = if low.is_finite() && high.is_finite() {
            (low, high)
        } else {
            (0.0, 0.0)
        };
        let low = if (0.0..high / 2.0).contains(&low) {
            0.0
        } else {
            low
        };
        let span = if high > low {
            high - low
        } else {
            high.abs().max(1.0)
        };
        let step = round_step(span / TARGET_STEPS);
        let min = (low / step).floor() * step;
        let max = ((high / step).ceil() * step).max(min + step);
        Axis { min, max, step }
    }

    /// The gridline values, `min` and `max` included.
    pub fn ticks(self) -> impl Iterator<Item = f64> {
        let steps = ((self.max - self.min) / self.step).round() as usize;
        (0..=steps).map(move |index| self.min + self.step * index as f64)
    }

    /// Where `value` sits on the axis: 0 at `min`, 1 at `max`.
    pub fn share(self, value: f64) -> f64 {
        (value - self.min) / (self.max - self.min)
    }
}

/// The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is at least `rough`.
fn round_step(rough: f64) -> f64 {
    let magnitude = 10_f64.powf(rough.log10().floor());
    let factor = [1.0, 2.0, 2.5, 5.0]
        .into_iter()
        .find(|factor| rough <= factor * magnitude)
        .unwrap_or(10.0);
    factor * magnitude
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_whatever_the_sign_and_fraction() {
        assert_eq!(thousands("-1234567.50"), "-1,234,567.50");
        assert_eq!(thousands("123"), "123");
        assert_eq!(thousands("1000"), "1,000");
        assert_eq!(thousands("0.125"), "0.125");
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(round_step(0.7), 1.0);
        assert_eq!(round_step(1_100_000.0), 2_000_000.0);
        assert_eq!(round_step(2_100.0), 2_500.0);
        assert_eq!(round_step(30.0), 50.0);
        assert_eq!(round_step(60.0), 100.0);
    }

    #[test]
    fn an_axis_covers_its_values_in_round_steps() {
        let population = Axis::fit(316_128_839.0, 321_418_820.0);
        assert_eq!(population.step, 2_000_000.0);
        assert_eq!(
            (population.min, population.max),
            (316_000_000.0, 322_000_000.0)
        );
        assert_eq!(population.ticks().count(), 4);
        assert_eq!(population.share(316_000_000.0), 0.0);
        assert_eq!(population.share(322_000_000.0), 1.0);

        let cases = Axis::fit(12.0, 95.0);
        assert_eq!((cases.min, cases.max, cases.step), (0.0, 100.0, 20.0));
    }

    #[test]
    fn an_axis_without_values_or_with_one_is_still_drawable() {
        for axis in [
            Axis::fit(f64::INFINITY, f64::NEG_INFINITY),
            Axis::fit(5.0, 5.0),
        ] {
            assert!(axis.max > axis.min, "{axis:?}");
            assert!(axis.step > 0.0, "{axis:?}");
        }
    }
}
