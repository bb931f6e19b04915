//! Availability Zone rebalancing (`availabilityZoneRebalancing: ENABLED`, the CreateService
//! default): when a steady service is unbalanced over the zones it can use, ECS starts a task in
//! the zone with the fewest tasks and, once it is healthy, stops one in the zone with the most
//! (service-rebalancing.html). The extra task counts toward `maximumPercent`; with no room under
//! it the move waits. One move at a time (AWS publishes no batch size: ecsim's choice). A move
//! whose task is placed in another zone (the under-served zone has no room) is undone and
//! rebalancing waits for capacity to change (an instance registers, a zone recovers).

use crate::engine::world::World;
use crate::model::{InstanceState, StopReason, TaskId, TaskState};
use crate::policy::az_rebalancing::{is_balanced, next_move};
use crate::policy::capacity_provider_strategy::item_for_next_task;
use crate::policy::task_selection::{StopCandidate, choose_tasks_to_stop};
use crate::sim::ServiceIdx;
use crate::trace::{EventKind, SinkError, TraceSink};

/// The rebalancing state of one service.
#[derive(Clone, Debug, Default)]
pub(in crate::engine) struct Rebalancing {
    /// The move under way: its task was started in `to`; one in `from` stops once it is healthy.
    pub step: Option<Step>,
    /// An operation started (SERVICE_REBALANCING_STARTED) and has not completed.
    pub in_progress: bool,
    /// The last move's task landed outside its zone: wait until capacity changes.
    pub blocked: bool,
}

/// One move: the task started for it and its zones.
#[derive(Clone, Copy, Debug)]
pub(in crate::engine) struct Step {
    pub task: TaskId,
    pub to: usize,
    pub from: usize,
}

