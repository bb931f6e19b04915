//! Services: the service scheduler and task placement, DAEMON services, rolling deployments and
//! the traffic-shifting ones (BLUE_GREEN, LINEAR, CANARY), the replacement of tasks on draining
//! instances, request load (estimated, or every request) and queue workers.

pub(super) mod daemon;
pub(super) mod deployments;
pub(super) mod draining;
pub(super) mod load;
pub(super) mod placement;
pub(super) mod queue;
pub(super) mod rebalancing;
pub(super) mod requests;
pub(super) mod revision_serving;
pub(super) mod scheduler;
mod state;
pub(super) mod traffic_shift;
mod traffic_shift_tasks;

pub(in crate::engine) use state::ServiceState;
