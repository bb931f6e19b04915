//! `ec2AutoScaling` and `ecs.capacityProviders` / `ecs.cluster`: where tasks can run.

use super::diag::Diagnostics;
use super::reader::{as_one_of, as_string, object};
use super::yaml::Node;
use crate::model::catalog::{closest_instance_type_name, instance_type};
use crate::spec::{AutoScalingGroupSpec, CapacityProviderKind, CapacityProviderSpec, StrategyItem};

const ASG_IGNORED: &[&str] = &[
    "AutoScalingGroupARN",
    "LaunchConfigurationName",
    "LaunchTemplate",
    "VPCZoneIdentifier",
    "Tags",
    "HealthCheckType",
    "HealthCheckGracePeriod",
    "DefaultCooldown",
    "TargetGroupARNs",
    "LoadBalancerNames",
    "ServiceLinkedRoleARN",
    "TerminationPolicies",
    "NewInstancesProtectedFromScaleIn",
    "CapacityRebalance",
    "DefaultInstanceWarmup",
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

/// Reads `ec2AutoScaling.autoScalingGroups`.
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
    if block.field("scalingPolicies").is_some() {
        d.not_yet_simulated.push("ec2AutoScaling.scalingPolicies: EC2 Auto Scaling policies are not simulated yet; groups stay at DesiredCapacity".into());
    }
    block.finish(d);
    let mut groups = Vec::new();
    for (path, n) in items {
        let Some(mut o) = object(n, &path, d) else { continue };
        let name = o.required_string("AutoScalingGroupName", "the group name", d);
        let itype_path = o.child("InstanceType");
        let itype_node = o.field("InstanceType");
        let itype = itype_node.and_then(|n| as_string(n, &itype_path, d));
        if let (Some(t), Some(n)) = (&itype, itype_node) {
            if instance_type(t).is_none() {
                let help = closest_instance_type_name(t).map_or_else(
                    || "the catalog has t3, m5, m6i, m7g, c5, c6i, c7g, r5 and r6i, large to 4xlarge".to_string(),
                    |c| format!("did you mean `{c}`?"),
                );
                d.error(n.loc, &itype_path, format!("unknown instance type `{t}`"), Some(help));
            }
        }
        if o.field("MixedInstancesPolicy").is_some() {
            d.error(
                o.key_loc("MixedInstancesPolicy"),
                &o.child("MixedInstancesPolicy"),
                "MixedInstancesPolicy is not simulated yet",
                Some("use InstanceType for now".into()),
            );
        } else if itype_node.is_none() {
            o.missing("InstanceType", "e.g. m5.large", d);
        }
        let min = o.int("MinSize", 0, 100_000, d);
        let max = o.int("MaxSize", 0, 100_000, d);
        let desired = o.int("DesiredCapacity", 0, 100_000, d);
        if o.field("MinSize").is_none() {
            o.missing("MinSize", "the smallest group size", d);
        }
        if o.field("MaxSize").is_none() {
            o.missing("MaxSize", "the largest group size", d);
        }
        let az_path = o.child("AvailabilityZones");
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
        let (loc, desired_path) = (o.key_loc("DesiredCapacity"), o.child("DesiredCapacity"));
        o.ignore(ASG_IGNORED);
        o.finish(d);
        let (Some(name), Some(itype), Some(min), Some(max)) = (name, itype, min, max) else {
            continue;
        };
        let desired = desired.unwrap_or(min);
        if !(min <= desired && desired <= max) {
            d.error(
                loc,
                &desired_path,
                format!("DesiredCapacity {desired} must be between MinSize {min} and MaxSize {max}"),
                None,
            );
            continue;
        }
        let _ = az_path;
        groups.push(AutoScalingGroupSpec {
            name,
            instance_type: itype,
            min_size: min as u32,
            max_size: max as u32,
            desired_capacity: desired as u32,
            availability_zones: azs,
        });
    }
    groups
}

