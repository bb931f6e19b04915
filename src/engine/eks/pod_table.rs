//! The live pods by id: looked up on every lifecycle step, by every HPA sync and every trace
//! row, so an open-addressing `IdMap` rather than a `BTreeMap`; every walk over them is in id
//! order, as the `BTreeMap` gave it, so no decision or output depends on the table's layout.

use std::ops::Index;

use super::state::Pod;
use crate::sim::IdMap;

/// The pods that are not gone yet (terminating ones until their containers exit).
#[derive(Default)]
pub(crate) struct PodTable {
    live: IdMap<Pod>,
}

impl PodTable {
    /// Adds a pod.
    pub fn insert(&mut self, id: u64, pod: Pod) {
        self.live.insert(id, pod);
    }

    /// The pod, if it is not gone.
    pub fn get(&self, id: u64) -> Option<&Pod> {
        self.live.get(id)
    }

    /// The pod, mutably, if it is not gone.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut Pod> {
        self.live.get_mut(id)
    }

    /// Forgets a pod that is gone.
    pub fn remove(&mut self, id: u64) -> Option<Pod> {
        self.live.remove(id)
    }

    /// Every pod, in id order (sorts the whole table: for the end of the run and checks).
    pub fn iter(&self) -> impl Iterator<Item = (u64, &Pod)> {
        self.live.iter()
    }

    /// The pods `keep` accepts, in id order.
    pub fn iter_where(&self, keep: impl FnMut(&Pod) -> bool) -> impl Iterator<Item = (u64, &Pod)> {
        self.live.iter_where(keep)
    }

    /// How many pods `keep` accepts.
    pub fn count_where(&self, keep: impl FnMut(&Pod) -> bool) -> usize {
        self.live.count_where(keep)
    }
}

impl Index<&u64> for PodTable {
    type Output = Pod;

    fn index(&self, id: &u64) -> &Pod {
        self.live.get(*id).expect("pod is live")
    }
}
