//! Timeline entries of the scenario: operator actions, and injected faults (see `faults`).

use crate::engine::world::World;
use crate::spec::TimelineAction;
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

impl World<'_> {
    /// Applies timeline entry `index`.
    pub fn on_timeline(&mut self, index: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        match self.spec.timeline[index].action.clone() {
            TimelineAction::UpdateServiceDeployment {
                service,
                task_definition,
                desired_count,
                deployment_configuration,
            } => {
                if let Some(config) = deployment_configuration {
                    self.services[service].deployment_config = config;
                }
                self.start_deployment(service, task_definition, desired_count, false, sink)
            }
            TimelineAction::UpdateServiceDeploymentConfiguration {
                service,
                deployment_configuration,
                desired_count,
            } => {
                let c = &deployment_configuration;
                let name = self.spec.services[service].name.clone();
                self.log(
                    sink,
                    EventKind::ServiceUpdate,
                    name,
                    format!(
                        "UpdateService: deploymentConfiguration minimumHealthyPercent {}, maximumPercent {}, circuit breaker {}.",
                        c.minimum_healthy_percent,
                        c.maximum_percent,
                        if c.circuit_breaker.is_some() { "on" } else { "off" }
                    ),
                )?;
                self.services[service].deployment_config = deployment_configuration;
                if let Some(n) = desired_count {
                    self.services[service].desired = n;
                }
                self.request_reconcile(service);
                Ok(())
            }
            TimelineAction::UpdateServiceDesiredCount { service, desired_count } => {
                let name = self.spec.services[service].name.clone();
                let before = self.services[service].desired;
                self.services[service].desired = desired_count;
                self.log_detail(
                    sink,
                    EventKind::ServiceUpdate,
                    name.clone(),
                    format!("UpdateService: desiredCount {before} -> {desired_count}."),
                    EventDetail::DesiredChange {
                        from: before,
                        to: desired_count,
                        cause: DesiredCause::UpdateService,
                        name: String::new(),
                    },
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
