//! What a task reserves on a container instance, and one item of a capacity provider strategy.

use crate::sim::ProviderIdx;

/// What one task reserves on a container instance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskResources {
    /// CPU units reserved.
    pub cpu_units: u32,
    /// Memory reserved, MiB.
    pub memory_mib: u64,
    /// Static host ports (bridge with a fixed hostPort, or host mode).
    pub static_ports: Vec<u16>,
    /// Number of dynamic host ports needed (bridge with hostPort 0 or absent).
    pub dynamic_ports: u32,
    /// ENIs needed (1 in awsvpc mode).
    pub enis: u32,
}

/// One item of a capacity provider strategy, resolved to a provider index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrategyItem {
    /// Index into the run's capacity providers.
    pub provider: ProviderIdx,
    /// Tasks placed on this provider before weights apply.
    pub base: u32,
    /// Relative share of the tasks beyond the bases.
    pub weight: u32,
}
