//! `--balance-similar-node-groups`: a scale-up split across node groups that differ only in
//! zone, the smallest grown first (k8s-semantics 5.2, step 5).

use crate::model::k8s::{Labels, Taint};
use crate::policy::k8s::nodes::NodeAllocatable;

/// Node labels that differ between otherwise identical groups and do not make them different
/// (Cluster Autoscaler's ignored labels for AWS: zone, hostname, the group's own name).
const IGNORED_LABELS: [&str; 8] = [
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
    "topology.ebs.csi.aws.com/zone",
    "eks.amazonaws.com/nodegroup",
    "eks.amazonaws.com/nodegroup-image",
    "alpha.eksctl.io/nodegroup-name",
    "k8s.amazonaws.com/eniConfig",
];

/// What makes two node groups similar: the template node's shape, labels and taints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupShape<'a> {
    /// The template's instance type (the first of the group's list).
    pub instance_type: &'a str,
    /// The template's allocatable.
    pub template: NodeAllocatable,
    /// The group's node labels.
    pub labels: &'a Labels,
    /// The group's taints.
    pub taints: &'a [Taint],
}

impl GroupShape<'_> {
    /// Same instance type, allocatable and taints, and the same labels but for zone, hostname
    /// and group name.
    pub fn is_similar(&self, other: &GroupShape<'_>) -> bool {
        self.instance_type == other.instance_type
            && self.template == other.template
            && self.taints == other.taints
            && significant(self.labels).eq(significant(other.labels))
    }
}

/// A group's labels without the ones similarity ignores.
fn significant(labels: &Labels) -> impl Iterator<Item = (&String, &String)> {
    labels.iter().filter(|(key, _)| !IGNORED_LABELS.contains(&key.as_str()))
}

/// A group that may take part of a balanced scale-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BalanceTarget {
    /// The node group.
    pub group: usize,
    /// Its size now (desired capacity).
    pub size: u32,
    /// Its `maxSize`.
    pub max_size: u32,
}

/// Splits `nodes` new nodes across `targets` so their sizes level out: each node goes to the
/// group that is smallest after the nodes given so far (the first of equals), never past a
/// group's `maxSize`. Returns `(group, nodes)` for the groups that grow, in `targets` order; the
/// total is less than `nodes` only when every group is full.
pub fn balance(targets: &[BalanceTarget], nodes: u32) -> Vec<(usize, u32)> {
    let mut added = vec![0u32; targets.len()];
    for _ in 0..nodes {
        let smallest = (0..targets.len())
            .filter(|&i| targets[i].size + added[i] < targets[i].max_size)
            .min_by_key(|&i| (targets[i].size + added[i], i));
        let Some(i) = smallest else { break };
        added[i] += 1;
    }
    targets
        .iter()
        .zip(added)
        .filter(|(_, n)| *n > 0)
        .map(|(t, n)| (t.group, n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::k8s::{PodResources, TaintEffect};

    fn target(group: usize, size: u32, max_size: u32) -> BalanceTarget {
        BalanceTarget { group, size, max_size }
    }

    #[track_caller]
    fn check(targets: &[BalanceTarget], nodes: u32, expected: &[(usize, u32)]) {
        assert_eq!(balance(targets, nodes), expected, "{nodes} nodes over {targets:?}");
    }

    #[test]
    fn nodes_go_to_the_smallest_groups() {
        // Three zonal groups of 2, 2 and 2: 4 nodes split 2, 1, 1 (the remainder to the first).
        check(
            &[target(0, 2, 10), target(1, 2, 10), target(2, 2, 10)],
            4,
            &[(0, 2), (1, 1), (2, 1)],
        );
        // Uneven sizes level out first: 1, 3, 2 with 3 nodes -> 3, 3, 3.
        check(
            &[target(0, 1, 10), target(1, 3, 10), target(2, 2, 10)],
            3,
            &[(0, 2), (2, 1)],
        );
        // A full group is passed over; when all are full, fewer nodes than asked.
        check(&[target(0, 5, 5), target(1, 0, 2)], 3, &[(1, 2)]);
        check(&[target(4, 0, 10)], 3, &[(4, 3)]);
        check(&[target(0, 1, 10)], 0, &[]);
        check(&[], 3, &[]);
    }

    #[test]
    fn similar_groups_differ_only_in_zone_and_name() {
        let template = NodeAllocatable {
            resources: PodResources {
                cpu_milli: 1930,
                memory_mib: 6903,
            },
            pods: 29,
        };
        let labels = |zone: &str, team: &str| -> Labels {
            [
                ("topology.kubernetes.io/zone", zone),
                ("eks.amazonaws.com/nodegroup", zone),
                ("team", team),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
        };
        let (a, b, other_team) = (
            labels("us-east-1a", "web"),
            labels("us-east-1b", "web"),
            labels("us-east-1b", "db"),
        );
        let shape = |labels| GroupShape {
            instance_type: "m5.large",
            template,
            labels,
            taints: &[],
        };
        assert!(shape(&a).is_similar(&shape(&b)));
        assert!(!shape(&a).is_similar(&shape(&other_team)));
        let bigger = GroupShape {
            instance_type: "m5.xlarge",
            ..shape(&b)
        };
        assert!(!shape(&a).is_similar(&bigger));
        let taint = [Taint {
            key: "dedicated".into(),
            value: "web".into(),
            effect: TaintEffect::NoSchedule,
        }];
        let tainted = GroupShape {
            taints: &taint,
            ..shape(&b)
        };
        assert!(!shape(&a).is_similar(&tainted));
    }
}