impl World<'_> {
    /// Tasks the scheduler keeps beyond the desired count: the task of the move under way.
    pub(in crate::engine) fn rebalancing_extra(&self, service: ServiceIdx) -> u32 {
        u32::from(self.services[service].rebalancing.step.is_some())
    }

    /// Capacity changed (an instance registered, a zone recovered): services with rebalancing
    /// whose tasks are unbalanced over all zones look again (a pass decides over usable zones).
    pub(in crate::engine) fn retry_blocked_rebalancing(&mut self) {
        let all = vec![true; self.spec.availability_zones.len()];
        for service in ServiceIdx::all(self.services.len()) {
            if self.spec.services[service].az_rebalancing && !is_balanced(&self.services[service].tasks_in_az, &all) {
                self.services[service].rebalancing.blocked = false;
                self.request_reconcile(service);
            }
        }
    }

    /// Ends the move under way when its task is healthy (then stops one task in the fullest
    /// zone), lost, or placed outside its zone (then stops it and waits).
    pub(in crate::engine) fn settle_rebalancing(
        &mut self,
        service: ServiceIdx,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let Some(step) = self.services[service].rebalancing.step else {
            return Ok(());
        };
        let Some(task) = self.tasks.get(&step.task) else {
            self.services[service].rebalancing.step = None;
            return Ok(());
        };
        let (state, zone, healthy) = (task.state, task.availability_zone, task.healthy);
        if !state.is_starting_or_running() {
            self.services[service].rebalancing.step = None;
        } else if zone.is_some_and(|z| z != step.to) {
            self.services[service].rebalancing.step = None;
            self.services[service].rebalancing.blocked = true;
            self.stop_task(step.task, StopReason::AzRebalancing, sink)?;
            let name = self.spec.services[service].name.clone();
            let to = &self.spec.availability_zones[step.to];
            self.log(
                sink,
                EventKind::AzRebalancing,
                name.clone(),
                format!(
                    "(service {name}) could not start a task in Availability Zone {to} to AZ Rebalance (no room there): stopped (task {}); rebalancing waits for capacity to change.",
                    World::task_label(step.task)
                ),
            )?;
        } else if state == TaskState::Running && healthy {
            self.services[service].rebalancing.step = None;
            if let Some(victim) = self.rebalancing_victim(service, step.from) {
                self.stop_task(victim, StopReason::AzRebalancing, sink)?;
                let name = self.spec.services[service].name.clone();
                let from = &self.spec.availability_zones[step.from];
                self.log(
                    sink,
                    EventKind::AzRebalancing,
                    name.clone(),
                    format!(
                        "(service {name}) has stopped 1 tasks in Availability Zone {from} to AZ Rebalance: (task {}).",
                        World::task_label(victim)
                    ),
                )?;
            }
        }
        Ok(())
    }

    /// With the service steady, starts the next move, or logs that the operation completed.
    pub(in crate::engine) fn consider_rebalancing(
        &mut self,
        service: ServiceIdx,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let s = &self.services[service];
        if !self.spec.services[service].az_rebalancing
            || s.rebalancing.step.is_some()
            || s.rebalancing.blocked
            || s.deployment.is_some()
            || !s.unplaced.is_empty()
            || s.starting_count() > 0
            || s.active_count() != s.desired
            || s.healthy != s.desired
            || self.any_draining()
        {
            return Ok(());
        }
        let usable = self.rebalancing_zones(service);
        let name = self.spec.services[service].name.clone();
        let Some(m) = next_move(&self.services[service].tasks_in_az, &usable) else {
            if self.services[service].rebalancing.in_progress {
                self.services[service].rebalancing.in_progress = false;
                let counts = self.zone_counts_text(service, &usable);
                self.log(
                    sink,
                    EventKind::AzRebalancing,
                    name.clone(),
                    format!("(service {name}) is AZ balanced with {counts}."),
                )?;
            }
            return Ok(());
        };
        if self.service_rolling_bounds(service).may_start == 0 || self.start_throttled(service) {
            return Ok(());
        }
        if !self.rebalancing_reaches(service, m.to) {
            // No room in the zone (the task would go elsewhere or wait): try again when capacity
            // changes rather than start a task that would not help.
            self.services[service].rebalancing.blocked = true;
            return Ok(());
        }
        if !self.services[service].rebalancing.in_progress {
            self.services[service].rebalancing.in_progress = true;
            let counts = self.zone_counts_text(service, &usable);
            self.log(
                sink,
                EventKind::AzRebalancing,
                name.clone(),
                format!("(service {name}) is not AZ balanced with {counts}. AZ Rebalancing in progress."),
            )?;
        }
        let started = self.start_tasks(service, 1, sink)?;
        let task = started[0];
        self.services[service].rebalancing.step = Some(super::rebalancing::Step {
            task,
            to: m.to,
            from: m.from,
        });
        self.place_waiting_tasks(service, sink)?;
        let to = &self.spec.availability_zones[m.to];
        self.log(
            sink,
            EventKind::AzRebalancing,
            name.clone(),
            format!(
                "(service {name}) has started 1 tasks in Availability Zone {to} to AZ Rebalance: (task {}).",
                World::task_label(task)
            ),
        )?;
        // Placed at once in another zone: undo now rather than after it starts.
        if self.tasks[&task].availability_zone.is_some_and(|z| z != m.to) {
            self.settle_rebalancing(service, sink)?;
        }
        Ok(())
    }

    /// Whether the service's next task would go to `zone`: Fargate tasks go to the emptiest
    /// healthy zone; an EC2 task goes where placement would put it now.
    fn rebalancing_reaches(&self, service: ServiceIdx, zone: usize) -> bool {
        let spec = &self.spec.services[service];
        let item = item_for_next_task(&spec.strategy, &self.services[service].per_strategy_item);
        let provider = spec.strategy[item].provider;
        if self.provider_is_fargate(provider) {
            return true;
        }
        let td = self.services[service].task_definition;
        let resources = self.spec.task_definitions[td].resources();
        self.choose_placement(service, provider, td, &resources)
            .is_ok_and(|p| self.capacity.instances[p.instance].availability_zone == zone)
    }

    /// The zones the service can use: not impaired, and for EC2 with an ACTIVE instance of one of
    /// its capacity providers.
    fn rebalancing_zones(&self, service: ServiceIdx) -> Vec<bool> {
        let zones = self.spec.availability_zones.len();
        let strategy = &self.spec.services[service].strategy;
        let fargate = strategy.iter().any(|i| self.provider_is_fargate(i.provider));
        let mut usable = vec![fargate; zones];
        if !fargate {
            for inst in self.capacity.instances.iter() {
                let ours = inst
                    .capacity_provider
                    .is_some_and(|p| strategy.iter().any(|i| i.provider == p));
                if ours && inst.state == InstanceState::Active {
                    usable[inst.availability_zone] = true;
                }
            }
        }
        for (z, u) in usable.iter_mut().enumerate() {
            *u &= !self.capacity.impaired_zones[z];
        }
        usable
    }

    /// The task a move stops in `zone`: RUNNING, not protected, the fullest instance's newest
    /// (the default order of reference 8.6 within the zone).
    fn rebalancing_victim(&self, service: ServiceIdx, zone: usize) -> Option<TaskId> {
        let s = &self.services[service];
        let candidates: Vec<StopCandidate> = s
            .tasks
            .iter()
            .enumerate()
            .filter_map(|(index, id)| {
                let t = &self.tasks[id];
                let eligible =
                    t.state == TaskState::Running && t.availability_zone == Some(zone) && !t.is_protected(self.now);
                eligible.then(|| StopCandidate {
                    index,
                    not_yet_running: false,
                    availability_zone: zone,
                    instance: t.instance.map(|i| i.0),
                    created_seq: id.0,
                })
            })
            .collect();
        choose_tasks_to_stop(&candidates, 1)
            .first()
            .map(|i| self.services[service].tasks[*i])
    }

    /// "3 tasks in us-east-1a, 0 tasks in us-east-1b, ..." over the usable zones.
    fn zone_counts_text(&self, service: ServiceIdx, usable: &[bool]) -> String {
        let counts = &self.services[service].tasks_in_az;
        let parts: Vec<String> = (0..counts.len())
            .filter(|z| usable[*z])
            .map(|z| {
                format!(
                    "{} tasks in Availability Zone {}",
                    counts[z], self.spec.availability_zones[z]
                )
            })
            .collect();
        parts.join(", ")
    }
}
