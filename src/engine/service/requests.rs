//! The two serving models of a service with a service model (issue 14): the per-interval
//! estimate (`workload::RequestQueue`) or every request simulated
//! (`workload::requests::ExactServing`, `load.<service>.model: requests`), and how the exact
//! model's targets follow the service's tasks.
//!
//! Targets (Latency A4, "routing"): a task is a target from the moment it is RUNNING and
//! healthy (`Healthy`: it receives new requests) until its containers are gone. A task leaving
//! (DEACTIVATING: deregistered and draining for the deregistration delay; then STOPPING: its
//! containers got SIGTERM and shut down gracefully) is `Draining`: it receives nothing new and
//! finishes what it holds, in service and queued, within the timeout. When the task reaches
//! DEPROVISIONING or STOPPED, or stops at once because its instance is gone, the target is
//! removed and whatever it still held fails (5XX, counted as unserved; with the default 300 s
//! deregistration delay and 60 s timeout nothing is left by then). Tasks starting, or RUNNING
//! but not yet healthy, are not targets. The model's
//! targets are brought in line with the tasks at the start of every stretch: the engine calls
//! `accumulate_load` before every change of a task's state or health, so the tasks at the start
//! of a stretch are the tasks of the whole stretch.

use crate::engine::tasks::TaskTable;
use crate::model::{TaskId, TaskState};
use crate::sim::{RngStreams, ServiceIdx, SimTime};
use crate::spec::{LoadBalancingAlgorithm, Spec};
use crate::workload::requests::{
    DEFAULT_TIMEOUT_MS, ExactServing, RequestConfig, Routing, TargetId, TargetSpec, TargetState,
};
use crate::workload::{IntervalLatency, RequestPeriod, RequestQueue, RunLatency, Served};

/// How a service with a service model serves its requests.
#[derive(Debug, Clone)]
pub(in crate::engine) enum RequestServing {
    /// The per-interval queueing estimate (the default).
    Estimate(Box<RequestQueue>),
    /// Every request simulated.
    Exact(Box<ExactServing>),
}

impl RequestServing {
    /// Closes the trace interval: its latency columns.
    pub fn finish_interval(&mut self) -> IntervalLatency {
        match self {
            RequestServing::Estimate(q) => q.finish_interval(),
            RequestServing::Exact(x) => x.finish_interval(),
        }
    }

    /// The run's latency figures; `None` when no request was served.
    pub fn run_latency(&self) -> Option<RunLatency> {
        match self {
            RequestServing::Estimate(q) => q.run_latency(),
            RequestServing::Exact(x) => x.run_latency(),
        }
    }

    /// The estimate, unless the service simulates every request.
    pub fn estimate(&self) -> Option<&RequestQueue> {
        match self {
            RequestServing::Estimate(q) => Some(q),
            RequestServing::Exact(_) => None,
        }
    }

    /// Closes the load balancer's metric period: what it saw since the last call.
    pub fn finish_period(&mut self) -> RequestPeriod {
        match self {
            RequestServing::Estimate(q) => q.finish_period(),
            RequestServing::Exact(x) => x.finish_period(),
        }
    }

    /// The exact model, if the service simulates every request.
    pub fn exact(&self) -> Option<&ExactServing> {
        match self {
            RequestServing::Estimate(_) => None,
            RequestServing::Exact(x) => Some(x),
        }
    }
}

