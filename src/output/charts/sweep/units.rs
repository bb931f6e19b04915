//! What a sweep figure measures and how its numbers read: the axis label with its unit, the
//! factor from the file's value to the shown one (a fraction is shown in percent), and the text
//! of a value, an interval or an axis tick.
//!
//! A per-service figure (`web.unserved_fraction`) reads like its plain name, prefixed with the
//! service (`web: unserved requests (% of demand)`).

/// How a figure's values are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// US dollars: `$12.34`.
    Usd,
    /// A fraction in the file, shown as a percentage: `0.15%`.
    Fraction,
    /// Already a percentage (CPU utilization): `55.2%`.
    Percent,
    /// Seconds: `312 s`.
    Seconds,
    /// A count or a plain number.
    Plain,
}

/// A figure's description: what it measures and in which unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureUnit {
    /// Axis label with its unit, e.g. `cost (USD)`.
    pub label: String,
    /// How values are shown.
    pub unit: Unit,
}

/// The known figures: name, axis label with unit, unit.
const KNOWN: &[(&str, &str, Unit)] = &[
    ("cost_usd", "cost (USD)", Unit::Usd),
    ("demand_requests", "demand (requests)", Unit::Plain),
    ("unserved_requests", "unserved requests (count)", Unit::Plain),
    ("unserved_fraction", "unserved requests (% of demand)", Unit::Fraction),
    ("peak_running", "peak running tasks (count)", Unit::Plain),
    ("peak_instances", "peak instances (count)", Unit::Plain),
    ("mean_cpu_utilization", "mean CPU utilization (%)", Unit::Percent),
    ("max_cpu_utilization", "max CPU utilization (%)", Unit::Percent),
    ("scaling_activities", "scaling activities (count)", Unit::Plain),
    ("placement_failures", "placement failures (count)", Unit::Plain),
    ("deployment_duration_s", "deployment duration (s)", Unit::Seconds),
];

/// The standalone tasks' figures: run-wide, with a dot in their names that is not a service's.
const JOBS: &[(&str, &str, Unit)] = &[
    ("jobs.completed", "jobs completed (count)", Unit::Plain),
    ("jobs.failed", "jobs failed (count)", Unit::Plain),
    ("jobs.wait_p95_s", "job wait for capacity, p95 (s)", Unit::Seconds),
    ("jobs.makespan_s", "job makespan (s)", Unit::Seconds),
    ("jobs.cost_per_job_usd", "cost per job (USD)", Unit::Usd),
];

/// The description of `figure`, with a service prefix when it has one.
pub fn describe(figure: &str) -> FigureUnit {
    if let Some((_, label, unit)) = JOBS.iter().find(|(name, _, _)| *name == figure) {
        return FigureUnit {
            label: label.to_string(),
            unit: *unit,
        };
    }
    let (service, base) = match figure.rsplit_once('.') {
        Some((service, base)) => (Some(service), base),
        None => (None, figure),
    };
    let (label, unit) = KNOWN
        .iter()
        .find(|(name, _, _)| *name == base)
        .map_or((base.to_string(), Unit::Plain), |(_, label, unit)| {
            (label.to_string(), *unit)
        });
    FigureUnit {
        label: match service {
            Some(s) => format!("{s}: {label}"),
            None => label,
        },
        unit,
    }
}

impl Unit {
    /// The shown value of a value in the file.
    pub fn shown(self, v: f64) -> f64 {
        match self {
            Unit::Fraction => v * 100.0,
            _ => v,
        }
    }

    /// Decimals that show `v` (already shown, see [`Unit::shown`]) to about three significant
    /// digits, at most six; none for zero; two for dollars under a thousand.
    pub fn decimals(self, v: f64) -> usize {
        if self == Unit::Usd {
            return if v.abs() >= 1000.0 { 0 } else { 2 };
        }
        if !v.is_finite() || v == 0.0 {
            return 0;
        }
        (2 - v.abs().log10().floor() as i32).clamp(0, 6) as usize
    }

    fn with_unit(self, number: String) -> String {
        match self {
            Unit::Usd => match number.strip_prefix('-') {
                Some(n) => format!("-${n}"),
                None => format!("${number}"),
            },
            Unit::Fraction | Unit::Percent => format!("{number}%"),
            Unit::Seconds => format!("{number} s"),
            Unit::Plain => number,
        }
    }

    /// A value from the file as text with its unit: `$12.34`, `0.150%`, `7.40`; `–` when it is
    /// missing (NaN).
    pub fn value(self, v: f64) -> String {
        self.value_at(v, self.decimals(self.shown(v)))
    }

    /// A value from the file as text with its unit and `decimals` decimals.
    pub fn value_at(self, v: f64, decimals: usize) -> String {
        if !v.is_finite() {
            return "–".to_string();
        }
        self.with_unit(grouped(self.shown(v), decimals))
    }

    /// A mean with its interval: `$12.34 ± 0.21` when the interval is symmetric to the shown
    /// precision, else `$12.34 (12.10 to 12.60)`.
    pub fn interval(self, mean: f64, low: f64, high: f64) -> String {
        self.interval_at(mean, low, high, self.decimals(self.shown(mean)))
    }

