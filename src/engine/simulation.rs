//! One run as a value: build it, step it event by event, look at it, finish it. `run` is this
//! loop to the end; a test or a sweep can stop anywhere in between.

use super::run::{EngineError, dispatch, finish, initialise};
use super::world::World;
use crate::model::{InstanceState, TaskState};
use crate::sim::SimTime;
use crate::spec::Spec;
use crate::trace::{EventKind, RunTotals, TraceSink};
use crate::workload::requests::ExactTotals;

/// Records a run holds at one moment (see `Simulation::retained`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetainedRecords {
    /// Instances launched since the start of the run.
    pub instances_launched: u64,
    /// Instances not terminated.
    pub live_instances: usize,
    /// Instance records held, live or free for reuse.
    pub instance_slots: usize,
    /// Instances in the placement index.
    pub indexed_instances: usize,
    /// Tasks created since the start of the run.
    pub tasks_started: u64,
    /// Tasks not stopped (the only ones held).
    pub live_tasks: usize,
}

/// A run in progress: the world at `now()` and the sink its records go to.
pub struct Simulation<'s, 'k> {
    world: World<'s>,
    sink: &'k mut dyn TraceSink,
    events: u64,
    check_invariants: bool,
}

/// What one service looks like at a point of a run (the columns of a `services.csv` row that
/// are counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceView {
    /// desiredCount.
    pub desired: u32,
    /// RUNNING tasks.
    pub running: u32,
    /// Tasks PROVISIONING, PENDING or ACTIVATING.
    pub starting: u32,
    /// RUNNING tasks that count as healthy.
    pub healthy: u32,
}

impl<'s, 'k> Simulation<'s, 'k> {
    /// The world of `spec` at time zero, its start already written to `sink`. With
    /// `check_invariants`, every step checks the world's invariants (tests; slower).
    pub fn new(
        spec: &'s Spec,
        sink: &'k mut dyn TraceSink,
        check_invariants: bool,
    ) -> Result<Simulation<'s, 'k>, EngineError> {
        let mut world = World::new(spec);
        world.log(
            sink,
            EventKind::Run,
            "run",
            format!("Simulation of \"{}\" started (seed {}).", spec.name, spec.seed),
        )?;
        initialise(&mut world, sink)?;
        Ok(Simulation {
            world,
            sink,
            events: 0,
            check_invariants,
        })
    }

    /// Simulated time reached.
    pub fn now(&self) -> SimTime {
        self.world.now
    }

    /// Events handled so far.
    pub fn events_processed(&self) -> u64 {
        self.events
    }

    /// Handles the next event; `false` when none is left before the end of the run.
    pub fn step(&mut self) -> Result<bool, EngineError> {
        let world = &mut self.world;
        match world.queue.peek_time() {
            Some(time) if time <= world.end => {}
            _ => return Ok(false),
        }
        let (time, event) = world.queue.pop().expect("peeked");
        world.now = time;
        self.events += 1;
        if self.events > world.spec.behavior.max_events {
            return Err(EngineError::EventBudgetExceeded {
                events: self.events - 1,
                at: time,
            });
        }
        dispatch(world, event, self.sink)?;
        if self.check_invariants {
            world.check_invariants();
        }
        Ok(true)
    }

    /// Handles every event up to and including `time` (or the end of the run, if sooner).
    pub fn run_until(&mut self, time: SimTime) -> Result<(), EngineError> {
        while self.world.queue.peek_time().is_some_and(|t| t <= time) {
            if !self.step()? {
                break;
            }
        }
        Ok(())
    }

    /// The service named `name` now; `None` if the scenario has no such service.
    pub fn service(&self, name: &str) -> Option<ServiceView> {
        let index = self.world.spec.services.iter().position(|s| s.name == name)?;
        let s = &self.world.services[index];
        Some(ServiceView {
            desired: s.desired,
            running: s.counts[TaskState::Running.index()],
            starting: s.starting_count(),
            healthy: s.healthy,
        })
    }

    /// The request counts so far of service `name` in exact mode (`load.<service>.model:
    /// requests`); `None` for any other service. Counts reach the last change of demand or
    /// tasks, or the last trace tick.
    pub fn exact_requests(&self, name: &str) -> Option<ExactTotals> {
        let index = self.world.spec.services.iter().position(|s| s.name == name)?;
        Some(self.world.services[index].requests.as_ref()?.exact()?.totals())
    }

    /// Container instances registered and ACTIVE now.
    pub fn active_instances(&self) -> usize {
        self.world
            .capacity
            .instances
            .iter()
            .filter(|i| i.state == InstanceState::Active)
            .count()
    }

    /// How many records the run holds now, to show that memory follows what is alive, not how
    /// many instances and tasks the run has launched.
    pub fn retained(&self) -> RetainedRecords {
        let w = &self.world;
        RetainedRecords {
            instances_launched: u64::from(w.capacity.instances.next_id().0),
            live_instances: w.capacity.instances.len(),
            instance_slots: w.capacity.instances.slots_held(),
            indexed_instances: w.capacity.free_capacity.len(),
            tasks_started: w.tasks.started,
            live_tasks: w.tasks.len(),
        }
    }

    /// Runs to the end of the run, writes the last rows and returns the run's totals.
    pub fn finish(mut self) -> Result<RunTotals, EngineError> {
        while self.step()? {}
        self.world.now = self.world.end;
        finish(&mut self.world, self.events, self.sink)
    }
}
