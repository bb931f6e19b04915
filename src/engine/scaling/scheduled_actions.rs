//! Scheduled actions of Application Auto Scaling in the world: each firing sets a scalable
//! target's bounds and moves desired into them (reference 4.3), then schedules the next one.

use crate::engine::event::Event;
use crate::engine::world::World;
use crate::sim::SimTime;
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

impl World<'_> {
    pub(in crate::engine) fn schedule_scheduled_action(&mut self, index: usize, fire_epoch_ms: Option<i64>) {
        let Some(at) = fire_epoch_ms else { return };
        let t = at - self.spec.start_epoch_ms;
        if t >= 0 && (t as u64) <= self.end.0 {
            self.queue.push(SimTime(t as u64), Event::ScheduledAction { index });
        }
    }

    /// A scheduled action sets the target's bounds and moves desired into them at once, ignoring
    /// cooldowns (reference 4.3, case 17); then the next firing is scheduled.
    pub fn on_scheduled_action(&mut self, index: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let action = &self.spec.auto_scaling.scheduled_actions[index];
        let now_epoch = self.spec.start_epoch_ms + self.now.0 as i64;
        let next = action.schedule.next_after(now_epoch, self.spec.start_epoch_ms);
        self.schedule_scheduled_action(index, next);
        let service = action.service;
        let t = self
            .scaling
            .services
            .target_of(service)
            .expect("validated: scheduled actions have targets");
        let name = self.spec.services[service].name.clone();
        if self.spec.auto_scaling.scalable_targets[t].suspended.scheduled_scaling {
            return self.log(
                sink,
                EventKind::NotScaled,
                name,
                format!("{}: skipped, ScheduledScalingSuspended is true", action.name),
            );
        }
        let target = &mut self.scaling.services.targets[t];
        let (old_min, old_max) = (target.own_min, target.own_max);
        target.own_min = action.min_capacity.unwrap_or(target.own_min);
        target.own_max = action.max_capacity.unwrap_or(target.own_max);
        target.refresh_bounds();
        let (min, max) = (target.own_min, target.own_max);
        let (in_force_min, in_force_max) = (target.min, target.max);
        let desired = self.services[service].desired;
        let new = desired.clamp(in_force_min, in_force_max);
        let bounds = format!("MinCapacity {old_min} -> {min}, MaxCapacity {old_max} -> {max}");
        if new != desired {
            self.set_desired(service, new);
            self.log_detail(
                sink,
                EventKind::ScalingActivity,
                name,
                format!(
                    "{}: scheduled action sets {bounds}; desired {desired} -> {new}",
                    action.name
                ),
                EventDetail::DesiredChange {
                    from: desired,
                    to: new,
                    cause: DesiredCause::ScheduledAction,
                    name: action.name.clone(),
                },
            )
        } else {
            self.log(
                sink,
                EventKind::NotScaled,
                name,
                format!(
                    "{}: scheduled action sets {bounds}; desired {desired} is within them",
                    action.name
                ),
            )
        }
    }
}
