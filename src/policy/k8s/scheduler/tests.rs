//! Whole scheduling cycles over small clusters: which nodes pass, which one is chosen, and the
//! message of a pod that stays Pending.

use crate::model::k8s::{
    Affinity, LabelRequirement, LabelSelector, NodeSelectorTerm, PodAffinityTerm, SelectorOperator, TaintEffect,
    TopologySpreadConstraint, UnsatisfiableConstraintAction,
};

use super::inputs::{HOSTNAME_LABEL, SchedulerProfile, ScoringStrategy, ZONE_LABEL};
use super::testkit::{World, feasible, labels, pod, res, schedule, taint, template, tolerate};

fn web() -> LabelSelector {
    LabelSelector::of_labels(labels(&[("app", "web")]))
}

fn spread(key: &str, max_skew: u32, when: UnsatisfiableConstraintAction) -> TopologySpreadConstraint {
    TopologySpreadConstraint {
        max_skew,
        topology_key: key.into(),
        when_unsatisfiable: when,
        label_selector: web(),
        min_domains: None,
        honor_node_affinity: true,
        honor_node_taints: false,
    }
}

const HARD: UnsatisfiableConstraintAction = UnsatisfiableConstraintAction::DoNotSchedule;

/// Zones a (2 web pods: n1, n2), b (1: n3), c (none: n4 is c when `with_c`).
fn zones_world(with_c: bool) -> World {
    let mut w = World::default();
    let g = w.group(labels(&[("app", "web")]), Affinity::default());
    for (name, zone) in [("n1", "a"), ("n2", "a"), ("n3", "b")] {
        w.node(name, zone, 4000, 8192);
        w.bind(name, g, 1, res(100, 100));
    }
    if with_c {
        w.node("n4", "c", 4000, 8192);
    }
    w
}

#[track_caller]
fn check_feasible(world: &World, template: &crate::model::k8s::PodTemplate, expected: &[&str]) {
    let owner = web();
    assert_eq!(feasible(&pod(template, res(100, 100), &owner), world), expected);
}

#[test]
fn w30_do_not_schedule_over_zones_and_hostnames() {
    // k8s-semantics W30: zones A (2 matching pods), B (1), maxSkew 1 → only zone B.
    let mut t = template();
    t.topology_spread = vec![spread(ZONE_LABEL, 1, HARD)];
    check_feasible(&zones_world(false), &t, &["n3"]);
    // An empty zone c lowers the global minimum to 0: only c (0 + 1 - 0 ≤ 1).
    check_feasible(&zones_world(true), &t, &["n4"]);
    // Same with hostname: n1..n3 hold one pod each, n4 none → only n4.
    t.topology_spread = vec![spread(HOSTNAME_LABEL, 1, HARD)];
    check_feasible(&zones_world(true), &t, &["n4"]);
    // maxSkew 2 admits every node; ScheduleAnyway never filters.
    t.topology_spread = vec![spread(HOSTNAME_LABEL, 2, HARD)];
    check_feasible(&zones_world(true), &t, &["n1", "n2", "n3", "n4"]);
    t.topology_spread = vec![spread(ZONE_LABEL, 1, UnsatisfiableConstraintAction::ScheduleAnyway)];
    check_feasible(&zones_world(false), &t, &["n1", "n2", "n3"]);
}

#[test]
fn w30_two_constraints_whose_feasible_sets_do_not_intersect_leave_the_pod_pending() {
    // k8s-semantics 4.6: zone wants b (n3), hostname wants the empty node n4 in zone a.
    let mut w = zones_world(false);
    w.node("n4", "a", 4000, 8192);
    let mut t = template();
    t.topology_spread = vec![spread(ZONE_LABEL, 1, HARD), spread(HOSTNAME_LABEL, 1, HARD)];
    check_feasible(&w, &t, &[]);
    let owner = web();
    let result = schedule(&pod(&t, res(100, 100), &owner), &w, &SchedulerProfile::default(), 1);
    let message = result.placement.expect_err("pending").message();
    assert_eq!(
        message,
        "0/4 nodes are available: 4 node(s) didn't match pod topology spread constraints."
    );
}

