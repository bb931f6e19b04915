//! One step of a rolling deployment's controller (reference 8.1, A7, A8): from counts of the
//! service's tasks, the new-revision tasks to start and the old-revision tasks to stop now.

use super::bounds::{BoundsCounts, RollingSettings, rolling_bounds};

/// What the service's tasks look like now, split into the PRIMARY (new) deployment and the older ACTIVE ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RollingState {
    /// The service's desired count (the latest one: it may change during the deployment).
    pub desired: u32,
    /// New-revision tasks starting (PROVISIONING, PENDING, ACTIVATING).
    pub new_starting: u32,
    /// New-revision tasks RUNNING and healthy.
    pub new_healthy: u32,
    /// New-revision tasks RUNNING, not (yet) healthy.
    pub new_unhealthy: u32,
    /// Old-revision tasks starting.
    pub old_starting: u32,
    /// Old-revision tasks RUNNING and healthy.
    pub old_healthy: u32,
    /// Old-revision tasks RUNNING, not healthy.
    pub old_unhealthy: u32,
    /// Tasks of any revision between RUNNING and STOPPED (DEACTIVATING, STOPPING, DEPROVISIONING).
    pub stopping: u32,
}

impl RollingState {
    /// New-revision tasks starting or running.
    pub fn new_total(&self) -> u32 {
        self.new_starting
            .saturating_add(self.new_healthy)
            .saturating_add(self.new_unhealthy)
    }

    /// Old-revision tasks starting or running.
    pub fn old_total(&self) -> u32 {
        self.old_starting
            .saturating_add(self.old_healthy)
            .saturating_add(self.old_unhealthy)
    }

    /// Healthy RUNNING tasks of both revisions: what the lower bound L counts.
    pub fn healthy(&self) -> u32 {
        self.new_healthy.saturating_add(self.old_healthy)
    }

    /// The state as the bounds see it (reference 8.1): revisions do not matter to them.
    pub fn counts(&self) -> BoundsCounts {
        BoundsCounts {
            active: self.new_total().saturating_add(self.old_total()),
            stopping: self.stopping,
            healthy: self.healthy(),
        }
    }

    /// Tasks that count toward the upper bound U: starting and running tasks of both revisions,
    /// plus stopping ones when `stopping_counts_toward_upper` (reference A7).
    pub fn counted(&self, settings: &RollingSettings) -> u32 {
        rolling_bounds(self.desired, settings, &self.counts()).counted
    }
}

/// What the deployment controller does now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RollingStep {
    /// New-revision tasks to start now.
    pub start_new: u32,
    /// Old-revision tasks to stop now, taken in this order: old starting first, then old unhealthy, then old healthy.
    pub stop_old_starting: u32,
    /// Old unhealthy tasks to stop now (after the old starting ones).
    pub stop_old_unhealthy: u32,
    /// Old healthy tasks to stop now (last, and only while L healthy tasks remain).
    pub stop_old_healthy: u32,
    /// True when nothing can move and the deployment is not done: the AWS event "unable to stop or start tasks during a deployment because of the service deployment configuration" applies.
    pub stalled: bool,
    /// True when the deployment is complete: desired new tasks healthy and no old task left (running or starting).
    pub complete: bool,
}

impl RollingStep {
    /// Old-revision tasks to stop now, all kinds together.
    pub fn stop_old(&self) -> u32 {
        self.stop_old_starting + self.stop_old_unhealthy + self.stop_old_healthy
    }
}

