//! Task placement on EC2 container instances: filter by resources, then by constraints, then rank.
//!
//! Placement runs in the order of reference 9.1: instances that can hold the task's CPU, memory,
//! ports and ENI go through (`feasibility`), then those satisfying every placement constraint
//! (`distinctInstance`, `memberOf` with an expression of the cluster query language, `cql`), then
//! the strategy rules pick one (`ranking`). `index` answers the common strategies
//! (`binpack`, optionally after `spread` over zones) for the run's task shapes without scanning.

pub mod cql;
mod feasibility;
mod index;
mod ranking;
mod strategy;
#[cfg(test)]
mod tests;

pub use feasibility::{Shortfall, check_fit, pick_dynamic_ports};
pub use index::{FreeCapacityIndex, IndexAnswer, MAX_INDEXED_SHAPES, index_applies, place_with_index};
pub use ranking::{SpreadCounts, rank, rule_key};
pub use strategy::{
    AVAILABILITY_ZONE_ATTRIBUTE, BinpackField, MAX_CONSTRAINTS_PER_TASK, MAX_STRATEGY_RULES, PlacementConstraint,
    PlacementStrategy, SpreadField, default_service_strategy,
};

use std::sync::LazyLock;

use rand_chacha::ChaCha8Rng;

use crate::model::TaskResources;
use crate::model::{ContainerInstance, InstanceId, InstanceState};

/// Where a task goes and which host ports it takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// The chosen instance.
    pub instance: InstanceId,
    /// Host ports reserved for the task (static then dynamic).
    pub host_ports: Vec<u16>,
}

/// Why a task could not be placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacementFailure {
    /// The resource that was missing (`None` when the provider has no active instance, or when
    /// a constraint ruled out the instances that had room).
    pub shortfall: Option<Shortfall>,
    /// The closest-matching instance, if any.
    pub closest: Option<InstanceId>,
    /// The constraint that ruled out the last instances with room (`MemberOf`, `DistinctInstance`).
    pub constraint: Option<&'static str>,
}

impl PlacementFailure {
    /// The ECS reason code: `RESOURCE:CPU`, `RESOURCE:MEMORY`, `RESOURCE:PORTS`, `RESOURCE:ENI`,
    /// `MemberOf`, `DistinctInstance`, or `NO_CONTAINER_INSTANCES`.
    pub fn reason_code(&self) -> &'static str {
        match (self.constraint, self.shortfall) {
            (Some(c), _) => c,
            (None, Some(s)) => s.reason_code(),
            (None, None) => "NO_CONTAINER_INSTANCES",
        }
    }
}

/// What placement reads of the world besides the instances themselves.
pub trait PlacementContext: SpreadCounts {
    /// Tasks in RUNNING on the instance (`runningTasksCount`).
    fn running_tasks_on(&self, instance: &ContainerInstance) -> u64;
    /// True if `f` holds for the task group of any task on the instance (`task:group`).
    fn any_task_group_on(&self, instance: &ContainerInstance, f: &mut dyn FnMut(&str) -> bool) -> bool;
    /// Wall-clock time of simulated time zero, epoch milliseconds (`registeredAt`).
    fn start_epoch_ms(&self) -> i64;
}

/// One task to place.
#[derive(Clone, Copy, Debug)]
pub struct PlacementRequest<'a> {
    /// What the task reserves.
    pub resources: &'a TaskResources,
    /// The service's strategy rules; empty means the service default.
    pub strategy: &'a [PlacementStrategy],
    /// Constraints of the service and of the task definition.
    pub constraints: &'a [&'a PlacementConstraint],
    /// The instances' dynamic host port range.
    pub dynamic_port_range: (u16, u16),
}

static DEFAULT_STRATEGY: LazyLock<Vec<PlacementStrategy>> = LazyLock::new(default_service_strategy);

impl PlacementRequest<'_> {
    /// The rules that rank candidates: the service's, or the default.
    pub fn rules(&self) -> &[PlacementStrategy] {
        if self.strategy.is_empty() {
            &DEFAULT_STRATEGY
        } else {
            self.strategy
        }
    }
}

