//! The runtime state of one service and the counters placement, strategies and deployments read.
//! The counters change only through the `count_*` methods here, so every increment has its
//! decrement in the same file.

use std::cell::RefCell;

use rand_chacha::ChaCha8Rng;

use crate::engine::scaling::MetricPeriodState;
use crate::model::task::TASK_STATE_COUNT;
use crate::model::{InstanceId, TaskId, TaskState};
use crate::sim::{IdMap, RngStreams, ServiceIdx, SimTime};
use crate::spec::{RequestMode, Spec};

use super::requests::{RequestServing, exact_serving};
use super::revision_serving::{RevisionServing, demand_split, serving_model};
use crate::workload::{DemandSplit, IntervalAccumulator, MessageQueue, RequestQueue, ServingModel};

/// Runtime state of one service.
pub(in crate::engine) struct ServiceState {
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
    /// Starting-or-running placed tasks per instance id (instances with none are absent).
    pub tasks_on_instance: IdMap<u32>,
    /// Starting-or-running placed tasks per AZ.
    pub tasks_in_az: Vec<u32>,
    /// Tasks waiting in PROVISIONING without an instance, in creation order.
    pub unplaced: Vec<TaskId>,
    /// Scratch space for `place_waiting_tasks`: a copy of `unplaced`, kept to reuse its memory.
    pub placing: Vec<TaskId>,
    /// How a task of the service's first revision serves.
    pub serving: ServingModel,
    /// Healthy tasks per revision, each with how it serves.
    pub revisions: RevisionServing,
    /// How demand reaches tasks of revisions that serve differently.
    pub demand_split: DemandSplit,
    /// The queue a worker service consumes (`None`: the service serves requests).
    pub queue: Option<MessageQueue>,
    /// How a service whose task definition has a service model serves requests (issue 14):
    /// the estimate's queue, or every request.
    pub requests: Option<RequestServing>,
    pub load_rng: ChaCha8Rng,
    pub demand_rps: f64,
    pub accumulator: IntervalAccumulator,
    pub accumulated_until: SimTime,
    pub reconcile_queued: bool,
    /// The last placement failure reason logged, so a repeated failure is logged once.
    pub last_placement_failure: Option<&'static str>,
    pub steady: bool,
    /// Metric accumulation for the current 60 s and 20 s periods, and (index
    /// `PREDICTIVE_PERIOD`) the minute predictive scaling measures its load over.
    pub metric_periods: [MetricPeriodState; 3],
    /// How many of `metric_periods` accumulate: 3 when a predictive policy scales the service
    /// (set by `World::new`), else 2 (the predictive minute costs nothing where nothing reads it).
    pub metric_periods_kept: usize,
    /// Tasks in a row that stopped without reaching RUNNING (the restart throttle, reference 8.5).
    pub start_failures: u32,
    /// The service scheduler starts no task before this time (the restart throttle).
    pub throttled_until: SimTime,
    /// The "unable to scale in" event was written for the current shortfall (reference 8.6).
    pub scale_in_blocked_logged: bool,
    /// The stream of the `random` placement strategy (`placement/<service>`).
    pub placement_rng: RefCell<ChaCha8Rng>,
    /// Whether each lifecycle hook invocation fails (`lifecycle-hooks/<service>`, A21).
    pub hook_rng: ChaCha8Rng,
    /// Requests answered with a 5XX by the targets since the last ALB metric period closed
    /// (`requestErrorRate`).
    pub target_errors_in_period: f64,
    /// Requests served by the newest revision since the last trace row.
    pub new_served_in_row: f64,
    /// Requests answered with a 5XX by the targets since the last trace row.
    pub target_errors_in_row: f64,
    /// Availability Zone rebalancing: the move under way, whether an operation is in progress,
    /// and whether the last move could not reach its zone (see `rebalancing`).
    pub rebalancing: super::rebalancing::Rebalancing,
}

