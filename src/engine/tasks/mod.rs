//! Tasks: the lifecycle from PROVISIONING to STOPPED, container health, the restart throttle and
//! task scale-in protection.

pub(super) mod health;
pub(super) mod lifecycle;
pub(super) mod protection;
pub(super) mod throttle;
