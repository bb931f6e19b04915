//! Offerings (instance type x zone x capacity type) of a NodePool, their prices, the labels a
//! node launched from one would carry, and the choice of the offering to launch
//! (k8s-semantics 6.2 steps 3 to 5).

use std::cmp::Ordering;

use crate::model::catalog::{CpuArchitecture, InstanceType};
use crate::model::k8s::{CapacityType, Labels, PodResources, Taint, TaintEffect, Toleration};

use super::pods::ProvisionablePod;

/// Default EC2 Spot discount off on-demand, percent: the same figure as the ECS side's
/// `behavior.cost.ec2SpotDiscountPercent` (the catalog has no Spot prices; real ones vary by
/// type, zone and hour). The engine passes the scenario's setting in [`Pricing`].
pub const DEFAULT_SPOT_DISCOUNT_PERCENT: f64 = 70.0;

/// How offerings are priced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pricing {
    /// Spot price = on-demand x (1 - this / 100).
    pub spot_discount_percent: f64,
}

impl Default for Pricing {
    fn default() -> Self {
        Pricing {
            spot_discount_percent: DEFAULT_SPOT_DISCOUNT_PERCENT,
        }
    }
}

impl Pricing {
    /// USD per hour of a node of `instance_type` bought as `capacity_type`.
    pub fn usd_per_hour(&self, instance_type: &InstanceType, capacity_type: CapacityType) -> f64 {
        match capacity_type {
            CapacityType::OnDemand => instance_type.on_demand_usd_per_hour,
            CapacityType::Spot => instance_type.on_demand_usd_per_hour * (1.0 - self.spot_discount_percent / 100.0),
        }
    }
}

/// One thing Karpenter can launch: an instance type in a zone as on-demand or Spot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Offering {
    /// The instance type.
    pub instance_type: &'static InstanceType,
    /// Index into the run's Availability Zones.
    pub zone: usize,
    /// On-demand or Spot.
    pub capacity_type: CapacityType,
}

/// What a node of an instance type offers pods, as the caller estimates it before the node
/// exists (Karpenter: capacity minus its VM overhead guess, kube-reserved, eviction threshold
/// and the DaemonSets' requests; k8s-semantics 6.3, W38).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeCapacity {
    /// Allocatable CPU and memory left for the batch's pods.
    pub allocatable: PodResources,
    /// Pods the node takes (max pods, less the DaemonSet pods).
    pub pods: u32,
}

/// A NodePool's `spec.limits` minus what its nodes already have (capacity, not allocatable:
/// Karpenter counts instance capacity). `None` = no limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RemainingLimits {
    /// CPU millicores still allowed.
    pub cpu_milli: Option<u64>,
    /// Memory MiB still allowed.
    pub memory_mib: Option<u64>,
    /// Nodes still allowed.
    pub nodes: Option<u32>,
}

impl RemainingLimits {
    /// Whether one more node of `instance_type` stays within the limits.
    pub fn allow(&self, instance_type: &InstanceType) -> bool {
        self.cpu_milli
            .is_none_or(|c| u64::from(instance_type.vcpus) * 1000 <= c)
            && self.memory_mib.is_none_or(|m| instance_type.memory_mib <= m)
            && self.nodes.is_none_or(|n| n >= 1)
    }

    /// The limits after reserving the largest of `types` (Karpenter reserves the biggest type a
    /// NodeClaim might become, since it does not know which EC2 Fleet will pick).
    pub fn reserve_largest<'t>(&mut self, types: impl Iterator<Item = &'t InstanceType>) {
        let (cpu, memory) = types.fold((0, 0), |(c, m), t| {
            (c.max(u64::from(t.vcpus) * 1000), m.max(t.memory_mib))
        });
        self.cpu_milli = self.cpu_milli.map(|c| c.saturating_sub(cpu));
        self.memory_mib = self.memory_mib.map(|m| m.saturating_sub(memory));
        self.nodes = self.nodes.map(|n| n.saturating_sub(1));
    }
}

/// A NodePool as the provisioner and consolidation see it. The caller passes pools in the
/// order Karpenter tries them: `spec.weight` descending, then name (as `EksSpec` keeps them).
#[derive(Clone, Copy, Debug)]
pub struct PoolOffer<'a> {
    /// `metadata.name` (the `karpenter.sh/nodepool` label).
    pub name: &'a str,
    /// `spec.template.metadata.labels`.
    pub labels: &'a Labels,
    /// `spec.template.spec.taints`.
    pub taints: &'a [Taint],
    /// Instance types its requirements allow.
    pub instance_types: &'a [&'static InstanceType],
    /// Zones its requirements allow (indices into the run's zones).
    pub zones: &'a [usize],
    /// Capacity types its requirements allow.
    pub capacity_types: &'a [CapacityType],
    /// Its limits minus its nodes' capacity.
    pub remaining: RemainingLimits,
}

