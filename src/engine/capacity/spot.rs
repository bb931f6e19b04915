//! Spot capacity being reclaimed (reference 6.8, case 42): FARGATE_SPOT task interruptions, drawn
//! as a seeded random process or injected in bursts, and EC2 Spot Instance interruption notices.
//!
//! The process gives every RUNNING FARGATE_SPOT task an exponential time to interruption at
//! `behavior.fargateSpot.interruptionsPerTaskHour` (one draw from the `fargate-spot-interruptions`
//! stream when the task reaches RUNNING; no timer is queued when the draw falls after the end of
//! the run). Over the population this is a Poisson process at rate x RUNNING tasks, it costs O(1)
//! per task, and a task that stops first leaves a stale timer that its generation drops.

use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::{InstanceId, InstanceState, StopReason, TaskId, TaskState};
use crate::sim::SimDuration;
use crate::spec::CapacityProviderKind;
use crate::trace::{EventKind, SinkError, TraceSink};
use crate::workload::exponential_ms;

/// EC2 and Fargate give two minutes' notice before reclaiming Spot capacity.
pub(in crate::engine) const SPOT_NOTICE_MS: u64 = 120_000;
const MS_PER_HOUR: f64 = 3_600_000.0;

impl World<'_> {
    /// Draws the interruption of a FARGATE_SPOT task that just reached RUNNING.
    pub fn arm_spot_interruption(&mut self, id: TaskId) {
        let rate = self.spec.behavior.fargate_spot.interruptions_per_task_hour;
        let task = &self.tasks[&id];
        let on_spot = self.spec.capacity_providers[task.capacity_provider].kind == CapacityProviderKind::FargateSpot;
        if rate <= 0.0 || !on_spot {
            return;
        }
        let generation = task.generation;
        let delay = exponential_ms(MS_PER_HOUR / rate, &mut self.faults.spot_process_rng);
        let delay = SimDuration::from_millis(delay);
        if self.now + delay <= self.end {
            self.schedule_in(delay, Event::SpotTaskInterruption { task: id, generation });
        }
    }

    /// A FARGATE_SPOT task gets its interruption (case 42): the task state change event with
    /// stopCode `TerminationNotice`, SIGTERM at once, SIGKILL after its stop time capped by
    /// `stopTimeout`; the service scheduler starts a replacement as the strategy says; the
    /// capacity is gone two minutes after the notice at the latest.
    pub fn interrupt_spot_task(&mut self, id: TaskId, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let Some(task) = self.tasks.get(&id) else {
            return Ok(());
        };
        if !task.state.is_starting_or_running() {
            return Ok(());
        }
        let (service, provider, td) = (task.service, task.capacity_provider, task.task_definition);
        self.faults.spot_interruptions_per_service[service] += 1;
        self.faults.spot_interruptions_per_provider[provider] += 1;
        let timeout = self.spec.task_definitions[td].stop_timeout_ms() / 1000;
        let name = self.spec.services[service].name.clone();
        self.log(
            sink,
            EventKind::SpotInterruption,
            name.clone(),
            format!(
                "(service {name}) task {} on {}: stopCode TerminationNotice, \"Your Spot Task was interrupted.\" SIGTERM sent; SIGKILL after stopTimeout {timeout}s.",
                World::task_label(id),
                self.spec.capacity_providers[provider].name
            ),
        )?;
        self.stop_task(id, StopReason::SpotInterruption, sink)?;
        // SIGTERM goes out with the notice: no pre-stop work delays it.
        if self.tasks.get(&id).is_some_and(|t| t.state == TaskState::Deactivating) {
            self.transition(id, TaskState::Stopping, sink)?;
        }
        if self.tasks.contains_key(&id) {
            self.schedule_in(
                SimDuration::from_millis(SPOT_NOTICE_MS),
                Event::SpotTaskReclaimed { task: id },
            );
        }
        self.request_reconcile(service);
        Ok(())
    }

    /// Two minutes after the notice the task's capacity is reclaimed, whatever it is doing.
    pub fn reclaim_spot_task(&mut self, id: TaskId, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        match self.tasks.get(&id) {
            Some(t) if t.stop_reason == Some(StopReason::SpotInterruption) => {
                self.abort_task(id, StopReason::SpotInterruption, sink)
            }
            _ => Ok(()),
        }
    }

    /// An EC2 Spot Instance gets its two-minute interruption notice. With the agent's
    /// `ECS_ENABLE_SPOT_INSTANCE_DRAINING` (`behavior.instances.enableSpotInstanceDraining`) it
    /// drains at once; two minutes later EC2 terminates it and its group launches a replacement.
    pub fn interrupt_spot_instance(&mut self, id: InstanceId, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        // A terminated instance is gone (and forgotten).
        let Some(inst) = self.capacity.instances.get(id) else {
            return Ok(());
        };
        if !self.faults.spot_notices.insert(id) {
            return Ok(());
        }
        let provider = inst.capacity_provider;
        if let Some(provider) = provider {
            self.faults.spot_interruptions_per_provider[provider] += 1;
        }
        let name = inst.ec2_instance_id.clone();
        let drains = self.spec.behavior.instances.spot_instance_draining && inst.state == InstanceState::Active;
        let then = if drains {
            "ECS_ENABLE_SPOT_INSTANCE_DRAINING is on: the instance drains now"
        } else {
            "ECS_ENABLE_SPOT_INSTANCE_DRAINING is off: its tasks run until the instance is terminated"
        };
        self.log(
            sink,
            EventKind::SpotInterruption,
            name.clone(),
            format!("EC2 Spot Instance interruption notice for {name}: terminated in 2 minutes; {then}."),
        )?;
        if drains {
            self.drain_instance(id, "EC2 Spot interruption notice", false, sink)?;
        }
        self.schedule_in(
            SimDuration::from_millis(SPOT_NOTICE_MS),
            Event::SpotInstanceReclaimed { instance: id },
        );
        Ok(())
    }
}
