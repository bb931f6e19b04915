//! The closed set of things that can happen at a point of simulated time.

use super::eks::EksEvent;
use super::scaling::ScalingKind;
use crate::model::{InstanceId, TaskId};
use crate::sim::{ProviderIdx, ServiceIdx};

/// An event in the queue. Events carry ids, never objects; a timer whose task has moved on since
/// it was scheduled carries an old `generation` and is dropped when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// Write one row per service and per capacity provider.
    TraceTick,
    /// Sample every service's demand for the next load step.
    LoadStep,
    /// The current lifecycle step of a task has finished.
    TaskTimer {
        /// The task.
        task: TaskId,
        /// Its generation when the timer was set.
        generation: u32,
    },
    /// A RUNNING task without health checks now counts as healthy.
    TaskHealthy {
        /// The task.
        task: TaskId,
        /// Its generation when the timer was set.
        generation: u32,
    },
    /// A RUNNING task's container health check has failed `retries` times.
    TaskUnhealthy {
        /// The task.
        task: TaskId,
        /// Its generation when the timer was set.
        generation: u32,
    },
    /// A launched EC2 instance registers with the cluster.
    InstanceRegistered {
        /// The instance.
        instance: InstanceId,
    },
    /// The service scheduler looks at a service and starts or stops tasks.
    Reconcile {
        /// Service index.
        service: ServiceIdx,
    },
    /// A metric period of a scaling pipeline ends: its datapoints are computed.
    MetricPeriod {
        /// The pipeline.
        kind: ScalingKind,
    },
    /// A period's datapoints have come through the pipeline: its alarms are evaluated and act.
    AlarmEvaluation {
        /// The pipeline.
        kind: ScalingKind,
    },
    /// A minute ends: predictive scaling measures its services' load.
    PredictiveMinute,
    /// Predictive scaling policies make their 6-hourly forecast.
    PredictiveForecast,
    /// A forecast hour's action: its capacity becomes the minimum (`SchedulingBufferTime` early).
    PredictiveHour {
        /// Index into the predictive policies' states.
        policy: usize,
        /// The policy's forecast generation when scheduled: a later forecast drops it.
        generation: u32,
        /// Index into the forecast's hours.
        index: usize,
    },
    /// A scheduled action fires.
    ScheduledAction {
        /// Index into the scalable targets' scheduled actions.
        index: usize,
    },
    /// The EC2 instance rebalance recommendation ahead of timeline entry `index`, a
    /// `spotInterruption` of a group with CapacityRebalance.
    RebalanceRecommendation {
        /// Index into `Spec::timeline`.
        index: usize,
    },
    /// An entry of the scenario's timeline is due.
    Timeline {
        /// Index into `Spec::timeline`.
        index: usize,
    },
    /// A FARGATE_SPOT task's interruption, drawn when it reached RUNNING, is due.
    SpotTaskInterruption {
        /// The task.
        task: TaskId,
        /// Its generation when the timer was set.
        generation: u32,
    },
    /// Two minutes after its interruption notice, an interrupted Spot task's capacity is gone.
    SpotTaskReclaimed {
        /// The task.
        task: TaskId,
    },
    /// Two minutes after its interruption notice, EC2 terminates a Spot Instance.
    SpotInstanceReclaimed {
        /// The instance.
        instance: InstanceId,
    },
    /// A RunTask call of `Spec::run_tasks` is made.
    RunTask {
        /// Index into `Spec::run_tasks`.
        index: usize,
    },
    /// The current phase of a standalone task's run has finished.
    JobTimer {
        /// The run.
        run: usize,
        /// Its generation when the timer was set.
        generation: u32,
    },
    /// A RUNNING FARGATE_SPOT standalone task's interruption, drawn when it reached RUNNING, is due.
    JobSpotInterruption {
        /// The run.
        run: usize,
        /// Its generation when the interruption was drawn.
        generation: u32,
    },
    /// The next attempt of an interrupted standalone task starts (its trigger's RetryPolicy
    /// allowed it, with `behavior.eventBridge.retryInterruptedTasks`).
    RetryJob {
        /// The interrupted run.
        run: usize,
    },
    /// Standalone tasks waiting on a provider try to find room (capacity was freed or came).
    PlaceJobs {
        /// The provider.
        provider: ProviderIdx,
    },
    /// The wait of a BLUE_GREEN, LINEAR or CANARY deployment's current stage ends: its lifecycle
    /// hooks return, or a bake is over.
    DeploymentTimer {
        /// The service.
        service: ServiceIdx,
        /// The deployment's number (`ecs-svc/<n>`): a later deployment ignores the timer.
        deployment: u32,
        /// The deployment's timer generation when it was set.
        generation: u32,
    },
    /// Something happens in the EKS cluster.
    Eks(EksEvent),
    /// An Availability Zone outage ends.
    ZoneRecovered {
        /// Index into `Spec::availability_zones`.
        zone: usize,
    },
}
