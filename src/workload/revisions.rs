//! Serving demand with healthy tasks of several task definition revisions (a deployment in
//! progress, or one that left old tasks behind), each with its own serving model: a revision
//! that serves fewer requests per task, or idles hotter, changes capacity and utilization.
//!
//! How the demand is divided is the load balancer's choice (`DemandSplit`): round robin gives
//! every healthy task the same share of requests, so a slower revision saturates first; least
//! outstanding requests gives faster tasks more, so every task is equally busy.

use super::serving::{Served, ServingModel};

/// The healthy tasks of one revision and how they serve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RevisionGroup {
    /// The revision's serving model.
    pub model: ServingModel,
    /// Its healthy tasks.
    pub healthy: u32,
}

/// How demand reaches the healthy tasks of different revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemandSplit {
    /// The same requests per second to every healthy task (ALB round robin, weighted random
    /// without anomaly mitigation, or no load balancer): a task beyond its capacity leaves the
    /// excess unserved even while others have room.
    EvenPerTask,
    /// Each task in proportion to what it can serve (ALB least outstanding requests, or workers
    /// pulling from one queue): every task at the same share of its capacity.
    ByCapacity,
}

/// What serving gave: the totals and how busy each revision's tasks were.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RevisionsServed {
    /// Requests per second served.
    pub served_rps: f64,
    /// Requests per second not served.
    pub unserved_rps: f64,
    /// `EvenPerTask`: the requests per second each healthy task was sent.
    per_task_rps: Option<f64>,
    /// `ByCapacity`: the share of its capacity every task used, 0..=1.
    common_share: f64,
}

impl RevisionsServed {
    /// Every task at the same `served.load_share` (a pull queue, or a latency model that has its
    /// own notion of busy slots).
    pub fn uniform(served: &Served) -> RevisionsServed {
        RevisionsServed {
            served_rps: served.served_rps,
            unserved_rps: served.unserved_rps,
            per_task_rps: None,
            common_share: served.load_share,
        }
    }

    /// The share of its capacity a healthy task with `model` used, 0..=1.
    pub fn load_share(&self, model: &ServingModel) -> f64 {
        match self.per_task_rps {
            None => self.common_share,
            Some(sent) => {
                let rate = model.requests_per_second_at_full_cpu.max(0.0);
                if rate > 0.0 {
                    (sent / rate).min(1.0)
                } else if sent > 0.0 {
                    // A task that can serve nothing is saturated by any demand.
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

/// Requests per second the groups serve at full CPU.
pub fn capacity_rps(groups: &[RevisionGroup]) -> f64 {
    groups
        .iter()
        .map(|g| f64::from(g.healthy) * g.model.requests_per_second_at_full_cpu.max(0.0))
        .sum()
}

/// Serves `demand_rps` with `groups`, divided as `split` says.
pub fn serve_revisions(demand_rps: f64, groups: &[RevisionGroup], split: DemandSplit) -> RevisionsServed {
    // `max` also maps a NaN demand to 0.
    let demand = demand_rps.max(0.0);
    let healthy: u32 = groups.iter().map(|g| g.healthy).sum();
    if healthy == 0 {
        return RevisionsServed {
            served_rps: 0.0,
            unserved_rps: demand,
            per_task_rps: None,
            common_share: 0.0,
        };
    }
    match split {
        DemandSplit::EvenPerTask => {
            let sent = demand / f64::from(healthy);
            let served: f64 = groups
                .iter()
                .map(|g| f64::from(g.healthy) * sent.min(g.model.requests_per_second_at_full_cpu.max(0.0)))
                .sum();
            let served = served.min(demand);
            RevisionsServed {
                served_rps: served,
                unserved_rps: demand - served,
                per_task_rps: Some(sent),
                common_share: 0.0,
            }
        }
        DemandSplit::ByCapacity => {
            let capacity = capacity_rps(groups);
            if capacity <= 0.0 {
                return RevisionsServed {
                    served_rps: 0.0,
                    unserved_rps: demand,
                    per_task_rps: None,
                    common_share: if demand > 0.0 { 1.0 } else { 0.0 },
                };
            }
            let served = demand.min(capacity);
            RevisionsServed {
                served_rps: served,
                unserved_rps: demand - served,
                per_task_rps: None,
                common_share: served / capacity,
            }
        }
    }
}

/// Mean CPU and memory utilization (% of reservation) over `running` tasks: the healthy ones
/// of each group at their share, the rest (running, not yet healthy) idle as `starting_model`.
pub fn utilization(
    served: &RevisionsServed,
    groups: &[RevisionGroup],
    running: u32,
    starting_model: &ServingModel,
) -> Option<(f64, f64)> {
    let healthy: u32 = groups.iter().map(|g| g.healthy).sum();
    let running = running.max(healthy);
    if running == 0 {
        return None;
    }
    let starting = f64::from(running - healthy);
    let (mut cpu, mut memory) = (
        starting * starting_model.cpu_percent(0.0),
        starting * starting_model.memory_percent(0.0),
    );
    for g in groups {
        let share = served.load_share(&g.model);
        cpu += f64::from(g.healthy) * g.model.cpu_percent(share);
        memory += f64::from(g.healthy) * g.model.memory_percent(share);
    }
    Some((cpu / f64::from(running), memory / f64::from(running)))
}

#[cfg(test)]
#[path = "revisions_tests.rs"]
mod tests;
