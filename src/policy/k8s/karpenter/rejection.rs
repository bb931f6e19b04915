//! Why a pending pod gets no NodeClaim: each NodePool's reason, worded for events.csv.

use std::fmt::Write;

use crate::model::k8s::{PodResources, Taint, TaintEffect};

use super::offerings::PoolOffer;

/// Why one NodePool cannot take a pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolRejection {
    /// The pool's nodes carry a NoSchedule or NoExecute taint the pod does not tolerate.
    Taint(Taint),
    /// No offering satisfies the pod's nodeSelector and required node affinity.
    Requirements,
    /// No instance type the pod may use has enough allocatable CPU, memory or pods.
    TooLarge,
    /// The instance types that would hold it have no capacity (insufficient-capacity errors).
    Unavailable,
    /// The instance types that would hold it exceed the pool's remaining `spec.limits`.
    Limits,
}

/// A pod no NodePool can take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unschedulable {
    /// Index into the provisioning pass's pods.
    pub pod: usize,
    /// Its requests.
    pub requests: PodResources,
    /// Each pool's reason (pool index, in pool order); empty when there are no NodePools.
    pub reasons: Vec<(usize, PoolRejection)>,
}

impl Unschedulable {
    /// The reason in Karpenter's words, e.g. `could not schedule pod: nodepool "gpu": taint
    /// nvidia.com/gpu=true:NoSchedule not tolerated`.
    pub fn message(&self, pools: &[PoolOffer<'_>]) -> String {
        if self.reasons.is_empty() {
            return "could not schedule pod: no NodePool".to_string();
        }
        let mut text = String::from("could not schedule pod");
        for (i, (pool, reason)) in self.reasons.iter().enumerate() {
            let name = pools.get(*pool).map_or("?", |p| p.name);
            let sep = if i == 0 { ':' } else { ';' };
            let _ = write!(text, "{sep} nodepool \"{name}\": ");
            let r = self.requests;
            let _ = match reason {
                PoolRejection::Taint(t) => write!(text, "taint {} not tolerated", taint_text(t)),
                PoolRejection::Requirements => write!(text, "no offering matches the pod's node selector and affinity"),
                PoolRejection::TooLarge => write!(
                    text,
                    "no instance type has {}m CPU and {} MiB memory allocatable",
                    r.cpu_milli, r.memory_mib
                ),
                PoolRejection::Unavailable => write!(text, "insufficient capacity for every instance type that fits"),
                PoolRejection::Limits => write!(text, "every instance type that fits exceeds the NodePool's limits"),
            };
        }
        text
    }
}

/// `key=value:Effect`, as kubectl prints a taint.
fn taint_text(taint: &Taint) -> String {
    let effect = match taint.effect {
        TaintEffect::NoSchedule => "NoSchedule",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        TaintEffect::NoExecute => "NoExecute",
    };
    if taint.value.is_empty() {
        format!("{}:{effect}", taint.key)
    } else {
        format!("{}={}:{effect}", taint.key, taint.value)
    }
}
