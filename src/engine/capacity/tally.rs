//! Running totals of each Auto Scaling group's instances, kept up to date as instances change,
//! so the once-a-minute CapacityProviderReservation and the cluster trace row need no walk over
//! the fleet.

use crate::model::{ContainerInstance, InstanceState};
use crate::sim::IdMap;

/// What one group's instances add up to now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(in crate::engine) struct GroupTally {
    /// Instances LAUNCHING or ACTIVE (N of the reservation, reference 6.3).
    pub launching_or_active: u32,
    /// Of those, instances running at least one task.
    pub busy: u32,
    /// Instances LAUNCHING (not yet registered).
    pub launching: u32,
    /// Instances ACTIVE or DRAINING (registered with the cluster).
    pub registered: u32,
    /// CPU units reserved by tasks on registered instances.
    pub cpu_used: u64,
    /// CPU units registered by registered instances.
    pub cpu_registered: u64,
    /// Memory reserved by tasks on registered instances, MiB.
    pub memory_used: u64,
    /// Memory registered by registered instances, MiB.
    pub memory_registered: u64,
}

impl GroupTally {
    /// The contribution of one instance.
    pub fn of(instance: &ContainerInstance) -> GroupTally {
        let live = matches!(instance.state, InstanceState::Launching | InstanceState::Active);
        let registered = matches!(instance.state, InstanceState::Active | InstanceState::Draining);
        let if_registered = |amount: u64| if registered { amount } else { 0 };
        GroupTally {
            launching_or_active: u32::from(live),
            busy: u32::from(live && instance.is_busy()),
            launching: u32::from(instance.state == InstanceState::Launching),
            registered: u32::from(registered),
            cpu_used: if_registered(u64::from(instance.used_cpu_units)),
            cpu_registered: if_registered(u64::from(instance.registered_cpu_units)),
            memory_used: if_registered(instance.used_memory_mib),
            memory_registered: if_registered(instance.registered_memory_mib),
        }
    }

    fn add(&mut self, other: &GroupTally) {
        self.launching_or_active += other.launching_or_active;
        self.busy += other.busy;
        self.launching += other.launching;
        self.registered += other.registered;
        self.cpu_used += other.cpu_used;
        self.cpu_registered += other.cpu_registered;
        self.memory_used += other.memory_used;
        self.memory_registered += other.memory_registered;
    }

    fn subtract(&mut self, other: &GroupTally) {
        self.launching_or_active -= other.launching_or_active;
        self.busy -= other.busy;
        self.launching -= other.launching;
        self.registered -= other.registered;
        self.cpu_used -= other.cpu_used;
        self.cpu_registered -= other.cpu_registered;
        self.memory_used -= other.memory_used;
        self.memory_registered -= other.memory_registered;
    }
}

/// Every group's totals, and what each instance last added to its group's.
#[derive(Clone, Debug, Default)]
pub(in crate::engine) struct FleetTally {
    groups: Vec<GroupTally>,
    /// Per group and zone: instances not terminated (where the group launches next).
    members_by_zone: Vec<Vec<u32>>,
    /// Per group: On-Demand instances not terminated (for the mixed instances policy).
    on_demand_members: Vec<u32>,
    /// Per instance id: its group and contribution, until it is terminated.
    counted: IdMap<(usize, GroupTally)>,
}

impl FleetTally {
    /// Zero totals for `groups` Auto Scaling groups over `zones` Availability Zones.
    pub fn new(groups: usize, zones: usize) -> FleetTally {
        FleetTally {
            groups: vec![GroupTally::default(); groups],
            members_by_zone: vec![vec![0; zones]; groups],
            on_demand_members: vec![0; groups],
            counted: IdMap::new(),
        }
    }

    /// Counts `instance` as it is now, replacing what it added before. Call it after every
    /// change of an instance's state, tasks or reserved resources.
    pub fn update(&mut self, instance: &ContainerInstance) {
        let id = u64::from(instance.id.0);
        let (group, zone) = (instance.auto_scaling_group, instance.availability_zone);
        let was_member = match self.counted.remove(id) {
            Some((group, old)) => {
                self.groups[group].subtract(&old);
                true
            }
            None => false,
        };
        let member = instance.state != InstanceState::Terminated;
        if member {
            let now = GroupTally::of(instance);
            self.groups[group].add(&now);
            self.counted.insert(id, (group, now));
        }
        if member != was_member {
            let (zones, on_demand) = (
                &mut self.members_by_zone[group][zone],
                &mut self.on_demand_members[group],
            );
            let on_demand_delta = u32::from(!instance.spot);
            if member {
                *zones += 1;
                *on_demand += on_demand_delta;
            } else {
                *zones -= 1;
                *on_demand -= on_demand_delta;
            }
        }
    }

    /// Instances of `group` in `zone` that are not terminated.
    pub fn members_in_zone(&self, group: usize, zone: usize) -> u32 {
        self.members_by_zone[group][zone]
    }

    /// On-Demand instances of `group` that are not terminated.
    pub fn on_demand_members(&self, group: usize) -> u32 {
        self.on_demand_members[group]
    }

    /// The totals of group `group`.
    pub fn group(&self, group: usize) -> &GroupTally {
        &self.groups[group]
    }

    /// The totals of `group` recounted from `instances` (the invariant checks compare the two).
    pub fn recount<'a>(instances: impl Iterator<Item = &'a ContainerInstance>, group: usize) -> GroupTally {
        let mut total = GroupTally::default();
        for i in instances.filter(|i| i.auto_scaling_group == group && i.state != InstanceState::Terminated) {
            total.add(&GroupTally::of(i));
        }
        total
    }
}
