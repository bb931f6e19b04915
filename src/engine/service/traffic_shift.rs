//! BLUE_GREEN, LINEAR and CANARY deployments (reference 8.7): the green revision is scaled to
//! full size beside blue, test traffic then production traffic move to it by the strategy's
//! steps and bakes, lifecycle hooks run at their stages, and after the final bake blue is
//! stopped. A failure at any stage (a hook returning FAILED, a deployment alarm, the circuit
//! breaker) moves production traffic back to blue and stops green (`traffic_shift_tasks`, with
//! the scheduler pass). The stage order and the traffic schedule are `policy::deployment`'s;
//! this file walks them.

use rand::RngExt;

use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::StopReason;
use crate::policy::deployment::{
    FULL_WEIGHT_PERMILLE, ShiftStep, StageEnd, next_stage, production_shift_steps, stage_end, stage_table,
};
use crate::sim::{ServiceIdx, SimDuration};
use crate::spec::{DeploymentStrategy, LifecycleStage};
use crate::trace::{EventDetail, EventKind, FailureCause, HookCause, SinkError, StrategyCause, TraceSink};

/// What the current stage waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::engine) enum ShiftWait {
    /// `n` lifecycle hook invocations to return.
    Hooks(u32),
    /// A bake (a traffic step's, or BAKE_TIME) to end.
    Bake,
    /// Every green task to be healthy (SCALE_UP).
    GreenHealthy,
    /// Every blue task to stop (CLEAN_UP).
    BlueStopped,
}

/// The part of a deployment in progress that only traffic-shifting strategies have.
#[derive(Clone, Debug)]
pub(in crate::engine) struct ShiftRun {
    /// The strategy and its settings.
    pub strategy: DeploymentStrategy,
    /// The stages this deployment goes through, in order.
    pub stages: Vec<LifecycleStage>,
    /// The current stage.
    pub stage: LifecycleStage,
    /// What the current stage waits for.
    pub wait: ShiftWait,
    /// The production traffic steps; `step` of them are applied.
    pub steps: Vec<ShiftStep>,
    /// Steps applied so far.
    pub step: usize,
    /// Green's share of production traffic, tenths of a percent.
    pub green_permille: u32,
    /// Test traffic reaches green (after TEST_TRAFFIC_SHIFT).
    pub test_on_green: bool,
    /// The revision blue runs.
    pub blue_revision: usize,
    /// `bakeTimeInMinutes` (or `behavior.deployments.bakeTimeWhenUnset`).
    pub bake_time: SimDuration,
    /// Bumped whenever a timer is set: an older `DeploymentTimer` is stale.
    pub timer: u32,
}

