//! A Deployment's pod template: containers with requests and probes, and where the pod may run.

use super::labels::{LabelRequirement, LabelSelector, Labels};
use super::quantity::PodResources;
use super::taints::Toleration;

/// A container probe (startup, readiness or liveness), with the API defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    /// Seconds after the container starts before the first probe (default 0).
    pub initial_delay_s: u32,
    /// Seconds between probes (default 10).
    pub period_s: u32,
    /// Seconds a probe may take (default 1).
    pub timeout_s: u32,
    /// Consecutive successes to count as passing (default 1).
    pub success_threshold: u32,
    /// Consecutive failures to count as failing (default 3).
    pub failure_threshold: u32,
}

impl Default for Probe {
    fn default() -> Probe {
        Probe {
            initial_delay_s: 0,
            period_s: 10,
            timeout_s: 1,
            success_threshold: 1,
            failure_threshold: 3,
        }
    }
}

/// One container of the pod template (regular, or a restartable init container: a sidecar).
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerSpec {
    /// Container name.
    pub name: String,
    /// `resources.requests`: `None` for an amount not requested.
    pub cpu_request_milli: Option<u64>,
    /// `resources.requests.memory`, MiB.
    pub memory_request_mib: Option<u64>,
    /// `resources.limits.cpu`, millicores (scheduling ignores limits; Fargate sizing reads them
    /// when there are no requests).
    pub cpu_limit_milli: Option<u64>,
    /// `resources.limits.memory`, MiB.
    pub memory_limit_mib: Option<u64>,
    /// `startupProbe`.
    pub startup_probe: Option<Probe>,
    /// `readinessProbe`.
    pub readiness_probe: Option<Probe>,
    /// `livenessProbe`.
    pub liveness_probe: Option<Probe>,
}

/// The CPU the scheduler's scoring counts for a container that requests none (`DefaultMilliCPURequest`).
pub const DEFAULT_MILLI_CPU_REQUEST: u64 = 100;
/// The memory the scheduler's scoring counts for a container that requests none (`DefaultMemoryRequest`, 200 MiB).
pub const DEFAULT_MEMORY_REQUEST_MIB: u64 = 200;

impl ContainerSpec {
    /// The container's requests, an amount not requested counting 0.
    pub fn requests(&self) -> PodResources {
        PodResources {
            cpu_milli: self.cpu_request_milli.unwrap_or(0),
            memory_mib: self.memory_request_mib.unwrap_or(0),
        }
    }

    /// The requests scheduler scoring counts: an amount not requested counts 100m CPU / 200 MiB
    /// (an explicit 0 stays 0; k8s-semantics 4.4).
    pub fn non_zero_requests(&self) -> PodResources {
        PodResources {
            cpu_milli: self.cpu_request_milli.unwrap_or(DEFAULT_MILLI_CPU_REQUEST),
            memory_mib: self.memory_request_mib.unwrap_or(DEFAULT_MEMORY_REQUEST_MIB),
        }
    }
}

/// `nodeSelectorTerms` entry of node affinity: every expression must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSelectorTerm {
    /// `matchExpressions` on node labels.
    pub match_expressions: Vec<LabelRequirement>,
}

impl NodeSelectorTerm {
    /// Whether a node with `labels` satisfies the term. An empty term matches no node, as the
    /// API defines it ("a null or empty node selector term matches no objects").
    pub fn matches(&self, labels: &Labels) -> bool {
        !self.match_expressions.is_empty() && self.match_expressions.iter().all(|e| e.matches(labels))
    }
}

/// A weighted preferred node affinity term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightedNodeSelectorTerm {
    /// Weight 1..=100.
    pub weight: u32,
    /// The term.
    pub preference: NodeSelectorTerm,
}

/// A pod (anti-)affinity term: pods matching `label_selector` in the same `topology_key` domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodAffinityTerm {
    /// Which pods count.
    pub label_selector: LabelSelector,
    /// The node label whose value is the domain (`kubernetes.io/hostname`, a zone).
    pub topology_key: String,
}

/// A weighted preferred pod (anti-)affinity term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightedPodAffinityTerm {
    /// Weight 1..=100.
    pub weight: u32,
    /// The term.
    pub term: PodAffinityTerm,
}

