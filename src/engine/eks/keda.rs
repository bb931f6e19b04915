//! KEDA's scale loop for each ScaledObject: every `pollingInterval` it reads the trigger's
//! queue, remembers when it was last active, takes a Deployment at zero to one pod when it is
//! active and to zero after the cooldown when it is not (`policy::k8s::keda`); the HPA KEDA
//! created scales between one and the maximum. With `useCachedMetrics` the poll's value is
//! also what the HPA reads until the next poll.

use super::EksEvent;
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::policy::k8s::keda::{self, KedaAction, KedaMemory, KedaSettings};
use crate::sim::SimTime;
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

/// What KEDA remembers of one ScaledObject.
#[derive(Clone, Debug, Default)]
pub(crate) struct KedaRuntime {
    /// `status.lastActiveTime`.
    memory: KedaMemory,
    /// The last poll's value in milli-units (KEDA's metric cache for `useCachedMetrics`).
    pub cached_milli: Option<u64>,
    /// Whether the last poll reported the target cooling down (logged once per cooldown).
    cooling: bool,
}

impl World<'_> {
    /// One poll of ScaledObject `index`.
    pub(super) fn on_keda_poll(&mut self, index: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let so = &self.spec.eks.scaled_objects[index];
        self.accumulate_eks_load(so.queue_deployment);
        let value = self.queue_attributes_sum(so.queue_deployment, &so.attributes);
        let settings = KedaSettings {
            min_replica_count: so.min_replica_count,
            cooldown_period: so.cooldown_period,
            initial_cooldown_period: so.initial_cooldown_period,
            activation_threshold: so.activation_queue_length,
        };
        let deployment = so.deployment;
        let from = self.eks.deployments[deployment].replicas;
        let runtime = &mut self.eks.keda[index];
        runtime.cached_milli = Some(value.saturating_mul(1000));
        let last_active = runtime.memory.last_active;
        let action = keda::poll(&settings, &mut runtime.memory, value, from, SimTime::ZERO, self.now);
        let was_cooling = std::mem::replace(&mut runtime.cooling, action == KedaAction::CoolingDown);
        let so = &self.spec.eks.scaled_objects[index];
        let dep = &self.spec.eks.deployments[deployment];
        let target = format!("apps/v1.Deployment {}/{}", dep.namespace, dep.name);
        let counted = format!("{value} messages, activationQueueLength {}", so.activation_queue_length);
        let (to, message) = match action {
            KedaAction::Activate(to) => (
                to,
                format!("KEDAScaleTargetActivated: Scaled {target} from {from} to {to} ({counted})"),
            ),
            KedaAction::Deactivate => (
                0,
                format!(
                    "KEDAScaleTargetDeactivated: Deactivated {target} from {from} to 0 ({counted}; {})",
                    match last_active {
                        Some(t) => format!(
                            "last active at {} s, cooldownPeriod {} s",
                            t.0 / 1000,
                            so.cooldown_period.as_millis() / 1000
                        ),
                        None => "never active since the ScaledObject was created".to_string(),
                    }
                ),
            ),
            KedaAction::ToMinimum(to) => (to, format!("Scaled {target} from {from} to minReplicaCount {to}")),
            KedaAction::CoolingDown | KedaAction::None => {
                if action == KedaAction::CoolingDown && !was_cooling {
                    let message = format!(
                        "KEDA ScaledObject {}: trigger inactive ({counted}): {target} scales to 0 once cooldownPeriod {} s has passed since it was last active.",
                        so.name,
                        so.cooldown_period.as_millis() / 1000
                    );
                    self.log(sink, EventKind::NotScaled, dep.name.clone(), message)?;
                }
                return self.schedule_keda_poll(index);
            }
        };
        self.eks.deployments[deployment].replicas = to;
        self.request_sync(deployment);
        let so = &self.spec.eks.scaled_objects[index];
        let message = format!("KEDA ScaledObject {}: {message}.", so.name);
        let detail = EventDetail::DesiredChange {
            from,
            to,
            cause: DesiredCause::Keda,
            name: so.name.clone(),
        };
        let name = self.spec.eks.deployments[deployment].name.clone();
        self.log_detail(sink, EventKind::ScalingActivity, name, message, detail)?;
        self.schedule_keda_poll(index)
    }

    fn schedule_keda_poll(&mut self, index: usize) -> Result<(), SinkError> {
        let next = self.now + self.spec.eks.scaled_objects[index].polling_interval;
        if next < self.end {
            self.queue
                .push(next, Event::Eks(EksEvent::KedaPoll { scaled_object: index }));
        }
        Ok(())
    }
}
