//! Demand on services: sampled once per load step, served by healthy tasks (or queued for worker
//! tasks, or for a service with a service model estimated by queueing theory or simulated
//! request by request), accumulated exactly.

use super::requests::{RequestServing, advance_exact};
use super::revision_serving::{RevisionServing, serving_model};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::TaskState;
use crate::sim::{ServiceIdx, SimDuration};
use crate::spec::Spec;
use crate::workload::revisions::{capacity_rps, serve_revisions, utilization};
use crate::workload::traffic_weights::serve_weighted;
use crate::workload::{RevisionGroup, RevisionsServed, Served};

impl World<'_> {
    /// Closes the current sub-interval of `service`: everything was constant since the last call.
    pub fn accumulate_load(&mut self, service: ServiceIdx) {
        let now = self.now;
        let elapsed = now.since(self.services[service].accumulated_until).as_millis();
        if elapsed == 0 {
            return;
        }
        // Tasks not yet healthy idle as the revision new tasks run.
        let starting_model = serving_model(self.spec, service, self.services[service].task_definition);
        let weights = self.green_weight(service);
        let spec = self.spec;
        let s = &mut self.services[service];
        if let (Some((green, permille)), None, None) = (weights, &s.queue, &s.requests) {
            // A traffic-shifting deployment: the listener rule's weights split the requests.
            let (blue_groups, green_groups) = s.revisions.split_off(green);
            let running = s.counts[TaskState::Running.index()];
            let share = f64::from(permille) / 1000.0;
            let w = serve_weighted(
                s.demand_rps,
                &blue_groups,
                &green_groups,
                share,
                s.demand_split,
                running,
                &starting_model,
            );
            s.accumulator
                .add_measured(elapsed, s.demand_rps, w.served_rps, w.unserved_rps, w.utilization);
            for period in &mut s.metric_periods[..s.metric_periods_kept] {
                period
                    .accumulator
                    .add_measured(elapsed, s.demand_rps, w.served_rps, w.unserved_rps, w.utilization);
                if running > 0 {
                    period.ran_ms += elapsed;
                }
            }
            let errors = w.green_served_rps * spec.behavior.task_definitions[green].request_error_rate
                + errors_rps(spec, &s.revisions, Some(green), w.blue_served_rps);
            s.count_revision_requests(elapsed, w.green_served_rps, errors);
            s.accumulated_until = now;
            return;
        }
        // Healthy tasks that all serve alike serve as one model (the first revision's before any
        // is healthy); revisions that serve differently are served and measured each by its own.
        let mixed = s.revisions.common_model().is_none() && !s.revisions.groups().is_empty();
        let model = s.revisions.common_model().copied().unwrap_or(s.serving);
        let served = match &mut s.queue {
            // Workers take messages from their queue instead of serving requests.
            Some(queue) => {
                let step_started_ms = s.accumulated_until.floor_to(self.spec.behavior.load_step).as_millis();
                let capacity = match mixed {
                    true => capacity_rps(s.revisions.groups()),
                    false => f64::from(s.healthy) * model.requests_per_second_at_full_cpu,
                };
                RevisionsServed::uniform(
                    &queue
                        .advance(step_started_ms, elapsed, s.demand_rps, capacity)
                        .as_served(capacity),
                )
            }
            None => match &mut s.requests {
                // Requests above capacity queue and may time out (workload::request_queue).
                Some(RequestServing::Estimate(requests)) => {
                    RevisionsServed::uniform(&requests.advance(elapsed, s.demand_rps, s.healthy))
                }
                // Every request, routed to the healthy tasks (workload::requests).
                Some(RequestServing::Exact(exact)) => RevisionsServed::uniform(&advance_exact(
                    exact,
                    self.spec,
                    service,
                    &s.tasks,
                    &self.tasks,
                    now,
                    s.demand_rps,
                )),
                None if mixed => serve_revisions(s.demand_rps, s.revisions.groups(), s.demand_split),
                None => RevisionsServed::uniform(&model.serve(s.demand_rps, s.healthy)),
            },
        };
        let running = s.counts[TaskState::Running.index()];
        if !mixed && model == starting_model {
            // One model for every task (the common case): `IntervalAccumulator::add`'s own rule.
            let one = Served {
                served_rps: served.served_rps,
                unserved_rps: served.unserved_rps,
                load_share: served.load_share(&model),
            };
            s.accumulator
                .add(elapsed, s.demand_rps, &one, running, s.healthy, &model);
            for period in &mut s.metric_periods[..s.metric_periods_kept] {
                period
                    .accumulator
                    .add(elapsed, s.demand_rps, &one, running, s.healthy, &model);
            }
        } else {
            let one_group = [RevisionGroup {
                model,
                healthy: s.healthy,
            }];
            let groups = if mixed { s.revisions.groups() } else { &one_group[..] };
            let used = utilization(&served, groups, running, &starting_model);
            let (demand, served_rps, unserved_rps) = (s.demand_rps, served.served_rps, served.unserved_rps);
            s.accumulator
                .add_measured(elapsed, demand, served_rps, unserved_rps, used);
            for period in &mut s.metric_periods[..s.metric_periods_kept] {
                period
                    .accumulator
                    .add_measured(elapsed, demand, served_rps, unserved_rps, used);
            }
        }
        for period in &mut s.metric_periods[..s.metric_periods_kept] {
            if running > 0 {
                period.ran_ms += elapsed;
            }
        }
        // Without weights, requests reach each revision in proportion to its healthy tasks.
        let newest = s.task_definition;
        let new_share = match s.healthy {
            0 => 0.0,
            h => {
                let new = s
                    .revisions
                    .healthy_by_revision()
                    .find(|(r, _)| *r == newest)
                    .map_or(0, |(_, n)| n);
                f64::from(new) / f64::from(h)
            }
        };
        let errors = errors_rps(spec, &s.revisions, None, served.served_rps);
        s.count_revision_requests(elapsed, served.served_rps * new_share, errors);
        s.accumulated_until = now;
    }

    /// Samples every service's demand for the step that starts now.
    pub fn on_load_step(&mut self) {
        let step = self.spec.behavior.load_step.as_millis();
        for service in ServiceIdx::all(self.services.len()) {
            self.accumulate_load(service);
            let Some(profile) = self.spec.load_of(service) else {
                continue;
            };
            let mean = profile.mean_rps(self.now.0, self.spec.start_epoch_ms);
            let s = &mut self.services[service];
            s.demand_rps = profile.noise.sample(mean, step, &mut s.load_rng);
        }
        self.on_eks_load_step();
        let step = SimDuration::from_millis(step);
        if self.now + step < self.end {
            self.schedule_in(step, Event::LoadStep);
        }
    }
}

/// Requests per second answered with a 5XX out of `served_rps` served by the healthy tasks of
/// every revision but `except`, each revision's share in proportion to its healthy tasks and
/// failing at its `requestErrorRate`.
fn errors_rps(spec: &Spec, revisions: &RevisionServing, except: Option<usize>, served_rps: f64) -> f64 {
    let groups = || revisions.healthy_by_revision().filter(|(r, _)| Some(*r) != except);
    let healthy: u32 = groups().map(|(_, n)| n).sum();
    if healthy == 0 || served_rps <= 0.0 {
        return 0.0;
    }
    groups()
        .map(|(r, n)| {
            served_rps * f64::from(n) / f64::from(healthy) * spec.behavior.task_definitions[r].request_error_rate
        })
        .sum()
}