impl World<'_> {
    /// A new deployment of a traffic-shifting strategy: its stages from the first.
    pub(in crate::engine) fn start_traffic_shift(
        &mut self,
        service: ServiceIdx,
        blue_revision: usize,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let config = &self.services[service].deployment_config;
        let strategy = config.strategy;
        let bake_time = config
            .bake_time
            .unwrap_or(self.spec.behavior.deployment.bake_time_when_unset);
        let several_revisions = self.blue_revision_count(service) > 1;
        let stages = stage_table(&strategy, several_revisions);
        let run = self.services[service]
            .deployment
            .as_mut()
            .expect("a deployment is in progress");
        run.shift = Some(Box::new(ShiftRun {
            strategy,
            stage: stages[0],
            stages,
            wait: ShiftWait::Hooks(0),
            steps: production_shift_steps(&strategy),
            step: 0,
            green_permille: 0,
            test_on_green: false,
            blue_revision,
            bake_time,
            timer: 0,
        }));
        self.enter_stage(service, sink)
    }

    /// Revisions among the service's tasks that are not stopping (RECONCILE_SERVICE runs only
    /// when there is more than one).
    fn blue_revision_count(&self, service: ServiceIdx) -> usize {
        let mut revisions: Vec<usize> = self.services[service]
            .tasks
            .iter()
            .map(|id| &self.tasks[id])
            .filter(|t| t.state.is_starting_or_running())
            .map(|t| t.task_definition)
            .collect();
        revisions.sort_unstable();
        revisions.dedup();
        revisions.len()
    }

    pub(super) fn shift(&self, service: ServiceIdx) -> Option<&ShiftRun> {
        self.services[service].deployment.as_ref()?.shift.as_deref()
    }

    pub(super) fn shift_mut(&mut self, service: ServiceIdx) -> &mut ShiftRun {
        self.services[service]
            .deployment
            .as_mut()
            .and_then(|d| d.shift.as_deref_mut())
            .expect("a traffic-shifting deployment is in progress")
    }

    /// Green's share of production traffic now, tenths of a percent; `None` without a
    /// traffic-shifting deployment in progress.
    pub(in crate::engine) fn green_weight(&self, service: ServiceIdx) -> Option<(usize, u32)> {
        let run = self.services[service].deployment.as_ref()?;
        run.shift.as_ref().map(|s| (run.revision, s.green_permille))
    }

    /// `new_revision_weight_pct` of `services.csv`: the listener rule's weight during a
    /// traffic-shifting deployment, else the newest revision's share of the healthy tasks.
    pub(in crate::engine) fn new_revision_weight_pct(&self, service: ServiceIdx) -> f64 {
        if let Some((_, permille)) = self.green_weight(service) {
            return f64::from(permille) / 10.0;
        }
        let s = &self.services[service];
        let newest = s
            .revisions
            .healthy_by_revision()
            .find(|(r, _)| *r == s.task_definition)
            .map_or(0, |(_, n)| n);
        match s.healthy {
            0 => 0.0,
            h => f64::from(newest) * 100.0 / f64::from(h),
        }
    }

    /// The current stage starts: its event row, then what it does and waits for.
    fn enter_stage(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let (stage, number) = {
            let run = self.services[service].deployment.as_ref().expect("in progress");
            (self.shift(service).expect("shifting").stage, run.number)
        };
        let name = self.spec.services[service].name.clone();
        let strategy = match self.shift(service).expect("shifting").strategy {
            DeploymentStrategy::Linear { .. } => StrategyCause::Linear,
            DeploymentStrategy::Canary { .. } => StrategyCause::Canary,
            _ => StrategyCause::BlueGreen,
        };
        self.log_detail(
            sink,
            EventKind::DeploymentStage,
            name.clone(),
            format!(
                "(service {name}) deployment ecs-svc/{number}: lifecycle stage {}.",
                stage.as_str()
            ),
            EventDetail::Stage {
                strategy,
                stage: stage.as_str().to_string(),
            },
        )?;
        match stage_end(stage) {
            StageEnd::GreenHealthy => {
                self.shift_mut(service).wait = ShiftWait::GreenHealthy;
                self.request_reconcile(service);
                Ok(())
            }
            StageEnd::TrafficSteps => self.apply_traffic_step(service, sink),
            StageEnd::BakeTime => {
                let bake = self.shift(service).expect("shifting").bake_time;
                self.wait_for_bake(service, bake, sink)
            }
            StageEnd::BlueStopped => {
                self.shift_mut(service).wait = ShiftWait::BlueStopped;
                let blue = self.tasks_of_other_deployments(service);
                for id in &blue {
                    self.stop_task(*id, StopReason::Deployment, sink)?;
                }
                self.log_task_list(service, "stopped", &blue, sink)?;
                self.request_reconcile(service);
                Ok(())
            }
            StageEnd::Hooks => {
                if stage == LifecycleStage::TestTrafficShift {
                    self.shift_mut(service).test_on_green = true;
                    self.log_traffic(service, "test", sink)?;
                }
                self.run_hooks(service, sink)
            }
        }
    }

    /// The lifecycle hooks of the current stage start; with none, the stage's work goes on.
    fn run_hooks(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let stage = self.shift(service).expect("shifting").stage;
        let hooks = self.services[service]
            .deployment_config
            .lifecycle_hooks
            .iter()
            .filter(|h| h.stages.contains(&stage))
            .count() as u32;
        if hooks == 0 {
            return self.hooks_succeeded(service, sink);
        }
        let run = self.shift_mut(service);
        run.wait = ShiftWait::Hooks(hooks);
        run.timer += 1;
        let generation = run.timer;
        let duration = self.spec.behavior.deployment.lifecycle_hook_duration;
        let deployment = self.services[service].deployment_number;
        self.schedule_in(
            duration,
            Event::DeploymentTimer {
                service,
                deployment,
                generation,
            },
        );
        Ok(())
    }

    /// Waits `bake` before the stage goes on (at once when it is zero).
    fn wait_for_bake(
        &mut self,
        service: ServiceIdx,
        bake: SimDuration,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        if bake == SimDuration::ZERO {
            return self.bake_ended(service, sink);
        }
        let run = self.shift_mut(service);
        run.wait = ShiftWait::Bake;
        run.timer += 1;
        let generation = run.timer;
        let deployment = self.services[service].deployment_number;
        self.schedule_in(
            bake,
            Event::DeploymentTimer {
                service,
                deployment,
                generation,
            },
        );
        Ok(())
    }

    /// A stage's hooks returned, or a bake ended (a timer of an earlier deployment, or of an
    /// earlier wait of this one, is stale and dropped).
    pub fn on_deployment_timer(
        &mut self,
        service: ServiceIdx,
        deployment: u32,
        generation: u32,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let Some(run) = self.shift(service) else { return Ok(()) };
        if run.timer != generation || self.services[service].deployment_number != deployment {
            return Ok(());
        }
        match run.wait {
            ShiftWait::Hooks(n) => self.hooks_returned(service, n, sink),
            ShiftWait::Bake => self.bake_ended(service, sink),
            ShiftWait::GreenHealthy | ShiftWait::BlueStopped => Ok(()),
        }
    }

    /// The stage's `n` hook invocations return: each FAILED with the behavior's probability;
    /// one failure rolls the deployment back (AWS: FAILED rolls back to the last successful
    /// revision).
    fn hooks_returned(&mut self, service: ServiceIdx, n: u32, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let stage = self.shift(service).expect("shifting").stage;
        let p = self.spec.behavior.deployment.lifecycle_hook_failure_probability;
        let targets: Vec<String> = self.services[service]
            .deployment_config
            .lifecycle_hooks
            .iter()
            .filter(|h| h.stages.contains(&stage))
            .map(|h| h.hook_target_arn.clone())
            .take(n as usize)
            .collect();
        let name = self.spec.services[service].name.clone();
        let took = self.spec.behavior.deployment.lifecycle_hook_duration;
        let mut failed = None;
        for target in targets {
            let fails = p > 0.0 && self.services[service].hook_rng.random::<f64>() < p;
            let status = if fails { HookCause::Failed } else { HookCause::Succeeded };
            self.log_detail(
                sink,
                EventKind::LifecycleHook,
                name.clone(),
                format!(
                    "(service {name}) lifecycle hook {target} at {} returned hookStatus {status} after {took}.",
                    stage.as_str()
                ),
                EventDetail::Hook {
                    status,
                    target: target.clone(),
                },
            )?;
            if fails && failed.is_none() {
                failed = Some(target);
            }
        }
        match failed {
            Some(target) => {
                let reason = format!("lifecycle hook {target} returned FAILED at {}", stage.as_str());
                let cause = EventDetail::DeploymentFailed {
                    cause: FailureCause::LifecycleHook,
                    name: target,
                };
                self.fail_traffic_shift(service, &reason, cause, true, sink)
            }
            None => self.hooks_succeeded(service, sink),
        }
    }

    /// The stage's hooks succeeded (or it has none): PRODUCTION_TRAFFIC_SHIFT bakes after its
    /// step; the other stages are done.
    fn hooks_succeeded(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let run = self.shift(service).expect("shifting");
        if run.stage == LifecycleStage::ProductionTrafficShift {
            let bake = run.steps[run.step - 1].bake_after;
            return self.wait_for_bake(service, bake, sink);
        }
        self.stage_done(service, sink)
    }

    /// A bake ended: the next traffic step, or (BAKE_TIME) the next stage.
    fn bake_ended(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let run = self.shift(service).expect("shifting");
        if run.stage == LifecycleStage::ProductionTrafficShift && run.step < run.steps.len() {
            return self.apply_traffic_step(service, sink);
        }
        self.stage_done(service, sink)
    }

    /// The next production traffic step: green gets its weight, then the stage's hooks run.
    fn apply_traffic_step(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let run = self.shift_mut(service);
        let Some(step) = run.steps.get(run.step).copied() else {
            return self.stage_done(service, sink);
        };
        run.step += 1;
        run.green_permille = step.green_permille;
        self.log_traffic(service, "production", sink)?;
        self.run_hooks(service, sink)
    }

    /// The current stage is over: the next one starts.
    pub(super) fn stage_done(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let run = self.shift(service).expect("shifting");
        match next_stage(&run.stages, run.stage) {
            Some(next) => {
                self.shift_mut(service).stage = next;
                self.enter_stage(service, sink)
            }
            None => Ok(()),
        }
    }

    /// A `traffic_shifted` row: where production (or test) traffic goes now.
    pub(super) fn log_traffic(
        &self,
        service: ServiceIdx,
        which: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let run = self.services[service].deployment.as_ref().expect("in progress");
        let shift = run.shift.as_deref().expect("shifting");
        let name = &self.spec.services[service].name;
        let green = match which {
            "test" => u32::from(shift.test_on_green) * FULL_WEIGHT_PERMILLE,
            _ => shift.green_permille,
        };
        let blue = FULL_WEIGHT_PERMILLE - green;
        let step = match (which, shift.steps.len()) {
            ("production", n) if n > 1 && green > 0 => format!(" (step {} of {n})", shift.step),
            _ => String::new(),
        };
        self.log(
            sink,
            EventKind::TrafficShifted,
            name.clone(),
            format!(
                "(service {name}) deployment ecs-svc/{}: {which} traffic {} {}, {} {}{step}.",
                run.number,
                self.tasks.labels[shift.blue_revision],
                percent(blue),
                self.tasks.labels[run.revision],
                percent(green),
            ),
        )
    }
}

/// Tenths of a percent as `12.5 %`, or `20 %` when whole.
fn percent(permille: u32) -> String {
    match permille % 10 {
        0 => format!("{} %", permille / 10),
        r => format!("{}.{r} %", permille / 10),
    }
}