#[test]
fn min_domains_node_affinity_policy_and_missing_labels() {
    let mut t = template();
    let mut c = spread(ZONE_LABEL, 1, HARD);
    c.min_domains = Some(3);
    t.topology_spread = vec![c.clone()];
    // Two domains < minDomains 3: the global minimum counts as 0, so a (2) and b (1 + 1 > 1) fail.
    check_feasible(&zones_world(false), &t, &[]);
    // Honored node affinity keeps zone a out of the domains: b alone, its minimum 1, fits.
    c.min_domains = None;
    t.topology_spread = vec![c.clone()];
    t.node_selector = labels(&[(ZONE_LABEL, "b")]);
    check_feasible(&zones_world(false), &t, &["n3"]);
    // A node without the zone label is never a candidate.
    let mut w = zones_world(false);
    w.node("bare", "b", 4000, 8192).labels.remove(ZONE_LABEL);
    t.node_selector.clear();
    let owner = web();
    let result = schedule(&pod(&t, res(100, 100), &owner), &w, &SchedulerProfile::default(), 1);
    assert_eq!(result.placement, Ok(2));
    let mut full = zones_world(false);
    full.nodes[2].allocatable = res(100, 8192);
    full.node("bare", "b", 4000, 8192).labels.remove(ZONE_LABEL);
    let result = schedule(&pod(&t, res(100, 100), &owner), &full, &SchedulerProfile::default(), 1);
    assert_eq!(
        result.placement.expect_err("pending").message(),
        "0/4 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match pod topology spread constraints \
         (missing required label), 2 node(s) didn't match pod topology spread constraints."
    );
}

#[test]
fn taints_need_tolerations_and_the_message_names_the_taint() {
    let mut w = World::default();
    w.node("gpu", "a", 4000, 8192).taints = vec![taint("dedicated", "gpu", TaintEffect::NoSchedule)];
    w.node("small1", "a", 500, 8192);
    w.node("small2", "b", 500, 8192);
    let owner = web();
    let mut t = template();
    let result = schedule(&pod(&t, res(1000, 512), &owner), &w, &SchedulerProfile::default(), 1);
    let pending = result.placement.expect_err("pending");
    // Kubernetes sorts the "count reason" strings: "1 node(s)..." before "2 Insufficient cpu".
    assert_eq!(
        pending.message(),
        "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu."
    );
    assert_eq!(pending.nodes_with("Insufficient cpu"), 2);
    t.tolerations = vec![tolerate("dedicated")];
    let result = schedule(&pod(&t, res(1000, 512), &owner), &w, &SchedulerProfile::default(), 1);
    assert_eq!(result.placement, Ok(0));
    // NoExecute filters too; PreferNoSchedule only scores.
    w.nodes[0].taints = vec![taint("dedicated", "gpu", TaintEffect::NoExecute)];
    check_feasible(&w, &template(), &["small1", "small2"]);
    w.nodes[0].taints = vec![taint("dedicated", "gpu", TaintEffect::PreferNoSchedule)];
    check_feasible(&w, &template(), &["gpu", "small1", "small2"]);
}

#[test]
fn prefer_no_schedule_and_preferred_node_affinity_steer_the_choice() {
    let mut w = World::default();
    w.node("tainted", "a", 4000, 8192).taints = vec![taint("spot", "", TaintEffect::PreferNoSchedule)];
    w.node("clean", "a", 4000, 8192);
    let owner = web();
    let t = template();
    for seed in 0..20 {
        let result = schedule(&pod(&t, res(100, 100), &owner), &w, &SchedulerProfile::default(), seed);
        assert_eq!(result.placement, Ok(1), "seed {seed}");
    }
    let mut t = template();
    t.affinity.node_preferred = vec![crate::model::k8s::WeightedNodeSelectorTerm {
        weight: 100,
        preference: NodeSelectorTerm {
            match_expressions: vec![LabelRequirement {
                key: ZONE_LABEL.into(),
                operator: SelectorOperator::In,
                values: vec!["b".into()],
            }],
        },
    }];
    w.nodes[0].taints.clear();
    w.node("zone-b", "b", 4000, 8192);
    // 2 x 100 for zone b outweighs every other score difference among equal nodes.
    for seed in 0..20 {
        assert_eq!(
            schedule(&pod(&t, res(100, 100), &owner), &w, &SchedulerProfile::default(), seed).placement,
            Ok(2)
        );
    }
}