/// `spec.affinity`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Affinity {
    /// `nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms` (ORed).
    pub node_required: Vec<NodeSelectorTerm>,
    /// `nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution`.
    pub node_preferred: Vec<WeightedNodeSelectorTerm>,
    /// `podAffinity.requiredDuringSchedulingIgnoredDuringExecution`.
    pub pod_affinity_required: Vec<PodAffinityTerm>,
    /// `podAffinity.preferredDuringSchedulingIgnoredDuringExecution`.
    pub pod_affinity_preferred: Vec<WeightedPodAffinityTerm>,
    /// `podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution`.
    pub pod_anti_affinity_required: Vec<PodAffinityTerm>,
    /// `podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution`.
    pub pod_anti_affinity_preferred: Vec<WeightedPodAffinityTerm>,
}

/// `whenUnsatisfiable` of a topology spread constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsatisfiableConstraintAction {
    /// A filter: nodes that would break `maxSkew` are infeasible (default).
    DoNotSchedule,
    /// A score preference for domains that reduce skew.
    ScheduleAnyway,
}

/// One `topologySpreadConstraints` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopologySpreadConstraint {
    /// Largest allowed difference between a domain's matching pods and the global minimum.
    pub max_skew: u32,
    /// The node label whose value is the domain.
    pub topology_key: String,
    /// Filter or score.
    pub when_unsatisfiable: UnsatisfiableConstraintAction,
    /// Which pods are counted.
    pub label_selector: LabelSelector,
    /// `minDomains` (DoNotSchedule only).
    pub min_domains: Option<u32>,
    /// `nodeAffinityPolicy: Honor` (default): only nodes the pod's node affinity and
    /// nodeSelector allow count as domains.
    pub honor_node_affinity: bool,
    /// `nodeTaintsPolicy: Honor` (default Ignore): only nodes whose taints the pod tolerates count.
    pub honor_node_taints: bool,
}

/// `spec.template`: the pod a Deployment's ReplicaSets create.
#[derive(Clone, Debug, PartialEq)]
pub struct PodTemplate {
    /// `metadata.labels`.
    pub labels: Labels,
    /// `spec.containers`.
    pub containers: Vec<ContainerSpec>,
    /// `spec.initContainers` that are not restartable: run before the app, requests by max.
    pub init_containers: Vec<ContainerSpec>,
    /// `spec.initContainers` with `restartPolicy: Always` (sidecars): requests add to the sum.
    pub sidecars: Vec<ContainerSpec>,
    /// `spec.nodeSelector`.
    pub node_selector: Labels,
    /// `spec.affinity`.
    pub affinity: Affinity,
    /// `spec.tolerations`.
    pub tolerations: Vec<Toleration>,
    /// `spec.topologySpreadConstraints`.
    pub topology_spread: Vec<TopologySpreadConstraint>,
    /// `spec.terminationGracePeriodSeconds` (default 30).
    pub termination_grace_period_s: u32,
    /// Seconds the app of a `preStop` hook sleeps (`sleep` hook or a `sleep N` command), 0 if none.
    pub pre_stop_s: u32,
    /// `spec.priority` as resolved from `priorityClassName` (0 by default).
    pub priority: i32,
    /// `spec.overhead` (RuntimeClass), added to the requests.
    pub overhead: PodResources,
}

impl PodTemplate {
    /// The pod's effective requests: max(sum of app containers and sidecars, largest init
    /// container plus the sidecars), plus the overhead (k8s-semantics 4.3).
    pub fn requests(&self) -> PodResources {
        self.requests_by(ContainerSpec::requests)
    }

    /// The requests NodeResourcesFit scoring counts: [`PodTemplate::requests`] with every amount
    /// a container leaves unset counted as 100m CPU / 200 MiB (k8s-semantics 4.4, W29).
    pub fn non_zero_requests(&self) -> PodResources {
        self.requests_by(ContainerSpec::non_zero_requests)
    }

    /// The pod's requests with each container's amounts read by `of`.
    fn requests_by(&self, of: fn(&ContainerSpec) -> PodResources) -> PodResources {
        let sidecars = self.sidecars.iter().fold(PodResources::ZERO, |acc, c| acc.plus(of(c)));
        let app = self.containers.iter().fold(sidecars, |acc, c| acc.plus(of(c)));
        let init = self.init_containers.iter().fold(PodResources::ZERO, |acc, c| {
            let r = of(c).plus(sidecars);
            PodResources {
                cpu_milli: acc.cpu_milli.max(r.cpu_milli),
                memory_mib: acc.memory_mib.max(r.memory_mib),
            }
        });
        PodResources {
            cpu_milli: app.cpu_milli.max(init.cpu_milli),
            memory_mib: app.memory_mib.max(init.memory_mib),
        }
        .plus(self.overhead)
    }

