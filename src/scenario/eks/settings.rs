//! The control loops' settings: `clusterAutoscaler` (its flags in camelCase; present = Cluster
//! Autoscaler scales the node groups), `karpenter.settings`, `controllerManager` (the HPA flags),
//! `metricsServer`, `scheduler` and `timings`, each with Kubernetes' defaults (k8s-semantics 11).

use crate::scenario::diag::Diagnostics;
use crate::scenario::reader::{as_duration, as_list, object};
use crate::scenario::yaml::{Node, Value};
use crate::sim::SimDuration;
use crate::spec::eks::{
    ClusterAutoscalerSettings, Expander, HpaControllerSettings, KarpenterSettings, KubeTimings, SchedulerSettings,
    ScoringStrategy,
};

/// Cluster Autoscaler flags accepted but not modelled.
const IGNORED_CA_FLAGS: &[&str] = &[
    "estimator",
    "maxNodeStartupTime",
    "scaleDownGpuUtilizationThreshold",
    "scaleDownUnreadyTime",
    "scaleDownDelayAfterFailure",
    "unremovableNodeRecheckTimeout",
    "maxPodEvictionTime",
    "maxDrainParallelism",
    "scaleDownNonEmptyCandidatesCount",
    "newPodScaleUpDelay",
    "maxNodesPerScaleup",
    "maxNodegroupBinpackingDuration",
    "initialNodeGroupBackoffDuration",
    "maxNodeGroupBackoffDuration",
    "nodeGroupBackoffResetTimeout",
    "maxTotalUnreadyPercentage",
    "okTotalUnreadyCount",
    "nodeDeleteDelayAfterTaint",
    "skipNodesWithLocalStorage",
    "skipNodesWithSystemPods",
    "skipNodesWithCustomControllerPods",
    "expendablePodsPriorityCutoff",
    "daemonsetEvictionForOccupiedNodes",
    "daemonsetEvictionForEmptyNodes",
    "cordonNodeBeforeTerminating",
    "enforceNodeGroupMinSize",
    "nodeGroupAutoDiscovery",
    "cloudProvider",
];

/// `clusterAutoscaler`.
pub fn read_cluster_autoscaler(node: &Node, d: &mut Diagnostics) -> ClusterAutoscalerSettings {
    let mut s = ClusterAutoscalerSettings::default();
    let Some(mut o) = object(node, "eks.clusterAutoscaler", d) else {
        return s;
    };
    for (name, slot) in [
        ("scanInterval", &mut s.scan_interval),
        ("scaleDownUnneededTime", &mut s.scale_down_unneeded_time),
        ("scaleDownDelayAfterAdd", &mut s.scale_down_delay_after_add),
        ("scaleDownDelayAfterDelete", &mut s.scale_down_delay_after_delete),
        ("maxNodeProvisionTime", &mut s.max_node_provision_time),
    ] {
        if let Some(v) = o.duration(name, d) {
            *slot = v;
        }
    }
    if let Some(v) = o.one_of("expander", &["least-waste", "most-pods", "random"], d) {
        s.expander = match v {
            "most-pods" => Expander::MostPods,
            "random" => Expander::Random,
            _ => Expander::LeastWaste,
        };
    }
    if let Some(v) = o.number("scaleDownUtilizationThreshold", 0.0, 1.0, d) {
        s.scale_down_utilization_threshold = v;
    }
    if let Some(v) = o.int("maxScaleDownParallelism", 1, 1000, d) {
        s.max_empty_bulk_delete = v as u32;
    }
    if let Some(v) = o.boolean("balanceSimilarNodeGroups", d) {
        s.balance_similar_node_groups = v;
    }
    if let Some(v) = o.int("maxGracefulTerminationSec", 0, 86_400, d) {
        s.max_graceful_termination = SimDuration::from_secs(v as u64);
    }
    o.ignore(IGNORED_CA_FLAGS);
    o.finish(d);
    s
}

