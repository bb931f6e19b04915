//! Trace records and the `TraceSink` trait: the engine's only way to say what happened.

use std::fmt;

use crate::metrics::{AlarmDatapoint, Comparison};

mod alarm_history;
pub mod columns;
mod event_detail;
pub mod forecast;
pub mod format;
pub mod jobs;
pub mod summary;

#[cfg(test)]
pub(crate) use event_detail::every_detail;
pub use event_detail::{
    DesiredCause, DetailCells, EventDetail, FailureCause, FaultCause, HookCause, ProtectionChange, StrategyCause,
};
pub use forecast::{ForecastMade, ForecastRow};
pub use jobs::{JobOutcome, JobRecord, JobTraceRow};

use crate::workload::{IntervalLatency, RunLatency};

/// One row of `services.csv`: a service at the end of a trace interval.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceRow<'a> {
    /// End of the interval, ms since start.
    pub time_ms: u64,
    /// Service name.
    pub service: &'a str,
    /// desiredCount.
    pub desired: u32,
    /// Tasks RUNNING.
    pub running: u32,
    /// Tasks PROVISIONING, PENDING or ACTIVATING.
    pub pending: u32,
    /// RUNNING tasks that count as healthy.
    pub healthy: u32,
    /// RUNNING tasks of the newest (PRIMARY) deployment.
    pub primary_running: u32,
    /// RUNNING tasks of older (ACTIVE) deployments.
    pub active_running: u32,
    /// Average CPU utilization over the interval, percent of reservation.
    pub cpu_utilization: f64,
    /// Average memory utilization over the interval, percent of reservation.
    pub memory_utilization: f64,
    /// Average demand, requests/s.
    pub demand_rps: f64,
    /// Average served, requests/s.
    pub served_rps: f64,
    /// Average unserved, requests/s.
    pub unserved_rps: f64,
    /// Scalable target MinCapacity (desiredCount when there is no scalable target).
    pub min_capacity: u32,
    /// Scalable target MaxCapacity (desiredCount when there is no scalable target).
    pub max_capacity: u32,
    /// Requests left unserved during the interval.
    pub unserved_requests: f64,
    /// Messages visible in the queue a worker consumes, at `time_ms` (None: not a worker).
    pub queue_depth: Option<f64>,
    /// Age of the oldest visible message at `time_ms`, seconds; 0 when the queue is empty.
    pub oldest_message_age_s: Option<f64>,
    /// The interval's latency estimate (None: the service has no service model).
    pub latency: Option<IntervalLatency>,
    /// Tasks in PROVISIONING at `time_ms` (a part of `pending`): on EC2, waiting for an
    /// instance with room (or an ENI); on Fargate, waiting for capacity.
    pub provisioning: u32,
    /// Share of the service's requests sent to its newest revision at `time_ms`, percent: the
    /// listener rule's weight during a BLUE_GREEN, LINEAR or CANARY deployment, else the
    /// newest revision's share of the healthy tasks.
    pub new_revision_weight_pct: f64,
    /// Requests the newest revision's tasks served during the interval.
    pub new_revision_served_requests: f64,
    /// Requests the targets answered with a 5XX during the interval (`requestErrorRate`).
    pub target_5xx_requests: f64,
}

/// One row of `cluster.csv`: a capacity provider at the end of a trace interval.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterRow<'a> {
    /// End of the interval, ms since start.
    pub time_ms: u64,
    /// Capacity provider name.
    pub capacity_provider: &'a str,
    /// Registered container instances.
    pub instances: u32,
    /// Launched, not yet registered.
    pub instances_pending: u32,
    /// CPU units held by tasks / registered CPU units, percent (0 with no instances).
    pub cpu_reserved_pct: f64,
    /// Memory held by tasks / registered memory, percent.
    pub memory_reserved_pct: f64,
    /// CapacityProviderReservation, percent (reference 6.3); empty for Fargate.
    pub capacity_provider_reservation: Option<f64>,
    /// Tasks of this provider waiting in PROVISIONING.
    pub tasks_provisioning: u32,
    /// Tasks of this provider not yet stopped.
    pub tasks: u32,
    /// Cumulative cost of the provider's capacity since the start, USD.
    pub cost_usd: f64,
    /// The Auto Scaling group's desired capacity; empty for Fargate.
    pub desired_capacity: Option<u32>,
    /// `managedScaling.targetCapacity`, the target of CapacityProviderReservation; empty without
    /// managed scaling.
    pub target_capacity: Option<u32>,
}