/// A container instance seen through the cluster query language.
pub struct InstanceFacts<'a> {
    /// The instance.
    pub instance: &'a ContainerInstance,
    /// The rest of the world.
    pub context: &'a dyn PlacementContext,
}

impl cql::InstanceView for InstanceFacts<'_> {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.instance.attribute(name)
    }
    fn ec2_instance_id(&self) -> &str {
        &self.instance.ec2_instance_id
    }
    fn running_tasks_count(&self) -> u64 {
        self.context.running_tasks_on(self.instance)
    }
    fn registered_at_epoch_ms(&self) -> Option<i64> {
        let at = self.instance.registered_at?;
        Some(
            self.context
                .start_epoch_ms()
                .saturating_add(i64::try_from(at.0).unwrap_or(i64::MAX)),
        )
    }
    fn agent_version(&self) -> &str {
        cql::DEFAULT_AGENT_VERSION
    }
    fn agent_connected(&self) -> bool {
        self.instance.state == InstanceState::Active
    }
    fn any_task_group(&self, f: &mut dyn FnMut(&str) -> bool) -> bool {
        self.context.any_task_group_on(self.instance, f)
    }
}

/// True if `instance` satisfies `constraint` for a task of the service.
pub fn allows(constraint: &PlacementConstraint, instance: &ContainerInstance, context: &dyn PlacementContext) -> bool {
    match constraint {
        PlacementConstraint::DistinctInstance => context.service_tasks_on_instance(instance.id) == 0,
        PlacementConstraint::MemberOf { parsed, .. } => parsed.matches(&InstanceFacts { instance, context }),
    }
}

/// Places a task of a service on one of `instances` (those of its capacity provider), scanning
/// them all: resources, then constraints, then strategy rules.
pub fn place_task(
    request: &PlacementRequest<'_>,
    instances: &[&ContainerInstance],
    context: &dyn PlacementContext,
    rng: &mut ChaCha8Rng,
) -> Result<Placement, PlacementFailure> {
    let mut best_failure: Option<(usize, Shortfall, InstanceId)> = None;
    let mut candidates = Vec::new();
    for instance in instances.iter().filter(|i| i.state == InstanceState::Active) {
        match check_fit(request.resources, instance, request.dynamic_port_range) {
            Ok(()) => candidates.push(*instance),
            Err((checks_passed, shortfall)) => {
                if best_failure.is_none_or(|(best, _, _)| checks_passed > best) {
                    best_failure = Some((checks_passed, shortfall, instance.id));
                }
            }
        }
    }
    let resource_failure = || PlacementFailure {
        shortfall: best_failure.map(|(_, s, _)| s),
        closest: best_failure.map(|(_, _, id)| id),
        constraint: None,
    };
    if candidates.is_empty() {
        return Err(resource_failure());
    }
    for constraint in request.constraints {
        let first = candidates[0].id;
        candidates.retain(|i| allows(constraint, i, context));
        if candidates.is_empty() {
            return Err(PlacementFailure {
                shortfall: None,
                closest: Some(first),
                constraint: Some(constraint.reason_code()),
            });
        }
    }
    let chosen = rank(request.rules(), candidates, request.resources, context, rng).ok_or_else(resource_failure)?;
    let instance = instances
        .iter()
        .find(|i| i.id == chosen)
        .expect("candidate comes from instances");
    Ok(Placement {
        instance: chosen,
        host_ports: host_ports(request, instance),
    })
}

/// The static ports of the task and the lowest free dynamic ones on `instance`.
pub fn host_ports(request: &PlacementRequest<'_>, instance: &ContainerInstance) -> Vec<u16> {
    let mut host_ports = request.resources.static_ports.clone();
    host_ports.extend(pick_dynamic_ports(
        instance,
        request.resources.dynamic_ports,
        request.dynamic_port_range,
    ));
    host_ports
}
