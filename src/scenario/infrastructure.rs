//! `ecs.capacityProviders` and `ecs.cluster`: where tasks can run, and capacity provider strategies.

use super::diag::Declared;
use super::diag::Diagnostics;
use super::reader::{as_string, object};
use super::yaml::{Loc, Node};
use crate::sim::{ProviderIdx, SimDuration};
use crate::spec::{AutoScalingGroupSpec, CapacityProviderSpec, ManagedScaling, StrategyItem};

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
        let Some((name, provider, name_loc)) = read_capacity_provider(n, &path, groups, d) else {
            d.unread.add(
                Declared::CapacityProvider,
                super::reader::declared_name(n, "name").as_deref(),
            );
            continue;
        };
        let group = provider.group;
        if let Some(problem) = super::names::name_problem(&name) {
            d.error(
                name_loc,
                &format!("{path}.name"),
                format!("capacity provider name `{}` {problem}", super::names::clip(&name)),
                Some(super::names::NAME_RULE.into()),
            );
            continue;
        }
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
            managed_scaling: provider.managed_scaling,
            managed_termination_protection: provider.managed_termination_protection,
            managed_draining: provider.managed_draining,
            ..CapacityProviderSpec::auto_scaling_group(name, group)
        });
    }
    for (g, group) in groups.iter().enumerate() {
        if !used_groups.contains(&g) {
            providers.push(CapacityProviderSpec::auto_scaling_group(group.name.clone(), g));
        }
    }
    providers
}

/// One CreateCapacityProvider item: its name, its `autoScalingGroupProvider` and where the name is.
fn read_capacity_provider(
    node: &Node,
    path: &str,
    groups: &[AutoScalingGroupSpec],
    d: &mut Diagnostics,
) -> Option<(String, AsgProvider, Loc)> {
    let mut o = object(node, path, d)?;
    let name = o.required_string("name", "the capacity provider name", d);
    let asg_path = o.child("autoScalingGroupProvider");
    let provider = o
        .required_field("autoScalingGroupProvider", "the Auto Scaling group behind it", d)
        .and_then(|n| read_asg_provider(n, &asg_path, groups, d));
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
    Some((name?, provider?, name_loc))
}

/// An `autoScalingGroupProvider` resolved to its group, with its managed settings.
struct AsgProvider {
    group: usize,
    managed_scaling: Option<ManagedScaling>,
    managed_termination_protection: bool,
    managed_draining: bool,
}

fn read_asg_provider(
    node: &Node,
    path: &str,
    groups: &[AutoScalingGroupSpec],
    d: &mut Diagnostics,
) -> Option<AsgProvider> {
    let mut o = object(node, path, d)?;
    let arn_path = o.child("autoScalingGroupArn");
    let arn_loc = o.field("autoScalingGroupArn").map_or(node.loc, |n| n.loc);
    let arn = o.required_string("autoScalingGroupArn", "a group name or ARN", d);
    let managed_scaling = o
        .field("managedScaling")
        .and_then(|ms| read_managed_scaling(ms, &o.child("managedScaling"), d));
    let mtp_loc = o.key_loc("managedTerminationProtection");
    let mtp = o.one_of("managedTerminationProtection", &["ENABLED", "DISABLED"], d) == Some("ENABLED");
    // New capacity providers drain managed instances by default (reference 6.1).
    let draining = o.one_of("managedDraining", &["ENABLED", "DISABLED"], d) != Some("DISABLED");
    o.finish(d);
    let group = resolve_group(&arn?, arn_loc, &arn_path, groups, d)?;
    if mtp {
        let problem = if managed_scaling.is_none() {
            Some("managed termination protection requires managedScaling with status ENABLED")
        } else if !groups[group].new_instances_protected_from_scale_in {
            Some(
                "managed termination protection requires NewInstancesProtectedFromScaleIn: true on the Auto Scaling group",
            )
        } else {
            None
        };
        if let Some(problem) = problem {
            d.error(
                mtp_loc,
                &format!("{path}.managedTerminationProtection"),
                problem,
                Some("enable it, or set managedTerminationProtection: DISABLED".into()),
            );
        }
    }
    Some(AsgProvider {
        group,
        managed_scaling,
        managed_termination_protection: mtp,
        managed_draining: draining,
    })
}

/// `managedScaling`; `None` unless its status is ENABLED.
fn read_managed_scaling(node: &Node, path: &str, d: &mut Diagnostics) -> Option<ManagedScaling> {
    let mut m = object(node, path, d)?;
    let status = m.one_of("status", &["ENABLED", "DISABLED"], d);
    let defaults = ManagedScaling::default();
    let target = m.int("targetCapacity", 1, 100, d);
    let min_step = m.int("minimumScalingStepSize", 1, 10_000, d);
    let max_step_loc = m.key_loc("maximumScalingStepSize");
    let max_step = m.int("maximumScalingStepSize", 1, 10_000, d);
    let warmup = m.int("instanceWarmupPeriod", 0, 10_000, d);
    m.finish(d);
    let scaling = ManagedScaling {
        target_capacity: target.map_or(defaults.target_capacity, |v| v as u32),
        minimum_scaling_step_size: min_step.map_or(defaults.minimum_scaling_step_size, |v| v as u32),
        maximum_scaling_step_size: max_step.map_or(defaults.maximum_scaling_step_size, |v| v as u32),
        instance_warmup_period: warmup.map_or(defaults.instance_warmup_period, |v| SimDuration::from_secs(v as u64)),
    };
    if scaling.maximum_scaling_step_size < scaling.minimum_scaling_step_size {
        d.error(
            max_step_loc,
            &format!("{path}.maximumScalingStepSize"),
            format!(
                "maximumScalingStepSize ({}) must not be below minimumScalingStepSize ({})",
                scaling.maximum_scaling_step_size, scaling.minimum_scaling_step_size
            ),
            None,
        );
    }
    (status == Some("ENABLED")).then_some(scaling)
}

