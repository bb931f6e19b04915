//! Accounting: cost per capacity provider and per service, and the trace rows written at every
//! trace interval.

pub(super) mod cost;
pub(super) mod service_cost;
pub(super) mod tracing;
