//! Timeline entries of the scenario: operator actions, and injected faults (see `faults`).

use crate::engine::world::World;
use crate::sim::ServiceIdx;
use crate::spec::TimelineAction;
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

impl World<'_> {
    /// Applies timeline entry `index`.
    pub fn on_timeline(&mut self, index: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        match self.spec.timeline[index].action.clone() {
            TimelineAction::UpdateServiceDeployment {
                service,
                task_definition,
                force_new_deployment,
                desired_count,
                deployment_configuration,
            } => {
                if let Some(config) = deployment_configuration {
                    self.services[service].deployment_config = config;
                }
                let running = self.services[service].task_definition;
                let revision = task_definition.unwrap_or(running);
                if revision == running && !force_new_deployment {
                    return self.update_without_deployment(service, revision, desired_count, sink);
                }
                self.start_deployment(service, revision, desired_count, false, sink)
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
                self.update_desired_count(service, desired_count, sink)
            }
            TimelineAction::FailInstances(selector) => {
                if self.selector_reaches_ecs(&selector) {
                    self.fail_instances(&selector, sink)?;
                }
                if selector.is_whole_zone() {
                    self.eks_zone_failed();
                }
                if self.eks.is_active() && selector.may_pick_nodes() {
                    self.eks_fail_nodes(&selector, sink)?;
                }
                Ok(())
            }
            TimelineAction::DrainInstances(selector) => {
                if self.selector_reaches_ecs(&selector) {
                    self.drain_instances(&selector, sink)?;
                }
                if self.eks.is_active() && selector.may_pick_nodes() {
                    self.eks_drain_nodes(&selector, sink)?;
                }
                Ok(())
            }
            TimelineAction::AzOutage {
                availability_zone,
                duration,
            } => {
                self.start_zone_outage(availability_zone, duration, sink)?;
                if self.eks.is_active() {
                    self.eks_zone_outage(availability_zone, duration, sink)?;
                }
                Ok(())
            }
            TimelineAction::SpotInterruption(burst) => self.spot_interruption_burst(index, &burst, sink),
            TimelineAction::EksSpotInterruption(burst) => self.eks_spot_interruption_burst(index, &burst, sink),
            TimelineAction::UpdateTaskProtection {
                service,
                count,
                protection_enabled,
                expires_in,
            } => self.update_task_protection(service, count, protection_enabled, expires_in, sink),
            TimelineAction::UpdateDeployment {
                deployment,
                revision,
                replicas,
            } => self.eks_update_deployment(deployment, revision, replicas, sink),
            TimelineAction::RolloutUndo {
                deployment,
                to_revision,
            } => self.eks_rollout_undo(deployment, to_revision, sink),
            TimelineAction::RolloutPause { deployment } => self.eks_rollout_pause(deployment, true, sink),
            TimelineAction::RolloutResume { deployment } => self.eks_rollout_pause(deployment, false, sink),
        }
    }

    /// Whether a selector's action reaches ECS container instances: it names no EKS node and
    /// the scenario has ECS capacity or tasks (a whole zone always counts: its failure impairs
    /// the zone for both).
    fn selector_reaches_ecs(&self, selector: &crate::spec::InstanceSelector) -> bool {
        let ecs = !self.spec.auto_scaling_groups.is_empty() || !self.spec.services.is_empty();
        selector.may_pick_instances() && (ecs || selector.is_whole_zone() || !self.eks.is_active())
    }

    /// `UpdateService` with a new desiredCount.
    fn update_desired_count(
        &mut self,
        service: ServiceIdx,
        desired_count: u32,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let name = self.spec.services[service].name.clone();
        let before = self.services[service].desired;
        self.services[service].desired = desired_count;
        self.log_detail(
            sink,
            EventKind::ServiceUpdate,
            name,
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

    /// `UpdateService` naming the revision the service already runs, without
    /// forceNewDeployment: ECS starts a deployment only for a new revision or when forced, so
    /// none starts (the tasks keep running); a desiredCount in the same call still applies.
    fn update_without_deployment(
        &mut self,
        service: ServiceIdx,
        revision: usize,
        desired_count: Option<u32>,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let name = self.spec.services[service].name.clone();
        let number = self.services[service].deployment_number;
        self.log(
            sink,
            EventKind::DeploymentNotStarted,
            name,
            format!(
                "UpdateService: {} is the revision the service already runs (deployment ecs-svc/{number}) and forceNewDeployment is not set: no deployment starts, as in ECS. forceNewDeployment: true would replace its tasks.",
                self.tasks.labels[revision]
            ),
        )?;
        match desired_count {
            Some(n) => self.update_desired_count(service, n, sink),
            None => {
                self.request_reconcile(service);
                Ok(())
            }
        }
    }
}