/// Decides one step of a rolling deployment ("start first", reference A8).
///
/// (a) Start new tasks while the tasks counted toward U stay within U and the new revision has
/// fewer than D tasks. (b) Then stop old tasks, but only as many as are needed, the larger of:
/// - the old tasks that healthy new tasks already replace, `old - (D - new_healthy)` (this also
///   covers old tasks beyond a desired count that shrank during the deployment);
/// - the slots U still lacks for the new tasks (a) could not start, less the slots that tasks
///   already stopping will free (when they count toward U).
///
/// Old starting and old unhealthy tasks go first and are always allowed (they are not healthy);
/// old healthy ones only while `healthy - stopped >= L`. Starts are computed before the stops of
/// the same step, so a slot an old task frees is used by the next step (when it is STOPPED if
/// stopping tasks count toward U, at once otherwise).
///
/// Excess new tasks (more than D after the desired count shrank) are left to the service
/// scheduler's scale-in. `stalled` is set only when the step moves nothing and no task is in
/// transit (starting, stopping or not yet healthy) that could change the picture.
pub fn rolling_step(state: &RollingState, settings: &RollingSettings) -> RollingStep {
    let s = state;
    let d = s.desired;
    let old_total = s.old_total();
    if s.new_healthy >= d && old_total == 0 {
        return RollingStep {
            complete: true,
            ..RollingStep::default()
        };
    }
    let bounds = rolling_bounds(d, settings, &s.counts());
    let counted = bounds.counted;
    let new_total = s.new_total();

    // (a) Start first, within U and up to D new tasks.
    let start_new = bounds.may_start.min(d.saturating_sub(new_total));

    // (b) How many old tasks need to go.
    let not_started = d.saturating_sub(new_total.saturating_add(start_new));
    let freeing = match settings.stopping_counts_toward_upper {
        true => s.stopping,
        false => 0,
    };
    let to_make_room = counted
        .saturating_add(start_new)
        .saturating_add(not_started)
        .saturating_sub(bounds.upper.saturating_add(freeing));
    let replaced = old_total.saturating_sub(d.saturating_sub(s.new_healthy));
    let mut budget = to_make_room.max(replaced).min(old_total);

    let stop_old_starting = budget.min(s.old_starting);
    budget -= stop_old_starting;
    let stop_old_unhealthy = budget.min(s.old_unhealthy);
    budget -= stop_old_unhealthy;
    let stop_old_healthy = budget.min(s.old_healthy).min(bounds.may_stop_healthy);

    let moved = start_new > 0 || stop_old_starting + stop_old_unhealthy + stop_old_healthy > 0;
    let in_transit =
        s.new_starting > 0 || s.new_unhealthy > 0 || s.old_starting > 0 || s.old_unhealthy > 0 || s.stopping > 0;
    RollingStep {
        start_new,
        stop_old_starting,
        stop_old_unhealthy,
        stop_old_healthy,
        stalled: !moved && !in_transit,
        complete: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(min: u32, max: u32, stopping_counts: bool) -> RollingSettings {
        RollingSettings {
            minimum_healthy_percent: min,
            maximum_percent: max,
            stopping_counts_toward_upper: stopping_counts,
        }
    }

    fn old_healthy(desired: u32, old: u32) -> RollingState {
        RollingState {
            desired,
            old_healthy: old,
            ..RollingState::default()
        }
    }

    /// One tick of the abstract deployment: apply `step`; tasks started last tick are healthy now
    /// (started tasks become healthy after one tick), tasks stopped last tick are gone (stopped
    /// tasks spend one tick stopping). Unhealthy tasks stay unhealthy.
    fn apply(s: &RollingState, step: &RollingStep) -> RollingState {
        RollingState {
            desired: s.desired,
            new_starting: step.start_new,
            new_healthy: s.new_healthy + s.new_starting,
            new_unhealthy: s.new_unhealthy,
            old_starting: s.old_starting - step.stop_old_starting,
            old_healthy: s.old_healthy - step.stop_old_healthy,
            old_unhealthy: s.old_unhealthy - step.stop_old_unhealthy,
            stopping: step.stop_old(),
        }
    }

    fn describe(step: &RollingStep) -> String {
        match (step.complete, step.stalled, step.start_new, step.stop_old()) {
            (true, ..) => "complete".into(),
            (_, true, ..) => "stalled".into(),
            (_, _, 0, 0) => "wait".into(),
            (_, _, start, 0) => format!("+{start}"),
            (_, _, 0, stop) => format!("-{stop}"),
            (_, _, start, stop) => format!("+{start} -{stop}"),
        }
    }

    /// The first `ticks` steps of a deployment from D old healthy tasks, as "+start -stop".
    fn trace(d: u32, min: u32, max: u32, stopping_counts: bool, ticks: usize) -> Vec<String> {
        let settings = settings(min, max, stopping_counts);
        let mut state = old_healthy(d, d);
        let mut out = Vec::new();
        for _ in 0..ticks {
            let step = rolling_step(&state, &settings);
            out.push(describe(&step));
            if step.complete || step.stalled {
                break;
            }
            state = apply(&state, &step);
        }
        out
    }

    #[track_caller]
    fn check_trace(d: u32, min: u32, max: u32, stopping_counts: bool, expected: &[&str]) {
        assert_eq!(
            trace(d, min, max, stopping_counts, expected.len()),
            expected,
            "D={d} {min}/{max} stopping counts: {stopping_counts}"
        );
    }

    #[test]
    fn case_27_first_steps() {
        // Case 27: D=4, 50/200 (L=2, U=8): <= 8 active, >= 2 healthy; the old ones are only
        // stopped once their replacements are healthy (none is needed to make room).
        check_trace(4, 50, 200, true, &["+4", "wait", "-4", "complete"]);
        // Case 27: D=4, 100/200: start 4 new; stop old only as new become healthy.
        check_trace(4, 100, 200, true, &["+4", "wait", "-4", "complete"]);
        // Case 27: D=1, 100/200: start 1, wait healthy, stop old; peak 2 tasks, no downtime.
        check_trace(1, 100, 200, true, &["+1", "wait", "-1", "complete"]);
        // Case 27: D=1, 0/100: stop old first, then start new once the old one has STOPPED.
        check_trace(1, 0, 100, true, &["-1", "wait", "+1", "wait", "complete"]);
        // Case 27: D=1, 0/100, stopping tasks not counted (A7): the slot frees at once.
        check_trace(1, 0, 100, false, &["-1", "+1", "wait", "complete"]);
        // Case 27: D=2, 75/200 (L=2): cannot stop before replacements are healthy.
        check_trace(2, 75, 200, true, &["+2", "wait", "-2", "complete"]);
        // Case 27: D=3, 100/125 (L=3, U=3): stalled.
        check_trace(3, 100, 125, true, &["stalled"]);
        check_trace(3, 100, 125, false, &["stalled"]);
        // Case 27: D=3, 50/150 (L=2, U=4): 1 extra at a time; >= 2 healthy.
        check_trace(
            3,
            50,
            150,
            true,
            &["+1 -1", "wait", "+1 -1", "wait", "+1", "wait", "-1", "complete"],
        );
        // Case 27: D=10, 90/110 (L=9, U=11): batches of 1-2 tasks.
        check_trace(10, 90, 110, true, &["+1 -1", "wait", "+1 -1", "wait", "+1 -1"]);
        // Reference 8.1 doc example D=4, min 50 with max 100: stop 2 (D - L) first, then start 2.
        check_trace(
            4,
            50,
            100,
            true,
            &["-2", "wait", "+2", "wait", "-2", "wait", "+2", "wait", "complete"],
        );
    }

    #[test]
    fn case_27_stall_is_reported_at_once() {
        // Case 27: D=3, 100/125: the "unable to stop or start tasks" event applies.
        let step = rolling_step(&old_healthy(3, 3), &settings(100, 125, true));
        assert_eq!(
            step,
            RollingStep {
                stalled: true,
                ..RollingStep::default()
            }
        );
        // Waiting for a task in transit is not a stall.
        let waiting = RollingState {
            new_starting: 4,
            ..old_healthy(4, 4)
        };
        let step = rolling_step(&waiting, &RollingSettings::default());
        assert_eq!(step, RollingStep::default());
    }

    #[test]
    fn old_tasks_stop_starting_first_then_unhealthy_then_healthy_above_l() {
        // D=4, 50/100 (L=2, U=4): room is needed for 4 new tasks; the starting and the unhealthy
        // old task go whatever L says, the healthy ones only while 2 healthy remain.
        let state = RollingState {
            desired: 4,
            old_starting: 1,
            old_unhealthy: 1,
            old_healthy: 2,
            ..RollingState::default()
        };
        let step = rolling_step(&state, &settings(50, 100, true));
        assert_eq!(
            (
                step.start_new,
                step.stop_old_starting,
                step.stop_old_unhealthy,
                step.stop_old_healthy
            ),
            (0, 1, 1, 0)
        );
        // With 3 healthy old tasks, one of them may go as well.
        let state = RollingState {
            old_healthy: 3,
            old_unhealthy: 0,
            ..state
        };
        let step = rolling_step(&state, &settings(50, 100, true));
        assert_eq!((step.stop_old_starting, step.stop_old_healthy), (1, 1));
    }

    #[test]
    fn desired_count_shrinking_during_a_deployment() {
        // D shrank from 5 to 2 (100/200, L=2, U=4): the 3 old tasks beyond D stop at once.
        let step = rolling_step(&old_healthy(2, 5), &RollingSettings::default());
        assert_eq!((step.start_new, step.stop_old_healthy), (0, 3));
        // Half-way: 2 new healthy, 3 old: every old task is replaced, all stop.
        let state = RollingState {
            new_healthy: 2,
            ..old_healthy(2, 3)
        };
        assert_eq!(rolling_step(&state, &RollingSettings::default()).stop_old(), 3);
        // D = 0: every old task stops, L is 0; the deployment completes when none is left.
        let state = RollingState {
            old_starting: 1,
            ..old_healthy(0, 2)
        };
        let step = rolling_step(&state, &RollingSettings::default());
        assert_eq!((step.stop_old_starting, step.stop_old_healthy), (1, 2));
        assert!(rolling_step(&old_healthy(0, 0), &RollingSettings::default()).complete);
        let stopping = RollingState {
            stopping: 3,
            ..old_healthy(0, 0)
        };
        assert!(rolling_step(&stopping, &RollingSettings::default()).complete);
    }

    /// Runs one abstract deployment to its end (complete or stalled) and checks its invariants.
    fn run_property(d: u32, min: u32, max: u32, stopping_counts: bool, start: RollingState) {
        let settings = settings(min, max, stopping_counts);
        let bounds = rolling_bounds(d, &settings, &BoundsCounts::default());
        let (lower, upper) = (bounds.lower, bounds.upper);
        let standard_start = start.old_healthy == d && start.old_total() == d;
        let ticks = 4 * d.max(start.old_total()) + 10;
        let ctx = format!("D={d} {min}/{max} stopping counts: {stopping_counts} from {start:?}");
        let mut seen: Vec<RollingState> = Vec::new();
        let mut state = start;
        for _ in 0..ticks {
            let step = rolling_step(&state, &settings);
            if step.complete {
                assert_eq!(state.new_healthy, d, "{ctx}: complete at {state:?}");
                assert_eq!(state.old_total(), 0, "{ctx}: complete at {state:?}");
                assert!(!step.stalled, "{ctx}");
                return;
            }
            if step.stalled {
                // A stalled deployment moves nothing, and stays stalled: no progress ever.
                assert_eq!(step.start_new + step.stop_old(), 0, "{ctx}: {step:?}");
                let next = apply(&state, &step);
                assert_eq!(next, state, "{ctx}: a stalled deployment changed");
                assert!(rolling_step(&next, &settings).stalled, "{ctx}");
                // Only a configuration with L = U (= D) stalls (reference 8.1).
                assert!(d > 0 && lower >= upper, "{ctx}: stalled at {state:?}");
                return;
            }
            assert!(!seen.contains(&state), "{ctx}: loops at {state:?}");
            seen.push(state);
            let next = apply(&state, &step);
            if standard_start {
                assert!(next.healthy() >= lower, "{ctx}: {next:?} below L={lower}");
                assert!(next.counted(&settings) <= upper, "{ctx}: {next:?} above U={upper}");
            } else {
                // Exception (reference 8.1): a deployment that starts with fewer healthy tasks
                // than L (old tasks unhealthy) cannot hold L; ECS then never stops a healthy task
                // while below it, so healthy never falls, and rises as replacements get healthy.
                assert!(
                    next.healthy() >= lower.min(state.healthy()),
                    "{ctx}: {next:?} lost a healthy task below L={lower}"
                );
                // Exception: old tasks beyond U (the desired count shrank, so U did) stay counted
                // until stopped; nothing starts while above U, so the count never rises.
                assert!(
                    next.counted(&settings) <= upper.max(state.counted(&settings)),
                    "{ctx}: {next:?} grew above U={upper}"
                );
            }
            state = next;
        }
        panic!("{ctx}: neither complete nor stalled after {ticks} ticks, at {state:?}");
    }

    #[test]
    fn every_deployment_completes_or_stalls_within_bounds() {
        let mut runs = 0;
        for d in 0..=12u32 {
            for min in [0, 25, 50, 75, 90, 100] {
                for max in [100, 110, 125, 150, 200] {
                    if max < min {
                        continue;
                    }
                    for stopping_counts in [true, false] {
                        // The property as stated: D old healthy tasks.
                        run_property(d, min, max, stopping_counts, old_healthy(d, d));
                        // Desired count shrank by 2 just before: D + 2 old healthy tasks.
                        run_property(d, min, max, stopping_counts, old_healthy(d, d + 2));
                        // A broken revision being replaced: half the old tasks never get healthy.
                        let broken = RollingState {
                            old_unhealthy: d / 2,
                            ..old_healthy(d, d - d / 2)
                        };
                        run_property(d, min, max, stopping_counts, broken);
                        runs += 3;
                    }
                }
            }
        }
        assert_eq!(runs, 13 * 30 * 2 * 3);
    }
}
