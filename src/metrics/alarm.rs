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

    /// The words CloudWatch's state reasons use: `greater than`, `less than or equal to`, ...
    pub fn words(self) -> &'static str {
        match self {
            Comparison::GreaterThanOrEqual => "greater than or equal to",
            Comparison::GreaterThan => "greater than",
            Comparison::LessThan => "less than",
            Comparison::LessThanOrEqual => "less than or equal to",
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

/// One period's datapoint as an alarm keeps it: when its period started and its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AlarmDatapoint {
    /// Start of the datapoint's period, ms since the run's start (CloudWatch stamps a datapoint
    /// with the start of its period).
    pub time_ms: u64,
    /// The statistic over the period; `None` when the metric had no data.
    pub value: Option<f64>,
}

/// Evaluates one alarm once per period; keeps only the last `evaluation_range` periods, so each
/// evaluation costs O(N), independent of how long the run is.
#[derive(Clone, Debug)]
pub struct AlarmEvaluator {
    /// Configuration.
    pub config: AlarmConfig,
    /// Current state.
    pub state: AlarmState,
    /// Most recent last, a missing period with `value: None`.
    recent: VecDeque<AlarmDatapoint>,
    /// The datapoints the last evaluation looked at, oldest first (see `evaluated_datapoints`).
    evaluated: Vec<AlarmDatapoint>,
}

impl AlarmEvaluator {
    /// A new alarm in INSUFFICIENT_DATA.
    pub fn new(config: AlarmConfig) -> Self {
        AlarmEvaluator {
            config,
            state: AlarmState::InsufficientData,
            recent: VecDeque::new(),
            evaluated: Vec::new(),
        }
    }

    /// Records the datapoint of the period starting at `time_ms` (`None` if the metric had no
    /// data) and re-evaluates. Returns the new state if it changed.
    pub fn push(&mut self, time_ms: u64, value: Option<f64>) -> Option<AlarmState> {
        self.recent.push_back(AlarmDatapoint { time_ms, value });
        while self.recent.len() > self.config.evaluation_range() {
            self.recent.pop_front();
        }
        self.select_evaluated();
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
        self.recent.iter().rev().find_map(|d| d.value)
    }

    /// How many of the last N evaluated points breach (after missing-data filling), for messages.
    pub fn breaching_of_last_n(&self) -> (usize, usize) {
        let t = self.tally();
        (t.breaching, t.points)
    }

    /// The datapoints the last evaluation looked at, oldest first: the most recent N real
    /// datapoints when at least N exist in the range; otherwise the last N periods, a missing
    /// one with `value: None` (fewer than N before N periods have passed).
    pub fn evaluated_datapoints(&self) -> &[AlarmDatapoint] {
        &self.evaluated
    }

    /// Refreshes `evaluated` after a push, without allocating once it has grown to N.
    fn select_evaluated(&mut self) {
        let n = self.config.evaluation_periods as usize;
        let real = self.recent.iter().filter(|d| d.value.is_some()).count();
        self.evaluated.clear();
        if real >= n {
            let skip = real - n;
            let points = self.recent.iter().filter(|d| d.value.is_some()).skip(skip);
            self.evaluated.extend(points.copied());
        } else {
            let skip = self.recent.len().saturating_sub(n);
            self.evaluated.extend(self.recent.iter().skip(skip).copied());
        }
    }

    /// Counts the evaluated datapoints: those that breach, those missing (no value, to be
    /// filled per TreatMissingData), and all of them.
    fn tally(&self) -> EvaluatedTally {
        let c = &self.config;
        let mut t = EvaluatedTally {
            points: self.evaluated.len(),
            ..EvaluatedTally::default()
        };
        for d in &self.evaluated {
            match d.value {
                None => t.missing += 1,
                Some(v) if c.comparison.breaches(v, c.threshold) => t.breaching += 1,
                Some(_) => {}
            }
        }
        t
    }

    fn evaluate(&self) -> AlarmState {
        let c = &self.config;
        let n = c.evaluation_periods as usize;
        let m = c.datapoints_to_alarm as usize;
        let t = self.tally();
        // Periods before the first one seen count as missing.
        let missing = t.missing + n.saturating_sub(t.points);
        let breaching = t.breaching;
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

/// The evaluated datapoints counted by kind.
#[derive(Clone, Copy, Debug, Default)]
struct EvaluatedTally {
    breaching: usize,
    missing: usize,
    points: usize,
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
            a.push(
                0,
                match c {
                    'X' => Some(60.0),
                    '0' => Some(10.0),
                    _ => None,
                },
            );
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
        assert_eq!(a.push(0, Some(90.0)), None);
        assert_eq!(a.push(0, Some(90.0)), None);
        assert_eq!(a.push(0, Some(90.0)), Some(AlarmState::Alarm));
        assert_eq!(a.breaching_of_last_n(), (3, 3));
        assert_eq!(a.push(0, Some(60.0)), Some(AlarmState::Ok), "60 is not > 60");
    }

    #[test]
    fn the_evaluated_datapoints_skip_gaps_once_n_real_ones_are_in_range() {
        let mut a = AlarmEvaluator::new(config(3, 3, TreatMissingData::Missing));
        let times = |a: &AlarmEvaluator| -> Vec<(u64, Option<f64>)> {
            a.evaluated_datapoints().iter().map(|d| (d.time_ms, d.value)).collect()
        };
        a.push(0, Some(60.0));
        a.push(60, None);
        assert_eq!(times(&a), [(0, Some(60.0)), (60, None)], "fewer than N periods so far");
        a.push(120, Some(10.0));
        assert_eq!(times(&a), [(0, Some(60.0)), (60, None), (120, Some(10.0))]);
        a.push(180, Some(60.0));
        assert_eq!(
            times(&a),
            [(0, Some(60.0)), (120, Some(10.0)), (180, Some(60.0))],
            "three real datapoints in the range of five: the gap is not evaluated"
        );
        assert_eq!(a.breaching_of_last_n(), (2, 3));
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
            a.push(0, Some(40.0));
        }
        a.push(0, Some(55.0));
        for i in 0..15 {
            let changed = a.push(0, Some(40.0));
            assert_eq!(changed.is_some(), i == 14, "point {i}");
        }
        assert_eq!(a.state, AlarmState::Alarm);
    }
}
