//! Invariants of the world, checked after every event in tests: a broken one is a bug, so it panics.

use crate::engine::capacity::tally::FleetTally;
use crate::engine::world::World;
use crate::model::task::TASK_STATE_COUNT;
use crate::model::{InstanceState, TaskState};
use crate::policy::placement::PlacementConstraint;
use crate::sim::ServiceIdx;

impl World<'_> {
    /// Panics with a description if the world is inconsistent.
    pub fn check_invariants(&self) {
        self.check_service_counters();
        self.check_instances();
        self.check_groups();
        self.check_deployment_bounds();
        self.check_placements();
        self.check_task_homes();
        self.check_draining();
        self.check_jobs();
        self.check_eks_invariants();
        for queue in self.services.iter().filter_map(|s| s.queue.as_ref()) {
            queue.check_invariants();
        }
    }

    fn check_service_counters(&self) {
        for (i, s) in ServiceIdx::all(self.services.len()).zip(&self.services) {
            let mut counts = [0u32; TASK_STATE_COUNT];
            let mut healthy = 0;
            let mut unplaced = Vec::new();
            for id in &s.tasks {
                let t = self
                    .tasks
                    .get(id)
                    .unwrap_or_else(|| panic!("service {i} lists missing task {id:?}"));
                assert_eq!(t.service, i, "task {id:?} listed under the wrong service");
                counts[t.state.index()] += 1;
                healthy += u32::from(t.healthy);
                assert!(
                    !t.healthy || t.state == TaskState::Running,
                    "task {id:?} healthy while {:?}",
                    t.state
                );
                let waiting = t.state == TaskState::Provisioning
                    && t.instance.is_none()
                    && !self.provider_is_fargate(t.capacity_provider);
                if waiting {
                    unplaced.push(*id);
                }
            }
            assert_eq!(counts, s.counts, "service {i}: per-state counts drifted");
            assert_eq!(healthy, s.healthy, "service {i}: healthy count drifted");
            for g in s.revisions.groups() {
                assert!(g.healthy > 0, "service {i}: a revision without healthy tasks is kept");
            }
            let by_revision: u32 = s.revisions.groups().iter().map(|g| g.healthy).sum();
            assert_eq!(
                by_revision, s.healthy,
                "service {i}: healthy tasks per revision drifted"
            );
            for t in s.tasks.iter().map(|id| &self.tasks[id]).filter(|t| t.healthy) {
                assert!(
                    s.revisions.model_of(t.task_definition).is_some(),
                    "service {i}: a healthy task's revision is not counted"
                );
            }
            assert_eq!(
                unplaced, s.unplaced,
                "service {i}: the list of tasks waiting for placement drifted"
            );
            let listed: usize = self.services.iter().map(|s| s.tasks.len()).sum();
            assert_eq!(listed, self.tasks.len(), "every task is counted once");
        }
    }

    /// During a rolling deployment the tasks counted toward maximumPercent never exceed U, and
    /// healthy tasks never fall below L (reference 8.1). Named exceptions, where ECS itself
    /// cannot hold a bound: the desired count changed during the deployment (the bounds move
    /// under the tasks); the service had fewer than L healthy tasks when it started (nothing can
    /// create health); the scenario injects faults or Spot interruptions (tasks are lost, not
    /// stopped by the scheduler).
    fn check_deployment_bounds(&self) {
        let faults = self.spec.behavior.fargate_spot.interruptions_per_task_hour > 0.0
            || self.spec.timeline.iter().any(|e| {
                !matches!(
                    e.action,
                    crate::spec::TimelineAction::UpdateServiceDesiredCount { .. }
                        | crate::spec::TimelineAction::UpdateServiceDeployment { .. }
                        | crate::spec::TimelineAction::UpdateTaskProtection { .. }
                )
            });
        for (i, s) in ServiceIdx::all(self.services.len()).zip(&self.services) {
            let Some(run) = &s.deployment else { continue };
            if run.shift.is_some() {
                // BLUE_GREEN, LINEAR, CANARY: green beside blue, never more than desired
                // (reference 8.7); maximumPercent does not apply.
                let green = s
                    .tasks
                    .iter()
                    .filter(|id| {
                        let t = &self.tasks[*id];
                        t.deployment == s.deployment_number && t.state.is_starting_or_running()
                    })
                    .count() as u32;
                assert!(
                    green <= s.desired.max(run.desired_at_start),
                    "service {i}: {green} green tasks, desired {}",
                    s.desired
                );
                continue;
            }
            if faults || run.failed || s.desired != run.desired_at_start {
                continue;
            }
            let b = self.service_rolling_bounds(i);
            // A deployment that starts as desiredCount is lowered (an update that lowers it and
            // forces a new deployment at once) starts with the tasks above the new desired count
            // still running: the bound is the larger of U and what it started with.
            assert!(
                b.counted <= b.upper.max(run.desired_at_start).max(run.healthy_at_start),
                "service {i}: {} tasks counted toward maximumPercent, U = {}",
                b.counted,
                b.upper
            );
            if run.healthy_at_start >= b.lower {
                assert!(
                    s.healthy >= b.lower,
                    "service {i}: {} healthy tasks during a deployment, L = {}",
                    s.healthy,
                    b.lower
                );
            }
        }
    }

    /// Each Auto Scaling group keeps its desired capacity within MinSize and MaxSize, and never
    /// has more live instances than MaxSize.
    fn check_groups(&self) {
        for (g, state) in self.capacity.groups.iter().enumerate() {
            let spec = &self.spec.auto_scaling_groups[g];
            assert!(
                (spec.min_size..=spec.max_size).contains(&state.desired),
                "group {} desired {} outside [{}, {}]",
                spec.name,
                state.desired,
                spec.min_size,
                spec.max_size
            );
            assert!(
                state.live.len() as u32 <= spec.max_size,
                "group {} has {} live instances, MaxSize {}",
                spec.name,
                state.live.len(),
                spec.max_size
            );
            assert_eq!(
                *self.capacity.tally.group(g),
                FleetTally::recount(self.capacity.instances.iter(), g),
                "the running totals of group {} are stale",
                spec.name
            );
            let mut by_zone = vec![0u32; self.spec.availability_zones.len()];
            let mut on_demand = 0u32;
            for id in &state.live {
                let i = &self.capacity.instances[id];
                assert!(
                    i.auto_scaling_group == g && i.state != InstanceState::Terminated,
                    "group {} lists instance {} that is not its live member",
                    spec.name,
                    i.ec2_instance_id
                );
                by_zone[i.availability_zone] += 1;
                on_demand += u32::from(!i.spot);
            }
            for (zone, n) in by_zone.iter().enumerate() {
                assert_eq!(
                    self.capacity.tally.members_in_zone(g, zone),
                    *n,
                    "group {} zone {zone}",
                    spec.name
                );
            }
            assert_eq!(
                self.capacity.tally.on_demand_members(g),
                on_demand,
                "group {}",
                spec.name
            );
        }
    }

    fn check_instances(&self) {
        for inst in self.capacity.instances.iter() {
            if inst.state == InstanceState::Terminated {
                assert!(
                    inst.tasks.is_empty() && inst.jobs.is_empty(),
                    "terminated instance {} still holds tasks",
                    inst.ec2_instance_id
                );
                continue;
            }
            let (mut cpu, mut mem, mut enis, mut ports) = (0u32, 0u64, 0u32, 0usize);
            // A DAEMON service holds at most one task on an instance (maximumPercent 100), and
            // the instance counts its daemon tasks apart (they do not make it busy).
            let mut daemon_services: Vec<ServiceIdx> = inst
                .tasks
                .iter()
                .map(|id| self.tasks[id].service)
                .filter(|s| self.spec.services[*s].daemon)
                .collect();
            assert_eq!(
                daemon_services.len(),
                inst.daemon_tasks as usize,
                "instance {} daemon task count drifted",
                inst.ec2_instance_id
            );
            daemon_services.sort_unstable();
            daemon_services.dedup();
            assert_eq!(
                daemon_services.len(),
                inst.daemon_tasks as usize,
                "instance {} holds two tasks of one DAEMON service",
                inst.ec2_instance_id
            );
            for id in &inst.tasks {
                let t = &self.tasks[id];
                assert_eq!(
                    t.instance,
                    Some(inst.id),
                    "task {id:?} placement disagrees with its instance"
                );
                let r = self.spec.task_definitions[t.task_definition].resources();
                cpu += r.cpu_units;
                mem += r.memory_mib;
                enis += r.enis;
                ports += t.host_ports.len();
            }
            for run in &inst.jobs {
                let r = &self.jobs.runs[*run as usize];
                assert_eq!(
                    r.instance,
                    Some(inst.id),
                    "job run {run} placement disagrees with its instance"
                );
                let td = self.spec.run_tasks[r.request].task_definition;
                let res = self.spec.task_definitions[td].resources();
                cpu += res.cpu_units;
                mem += res.memory_mib;
                enis += res.enis;
                ports += r.host_ports.len();
            }
            assert_eq!(
                (cpu, mem, enis),
                (inst.used_cpu_units, inst.used_memory_mib, inst.used_enis),
                "instance {} accounting drifted",
                inst.ec2_instance_id
            );
            assert_eq!(
                ports,
                inst.ports_in_use.len(),
                "instance {} port accounting drifted",
                inst.ec2_instance_id
            );
            assert!(
                inst.used_cpu_units <= inst.registered_cpu_units,
                "instance {} over-committed on CPU",
                inst.ec2_instance_id
            );
            assert!(
                inst.used_memory_mib <= inst.registered_memory_mib,
                "instance {} over-committed on memory",
                inst.ec2_instance_id
            );
            assert!(
                inst.used_enis <= inst.max_awsvpc_tasks,
                "instance {} over-committed on ENIs",
                inst.ec2_instance_id
            );
        }
    }

    /// Every placed task is listed by exactly one instance, service counters agree with the
    /// instances, and a `distinctInstance` service never has two tasks on one instance.
    fn check_placements(&self) {
        let mut listed = std::collections::BTreeMap::new();
        for inst in self.capacity.instances.iter() {
            for id in &inst.tasks {
                let previous = listed.insert(*id, inst.id);
                assert!(previous.is_none(), "task {id:?} is listed by two instances");
            }
        }
        for (id, t) in self.tasks.iter() {
            if let (Some(instance), true) = (t.instance, t.state.is_starting_or_running()) {
                assert_eq!(
                    listed.get(&id),
                    Some(&instance),
                    "placed task {id:?} is not listed by its instance"
                );
            }
        }
        for (i, s) in self.services.iter().enumerate() {
            let mut on_instance = std::collections::BTreeMap::new();
            for id in &s.tasks {
                let t = &self.tasks[id];
                if let (Some(instance), true) = (t.instance, t.state.is_starting_or_running()) {
                    *on_instance.entry(u64::from(instance.0)).or_insert(0u32) += 1;
                }
            }
            let counted: std::collections::BTreeMap<u64, u32> =
                s.tasks_on_instance.iter().map(|(id, n)| (id, *n)).collect();
            assert_eq!(on_instance, counted, "service {i}: tasks per instance drifted");
            let distinct = self.spec.services[i]
                .placement_constraints
                .contains(&PlacementConstraint::DistinctInstance);
            if distinct {
                if let Some((inst, n)) = on_instance.iter().find(|(_, n)| **n > 1) {
                    let inst = &self.capacity.instances[crate::model::InstanceId(*inst as u32)];
                    panic!(
                        "service {i} has distinctInstance but {n} tasks on {}",
                        inst.ec2_instance_id
                    );
                }
            }
        }
        for inst in self.capacity.instances.iter() {
            let expected = (inst.state == InstanceState::Active && inst.capacity_provider.is_some())
                .then(|| (u64::from(inst.free_cpu_units()), inst.free_memory_mib()));
            assert_eq!(
                self.capacity.free_capacity.filed_as(inst.id),
                expected,
                "the free-capacity index is stale for {}",
                inst.ec2_instance_id
            );
        }
    }

    /// Every task placed on an instance is listed by that instance, which is not terminated: no
    /// task outlives its host or is lost by it.
    fn check_task_homes(&self) {
        for t in self.tasks.values() {
            let Some(i) = t.instance else { continue };
            let inst = &self.capacity.instances[i];
            assert!(
                inst.state != InstanceState::Terminated,
                "task {:?} is on terminated instance {}",
                t.id,
                inst.ec2_instance_id
            );
            assert!(
                inst.tasks.contains(&t.id),
                "task {:?} is not listed by its instance {}",
                t.id,
                inst.ec2_instance_id
            );
        }
    }

    /// A DRAINING instance holds only tasks it had when it started draining, and none of them is
    /// still starting (they stop at once).
    fn check_draining(&self) {
        for d in &self.faults.draining {
            let Some(inst) = self.capacity.instances.get(d.instance) else {
                continue;
            };
            if inst.state != InstanceState::Draining {
                continue;
            }
            for id in &inst.tasks {
                assert!(
                    d.tasks_at_drain.contains(id),
                    "task {id:?} was placed on DRAINING instance {}",
                    inst.ec2_instance_id
                );
                let state = self.tasks[id].state;
                assert!(
                    state >= TaskState::Running,
                    "task {id:?} is still starting ({state:?}) on DRAINING instance {}",
                    inst.ec2_instance_id
                );
            }
        }
    }
}