/// Kinds of rows in `events.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    /// Run started or ended.
    Run,
    /// A service's desiredCount changed.
    ServiceUpdate,
    /// The service scheduler started or stopped tasks.
    ServiceScheduler,
    /// A task could not be placed.
    PlacementFailure,
    /// Placement succeeded again after failures.
    PlacementRecovered,
    /// A service reached a steady state.
    SteadyState,
    /// An instance launched, registered or terminated.
    Instance,
    /// A fault was injected.
    Fault,
    /// A fault ended (an Availability Zone outage recovered).
    FaultRecovered,
    /// Spot capacity was reclaimed: a FARGATE_SPOT task's or an EC2 Spot Instance's notice.
    SpotInterruption,
    /// A task changed state (only with `--task-events`).
    TaskState,
    /// Application Auto Scaling changed a desired count.
    ScalingActivity,
    /// A CloudWatch alarm changed state.
    Alarm,
    /// A policy was invoked but did not change the desired count (AWS's NotScaled reasons).
    NotScaled,
    /// A rolling deployment started (`UpdateService` with a new revision or forceNewDeployment).
    DeploymentStarted,
    /// An `UpdateService` named the revision the service already runs, without
    /// forceNewDeployment: as in ECS, no deployment starts.
    DeploymentNotStarted,
    /// A deployment reached rolloutState COMPLETED.
    DeploymentCompleted,
    /// The circuit breaker or a deployment alarm failed a deployment (rolloutState FAILED).
    DeploymentFailed,
    /// The circuit breaker started a rollback to the last completed revision.
    RollbackStarted,
    /// The deployment configuration lets the scheduler neither start nor stop a task.
    DeploymentStalled,
    /// A task of a deployment in progress failed (stopped before RUNNING, or failed its health
    /// checks) and the circuit breaker counted it.
    DeploymentTaskFailed,
    /// A BLUE_GREEN, LINEAR or CANARY deployment entered a lifecycle stage (reference 8.7).
    DeploymentStage,
    /// Production or test traffic moved between the blue and green revisions.
    TrafficShifted,
    /// A deployment lifecycle hook returned SUCCEEDED or FAILED.
    LifecycleHook,
    /// Tasks of a service keep failing to start: the scheduler waits before starting more
    /// (the restart throttle, reference 8.5).
    TaskStartThrottled,
    /// Protected tasks outnumber the desired count: scale-in stops short (reference 8.6).
    ScaleInBlocked,
    /// Availability Zone rebalancing started, started or stopped a task, waited, or completed.
    AzRebalancing,
    /// A predictive scaling policy made a forecast, or could not yet (reference 15).
    Forecast,
    /// A predictive scaling policy changed a scalable target's minimum (or maximum) capacity
    /// for the coming hour without changing the desired count.
    PredictiveCapacity,
}

