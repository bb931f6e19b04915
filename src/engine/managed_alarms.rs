//! The alarms AWS creates for target tracking on a capacity provider or an Auto Scaling group:
//! each evaluation is an `alarms.csv` row, and each state change an `events.csv` row.

use super::world::World;
use crate::metrics::{AlarmEvaluator, AlarmState};
use crate::policy::scaling_decision::fmt_value;
use crate::trace::{AlarmRow, EventKind, SinkError, TraceSink, TrackingAlarm};

/// One evaluation of such an alarm, after its datapoint was pushed.
pub(super) struct ManagedAlarmEvaluation<'a> {
    /// Alarm name (`TargetTracking-<group>-AlarmHigh...`).
    pub alarm: &'a str,
    /// The capacity provider or group it watches (the `service` column of `alarms.csv`).
    pub subject: &'a str,
    /// CloudWatch metric name.
    pub metric: &'a str,
    /// The datapoint (`None`: missing).
    pub value: Option<f64>,
    /// The alarm after the push.
    pub evaluator: &'a AlarmEvaluator,
    /// The new state, if the push changed it.
    pub changed: Option<AlarmState>,
    /// The target tracking policy that owns it, and its role.
    pub tracking: TrackingAlarm<'a>,
}

impl World<'_> {
    /// Writes the evaluation's rows.
    pub(super) fn record_managed_alarm(
        &self,
        e: &ManagedAlarmEvaluation<'_>,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let c = &e.evaluator.config;
        sink.alarm_row(&AlarmRow {
            time_ms: self.now.0,
            alarm: e.alarm,
            service: e.subject,
            metric: e.metric,
            value: e.value,
            threshold: c.threshold,
            comparison: c.comparison.symbol(),
            state: e.evaluator.state.as_str(),
            tracking: Some(e.tracking),
        })?;
        let Some(state) = e.changed else { return Ok(()) };
        self.log(
            sink,
            EventKind::Alarm,
            e.subject,
            format!(
                "{}: {} ({} {}; alarms when {} {} for {} of {} datapoints).",
                e.alarm,
                state.as_str(),
                e.metric,
                e.value.map_or("missing".into(), fmt_value),
                c.comparison.symbol(),
                fmt_value(c.threshold),
                c.datapoints_to_alarm,
                c.evaluation_periods
            ),
        )
    }
}
