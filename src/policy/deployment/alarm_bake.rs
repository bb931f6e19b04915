//! The bake time of a rolling deployment with deployment alarms (reference 8.3): after the new
//! tasks have replaced the old ones, ECS keeps watching the alarms for a time it "computes based
//! on the alarm configuration" and that the user cannot set, before the deployment is COMPLETED.
//! AWS does not publish the formula; ecsim's choice (A24) is the longest evaluation window of the
//! deployment's alarms, `Period x EvaluationPeriods`: the least time in which each alarm can see
//! a full window of datapoints taken after the last task was replaced.

use crate::sim::SimDuration;

/// The bake of a rolling deployment whose deployment alarms have the evaluation windows
/// `windows` (each `Period x EvaluationPeriods`); `setting` (`behavior.deployments.
/// rollingAlarmBakeTime`) replaces the derived value when given. No alarm, no bake.
pub fn rolling_alarm_bake(windows: impl IntoIterator<Item = SimDuration>, setting: Option<SimDuration>) -> SimDuration {
    let mut windows = windows.into_iter().peekable();
    if windows.peek().is_none() {
        return SimDuration::ZERO;
    }
    setting.unwrap_or_else(|| windows.max().unwrap_or(SimDuration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60;

    #[test]
    fn the_longest_alarm_window_is_the_bake() {
        // Reference 8.3: derived from the alarm configuration. A 60 s x 3 alarm and a 300 s x 2
        // alarm: the second needs 10 minutes of data after the last task is replaced.
        let windows = [SimDuration::from_secs(3 * MIN), SimDuration::from_secs(2 * 5 * MIN)];
        assert_eq!(rolling_alarm_bake(windows, None), SimDuration::from_secs(10 * MIN));
    }

    #[test]
    fn the_setting_replaces_the_derived_bake_and_no_alarm_means_no_bake() {
        let windows = [SimDuration::from_secs(3 * MIN)];
        assert_eq!(
            rolling_alarm_bake(windows, Some(SimDuration::ZERO)),
            SimDuration::ZERO,
            "0 turns the bake off"
        );
        assert_eq!(
            rolling_alarm_bake(windows, Some(SimDuration::from_secs(20 * MIN))),
            SimDuration::from_secs(20 * MIN)
        );
        assert_eq!(
            rolling_alarm_bake([], Some(SimDuration::from_secs(20 * MIN))),
            SimDuration::ZERO
        );
    }
}
