//! Timeline entries of the scenario: operator actions and injected faults.

use super::world::World;
use crate::model::InstanceId;
use crate::spec::{InstanceSelector, TimelineAction};
use crate::trace::{EventKind, SinkError, TraceSink};

impl World<'_> {
    /// Applies timeline entry `index`.
    pub fn on_timeline(&mut self, index: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        match self.spec.timeline[index].action.clone() {
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
            TimelineAction::FailInstances(selector) => {
                let victims = self.select_instances(&selector);
                if let InstanceSelector::AvailabilityZone(az) = selector {
                    self.impaired_zones[az] = true;
                }
                let what = match &selector {
                    InstanceSelector::AvailabilityZone(az) => {
                        format!("Availability Zone {} fails", self.spec.availability_zones[*az])
                    }
                    InstanceSelector::Count {
                        capacity_provider,
                        count,
                    } => {
                        format!(
                            "{count} instance(s) of {} fail",
                            self.spec.capacity_providers[*capacity_provider].name
                        )
                    }
                };
                self.log(
                    sink,
                    EventKind::Fault,
                    "cluster",
                    format!("{what}: {} instance(s) terminated.", victims.len()),
                )?;
                for id in victims {
                    self.terminate_instance(id, "instance failure injected by the scenario", sink)?;
                }
                Ok(())
            }
        }
    }

    fn select_instances(&self, selector: &InstanceSelector) -> Vec<InstanceId> {
        let live = self.groups.iter().flat_map(|g| g.live.iter().copied());
        match selector {
            InstanceSelector::AvailabilityZone(az) => live
                .filter(|i| self.instances[i.0 as usize].availability_zone == *az)
                .collect(),
            InstanceSelector::Count {
                capacity_provider,
                count,
            } => self
                .instances_of_provider(*capacity_provider)
                .take(*count as usize)
                .collect(),
        }
    }
}
