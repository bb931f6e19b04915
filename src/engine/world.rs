//! The state of the simulated world and its construction from a `Spec`.

use std::cell::RefCell;
use std::collections::BTreeMap;

use rand_chacha::ChaCha8Rng;

use super::asg_target_tracking::AsgTargetTrackingState;
use super::autoscaling::{AutoScalingState, MetricPeriodState};
use super::cluster_autoscaling::ManagedScalingState;
use super::cost::CostMeter;
use super::event::Event;
use super::faults::FaultState;
use crate::model::task::TASK_STATE_COUNT;
use crate::model::{ContainerInstance, InstanceId, Task, TaskId, TaskState};
use crate::policy::placement::FreeCapacityIndex;
use crate::sim::{EventQueue, RngStreams, SimTime};
use crate::spec::{CapacityProviderKind, Spec};
use crate::trace::{EventDetail, EventKind, EventRecord, SinkError, TraceSink};
use crate::workload::{IntervalAccumulator, MessageQueue, ServingModel};

/// Runtime state of one service.
pub(super) struct ServiceState {
    pub desired: u32,
    /// The revision of the PRIMARY deployment: new tasks run it.
    pub task_definition: usize,
    /// The number of the newest deployment (`ecs-svc/<n>`; 1 is the one the service started with).
    pub deployment_number: u32,
    /// The deployment in progress, if any.
    pub deployment: Option<super::deployments::DeploymentRun>,
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

/// Runtime state of one Auto Scaling group.
pub(super) struct AutoScalingGroupState {
    pub desired: u32,
    /// Instances launching or active.
    pub live: Vec<InstanceId>,
    /// When the group last launched an instance after the start of the run.
    pub last_launch_at: Option<SimTime>,
    /// Picks among equally good instances to terminate on scale-in.
    pub termination_rng: ChaCha8Rng,
}

/// The whole simulated world.
pub(super) struct World<'s> {
    pub spec: &'s Spec,
    pub now: SimTime,
    pub end: SimTime,
    pub queue: EventQueue<Event>,
    pub instances: Vec<ContainerInstance>,
    pub tasks: BTreeMap<TaskId, Task>,
    pub services: Vec<ServiceState>,
    pub groups: Vec<AutoScalingGroupState>,
    pub cost: CostMeter,
    pub next_task_id: u64,
    pub task_timing_rng: ChaCha8Rng,
    /// Draws whether a bad revision's task fails to start or fails its health check.
    pub failure_rng: ChaCha8Rng,
    pub instance_rng: ChaCha8Rng,
    pub task_definition_labels: Vec<String>,
    pub tasks_started: u64,
    pub placement_failures: u64,
    pub last_trace_at: SimTime,
    /// Availability Zones failed by the timeline: nothing new launches there.
    pub impaired_zones: Vec<bool>,
    /// True while services are being put into their warm-start state: no lifecycle timers.
    pub warm_starting: bool,
    /// Scalable targets, policies and alarms.
    pub auto_scaling: AutoScalingState,
    /// Capacity providers with managed scaling.
    pub managed_scaling: Vec<ManagedScalingState>,
    /// EC2 Auto Scaling target tracking policies of the groups.
    pub asg_tracking: AsgTargetTrackingState,
    /// ACTIVE instances by free CPU and memory, for placement without a full scan.
    pub free_capacity: FreeCapacityIndex,
    /// Per service, the stream of the `random` placement strategy (`placement/<service>`).
    pub placement_rngs: Vec<RefCell<ChaCha8Rng>>,
    /// Zone outages, draining instances, Spot interruptions.
    pub faults: FaultState,
    /// Cost per service (Fargate tasks and shares of EC2 instances), indexed like services.
    pub service_cost: CostMeter,
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
        let groups = spec
            .auto_scaling_groups
            .iter()
            .map(|g| AutoScalingGroupState {
                desired: g.desired_capacity,
                live: Vec::new(),
                last_launch_at: None,
                termination_rng: streams.stream(&format!("asg-termination/{}", g.name)),
            })
            .collect();
        World {
            spec,
            now: SimTime::ZERO,
            end: SimTime(spec.duration.as_millis()),
            queue: EventQueue::new(),
            instances: Vec::new(),
            tasks: BTreeMap::new(),
            services,
            groups,
            cost: CostMeter::new(spec.capacity_providers.len()),
            next_task_id: 1,
            task_timing_rng: streams.stream("task-timing"),
            failure_rng: streams.stream("task-failures"),
            instance_rng: streams.stream("instance-launch"),
            task_definition_labels: spec.task_definitions.iter().map(|t| t.arn_suffix()).collect(),
            tasks_started: 0,
            placement_failures: 0,
            last_trace_at: SimTime::ZERO,
            impaired_zones: vec![false; spec.availability_zones.len()],
            warm_starting: false,
            auto_scaling: AutoScalingState::new(spec),
            managed_scaling: ManagedScalingState::for_spec(spec),
            asg_tracking: AsgTargetTrackingState::for_spec(spec),
            free_capacity: FreeCapacityIndex::new(spec.capacity_providers.len(), spec.availability_zones.len()),
            placement_rngs: spec
                .services
                .iter()
                .map(|s| RefCell::new(streams.stream(&format!("placement/{}", s.name))))
                .collect(),
            faults: FaultState::new(spec, &streams),
            service_cost: CostMeter::new(spec.services.len()),
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
        self.log_event(sink, kind, subject.into(), message.into(), None)
    }

    /// Writes an `events.csv` row with the typed payload readers use instead of the message.
    pub fn log_detail(
        &self,
        sink: &mut dyn TraceSink,
        kind: EventKind,
        subject: impl Into<String>,
        message: impl Into<String>,
        detail: EventDetail,
    ) -> Result<(), SinkError> {
        self.log_event(sink, kind, subject.into(), message.into(), Some(detail))
    }

    fn log_event(
        &self,
        sink: &mut dyn TraceSink,
        kind: EventKind,
        subject: String,
        message: String,
        detail: Option<EventDetail>,
    ) -> Result<(), SinkError> {
        sink.event(&EventRecord {
            time_ms: self.now.0,
            kind,
            subject,
            message,
            detail,
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