impl PoolOffer<'_> {
    /// Every offering of the pool: type x zone x capacity type, in that nesting.
    pub fn offerings(&self) -> impl Iterator<Item = Offering> + '_ {
        self.instance_types.iter().flat_map(move |&instance_type| {
            self.zones.iter().flat_map(move |&zone| {
                self.capacity_types.iter().map(move |&capacity_type| Offering {
                    instance_type,
                    zone,
                    capacity_type,
                })
            })
        })
    }

    /// The first NoSchedule or NoExecute taint of the pool the tolerations do not tolerate.
    pub fn untolerated_taint(&self, tolerations: &[Toleration]) -> Option<&Taint> {
        self.taints
            .iter()
            .filter(|t| t.effect != TaintEffect::PreferNoSchedule)
            .find(|t| !tolerations.iter().any(|tol| tol.tolerates(t)))
    }

    /// Whether a pod may run on a node of `offering` from this pool: its nodeSelector and
    /// required node affinity against the pool's labels and the offering's well-known labels.
    pub fn admits(&self, pod: &ProvisionablePod<'_>, offering: &Offering, zone_names: &[String]) -> bool {
        let labels = OfferingLabels {
            pool: self,
            offering,
            zone_name: zone_names.get(offering.zone).map_or("", String::as_str),
        };
        pod.node_selector.iter().all(|(k, v)| labels.get(k) == Some(v.as_str()))
            && (pod.required_node_terms.is_empty()
                || pod.required_node_terms.iter().any(|term| {
                    term.match_expressions
                        .iter()
                        .all(|e| e.matches_value(labels.get(&e.key)))
                }))
    }
}

/// The labels a node launched from an offering carries, looked up without building a map.
struct OfferingLabels<'a> {
    pool: &'a PoolOffer<'a>,
    offering: &'a Offering,
    zone_name: &'a str,
}

impl<'a> OfferingLabels<'a> {
    /// The value of label `key`: a well-known label of the offering, else the pool's label.
    /// The numeric `karpenter.k8s.aws/instance-cpu` and `-memory` labels are not modelled.
    fn get(&self, key: &str) -> Option<&'a str> {
        let it = self.offering.instance_type;
        match key {
            "node.kubernetes.io/instance-type" | "beta.kubernetes.io/instance-type" => Some(it.name),
            "topology.kubernetes.io/zone" | "failure-domain.beta.kubernetes.io/zone" => Some(self.zone_name),
            "karpenter.sh/capacity-type" => Some(self.offering.capacity_type.karpenter_label()),
            "karpenter.sh/nodepool" => Some(self.pool.name),
            "kubernetes.io/os" => Some("linux"),
            "kubernetes.io/arch" => Some(match it.architecture {
                CpuArchitecture::X86_64 => "amd64",
                CpuArchitecture::Arm64 => "arm64",
            }),
            "karpenter.k8s.aws/instance-family" => it.name.split_once('.').map(|(f, _)| f),
            "karpenter.k8s.aws/instance-size" => it.name.split_once('.').map(|(_, s)| s),
            _ => self.pool.labels.get(key).map(String::as_str),
        }
    }
}

/// Karpenter's preference between capacity types when several are allowed: reserved > spot >
/// on-demand (k8s-semantics 6.2 step 4; reserved capacity is not modelled). Lower is preferred.
pub fn capacity_type_rank(capacity_type: CapacityType) -> u8 {
    match capacity_type {
        CapacityType::Spot => 0,
        CapacityType::OnDemand => 1,
    }
}

/// An offering with its price and the nodes already in its zone, for [`launch_order`].
#[derive(Clone, Copy, Debug)]
pub struct PricedOffering {
    /// The offering.
    pub offering: Offering,
    /// USD per hour.
    pub usd_per_hour: f64,
    /// Nodes in its zone (the pool's, plus NodeClaims of this batch).
    pub nodes_in_zone: u32,
}

