//! A task and its ECS lifecycle (reference 8.5) with the legal transitions between states.

use crate::sim::{ProviderIdx, ServiceIdx, SimTime};

/// Identifier of a task, unique in a run, in creation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(pub u64);

/// Identifier of a container instance: its index in the world, in launch order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstanceId(pub u32);

impl InstanceId {
    /// Its position in the world's list of instances (and in per-instance vectors).
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl<T> std::ops::Index<InstanceId> for [T] {
    type Output = T;

    fn index(&self, id: InstanceId) -> &T {
        &self[id.index()]
    }
}

impl<T> std::ops::IndexMut<InstanceId> for [T] {
    fn index_mut(&mut self, id: InstanceId) -> &mut T {
        &mut self[id.index()]
    }
}

impl<T> std::ops::Index<InstanceId> for Vec<T> {
    type Output = T;

    fn index(&self, id: InstanceId) -> &T {
        &self[id.index()]
    }
}

impl<T> std::ops::IndexMut<InstanceId> for Vec<T> {
    fn index_mut(&mut self, id: InstanceId) -> &mut T {
        &mut self[id.index()]
    }
}

/// ECS task lifecycle states, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskState {
    /// Waiting for capacity or an ENI.
    Provisioning,
    /// Image pull and container creation.
    Pending,
    /// Post-start work before RUNNING.
    Activating,
    /// Running.
    Running,
    /// Pre-stop work (load balancer deregistration).
    Deactivating,
    /// SIGTERM sent; waiting for the containers to exit.
    Stopping,
    /// Post-stop cleanup (ENI detach).
    Deprovisioning,
    /// Done.
    Stopped,
}

/// Number of task states (for per-state counters).
pub const TASK_STATE_COUNT: usize = 8;

impl TaskState {
    /// The AWS spelling (`RUNNING`).
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Provisioning => "PROVISIONING",
            TaskState::Pending => "PENDING",
            TaskState::Activating => "ACTIVATING",
            TaskState::Running => "RUNNING",
            TaskState::Deactivating => "DEACTIVATING",
            TaskState::Stopping => "STOPPING",
            TaskState::Deprovisioning => "DEPROVISIONING",
            TaskState::Stopped => "STOPPED",
        }
    }

    /// Index for per-state counters.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The state a task reaches when its current step completes normally.
    pub fn next(self) -> TaskState {
        match self {
            TaskState::Provisioning => TaskState::Pending,
            TaskState::Pending => TaskState::Activating,
            TaskState::Activating => TaskState::Running,
            TaskState::Running => TaskState::Deactivating,
            TaskState::Deactivating => TaskState::Stopping,
            TaskState::Stopping => TaskState::Deprovisioning,
            TaskState::Deprovisioning | TaskState::Stopped => TaskState::Stopped,
        }
    }

    /// The first state of stopping a task that is in `self`: a running task deactivates first, a
    /// starting one goes straight to STOPPING, one that never left PROVISIONING is simply STOPPED.
    /// `None` when the task is already on its way out.
    pub fn stop_entry(self) -> Option<TaskState> {
        match self {
            TaskState::Provisioning => Some(TaskState::Stopped),
            TaskState::Pending | TaskState::Activating => Some(TaskState::Stopping),
            TaskState::Running => Some(TaskState::Deactivating),
            TaskState::Deactivating | TaskState::Stopping | TaskState::Deprovisioning | TaskState::Stopped => None,
        }
    }

    /// True while the task counts toward the service's task count (not yet stopping).
    pub fn is_starting_or_running(self) -> bool {
        self <= TaskState::Running
    }

    /// True from DEACTIVATING until STOPPED.
    pub fn is_stopping(self) -> bool {
        self > TaskState::Running && self < TaskState::Stopped
    }
}

/// Whether `from -> to` is a legal lifecycle transition.
pub fn is_legal_transition(from: TaskState, to: TaskState) -> bool {
    to == from.next() && from != TaskState::Stopped || from.stop_entry() == Some(to)
}

/// Why a task stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The service scheduler stopped it to reach a lower desiredCount.
    ScaleIn,
    /// Its container instance was terminated.
    InstanceTerminated,
    /// Its container instance is DRAINING (reference 8.6): replaced on another instance.
    InstanceDraining,
    /// FARGATE_SPOT capacity was reclaimed (reference 6.8, stopCode `TerminationNotice`).
    SpotInterruption,
    /// Its Availability Zone went out (a fault of the scenario).
    ZoneOutage,
    /// It waited in PROVISIONING longer than ECS waits for cluster auto scaling to find capacity.
    CapacityWaitTimedOut,
    /// A rolling deployment replaced it with a task of the new deployment.
    Deployment,
    /// Its essential container exited before the task reached RUNNING (a bad revision).
    EssentialContainerExited,
    /// A container gave up waiting for a dependency that did not reach its `dependsOn`
    /// condition within its `startTimeout` (reference 8.5).
    DependencyTimedOut,
    /// Its container health check failed: the scheduler replaces unhealthy tasks.
    UnhealthyTask,
    /// Its target failed the load balancer's health checks.
    UnhealthyTarget,
    /// Availability Zone rebalancing stopped it in an over-served zone once its replacement in
    /// an under-served zone was healthy.
    AzRebalancing,
    /// Still running when the run ended (not a stop).
    RunEnded,
}

