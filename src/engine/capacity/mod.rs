//! Cluster capacity: EC2 instances (launch, registration, termination), which instances an Auto
//! Scaling group terminates on scale-in, faults and Spot interruptions.

pub(super) mod asg_scale_in;
pub(super) mod capacity_rebalance;
pub(super) mod faults;
pub(super) mod instances;
pub(super) mod spot;
pub(super) mod store;
pub(super) mod tally;

use rand_chacha::ChaCha8Rng;

use crate::model::InstanceId;
use crate::policy::placement::FreeCapacityIndex;
use crate::sim::{RngStreams, SimTime};
use crate::spec::Spec;

/// The cluster's EC2 capacity: every container instance the run launched, the Auto Scaling
/// groups, the free-capacity index placement searches, and the zones nothing may launch into.
pub(in crate::engine) struct Capacity {
    /// The instances not yet terminated, by `InstanceId` (ids stay unique: a launch counter).
    pub instances: store::InstanceStore,
    /// Runtime state of each Auto Scaling group, indexed like `Spec::auto_scaling_groups`.
    pub groups: Vec<AutoScalingGroupState>,
    /// ACTIVE instances by free CPU and memory, for placement without a full scan.
    pub free_capacity: FreeCapacityIndex,
    /// Running totals of each group's instances.
    pub tally: tally::FleetTally,
    /// Availability Zones failed by the timeline: nothing new launches there.
    pub impaired_zones: Vec<bool>,
    /// Draws instance launch times (`instance-launch`).
    pub instance_rng: ChaCha8Rng,
}

impl Capacity {
    /// No instances yet; the groups at their configured desired capacity.
    pub fn new(spec: &Spec, streams: &RngStreams) -> Capacity {
        let task_shapes: Vec<_> = spec.task_definitions.iter().map(|td| td.resources()).collect();
        Capacity {
            instances: store::InstanceStore::default(),
            groups: spec
                .auto_scaling_groups
                .iter()
                .map(|g| AutoScalingGroupState {
                    desired: g.desired_capacity,
                    live: Vec::new(),
                    last_launch_at: None,
                    termination_rng: streams.stream(&format!("asg-termination/{}", g.name)),
                })
                .collect(),
            free_capacity: FreeCapacityIndex::new(
                spec.capacity_providers.len(),
                spec.availability_zones.len(),
                &task_shapes,
                spec.behavior.instances.dynamic_port_range,
            ),
            tally: tally::FleetTally::new(spec.auto_scaling_groups.len(), spec.availability_zones.len()),
            impaired_zones: vec![false; spec.availability_zones.len()],
            instance_rng: streams.stream("instance-launch"),
        }
    }
}

/// Runtime state of one Auto Scaling group.
pub(in crate::engine) struct AutoScalingGroupState {
    pub desired: u32,
    /// Instances launching or active.
    pub live: Vec<InstanceId>,
    /// When the group last launched an instance after the start of the run.
    pub last_launch_at: Option<SimTime>,
    /// Picks among equally good instances to terminate on scale-in.
    pub termination_rng: ChaCha8Rng,
}
