//! The state of the simulated world and its construction from a `Spec`.

use std::cell::RefCell;

use rand_chacha::ChaCha8Rng;

use super::accounting::Accounting;
use super::asg_target_tracking::AsgTargetTrackingState;
use super::autoscaling::{AutoScalingState, MetricPeriodState};
use super::capacity::Capacity;
use super::capacity::faults::FaultState;
use super::cluster_autoscaling::ManagedScalingState;
use super::tasks::TaskTable;
use crate::engine::event::Event;
use crate::model::task::TASK_STATE_COUNT;
use crate::model::{TaskId, TaskState};
use crate::sim::{EventQueue, RngStreams, SimTime};
use crate::spec::{CapacityProviderKind, Spec};
use crate::trace::{EventKind, EventRecord, SinkError, TraceSink};
use crate::workload::{IntervalAccumulator, MessageQueue, ServingModel};

/// Runtime state of one service.
pub(super) struct ServiceState {
    pub desired: u32,
    /// The revision of the PRIMARY deployment: new tasks run it.
    pub task_definition: usize,
    /// The number of the newest deployment (`ecs-svc/<n>`; 1 is the one the service started with).
    pub deployment_number: u32,
    /// The deployment in progress, if any.
    pub deployment: Option<super::service::deployments::DeploymentRun>,
    /// The revision of the last COMPLETED deployment (where a rollback goes).
    pub last_completed_revision: usize,
    /// `deploymentConfiguration` now (an `updateService` on the timeline may change it).
    pub deployment_config: crate::spec::DeploymentConfiguration,
    /// Tasks not yet STOPPED, in creation order.
    pub tasks: Vec<TaskId>,
    /// Tasks per lifecycle state.
    pub counts: [u32; TASK_STATE_COUNT],
    /// RUNNING tasks that count as healthy.
    pub healthy: u32,
    /// Starting-or-running tasks per strategy item.
    pub per_strategy_item: Vec<u32>,
    /// Starting-or-running placed tasks per instance (indexed by instance id).
    pub tasks_on_instance: Vec<u32>,
    /// Starting-or-running placed tasks per AZ.
    pub tasks_in_az: Vec<u32>,
    /// Tasks waiting in PROVISIONING without an instance, in creation order.
    pub unplaced: Vec<TaskId>,
    pub serving: ServingModel,
    /// The queue a worker service consumes (`None`: the service serves requests).
    pub queue: Option<MessageQueue>,
    pub load_rng: ChaCha8Rng,
    pub demand_rps: f64,
    pub accumulator: IntervalAccumulator,
    pub accumulated_until: SimTime,
    pub reconcile_queued: bool,
    /// The last placement failure reason logged, so a repeated failure is logged once.
    pub last_placement_failure: Option<&'static str>,
    pub steady: bool,
    /// Metric accumulation for the current 60 s and 20 s periods.
    pub metric_periods: [MetricPeriodState; 2],
    /// Tasks in a row that stopped without reaching RUNNING (the restart throttle, reference 8.5).
    pub start_failures: u32,
    /// The service scheduler starts no task before this time (the restart throttle).
    pub throttled_until: SimTime,
    /// The "unable to scale in" event was written for the current shortfall (reference 8.6).
    pub scale_in_blocked_logged: bool,
}

impl ServiceState {
    /// Tasks that count toward desiredCount (not stopping).
    pub fn active_count(&self) -> u32 {
        self.counts[..=TaskState::Running.index()].iter().sum()
    }

    /// Tasks PROVISIONING, PENDING or ACTIVATING.
    pub fn starting_count(&self) -> u32 {
        self.counts[..TaskState::Running.index()].iter().sum()
    }

    /// Tasks between RUNNING and STOPPED.
    pub fn stopping_count(&self) -> u32 {
        self.counts[TaskState::Deactivating.index()..TaskState::Stopped.index()]
            .iter()
            .sum()
    }
}

/// The whole simulated world.
pub(super) struct World<'s> {
    pub spec: &'s Spec,
    pub now: SimTime,
    pub end: SimTime,
    pub queue: EventQueue<Event>,
    /// The tasks that have not stopped (`tasks/`).
    pub tasks: TaskTable,
    pub services: Vec<ServiceState>,
    /// EC2 instances and Auto Scaling groups (`capacity/`).
    pub capacity: Capacity,
    /// Cost and the trace clock (`accounting/`).
    pub accounting: Accounting,
    pub task_definition_labels: Vec<String>,
    pub placement_failures: u64,
    /// True while services are being put into their warm-start state: no lifecycle timers.
    pub warm_starting: bool,
    /// Scalable targets, policies and alarms.
    pub auto_scaling: AutoScalingState,
    /// Capacity providers with managed scaling.
    pub managed_scaling: Vec<ManagedScalingState>,
    /// EC2 Auto Scaling target tracking policies of the groups.
    pub asg_tracking: AsgTargetTrackingState,
    /// Per service, the stream of the `random` placement strategy (`placement/<service>`).
    pub placement_rngs: Vec<RefCell<ChaCha8Rng>>,
    /// Zone outages, draining instances, Spot interruptions.
    pub faults: FaultState,
}

