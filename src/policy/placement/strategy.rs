//! Placement strategies (`placementStrategy`, reference 9.2) and constraints (9.3) as typed values.

use super::cql;

/// The resource `binpack` packs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinpackField {
    /// `cpu`.
    Cpu,
    /// `memory`.
    Memory,
}

/// What `spread` balances over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpreadField {
    /// `instanceId` (or `host`, the same thing).
    InstanceId,
    /// `attribute:<name>`, e.g. `attribute:ecs.availability-zone`.
    Attribute(String),
}

/// The attribute of the default service strategy.
pub const AVAILABILITY_ZONE_ATTRIBUTE: &str = "ecs.availability-zone";

/// One rule of `placementStrategy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlacementStrategy {
    /// `binpack`: the instance left with the least of the field after placement.
    Binpack(BinpackField),
    /// `spread`: the value (instance or attribute value) with the fewest tasks of the service.
    Spread(SpreadField),
    /// `random`: any candidate, drawn from the service's seeded stream.
    Random,
}

impl PlacementStrategy {
    /// As written in ECS events, e.g. `spread(attribute:ecs.availability-zone)`.
    pub fn describe(&self) -> String {
        match self {
            PlacementStrategy::Binpack(BinpackField::Cpu) => "binpack(cpu)".into(),
            PlacementStrategy::Binpack(BinpackField::Memory) => "binpack(memory)".into(),
            PlacementStrategy::Spread(SpreadField::InstanceId) => "spread(instanceId)".into(),
            PlacementStrategy::Spread(SpreadField::Attribute(a)) => format!("spread(attribute:{a})"),
            PlacementStrategy::Random => "random".into(),
        }
    }
}

/// The rules used when a service sets none: spread over Availability Zones, then over instances
/// (the second rule stands in for AWS's unspecified choice inside a zone).
pub fn default_service_strategy() -> Vec<PlacementStrategy> {
    vec![
        PlacementStrategy::Spread(SpreadField::Attribute(AVAILABILITY_ZONE_ATTRIBUTE.into())),
        PlacementStrategy::Spread(SpreadField::InstanceId),
    ]
}

/// One entry of `placementConstraints`.
#[derive(Clone, Debug, PartialEq)]
pub enum PlacementConstraint {
    /// `distinctInstance`: no other task of the group (the service) on the instance.
    DistinctInstance,
    /// `memberOf`: the instance satisfies a cluster-query-language expression.
    MemberOf {
        /// The expression as written.
        expression: String,
        /// The expression parsed (validated when the scenario is read).
        parsed: cql::Expr,
    },
}

impl PlacementConstraint {
    /// The ECS placement failure reason when this constraint rules out every instance.
    pub fn reason_code(&self) -> &'static str {
        match self {
            PlacementConstraint::DistinctInstance => "DistinctInstance",
            PlacementConstraint::MemberOf { .. } => "MemberOf",
        }
    }
}

/// Most constraints on one task (task definition and service together), reference 9.1.
pub const MAX_CONSTRAINTS_PER_TASK: usize = 10;
/// Most strategy rules on one service, reference 9.1.
pub const MAX_STRATEGY_RULES: usize = 5;
