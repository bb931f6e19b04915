//! Timeline entries of the scenario: operator actions, and injected faults (see `faults`).

use super::world::World;
use crate::spec::TimelineAction;
use crate::trace::{EventKind, SinkError, TraceSink};

impl World<'_> {
    /// Applies timeline entry `index`.
    pub fn on_timeline(&mut self, index: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        match self.spec.timeline[index].action.clone() {
            TimelineAction::UpdateServiceDeployment {
                service,
                task_definition,
                desired_count,
            } => self.start_deployment(service, task_definition, desired_count, false, sink),
            TimelineAction::UpdateServiceDesiredCount { service, desired_count } => {
                let name = self.spec.services[service].name.clone();
                let before = self.services[service].desired;
                self.services[service].desired = desired_count;
                self.log(
                    sink,
                    EventKind::ServiceUpdate,
                    name.clone(),
                    format!("UpdateService: desiredCount {before} -> {desired_count}."),
                )?;
                self.request_reconcile(service);
                Ok(())
            }
            TimelineAction::FailInstances(selector) => self.fail_instances(&selector, sink),
            TimelineAction::DrainInstances(selector) => self.drain_instances(&selector, sink),
            TimelineAction::AzOutage {
                availability_zone,
                duration,
            } => self.start_zone_outage(availability_zone, duration, sink),
            TimelineAction::SpotInterruption(burst) => self.spot_interruption_burst(&burst, sink),
            TimelineAction::UpdateTaskProtection {
                service,
                count,
                protection_enabled,
                expires_in,
            } => self.update_task_protection(service, count, protection_enabled, expires_in, sink),
        }
    }
}
