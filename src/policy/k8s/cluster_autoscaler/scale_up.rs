//! One scan's scale-up: which node group grows by how many nodes for the unschedulable pods
//! (k8s-semantics 5.2).

use super::balance::{BalanceTarget, GroupShape, balance};
use super::estimator::{EstimateLimits, PendingPod, estimate};
use super::expander::{Expander, ExpansionOption, choose_option};

/// `--max-nodes-per-scaleup` default.
pub const MAX_NODES_PER_SCALE_UP: u32 = 1000;

/// A node group as scale-up sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeGroup<'a> {
    /// Its template node: instance type, allocatable, labels, taints.
    pub shape: GroupShape<'a>,
    /// Its desired capacity now.
    pub target_size: u32,
    /// Nodes asked for (within `target_size`) that are not Ready yet: pending pods that fit on
    /// them wait for them instead of asking again.
    pub upcoming_nodes: u32,
    /// `scalingConfig.maxSize`.
    pub max_size: u32,
    /// In back-off after a failed scale-up (`GroupBackoff::is_backed_off`): skipped.
    pub backed_off: bool,
    /// Per zonal spread constraint of the pending pods, the room in this group's zone
    /// (`EstimateLimits::zone_spread_room`).
    pub zone_spread_room: &'a [u32],
}

/// Cluster Autoscaler's scale-up flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScaleUpSettings {
    /// `--expander`.
    pub expander: Expander,
    /// `--balance-similar-node-groups`.
    pub balance_similar_node_groups: bool,
    /// `--max-nodes-per-scaleup`.
    pub max_nodes_per_scale_up: u32,
}

impl Default for ScaleUpSettings {
    fn default() -> ScaleUpSettings {
        ScaleUpSettings {
            expander: Expander::LeastWaste,
            balance_similar_node_groups: false,
            max_nodes_per_scale_up: MAX_NODES_PER_SCALE_UP,
        }
    }
}

/// What one scan decided to grow.
#[derive(Clone, Debug, PartialEq)]
pub struct ScaleUp {
    /// `(group, new nodes)`: the chosen group, or with balancing the similar groups sharing its
    /// nodes; set each group's desired capacity to its target size plus these.
    pub increases: Vec<(usize, u32)>,
    /// The expander's pick, with its estimate.
    pub chosen: ExpansionOption,
    /// Indices of the pending pods the new nodes are for.
    pub pods: Vec<usize>,
    /// How many groups could have helped.
    pub options: usize,
    /// The expander that chose.
    pub expander: Expander,
}

impl ScaleUp {
    /// New nodes in all.
    pub fn nodes(&self) -> u32 {
        self.increases.iter().map(|(_, n)| n).sum()
    }

    /// Why, for the event log: `6 unschedulable pods need 1 node (least-waste, waste 0.875, 2
    /// options)`.
    pub fn reason(&self) -> String {
        let how = match self.expander {
            Expander::LeastWaste => format!("least-waste, waste {:.4}", self.chosen.waste()),
            Expander::MostPods => format!("most-pods, {} pods", self.chosen.pods),
            Expander::Random => "random".to_string(),
        };
        let s = |n: usize| if n == 1 { "" } else { "s" };
        format!(
            "{} unschedulable pod{} need {} node{} ({how}, {} option{})",
            self.pods.len(),
            s(self.pods.len()),
            self.chosen.nodes,
            s(self.chosen.nodes as usize),
            self.options,
            s(self.options)
        )
    }
}

