//! Task placement on EC2 container instances: filter by resources, then rank the candidates.
//!
//! Placement runs in the order of reference 9.1: instances that can hold the task's CPU, memory,
//! ports and ENI go through (`feasibility`), then a ranking picks one (`ranking`). Placement
//! strategies and constraints plug into the ranking and the filter respectively.

pub mod cql;
mod feasibility;
mod ranking;

pub use feasibility::{Shortfall, check_fit, pick_dynamic_ports};
pub use ranking::{PlacementCandidate, rank_default_az_spread};

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

/// Why a task could not be placed: the shortfall of the closest-matching instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacementFailure {
    /// The resource that was missing (`None` when the provider has no active instance).
    pub shortfall: Option<Shortfall>,
    /// The closest-matching instance, if any.
    pub closest: Option<InstanceId>,
}

impl PlacementFailure {
    /// The ECS reason code: `RESOURCE:CPU`, `RESOURCE:MEMORY`, `RESOURCE:PORTS`, `RESOURCE:ENI`,
    /// or `NO_CONTAINER_INSTANCES`.
    pub fn reason_code(&self) -> &'static str {
        match self.shortfall {
            Some(s) => s.reason_code(),
            None => "NO_CONTAINER_INSTANCES",
        }
    }
}

/// Places a task of a service on one of `instances` (those of its capacity provider).
///
/// `service_tasks_on(instance)` counts the service's tasks already on an instance and
/// `service_tasks_in_az(az)` those in an Availability Zone: the default strategy spreads over AZs,
/// then over instances.
pub fn place_task(
    resources: &TaskResources,
    instances: &[&ContainerInstance],
    dynamic_port_range: (u16, u16),
    service_tasks_on: impl Fn(InstanceId) -> u32,
    service_tasks_in_az: impl Fn(usize) -> u32,
) -> Result<Placement, PlacementFailure> {
    let mut best_failure: Option<(usize, Shortfall, InstanceId)> = None;
    let mut candidates = Vec::new();
    for instance in instances.iter().filter(|i| i.state == InstanceState::Active) {
        match check_fit(resources, instance, dynamic_port_range) {
            Ok(()) => candidates.push(PlacementCandidate {
                instance: instance.id,
                availability_zone: instance.availability_zone,
                service_tasks_on_instance: service_tasks_on(instance.id),
                service_tasks_in_az: service_tasks_in_az(instance.availability_zone),
            }),
            Err((checks_passed, shortfall)) => {
                if best_failure.is_none_or(|(best, _, _)| checks_passed > best) {
                    best_failure = Some((checks_passed, shortfall, instance.id));
                }
            }
        }
    }
    let Some(chosen) = rank_default_az_spread(&candidates) else {
        return Err(PlacementFailure {
            shortfall: best_failure.map(|(_, s, _)| s),
            closest: best_failure.map(|(_, _, id)| id),
        });
    };
    let instance = instances
        .iter()
        .find(|i| i.id == chosen)
        .expect("candidate comes from instances");
    let mut host_ports = resources.static_ports.clone();
    host_ports.extend(pick_dynamic_ports(
        instance,
        resources.dynamic_ports,
        dynamic_port_range,
    ));
    Ok(Placement {
        instance: chosen,
        host_ports,
    })
}
