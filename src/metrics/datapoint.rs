//! Datapoints: one aggregate per metric period, and the accumulator that builds them.

/// A CloudWatch statistic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statistic {
    /// Mean of the samples.
    Average,
    /// Sum of the samples.
    Sum,
    /// Smallest sample.
    Minimum,
    /// Largest sample.
    Maximum,
    /// Number of samples.
    SampleCount,
}

impl Statistic {
    /// Parses the AWS spelling.
    pub fn from_aws(s: &str) -> Option<Statistic> {
        Some(match s {
            "Average" => Statistic::Average,
            "Sum" => Statistic::Sum,
            "Minimum" => Statistic::Minimum,
            "Maximum" => Statistic::Maximum,
            "SampleCount" => Statistic::SampleCount,
            _ => return None,
        })
    }

    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Average => "Average",
            Statistic::Sum => "Sum",
            Statistic::Minimum => "Minimum",
            Statistic::Maximum => "Maximum",
            Statistic::SampleCount => "SampleCount",
        }
    }
}

/// The samples of one period of a metric, summarised.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Datapoint {
    /// Sum of the samples.
    pub sum: f64,
    /// Number of samples.
    pub count: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
}

impl Datapoint {
    /// A datapoint of a single sample.
    pub fn single(v: f64) -> Self {
        Datapoint {
            sum: v,
            count: 1.0,
            min: v,
            max: v,
        }
    }

    /// The value of `statistic` for this datapoint.
    pub fn value(&self, statistic: Statistic) -> f64 {
        match statistic {
            Statistic::Average => {
                if self.count > 0.0 {
                    self.sum / self.count
                } else {
                    0.0
                }
            }
            Statistic::Sum => self.sum,
            Statistic::Minimum => self.min,
            Statistic::Maximum => self.max,
            Statistic::SampleCount => self.count,
        }
    }
}

/// Adds samples during one period and yields the period's datapoint (or none if no sample came).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeriodAccumulator {
    current: Option<Datapoint>,
}

impl PeriodAccumulator {
    /// Records one sample.
    pub fn add(&mut self, v: f64) {
        self.current = Some(match self.current {
            None => Datapoint::single(v),
            Some(d) => Datapoint {
                sum: d.sum + v,
                count: d.count + 1.0,
                min: d.min.min(v),
                max: d.max.max(v),
            },
        });
    }

    /// Ends the period: its datapoint, and the accumulator is empty again.
    pub fn take(&mut self) -> Option<Datapoint> {
        self.current.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(samples: &[f64], statistic: Statistic, expected: Option<f64>) {
        let mut acc = PeriodAccumulator::default();
        for s in samples {
            acc.add(*s);
        }
        assert_eq!(acc.take().map(|d| d.value(statistic)), expected);
        assert_eq!(acc.take(), None, "taking empties the accumulator");
    }

    #[test]
    fn statistics_of_a_period() {
        check(&[10.0, 20.0, 60.0], Statistic::Average, Some(30.0));
        check(&[10.0, 20.0, 60.0], Statistic::Sum, Some(90.0));
        check(&[10.0, 20.0, 60.0], Statistic::Minimum, Some(10.0));
        check(&[10.0, 20.0, 60.0], Statistic::Maximum, Some(60.0));
        check(&[10.0, 20.0, 60.0], Statistic::SampleCount, Some(3.0));
        check(&[], Statistic::Average, None);
    }
}
