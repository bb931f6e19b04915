//! `eks.karpenter.nodePools`: `karpenter.sh/v1` NodePool objects pasted as YAML, their
//! requirements resolved against the instance-type catalog (k8s-semantics 6.1, 6.6).

use super::labels::{NODE_OPERATORS, read_labels, read_requirement, read_taints};
use super::objects::{check_api, read_metadata};
use super::quantity::{cpu_milli, duration_s, int_or_percent, memory_mib};
use crate::model::catalog::{CpuArchitecture, InstanceType, all_instance_types};
use crate::model::k8s::{IntOrPercent, LabelRequirement, Labels};
use crate::scenario::diag::Diagnostics;
use crate::scenario::reader::{as_list, as_one_of, check_ignored_block, object};
use crate::scenario::yaml::Node;
use crate::spec::eks::{CapacityType, ConsolidationPolicy, NodePoolBudget, NodePoolLimits, NodePoolSpec};

/// Requirement keys resolved against the catalog (well-known labels of Karpenter on AWS).
const INSTANCE_KEYS: &[&str] = &[
    "node.kubernetes.io/instance-type",
    "karpenter.k8s.aws/instance-family",
    "karpenter.k8s.aws/instance-category",
    "karpenter.k8s.aws/instance-generation",
    "karpenter.k8s.aws/instance-size",
    "karpenter.k8s.aws/instance-cpu",
    "karpenter.k8s.aws/instance-memory",
    "kubernetes.io/arch",
];
const CAPACITY_TYPE: &str = "karpenter.sh/capacity-type";
const ZONE: &str = "topology.kubernetes.io/zone";
/// `expireAfter` when not written: 30 days.
const DEFAULT_EXPIRE_AFTER_S: u64 = 720 * 3600;

/// Reads the NodePools, sorted as Karpenter tries them: weight descending, then name.
pub fn read_node_pools(node: &Node, zones: &[String], d: &mut Diagnostics) -> Vec<NodePoolSpec> {
    let mut out: Vec<NodePoolSpec> = Vec::new();
    for (path, n) in as_list(node, "eks.karpenter.nodePools", d) {
        let Some(pool) = read_node_pool(n, &path, zones, d) else {
            continue;
        };
        if out.iter().any(|p| p.name == pool.name) {
            d.error(
                n.loc,
                &format!("{path}.metadata.name"),
                format!("NodePool `{}` is defined twice", pool.name),
                None,
            );
            continue;
        }
        out.push(pool);
    }
    out.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.name.cmp(&b.name)));
    out
}

fn read_node_pool(node: &Node, path: &str, zones: &[String], d: &mut Diagnostics) -> Option<NodePoolSpec> {
    let mut o = object(node, path, d)?;
    let api_ok = check_api(&mut o, &[("karpenter.sh/v1", "NodePool")], d);
    let meta = o.required_field("metadata", "the NodePool's name", d);
    let meta = meta.and_then(|m| read_metadata(m, &o.child("metadata"), d));
    let spec_path = o.child("spec");
    let spec = o.required_field("spec", "the NodePool's template, disruption and limits", d);
    o.ignore(&["status"]);
    o.finish(d);
    let mut s = object(spec?, &spec_path, d)?;
    let weight = s.int("weight", 1, 100, d).unwrap_or(0) as u32;
    let template_path = s.child("template");
    let template = s.required_field("template", "the nodes' requirements", d);
    let disruption_path = s.child("disruption");
    let disruption = s.field("disruption");
    let limits_path = s.child("limits");
    let limits = s.field("limits").and_then(|n| read_limits(n, &limits_path, d));
    s.ignore(&["replicas"]);
    s.finish(d);
    let mut pool = read_template(template?, &template_path, zones, d)?;
    pool.weight = weight;
    pool.limits = limits.unwrap_or_default();
    if let Some(n) = disruption {
        read_disruption(n, &disruption_path, &mut pool, d)?;
    }
    if !api_ok {
        return None;
    }
    pool.name = meta?.name;
    Some(pool)
}