impl StopReason {
    /// Text for `tasks.csv`, in the words of ECS's `stoppedReason`.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::ScaleIn => "Scaling activity initiated by (deployment ecs-svc)",
            StopReason::InstanceTerminated => "Host EC2 instance terminated",
            StopReason::InstanceDraining => "Container instance is DRAINING: task replaced by the service scheduler",
            StopReason::SpotInterruption => "Your Spot Task was interrupted.",
            StopReason::ZoneOutage => "Availability Zone outage: the task's host is unreachable",
            StopReason::Deployment => "Deployment: task replaced by the service's new deployment",
            StopReason::EssentialContainerExited => "Essential container in task exited",
            StopReason::DependencyTimedOut => {
                "Task failed to start: a container's dependency did not reach its condition within its startTimeout"
            }
            StopReason::UnhealthyTask => "Task failed container health checks",
            StopReason::UnhealthyTarget => "Task failed ELB health checks",
            StopReason::CapacityWaitTimedOut => {
                "Task stopped: no capacity became available while it waited in PROVISIONING"
            }
            StopReason::AzRebalancing => {
                "AZ Rebalancing: task stopped to balance the service across Availability Zones"
            }
            StopReason::RunEnded => "",
        }
    }
}

/// One ECS task of a service.
#[derive(Clone, Debug)]
pub struct Task {
    /// Unique id.
    pub id: TaskId,
    /// Index of its service.
    pub service: ServiceIdx,
    /// Index of its task definition.
    pub task_definition: usize,
    /// Index of its capacity provider.
    pub capacity_provider: ProviderIdx,
    /// The instance it is placed on (EC2 only, once placed).
    pub instance: Option<InstanceId>,
    /// Availability Zone index once placed.
    pub availability_zone: Option<usize>,
    /// Host ports it holds on its instance.
    pub host_ports: Vec<u16>,
    /// Lifecycle state.
    pub state: TaskState,
    /// True once RUNNING long enough to count as healthy.
    pub healthy: bool,
    /// Bumped on every transition so that stale timers are recognised and dropped.
    pub generation: u32,
    /// When the task was created.
    pub created_at: SimTime,
    /// The number of the service deployment that started it (`ecs-svc/<n>`).
    pub deployment: u32,
    /// When it started to be billed (Fargate: start of PENDING).
    pub billing_started_at: Option<SimTime>,
    /// When it reached RUNNING.
    pub running_at: Option<SimTime>,
    /// Why it is stopping.
    pub stop_reason: Option<StopReason>,
    /// Task scale-in protection (`UpdateTaskProtection`): protected until then (reference 8.6).
    pub protected_until: Option<SimTime>,
}

impl Task {
    /// True while task scale-in protection holds at `now`.
    pub fn is_protected(&self, now: SimTime) -> bool {
        self.protected_until.is_some_and(|until| until > now)
    }
}

#[cfg(test)]
mod tests {
    use super::TaskState::*;
    use super::*;

    #[track_caller]
    fn check(from: TaskState, to: TaskState, legal: bool) {
        assert_eq!(is_legal_transition(from, to), legal, "{from:?} -> {to:?}");
    }

    #[test]
    fn lifecycle_transitions_follow_reference_8_5() {
        check(Provisioning, Pending, true);
        check(Pending, Activating, true);
        check(Activating, Running, true);
        check(Running, Deactivating, true);
        check(Deactivating, Stopping, true);
        check(Stopping, Deprovisioning, true);
        check(Deprovisioning, Stopped, true);
        // Stopping early.
        check(Provisioning, Stopped, true);
        check(Pending, Stopping, true);
        check(Activating, Stopping, true);
        // Never backwards, never skipping forward.
        check(Running, Pending, false);
        check(Pending, Running, false);
        check(Running, Stopped, false);
        check(Stopped, Stopped, false);
        check(Stopped, Provisioning, false);
    }

    #[test]
    fn counting_predicates() {
        assert!(Running.is_starting_or_running());
        assert!(Provisioning.is_starting_or_running());
        assert!(!Deactivating.is_starting_or_running());
        assert!(Stopping.is_stopping());
        assert!(!Stopped.is_stopping());
        assert_eq!(Running.stop_entry(), Some(Deactivating));
        assert_eq!(Stopping.stop_entry(), None);
    }
}
