//! A whole run, and what each event does: the world's state at time zero, the dispatcher from
//! `Event` to the subsystem that handles it, and the totals at the end.

use crate::engine::event::Event;
use crate::engine::scaling::Phase;
use crate::engine::simulation::Simulation;
use crate::engine::world::World;
use crate::model::TaskId;
use crate::sim::{ProviderIdx, ServiceIdx, SimTime};
use crate::spec::Spec;
use crate::trace::{EventKind, RunTotals, SinkError, TraceSink};

/// Options of one run that are not part of the scenario.
#[derive(Default)]
pub struct RunOptions<'a> {
    /// Check the world's invariants after every event (tests; slower).
    pub check_invariants: bool,
    /// Called now and then (every few thousand events) with the simulated time reached, for a
    /// progress bar; returning `false` stops the run (`EngineError::Stopped`): an interrupt, a
    /// wall-clock timeout.
    pub progress: Option<&'a mut dyn FnMut(SimTime) -> bool>,
}

/// Why a run stopped early.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The scenario produced more events than `behavior.maxEvents`.
    #[error(
        "the run stopped after {events} events at simulated time {at}, the limit set by behavior.maxEvents; \
         raise the limit if the scenario is really this busy, or look for a runaway loop"
    )]
    EventBudgetExceeded {
        /// Events processed.
        events: u64,
        /// Simulated time reached.
        at: SimTime,
    },
    /// The caller's `progress` asked to stop (an interrupt or a timeout).
    #[error("the run was stopped at simulated time {at}")]
    Stopped {
        /// Simulated time reached.
        at: SimTime,
    },
    /// Writing a trace record failed.
    #[error("writing the trace failed: {0}")]
    Sink(#[from] SinkError),
}

const PROGRESS_EVERY_EVENTS: u64 = 1 << 12;

/// Simulates `spec` and sends every record to `sink`.
pub fn run(spec: &Spec, sink: &mut dyn TraceSink, mut options: RunOptions<'_>) -> Result<RunTotals, EngineError> {
    let mut simulation = Simulation::new(spec, sink, options.check_invariants)?;
    while simulation.step()? {
        if simulation.events_processed().is_multiple_of(PROGRESS_EVERY_EVENTS) {
            if let Some(progress) = options.progress.as_mut() {
                if !progress(simulation.now()) {
                    return Err(EngineError::Stopped { at: simulation.now() });
                }
            }
        }
    }
    simulation.finish()
}

/// Puts the world in its state at time zero: instances of the groups' desired capacity, the first
/// load step, warm start, the scaling pipelines, one scheduler pass per service, the timeline and
/// the first trace tick.
pub(super) fn initialise(world: &mut World<'_>, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
    for group in 0..world.capacity.groups.len() {
        for _ in 0..world.capacity.groups[group].desired {
            world.launch_instance(group, true, sink)?;
        }
    }
    world.on_load_step();
    if world.spec.behavior.warm_start {
        warm_start(world, sink)?;
    }
    world.initialise_eks(sink)?;
    world.start_scaling(sink)?;
    for service in daemons_first(world) {
        world.request_reconcile(service);
    }
    for (index, entry) in world.spec.timeline.iter().enumerate() {
        if let Some(at) = world.rebalance_recommendation_time(index) {
            world.queue.push(at, Event::RebalanceRecommendation { index });
        }
        world.queue.push(entry.at, Event::Timeline { index });
    }
    for (index, request) in world.spec.run_tasks.iter().enumerate() {
        world.queue.push(request.at, Event::RunTask { index });
    }
    let first_tick = world.spec.trace_interval.as_millis().min(world.end.0);
    world.queue.push(SimTime(first_tick), Event::TraceTick);
    Ok(())
}

/// Services start with their desired tasks placed, RUNNING and healthy; a task that cannot be
/// placed stays PROVISIONING and goes through the normal path.
fn warm_start(world: &mut World<'_>, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
    for service in daemons_first(world) {
        world.warm_starting = true;
        world.reconcile(service, sink)?;
        world.warm_starting = false;
        let ids: Vec<TaskId> = world.services[service].tasks.clone();
        for id in ids {
            let t = &world.tasks[&id];
            let placed = t.instance.is_some() || world.provider_is_fargate(t.capacity_provider);
            if placed {
                world.warm_start_task(id);
            }
        }
        world.update_steady_state(service, sink)?;
    }
    Ok(())
}

/// The services in the order of the first scheduler passes: DAEMON services first, so their
/// tasks are placed on the initial fleet before any other (reference 8.6).
fn daemons_first(world: &World<'_>) -> Vec<ServiceIdx> {
    let mut order: Vec<ServiceIdx> = ServiceIdx::all(world.services.len()).collect();
    order.sort_by_key(|s| !world.spec.services[*s].daemon);
    order
}

