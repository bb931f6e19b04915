//! `eks.nodegroups`: managed node groups in the shape of `aws eks create-nodegroup` (camelCase), or
//! a pasted `aws eks describe-nodegroup` output (`{nodegroup: {...}}`).

use super::labels::{read_labels, read_taints, strings};
use crate::model::catalog::{InstanceType, closest_instance_type_name, instance_type};
use crate::scenario::diag::{Diagnostics, edit_distance};
use crate::scenario::reader::{as_list, check_ignored_block, object};
use crate::scenario::yaml::{Node, Value};
use crate::spec::eks::{CapacityType, NodeGroupSpec};

/// Fields of `describe-nodegroup` output and `create-nodegroup` input that do not change what the
/// simulator does.
const IGNORED: &[&str] = &[
    "clusterName",
    "nodegroupArn",
    "version",
    "releaseVersion",
    "createdAt",
    "modifiedAt",
    "status",
    "remoteAccess",
    "amiType",
    "nodeRole",
    "resources",
    "diskSize",
    "health",
    "updateConfig",
    "launchTemplate",
    "tags",
    "nodeRepairConfig",
    "clientRequestToken",
];

/// The ignored fields that are mappings, with their fields: a misspelt key in one is still an
/// unknown field.
const IGNORED_SHAPES: &[(&str, &[&str])] = &[
    ("remoteAccess", &["ec2SshKey", "sourceSecurityGroups"]),
    (
        "updateConfig",
        &["maxUnavailable", "maxUnavailablePercentage", "updateStrategy"],
    ),
    ("launchTemplate", &["name", "version", "id"]),
    ("resources", &["autoScalingGroups", "remoteAccessSecurityGroup"]),
    ("health", &["issues"]),
    ("nodeRepairConfig", &["enabled"]),
];

/// The instance type `create-nodegroup` uses when `instanceTypes` is not given.
const DEFAULT_INSTANCE_TYPE: &str = "t3.medium";

/// Reads the node groups; `zones` are the run's Availability Zones.
pub fn read_node_groups(node: &Node, zones: &[String], d: &mut Diagnostics) -> Vec<NodeGroupSpec> {
    let mut out: Vec<NodeGroupSpec> = Vec::new();
    for (path, n) in as_list(node, "eks.nodegroups", d) {
        // `aws eks describe-nodegroup` wraps the group: {"nodegroup": {...}}.
        let (n, path) = unwrap_described(n, "nodegroup", path, d);
        let Some(group) = read_node_group(n, &path, zones, d) else {
            continue;
        };
        if out.iter().any(|g| g.name == group.name) {
            d.error(
                n.loc,
                &format!("{path}.nodegroupName"),
                format!("node group `{}` is defined twice", group.name),
                None,
            );
            continue;
        }
        out.push(group);
    }
    out
}

/// The mapping a `describe-*` output wraps under `key` (`{nodegroup: {...}}`, also under a
/// misspelt key when it is the wrapper's only one, which is then reported), with its path; else
/// `node` itself.
pub fn unwrap_described<'n>(
    node: &'n Node,
    key: &'static str,
    path: String,
    d: &mut Diagnostics,
) -> (&'n Node, String) {
    let inner = match &node.value {
        Value::Map(entries)
            if entries.len() == 1
                && edit_distance(&entries[0].0.name, key) <= 2
                && matches!(entries[0].1.value, Value::Map(_)) =>
        {
            Some(&entries[0].1)
        }
        _ => node.get(key),
    };
    let Some(inner) = inner else { return (node, path) };
    if let Some(mut wrapper) = object(node, &path, d) {
        wrapper.field(key);
        wrapper.finish(d);
    }
    (inner, format!("{path}.{key}"))
}

fn read_node_group(node: &Node, path: &str, zones: &[String], d: &mut Diagnostics) -> Option<NodeGroupSpec> {
    let mut o = object(node, path, d)?;
    let name = o.required_string("nodegroupName", "the node group's name", d);
    let types_path = o.child("instanceTypes");
    let types: Vec<(String, &Node)> = o.list("instanceTypes", d);
    let mut instance_types: Vec<&'static InstanceType> = Vec::new();
    let mut types_ok = true;
    for (p, n) in &types {
        let Some(t) = crate::scenario::reader::as_string(n, p, d) else {
            types_ok = false;
            continue;
        };
        match instance_type(&t) {
            Some(it) => instance_types.push(it),
            None => {
                types_ok = false;
                let help = closest_instance_type_name(&t).map_or_else(
                    || "the catalog lists m5, c5, r5, m6i, c6i, r6i, m7g, c7g and t3 sizes".to_string(),
                    |c| format!("did you mean `{c}`?"),
                );
                d.error(n.loc, p, format!("unknown instance type `{t}`"), Some(help));
            }
        }
    }
    if types.is_empty() && o.has("instanceTypes") {
        d.error(o.key_loc("instanceTypes"), &types_path, "instanceTypes is empty", None);
        types_ok = false;
    }
    if instance_types.is_empty() && types.is_empty() {
        instance_types.extend(instance_type(DEFAULT_INSTANCE_TYPE));
    }
    let capacity_type = match o.one_of("capacityType", &["ON_DEMAND", "SPOT"], d) {
        Some("SPOT") => CapacityType::Spot,
        _ => CapacityType::OnDemand,
    };
    let scaling = o.required_field("scalingConfig", "minSize, maxSize and desiredSize", d);
    let sizes = scaling.and_then(|n| read_scaling_config(n, &o.child("scalingConfig"), d));
    let subnets_path = o.child("subnets");
    let subnets = o
        .field("subnets")
        .map(|n| strings(n, &subnets_path, d))
        .unwrap_or_default();
    let zones = subnet_zones(&subnets, zones, &subnets_path, d);
    let labels_path = o.child("labels");
    let labels = o
        .field("labels")
        .map(|n| read_labels(n, &labels_path, d))
        .unwrap_or_default();
    let taints = read_taints(o.list("taints", d), true, d);
    let max_pods = o.int("maxPods", 1, 737, d).map(|v| v as u32);
    let prefix_delegation = o.boolean("enablePrefixDelegation", d).unwrap_or(false);
    for (name, fields) in IGNORED_SHAPES {
        if let Some(n) = node.get(name) {
            let fields: Vec<(&'static str, Option<&[&'static str]>)> = fields.iter().map(|f| (*f, None)).collect();
            check_ignored_block(n, &format!("{path}.{name}"), &fields, d);
        }
    }
    o.ignore(IGNORED);
    o.finish(d);
    let (min_size, max_size, desired_size) = sizes?;
    if !types_ok {
        return None;
    }
    Some(NodeGroupSpec {
        name: name?,
        instance_types,
        capacity_type,
        min_size,
        max_size,
        desired_size,
        zones,
        labels,
        taints,
        max_pods,
        prefix_delegation,
    })
}

