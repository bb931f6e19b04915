//! The container instances that are not terminated, by id. Ids come from a launch counter, so
//! they stay unique and in launch order for the whole run; a terminated instance leaves the store
//! and its slot is reused, so memory follows the live fleet, not how many instances a run launched.

use std::ops::{Index, IndexMut};

use crate::model::{ContainerInstance, InstanceId};
use crate::sim::IdMap;

/// Live container instances (LAUNCHING, ACTIVE or DRAINING), looked up by `InstanceId`.
#[derive(Debug, Default)]
pub(in crate::engine) struct InstanceStore {
    /// Records; `None` is a free slot.
    slots: Vec<Option<ContainerInstance>>,
    /// Free slots, reused last-freed first.
    free: Vec<u32>,
    /// The slot of each live instance's id.
    slot_of: IdMap<u32>,
    /// Instances launched so far (the next id).
    launched: u32,
}

impl InstanceStore {
    /// The id the next launched instance gets.
    pub fn next_id(&self) -> InstanceId {
        InstanceId(self.launched)
    }

    /// Stores a newly launched instance; its id must be `next_id()`.
    pub fn insert(&mut self, instance: ContainerInstance) {
        assert_eq!(instance.id, self.next_id(), "instances are stored in launch order");
        self.launched += 1;
        let id = u64::from(instance.id.0);
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(instance);
                slot
            }
            None => {
                self.slots.push(Some(instance));
                (self.slots.len() - 1) as u32
            }
        };
        self.slot_of.insert(id, slot);
    }

    /// The instance, unless it was terminated.
    pub fn get(&self, id: InstanceId) -> Option<&ContainerInstance> {
        let slot = *self.slot_of.get(u64::from(id.0))?;
        self.slots[slot as usize].as_ref()
    }

    /// The instance, mutably, unless it was terminated.
    pub fn get_mut(&mut self, id: InstanceId) -> Option<&mut ContainerInstance> {
        let slot = *self.slot_of.get(u64::from(id.0))?;
        self.slots[slot as usize].as_mut()
    }

    /// Forgets a terminated instance; returns its record.
    pub fn remove(&mut self, id: InstanceId) -> Option<ContainerInstance> {
        let slot = self.slot_of.remove(u64::from(id.0))?;
        self.free.push(slot);
        self.slots[slot as usize].take()
    }

    /// Live instances, in launch order.
    pub fn iter(&self) -> impl Iterator<Item = &ContainerInstance> {
        self.slot_of
            .iter()
            .filter_map(|(_, slot)| self.slots[*slot as usize].as_ref())
    }

    /// Instances stored now (not terminated).
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    /// Record slots held, live or free: bounded by the most instances alive at once.
    pub fn slots_held(&self) -> usize {
        self.slots.len()
    }
}

impl Index<InstanceId> for InstanceStore {
    type Output = ContainerInstance;

    fn index(&self, id: InstanceId) -> &ContainerInstance {
        self.get(id).unwrap_or_else(|| panic!("instance {} is not live", id.0))
    }
}

impl IndexMut<InstanceId> for InstanceStore {
    fn index_mut(&mut self, id: InstanceId) -> &mut ContainerInstance {
        self.get_mut(id)
            .unwrap_or_else(|| panic!("instance {} is not live", id.0))
    }
}

impl Index<&InstanceId> for InstanceStore {
    type Output = ContainerInstance;

    fn index(&self, id: &InstanceId) -> &ContainerInstance {
        &self[*id]
    }
}