pub(super) fn dispatch(world: &mut World<'_>, event: Event, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
    match event {
        Event::TraceTick => world.on_trace_tick(sink),
        Event::LoadStep => {
            world.on_load_step();
            Ok(())
        }
        Event::TaskTimer { task, generation } => match world.tasks.get(&task) {
            Some(t) if t.generation == generation => {
                let next = t.state.next();
                world.transition(task, next, sink)
            }
            _ => Ok(()),
        },
        Event::TaskUnhealthy { task, generation } => match world.tasks.get(&task) {
            Some(t) if t.generation == generation => world.mark_unhealthy(task, sink),
            _ => Ok(()),
        },
        Event::TaskHealthy { task, generation } => match world.tasks.get(&task) {
            Some(t) if t.generation == generation => world.mark_healthy(task, sink),
            _ => Ok(()),
        },
        Event::InstanceRegistered { instance } => world.register_instance(instance, sink),
        Event::Reconcile { service } => world.reconcile(service, sink),
        Event::Timeline { index } => world.on_timeline(index, sink),
        Event::RebalanceRecommendation { index } => world.on_rebalance_recommendation(index, sink),
        Event::MetricPeriod { kind } => world.on_scaling_event(kind, Phase::MetricPeriod, sink),
        Event::AlarmEvaluation { kind } => world.on_scaling_event(kind, Phase::AlarmEvaluation, sink),
        Event::ScheduledAction { index } => world.on_scheduled_action(index, sink),
        Event::PredictiveMinute => world.on_predictive_minute(sink),
        Event::PredictiveForecast => world.on_predictive_forecast(sink),
        Event::PredictiveHour {
            policy,
            generation,
            index,
        } => world.on_predictive_hour(policy, generation, index, sink),
        Event::SpotTaskInterruption { task, generation } => match world.tasks.get(&task) {
            Some(t) if t.generation == generation => world.interrupt_spot_task(task, sink),
            _ => Ok(()),
        },
        Event::SpotTaskReclaimed { task } => world.reclaim_spot_task(task, sink),
        Event::SpotInstanceReclaimed { instance } => world.terminate_instance(
            instance,
            "EC2 reclaimed the Spot Instance two minutes after its interruption notice",
            sink,
        ),
        Event::ZoneRecovered { zone } => world.recover_zone(zone, sink),
        Event::DeploymentTimer {
            service,
            deployment,
            generation,
        } => world.on_deployment_timer(service, deployment, generation, sink),
        Event::RunTask { index } => world.on_run_task(index, sink),
        Event::JobTimer { run, generation } => world.on_job_timer(run, generation, sink),
        Event::JobSpotInterruption { run, generation } => world.on_job_spot_interruption(run, generation, sink),
        Event::RetryJob { run } => world.retry_job(run, sink),
        Event::Eks(event) => world.on_eks_event(event, sink),
        Event::PlaceJobs { provider } => {
            world.place_waiting_jobs(provider);
            Ok(())
        }
    }
}

pub(super) fn finish(world: &mut World<'_>, events: u64, sink: &mut dyn TraceSink) -> Result<RunTotals, EngineError> {
    if world.accounting.last_trace_at < world.end {
        world.on_trace_tick(sink)?;
    }
    world.write_unfinished_jobs(sink)?;
    let alive: Vec<TaskId> = world.tasks.keys().collect();
    for id in alive {
        let task = &world.tasks[&id];
        world.write_task_row(task, None, sink)?;
    }
    world.write_live_pod_rows(sink)?;
    let mut service_costs: Vec<(String, f64)> = world
        .spec
        .services
        .iter()
        .zip(ServiceIdx::all(world.spec.services.len()))
        .map(|(s, i)| (s.name.clone(), world.accounting.service_cost.total_usd(i, world.end)))
        .collect();
    let end = world.end;
    service_costs.extend(world.eks_deployment_costs(end));
    let eks_total: f64 = world.eks_cost_usd().iter().map(|(_, c)| c).sum();
    let provider_total: f64 = ProviderIdx::all(world.spec.capacity_providers.len())
        .map(|p| world.accounting.cost.total_usd(p, world.end))
        .sum::<f64>()
        + eks_total;
    let mut provider_cost_usd: Vec<(String, f64)> = world
        .spec
        .capacity_providers
        .iter()
        .zip(ProviderIdx::all(world.spec.capacity_providers.len()))
        .map(|(cp, p)| (cp.name.clone(), world.accounting.cost.total_usd(p, world.end)))
        .collect();
    provider_cost_usd.extend(world.eks_cost_usd());
    let totals = RunTotals {
        events_processed: events,
        simulated_ms: world.end.0,
        provider_cost_usd,
        service_cost_usd: service_costs.clone(),
        unallocated_cost_usd: provider_total - service_costs.iter().map(|(_, c)| c).sum::<f64>(),
        service_spot_interruptions: world
            .spec
            .services
            .iter()
            .zip(&world.faults.spot_interruptions_per_service)
            .map(|(s, n)| (s.name.clone(), *n))
            .collect(),
        provider_spot_interruptions: world
            .spec
            .capacity_providers
            .iter()
            .zip(&world.faults.spot_interruptions_per_provider)
            .map(|(p, n)| (p.name.clone(), *n))
            .collect(),
        tasks_started: world.tasks.started + world.eks.pods_created,
        placement_failures: world.accounting.placement_failures,
        service_latency: world
            .spec
            .services
            .iter()
            .zip(&world.services)
            .filter_map(|(spec, s)| Some((spec.name.clone(), s.requests.as_ref()?.run_latency()?)))
            .collect(),
    };
    world.log(
        sink,
        EventKind::Run,
        "run",
        format!("Simulation ended after {events} events."),
    )?;
    sink.finish(&totals)?;
    Ok(totals)
}