/// The order in which offerings are launched, best first: the preferred capacity type, then
/// the lowest price (EC2 Fleet `lowest-price`; `price-capacity-optimized` for Spot is modelled
/// as cheapest with capacity available, k8s-semantics 9.9), then the zone with the fewest nodes
/// (prices are the same in every zone; ecsim's choice, so nodes spread), then zone index and
/// type name (deterministic ties).
pub fn launch_order(a: &PricedOffering, b: &PricedOffering) -> Ordering {
    capacity_type_rank(a.offering.capacity_type)
        .cmp(&capacity_type_rank(b.offering.capacity_type))
        .then(a.usd_per_hour.total_cmp(&b.usd_per_hour))
        .then(a.nodes_in_zone.cmp(&b.nodes_in_zone))
        .then(a.offering.zone.cmp(&b.offering.zone))
        .then(a.offering.instance_type.name.cmp(b.offering.instance_type.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::instance_type;

    fn it(name: &str) -> &'static InstanceType {
        instance_type(name).expect("in the catalog")
    }

    #[track_caller]
    fn check_price(name: &str, capacity_type: CapacityType, discount: f64, usd: f64) {
        let pricing = Pricing {
            spot_discount_percent: discount,
        };
        let got = pricing.usd_per_hour(it(name), capacity_type);
        assert!(
            (got - usd).abs() < 1e-12,
            "{name} {capacity_type:?} {discount}: {got} vs {usd}"
        );
    }

    #[test]
    fn spot_is_the_on_demand_price_less_the_discount() {
        check_price("m5.large", CapacityType::OnDemand, 70.0, 0.096);
        check_price("m5.large", CapacityType::Spot, 70.0, 0.096 * 0.3);
        check_price("m5.large", CapacityType::Spot, 0.0, 0.096);
        check_price("c5.xlarge", CapacityType::Spot, 100.0, 0.0);
        assert_eq!(Pricing::default().spot_discount_percent, 70.0);
    }

    #[track_caller]
    fn check_limits(limits: RemainingLimits, name: &str, allowed: bool) {
        assert_eq!(limits.allow(it(name)), allowed, "{limits:?} {name}");
    }

    #[test]
    fn limits_allow_a_type_only_within_every_remaining_amount() {
        let cpu4 = RemainingLimits {
            cpu_milli: Some(4000),
            ..Default::default()
        };
        check_limits(cpu4, "m5.xlarge", true);
        check_limits(cpu4, "m5.2xlarge", false);
        let mem = RemainingLimits {
            memory_mib: Some(16_383),
            ..Default::default()
        };
        check_limits(mem, "m5.large", true);
        check_limits(mem, "m5.xlarge", false);
        let none_left = RemainingLimits {
            nodes: Some(0),
            ..Default::default()
        };
        check_limits(none_left, "t3.small", false);
        check_limits(RemainingLimits::default(), "m6i.8xlarge", true);
        let mut both = RemainingLimits {
            cpu_milli: Some(10_000),
            memory_mib: Some(40_000),
            nodes: Some(3),
        };
        both.reserve_largest([it("m5.large"), it("m5.2xlarge")].into_iter());
        assert_eq!(
            both,
            RemainingLimits {
                cpu_milli: Some(2000),
                memory_mib: Some(40_000 - 32_768),
                nodes: Some(2)
            }
        );
    }

    fn priced(name: &str, zone: usize, capacity_type: CapacityType, nodes_in_zone: u32) -> PricedOffering {
        let offering = Offering {
            instance_type: it(name),
            zone,
            capacity_type,
        };
        PricedOffering {
            offering,
            usd_per_hour: Pricing::default().usd_per_hour(offering.instance_type, capacity_type),
            nodes_in_zone,
        }
    }

    #[track_caller]
    fn check_first(mut offerings: Vec<PricedOffering>, name: &str, zone: usize, capacity_type: CapacityType) {
        offerings.sort_by(launch_order);
        let best = offerings[0].offering;
        assert_eq!(
            (best.instance_type.name, best.zone, best.capacity_type),
            (name, zone, capacity_type)
        );
    }

    #[test]
    fn spot_comes_first_then_price_then_the_emptier_zone() {
        use CapacityType::{OnDemand, Spot};
        // k8s-semantics 6.2 step 4: spot preferred over on-demand when both are allowed.
        check_first(
            vec![priced("t3.small", 0, OnDemand, 0), priced("m5.large", 0, Spot, 0)],
            "m5.large",
            0,
            Spot,
        );
        check_first(
            vec![priced("m5.large", 0, OnDemand, 0), priced("c5.large", 0, OnDemand, 0)],
            "c5.large",
            0,
            OnDemand,
        );
        check_first(
            vec![priced("c5.large", 0, OnDemand, 2), priced("c5.large", 1, OnDemand, 1)],
            "c5.large",
            1,
            OnDemand,
        );
        check_first(
            vec![priced("c5.large", 2, OnDemand, 1), priced("c5.large", 1, OnDemand, 1)],
            "c5.large",
            1,
            OnDemand,
        );
        // Same price (c5.large and c6i.large): the name decides.
        check_first(
            vec![priced("c6i.large", 0, OnDemand, 0), priced("c5.large", 0, OnDemand, 0)],
            "c5.large",
            0,
            OnDemand,
        );
    }
}
