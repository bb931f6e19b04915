//! `ec2AutoScaling`: Auto Scaling groups (EC2 Auto Scaling API names) and their mixed instances
//! policies; their scaling policies are read by `auto_scaling_group_policies`.

use super::diag::Diagnostics;
use super::reader::{Obj, as_string, object};
use super::yaml::Node;
use crate::model::catalog::{closest_instance_type_name, instance_type};
use crate::sim::SimDuration;
use crate::spec::{AutoScalingGroupSpec, InstancesDistribution};

const ASG_IGNORED: &[&str] = &[
    "AutoScalingGroupARN",
    "LaunchConfigurationName",
    "LaunchTemplate",
    "VPCZoneIdentifier",
    "Tags",
    "HealthCheckType",
    "HealthCheckGracePeriod",
    "TargetGroupARNs",
    "LoadBalancerNames",
    "ServiceLinkedRoleARN",
    "TerminationPolicies",
    "CreatedTime",
    "Instances",
    "EnabledMetrics",
    "SuspendedProcesses",
    "MaxInstanceLifetime",
    "Status",
    "PlacementGroup",
    "WarmPoolConfiguration",
    "Context",
    "TrafficSources",
    "PredictedCapacity",
    "AvailabilityZoneDistribution",
    "AvailabilityZoneImpairmentPolicy",
    "CapacityReservationSpecification",
];

/// Reads `ec2AutoScaling`: its groups and its scaling policies.
pub fn read_auto_scaling_groups(
    node: Option<&Node>,
    zones: &[String],
    d: &mut Diagnostics,
) -> Vec<AutoScalingGroupSpec> {
    let Some(node) = node else { return Vec::new() };
    let Some(mut block) = object(node, "ec2AutoScaling", d) else {
        return Vec::new();
    };
    let items = block.list("autoScalingGroups", d);
    let policies = block.list("scalingPolicies", d);
    block.finish(d);
    let mut groups: Vec<AutoScalingGroupSpec> = Vec::new();
    for (path, n) in items {
        let Some(g) = read_group(n, &path, zones, d) else {
            let name = super::reader::declared_name(n, "AutoScalingGroupName");
            d.unread.add(super::diag::Declared::AutoScalingGroup, name.as_deref());
            continue;
        };
        if groups.iter().any(|other| other.name == g.name) {
            d.error(
                n.loc,
                &format!("{path}.AutoScalingGroupName"),
                format!("Auto Scaling group `{}` is defined twice", g.name),
                None,
            );
            continue;
        }
        groups.push(g);
    }
    let count = |groups: &[AutoScalingGroupSpec]| -> usize {
        groups
            .iter()
            .map(|g| g.scaling_policies.len() + g.alarm_policies.len())
            .sum()
    };
    for (path, n) in policies {
        let before = count(&groups);
        super::auto_scaling_group_policies::read_policy(n, &path, &mut groups, d);
        if count(&groups) == before {
            // Unread, or disabled: an alarm naming it invokes nothing, without a second error.
            let name = super::reader::declared_name(n, "PolicyName");
            d.unread.add(super::diag::Declared::GroupScalingPolicy, name.as_deref());
        }
    }
    groups
}

