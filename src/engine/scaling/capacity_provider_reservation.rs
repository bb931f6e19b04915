//! The metric of ECS managed scaling: CapacityProviderReservation, from the instances of the
//! provider's group and the tasks waiting for one (reference 6.3, 6.4); and the tasks that waited
//! too long, which ECS stops in the same once-a-minute pass.

use crate::engine::world::World;
use crate::model::catalog::instance_type;
use crate::model::{StopReason, TaskId, TaskState};
use crate::policy::cluster_scaling::{
    InstanceCapacity, ScalingSteps, WaitingTaskGroup, additional_instances, capacity_provider_reservation,
};
use crate::sim::{ProviderIdx, ServiceIdx};
use crate::spec::CapacityProviderKind;
use crate::trace::{EventKind, SinkError, TraceSink};

/// One CapacityProviderReservation datapoint with the counts behind it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(in crate::engine) struct ReservationSample {
    /// N: instances in the group.
    pub n: u32,
    /// M: instances needed.
    pub m: u32,
    /// M / N x 100.
    pub percent: f64,
}

impl World<'_> {
    /// Tasks of managed-scaling providers that have waited in PROVISIONING for an instance longer
    /// than `provisioningTimeout` stop; the service scheduler starts new ones.
    pub(super) fn stop_tasks_waiting_too_long(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let timeout = self.spec.behavior.cluster_auto_scaling.provisioning_timeout;
        for service in ServiceIdx::all(self.services.len()) {
            if self.services[service].unplaced.is_empty() || self.spec.services[service].uses_launch_type {
                continue;
            }
            let expired: Vec<TaskId> = self.services[service]
                .unplaced
                .iter()
                .copied()
                .filter(|id| {
                    let t = &self.tasks[id];
                    self.spec.capacity_providers[t.capacity_provider]
                        .managed_scaling
                        .is_some()
                        && self.now.since(t.created_at) >= timeout
                })
                .collect();
            if expired.is_empty() {
                continue;
            }
            for id in &expired {
                self.stop_task(*id, StopReason::CapacityWaitTimedOut, sink)?;
            }
            let name = self.spec.services[service].name.clone();
            self.log(
                sink,
                EventKind::ServiceScheduler,
                name.clone(),
                format!(
                    "(service {name}) stopped {} task(s) that waited {timeout} in PROVISIONING without capacity; it starts new ones.",
                    expired.len()
                ),
            )?;
            self.request_reconcile(service);
        }
        self.stop_jobs_waiting_too_long(sink)
    }

    /// CapacityProviderReservation of `provider` now (reference 6.3 and 6.4).
    pub fn reservation_sample(&self, provider: ProviderIdx) -> ReservationSample {
        let CapacityProviderKind::AutoScalingGroup(group) = self.spec.capacity_providers[provider].kind else {
            unreachable!("Fargate providers have no managed scaling");
        };
        let tally = self.capacity.tally.group(group);
        let (n, busy) = (tally.launching_or_active, tally.busy);
        let groups = self.waiting_task_groups(provider);
        let steps = self.spec.capacity_providers[provider].managed_scaling.map_or(
            ScalingSteps {
                minimum: 1,
                maximum: 10_000,
            },
            |s| ScalingSteps {
                minimum: s.minimum_scaling_step_size,
                maximum: s.maximum_scaling_step_size,
            },
        );
        let (smallest, largest) = self.instance_capacity_bounds(group);
        let m = match additional_instances(&groups, &smallest, &largest, steps) {
            Some(extra) => busy + extra,
            // Tasks wait but none fits the smallest type: scaling stops at 100 %.
            None => n,
        };
        ReservationSample {
            n,
            m,
            percent: capacity_provider_reservation(n, m),
        }
    }

    /// Tasks of services using `provider` through a capacity provider strategy that wait in
    /// PROVISIONING for an instance, grouped by identical requirements, at most
    /// `provisioningTaskLimit` of them (reference 6.4 step 2 and 9).
    fn waiting_task_groups(&self, provider: ProviderIdx) -> Vec<WaitingTaskGroup> {
        let mut groups: Vec<(usize, WaitingTaskGroup)> = Vec::new();
        let mut budget = u64::from(self.spec.behavior.cluster_auto_scaling.provisioning_task_limit);
        for (s, state) in self.services.iter().enumerate() {
            if self.spec.services[s].uses_launch_type || state.unplaced.is_empty() {
                continue;
            }
            for id in &state.unplaced {
                let t = &self.tasks[id];
                if t.capacity_provider != provider || t.state != TaskState::Provisioning || budget == 0 {
                    continue;
                }
                budget -= 1;
                match groups.iter_mut().find(|(td, _)| *td == t.task_definition) {
                    Some((_, g)) => g.tasks += 1,
                    None => groups.push((
                        t.task_definition,
                        WaitingTaskGroup {
                            resources: self.spec.task_definitions[t.task_definition].resources(),
                            tasks: 1,
                        },
                    )),
                }
            }
        }
        // Standalone tasks waiting on the provider count as service tasks do (reference 6.4).
        for run in &self.jobs.waiting[provider.index()] {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let td = self.spec.run_tasks[self.jobs.runs[*run].request].task_definition;
            match groups.iter_mut().find(|(t, _)| *t == td) {
                Some((_, g)) => g.tasks += 1,
                None => groups.push((
                    td,
                    WaitingTaskGroup {
                        resources: self.spec.task_definitions[td].resources(),
                        tasks: 1,
                    },
                )),
            }
        }
        // Task definitions with identical requirements form one group.
        let mut merged: Vec<WaitingTaskGroup> = Vec::new();
        for (_, g) in groups {
            match merged.iter_mut().find(|m| m.resources == g.resources) {
                Some(m) => m.tasks += g.tasks,
                None => merged.push(g),
            }
        }
        merged
    }

    /// The smallest and largest of the group's instance types, parameter by parameter.
    fn instance_capacity_bounds(&self, group: usize) -> (InstanceCapacity, InstanceCapacity) {
        let b = &self.spec.behavior.instances;
        let caps: Vec<InstanceCapacity> = self.spec.auto_scaling_groups[group]
            .instance_types
            .iter()
            .filter_map(|t| instance_type(t))
            .map(|t| InstanceCapacity {
                cpu_units: t.cpu_units().saturating_sub(b.agent_reserved_cpu_units),
                memory_mib: t.memory_mib.saturating_sub(b.agent_reserved_memory_mib),
                awsvpc_tasks: t.awsvpc_tasks_without_trunking(),
            })
            .collect();
        let fold = |pick: fn(u64, u64) -> u64| InstanceCapacity {
            cpu_units: caps.iter().map(|c| u64::from(c.cpu_units)).reduce(pick).unwrap_or(0) as u32,
            memory_mib: caps.iter().map(|c| c.memory_mib).reduce(pick).unwrap_or(0),
            awsvpc_tasks: caps.iter().map(|c| u64::from(c.awsvpc_tasks)).reduce(pick).unwrap_or(0) as u32,
        };
        (fold(u64::min), fold(u64::max))
    }
}
