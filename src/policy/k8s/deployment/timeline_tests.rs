//! Whole rollouts played with the controller's steps (k8s-semantics W19 to W23): a tiny
//! test-only loop in which the ReplicaSet controller creates and deletes pods at once and a
//! pod of a good revision becomes available 30 s after it is created.

use super::*;
use crate::model::k8s::DeploymentStrategy;
use crate::model::k8s::IntOrPercent::{self, Int, Percent};
use crate::sim::{SimDuration, SimTime};

/// Seconds from a pod's creation to available.
const START_S: u64 = 30;

/// A Deployment with its ReplicaSets, their pods' creation times, and its Progressing state.
struct Harness {
    target: DeploymentTarget,
    sets: Vec<ReplicaSetRecord>,
    /// Creation second of each ReplicaSet's pods.
    pods: Vec<Vec<i64>>,
    good: Vec<bool>,
    previous: DeploymentStatus,
    condition: Option<ProgressingCondition>,
    recheck_at: Option<SimTime>,
}

/// (second, revision, new spec.replicas) of every ReplicaSet change, and (second, reason) of
/// every change of the Progressing reason.
type Log = (Vec<(u64, u32, u32)>, Vec<(u64, &'static str)>);

impl Harness {
    /// A Deployment at `replicas`, fully available on revision 1, whose template just changed
    /// to revision 2 (`new_good`: whether its pods ever become available).
    fn rollout(replicas: u32, strategy: DeploymentStrategy, new_good: bool) -> Harness {
        let posts = FencePosts::resolve(replicas, &strategy);
        let old = ReplicaSetRecord {
            revision: 1,
            replicas,
            pods: replicas,
            ready: replicas,
            available: replicas,
            desired_replicas: Some(replicas),
            max_replicas: Some(posts.max_total()),
            ..Default::default()
        };
        let new = ReplicaSetRecord {
            revision: 2,
            is_new: true,
            ..Default::default()
        };
        Harness {
            target: DeploymentTarget {
                replicas,
                strategy,
                old_pods_remaining: replicas,
            },
            sets: vec![old, new],
            // The old pods have been available since the start.
            pods: vec![vec![-(START_S as i64); replicas as usize], vec![]],
            good: vec![true, new_good],
            previous: DeploymentStatus {
                replicas,
                updated_replicas: 0,
                ready_replicas: replicas,
                available_replicas: replicas,
            },
            condition: None,
            recheck_at: None,
        }
    }

    /// Plays the rollout until `until_s`, with `spec.replicas` set to each `(second, D)`.
    fn play(&mut self, changes: &[(u64, u32)], until_s: u64) -> Log {
        let mut log: Log = (vec![], vec![]);
        let mut t = 0;
        loop {
            if let Some(&(_, d)) = changes.iter().find(|&&(at, _)| at == t) {
                self.target.replicas = d;
            }
            // A second settle sees old pods gone (terminations here are instant).
            for _ in 0..2 {
                self.refresh(t);
                let mut last: Vec<u32> = self.sets.iter().map(|s| s.replicas).collect();
                let (pods, good, steps) = (&mut self.pods, &self.good, &mut log.0);
                let posts = self.target.fence_posts();
                // Recreate has no fence posts to keep: it empties the Deployment on purpose.
                let steady = !changes.iter().any(|&(at, _)| at <= t)
                    && matches!(self.target.strategy, DeploymentStrategy::RollingUpdate { .. });
                settle(&self.target, &mut self.sets, |_, sets| {
                    for (i, rs) in sets.iter().enumerate() {
                        if rs.replicas != last[i] {
                            steps.push((t, rs.revision, rs.replicas));
                            last[i] = rs.replicas;
                        }
                    }
                    apply(sets, pods, good, t);
                    if steady {
                        assert_within_fence_posts(&posts, sets);
                    }
                });
            }
            self.progress(t, t == 0, &mut log.1);
            match self.next_time(t, changes) {
                Some(next) if next <= until_s => t = next,
                _ => return log,
            }
        }
    }

    /// Status counts at `t`.
    fn refresh(&mut self, t: u64) {
        for (i, rs) in self.sets.iter_mut().enumerate() {
            rs.pods = self.pods[i].len() as u32;
            rs.ready = self.pods[i].iter().filter(|&&c| up(self.good[i], c, t)).count() as u32;
            rs.available = rs.ready;
        }
        self.target.old_pods_remaining = self.sets.iter().filter(|s| !s.is_new).map(|s| s.pods).sum();
    }

    /// The Progressing condition after the sync at `t`.
    fn progress(&mut self, t: u64, created: bool, reasons: &mut Vec<(u64, &'static str)>) {
        let current = DeploymentStatus {
            replicas: self.sets.iter().map(|s| s.pods).sum(),
            updated_replicas: self.sets.iter().filter(|s| s.is_new).map(|s| s.pods).sum(),
            ready_replicas: self.sets.iter().map(|s| s.ready).sum(),
            available_replicas: self.sets.iter().map(|s| s.available).sum(),
        };
        let outcome = progressing(&ProgressInput {
            desired: self.target.replicas,
            min_available: self.target.fence_posts().min_available(),
            previous: self.previous,
            current,
            condition: self.condition,
            created_new_replica_set: created,
            progress_deadline: Some(SimDuration::from_secs(600)),
            now: SimTime(t * 1000),
        });
        let reason = outcome.condition.map(|c| c.reason);
        if reason != self.condition.map(|c| c.reason) {
            reasons.push((t, reason.map_or("none", |r| r.as_str())));
        }
        self.previous = current;
        self.condition = outcome.condition;
        self.recheck_at = outcome.recheck_at;
    }

    /// The next second something happens: a pod becomes available, D changes, or the
    /// deadline is due.
    fn next_time(&self, t: u64, changes: &[(u64, u32)]) -> Option<u64> {
        let ready = self
            .pods
            .iter()
            .zip(&self.good)
            .filter(|(_, good)| **good)
            .flat_map(|(pods, _)| pods.iter().map(|&c| (c + START_S as i64).max(0) as u64));
        let change = changes.iter().map(|&(at, _)| at);
        let recheck = self.recheck_at.map(|r| r.0.div_ceil(1000));
        ready.chain(change).chain(recheck).filter(|&x| x > t).min()
    }
}

/// The ReplicaSet controller: create pods up to `replicas`, delete the surplus, pods that are
/// not available first, newest first.
fn apply(sets: &mut [ReplicaSetRecord], pods: &mut [Vec<i64>], good: &[bool], t: u64) {
    for (i, rs) in sets.iter_mut().enumerate() {
        let list = &mut pods[i];
        list.sort_by_key(|&c| (std::cmp::Reverse(up(good[i], c, t)), c));
        list.truncate(rs.replicas as usize);
        while list.len() < rs.replicas as usize {
            list.push(t as i64);
        }
        rs.pods = list.len() as u32;
        rs.ready = list.iter().filter(|&&c| up(good[i], c, t)).count() as u32;
        rs.available = rs.ready;
    }
}

/// Whether a pod of a revision (`good`: it ever becomes available) created at `created` is
/// available at `t`.
fn up(good: bool, created: i64, t: u64) -> bool {
    good && created + START_S as i64 <= t as i64
}

/// While D holds still, a rollout stays within its fence posts: at most D + surge replicas
/// and at least D − max unavailable available pods (k8s-semantics 2.2, 2.3).
#[track_caller]
fn assert_within_fence_posts(posts: &FencePosts, sets: &[ReplicaSetRecord]) {
    let replicas: u32 = sets.iter().map(|s| s.replicas).sum();
    let available: u32 = sets.iter().map(|s| s.available).sum();
    assert!(
        replicas <= posts.max_total(),
        "{replicas} replicas above {posts:?}: {sets:?}"
    );
    assert!(
        available >= posts.min_available(),
        "{available} available below {posts:?}: {sets:?}"
    );
}

fn rolling(surge: IntOrPercent, unavailable: IntOrPercent) -> DeploymentStrategy {
    DeploymentStrategy::RollingUpdate {
        max_surge: surge,
        max_unavailable: unavailable,
    }
}

#[track_caller]
fn check(mut h: Harness, changes: &[(u64, u32)], until_s: u64, expected: &[(u64, u32, u32)]) -> Harness {
    let (steps, _) = h.play(changes, until_s);
    assert_eq!(steps, expected, "(second, revision, replicas)");
    h
}

#[test]
fn four_replicas_at_25_percent_roll_in_two_availability_waits() {
    // k8s-semantics W19: t=0 new→1, old→3, new→2; t=30 old→1, new→4; t=60 old→0.
    let h = Harness::rollout(4, DeploymentStrategy::default(), true);
    let h = check(
        h,
        &[],
        300,
        &[(0, 2, 1), (0, 1, 3), (0, 2, 2), (30, 1, 1), (30, 2, 4), (60, 1, 0)],
    );
    assert_eq!(
        h.condition.map(|c| c.reason),
        Some(ProgressReason::NewReplicaSetAvailable)
    );
}

#[test]
fn three_replicas_at_25_percent_replace_one_pod_at_a_time() {
    // k8s-semantics W20: new 1, old 2, new 2, old 1, new 3, old 0.
    let h = Harness::rollout(3, DeploymentStrategy::default(), true);
    check(
        h,
        &[],
        300,
        &[(0, 2, 1), (30, 1, 2), (30, 2, 2), (60, 1, 1), (60, 2, 3), (90, 1, 0)],
    );
}

#[test]
fn a_bad_image_stalls_at_the_fence_posts_and_times_out_without_rollback() {
    // k8s-semantics W21: new→3, old→8, new→5, stuck at 13 with 8 available; Progressing=False
    // at 601 s; nothing changes afterwards.
    let mut h = Harness::rollout(10, rolling(Int(3), Int(2)), false);
    let (steps, reasons) = h.play(&[], 3600);
    assert_eq!(steps, [(0, 2, 3), (0, 1, 8), (0, 2, 5)]);
    assert_eq!(reasons, [(0, "ReplicaSetUpdated"), (601, "ProgressDeadlineExceeded")]);
    assert_eq!(h.sets.iter().map(|s| s.replicas).sum::<u32>(), 13);
    assert_eq!(h.previous.available_replicas, 8);
    assert_eq!(h.recheck_at, None);
}

#[test]
fn replicas_changed_twice_mid_rollout_scale_both_replica_sets_in_proportion() {
    // k8s-semantics W22 at 100 s (D 10 → 15: old 8 → 11, new 5 → 7), then D → 6 at 200 s:
    // allowed 9 of 18, old round(11·9/18) = 6, new round(7·9/18) = 4, the leftover −1 to the
    // larger (old 5); the rollout then takes one more old pod (minAvailable 4) for a new one.
    let h = Harness::rollout(10, rolling(Int(3), Int(2)), false);
    let expected = [
        (0, 2, 3),
        (0, 1, 8),
        (0, 2, 5),
        (100, 1, 11),
        (100, 2, 7),
        (200, 1, 5),
        (200, 2, 4),
        (200, 1, 4),
        (200, 2, 5),
    ];
    let h = check(h, &[(100, 15), (200, 6)], 1000, &expected);
    assert_eq!((h.sets[0].max_replicas, h.sets[1].desired_replicas), (Some(9), Some(6)));
}

#[test]
fn replicas_to_zero_mid_rollout_empty_every_replica_set() {
    // k8s-semantics 2.7: D = 0 → every fraction is −replicas.
    let h = Harness::rollout(4, DeploymentStrategy::default(), true);
    let h = check(
        h,
        &[(10, 0)],
        300,
        &[(0, 2, 1), (0, 1, 3), (0, 2, 2), (10, 1, 0), (10, 2, 0)],
    );
    assert_eq!(
        h.condition.map(|c| c.reason),
        Some(ProgressReason::NewReplicaSetAvailable)
    );
}

#[test]
fn max_unavailable_above_replicas_replaces_everything_at_once() {
    // k8s-semantics 2.2: maxUnavailable 5 of 3 clamps to 3, minAvailable 0.
    let h = Harness::rollout(3, rolling(Int(0), Int(5)), true);
    check(h, &[], 300, &[(0, 1, 0), (0, 2, 3)]);
}

#[test]
fn fence_posts_rounded_to_zero_still_move_one_pod_at_a_time() {
    // k8s-semantics W18: (3, 0 %, 25 %) → (0, 1).
    let h = Harness::rollout(3, rolling(Percent(0), Percent(25)), true);
    check(
        h,
        &[],
        300,
        &[(0, 1, 2), (0, 2, 1), (30, 1, 1), (30, 2, 2), (60, 1, 0), (60, 2, 3)],
    );
}

#[test]
fn recreate_starts_new_pods_only_after_the_old_ones_are_gone() {
    // k8s-semantics 2.6: with instant termination, old → 0 then new → D in the same instant.
    let h = Harness::rollout(4, DeploymentStrategy::Recreate, true);
    let h = check(h, &[], 300, &[(0, 1, 0), (0, 2, 4)]);
    assert_eq!(h.previous.available_replicas, 4);
}

#[test]
fn every_rollout_keeps_its_fence_posts_and_a_good_one_completes() {
    // k8s-semantics 2.2 and 2.3 over D 0..=12 and a spread of surge/unavailable settings.
    let settings = [
        (Percent(25), Percent(25)),
        (Percent(0), Percent(25)),
        (Percent(100), Percent(0)),
        (Int(1), Int(0)),
        (Int(0), Int(1)),
        (Int(3), Int(2)),
        (Percent(50), Percent(50)),
        (Int(0), Int(20)),
    ];
    for replicas in 0..=12 {
        for (surge, unavailable) in settings {
            for good in [true, false] {
                let mut h = Harness::rollout(replicas, rolling(surge, unavailable), good);
                let (steps, reasons) = h.play(&[], 3600);
                let new = &h.sets[1];
                let label = format!("D {replicas}, {surge:?}/{unavailable:?}, good {good}: {steps:?}");
                if good {
                    assert_eq!(
                        (h.sets[0].replicas, new.replicas, new.available),
                        (0, replicas, replicas),
                        "{label}"
                    );
                    assert_eq!(reasons.last().map(|r| r.1), Some("NewReplicaSetAvailable"), "{label}");
                } else if replicas > 0 {
                    // Stuck with the old pods minAvailable needs, reported, not rolled back.
                    let posts = h.target.fence_posts();
                    assert!(
                        h.sets[0].replicas >= posts.min_available() && new.replicas > 0,
                        "{label}"
                    );
                    assert_eq!(reasons.last(), Some(&(601, "ProgressDeadlineExceeded")), "{label}");
                }
            }
        }
    }
}