fn read_group(node: &Node, path: &str, zones: &[String], d: &mut Diagnostics) -> Option<AutoScalingGroupSpec> {
    let mut o = object(node, path, d)?;
    let name = o.required_string("AutoScalingGroupName", "the group name", d);
    let types = read_instance_types(&mut o, d);
    let min = o.required_int("MinSize", 0, 100_000, "the smallest group size", d);
    let max = o.required_int("MaxSize", 0, 100_000, "the largest group size", d);
    let desired = o.int("DesiredCapacity", 0, 100_000, d);
    // -1 clears the setting (EC2 Auto Scaling API).
    let warmup = o
        .int("DefaultInstanceWarmup", -1, 3600, d)
        .and_then(|s| u64::try_from(s).ok())
        .map(SimDuration::from_secs);
    let protected = o.boolean("NewInstancesProtectedFromScaleIn", d).unwrap_or(false);
    let capacity_rebalance = o.boolean("CapacityRebalance", d).unwrap_or(false);
    let cooldown = o
        .int("DefaultCooldown", 0, 86_400 * 365, d)
        .map(|s| SimDuration::from_secs(s as u64));
    let azs = read_zones(&mut o, zones, d);
    let (loc, desired_path) = (o.key_loc("DesiredCapacity"), o.child("DesiredCapacity"));
    o.ignore(ASG_IGNORED);
    o.finish(d);
    let (Some(name), Some((instance_types, distribution, spot_type)), Some(min), Some(max)) = (name, types, min, max)
    else {
        return None;
    };
    let desired = desired.unwrap_or(min);
    if !(min <= desired && desired <= max) {
        d.error(
            loc,
            &desired_path,
            format!("DesiredCapacity {desired} must be between MinSize {min} and MaxSize {max}"),
            None,
        );
        return None;
    }
    let mut group = AutoScalingGroupSpec::new(
        name,
        instance_types[0].clone(),
        (min as u32, desired as u32, max as u32),
        azs,
    );
    group.instance_types = instance_types;
    group.spot_instance_type = spot_type;
    group.distribution = distribution;
    group.default_instance_warmup = warmup;
    group.new_instances_protected_from_scale_in = protected;
    group.capacity_rebalance = capacity_rebalance;
    if let Some(cooldown) = cooldown {
        group.default_cooldown = cooldown;
    }
    Some(group)
}

/// The instance types of a group, in launch priority order; its On-Demand/Spot split; the type
/// its Spot launches use.
type InstanceTypes = (Vec<String>, InstancesDistribution, String);