/// `spec.template`: labels, requirements, taints, expireAfter.
fn read_template(node: &Node, path: &str, zones: &[String], d: &mut Diagnostics) -> Option<NodePoolSpec> {
    let mut t = object(node, path, d)?;
    let mut labels = Labels::new();
    let meta_path = t.child("metadata");
    if let Some(n) = t.field("metadata") {
        if let Some(mut m) = object(n, &meta_path, d) {
            let labels_path = m.child("labels");
            if let Some(n) = m.field("labels") {
                labels = read_labels(n, &labels_path, d);
            }
            m.ignore(&["annotations"]);
            m.finish(d);
        }
    }
    let spec_path = t.child("spec");
    let spec = t.required_field("spec", "requirements and nodeClassRef", d);
    t.finish(d);
    let mut s = object(spec?, &spec_path, d)?;
    let mut requirements = Vec::new();
    let items = s.list("requirements", d);
    let count = items.len();
    for (p, n) in &items {
        if let Some(r) = read_requirement(n, p, NODE_OPERATORS, d) {
            if !INSTANCE_KEYS.contains(&r.key.as_str()) && r.key != CAPACITY_TYPE && r.key != ZONE {
                d.ignored.push((p.clone(), n.loc));
            }
            requirements.push(r);
        }
    }
    let taints = read_taints(s.list("taints", d), false, d);
    let expire_path = s.child("expireAfter");
    let expire_after_s = match s.field("expireAfter") {
        Some(n) => duration_s(n, &expire_path, true, d)?,
        None => Some(DEFAULT_EXPIRE_AFTER_S),
    };
    if let Some(n) = node.get("spec").and_then(|n| n.get("nodeClassRef")) {
        let fields = [("group", None), ("kind", None), ("name", None)];
        check_ignored_block(n, &format!("{spec_path}.nodeClassRef"), &fields, d);
    }
    s.ignore(&["nodeClassRef", "terminationGracePeriod", "startupTaints", "kubelet"]);
    let loc = s.loc;
    s.finish(d);
    if requirements.len() != count {
        return None;
    }
    let instance_types: Vec<&'static InstanceType> = all_instance_types()
        .iter()
        .filter(|it| {
            let labels = instance_labels(it);
            requirements
                .iter()
                .filter(|r| INSTANCE_KEYS.contains(&r.key.as_str()))
                .all(|r| r.matches(&labels))
        })
        .collect();
    if instance_types.is_empty() {
        d.error(
            loc,
            &format!("{spec_path}.requirements"),
            "no instance type of the catalog satisfies these requirements",
            Some("the catalog has m5, c5, r5, m6i, c6i, r6i, m7g, c7g and t3 sizes; widen the requirements".into()),
        );
        return None;
    }
    let capacity_types = allowed_capacity_types(&requirements);
    let zones: Vec<String> = zones
        .iter()
        .filter(|z| requirements_allow(&requirements, ZONE, z))
        .cloned()
        .collect();
    if capacity_types.is_empty() || zones.is_empty() {
        let what = if zones.is_empty() {
            "Availability Zone of the run"
        } else {
            "capacity type (spot, on-demand)"
        };
        d.error(
            loc,
            &format!("{spec_path}.requirements"),
            format!("the requirements allow no {what}"),
            None,
        );
        return None;
    }
    Some(NodePoolSpec {
        name: String::new(),
        weight: 0,
        requirements,
        instance_types,
        capacity_types,
        zones,
        labels,
        taints,
        expire_after_s,
        consolidation_policy: ConsolidationPolicy::WhenEmptyOrUnderutilized,
        consolidate_after_s: Some(0),
        budgets: vec![NodePoolBudget {
            nodes: IntOrPercent::Percent(10),
            reasons: Vec::new(),
        }],
        limits: NodePoolLimits::default(),
    })
}