    /// [`Unit::interval`] with `decimals` decimals, so a column of them lines up.
    pub fn interval_at(self, mean: f64, low: f64, high: f64, decimals: usize) -> String {
        if !(mean.is_finite() && low.is_finite() && high.is_finite()) {
            return self.value_at(mean, decimals);
        }
        let (m, l, h) = (self.shown(mean), self.shown(low), self.shown(high));
        let d = decimals;
        let (below, above) = (grouped(m - l, d), grouped(h - m, d));
        let value = self.with_unit(grouped(m, d));
        if below == above {
            format!("{value} ± {above}")
        } else {
            format!("{value} ({} to {})", grouped(l, d), grouped(h, d))
        }
    }

    /// An axis tick label for a shown value `v` on an axis whose ticks are about `step` apart:
    /// as many decimals as the step needs, more when `v` needs them (`0.25` on a `0.2` step).
    pub fn tick(self, v: f64, step: f64) -> String {
        let least = if step > 0.0 && step.is_finite() {
            (-(step.log10().floor()) as i32).clamp(0, 6) as usize
        } else {
            0
        };
        let v = if v.abs() < step.abs() * 1e-6 { 0.0 } else { v };
        let least = if self == Unit::Usd && step < 1.0 { 2 } else { least };
        let exact = |d: usize| {
            let scale = 10f64.powi(d as i32);
            ((v * scale).round() / scale - v).abs() <= 1e-9 * v.abs().max(1.0)
        };
        let decimals = (least..=6).find(|&d| exact(d)).unwrap_or(6);
        match self {
            Unit::Usd => self.with_unit(grouped(v, decimals)),
            Unit::Fraction => format!("{}%", grouped(v, decimals)),
            _ => grouped(v, decimals),
        }
    }

    /// The step between about `count` ticks over `span`: 1, 2 or 5 times a power of ten.
    pub fn tick_step(span: f64, count: u32) -> f64 {
        if !(span.is_finite() && span > 0.0) {
            return 1.0;
        }
        let raw = span / f64::from(count.max(1));
        let power = 10f64.powf(raw.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * power)
            .find(|&s| s >= raw)
            .unwrap_or(10.0 * power)
    }
}

/// `v` with `decimals` decimals and thousands separators in the integer part: `12,345.6`.
pub fn grouped(v: f64, decimals: usize) -> String {
    let text = format!("{v:.decimals$}");
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    // `-0.00` reads as zero.
    if sign == "-" && out[1..].chars().all(|c| matches!(c, '0' | '.' | ',')) {
        out.remove(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_carry_units_and_service_prefixes() {
        assert_eq!(describe("cost_usd").label, "cost (USD)");
        assert_eq!(
            describe("web.unserved_fraction").label,
            "web: unserved requests (% of demand)"
        );
        assert_eq!(describe("web.unserved_fraction").unit, Unit::Fraction);
        assert_eq!(describe("queue_depth").label, "queue_depth");
        // A job figure's dot is not a service prefix.
        assert_eq!(describe("jobs.makespan_s").label, "job makespan (s)");
        assert_eq!(describe("jobs.makespan_s").unit, Unit::Seconds);
        assert_eq!(describe("jobs.cost_per_job_usd").unit, Unit::Usd);
    }

    #[test]
    fn values_read_with_their_units() {
        assert_eq!(Unit::Usd.value(12.345), "$12.35");
        assert_eq!(Unit::Usd.value(12345.0), "$12,345");
        assert_eq!(Unit::Fraction.value(0.0015), "0.150%");
        assert_eq!(Unit::Percent.value(55.23), "55.2%");
        assert_eq!(Unit::Plain.value(1_234_567.0), "1,234,567");
        assert_eq!(Unit::Seconds.value(312.4), "312 s");
        assert_eq!(Unit::Plain.value(f64::NAN), "–");
        assert_eq!(Unit::Plain.value(0.0), "0");
        assert_eq!(Unit::Fraction.value_at(0.00012, 3), "0.012%");
        assert_eq!(
            Unit::Fraction.interval_at(0.00012, 0.00006, 0.00018, 3),
            "0.012% ± 0.006"
        );
        assert_eq!(Unit::Usd.interval(12.34, 12.13, 12.55), "$12.34 ± 0.21");
        assert_eq!(Unit::Usd.interval(12.34, 12.10, 12.60), "$12.34 (12.10 to 12.60)");
        assert_eq!(Unit::Fraction.interval(0.001, 0.0005, 0.0015), "0.100% ± 0.050");
        assert_eq!(Unit::Usd.tick(12.5, 0.5), "$12.50");
        assert_eq!(Unit::Fraction.tick(0.25, 0.05), "0.25%");
        assert_eq!(Unit::Plain.tick(-0.000_000_1, 1.0), "0");
        assert_eq!(Unit::Plain.tick(0.25, 0.2), "0.25");
        assert_eq!(Unit::Plain.tick(0.4, 0.2), "0.4");
        assert_eq!(Unit::tick_step(7.0, 7), 1.0);
        assert_eq!(Unit::tick_step(0.9, 6), 0.2);
        assert_eq!(grouped(-0.001, 2), "0.00");
        assert_eq!(grouped(-1234.5, 1), "-1,234.5");
    }
}