/// Reads `ecs.capacityProviders`: one provider per Auto Scaling group. Groups without a provider
/// get an implicit one named after the group, so every instance belongs to exactly one provider.
pub fn read_capacity_providers(
    node: Option<&Node>,
    groups: &[AutoScalingGroupSpec],
    d: &mut Diagnostics,
) -> Vec<CapacityProviderSpec> {
    let mut providers: Vec<CapacityProviderSpec> = Vec::new();
    let mut used_groups = Vec::new();
    let items = node
        .map(|n| super::reader::as_list(n, "ecs.capacityProviders", d))
        .unwrap_or_default();
    for (path, n) in items {
        let Some(mut o) = object(n, &path, d) else { continue };
        let name = o.required_string("name", "the capacity provider name", d);
        let asg_path = o.child("autoScalingGroupProvider");
        let group = match o.field("autoScalingGroupProvider") {
            Some(n) => read_asg_provider(n, &asg_path, groups, d),
            None => {
                o.missing("autoScalingGroupProvider", "the Auto Scaling group behind it", d);
                None
            }
        };
        o.ignore(&[
            "capacityProviderArn",
            "status",
            "tags",
            "updateStatus",
            "updateStatusReason",
            "type",
            "cluster",
        ]);
        let name_loc = o.key_loc("name");
        o.finish(d);
        let (Some(name), Some(group)) = (name, group) else {
            continue;
        };
        if name == "FARGATE" || name == "FARGATE_SPOT" || providers.iter().any(|p| p.name == name) {
            d.error(
                name_loc,
                &format!("{path}.name"),
                format!("capacity provider name `{name}` is reserved or already used"),
                None,
            );
            continue;
        }
        if used_groups.contains(&group) {
            d.error(
                name_loc,
                &format!("{path}.autoScalingGroupProvider"),
                format!(
                    "Auto Scaling group `{}` already backs another capacity provider",
                    groups[group].name
                ),
                None,
            );
            continue;
        }
        used_groups.push(group);
        providers.push(CapacityProviderSpec {
            name,
            kind: CapacityProviderKind::AutoScalingGroup(group),
        });
    }
    for (g, group) in groups.iter().enumerate() {
        if !used_groups.contains(&g) {
            providers.push(CapacityProviderSpec {
                name: group.name.clone(),
                kind: CapacityProviderKind::AutoScalingGroup(g),
            });
        }
    }
    providers
}

fn read_asg_provider(node: &Node, path: &str, groups: &[AutoScalingGroupSpec], d: &mut Diagnostics) -> Option<usize> {
    let mut o = object(node, path, d)?;
    let arn_path = o.child("autoScalingGroupArn");
    let arn_node = o.field("autoScalingGroupArn");
    let arn = o.required_string("autoScalingGroupArn", "a group name or ARN", d);
    if let Some(ms) = o.field("managedScaling") {
        let ms_path = o.child("managedScaling");
        if let Some(mut m) = object(ms, &ms_path, d) {
            let status = m.one_of("status", &["ENABLED", "DISABLED"], d);
            m.int("targetCapacity", 1, 100, d);
            m.int("minimumScalingStepSize", 1, 10_000, d);
            m.int("maximumScalingStepSize", 1, 10_000, d);
            m.int("instanceWarmupPeriod", 0, 10_000, d);
            m.finish(d);
            if status == Some("ENABLED") {
                d.not_yet_simulated.push(format!("{ms_path}: managed scaling (ECS cluster auto scaling) is not simulated yet; the group stays at DesiredCapacity"));
            }
        }
    }
    o.one_of("managedTerminationProtection", &["ENABLED", "DISABLED"], d);
    o.one_of("managedDraining", &["ENABLED", "DISABLED"], d);
    o.finish(d);
    let arn = arn?;
    // An ARN ends with `autoScalingGroupName/<name>`; a bare name is accepted too.
    let name = arn
        .rsplit_once("autoScalingGroupName/")
        .map_or(arn.as_str(), |(_, n)| n);
    let found = groups.iter().position(|g| g.name == name);
    if found.is_none() {
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        let help = super::diag::closest(name, names.iter().copied())
            .map(|c| format!("did you mean `{c}`?"))
            .or_else(|| {
                Some(format!(
                    "groups defined in ec2AutoScaling.autoScalingGroups: {}",
                    if names.is_empty() {
                        "none".into()
                    } else {
                        names.join(", ")
                    }
                ))
            });
        d.error(
            arn_node.map_or(o_loc_fallback(node), |n| n.loc),
            &arn_path,
            format!("no Auto Scaling group named `{name}`"),
            help,
        );
    }
    found
}

fn o_loc_fallback(node: &Node) -> super::yaml::Loc {
    node.loc
}

/// The cluster: its name, the providers it uses (indices) and its default strategy.
pub struct Cluster {
    /// `clusterName`.
    pub name: String,
    /// Whether FARGATE / FARGATE_SPOT are associated.
    pub fargate: bool,
    /// Whether FARGATE_SPOT is associated.
    pub fargate_spot: bool,
    /// `defaultCapacityProviderStrategy`, by provider name, with its path.
    pub default_strategy: Vec<(String, u32, u32, String, super::yaml::Loc)>,
}

