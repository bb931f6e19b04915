//! The lifecycle stages of a BLUE_GREEN, LINEAR or CANARY deployment as a table (reference 8.7):
//! their order, what ends each besides its hooks, what a failure at each undoes, and the
//! capacity the green revision holds.

use super::strategy::{DeploymentStrategy, LifecycleStage};

/// What ends a stage once its hooks have succeeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageEnd {
    /// Nothing to wait for: the next stage starts when the hooks return.
    Hooks,
    /// Every green task is RUNNING and healthy (SCALE_UP).
    GreenHealthy,
    /// Every production traffic step and its bake (PRODUCTION_TRAFFIC_SHIFT).
    TrafficSteps,
    /// `bakeTimeInMinutes` (BAKE_TIME).
    BakeTime,
    /// Every blue task has stopped (CLEAN_UP).
    BlueStopped,
}

/// The stages a deployment of `strategy` goes through, in order (reference 8.7);
/// `several_revisions` is whether tasks of more than one revision run when it starts, the only
/// case with a RECONCILE_SERVICE stage. BLUE_GREEN, LINEAR and CANARY share the table: they differ
/// inside PRODUCTION_TRAFFIC_SHIFT. ROLLING has no stages.
pub fn stage_table(strategy: &DeploymentStrategy, several_revisions: bool) -> Vec<LifecycleStage> {
    if !strategy.shifts_traffic() {
        return Vec::new();
    }
    LifecycleStage::ALL
        .into_iter()
        .filter(|s| several_revisions || *s != LifecycleStage::ReconcileService)
        .collect()
}

/// The stage after `stage` in `table`, `None` after the last.
pub fn next_stage(table: &[LifecycleStage], stage: LifecycleStage) -> Option<LifecycleStage> {
    let at = table.iter().position(|s| *s == stage)?;
    table.get(at + 1).copied()
}

/// What ends `stage` once its hooks have succeeded.
pub fn stage_end(stage: LifecycleStage) -> StageEnd {
    match stage {
        LifecycleStage::ScaleUp => StageEnd::GreenHealthy,
        LifecycleStage::ProductionTrafficShift => StageEnd::TrafficSteps,
        LifecycleStage::BakeTime => StageEnd::BakeTime,
        LifecycleStage::CleanUp => StageEnd::BlueStopped,
        _ => StageEnd::Hooks,
    }
}

/// What a failed deployment undoes, by the stage it failed at (reference 8.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RollbackPlan {
    /// Production traffic has (partly) moved to green and goes back to blue.
    pub production_back_to_blue: bool,
    /// Test traffic reaches green and goes back to blue.
    pub test_back_to_blue: bool,
    /// Green tasks may exist and are stopped.
    pub stop_green: bool,
}

/// The rollback of a deployment that fails at `stage`; `None` at CLEAN_UP, where blue is already
/// being stopped and the deployment no longer watches its alarms.
pub fn rollback_plan(stage: LifecycleStage) -> Option<RollbackPlan> {
    use LifecycleStage as S;
    let order = |s: S| S::ALL.iter().position(|x| *x == s).unwrap_or(0);
    if stage == S::CleanUp {
        return None;
    }
    Some(RollbackPlan {
        production_back_to_blue: order(stage) >= order(S::ProductionTrafficShift),
        test_back_to_blue: order(stage) >= order(S::TestTrafficShift),
        stop_green: order(stage) >= order(S::ScaleUp),
    })
}

/// Green tasks a deployment starts: the full desired count, beside blue's (reference 8.7: "the
/// green revision is scaled up to full size before traffic shifts").
pub fn green_task_count(desired: u32) -> u32 {
    desired
}

