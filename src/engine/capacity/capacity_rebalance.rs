//! EC2 Auto Scaling Capacity Rebalancing (`CapacityRebalance: true` on a group with Spot).
//!
//! EC2 sends an instance rebalance recommendation when a Spot Instance is at elevated risk of
//! interruption, before (or with) the two-minute interruption notice. With Capacity Rebalancing
//! the group launches a replacement and, once the new instance is in service, terminates the
//! at-risk one; near `MaxSize` it cannot launch and does not rebalance
//! (ec2-auto-scaling-capacity-rebalancing.html). ecsim delivers the recommendation
//! `behavior.instances.rebalanceRecommendationLead` (default 10 minutes; AWS gives no figure)
//! before a `spotInterruption` burst on the group's provider: the recommendation picks the
//! instances, the burst later gives the notice to those still there. The at-risk instance leaves
//! like a scale-in victim: with managed draining its tasks move first (`retire_instance`).

use std::collections::BTreeMap;

use crate::engine::world::World;
use crate::model::{InstanceId, InstanceState};
use crate::sim::SimTime;
use crate::spec::{CapacityProviderKind, TimelineAction};
use crate::trace::{EventKind, SinkError, TraceSink};

/// Recommendations delivered and replacements under way.
#[derive(Default)]
pub(in crate::engine) struct Recommendations {
    /// The instances each recommendation picked, by timeline index of its burst.
    pub picked: BTreeMap<usize, Vec<InstanceId>>,
    /// At-risk instances waiting for their replacement to be in service: (group, instance), in
    /// the order of their recommendations.
    pub at_risk: Vec<(usize, InstanceId)>,
}

impl World<'_> {
    /// When the rebalance recommendation ahead of timeline entry `index` arrives: only for a
    /// `spotInterruption` of a group provider whose group has CapacityRebalance.
    pub(in crate::engine) fn rebalance_recommendation_time(&self, index: usize) -> Option<SimTime> {
        let entry = &self.spec.timeline[index];
        let TimelineAction::SpotInterruption(burst) = &entry.action else {
            return None;
        };
        let CapacityProviderKind::AutoScalingGroup(group) = self.spec.capacity_providers[burst.capacity_provider].kind
        else {
            return None;
        };
        let lead = self.spec.behavior.instances.rebalance_recommendation_lead.as_millis();
        self.spec.auto_scaling_groups[group]
            .capacity_rebalance
            .then(|| SimTime(entry.at.0.saturating_sub(lead)))
    }

    /// The recommendation: picks the burst's instances now and launches a replacement for each,
    /// as far as `MaxSize` allows.
    pub(in crate::engine) fn on_rebalance_recommendation(
        &mut self,
        index: usize,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let TimelineAction::SpotInterruption(burst) = self.spec.timeline[index].action.clone() else {
            return Ok(());
        };
        let mut picked = self.pick_spot_instances(&burst);
        picked.sort();
        self.faults.recommendations.picked.insert(index, picked.clone());
        for id in picked {
            let inst = &self.capacity.instances[id];
            let (name, group) = (inst.ec2_instance_id.clone(), inst.auto_scaling_group);
            let spec = &self.spec.auto_scaling_groups[group];
            let state = &mut self.capacity.groups[group];
            let then = if state.desired < spec.max_size {
                state.desired += 1;
                self.faults.recommendations.at_risk.push((group, id));
                "Capacity Rebalancing launches a replacement and terminates it once the new instance is in service"
            } else {
                "the group is at MaxSize: Capacity Rebalancing cannot launch a replacement"
            };
            self.log(
                sink,
                EventKind::SpotInterruption,
                name.clone(),
                format!("EC2 instance rebalance recommendation for {name} (elevated risk of interruption): {then}."),
            )?;
            self.replace_missing_instances(group, sink)?;
        }
        Ok(())
    }

    /// An instance of `group` is in service: the oldest at-risk instance waiting for it leaves
    /// the group (drained first with managed draining).
    pub(in crate::engine) fn retire_at_risk_instance(
        &mut self,
        group: usize,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let waiting = &mut self.faults.recommendations.at_risk;
        let Some(pos) = waiting.iter().position(|(g, _)| *g == group) else {
            return Ok(());
        };
        let (_, id) = waiting.remove(pos);
        let min = self.spec.auto_scaling_groups[group].min_size;
        let state = &mut self.capacity.groups[group];
        state.desired = state.desired.saturating_sub(1).max(min);
        let live = self
            .capacity
            .instances
            .get(id)
            .is_some_and(|i| matches!(i.state, InstanceState::Active | InstanceState::Launching));
        if !live {
            return Ok(());
        }
        let name = self.capacity.instances[id].ec2_instance_id.clone();
        self.log(
            sink,
            EventKind::SpotInterruption,
            name.clone(),
            format!("Capacity Rebalancing: a replacement is in service; terminating at-risk Spot Instance {name}."),
        )?;
        self.retire_instance(id, "Capacity Rebalancing replaced the at-risk Spot Instance", sink)
    }
}
