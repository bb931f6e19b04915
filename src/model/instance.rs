//! A container instance: an EC2 instance registered with the cluster and what its tasks hold on it.

use std::collections::BTreeSet;

use super::catalog::InstanceType;
use super::task::{InstanceId, TaskId};
use crate::sim::{ProviderIdx, SimTime};

/// Lifecycle of a container instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceState {
    /// Launched; the ECS agent has not registered yet.
    Launching,
    /// Registered and accepting tasks.
    Active,
    /// Registered, accepting no new tasks; its service tasks are being replaced elsewhere.
    Draining,
    /// Terminated.
    Terminated,
}

/// An EC2 instance in an Auto Scaling group, registered (or registering) as a container instance.
#[derive(Clone, Debug)]
pub struct ContainerInstance {
    /// Index in the world, in launch order.
    pub id: InstanceId,
    /// EC2-style id (`i-0000000000000001`).
    pub ec2_instance_id: String,
    /// Its type from the catalog.
    pub instance_type: &'static InstanceType,
    /// Index of its Auto Scaling group.
    pub auto_scaling_group: usize,
    /// Index of its capacity provider; `None` when its Auto Scaling group backs no capacity
    /// provider (the instance runs no tasks and costs nothing to the providers).
    pub capacity_provider: Option<ProviderIdx>,
    /// Index of its Availability Zone.
    pub availability_zone: usize,
    /// Lifecycle state.
    pub state: InstanceState,
    /// A Spot instance (false: on-demand); it can be interrupted and is billed at the Spot discount.
    pub spot: bool,
    /// CPU units registered with ECS (type minus agent reservation).
    pub registered_cpu_units: u32,
    /// Memory registered with ECS, MiB.
    pub registered_memory_mib: u64,
    /// awsvpc tasks it can host (ENIs minus the primary one).
    pub max_awsvpc_tasks: u32,
    /// CPU units held by tasks.
    pub used_cpu_units: u32,
    /// Memory held by tasks, MiB.
    pub used_memory_mib: u64,
    /// ENIs held by awsvpc tasks.
    pub used_enis: u32,
    /// Host ports held (static and dynamic).
    pub ports_in_use: BTreeSet<u16>,
    /// Tasks placed here and not yet STOPPED.
    pub tasks: Vec<TaskId>,
    /// Standalone tasks (jobs, by job run id) placed here and not yet ended.
    pub jobs: Vec<u64>,
    /// How many of `tasks` belong to DAEMON services: they hold resources but do not make the
    /// instance busy (reference 6.3, 6.5).
    pub daemon_tasks: u32,
    /// When EC2 launched it.
    pub launched_at: SimTime,
    /// When it registered with the cluster.
    pub registered_at: Option<SimTime>,
    /// When it was terminated.
    pub terminated_at: Option<SimTime>,
    /// ECS attributes (`ecs.instance-type`, `ecs.availability-zone`, ...), sorted by name.
    pub attributes: Vec<(String, String)>,
}

impl ContainerInstance {
    /// CPU units not held by tasks.
    pub fn free_cpu_units(&self) -> u32 {
        self.registered_cpu_units.saturating_sub(self.used_cpu_units)
    }

    /// Memory not held by tasks, MiB.
    pub fn free_memory_mib(&self) -> u64 {
        self.registered_memory_mib.saturating_sub(self.used_memory_mib)
    }

    /// Value of an ECS attribute.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// True while it is registered with the cluster (ACTIVE or DRAINING).
    pub fn is_registered(&self) -> bool {
        matches!(self.state, InstanceState::Active | InstanceState::Draining)
    }

    /// True when it runs a task that is not a daemon task, service or standalone: daemon tasks
    /// do not make an instance non-empty for the capacity provider reservation or managed
    /// scale-in (reference 6.3, 6.5).
    pub fn is_busy(&self) -> bool {
        self.tasks.len() > self.daemon_tasks as usize || !self.jobs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::instance_type;

    fn instance(tasks: u64, daemon_tasks: u32, jobs: u64) -> ContainerInstance {
        ContainerInstance {
            id: InstanceId(0),
            ec2_instance_id: "i-0".into(),
            instance_type: instance_type("m5.large").expect("in catalog"),
            auto_scaling_group: 0,
            capacity_provider: Some(ProviderIdx(0)),
            availability_zone: 0,
            state: InstanceState::Active,
            spot: false,
            registered_cpu_units: 2048,
            registered_memory_mib: 7680,
            max_awsvpc_tasks: 2,
            used_cpu_units: 0,
            used_memory_mib: 0,
            used_enis: 0,
            ports_in_use: BTreeSet::new(),
            tasks: (0..tasks).map(TaskId).collect(),
            jobs: (0..jobs).collect(),
            daemon_tasks,
            launched_at: SimTime::ZERO,
            registered_at: Some(SimTime::ZERO),
            terminated_at: None,
            attributes: Vec::new(),
        }
    }

    #[test]
    fn daemon_tasks_do_not_make_an_instance_busy() {
        // Reference 6.3 and 6.5: M counts instances running at least one non-daemon task.
        // (tasks, of which daemon tasks, standalone tasks) -> busy
        for (tasks, daemon, jobs, busy) in [
            (0, 0, 0, false),
            (1, 1, 0, false),
            (2, 2, 0, false),
            (2, 1, 0, true),
            (1, 0, 0, true),
            (1, 1, 1, true),
        ] {
            assert_eq!(
                instance(tasks, daemon, jobs).is_busy(),
                busy,
                "{tasks} tasks, {daemon} daemon, {jobs} jobs"
            );
        }
    }
}
