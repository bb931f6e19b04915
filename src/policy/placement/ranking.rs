//! Ranking feasible instances by the service's placement strategy rules (reference 9.2).
//!
//! The rules are applied in order as a lexicographic key: each keeps only the candidates with the
//! best value of its key, so a later rule breaks the ties of the earlier ones. `random` picks one
//! of the remaining candidates with a single draw, which ends the ranking. A tie left after the
//! last rule goes to the earliest-launched instance (a deterministic stand-in for AWS's choice).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::strategy::{AVAILABILITY_ZONE_ATTRIBUTE, BinpackField, PlacementStrategy, SpreadField};
use crate::model::{ContainerInstance, InstanceId, TaskResources};

/// The counts of the service's tasks that spread rules need.
pub trait SpreadCounts {
    /// Tasks of the service (starting or running) on the instance.
    fn service_tasks_on_instance(&self, instance: InstanceId) -> u32;
    /// Tasks of the service in the Availability Zone.
    fn service_tasks_in_az(&self, az: usize) -> u32;
    /// Tasks of the service on instances whose attribute `name` is `value` (`None`: lacking it).
    fn service_tasks_with_attribute(&self, name: &str, value: Option<&str>) -> u32;
}

/// The key of `rule` for a candidate: lower is better.
pub fn rule_key(
    rule: &PlacementStrategy,
    instance: &ContainerInstance,
    resources: &TaskResources,
    counts: &dyn SpreadCounts,
) -> u64 {
    match rule {
        PlacementStrategy::Binpack(BinpackField::Cpu) => {
            u64::from(instance.free_cpu_units().saturating_sub(resources.cpu_units))
        }
        PlacementStrategy::Binpack(BinpackField::Memory) => {
            instance.free_memory_mib().saturating_sub(resources.memory_mib)
        }
        PlacementStrategy::Spread(SpreadField::InstanceId) => u64::from(counts.service_tasks_on_instance(instance.id)),
        PlacementStrategy::Spread(SpreadField::Attribute(name)) if name == AVAILABILITY_ZONE_ATTRIBUTE => {
            u64::from(counts.service_tasks_in_az(instance.availability_zone))
        }
        PlacementStrategy::Spread(SpreadField::Attribute(name)) => {
            u64::from(counts.service_tasks_with_attribute(name, instance.attribute(name)))
        }
        PlacementStrategy::Random => 0,
    }
}

/// The instance the rules choose among `candidates` (all feasible and allowed), or `None` if
/// there is none. `rng` is drawn from only by a `random` rule with more than one candidate left.
pub fn rank(
    rules: &[PlacementStrategy],
    candidates: Vec<&ContainerInstance>,
    resources: &TaskResources,
    counts: &dyn SpreadCounts,
    rng: &mut ChaCha8Rng,
) -> Option<InstanceId> {
    let mut pool = candidates;
    for rule in rules {
        if pool.len() <= 1 {
            break;
        }
        if *rule == PlacementStrategy::Random {
            let i = rng.random_range(0..pool.len());
            return Some(pool[i].id);
        }
        let keys: Vec<u64> = pool.iter().map(|c| rule_key(rule, c, resources, counts)).collect();
        let best = *keys.iter().min().expect("pool is not empty");
        let mut k = keys.iter();
        pool.retain(|_| *k.next().expect("one key per candidate") == best);
    }
    pool.iter().map(|c| c.id).min()
}
