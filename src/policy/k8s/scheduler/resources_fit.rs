//! NodeResourcesFit's score strategies and NodeResourcesBalancedAllocation (k8s-semantics 4.4,
//! 4.5): integer scores 0..=100 from what a node would have requested with the pod on it.

use crate::model::k8s::PodResources;

use super::inputs::ScoringStrategy;

/// The highest score a plugin gives a node (`MaxNodeScore`).
pub const MAX_NODE_SCORE: i64 = 100;

/// NodeResourcesFit's score for a node whose pods' non-zero requests sum to `node_requested`,
/// with the pod's non-zero requests added: the mean of the cpu and memory scores (weight 1
/// each), resources the node has none of left out.
pub fn resource_fit_score(
    strategy: ScoringStrategy,
    allocatable: PodResources,
    node_requested: PodResources,
    pod: PodResources,
) -> i64 {
    let requested = node_requested.plus(pod);
    let per_resource = match strategy {
        ScoringStrategy::LeastAllocated => least_allocated,
        ScoringStrategy::MostAllocated => most_allocated,
    };
    let pairs = [
        (requested.cpu_milli, allocatable.cpu_milli),
        (requested.memory_mib, allocatable.memory_mib),
    ];
    let (sum, weights) = pairs
        .iter()
        .filter(|(_, alloc)| *alloc > 0)
        .fold((0, 0), |(sum, n), &(req, alloc)| {
            (sum + per_resource(req, alloc), n + 1)
        });
    if weights == 0 { 0 } else { sum / weights }
}

/// `(alloc - requested) x 100 / alloc`, 0 when over-requested (integer division).
fn least_allocated(requested: u64, alloc: u64) -> i64 {
    if requested > alloc {
        return 0;
    }
    ((alloc - requested) as i128 * MAX_NODE_SCORE as i128 / alloc as i128) as i64
}

/// `min(requested, alloc) x 100 / alloc` (integer division).
fn most_allocated(requested: u64, alloc: u64) -> i64 {
    (requested.min(alloc) as i128 * MAX_NODE_SCORE as i128 / alloc as i128) as i64
}

/// NodeResourcesBalancedAllocation: `int((1 - |f_cpu - f_mem| / 2) x 100)` with
/// `f = min(requested / alloc, 1)` over the actual requests plus the pod's. A pod requesting
/// nothing is not scored (0 everywhere: Kubernetes skips the plugin for best-effort pods so
/// they do not pile onto one balanced node).
pub fn balanced_allocation_score(allocatable: PodResources, node_requested: PodResources, pod: PodResources) -> i64 {
    if pod == PodResources::ZERO {
        return 0;
    }
    let requested = node_requested.plus(pod);
    let fraction = |req: u64, alloc: u64| (alloc > 0).then(|| (req as f64 / alloc as f64).min(1.0));
    let std = match (
        fraction(requested.cpu_milli, allocatable.cpu_milli),
        fraction(requested.memory_mib, allocatable.memory_mib),
    ) {
        (Some(cpu), Some(mem)) => ((cpu - mem) / 2.0).abs(),
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(cpu_milli: u64, memory_mib: u64) -> PodResources {
        PodResources { cpu_milli, memory_mib }
    }

    #[track_caller]
    fn check(
        strategy: Option<ScoringStrategy>,
        alloc: (u64, u64),
        on_node: (u64, u64),
        pod: (u64, u64),
        expected: i64,
    ) {
        let (alloc, on_node, pod) = (res(alloc.0, alloc.1), res(on_node.0, on_node.1), res(pod.0, pod.1));
        let got = match strategy {
            Some(s) => resource_fit_score(s, alloc, on_node, pod),
            None => balanced_allocation_score(alloc, on_node, pod),
        };
        assert_eq!(got, expected);
    }

    const LEAST: Option<ScoringStrategy> = Some(ScoringStrategy::LeastAllocated);
    const MOST: Option<ScoringStrategy> = Some(ScoringStrategy::MostAllocated);
    const BALANCED: Option<ScoringStrategy> = None;

    #[test]
    fn w28_the_three_strategies_on_one_node() {
        // k8s-semantics W28: 4000m / 8192 MiB, 1000m / 2048 MiB requested, pod 1000m / 1024 MiB.
        check(LEAST, (4000, 8192), (1000, 2048), (1000, 1024), 56); // (50 + 62) / 2
        check(MOST, (4000, 8192), (1000, 2048), (1000, 1024), 43); // (50 + 37) / 2
        check(BALANCED, (4000, 8192), (1000, 2048), (1000, 1024), 93); // 1 - 0.0625
    }

    #[test]
    fn w29_a_best_effort_pod_scores_with_100m_and_200_mib() {
        // k8s-semantics W29: the caller passes non_zero_requests (100m / 200 MiB).
        check(LEAST, (1000, 2048), (0, 0), (100, 200), 90); // cpu 90, mem 1848·100/2048 = 90
        check(MOST, (1000, 2048), (0, 0), (100, 200), 9); // (10 + 9) / 2
        check(BALANCED, (1000, 2048), (0, 0), (0, 0), 0); // skipped for best-effort pods
    }

    #[test]
    fn edges_empty_full_over_requested_and_missing_resources() {
        check(LEAST, (4000, 8192), (0, 0), (0, 0), 100);
        check(MOST, (4000, 8192), (0, 0), (0, 0), 0);
        check(LEAST, (4000, 8192), (4000, 8192), (0, 0), 0);
        check(MOST, (4000, 8192), (4000, 8192), (0, 0), 100);
        check(LEAST, (4000, 8192), (5000, 0), (0, 0), 50); // cpu over-requested: 0; memory 100
        check(MOST, (4000, 8192), (5000, 0), (0, 0), 50); // cpu capped at 100; memory 0
        check(LEAST, (0, 8192), (0, 4096), (0, 0), 50); // no cpu at all: memory alone
        check(LEAST, (0, 0), (0, 0), (100, 200), 0);
        check(LEAST, (3, 3), (0, 0), (1, 1), 66); // 2·100/3 rounds down
        check(BALANCED, (4000, 8192), (0, 0), (4000, 0), 50); // fractions 1 and 0
        check(BALANCED, (4000, 8192), (8000, 0), (1, 0), 50); // fraction capped at 1
        check(BALANCED, (4000, 8192), (0, 0), (2000, 4096), 100);
        check(BALANCED, (0, 8192), (0, 0), (100, 4096), 100); // one resource: no deviation
    }
}