/// The Auto Scaling group an `autoScalingGroupArn` names (an ARN ending with
/// `autoScalingGroupName/<name>`, or a bare name).
fn resolve_group(
    arn: &str,
    loc: Loc,
    path: &str,
    groups: &[AutoScalingGroupSpec],
    d: &mut Diagnostics,
) -> Option<usize> {
    let name = arn.rsplit_once("autoScalingGroupName/").map_or(arn, |(_, n)| n);
    let found = groups.iter().position(|g| g.name == name);
    if found.is_none() && !d.unread.covers(Declared::AutoScalingGroup, name) {
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
        d.error(loc, path, format!("no Auto Scaling group named `{name}`"), help);
    }
    found
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
    pub default_strategy: Vec<(String, u32, u32, String, Loc)>,
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
    // A misspelt `clusterName` is reported as unknown; the name it meant is still the cluster's
    // name, so resource ids naming it are not reported too.
    if let Some(name) = o
        .string("clusterName", d)
        .or_else(|| super::reader::declared_name(node, "clusterName"))
    {
        cluster.name = name;
    }
    for (p, n) in o.list("capacityProviders", d) {
        let Some(name) = as_string(n, &p, d) else { continue };
        match name.as_str() {
            "FARGATE" => cluster.fargate = true,
            "FARGATE_SPOT" => cluster.fargate_spot = true,
            other if providers.iter().any(|cp| cp.name == other) => {}
            other if d.unread.covers(Declared::CapacityProvider, other) => {}
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
) -> Vec<(String, u32, u32, String, Loc)> {
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
    items: &[(String, u32, u32, String, Loc)],
    providers: &[CapacityProviderSpec],
    path: &str,
    d: &mut Diagnostics,
) -> Option<Vec<StrategyItem>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (k, (name, base, weight, p, loc)) in items.iter().enumerate() {
        // ECS refuses a strategy naming a provider twice; each item is one provider's share.
        if let Some((.., first)) = items[..k].iter().find(|(other, ..)| other == name) {
            d.error(
                *loc,
                &format!("{p}.capacityProvider"),
                format!(
                    "capacity provider `{name}` is already in this strategy (line {}); a strategy names each provider once",
                    first.line
                ),
                Some("merge the two items into one (add their weights)".into()),
            );
            ok = false;
            continue;
        }
        match providers.iter().position(|cp| cp.name == *name) {
            Some(provider) => out.push(StrategyItem {
                provider: ProviderIdx(provider),
                base: *base,
                weight: *weight,
            }),
            None if d.unread.covers(Declared::CapacityProvider, name)
                || d.unread.covers(Declared::ClusterCapacityProvider, name) =>
            {
                ok = false;
            }
            None => {
                let names: Vec<&str> = providers.iter().map(|p| p.name.as_str()).collect();
                let help = if name == "FARGATE" || name == "FARGATE_SPOT" {
                    Some(format!("add {name} to ecs.cluster.capacityProviders"))
                } else {
                    super::diag::closest(name, names.iter().copied()).map(|c| format!("did you mean `{c}`?"))
                };
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
    check_strategy_rules(&out, providers, loc, path, d).then_some(out)
}

/// AWS's rules for a strategy: one base at most, a weight above 0, no Fargate beside Auto
/// Scaling group providers.
fn check_strategy_rules(
    strategy: &[StrategyItem],
    providers: &[CapacityProviderSpec],
    loc: Loc,
    path: &str,
    d: &mut Diagnostics,
) -> bool {
    if strategy.iter().filter(|i| i.base > 0).count() > 1 {
        d.error(
            loc,
            path,
            "only one capacity provider in a strategy can have a base",
            None,
        );
        return false;
    }
    if strategy.iter().all(|i| i.weight == 0) {
        d.error(
            loc,
            path,
            "at least one capacity provider in a strategy needs a weight greater than 0",
            Some("add weight: 1 to an item".into()),
        );
        return false;
    }
    let fargate = strategy.iter().filter(|i| providers[i.provider].is_fargate()).count();
    if fargate > 0 && fargate < strategy.len() {
        d.error(
            loc,
            path,
            "a strategy cannot mix FARGATE or FARGATE_SPOT with Auto Scaling group capacity providers",
            None,
        );
        return false;
    }
    true
}