#[test]
fn node_selector_and_required_node_affinity() {
    let mut w = World::default();
    w.node("a1", "a", 4000, 8192)
        .labels
        .insert("node.kubernetes.io/instance-type".into(), "m5.large".into());
    w.node("b1", "b", 4000, 8192)
        .labels
        .insert("node.kubernetes.io/instance-type".into(), "c5.large".into());
    let mut t = template();
    t.node_selector = labels(&[("node.kubernetes.io/instance-type", "c5.large")]);
    check_feasible(&w, &t, &["b1"]);
    t.node_selector = labels(&[("node.kubernetes.io/instance-type", "r5.large")]);
    let owner = web();
    let result = schedule(&pod(&t, res(100, 100), &owner), &w, &SchedulerProfile::default(), 1);
    assert_eq!(
        result.placement.expect_err("pending").message(),
        "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."
    );
    t.node_selector.clear();
    let zone = |values: &[&str]| NodeSelectorTerm {
        match_expressions: vec![LabelRequirement {
            key: ZONE_LABEL.into(),
            operator: SelectorOperator::In,
            values: values.iter().map(|v| v.to_string()).collect(),
        }],
    };
    // Terms are ORed.
    t.affinity.node_required = vec![zone(&["c"]), zone(&["a"])];
    check_feasible(&w, &t, &["a1"]);
}

fn anti_affinity(key: &str) -> Affinity {
    Affinity {
        pod_anti_affinity_required: vec![PodAffinityTerm {
            label_selector: web(),
            topology_key: key.into(),
        }],
        ..Affinity::default()
    }
}

#[test]
fn required_anti_affinity_on_hostname_puts_one_pod_per_node() {
    let mut w = World::default();
    for (name, zone) in [("n1", "a"), ("n2", "b"), ("n3", "c")] {
        w.node(name, zone, 4000, 8192);
    }
    let mut t = template();
    t.affinity = anti_affinity(HOSTNAME_LABEL);
    let g = w.group(labels(&[("app", "web")]), t.affinity.clone());
    let owner = web();
    let mut placed = Vec::new();
    for seed in 0..3 {
        let result = schedule(&pod(&t, res(100, 100), &owner), &w, &SchedulerProfile::default(), seed);
        let node = result.placement.expect("a free node");
        placed.push(w.nodes[node].name.clone());
        let name = w.nodes[node].name.clone();
        w.bind(&name, g, 1, res(100, 100));
    }
    placed.sort();
    assert_eq!(placed, ["n1", "n2", "n3"]);
    let result = schedule(&pod(&t, res(100, 100), &owner), &w, &SchedulerProfile::default(), 9);
    assert_eq!(
        result.placement.expect_err("pending").message(),
        "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."
    );
    // A pod without terms of its own is still repelled by the existing pods' anti-affinity.
    let plain = template();
    let result = schedule(&pod(&plain, res(100, 100), &owner), &w, &SchedulerProfile::default(), 9);
    assert_eq!(
        result.placement.expect_err("pending").message(),
        "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules."
    );
    // Another app is not repelled; another namespace is not counted.
    let other = template();
    let mut p = pod(&other, res(100, 100), &owner);
    let api = labels(&[("app", "api")]);
    p.labels = &api;
    assert!(schedule(&p, &w, &SchedulerProfile::default(), 9).placement.is_ok());
    p.labels = &other.labels;
    p.namespace = "staging";
    assert!(schedule(&p, &w, &SchedulerProfile::default(), 9).placement.is_ok());
}

#[test]
fn required_anti_affinity_on_zone_and_required_affinity() {
    let mut w = zones_world(true);
    let mut t = template();
    t.affinity = anti_affinity(ZONE_LABEL);
    check_feasible(&w, &t, &["n4"]);
    // Affinity to a cache pod: only its zone; the first pod of a self-affine group goes anywhere.
    let cache = w.group(labels(&[("app", "cache")]), Affinity::default());
    let affinity = |app: &str| Affinity {
        pod_affinity_required: vec![PodAffinityTerm {
            label_selector: LabelSelector::of_labels(labels(&[("app", app)])),
            topology_key: ZONE_LABEL.into(),
        }],
        ..Affinity::default()
    };
    t.affinity = affinity("cache");
    check_feasible(&w, &t, &[]);
    w.bind("n3", cache, 1, res(100, 100));
    check_feasible(&w, &t, &["n3"]);
    t.affinity = affinity("db");
    check_feasible(&w, &t, &[]);
    let mut db = template();
    db.labels = labels(&[("app", "db")]);
    db.affinity = affinity("db");
    check_feasible(&w, &db, &["n1", "n2", "n3", "n4"]);
}