/// `karpenter.settings`.
pub fn read_karpenter_settings(node: &Node, path: &str, d: &mut Diagnostics) -> KarpenterSettings {
    let mut s = KarpenterSettings::default();
    let Some(mut o) = object(node, path, d) else { return s };
    for (name, slot) in [
        ("batchIdleDuration", &mut s.batch_idle_duration),
        ("batchMaxDuration", &mut s.batch_max_duration),
        ("disruptionPollPeriod", &mut s.disruption_poll),
        ("consolidationValidationDelay", &mut s.consolidation_validation_delay),
    ] {
        if let Some(v) = o.duration(name, d) {
            *slot = v;
        }
    }
    if let Some(v) = o.number("vmMemoryOverheadPercent", 0.0, 1.0, d) {
        s.vm_memory_overhead_percent = v;
    }
    if let Some(queue) = o.string("interruptionQueue", d) {
        s.interruption_queue = !queue.is_empty();
    }
    o.ignore(&["clusterName", "clusterEndpoint", "featureGates", "reservedENIs"]);
    let loc = o.loc;
    o.finish(d);
    if s.batch_idle_duration > s.batch_max_duration {
        d.error(
            loc,
            &format!("{path}.batchIdleDuration"),
            "batchIdleDuration must not be longer than batchMaxDuration",
            None,
        );
    }
    s
}

/// `controllerManager`: kube-controller-manager's HPA flags; `metric_resolution` is
/// metrics-server's and read from `metricsServer`.
pub fn read_controller_manager(node: &Node, d: &mut Diagnostics) -> HpaControllerSettings {
    let mut s = HpaControllerSettings::default();
    let Some(mut o) = object(node, "eks.controllerManager", d) else {
        return s;
    };
    for (name, slot) in [
        ("horizontalPodAutoscalerSyncPeriod", &mut s.sync_period),
        (
            "horizontalPodAutoscalerDownscaleStabilization",
            &mut s.downscale_stabilization,
        ),
        (
            "horizontalPodAutoscalerCpuInitializationPeriod",
            &mut s.cpu_initialization_period,
        ),
        (
            "horizontalPodAutoscalerInitialReadinessDelay",
            &mut s.initial_readiness_delay,
        ),
        ("nodeMonitorGracePeriod", &mut s.node_monitor_grace_period),
        ("nodeMonitorPeriod", &mut s.node_monitor_period),
    ] {
        if let Some(v) = o.duration(name, d) {
            *slot = v;
        }
    }
    if let Some(v) = o.number("horizontalPodAutoscalerTolerance", 0.0, 10.0, d) {
        s.tolerance = v;
    }
    let loc = o.key_loc("horizontalPodAutoscalerSyncPeriod");
    o.finish(d);
    if s.sync_period.as_millis() < 1000 {
        d.error(
            loc,
            "eks.controllerManager.horizontalPodAutoscalerSyncPeriod",
            "the sync period must be at least 1s",
            None,
        );
        s.sync_period = HpaControllerSettings::default().sync_period;
    }
    s
}

/// `metricsServer.metricResolution` into `s`.
pub fn read_metrics_server(node: &Node, s: &mut HpaControllerSettings, d: &mut Diagnostics) {
    let Some(mut o) = object(node, "eks.metricsServer", d) else {
        return;
    };
    if let Some(v) = o.duration("metricResolution", d) {
        s.metric_resolution = v;
    }
    o.finish(d);
}

/// `scheduler`: the kube-scheduler profile.
pub fn read_scheduler(node: &Node, d: &mut Diagnostics) -> SchedulerSettings {
    let mut s = SchedulerSettings::default();
    let Some(mut o) = object(node, "eks.scheduler", d) else {
        return s;
    };
    if let Some(v) = o.one_of("scoringStrategy", &["LeastAllocated", "MostAllocated"], d) {
        s.scoring = if v == "MostAllocated" {
            ScoringStrategy::MostAllocated
        } else {
            ScoringStrategy::LeastAllocated
        };
    }
    if let Some(v) = o.int("percentageOfNodesToScore", 0, 100, d) {
        s.percentage_of_nodes_to_score = v as u32;
    }
    if let Some(v) = o.one_of("defaultingType", &["System", "List"], d) {
        s.system_default_spread = v == "System";
    }
    o.finish(d);
    s
}

