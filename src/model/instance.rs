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

    /// True when it runs tasks, service or standalone (non-daemon: the simulator has no daemon
    /// services yet).
    pub fn is_busy(&self) -> bool {
        !self.tasks.is_empty() || !self.jobs.is_empty()
    }
}