impl<'s> World<'s> {
    /// An empty world for `spec`; `run` populates it.
    pub fn new(spec: &'s Spec) -> Self {
        let streams = RngStreams::new(spec.seed);
        let services = spec
            .services
            .iter()
            .map(|s| {
                let b = &spec.behavior.task_definitions[s.task_definition];
                ServiceState {
                    desired: s.desired_count,
                    task_definition: s.task_definition,
                    deployment_number: 1,
                    deployment: None,
                    last_completed_revision: s.task_definition,
                    deployment_config: s.deployment.clone(),
                    tasks: Vec::new(),
                    counts: [0; TASK_STATE_COUNT],
                    healthy: 0,
                    per_strategy_item: vec![0; s.strategy.len()],
                    tasks_on_instance: Vec::new(),
                    tasks_in_az: vec![0; spec.availability_zones.len()],
                    unplaced: Vec::new(),
                    serving: ServingModel {
                        // A worker's full CPU is its message rate (validated for workers).
                        requests_per_second_at_full_cpu: match &s.queue {
                            Some(_) => b.messages_per_second_per_task.unwrap_or(0.0),
                            None => b.requests_per_second_at_full_cpu,
                        },
                        idle_cpu_percent: b.idle_cpu_percent,
                        idle_memory_percent: b.idle_memory_percent,
                        memory_percent_at_full_cpu: b.memory_percent_at_full_cpu,
                    },
                    queue: s.queue.as_ref().map(|_| MessageQueue::new()),
                    load_rng: streams.stream(&format!("load-noise/{}", s.name)),
                    demand_rps: 0.0,
                    accumulator: IntervalAccumulator::default(),
                    accumulated_until: SimTime::ZERO,
                    reconcile_queued: false,
                    last_placement_failure: None,
                    steady: false,
                    metric_periods: Default::default(),
                    start_failures: 0,
                    throttled_until: SimTime::ZERO,
                    scale_in_blocked_logged: false,
                }
            })
            .collect();
        World {
            spec,
            now: SimTime::ZERO,
            end: SimTime(spec.duration.as_millis()),
            queue: EventQueue::new(),
            tasks: TaskTable::new(&streams),
            services,
            capacity: Capacity::new(spec, &streams),
            accounting: Accounting::new(spec),
            task_definition_labels: spec.task_definitions.iter().map(|t| t.arn_suffix()).collect(),
            placement_failures: 0,
            warm_starting: false,
            auto_scaling: AutoScalingState::new(spec),
            managed_scaling: ManagedScalingState::for_spec(spec),
            asg_tracking: AsgTargetTrackingState::for_spec(spec),
            placement_rngs: spec
                .services
                .iter()
                .map(|s| RefCell::new(streams.stream(&format!("placement/{}", s.name))))
                .collect(),
            faults: FaultState::new(spec, &streams),
        }
    }

    /// Schedules an event `delay_ms` from now.
    pub fn schedule_in(&mut self, delay_ms: u64, event: Event) {
        self.queue.push(SimTime(self.now.0.saturating_add(delay_ms)), event);
    }

    /// Asks the service scheduler to look at `service` (once, however often it is asked).
    pub fn request_reconcile(&mut self, service: usize) {
        if !self.services[service].reconcile_queued {
            self.services[service].reconcile_queued = true;
            self.schedule_in(0, Event::Reconcile { service });
        }
    }

    /// Asks the service scheduler to look at `service` at `at` (a timer: the end of the restart
    /// throttle, a task protection expiring). It does not replace an immediate request; an extra
    /// pass changes nothing.
    pub fn request_reconcile_at(&mut self, service: usize, at: SimTime) {
        self.queue.push(at.max(self.now), Event::Reconcile { service });
    }

    /// True while the restart throttle keeps the service scheduler from starting tasks.
    pub fn start_throttled(&self, service: usize) -> bool {
        self.now < self.services[service].throttled_until
    }

    /// Writes an `events.csv` row.
    pub fn log(
        &self,
        sink: &mut dyn TraceSink,
        kind: EventKind,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Result<(), SinkError> {
        sink.event(&EventRecord {
            time_ms: self.now.0,
            kind,
            subject: subject.into(),
            message: message.into(),
        })
    }

    /// True when capacity provider `p` is FARGATE or FARGATE_SPOT.
    pub fn provider_is_fargate(&self, p: usize) -> bool {
        !matches!(
            self.spec.capacity_providers[p].kind,
            CapacityProviderKind::AutoScalingGroup(_)
        )
    }

    /// Display id of a task.
    pub fn task_label(id: TaskId) -> String {
        format!("t-{}", id.0)
    }
}