#[test]
fn required_affinity_counts_only_pods_matching_every_term() {
    // Kubernetes counts a pod for the affinity terms only if it matches all of them.
    let term = |key: &str, value: &str| PodAffinityTerm {
        label_selector: LabelSelector::of_labels(labels(&[(key, value)])),
        topology_key: ZONE_LABEL.into(),
    };
    let mut t = template();
    t.affinity.pod_affinity_required = vec![term("app", "cache"), term("tier", "backend")];
    let mut w = zones_world(true);
    let cache = w.group(labels(&[("app", "cache")]), Affinity::default());
    let backend = w.group(labels(&[("tier", "backend")]), Affinity::default());
    w.bind("n3", cache, 1, res(100, 100));
    w.bind("n1", backend, 1, res(100, 100));
    check_feasible(&w, &t, &[]);
    let both = w.group(labels(&[("app", "cache"), ("tier", "backend")]), Affinity::default());
    w.bind("n3", both, 1, res(100, 100));
    check_feasible(&w, &t, &["n3"]);
}

#[test]
fn scoring_strategy_spreads_or_packs() {
    // W28's node beside an empty one: LeastAllocated takes the empty one, MostAllocated the other.
    let mut w = World::default();
    w.node("busy", "a", 4000, 8192).requested = res(1000, 2048);
    w.node("empty", "a", 4000, 8192);
    let owner = web();
    let t = template();
    let p = pod(&t, res(1000, 1024), &owner);
    let most = SchedulerProfile {
        scoring: ScoringStrategy::MostAllocated,
        ..SchedulerProfile::default()
    };
    assert_eq!(schedule(&p, &w, &SchedulerProfile::default(), 3).placement, Ok(1));
    assert_eq!(schedule(&p, &w, &most, 3).placement, Ok(0));
}

#[test]
fn system_default_spread_moves_replicas_off_crowded_nodes() {
    // Equal nodes, but n1 holds 3 replicas of the owner: the defaults prefer the others.
    let mut w = World::default();
    let g = w.group(labels(&[("app", "web")]), Affinity::default());
    w.node("n1", "a", 4000, 8192);
    w.node("n2", "b", 4000, 8192);
    w.bind("n1", g, 3, crate::model::k8s::PodResources::ZERO);
    let owner = web();
    let t = template();
    let p = pod(&t, res(100, 100), &owner);
    for seed in 0..10 {
        assert_eq!(schedule(&p, &w, &SchedulerProfile::default(), seed).placement, Ok(1));
    }
    // Without the defaults (or without an owner) the tie is broken at random: both nodes win.
    let off = SchedulerProfile {
        system_default_spread: false,
        ..SchedulerProfile::default()
    };
    let winners: std::collections::BTreeSet<usize> = (0..40)
        .filter_map(|seed| schedule(&p, &w, &off, seed).placement.ok())
        .collect();
    assert_eq!(winners.into_iter().collect::<Vec<_>>(), [0, 1]);
}

#[test]
fn cordoned_nodes_and_an_empty_cluster() {
    let mut w = World::default();
    w.node("n1", "a", 4000, 8192).unschedulable = true;
    let owner = web();
    let mut t = template();
    let result = schedule(&pod(&t, res(100, 100), &owner), &w, &SchedulerProfile::default(), 1);
    assert_eq!(
        result.placement.expect_err("cordoned").message(),
        "0/1 nodes are available: 1 node(s) were unschedulable."
    );
    t.tolerations = vec![tolerate(super::inputs::UNSCHEDULABLE_TAINT_KEY)];
    assert_eq!(
        schedule(&pod(&t, res(100, 100), &owner), &w, &SchedulerProfile::default(), 1).placement,
        Ok(0)
    );
    let empty = World::default();
    let result = schedule(&pod(&t, res(100, 100), &owner), &empty, &SchedulerProfile::default(), 1);
    assert_eq!(
        result.placement.expect_err("no nodes").message(),
        "no nodes available to schedule pods"
    );
}