/// Whether the requirements on `key` allow `value` (no requirement on it allows everything).
fn requirements_allow(requirements: &[LabelRequirement], key: &str, value: &str) -> bool {
    let labels = Labels::from([(key.to_string(), value.to_string())]);
    requirements.iter().filter(|r| r.key == key).all(|r| r.matches(&labels))
}

/// Capacity types the requirements allow, spot first; without a requirement on
/// `karpenter.sh/capacity-type` Karpenter launches on-demand only.
fn allowed_capacity_types(requirements: &[LabelRequirement]) -> Vec<CapacityType> {
    if !requirements.iter().any(|r| r.key == CAPACITY_TYPE) {
        return vec![CapacityType::OnDemand];
    }
    [("spot", CapacityType::Spot), ("on-demand", CapacityType::OnDemand)]
        .into_iter()
        .filter(|(v, _)| requirements_allow(requirements, CAPACITY_TYPE, v))
        .map(|(_, c)| c)
        .collect()
}

/// The well-known labels Karpenter gives a node of type `it`.
fn instance_labels(it: &InstanceType) -> Labels {
    let (family, size) = it.name.split_once('.').unwrap_or((it.name, ""));
    let category: String = family.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let generation: String = family
        .chars()
        .skip_while(|c| c.is_ascii_alphabetic())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let arch = match it.architecture {
        CpuArchitecture::X86_64 => "amd64",
        CpuArchitecture::Arm64 => "arm64",
    };
    [
        ("node.kubernetes.io/instance-type", it.name.to_string()),
        ("karpenter.k8s.aws/instance-family", family.to_string()),
        ("karpenter.k8s.aws/instance-category", category),
        ("karpenter.k8s.aws/instance-generation", generation),
        ("karpenter.k8s.aws/instance-size", size.to_string()),
        ("karpenter.k8s.aws/instance-cpu", it.vcpus.to_string()),
        ("karpenter.k8s.aws/instance-memory", it.memory_mib.to_string()),
        ("kubernetes.io/arch", arch.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// `spec.disruption`.
fn read_disruption(node: &Node, path: &str, pool: &mut NodePoolSpec, d: &mut Diagnostics) -> Option<()> {
    let mut o = object(node, path, d)?;
    let policy_path = o.child("consolidationPolicy");
    if let Some(n) = o.field("consolidationPolicy") {
        match as_one_of(n, &policy_path, &["WhenEmpty", "WhenEmptyOrUnderutilized"], d)? {
            "WhenEmpty" => pool.consolidation_policy = ConsolidationPolicy::WhenEmpty,
            _ => pool.consolidation_policy = ConsolidationPolicy::WhenEmptyOrUnderutilized,
        }
    }
    let after_path = o.child("consolidateAfter");
    if let Some(n) = o.field("consolidateAfter") {
        pool.consolidate_after_s = duration_s(n, &after_path, true, d)?;
    }
    let items = o.list("budgets", d);
    if o.has("budgets") {
        pool.budgets.clear();
    }
    for (p, n) in items {
        let Some(mut b) = object(n, &p, d) else { continue };
        let nodes_path = b.child("nodes");
        let nodes = match b.field("nodes") {
            Some(n) => int_or_percent(n, &nodes_path, true, Some(100), d),
            None => Some(IntOrPercent::Percent(10)),
        };
        let reasons: Vec<String> = b
            .list("reasons", d)
            .iter()
            .filter_map(|(p, n)| as_one_of(n, p, &["Empty", "Underutilized", "Drifted"], d).map(str::to_string))
            .collect();
        b.ignore(&["schedule", "duration"]);
        b.finish(d);
        if let Some(nodes) = nodes {
            pool.budgets.push(NodePoolBudget { nodes, reasons });
        }
    }
    o.finish(d);
    Some(())
}

/// `spec.limits`: `cpu`, `memory`, `nodes`.
fn read_limits(node: &Node, path: &str, d: &mut Diagnostics) -> Option<NodePoolLimits> {
    let mut o = object(node, path, d)?;
    let cpu_path = o.child("cpu");
    let cpu = o.field("cpu").and_then(|n| cpu_milli(n, &cpu_path, d));
    let memory_path = o.child("memory");
    let memory = o.field("memory").and_then(|n| memory_mib(n, &memory_path, d));
    let nodes = o.int_or_string("nodes", 0, 1_000_000, d).map(|v| v as u32);
    o.ignore(&["nvidia.com/gpu", "ephemeral-storage", "pods"]);
    o.finish(d);
    Some(NodePoolLimits {
        cpu_milli: cpu,
        memory_mib: memory,
        nodes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    fn read(yaml: &str) -> (Vec<NodePoolSpec>, Diagnostics) {
        let tree = parse(yaml, 0).expect("yaml");
        let mut d = Diagnostics::default();
        let zones = vec!["us-east-1a".to_string(), "us-east-1b".to_string()];
        (read_node_pools(&tree, &zones, &mut d), d)
    }

    fn pool(name: &str, weight: u32, requirements: &str) -> String {
        format!(
            "- {{apiVersion: karpenter.sh/v1, kind: NodePool, metadata: {{name: {name}}}, spec: {{weight: {weight}, \
             template: {{spec: {{nodeClassRef: {{name: default}}, requirements: {requirements}}}}}}}}}\n"
        )
    }

    #[test]
    fn requirements_resolve_against_the_catalog() {
        let yaml = pool(
            "gp",
            10,
            "[{key: karpenter.k8s.aws/instance-family, operator: In, values: [m5, c5]}, \
             {key: karpenter.k8s.aws/instance-cpu, operator: Gt, values: ['2']}, \
             {key: karpenter.k8s.aws/instance-cpu, operator: Lt, values: ['16']}, \
             {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}, \
             {key: topology.kubernetes.io/zone, operator: NotIn, values: [us-east-1a]}, \
             {key: example.com/team, operator: Exists}]",
        );
        let (pools, d) = read(&yaml);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let p = &pools[0];
        let names: Vec<&str> = p.instance_types.iter().map(|t| t.name).collect();
        assert_eq!(names, vec!["c5.2xlarge", "c5.xlarge", "m5.2xlarge", "m5.xlarge"]);
        assert_eq!(p.capacity_types, vec![CapacityType::Spot, CapacityType::OnDemand]);
        assert_eq!(p.zones, vec!["us-east-1b".to_string()]);
        assert_eq!(p.expire_after_s, Some(DEFAULT_EXPIRE_AFTER_S));
        assert_eq!(p.consolidate_after_s, Some(0));
        assert_eq!(p.budgets[0].nodes, IntOrPercent::Percent(10));
        assert_eq!(
            d.ignored[0].0,
            "eks.karpenter.nodePools[0].spec.template.spec.requirements[5]"
        );
    }

    #[test]
    fn pools_sort_by_weight_then_name_and_default_to_on_demand() {
        let yaml = format!("{}{}{}", pool("b", 1, "[]"), pool("a", 1, "[]"), pool("z", 50, "[]"));
        let (pools, d) = read(&yaml);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let names: Vec<&str> = pools.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["z", "a", "b"]);
        assert_eq!(pools[0].capacity_types, vec![CapacityType::OnDemand]);
        assert_eq!(pools[0].instance_types.len(), all_instance_types().len());
    }

    #[test]
    fn impossible_requirements_are_errors() {
        let (_, d) = read(&pool(
            "x",
            1,
            "[{key: node.kubernetes.io/instance-type, operator: In, values: [p5.48xlarge]}]",
        ));
        assert_eq!(
            d.errors[0].message,
            "no instance type of the catalog satisfies these requirements"
        );
    }
}