/// `timings`: `nodeReady` and `fargateStart` are a range `[min, max]` or one duration.
pub fn read_timings(node: &Node, d: &mut Diagnostics) -> KubeTimings {
    let mut t = KubeTimings::default();
    let Some(mut o) = object(node, "eks.timings", d) else {
        return t;
    };
    for (name, lo, hi) in [
        ("nodeReady", &mut t.node_ready_min, &mut t.node_ready_max),
        ("fargateStart", &mut t.fargate_start_min, &mut t.fargate_start_max),
    ] {
        let p = o.child(name);
        if let Some(n) = o.field(name) {
            if let Some((a, b)) = read_range(n, &p, d) {
                (*lo, *hi) = (a, b);
            }
        }
    }
    for (name, slot) in [
        ("imagePull", &mut t.image_pull),
        ("endpointPropagation", &mut t.endpoint_propagation),
        ("asgApiLatency", &mut t.asg_api_latency),
        ("orphanedPodGc", &mut t.orphaned_pod_gc),
        ("evictionRetry", &mut t.eviction_retry),
    ] {
        if let Some(v) = o.duration(name, d) {
            *slot = v;
        }
    }
    let retry_loc = o.key_loc("evictionRetry");
    o.finish(d);
    if t.eviction_retry.as_millis() < 1000 {
        d.error(
            retry_loc,
            "eks.timings.evictionRetry",
            "evictions are retried at least 1s apart",
            Some("kubectl drain retries every 5s".into()),
        );
        t.eviction_retry = KubeTimings::default().eviction_retry;
    }
    t
}

/// `[45s, 75s]` or `60s` (a fixed time).
fn read_range(node: &Node, path: &str, d: &mut Diagnostics) -> Option<(SimDuration, SimDuration)> {
    if let Value::Scalar { .. } = node.value {
        let v = as_duration(node, path, d)?;
        return Some((v, v));
    }
    let items = as_list(node, path, d);
    let values: Vec<Option<SimDuration>> = items.iter().map(|(p, n)| as_duration(n, p, d)).collect();
    match values.as_slice() {
        [Some(a), Some(b)] if a <= b => Some((*a, *b)),
        [Some(_), Some(_)] => {
            d.error(node.loc, path, "the range must be [shortest, longest]", None);
            None
        }
        [_, _] => None,
        _ => {
            d.error(
                node.loc,
                path,
                "expected a duration or a range of two, e.g. [45s, 75s]",
                None,
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    fn tree(yaml: &str) -> Node {
        parse(yaml, 0).expect("yaml")
    }

    #[test]
    fn settings_default_to_kubernetes_and_read_overrides() {
        let mut d = Diagnostics::default();
        let ca = read_cluster_autoscaler(
            &tree("{scanInterval: 10s, expander: most-pods, scaleDownUnneededTime: 5m, estimator: binpacking}"),
            &mut d,
        );
        assert_eq!(ca.expander, Expander::MostPods);
        assert_eq!(ca.scale_down_unneeded_time, SimDuration::from_secs(300));
        assert_eq!(ca.scale_down_delay_after_add, SimDuration::from_secs(600));
        let hpa = read_controller_manager(
            &tree("{horizontalPodAutoscalerSyncPeriod: 30s, horizontalPodAutoscalerTolerance: 0.05}"),
            &mut d,
        );
        assert_eq!((hpa.sync_period, hpa.tolerance), (SimDuration::from_secs(30), 0.05));
        assert_eq!(hpa.downscale_stabilization, SimDuration::from_secs(300));
        let s = read_scheduler(&tree("{scoringStrategy: MostAllocated}"), &mut d);
        assert_eq!(s.scoring, ScoringStrategy::MostAllocated);
        let t = read_timings(
            &tree("{nodeReady: [30s, 90s], imagePull: 5s, fargateStart: 40s}"),
            &mut d,
        );
        assert_eq!(
            (t.node_ready_min, t.node_ready_max),
            (SimDuration::from_secs(30), SimDuration::from_secs(90))
        );
        assert_eq!(t.fargate_start_min, t.fargate_start_max);
        let k = read_karpenter_settings(&tree("{batchIdleDuration: 2s}"), "k", &mut d);
        assert_eq!(k.batch_max_duration, SimDuration::from_secs(10));
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.ignored[0].0, "eks.clusterAutoscaler.estimator");
        read_timings(&tree("{nodeReady: [90s, 30s]}"), &mut d);
        read_cluster_autoscaler(&tree("{expander: price}"), &mut d);
        let messages: Vec<&str> = d.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            vec!["the range must be [shortest, longest]", "`price` is not a valid value"]
        );
    }
}