/// One scan's scale-up for the `pending` pods. First the pods that fit on nodes already asked
/// for (`upcoming_nodes`) are set aside; then each group below `maxSize` and not backed off is
/// estimated (`estimate`), the expander picks one, and with balancing its nodes are shared by
/// the similar groups that could also help. `fits(pod, group)`: the scheduler's filters pass for
/// the pod on an empty template node of the group. `None`: nothing to do (no pods, or no group
/// can take any). Pass only pods older than `new-pod-scale-up-delay` with a priority of at least
/// `expendable-pods-priority-cutoff` (-10); when it returns `Some`, skip scale-down this scan.
pub fn scale_up(
    pending: &[PendingPod<'_>],
    groups: &[NodeGroup<'_>],
    settings: &ScaleUpSettings,
    fits: impl Fn(usize, usize) -> bool,
    rng: &mut impl rand::Rng,
) -> Option<ScaleUp> {
    let waiting = pods_waiting_for_upcoming_nodes(pending, groups, &fits);
    if waiting.iter().all(|&w| w) {
        return None;
    }
    let mut options = Vec::new();
    let mut helped = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        if group.backed_off || group.target_size >= group.max_size {
            continue;
        }
        let limits = EstimateLimits {
            max_new_nodes: (group.max_size - group.target_size).min(settings.max_nodes_per_scale_up),
            zone_spread_room: group.zone_spread_room,
        };
        let found = estimate(pending, &group.shape.template, limits, |i| !waiting[i] && fits(i, g));
        if found.nodes == 0 {
            continue;
        }
        options.push(ExpansionOption {
            group: g,
            nodes: found.nodes,
            pods: found.pods.len(),
            requested: found.requested,
            node_allocatable: group.shape.template.resources,
        });
        helped.push(found.pods);
    }
    let pick = choose_option(&options, settings.expander, rng)?;
    let chosen = options[pick];
    let increases = if settings.balance_similar_node_groups {
        let chosen_shape = groups[chosen.group].shape;
        let targets: Vec<BalanceTarget> = options
            .iter()
            .map(|o| o.group)
            .filter(|&g| groups[g].shape.is_similar(&chosen_shape))
            .map(|g| BalanceTarget {
                group: g,
                size: groups[g].target_size,
                max_size: groups[g].max_size,
            })
            .collect();
        balance(&targets, chosen.nodes)
    } else {
        vec![(chosen.group, chosen.nodes)]
    };
    Some(ScaleUp {
        increases,
        chosen,
        pods: std::mem::take(&mut helped[pick]),
        options: options.len(),
        expander: settings.expander,
    })
}

/// Which pending pods fit on the nodes the groups have asked for and not yet got, packed as the
/// estimator packs new nodes, group by group.
fn pods_waiting_for_upcoming_nodes(
    pending: &[PendingPod<'_>],
    groups: &[NodeGroup<'_>],
    fits: &impl Fn(usize, usize) -> bool,
) -> Vec<bool> {
    let mut waiting = vec![false; pending.len()];
    for (g, group) in groups.iter().enumerate() {
        if group.upcoming_nodes == 0 {
            continue;
        }
        let limits = EstimateLimits {
            max_new_nodes: group.upcoming_nodes,
            zone_spread_room: group.zone_spread_room,
        };
        let placed = estimate(pending, &group.shape.template, limits, |i| !waiting[i] && fits(i, g));
        for i in placed.pods {
            waiting[i] = true;
        }
    }
    waiting
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::k8s::{Labels, PodResources};
    use crate::policy::k8s::nodes::NodeAllocatable;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    const NO_LABELS: &Labels = &Labels::new();

    fn group(instance_type: &str, cpu_milli: u64, memory_mib: u64, target_size: u32, max_size: u32) -> NodeGroup<'_> {
        NodeGroup {
            shape: GroupShape {
                instance_type,
                template: NodeAllocatable {
                    resources: PodResources { cpu_milli, memory_mib },
                    pods: 110,
                },
                labels: NO_LABELS,
                taints: &[],
            },
            target_size,
            upcoming_nodes: 0,
            max_size,
            backed_off: false,
            zone_spread_room: &[],
        }
    }

    fn pods(count: usize, cpu_milli: u64, memory_mib: u64) -> Vec<PendingPod<'static>> {
        let pod = PendingPod {
            requests: PodResources { cpu_milli, memory_mib },
            owner: 0,
            host_ports: &[],
            zone_spread: None,
        };
        vec![pod; count]
    }

    fn run(pending: &[PendingPod<'_>], groups: &[NodeGroup<'_>], settings: ScaleUpSettings) -> Option<ScaleUp> {
        scale_up(
            pending,
            groups,
            &settings,
            |_, _| true,
            &mut ChaCha8Rng::seed_from_u64(5),
        )
    }

    #[track_caller]
    fn check(
        pending: &[PendingPod<'_>],
        groups: &[NodeGroup<'_>],
        settings: ScaleUpSettings,
        expected: &[(usize, u32)],
    ) {
        let got = run(pending, groups, settings);
        assert_eq!(got.as_ref().map_or(&[][..], |s| &s.increases[..]), expected, "{got:?}");
    }

    /// k8s-semantics W33's groups: A 4000m / 16384 MiB, B 8000m / 32768 MiB.
    fn w33_groups() -> [NodeGroup<'static>; 2] {
        [
            group("m5.xlarge", 4000, 16_384, 1, 10),
            group("m5.2xlarge", 8000, 32_768, 1, 10),
        ]
    }

    #[test]
    fn w33_least_waste_picks_the_smaller_group() {
        let six = pods(6, 500, 1024);
        let got = run(&six, &w33_groups(), ScaleUpSettings::default()).expect("a scale-up");
        assert_eq!(got.increases, vec![(0, 1)]);
        assert_eq!(got.pods.len(), 6);
        assert_eq!(got.nodes(), 1);
        assert_eq!(
            got.reason(),
            "6 unschedulable pods need 1 node (least-waste, waste 0.8750, 2 options)"
        );
        let most_pods = ScaleUpSettings {
            expander: Expander::MostPods,
            ..ScaleUpSettings::default()
        };
        let got = run(&six, &w33_groups(), most_pods).expect("a scale-up");
        assert_eq!(got.reason().split(" (").nth(1), Some("most-pods, 6 pods, 2 options)"));
    }

    #[test]
    fn groups_at_max_size_or_backed_off_are_skipped() {
        let six = pods(6, 500, 1024);
        let [a, b] = w33_groups();
        let full = NodeGroup { target_size: 10, ..a };
        check(&six, &[full, b], ScaleUpSettings::default(), &[(1, 1)]);
        let resting = NodeGroup { backed_off: true, ..a };
        check(&six, &[resting, b], ScaleUpSettings::default(), &[(1, 1)]);
        check(
            &six,
            &[full, NodeGroup { backed_off: true, ..b }],
            ScaleUpSettings::default(),
            &[],
        );
        // One below max: the estimate is held to the room left (1 node, 8 of 20 pods).
        let twenty = pods(20, 500, 1024);
        let got = run(
            &twenty,
            &[NodeGroup { target_size: 9, ..a }],
            ScaleUpSettings::default(),
        )
        .expect("a scale-up");
        assert_eq!((got.increases.clone(), got.pods.len()), (vec![(0, 1)], 8));
        // max-nodes-per-scaleup holds it the same way.
        let two_at_most = ScaleUpSettings {
            max_nodes_per_scale_up: 2,
            ..ScaleUpSettings::default()
        };
        check(&twenty, &[a], two_at_most, &[(0, 2)]);
    }

    #[test]
    fn nothing_to_do_without_pods_or_a_fitting_group() {
        check(&[], &w33_groups(), ScaleUpSettings::default(), &[]);
        // Larger than any template.
        check(&pods(1, 9000, 1024), &w33_groups(), ScaleUpSettings::default(), &[]);
        // The scheduler's filters reject every group (a nodeSelector no group has).
        let got = scale_up(
            &pods(3, 100, 100),
            &w33_groups(),
            &ScaleUpSettings::default(),
            |_, _| false,
            &mut ChaCha8Rng::seed_from_u64(1),
        );
        assert_eq!(got, None);
        // Only group B passes the filters for the second owner's pods: most-pods takes B, which
        // helps both.
        let mut mixed = pods(2, 100, 100);
        mixed[1].owner = 1;
        let most_pods = ScaleUpSettings {
            expander: Expander::MostPods,
            ..ScaleUpSettings::default()
        };
        let got = scale_up(
            &mixed,
            &w33_groups(),
            &most_pods,
            |pod, group| pod == 0 || group == 1,
            &mut ChaCha8Rng::seed_from_u64(1),
        )
        .expect("a scale-up");
        assert_eq!(
            (got.options, got.increases.clone(), got.pods.len()),
            (2, vec![(1, 1)], 2)
        );
    }

    #[test]
    fn pods_wait_for_nodes_already_asked_for() {
        let [a, b] = w33_groups();
        let booting = NodeGroup { upcoming_nodes: 1, ..a };
        // 8 pods x 500m fill the booting 4000m node: no new request.
        check(&pods(8, 500, 1024), &[booting, b], ScaleUpSettings::default(), &[]);
        // 10: 2 are left over, and they need one more node.
        let got = run(&pods(10, 500, 1024), &[booting, b], ScaleUpSettings::default()).expect("a scale-up");
        assert_eq!((got.increases.clone(), got.pods.len()), (vec![(0, 1)], 2));
    }

    #[test]
    fn balancing_spreads_nodes_over_similar_groups() {
        let zone = |target_size| group("m5.large", 1930, 6903, target_size, 10);
        // An r5.large group would waste more memory, so least-waste picks one of the zonal
        // m5.large groups (a three-way tie) and balancing never involves the r5 group.
        let zonal = [zone(1), zone(1), zone(2), group("r5.large", 1930, 15_000, 0, 10)];
        let twelve = pods(12, 900, 1024);
        let balanced = ScaleUpSettings {
            balance_similar_node_groups: true,
            ..ScaleUpSettings::default()
        };
        // 2 pods a node: 6 nodes, each to the smallest group: sizes 1, 1, 2 become 4, 3, 3.
        let got = run(&twelve, &zonal, balanced).expect("a scale-up");
        assert!(got.chosen.group < 3, "{got:?}");
        assert_eq!(got.increases, vec![(0, 3), (1, 2), (2, 1)]);
        assert_eq!(got.nodes(), 6);
        // Without balancing one group takes all six.
        let got = run(&twelve, &zonal, ScaleUpSettings::default()).expect("a scale-up");
        assert_eq!(got.increases.len(), 1);
        assert_eq!(got.nodes(), 6);
    }

    #[test]
    fn twin_groups_tie_and_the_seed_decides() {
        let twins = [
            group("m5.large", 1930, 6903, 1, 10),
            group("m5.large", 1930, 6903, 1, 10),
        ];
        let mut picks = [0u32; 2];
        for seed in 0..32 {
            let settings = ScaleUpSettings::default();
            let got = scale_up(
                &pods(2, 500, 512),
                &twins,
                &settings,
                |_, _| true,
                &mut ChaCha8Rng::seed_from_u64(seed),
            )
            .expect("a scale-up");
            picks[got.chosen.group] += 1;
        }
        assert!(picks[0] > 0 && picks[1] > 0, "{picks:?}");
    }
}
