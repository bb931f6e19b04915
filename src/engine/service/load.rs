//! Demand on services: sampled once per load step, served by healthy tasks (or queued for worker
//! tasks, or for a service with a service model estimated by queueing theory or simulated
//! request by request), accumulated exactly.

use super::requests::{RequestServing, advance_exact};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::TaskState;
use crate::sim::{ServiceIdx, SimDuration};

impl World<'_> {
    /// Closes the current sub-interval of `service`: everything was constant since the last call.
    pub fn accumulate_load(&mut self, service: ServiceIdx) {
        let now = self.now;
        let s = &mut self.services[service];
        let elapsed = now.since(s.accumulated_until).as_millis();
        if elapsed == 0 {
            return;
        }
        let served = match &mut s.queue {
            // Workers take messages from their queue instead of serving requests.
            Some(queue) => {
                let step_started_ms = s.accumulated_until.floor_to(self.spec.behavior.load_step).as_millis();
                let capacity = f64::from(s.healthy) * s.serving.requests_per_second_at_full_cpu;
                queue
                    .advance(step_started_ms, elapsed, s.demand_rps, capacity)
                    .as_served(capacity)
            }
            None => match &mut s.requests {
                // Requests above capacity queue and may time out (workload::request_queue).
                Some(RequestServing::Estimate(requests)) => requests.advance(elapsed, s.demand_rps, s.healthy),
                // Every request, routed to the healthy tasks (workload::requests).
                Some(RequestServing::Exact(exact)) => {
                    advance_exact(exact, self.spec, service, &s.tasks, &self.tasks, now, s.demand_rps)
                }
                None => s.serving.serve(s.demand_rps, s.healthy),
            },
        };
        let running = s.counts[TaskState::Running.index()];
        s.accumulator
            .add(elapsed, s.demand_rps, &served, running, s.healthy, &s.serving);
        for period in &mut s.metric_periods {
            period
                .accumulator
                .add(elapsed, s.demand_rps, &served, running, s.healthy, &s.serving);
            if running > 0 {
                period.ran_ms += elapsed;
            }
        }
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
        let step = SimDuration::from_millis(step);
        if self.now + step < self.end {
            self.schedule_in(step, Event::LoadStep);
        }
    }
}
