//! Container instances in the world: launching, registering, terminating, and ASG replacement.

use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::catalog::instance_type;
use crate::model::{ContainerInstance, InstanceId, InstanceState, StopReason, TaskId};
use crate::policy::cluster_scaling::next_launch_is_spot;
use crate::sim::{ProviderIdx, SimDuration};
use crate::spec::CapacityProviderKind;
use crate::trace::{EventKind, SinkError, TraceSink};
use crate::workload::lognormal_ms;

impl World<'_> {
    /// The capacity provider backed by Auto Scaling group `group`.
    pub fn provider_of_group(&self, group: usize) -> Option<ProviderIdx> {
        self.spec
            .capacity_providers
            .iter()
            .position(|p| p.kind == CapacityProviderKind::AutoScalingGroup(group))
            .map(ProviderIdx)
    }

    /// Live instances (launching or active) of capacity provider `p`, in launch order.
    pub fn instances_of_provider(&self, p: ProviderIdx) -> impl Iterator<Item = InstanceId> + '_ {
        let group = match self.spec.capacity_providers[p].kind {
            CapacityProviderKind::AutoScalingGroup(g) => Some(g),
            _ => None,
        };
        group
            .into_iter()
            .flat_map(move |g| self.capacity.groups[g].live.iter().copied())
    }

    /// Launches one instance in `group`, in its least-used Availability Zone. With `registered`
    /// the instance exists from the start of the run (the initial fleet).
    pub fn launch_instance(
        &mut self,
        group: usize,
        registered: bool,
        sink: &mut dyn TraceSink,
    ) -> Result<InstanceId, SinkError> {
        let spec = &self.spec.auto_scaling_groups[group];
        // A mixed instances policy keeps its On-Demand base and percentage; Spot launches use the
        // cheapest override, On-Demand ones the first (or cheapest with lowest-price).
        let live_count = self.capacity.groups[group].live.len() as u32;
        let live_on_demand = self.capacity.tally.on_demand_members(group);
        let d = spec.distribution;
        let spot = next_launch_is_spot(
            live_on_demand,
            live_count,
            d.on_demand_base_capacity,
            d.on_demand_percentage_above_base,
        );
        let type_name = if spot {
            &spec.spot_instance_type
        } else {
            &spec.instance_type
        };
        let itype = instance_type(type_name).expect("validated instance type");
        // Balance over the group's healthy zones; if every zone is impaired, use them anyway.
        let healthy_zones: Vec<usize> = spec
            .availability_zones
            .iter()
            .copied()
            .filter(|az| !self.capacity.impaired_zones[*az])
            .collect();
        let zones = if healthy_zones.is_empty() {
            &spec.availability_zones
        } else {
            &healthy_zones
        };
        let az = *zones
            .iter()
            .min_by_key(|az| self.capacity.tally.members_in_zone(group, **az))
            .expect("validated: a group has at least one AZ");
        let id = self.capacity.instances.next_id();
        let provider = self.provider_of_group(group);
        let b = &self.spec.behavior.instances;
        let az_name = self.spec.availability_zones[az].clone();
        let attributes = vec![
            ("ecs.availability-zone".to_string(), az_name.clone()),
            (
                "ecs.cpu-architecture".to_string(),
                itype.architecture.as_str().to_string(),
            ),
            ("ecs.instance-type".to_string(), itype.name.to_string()),
            ("ecs.os-type".to_string(), "linux".to_string()),
        ];
        let attributes = self.with_custom_attributes(group, attributes);
        self.capacity.instances.insert(ContainerInstance {
            id,
            ec2_instance_id: format!("i-{:017x}", id.0 + 1),
            instance_type: itype,
            auto_scaling_group: group,
            capacity_provider: provider,
            availability_zone: az,
            state: if registered {
                InstanceState::Active
            } else {
                InstanceState::Launching
            },
            spot,
            registered_cpu_units: itype.cpu_units().saturating_sub(b.agent_reserved_cpu_units),
            registered_memory_mib: itype.memory_mib.saturating_sub(b.agent_reserved_memory_mib),
            max_awsvpc_tasks: self.awsvpc_task_limit(itype),
            used_cpu_units: 0,
            used_memory_mib: 0,
            used_enis: 0,
            ports_in_use: Default::default(),
            tasks: Vec::new(),
            jobs: Vec::new(),
            daemon_tasks: 0,
            launched_at: self.now,
            registered_at: registered.then_some(self.now),
            terminated_at: None,
            attributes,
        });
        self.capacity.groups[group].live.push(id);
        self.reindex_instance(id);
        if let Some(provider) = provider {
            let rate = self.instance_usd_per_hour(id);
            self.accounting.cost.start_billing(provider, rate, self.now);
        }
        if !registered {
            self.capacity.groups[group].last_launch_at = Some(self.now);
            let delay = lognormal_ms(
                b.launch_time.median_ms,
                b.launch_time.p95_ms,
                &mut self.capacity.instance_rng,
            );
            self.schedule_in(
                SimDuration::from_millis(delay),
                Event::InstanceRegistered { instance: id },
            );
            let name = self.capacity.instances[id].ec2_instance_id.clone();
            self.log(
                sink,
                EventKind::Instance,
                name,
                format!(
                    "Launching a new EC2 instance ({}{}, {az_name}) in Auto Scaling group {}.",
                    itype.name,
                    if spot { " Spot" } else { "" },
                    spec.name
                ),
            )?;
        }
        Ok(id)
    }

    /// The ECS agent of a launched instance registers it with the cluster.
    pub fn register_instance(&mut self, id: InstanceId, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        // A launching instance terminated before it registered is gone.
        let Some(inst) = self.capacity.instances.get_mut(id) else {
            return Ok(());
        };
        if inst.state != InstanceState::Launching {
            return Ok(());
        }
        inst.state = InstanceState::Active;
        inst.registered_at = Some(self.now);
        let (name, provider, group) = (
            inst.ec2_instance_id.clone(),
            inst.capacity_provider,
            inst.auto_scaling_group,
        );
        let waited = self.now.since(inst.launched_at);
        self.reindex_instance(id);
        self.on_group_activity_progress(group, id);
        self.log(
            sink,
            EventKind::Instance,
            name.clone(),
            format!("Container instance {name} registered with the cluster {waited} after launch."),
        )?;
        // Daemon tasks are placed first on a new instance (reference 8.6).
        self.place_daemon_tasks_on(id, sink)?;
        if let Some(provider) = provider {
            self.request_reconcile_waiting_on(provider);
        }
        self.retry_blocked_rebalancing();
        self.retire_at_risk_instance(group, sink)
    }

    /// EC2 terminates an instance: its tasks stop at once and the group launches a replacement.
    pub fn terminate_instance(
        &mut self,
        id: InstanceId,
        cause: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let Some(inst) = self.capacity.instances.get(id) else {
            // Already terminated (and forgotten).
            return Ok(());
        };
        let tasks: Vec<TaskId> = inst.tasks.clone();
        let (group, provider, price, launched) = (
            inst.auto_scaling_group,
            inst.capacity_provider,
            self.instance_usd_per_hour(id),
            inst.launched_at,
        );
        let name = inst.ec2_instance_id.clone();
        for task in tasks {
            self.abort_task(task, StopReason::InstanceTerminated, sink)?;
        }
        self.interrupt_jobs_on(id, StopReason::InstanceTerminated.as_str(), sink)?;
        let Some(inst) = self.capacity.instances.get_mut(id) else {
            // A draining instance emptied by the aborts above was terminated on the way.
            return Ok(());
        };
        inst.state = InstanceState::Terminated;
        inst.terminated_at = Some(self.now);
        self.reindex_instance(id);
        // Nothing of a terminated instance stays: memory follows the live fleet however many
        // instances a long run launches (its id is a launch counter, so ids stay unique).
        self.capacity.instances.remove(id);
        self.faults.spot_notices.remove(&id);
        self.capacity.groups[group].live.retain(|i| *i != id);
        self.on_group_activity_progress(group, id);
        if let Some(provider) = provider {
            self.accounting.cost.stop_billing(provider, price, launched, self.now);
        }
        self.log(
            sink,
            EventKind::Instance,
            name.clone(),
            format!("Terminating EC2 instance {name}: {cause}."),
        )?;
        self.replace_missing_instances(group, sink)
    }

    /// The group keeps DesiredCapacity instances: launch replacements for missing ones.
    /// While every zone of the group is out, nothing can launch: recovery calls this again.
    pub fn replace_missing_instances(&mut self, group: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if self.group_zones_all_out(group) {
            return Ok(());
        }
        while (self.capacity.groups[group].live.len() as u32) < self.capacity.groups[group].desired {
            self.launch_instance(group, false, sink)?;
        }
        Ok(())
    }
}