/// The exact model of service `index` of `spec` at time zero: routing by its first target
/// group's algorithm and slow start (round robin without slow start when it has none), the
/// timeout of `behavior.latency`, its own two random streams, and its replayed arrivals if the
/// scenario gives them (`load.<service>.arrivals`).
pub(in crate::engine) fn exact_serving(spec: &Spec, index: ServiceIdx, streams: &RngStreams) -> ExactServing {
    let s = &spec.services[index];
    let group = s.target_groups.first().map(|g| &spec.target_groups[*g]);
    let routing = match group.map(|g| g.algorithm) {
        Some(LoadBalancingAlgorithm::LeastOutstandingRequests) => Routing::LeastOutstandingRequests,
        // The scenario refuses weighted_random for a service in exact mode.
        _ => Routing::RoundRobin,
    };
    let timeout_ms = spec.behavior.latency.timeout.as_millis();
    let config = RequestConfig {
        routing,
        slow_start_ms: group.map_or(0, |g| g.slow_start.as_millis()),
        timeout_ms: if timeout_ms == 0 {
            DEFAULT_TIMEOUT_MS
        } else {
            timeout_ms
        },
    };
    let arrivals = streams.stream(&format!("request-arrivals/{}", s.name));
    let service = streams.stream(&format!("request-service/{}", s.name));
    let mut exact = ExactServing::new(config, SimTime::ZERO, arrivals, service)
        .expect("the scenario validated the target group's routing, slow start and the timeout");
    if let Some(times) = &s.replayed_arrivals {
        exact.replay_arrivals(times.clone());
    }
    exact
}

/// What a task is to the load balancer now: `None` when it is not a target.
fn target_state(tasks: &TaskTable, id: TaskId) -> Option<TargetState> {
    let task = tasks.get(&id)?;
    match task.state {
        TaskState::Running if task.healthy => Some(TargetState::Healthy),
        TaskState::Deactivating | TaskState::Stopping => Some(TargetState::Draining),
        _ => None,
    }
}

/// Runs the exact model of service `index` up to `now` at `demand_rps`, its targets first
/// brought in line with `task_ids` (the service's tasks, in creation order).
pub(in crate::engine) fn advance_exact(
    exact: &mut ExactServing,
    spec: &Spec,
    index: ServiceIdx,
    task_ids: &[TaskId],
    tasks: &TaskTable,
    now: SimTime,
    demand_rps: f64,
) -> Served {
    sync_targets(exact, spec, index, task_ids, tasks);
    let (served, report) = exact
        .advance(now, demand_rps)
        .expect("stretches move forward with a finite rate");
    // Routing never sends to a task that is not RUNNING and healthy (the tasks have not changed
    // since the stretch began).
    for t in report.targets.iter().filter(|t| t.routed > 0) {
        let task = tasks.get(&TaskId(t.id.0));
        assert!(
            task.is_some_and(|task| task.state == TaskState::Running && task.healthy),
            "requests routed to task {} which is not RUNNING and healthy",
            t.id.0
        );
    }
    served
}

/// Adds the tasks that became targets, changes the states that changed, removes the targets
/// whose task is no longer one (their requests fail).
fn sync_targets(exact: &mut ExactServing, spec: &Spec, index: ServiceIdx, task_ids: &[TaskId], tasks: &TaskTable) {
    let mut known: Vec<(TargetId, TargetState)> = exact.model().targets().collect();
    known.sort_unstable_by_key(|(id, _)| *id);
    let model = exact.model_mut();
    for &(id, state) in &known {
        match target_state(tasks, TaskId(id.0)) {
            None => {
                model.remove_target(id).expect("a registered target");
            }
            Some(now) if now != state => model.set_state(id, now).expect("a registered target"),
            Some(_) => {}
        }
    }
    for &id in task_ids {
        // A task that was never healthy is not registered when it starts draining.
        if target_state(tasks, id) != Some(TargetState::Healthy) {
            continue;
        }
        let target = TargetId(id.0);
        if known.binary_search_by_key(&target, |(k, _)| *k).is_ok() {
            continue;
        }
        let spec_of = target_spec(spec, index, tasks, id);
        model
            .add_target(target, spec_of, TargetState::Healthy)
            .expect("a new target with a validated service model");
    }
}

/// The slots and service time of a task: its revision's service model, or the service's first
/// revision's when its own has none.
fn target_spec(spec: &Spec, index: ServiceIdx, tasks: &TaskTable, id: TaskId) -> TargetSpec {
    let behaviors = &spec.behavior.task_definitions;
    let own = tasks
        .get(&id)
        .and_then(|t| behaviors[t.task_definition].service_model.as_ref());
    let model = own
        .or(behaviors[spec.services[index].task_definition].service_model.as_ref())
        .expect("a service in exact mode has a service model");
    TargetSpec {
        concurrency: model.concurrency,
        service: model.service_time.clone(),
    }
}