/// Reads `ecs.cluster`.
pub fn read_cluster(node: Option<&Node>, providers: &[CapacityProviderSpec], d: &mut Diagnostics) -> Cluster {
    let mut cluster = Cluster {
        name: "default".into(),
        fargate: false,
        fargate_spot: false,
        default_strategy: Vec::new(),
    };
    let Some(node) = node else { return cluster };
    let Some(mut o) = object(node, "ecs.cluster", d) else {
        return cluster;
    };
    if let Some(name) = o.string("clusterName", d) {
        cluster.name = name;
    }
    for (p, n) in o.list("capacityProviders", d) {
        let Some(name) = as_string(n, &p, d) else { continue };
        match name.as_str() {
            "FARGATE" => cluster.fargate = true,
            "FARGATE_SPOT" => cluster.fargate_spot = true,
            other if providers.iter().any(|cp| cp.name == other) => {}
            other => {
                let names: Vec<&str> = providers
                    .iter()
                    .map(|p| p.name.as_str())
                    .chain(["FARGATE", "FARGATE_SPOT"])
                    .collect();
                let help = super::diag::closest(other, names.iter().copied()).map(|c| format!("did you mean `{c}`?"));
                d.error(
                    n.loc,
                    &p,
                    format!("capacity provider `{other}` is not defined in ecs.capacityProviders"),
                    help,
                );
            }
        }
    }
    cluster.default_strategy = read_strategy_items(&mut o, "defaultCapacityProviderStrategy", d);
    o.ignore(&[
        "clusterArn",
        "status",
        "tags",
        "settings",
        "configuration",
        "serviceConnectDefaults",
        "registeredContainerInstancesCount",
        "runningTasksCount",
        "pendingTasksCount",
        "activeServicesCount",
        "statistics",
        "attachments",
        "attachmentsStatus",
    ]);
    o.finish(d);
    cluster
}

/// Reads a capacity provider strategy list field as (name, base, weight, path, loc).
pub fn read_strategy_items(
    o: &mut super::reader::Obj<'_>,
    field: &'static str,
    d: &mut Diagnostics,
) -> Vec<(String, u32, u32, String, super::yaml::Loc)> {
    let mut items = Vec::new();
    for (p, n) in o.list(field, d) {
        let Some(mut item) = object(n, &p, d) else { continue };
        let name = item.required_string("capacityProvider", "a capacity provider name", d);
        let base = item.int("base", 0, 100_000, d).unwrap_or(0) as u32;
        let weight = item.int("weight", 0, 1_000, d).unwrap_or(0) as u32;
        item.finish(d);
        if let Some(name) = name {
            items.push((name, base, weight, p, n.loc));
        }
    }
    items
}

/// Resolves named strategy items to provider indices and applies AWS's strategy rules.
pub fn resolve_strategy(
    items: &[(String, u32, u32, String, super::yaml::Loc)],
    providers: &[CapacityProviderSpec],
    path: &str,
    d: &mut Diagnostics,
) -> Option<Vec<StrategyItem>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (name, base, weight, p, loc) in items {
        match providers.iter().position(|cp| cp.name == *name) {
            Some(provider) => out.push(StrategyItem {
                provider,
                base: *base,
                weight: *weight,
            }),
            None => {
                let names: Vec<&str> = providers.iter().map(|p| p.name.as_str()).collect();
                let help = super::diag::closest(name, names.iter().copied()).map(|c| format!("did you mean `{c}`?"));
                d.error(
                    *loc,
                    &format!("{p}.capacityProvider"),
                    format!("capacity provider `{name}` is not associated with the cluster"),
                    help,
                );
                ok = false;
            }
        }
    }
    let loc = items.first().map(|i| i.4).unwrap_or_default();
    if !ok || items.is_empty() {
        return None;
    }
    if out.iter().filter(|i| i.base > 0).count() > 1 {
        d.error(
            loc,
            path,
            "only one capacity provider in a strategy can have a base",
            None,
        );
        return None;
    }
    if out.iter().all(|i| i.weight == 0) {
        d.error(
            loc,
            path,
            "at least one capacity provider in a strategy needs a weight greater than 0",
            Some("add weight: 1 to an item".into()),
        );
        return None;
    }
    let fargate = out.iter().filter(|i| providers[i.provider].is_fargate()).count();
    if fargate > 0 && fargate < out.len() {
        d.error(
            loc,
            path,
            "a strategy cannot mix FARGATE or FARGATE_SPOT with Auto Scaling group capacity providers",
            None,
        );
        return None;
    }
    let _ = as_one_of;
    Some(out)
}
