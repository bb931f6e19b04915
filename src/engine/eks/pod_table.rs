//! The live pods by id: looked up on every lifecycle step, by every HPA sync and every trace
//! row, so an open-addressing `IdMap` rather than a `BTreeMap`; every walk over them is in id
//! order, as the `BTreeMap` gave it, so no decision or output depends on the table's layout.
//! The Pending ones are also listed apart: the scheduler, Cluster Autoscaler, Karpenter and the
//! trace rows look only at them, and they are few.

use std::collections::BTreeSet;
use std::ops::Index;

use super::state::{Pod, PodPhase};
use crate::sim::IdMap;

/// The pods that are not gone yet (terminating ones until their containers exit).
#[derive(Default)]
pub(crate) struct PodTable {
    live: IdMap<Pod>,
    /// The ids of the Pending pods. A pod is Pending from its creation until it is bound,
    /// placed on Fargate or deleted, and never again: `set_phase` is the way out.
    pending: BTreeSet<u64>,
}

impl PodTable {
    /// Adds a pod.
    pub fn insert(&mut self, id: u64, pod: Pod) {
        if pod.phase == PodPhase::Pending {
            self.pending.insert(id);
        }
        self.live.insert(id, pod);
    }

    /// Moves a pod to `phase` (the only way a pod leaves Pending).
    pub fn set_phase(&mut self, id: u64, phase: PodPhase) {
        if phase != PodPhase::Pending {
            self.pending.remove(&id);
        }
        if let Some(p) = self.live.get_mut(id) {
            p.phase = phase;
        }
    }

    /// The Pending pods, in id order.
    pub fn pending(&self) -> impl Iterator<Item = (u64, &Pod)> {
        self.pending.iter().map(|&id| (id, &self[&id]))
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
        self.pending.remove(&id);
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