impl ServiceState {
    /// Service `index` of `spec` before the run: its desired count, no tasks.
    pub fn new(spec: &Spec, index: ServiceIdx, streams: &RngStreams) -> ServiceState {
        let s = &spec.services[index];
        let b = &spec.behavior.task_definitions[s.task_definition];
        let timeout_ms = spec.behavior.latency.timeout.as_millis();
        let requests = match (&s.queue, &b.service_model, s.request_mode) {
            (None, Some(_), RequestMode::Requests) => {
                let mut exact = exact_serving(spec, index, streams);
                if spec.auto_scaling.reads_alb_metrics_of(index) {
                    exact.track_metric_periods();
                }
                Some(RequestServing::Exact(Box::new(exact)))
            }
            (None, Some(m), RequestMode::Estimate) => {
                let mut queue = RequestQueue::new(m.service_time.clone(), m.concurrency, timeout_ms);
                if spec.auto_scaling.reads_alb_metrics_of(index) {
                    queue.track_metric_periods();
                }
                Some(RequestServing::Estimate(Box::new(queue)))
            }
            _ => None,
        };
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
            tasks_on_instance: IdMap::new(),
            tasks_in_az: vec![0; spec.availability_zones.len()],
            unplaced: Vec::new(),
            placing: Vec::new(),
            serving: serving_model(spec, index, s.task_definition),
            revisions: RevisionServing::default(),
            demand_split: demand_split(spec, index),
            queue: s.queue.as_ref().map(|_| MessageQueue::new()),
            requests,
            load_rng: streams.stream(&format!("load-noise/{}", s.name)),
            demand_rps: 0.0,
            accumulator: IntervalAccumulator::default(),
            accumulated_until: SimTime::ZERO,
            reconcile_queued: false,
            last_placement_failure: None,
            steady: false,
            metric_periods: Default::default(),
            metric_periods_kept: 2,
            start_failures: 0,
            throttled_until: SimTime::ZERO,
            scale_in_blocked_logged: false,
            rebalancing: Default::default(),
            placement_rng: RefCell::new(streams.stream(&format!("placement/{}", s.name))),
            hook_rng: streams.stream(&format!("lifecycle-hooks/{}", s.name)),
            target_errors_in_period: 0.0,
            new_served_in_row: 0.0,
            target_errors_in_row: 0.0,
        }
    }

    /// A task was created in PROVISIONING on strategy item `item`.
    pub fn count_created(&mut self, item: usize) {
        self.counts[TaskState::Provisioning.index()] += 1;
        self.per_strategy_item[item] += 1;
    }

    /// A task moved from `from` to `to`; a STOPPED task is no longer counted.
    pub fn count_state_change(&mut self, from: TaskState, to: TaskState) {
        self.counts[from.index()] -= 1;
        if to != TaskState::Stopped {
            self.counts[to.index()] += 1;
        }
    }

    /// A RUNNING task of `revision` turned healthy (`true`) or stopped being healthy (`false`).
    pub fn count_healthy(&mut self, spec: &Spec, service: ServiceIdx, revision: usize, healthy: bool) {
        if healthy {
            self.healthy += 1;
        } else {
            self.healthy -= 1;
        }
        self.revisions
            .count_healthy(revision, || serving_model(spec, service, revision), healthy);
    }

    /// A task was given Availability Zone `az` (and, on EC2, placed on `instance`).
    pub fn count_placed(&mut self, az: usize, instance: Option<InstanceId>) {
        self.tasks_in_az[az] += 1;
        if let Some(instance) = instance {
            let id = u64::from(instance.0);
            let n = self.tasks_on_instance.get(id).copied().unwrap_or(0);
            self.tasks_on_instance.insert(id, n + 1);
        }
    }

    /// A task stopped counting toward the service (it is stopping or stopped): it leaves its
    /// strategy item, its zone and its instance.
    pub fn count_left(&mut self, item: usize, az: Option<usize>, instance: Option<InstanceId>) {
        self.per_strategy_item[item] -= 1;
        if let Some(az) = az {
            self.tasks_in_az[az] -= 1;
        }
        if let Some(instance) = instance {
            let id = u64::from(instance.0);
            match self.tasks_on_instance.get(id).copied() {
                Some(1) => {
                    self.tasks_on_instance.remove(id);
                }
                Some(n) => {
                    self.tasks_on_instance.insert(id, n - 1);
                }
                None => panic!("task left instance {id} where the service counted none"),
            }
        }
    }

    /// Over `elapsed_ms`, the newest revision served `new_served_rps` and the targets answered
    /// `errors_rps` with a 5XX.
    pub fn count_revision_requests(&mut self, elapsed_ms: u64, new_served_rps: f64, errors_rps: f64) {
        let seconds = elapsed_ms as f64 / 1000.0;
        self.new_served_in_row += new_served_rps * seconds;
        self.target_errors_in_row += errors_rps * seconds;
        self.target_errors_in_period += errors_rps * seconds;
    }

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
