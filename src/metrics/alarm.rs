//! CloudWatch alarm evaluation: M of N datapoints, missing-data treatment, states (reference 5).

use std::collections::VecDeque;

/// `ComparisonOperator`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// `GreaterThanOrEqualToThreshold`.
    GreaterThanOrEqual,
    /// `GreaterThanThreshold`.
    GreaterThan,
    /// `LessThanThreshold`.
    LessThan,
    /// `LessThanOrEqualToThreshold`.
    LessThanOrEqual,
}

impl Comparison {
    /// Parses the AWS spelling.
    pub fn from_aws(s: &str) -> Option<Comparison> {
        Some(match s {
            "GreaterThanOrEqualToThreshold" => Comparison::GreaterThanOrEqual,
            "GreaterThanThreshold" => Comparison::GreaterThan,
            "LessThanThreshold" => Comparison::LessThan,
            "LessThanOrEqualToThreshold" => Comparison::LessThanOrEqual,
            _ => return None,
        })
    }

    /// The symbol for messages (`>`, `>=`, ...).
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::GreaterThanOrEqual => ">=",
            Comparison::GreaterThan => ">",
            Comparison::LessThan => "<",
            Comparison::LessThanOrEqual => "<=",
        }
    }

    /// True if `value` breaches `threshold`.
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::GreaterThanOrEqual => value >= threshold,
            Comparison::GreaterThan => value > threshold,
            Comparison::LessThan => value < threshold,
            Comparison::LessThanOrEqual => value <= threshold,
        }
    }
}

/// `TreatMissingData`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreatMissingData {
    /// `missing` (the default): all missing -> INSUFFICIENT_DATA.
    Missing,
    /// `ignore`: keep the current state.
    Ignore,
    /// `breaching`: missing points count as breaching.
    Breaching,
    /// `notBreaching`: missing points count as good.
    NotBreaching,
}

impl TreatMissingData {
    /// Parses the AWS spelling.
    pub fn from_aws(s: &str) -> Option<TreatMissingData> {
        Some(match s {
            "missing" => TreatMissingData::Missing,
            "ignore" => TreatMissingData::Ignore,
            "breaching" => TreatMissingData::Breaching,
            "notBreaching" => TreatMissingData::NotBreaching,
            _ => return None,
        })
    }
}

/// Alarm state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlarmState {
    /// `OK`.
    Ok,
    /// `ALARM`.
    Alarm,
    /// `INSUFFICIENT_DATA` (the initial state).
    InsufficientData,
}

impl AlarmState {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

/// What an alarm compares (the metric and statistic are the caller's business).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AlarmConfig {
    /// `EvaluationPeriods` (N).
    pub evaluation_periods: u32,
    /// `DatapointsToAlarm` (M).
    pub datapoints_to_alarm: u32,
    /// `Threshold`.
    pub threshold: f64,
    /// `ComparisonOperator`.
    pub comparison: Comparison,
    /// `TreatMissingData`.
    pub treat_missing_data: TreatMissingData,
}

impl AlarmConfig {
    /// How many recent periods CloudWatch looks at to find N real datapoints (reference 5: for
    /// N = 3 the range is 5); modelled as N + 2, at least N.
    pub fn evaluation_range(&self) -> usize {
        self.evaluation_periods as usize + 2
    }
}

/// Evaluates one alarm once per period; keeps only the last `evaluation_range` periods, so each
/// evaluation costs O(N), independent of how long the run is.
#[derive(Clone, Debug)]
pub struct AlarmEvaluator {
    /// Configuration.
    pub config: AlarmConfig,
    /// Current state.
    pub state: AlarmState,
    /// Most recent last: `Some(value)` or `None` for a missing period.
    recent: VecDeque<Option<f64>>,
}

impl AlarmEvaluator {
    /// A new alarm in INSUFFICIENT_DATA.
    pub fn new(config: AlarmConfig) -> Self {
        AlarmEvaluator {
            config,
            state: AlarmState::InsufficientData,
            recent: VecDeque::new(),
        }
    }

    /// Records the next period's datapoint (`None` if the metric had no data) and re-evaluates.
    /// Returns the new state if it changed.
    pub fn push(&mut self, value: Option<f64>) -> Option<AlarmState> {
        self.recent.push_back(value);
        while self.recent.len() > self.config.evaluation_range() {
            self.recent.pop_front();
        }
        let next = self.evaluate();
        if next != self.state {
            self.state = next;
            Some(next)
        } else {
            None
        }
    }

    /// The most recent real datapoint in the evaluation range.
    pub fn latest_value(&self) -> Option<f64> {
        self.recent.iter().rev().find_map(|v| *v)
    }

    /// How many of the last N evaluated points breach (after missing-data filling), for messages.
    pub fn breaching_of_last_n(&self) -> (usize, usize) {
        let points = self.evaluated_points();
        let breaching = points.iter().filter(|p| **p == Some(true)).count();
        (breaching, points.len())
    }

    /// The N points to evaluate: the most recent real datapoints when at least N exist in the
    /// range; otherwise the last N periods, with gaps as `None` (to be filled per TreatMissingData).
    fn evaluated_points(&self) -> Vec<Option<bool>> {
        let n = self.config.evaluation_periods as usize;
        let real: Vec<f64> = self.recent.iter().filter_map(|v| *v).collect();
        let c = &self.config;
        if real.len() >= n {
            return real[real.len() - n..]
                .iter()
                .map(|v| Some(c.comparison.breaches(*v, c.threshold)))
                .collect();
        }
        let skip = self.recent.len().saturating_sub(n);
        self.recent
            .iter()
            .skip(skip)
            .map(|v| v.map(|v| c.comparison.breaches(v, c.threshold)))
            .collect()
    }

