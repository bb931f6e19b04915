//! Trace ticks: one `services.csv` row per service and one `cluster.csv` row per capacity provider.

use crate::engine::capacity::tally::GroupTally;
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::TaskState;
use crate::sim::{ProviderIdx, ServiceIdx};
use crate::spec::CapacityProviderKind;
use crate::trace::{ClusterRow, ServiceRow, SinkError, TraceSink};

impl World<'_> {
    /// Writes the rows for the interval ending now and schedules the next tick.
    pub fn on_trace_tick(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        for service in ServiceIdx::all(self.services.len()) {
            self.write_service_row(service, sink)?;
        }
        for provider in ProviderIdx::all(self.spec.capacity_providers.len()) {
            self.write_cluster_row(provider, sink)?;
        }
        self.write_job_trace_row(sink)?;
        self.write_eks_rows(sink)?;
        self.accounting.last_trace_at = self.now;
        if self.now < self.end {
            let next = (self.now + self.spec.trace_interval).min(self.end);
            self.queue.push(next, Event::TraceTick);
        }
        Ok(())
    }

    fn write_service_row(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.accumulate_load(service);
        let (min_capacity, max_capacity) = self.capacity_bounds(service);
        let (queue_depth, oldest_message_age_s) = self.queue_columns(service);
        let (primary_running, active_running) = self.primary_and_active_running(service);
        let new_revision_weight_pct = self.new_revision_weight_pct(service);
        let s = &mut self.services[service];
        let new_revision_served_requests = std::mem::take(&mut s.new_served_in_row);
        let target_5xx_requests = std::mem::take(&mut s.target_errors_in_row);
        let avg = s.accumulator.finish();
        s.accumulator.reset();
        let latency = s.requests.as_mut().map(|r| r.finish_interval());
        let running = s.counts[TaskState::Running.index()];
        let provisioning = s.counts[TaskState::Provisioning.index()];
        sink.service_row(&ServiceRow {
            time_ms: self.now.0,
            service: &self.spec.services[service].name,
            desired: s.desired,
            running,
            pending: s.starting_count(),
            healthy: s.healthy,
            primary_running,
            active_running,
            cpu_utilization: avg.cpu_utilization,
            memory_utilization: avg.memory_utilization,
            demand_rps: avg.demand_rps,
            served_rps: avg.served_rps,
            unserved_rps: avg.unserved_rps,
            min_capacity,
            max_capacity,
            unserved_requests: avg.unserved_requests,
            queue_depth,
            oldest_message_age_s,
            latency,
            provisioning,
            new_revision_weight_pct,
            new_revision_served_requests,
            target_5xx_requests,
        })
    }

    fn write_cluster_row(&mut self, provider: ProviderIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let cp = &self.spec.capacity_providers[provider];
        let fleet = match cp.kind {
            CapacityProviderKind::AutoScalingGroup(g) => *self.capacity.tally.group(g),
            _ => GroupTally::default(),
        };
        let (mut provisioning, mut tasks) = (0u32, 0u32);
        for (i, s) in self.services.iter().enumerate() {
            if let Some(item) = self.spec.services[i]
                .strategy
                .iter()
                .position(|it| it.provider == provider)
            {
                tasks += s.per_strategy_item[item];
            }
        }
        // A service on one provider has all its PROVISIONING tasks there; only services split over
        // several providers with tasks in PROVISIONING are walked.
        for (i, s) in self.services.iter().enumerate() {
            let in_provisioning = s.counts[TaskState::Provisioning.index()];
            let strategy = &self.spec.services[i].strategy;
            if in_provisioning == 0 || !strategy.iter().any(|it| it.provider == provider) {
                continue;
            }
            provisioning += if strategy.len() == 1 {
                in_provisioning
            } else {
                s.tasks
                    .iter()
                    .map(|id| &self.tasks[id])
                    .filter(|t| t.capacity_provider == provider && t.state == TaskState::Provisioning)
                    .count() as u32
            };
        }
        // Standalone tasks on the provider: those waiting for an instance, and all not ended.
        provisioning += self.jobs.waiting[provider.index()].len() as u32;
        tasks += self.live_job_runs().filter(|(_, r)| r.provider == provider).count() as u32;
        let reservation = cp.managed_scaling.map(|_| self.reservation_sample(provider).percent);
        let desired_capacity = match cp.kind {
            CapacityProviderKind::AutoScalingGroup(g) => Some(self.capacity.groups[g].desired),
            _ => None,
        };
        let target_capacity = cp.managed_scaling.map(|m| m.target_capacity);
        sink.cluster_row(&ClusterRow {
            time_ms: self.now.0,
            capacity_provider: &self.spec.capacity_providers[provider].name,
            instances: fleet.registered,
            instances_pending: fleet.launching,
            cpu_reserved_pct: percent(fleet.cpu_used, fleet.cpu_registered),
            memory_reserved_pct: percent(fleet.memory_used, fleet.memory_registered),
            capacity_provider_reservation: reservation,
            tasks_provisioning: provisioning,
            tasks,
            cost_usd: self.accounting.cost.total_usd(provider, self.now),
            desired_capacity,
            target_capacity,
        })
    }
}

fn percent(used: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        used as f64 / total as f64 * 100.0
    }
}