/// `scalingConfig`: `minSize <= desiredSize <= maxSize`, `maxSize >= 1` (the EKS API's rules).
fn read_scaling_config(node: &Node, path: &str, d: &mut Diagnostics) -> Option<(u32, u32, u32)> {
    let mut s = object(node, path, d)?;
    let min = s.int("minSize", 0, 10_000, d);
    let max = s.int("maxSize", 1, 10_000, d);
    let desired_loc = s.key_loc("desiredSize");
    let desired = s.int("desiredSize", 0, 10_000, d);
    s.finish(d);
    let (min, max) = (min.unwrap_or(1), max.unwrap_or(2));
    let desired = desired.unwrap_or(min.max(1).min(max));
    if min > max {
        d.error(
            node.loc,
            &format!("{path}.minSize"),
            format!("minSize {min} is greater than maxSize {max}"),
            None,
        );
        return None;
    }
    if desired < min || desired > max {
        d.error(
            desired_loc,
            &format!("{path}.desiredSize"),
            format!("desiredSize {desired} is outside minSize {min} to maxSize {max}"),
            None,
        );
        return None;
    }
    Some((min as u32, max as u32, desired as u32))
}

/// The zones of `subnets`: entries that name a run zone are that zone; subnet IDs, whose zone the
/// scenario does not say, leave the group in every zone of the run (reported as ignored).
pub fn subnet_zones(subnets: &[String], zones: &[String], path: &str, d: &mut Diagnostics) -> Vec<String> {
    let named: Vec<String> = zones.iter().filter(|z| subnets.contains(z)).cloned().collect();
    if named.is_empty() {
        if !subnets.is_empty() {
            d.ignored.push((path.to_string(), Default::default()));
        }
        return zones.to_vec();
    }
    named
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    fn read(yaml: &str) -> (Vec<NodeGroupSpec>, Diagnostics) {
        let tree = parse(yaml, 0).expect("yaml");
        let mut d = Diagnostics::default();
        let zones = vec!["us-east-1a".to_string(), "us-east-1b".to_string()];
        (read_node_groups(&tree, &zones, &mut d), d)
    }

    #[test]
    fn a_created_group_reads_types_sizes_labels_and_taints() {
        let (groups, d) = read(
            "- {nodegroupName: general, instanceTypes: [m5.large], capacityType: SPOT, \
             scalingConfig: {minSize: 2, maxSize: 20, desiredSize: 3}, subnets: [us-east-1b], \
             labels: {team: web}, taints: [{key: dedicated, value: web, effect: NO_SCHEDULE}]}",
        );
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let g = &groups[0];
        assert_eq!((g.min_size, g.max_size, g.desired_size), (2, 20, 3));
        assert_eq!(g.instance_types[0].name, "m5.large");
        assert_eq!(g.capacity_type, CapacityType::Spot);
        assert_eq!(g.zones, vec!["us-east-1b".to_string()]);
        assert_eq!(g.labels.get("team").map(String::as_str), Some("web"));
        assert_eq!(g.taints[0].key, "dedicated");
    }

    #[test]
    fn bad_sizes_and_unknown_types_are_errors() {
        let (_, d) = read("- {nodegroupName: a, instanceTypes: [m5.larg], scalingConfig: {minSize: 1, maxSize: 2}}");
        assert_eq!(d.errors[0].message, "unknown instance type `m5.larg`");
        assert_eq!(d.errors[0].help.as_deref(), Some("did you mean `m5.large`?"));
        let (_, d) = read("- {nodegroupName: a, scalingConfig: {minSize: 3, maxSize: 5, desiredSize: 9}}");
        assert_eq!(d.errors[0].message, "desiredSize 9 is outside minSize 3 to maxSize 5");
        let (groups, d) = read("- {nodegroupName: a, scalingConfig: {minSize: 0, maxSize: 5, desiredSize: 0}}");
        assert!(d.errors.is_empty());
        assert_eq!(groups[0].instance_types[0].name, DEFAULT_INSTANCE_TYPE);
    }
}