impl EventKind {
    /// The spelling in `events.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Run => "run",
            EventKind::ServiceUpdate => "service_update",
            EventKind::ServiceScheduler => "service_scheduler",
            EventKind::PlacementFailure => "placement_failure",
            EventKind::PlacementRecovered => "placement_recovered",
            EventKind::SteadyState => "steady_state",
            EventKind::Instance => "instance",
            EventKind::Fault => "fault",
            EventKind::FaultRecovered => "fault_recovered",
            EventKind::SpotInterruption => "spot_interruption",
            EventKind::TaskState => "task_state",
            EventKind::ScalingActivity => "scaling_activity",
            EventKind::Alarm => "alarm",
            EventKind::NotScaled => "not_scaled",
            EventKind::DeploymentStarted => "deployment_started",
            EventKind::DeploymentNotStarted => "deployment_not_started",
            EventKind::DeploymentCompleted => "deployment_completed",
            EventKind::DeploymentFailed => "deployment_failed",
            EventKind::RollbackStarted => "rollback_started",
            EventKind::DeploymentStalled => "deployment_stalled",
            EventKind::DeploymentTaskFailed => "deployment_task_failed",
            EventKind::DeploymentStage => "deployment_stage",
            EventKind::TrafficShifted => "traffic_shifted",
            EventKind::LifecycleHook => "lifecycle_hook",
            EventKind::TaskStartThrottled => "task_start_throttled",
            EventKind::ScaleInBlocked => "scale_in_blocked",
            EventKind::AzRebalancing => "az_rebalancing",
            EventKind::Forecast => "forecast",
            EventKind::PredictiveCapacity => "predictive_capacity",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of `events.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    /// When, ms since start.
    pub time_ms: u64,
    /// What kind of thing happened.
    pub kind: EventKind,
    /// What it happened to (a service, instance or task).
    pub subject: String,
    /// A sentence a person can check. Programs read `detail`, never this.
    pub message: String,
    /// The typed payload, where a reader needs one (charts, the summary).
    pub detail: Option<EventDetail>,
}

/// One row of `tasks.csv`: a task that existed during the run.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRecord<'a> {
    /// `t-<n>`.
    pub task_id: u64,
    /// Service name.
    pub service: &'a str,
    /// `family:revision`.
    pub task_definition: &'a str,
    /// Capacity provider name.
    pub capacity_provider: &'a str,
    /// EC2 instance id, empty for Fargate or unplaced tasks.
    pub instance_id: Option<&'a str>,
    /// AZ name once placed.
    pub availability_zone: Option<&'a str>,
    /// Host ports held.
    pub host_ports: &'a [u16],
    /// Creation, ms.
    pub created_ms: u64,
    /// Reached RUNNING, ms.
    pub running_ms: Option<u64>,
    /// Reached STOPPED, ms.
    pub stopped_ms: Option<u64>,
    /// Why it stopped.
    pub stop_reason: &'a str,
}

/// One row of `alarms.csv`: an alarm evaluated on the datapoint that just came through.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmRow<'a> {
    /// Evaluation time, ms since start.
    pub time_ms: u64,
    /// Alarm name.
    pub alarm: &'a str,
    /// Service whose metric it watches.
    pub service: &'a str,
    /// CloudWatch metric name.
    pub metric: &'a str,
    /// The datapoint (None when the metric had no data).
    pub value: Option<f64>,
    /// Threshold.
    pub threshold: f64,
    /// `ComparisonOperator` (written as its symbol, `>`, `<=`, ...).
    pub comparison: Comparison,
    /// State after this evaluation.
    pub state: &'a str,
    /// State before this evaluation (equal to `state` when it did not change).
    pub previous_state: &'a str,
    /// The datapoints this evaluation looked at, oldest first (a missing period has no value).
    pub datapoints: &'a [AlarmDatapoint],
    /// `DatapointsToAlarm` (M).
    pub datapoints_to_alarm: u32,
    /// `EvaluationPeriods` (N).
    pub evaluation_periods: u32,
    /// For an alarm a target tracking policy created and manages: the policy and whether it is
    /// the high or the low alarm. `None` for a user alarm.
    pub tracking: Option<TrackingAlarm<'a>>,
}

impl AlarmRow<'_> {
    /// Whether this evaluation changed the alarm's state (a row of the alarm history).
    pub fn changed_state(&self) -> bool {
        self.state != self.previous_state
    }
}

/// The target tracking policy behind a managed alarm and the alarm's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackingAlarm<'a> {
    /// `PolicyName` (for managed scaling of a capacity provider, the policy ECS creates).
    pub policy: &'a str,
    /// High (scale-out) or low (scale-in) alarm.
    pub role: AlarmRole,
}

/// The role of a target tracking policy's alarm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlarmRole {
    /// The high alarm: in ALARM, the policy scales out.
    High,
    /// The low alarm: in ALARM, the policy scales in.
    Low,
}

impl AlarmRole {
    /// The spelling in `alarms.csv`'s `alarm_role` column.
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmRole::High => "high",
            AlarmRole::Low => "low",
        }
    }

    /// The role spelled `text`.
    pub fn parse(text: &str) -> Option<AlarmRole> {
        [AlarmRole::High, AlarmRole::Low]
            .into_iter()
            .find(|r| r.as_str() == text)
    }

    /// The part of the alarm's name AWS gives it: `AlarmHigh` or `AlarmLow`.
    pub fn aws_name(self) -> &'static str {
        match self {
            AlarmRole::High => "AlarmHigh",
            AlarmRole::Low => "AlarmLow",
        }
    }
}

/// Totals the engine knows at the end of a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunTotals {
    /// Events handled by the loop.
    pub events_processed: u64,
    /// Simulated time reached, ms.
    pub simulated_ms: u64,
    /// Cost per capacity provider, USD, in provider order: (name, cost).
    pub provider_cost_usd: Vec<(String, f64)>,
    /// Cost per service, USD (Fargate tasks and a share of EC2 by reserved CPU), in service order.
    pub service_cost_usd: Vec<(String, f64)>,
    /// EC2 cost no task reserved (idle room, launch time, minimums), USD.
    pub unallocated_cost_usd: f64,
    /// FARGATE_SPOT task interruptions per service, in service order.
    pub service_spot_interruptions: Vec<(String, u64)>,
    /// Spot interruptions (tasks or instances) per capacity provider, in provider order.
    pub provider_spot_interruptions: Vec<(String, u64)>,
    /// Tasks created in the run.
    pub tasks_started: u64,
    /// Placement failures reported.
    pub placement_failures: u64,
    /// Response-time figures over the run of each service with a service model, in service order.
    pub service_latency: Vec<(String, RunLatency)>,
}

/// Error from a sink (an I/O failure, stringified by the adapter).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SinkError(pub String);

/// Where the engine sends everything it records. Implemented by the CSV writer and by test sinks.
pub trait TraceSink {
    /// A `services.csv` row.
    fn service_row(&mut self, row: &ServiceRow<'_>) -> Result<(), SinkError>;
    /// A `cluster.csv` row.
    fn cluster_row(&mut self, row: &ClusterRow<'_>) -> Result<(), SinkError>;
    /// An `events.csv` row.
    fn event(&mut self, record: &EventRecord) -> Result<(), SinkError>;
    /// An alarm evaluation (every one; `alarms.csv` keeps the state changes unless asked for all).
    fn alarm_row(&mut self, row: &AlarmRow<'_>) -> Result<(), SinkError>;
    /// A `tasks.csv` row (when a task stops, or at the end for tasks still alive).
    fn task(&mut self, record: &TaskRecord<'_>) -> Result<(), SinkError>;
    /// A `jobs.csv` row (when a standalone task's attempt ends, or at the end for those still
    /// waiting or running). Only runs with standalone tasks send any; a sink that keeps no job
    /// figures leaves this default.
    fn job(&mut self, _record: &JobRecord<'_>) -> Result<(), SinkError> {
        Ok(())
    }
    /// A `jobs-trace.csv` row, at every trace tick of a run with standalone tasks.
    fn job_row(&mut self, _row: &JobTraceRow) -> Result<(), SinkError> {
        Ok(())
    }
    /// A predictive scaling policy made a forecast. Only runs with predictive policies send any.
    fn forecast(&mut self, _record: &ForecastMade<'_>) -> Result<(), SinkError> {
        Ok(())
    }
    /// A `forecast.csv` row, when a forecast hour has ended.
    fn forecast_row(&mut self, _row: &ForecastRow<'_>) -> Result<(), SinkError> {
        Ok(())
    }
    /// Called once at the end with the engine's totals.
    fn finish(&mut self, totals: &RunTotals) -> Result<(), SinkError>;
}

/// A sink that keeps everything in memory (tests and small runs).
#[derive(Default, Debug)]
pub struct MemorySink {
    /// Owned copies of services rows: (time_ms, service, desired, running, pending, healthy, demand, served, unserved, cpu).
    pub services: Vec<OwnedServiceRow>,
    /// Cluster rows: (time_ms, provider, instances, pending, provisioning tasks, cost).
    pub cluster: Vec<(u64, String, u32, u32, u32, f64)>,
    /// Events.
    pub events: Vec<EventRecord>,
    /// Task rows: (task id, service, instance, az, stop reason).
    pub tasks: Vec<OwnedTaskRow>,
    /// Alarm rows: (time_ms, alarm, value, state).
    pub alarms: Vec<(u64, String, Option<f64>, String)>,
    /// `jobs.csv` rows.
    pub jobs: Vec<OwnedJobRecord>,
    /// `jobs-trace.csv` rows.
    pub job_rows: Vec<JobTraceRow>,
    /// Forecasts made: (time_ms, policy, hours).
    pub forecasts: Vec<(u64, String, u32)>,
    /// `forecast.csv` rows: (hour start ms, policy, capacity forecast, actual load, min capacity).
    pub forecast_rows: Vec<(u64, String, u32, f64, Option<u32>)>,
    /// Totals.
    pub totals: Option<RunTotals>,
}

/// A `jobs.csv` row for `MemorySink`.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedJobRecord {
    /// Job id.
    pub job_id: u64,
    /// Attempt, from 1.
    pub attempt: u32,
    /// Trigger name.
    pub trigger_name: String,
    /// Capacity provider.
    pub capacity_provider: String,
    /// Instance id or FARGATE.
    pub instance: String,
    /// RunTask call, ms.
    pub created_ms: u64,
    /// Placed, ms.
    pub placed_ms: Option<u64>,
    /// RUNNING, ms.
    pub started_ms: Option<u64>,
    /// Ended, ms.
    pub ended_ms: Option<u64>,
    /// Outcome.
    pub outcome: JobOutcome,
    /// Exit code.
    pub exit_code: Option<u8>,
    /// Reason.
    pub reason: String,
    /// Cost, USD.
    pub cost_usd: f64,
}

/// A task row for `MemorySink`: (task id, service, instance id, AZ, stop reason).
pub type OwnedTaskRow = (u64, String, Option<String>, Option<String>, String);

/// An owned services row for `MemorySink`.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedServiceRow {
    /// Time, ms.
    pub time_ms: u64,
    /// Service.
    pub service: String,
    /// desiredCount.
    pub desired: u32,
    /// RUNNING.
    pub running: u32,
    /// Starting.
    pub pending: u32,
    /// Healthy.
    pub healthy: u32,
    /// Demand, rps.
    pub demand_rps: f64,
    /// Served, rps.
    pub served_rps: f64,
    /// Unserved, rps.
    pub unserved_rps: f64,
    /// CPU utilization, percent.
    pub cpu_utilization: f64,
    /// Messages visible (workers only).
    pub queue_depth: Option<f64>,
    /// Age of the oldest message, seconds (workers only).
    pub oldest_message_age_s: Option<f64>,
    /// PROVISIONING (a part of `pending`).
    pub provisioning: u32,
}

impl TraceSink for MemorySink {
    fn service_row(&mut self, r: &ServiceRow<'_>) -> Result<(), SinkError> {
        self.services.push(OwnedServiceRow {
            time_ms: r.time_ms,
            service: r.service.to_string(),
            desired: r.desired,
            running: r.running,
            pending: r.pending,
            healthy: r.healthy,
            demand_rps: r.demand_rps,
            served_rps: r.served_rps,
            unserved_rps: r.unserved_rps,
            cpu_utilization: r.cpu_utilization,
            queue_depth: r.queue_depth,
            oldest_message_age_s: r.oldest_message_age_s,
            provisioning: r.provisioning,
        });
        Ok(())
    }
    fn cluster_row(&mut self, r: &ClusterRow<'_>) -> Result<(), SinkError> {
        self.cluster.push((
            r.time_ms,
            r.capacity_provider.to_string(),
            r.instances,
            r.instances_pending,
            r.tasks_provisioning,
            r.cost_usd,
        ));
        Ok(())
    }
    fn event(&mut self, record: &EventRecord) -> Result<(), SinkError> {
        self.events.push(record.clone());
        Ok(())
    }
    fn alarm_row(&mut self, r: &AlarmRow<'_>) -> Result<(), SinkError> {
        self.alarms
            .push((r.time_ms, r.alarm.to_string(), r.value, r.state.to_string()));
        Ok(())
    }
    fn task(&mut self, r: &TaskRecord<'_>) -> Result<(), SinkError> {
        self.tasks.push((
            r.task_id,
            r.service.to_string(),
            r.instance_id.map(str::to_string),
            r.availability_zone.map(str::to_string),
            r.stop_reason.to_string(),
        ));
        Ok(())
    }
    fn job(&mut self, r: &JobRecord<'_>) -> Result<(), SinkError> {
        self.jobs.push(OwnedJobRecord {
            job_id: r.job_id,
            attempt: r.attempt,
            trigger_name: r.trigger_name.to_string(),
            capacity_provider: r.capacity_provider.to_string(),
            instance: r.instance.to_string(),
            created_ms: r.created_ms,
            placed_ms: r.placed_ms,
            started_ms: r.started_ms,
            ended_ms: r.ended_ms,
            outcome: r.outcome,
            exit_code: r.exit_code,
            reason: r.reason.to_string(),
            cost_usd: r.cost_usd,
        });
        Ok(())
    }
    fn forecast(&mut self, r: &ForecastMade<'_>) -> Result<(), SinkError> {
        self.forecasts.push((r.time_ms, r.policy.to_string(), r.hours));
        Ok(())
    }
    fn forecast_row(&mut self, r: &ForecastRow<'_>) -> Result<(), SinkError> {
        self.forecast_rows.push((
            r.time_ms,
            r.policy.to_string(),
            r.capacity_forecast,
            r.actual_load,
            r.min_capacity,
        ));
        Ok(())
    }
    fn job_row(&mut self, row: &JobTraceRow) -> Result<(), SinkError> {
        self.job_rows.push(row.clone());
        Ok(())
    }
    fn finish(&mut self, totals: &RunTotals) -> Result<(), SinkError> {
        self.totals = Some(totals.clone());
        Ok(())
    }
}