/// Tasks the service holds at the peak of a deployment: blue's running tasks and green's.
pub fn peak_task_count(blue_running: u32, desired: u32) -> u32 {
    blue_running + green_task_count(desired)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimDuration;
    use LifecycleStage as S;

    fn strategies() -> [DeploymentStrategy; 3] {
        [
            DeploymentStrategy::BlueGreen,
            DeploymentStrategy::Linear {
                step_permille: 200,
                step_bake: SimDuration::from_secs(120),
            },
            DeploymentStrategy::Canary {
                canary_permille: 100,
                canary_bake: SimDuration::from_secs(900),
            },
        ]
    }

    #[test]
    fn every_traffic_shifting_strategy_follows_the_aws_stage_order_reference_8_7() {
        let expected = [
            S::PreScaleUp,
            S::ScaleUp,
            S::PostScaleUp,
            S::TestTrafficShift,
            S::PostTestTrafficShift,
            S::ProductionTrafficShift,
            S::PostProductionTrafficShift,
            S::BakeTime,
            S::CleanUp,
        ];
        for strategy in strategies() {
            assert_eq!(stage_table(&strategy, false), expected, "{}", strategy.as_str());
            let with_reconcile = stage_table(&strategy, true);
            assert_eq!(with_reconcile[0], S::ReconcileService);
            assert_eq!(&with_reconcile[1..], expected);
        }
        assert!(stage_table(&DeploymentStrategy::Rolling, true).is_empty());
    }

    #[test]
    fn next_stage_walks_the_table_to_its_end() {
        let table = stage_table(&DeploymentStrategy::BlueGreen, false);
        let mut walked = vec![table[0]];
        while let Some(next) = next_stage(&table, *walked.last().expect("one")) {
            walked.push(next);
        }
        assert_eq!(walked, table);
        assert_eq!(next_stage(&table, S::ReconcileService), None, "not in this table");
    }

    #[test]
    fn what_ends_each_stage() {
        let ends: Vec<(S, StageEnd)> = S::ALL.into_iter().map(|s| (s, stage_end(s))).collect();
        assert_eq!(
            ends.iter().filter(|(_, e)| *e == StageEnd::Hooks).count(),
            6,
            "the hookable stages other than PRODUCTION_TRAFFIC_SHIFT: {ends:?}"
        );
        assert_eq!(stage_end(S::ScaleUp), StageEnd::GreenHealthy);
        assert_eq!(stage_end(S::ProductionTrafficShift), StageEnd::TrafficSteps);
        assert_eq!(stage_end(S::BakeTime), StageEnd::BakeTime);
        assert_eq!(stage_end(S::CleanUp), StageEnd::BlueStopped);
    }

    #[test]
    fn rollback_from_every_stage_reference_8_7() {
        // (stage, production back, test back, stop green); None: no rollback.
        type Undone = Option<(bool, bool, bool)>;
        let cases: &[(S, Undone)] = &[
            (S::ReconcileService, Some((false, false, false))),
            (S::PreScaleUp, Some((false, false, false))),
            (S::ScaleUp, Some((false, false, true))),
            (S::PostScaleUp, Some((false, false, true))),
            (S::TestTrafficShift, Some((false, true, true))),
            (S::PostTestTrafficShift, Some((false, true, true))),
            (S::ProductionTrafficShift, Some((true, true, true))),
            (S::PostProductionTrafficShift, Some((true, true, true))),
            (S::BakeTime, Some((true, true, true))),
            (S::CleanUp, None),
        ];
        assert_eq!(cases.len(), S::ALL.len(), "every stage has a case");
        for &(stage, expected) in cases {
            let plan = rollback_plan(stage).map(|p| (p.production_back_to_blue, p.test_back_to_blue, p.stop_green));
            assert_eq!(plan, expected, "{}", stage.as_str());
        }
    }

    #[test]
    fn green_doubles_the_service_at_its_peak() {
        assert_eq!(green_task_count(10), 10);
        assert_eq!(peak_task_count(10, 10), 20);
        // Blue scaled out during the deployment still runs beside a full green.
        assert_eq!(peak_task_count(12, 10), 22);
        assert_eq!(peak_task_count(0, 0), 0);
    }
}