/// `InstanceType`, or `MixedInstancesPolicy` (one of the two).
fn read_instance_types(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<InstanceTypes> {
    let itype_path = o.child("InstanceType");
    let itype = o
        .field("InstanceType")
        .and_then(|n| as_string(n, &itype_path, d).map(|t| (t, n)));
    match (&itype, o.field("MixedInstancesPolicy")) {
        (Some((t, n)), None) => {
            // An unknown type is reported here; the group is still read so that references to it
            // do not cascade into more errors (nothing runs with an error).
            check_instance_type(t, n, &itype_path, d);
            Some((vec![t.clone()], InstancesDistribution::default(), t.clone()))
        }
        (None, Some(m)) => read_mixed_instances_policy(m, &o.child("MixedInstancesPolicy"), d),
        (Some(_), Some(m)) => {
            d.error(
                o.key_loc("InstanceType"),
                &itype_path,
                "InstanceType and MixedInstancesPolicy cannot both be set",
                Some("list the types in MixedInstancesPolicy.LaunchTemplate.Overrides".into()),
            );
            // Still checked, so that its own mistakes are reported in the same pass.
            read_mixed_instances_policy(m, &o.child("MixedInstancesPolicy"), d);
            None
        }
        (None, None) => {
            o.missing("InstanceType", "e.g. m5.large, or a MixedInstancesPolicy", d);
            None
        }
    }
}

fn read_zones(o: &mut Obj<'_>, zones: &[String], d: &mut Diagnostics) -> Vec<usize> {
    let az_nodes = o.list("AvailabilityZones", d);
    let mut azs = Vec::new();
    for (p, n) in &az_nodes {
        let Some(az) = as_string(n, p, d) else { continue };
        match zones.iter().position(|z| *z == az) {
            Some(i) => azs.push(i),
            None => d.error(
                n.loc,
                p,
                format!(
                    "`{az}` is not one of the scenario's availabilityZones ({})",
                    zones.join(", ")
                ),
                None,
            ),
        }
    }
    if az_nodes.is_empty() {
        azs = (0..zones.len()).collect();
    }
    azs
}

fn check_instance_type(t: &str, n: &Node, path: &str, d: &mut Diagnostics) -> bool {
    if instance_type(t).is_some() {
        return true;
    }
    let help = closest_instance_type_name(t).map_or_else(
        || "the catalog has t3, m5, m6i, m7g, c5, c6i, c7g, r5 and r6i, large to 4xlarge".to_string(),
        |c| format!("did you mean `{c}`?"),
    );
    d.error(n.loc, path, format!("unknown instance type `{t}`"), Some(help));
    false
}

/// `MixedInstancesPolicy`: the override types in priority order, the On-Demand/Spot split, and
/// the type Spot launches use. On-Demand launches use the first override (`prioritized`, the
/// default) or the cheapest (`lowest-price`).
fn read_mixed_instances_policy(node: &Node, path: &str, d: &mut Diagnostics) -> Option<InstanceTypes> {
    let mut o = object(node, path, d)?;
    let mut types = Vec::new();
    let lt_path = o.child("LaunchTemplate");
    let ok = match o.required_field("LaunchTemplate", "LaunchTemplate.Overrides with the instance types", d) {
        Some(lt) => read_launch_template(lt, &lt_path, &mut types, d),
        None => false,
    };
    let (distribution, lowest_price_on_demand) = match o.field("InstancesDistribution") {
        Some(n) => read_instances_distribution(n, &o.child("InstancesDistribution"), d),
        None => (InstancesDistribution::default(), false),
    };
    o.finish(d);
    if !ok || types.is_empty() {
        return None;
    }
    let cheapest = cheapest(&types);
    let mut ordered = types.clone();
    if lowest_price_on_demand {
        ordered.sort_by(|a, b| price(a).total_cmp(&price(b)));
    }
    Some((ordered, distribution, cheapest))
}

/// `LaunchTemplate` of a mixed instances policy: adds the types of its `Overrides` to `types`;
/// false when an override is wrong or missing.
fn read_launch_template(node: &Node, path: &str, types: &mut Vec<String>, d: &mut Diagnostics) -> bool {
    let Some(mut t) = object(node, path, d) else {
        return true;
    };
    let mut ok = true;
    let overrides = t.list("Overrides", d);
    if overrides.is_empty() {
        t.missing("Overrides", "a list of {InstanceType: ...}", d);
        ok = false;
    }
    for (p, n) in overrides {
        ok &= read_override(n, &p, types, d);
    }
    t.ignore(&["LaunchTemplateSpecification"]);
    t.finish(d);
    ok
}

/// One item of `Overrides`: a plain `InstanceType`, added to `types`; false when it is wrong.
fn read_override(node: &Node, path: &str, types: &mut Vec<String>, d: &mut Diagnostics) -> bool {
    let Some(mut item) = object(node, path, d) else {
        return false;
    };
    let mut ok = true;
    let tp = item.child("InstanceType");
    match item.required_field("InstanceType", "an instance type such as m5.large", d) {
        Some(tn) => match as_string(tn, &tp, d) {
            Some(ty) if check_instance_type(&ty, tn, &tp, d) => types.push(ty),
            _ => ok = false,
        },
        None => ok = false,
    }
    for unsupported in ["WeightedCapacity", "InstanceRequirements"] {
        if item.field(unsupported).is_some() {
            d.error(
                item.key_loc(unsupported),
                &item.child(unsupported),
                format!(
                    "{unsupported} is not supported: ECS capacity providers need one instance per unit of capacity"
                ),
                Some("list plain InstanceType overrides".into()),
            );
            ok = false;
        }
    }
    item.ignore(&["LaunchTemplateSpecification", "ImageId"]);
    item.finish(d);
    ok
}

/// `InstancesDistribution`: the On-Demand/Spot split, and whether On-Demand launches take the
/// cheapest override first (`lowest-price`).
fn read_instances_distribution(node: &Node, path: &str, d: &mut Diagnostics) -> (InstancesDistribution, bool) {
    let mut distribution = InstancesDistribution::default();
    let Some(mut dist) = object(node, path, d) else {
        return (distribution, false);
    };
    let lowest_price_on_demand =
        dist.one_of("OnDemandAllocationStrategy", &["prioritized", "lowest-price"], d) == Some("lowest-price");
    if let Some(base) = dist.int("OnDemandBaseCapacity", 0, 100_000, d) {
        distribution.on_demand_base_capacity = base as u32;
    }
    if let Some(pct) = dist.int("OnDemandPercentageAboveBaseCapacity", 0, 100, d) {
        distribution.on_demand_percentage_above_base = pct as u32;
    }
    // Spot capacity pools and prices are not modelled: Spot uses the cheapest override.
    dist.ignore(&["SpotAllocationStrategy", "SpotInstancePools", "SpotMaxPrice"]);
    dist.finish(d);
    (distribution, lowest_price_on_demand)
}

fn price(t: &str) -> f64 {
    instance_type(t).map_or(f64::MAX, |i| i.on_demand_usd_per_hour)
}

fn cheapest(types: &[String]) -> String {
    let mut best = &types[0];
    for t in types {
        if price(t) < price(best) {
            best = t;
        }
    }
    best.clone()
}