    fn evaluate(&self) -> AlarmState {
        let c = &self.config;
        let n = c.evaluation_periods as usize;
        let m = c.datapoints_to_alarm as usize;
        let points = self.evaluated_points();
        // Periods before the first one seen count as missing.
        let missing = points.iter().filter(|p| p.is_none()).count() + n.saturating_sub(points.len());
        let breaching = points.iter().filter(|p| **p == Some(true)).count();
        if missing == 0 {
            return if breaching >= m {
                AlarmState::Alarm
            } else {
                AlarmState::Ok
            };
        }
        if missing >= n {
            return match c.treat_missing_data {
                TreatMissingData::Missing => AlarmState::InsufficientData,
                TreatMissingData::Ignore => self.state,
                TreatMissingData::Breaching if missing >= m => AlarmState::Alarm,
                TreatMissingData::Breaching | TreatMissingData::NotBreaching => AlarmState::Ok,
            };
        }
        match c.treat_missing_data {
            TreatMissingData::Breaching if breaching + missing >= m => AlarmState::Alarm,
            TreatMissingData::Breaching | TreatMissingData::NotBreaching => {
                if breaching >= m {
                    AlarmState::Alarm
                } else {
                    AlarmState::Ok
                }
            }
            // `missing` and `ignore` fill gaps as few times as possible: decide only when the
            // real points decide it, otherwise keep the current state.
            TreatMissingData::Missing | TreatMissingData::Ignore => {
                if breaching >= m {
                    AlarmState::Alarm
                } else if breaching + missing < m {
                    AlarmState::Ok
                } else {
                    self.state
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(n: u32, m: u32, treat: TreatMissingData) -> AlarmConfig {
        AlarmConfig {
            evaluation_periods: n,
            datapoints_to_alarm: m,
            threshold: 50.0,
            comparison: Comparison::GreaterThan,
            treat_missing_data: treat,
        }
    }

    /// Pushes points oldest first (`X` breach = 60, `0` ok = 10, `-` missing) and returns the final state.
    fn run(points: &str, n: u32, m: u32, treat: TreatMissingData, initial: AlarmState) -> AlarmState {
        let mut a = AlarmEvaluator::new(config(n, m, treat));
        a.state = initial;
        for c in points.chars().filter(|c| !c.is_whitespace()) {
            a.push(match c {
                'X' => Some(60.0),
                '0' => Some(10.0),
                _ => None,
            });
        }
        a.state
    }

    #[track_caller]
    fn check(points: &str, expected: [AlarmState; 4]) {
        use TreatMissingData::*;
        for (treat, want) in [Missing, Ignore, Breaching, NotBreaching].into_iter().zip(expected) {
            assert_eq!(
                run(points, 3, 3, treat, AlarmState::Ok),
                want,
                "{points} with {treat:?}"
            );
        }
    }

    #[test]
    fn case_39_missing_data_table() {
        use AlarmState::*;
        check("0 - X - X", [Ok, Ok, Ok, Ok]);
        check("- - - - -", [InsufficientData, Ok, Alarm, Ok]);
        check("0 X X - X", [Alarm, Alarm, Alarm, Alarm]);
    }

    #[test]
    fn m_of_n_need_not_be_consecutive() {
        assert_eq!(
            run("X 0 X X", 3, 2, TreatMissingData::Missing, AlarmState::Ok),
            AlarmState::Alarm
        );
        assert_eq!(
            run("X 0 0 X", 3, 2, TreatMissingData::Missing, AlarmState::Ok),
            AlarmState::Ok
        );
    }

    #[test]
    fn target_tracking_high_alarm_fires_on_the_third_breaching_point() {
        // Reference 2.3 / case 1: 3 of 3 points strictly above the target.
        let mut a = AlarmEvaluator::new(AlarmConfig {
            evaluation_periods: 3,
            datapoints_to_alarm: 3,
            threshold: 60.0,
            comparison: Comparison::GreaterThan,
            treat_missing_data: TreatMissingData::Missing,
        });
        assert_eq!(a.push(Some(90.0)), None);
        assert_eq!(a.push(Some(90.0)), None);
        assert_eq!(a.push(Some(90.0)), Some(AlarmState::Alarm));
        assert_eq!(a.breaching_of_last_n(), (3, 3));
        assert_eq!(a.push(Some(60.0)), Some(AlarmState::Ok), "60 is not > 60");
    }

    #[test]
    fn low_alarm_needs_fifteen_new_points_after_an_interruption() {
        // Case 5: 14 points of 40, one of 55, then 40s: no alarm until 15 consecutive < 54.
        let mut a = AlarmEvaluator::new(AlarmConfig {
            evaluation_periods: 15,
            datapoints_to_alarm: 15,
            threshold: 54.0,
            comparison: Comparison::LessThan,
            treat_missing_data: TreatMissingData::Missing,
        });
        for _ in 0..14 {
            a.push(Some(40.0));
        }
        a.push(Some(55.0));
        for i in 0..15 {
            let changed = a.push(Some(40.0));
            assert_eq!(changed.is_some(), i == 14, "point {i}");
        }
        assert_eq!(a.state, AlarmState::Alarm);
    }
}