    /// Whether every app container requests CPU (the HPA's CPU Utilization needs it).
    pub fn requests_cpu_everywhere(&self) -> bool {
        self.containers
            .iter()
            .chain(&self.sidecars)
            .all(|c| c.cpu_request_milli.is_some())
    }

    /// The readiness probe of the pod: the first container's that has one (the slowest is what
    /// gates Ready; templates in practice probe the one serving container).
    pub fn readiness_probe(&self) -> Option<Probe> {
        self.containers.iter().find_map(|c| c.readiness_probe)
    }

    /// The startup probe of the pod, if a container has one.
    pub fn startup_probe(&self) -> Option<Probe> {
        self.containers.iter().find_map(|c| c.startup_probe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(cpu: u64, mem: u64) -> ContainerSpec {
        ContainerSpec {
            name: "c".into(),
            cpu_request_milli: Some(cpu),
            memory_request_mib: Some(mem),
            cpu_limit_milli: None,
            memory_limit_mib: None,
            startup_probe: None,
            readiness_probe: None,
            liveness_probe: None,
        }
    }

    fn template() -> PodTemplate {
        PodTemplate {
            labels: Labels::new(),
            containers: vec![container(250, 256), container(250, 256)],
            init_containers: vec![],
            sidecars: vec![],
            node_selector: Labels::new(),
            affinity: Affinity::default(),
            tolerations: vec![],
            topology_spread: vec![],
            termination_grace_period_s: 30,
            pre_stop_s: 0,
            priority: 0,
            overhead: PodResources::ZERO,
        }
    }

    #[test]
    fn pod_requests_are_the_larger_of_app_sum_and_init_max_plus_overhead() {
        // k8s-semantics 4.3: max(Σ regular containers, max(init container)) + overhead.
        let mut t = template();
        assert_eq!(
            t.requests(),
            PodResources {
                cpu_milli: 500,
                memory_mib: 512
            }
        );
        t.init_containers = vec![container(1000, 100)];
        assert_eq!(
            t.requests(),
            PodResources {
                cpu_milli: 1000,
                memory_mib: 512
            }
        );
        t.sidecars = vec![container(100, 64)];
        assert_eq!(
            t.requests(),
            PodResources {
                cpu_milli: 1100,
                memory_mib: 576
            }
        );
        t.overhead = PodResources {
            cpu_milli: 10,
            memory_mib: 10,
        };
        assert_eq!(
            t.requests(),
            PodResources {
                cpu_milli: 1110,
                memory_mib: 586
            }
        );
        assert!(t.requests_cpu_everywhere());
        t.containers[0].cpu_request_milli = None;
        assert!(!t.requests_cpu_everywhere());
    }

    #[test]
    fn non_zero_requests_count_unset_amounts_as_100m_and_200_mib() {
        // k8s-semantics 4.4 and W29: unset requests score as 100m / 200 MiB; an explicit 0 stays 0.
        let mut t = template();
        t.containers = vec![container(250, 256)];
        t.containers[0].cpu_request_milli = None;
        t.containers[0].memory_request_mib = None;
        assert_eq!(t.requests(), PodResources::ZERO);
        let expected = PodResources {
            cpu_milli: 100,
            memory_mib: 200,
        };
        assert_eq!(t.non_zero_requests(), expected);
        t.containers[0].cpu_request_milli = Some(0);
        assert_eq!(t.non_zero_requests().cpu_milli, 0);
        t.containers.push(container(300, 64));
        assert_eq!(
            t.non_zero_requests(),
            PodResources {
                cpu_milli: 300,
                memory_mib: 264
            }
        );
    }

    #[test]
    fn an_empty_node_selector_term_matches_no_node() {
        let node: Labels = [("zone".to_string(), "a".to_string())].into_iter().collect();
        assert!(!NodeSelectorTerm::default().matches(&node));
        let term = NodeSelectorTerm {
            match_expressions: vec![LabelRequirement {
                key: "zone".into(),
                operator: crate::model::k8s::SelectorOperator::In,
                values: vec!["a".into()],
            }],
        };
        assert!(term.matches(&node));
    }
}
