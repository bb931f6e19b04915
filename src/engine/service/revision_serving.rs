//! A service's healthy tasks counted per task definition revision, with each revision's serving
//! model (`behavior.taskDefinitions` may give `web:2` its own rate or idle CPU), and the model a
//! revision serves with.

use crate::sim::ServiceIdx;
use crate::spec::{LoadBalancingAlgorithm, Spec};
use crate::workload::{DemandSplit, RevisionGroup, ServingModel};

/// Healthy tasks per revision, in the order the revisions first had one.
#[derive(Debug, Clone, Default)]
pub(in crate::engine) struct RevisionServing {
    /// Task definition index of each group.
    revisions: Vec<usize>,
    groups: Vec<RevisionGroup>,
}

impl RevisionServing {
    /// A task of `revision` turned healthy (`true`) or stopped being healthy; `model` is asked
    /// for the revision's model the first time it has a healthy task.
    pub fn count_healthy(&mut self, revision: usize, model: impl FnOnce() -> ServingModel, healthy: bool) {
        let at = self.revisions.iter().position(|r| *r == revision);
        match (at, healthy) {
            (Some(i), true) => self.groups[i].healthy += 1,
            (None, true) => {
                self.revisions.push(revision);
                self.groups.push(RevisionGroup {
                    model: model(),
                    healthy: 1,
                });
            }
            (Some(i), false) => {
                self.groups[i].healthy -= 1;
                if self.groups[i].healthy == 0 {
                    self.revisions.remove(i);
                    self.groups.remove(i);
                }
            }
            (None, false) => unreachable!("a task stops being healthy only after it was"),
        }
    }

    /// The revisions with healthy tasks and their models.
    pub fn groups(&self) -> &[RevisionGroup] {
        &self.groups
    }

    /// The model every healthy task serves with, when they all serve alike (`None` with no
    /// healthy task, or with revisions that serve differently).
    pub fn common_model(&self) -> Option<&ServingModel> {
        let first = &self.groups.first()?.model;
        self.groups.iter().all(|g| g.model == *first).then_some(first)
    }

    /// The groups of `revision` and of every other revision: `(others, revision's)`.
    pub fn split_off(&self, revision: usize) -> (Vec<RevisionGroup>, Vec<RevisionGroup>) {
        let mut split = (Vec::new(), Vec::new());
        for (r, g) in self.revisions.iter().zip(&self.groups) {
            match *r == revision {
                true => split.1.push(*g),
                false => split.0.push(*g),
            }
        }
        split
    }

    /// Each revision with healthy tasks and how many it has.
    pub fn healthy_by_revision(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.revisions
            .iter()
            .copied()
            .zip(self.groups.iter().map(|g| g.healthy))
    }

    /// The model of `revision`, if it has healthy tasks.
    pub fn model_of(&self, revision: usize) -> Option<&ServingModel> {
        let at = self.revisions.iter().position(|r| *r == revision)?;
        Some(&self.groups[at].model)
    }
}

/// How a task of `revision` of `service` serves: its rate at full CPU (messages for a worker,
/// `concurrency / mean service time` with a service model, else `requestsPerSecondAtFullCpu`)
/// and its idle and full utilization.
pub(in crate::engine) fn serving_model(spec: &Spec, service: ServiceIdx, revision: usize) -> ServingModel {
    let s = &spec.services[service];
    let b = &spec.behavior.task_definitions[revision];
    // Whether the service serves by a service model is the service's choice (its first revision
    // and its load's mode); the scenario gives every revision it runs the same kind of model.
    let modelled = spec.behavior.task_definitions[s.task_definition]
        .service_model
        .is_some();
    ServingModel {
        // A worker's full CPU is its message rate (validated for workers).
        requests_per_second_at_full_cpu: match (&s.queue, modelled) {
            (Some(_), _) => b.messages_per_second_per_task.unwrap_or(0.0),
            (None, true) => b.service_model.as_ref().map_or(0.0, |m| m.capacity_per_task_rps()),
            (None, false) => b.requests_per_second_at_full_cpu,
        },
        idle_cpu_percent: b.idle_cpu_percent,
        idle_memory_percent: b.idle_memory_percent,
        memory_percent_at_full_cpu: b.memory_percent_at_full_cpu,
    }
}

/// How `service`'s demand reaches tasks of revisions that serve differently: by capacity for
/// workers (they pull from one queue) and behind a target group routing by least outstanding
/// requests; otherwise the same to every task (round robin, weighted random, no load balancer).
pub(in crate::engine) fn demand_split(spec: &Spec, service: ServiceIdx) -> DemandSplit {
    let s = &spec.services[service];
    let least_outstanding = s
        .target_groups
        .first()
        .is_some_and(|g| spec.target_groups[*g].algorithm == LoadBalancingAlgorithm::LeastOutstandingRequests);
    if s.queue.is_some() || least_outstanding {
        DemandSplit::ByCapacity
    } else {
        DemandSplit::EvenPerTask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(rps: f64) -> ServingModel {
        ServingModel {
            requests_per_second_at_full_cpu: rps,
            idle_cpu_percent: 0.0,
            idle_memory_percent: 0.0,
            memory_percent_at_full_cpu: 0.0,
        }
    }

    #[test]
    fn counts_healthy_tasks_per_revision_and_forgets_revisions_without_any() {
        let mut r = RevisionServing::default();
        r.count_healthy(0, || model(100.0), true);
        r.count_healthy(0, || unreachable!("known revision"), true);
        assert_eq!(r.common_model(), Some(&model(100.0)));
        r.count_healthy(1, || model(50.0), true);
        assert_eq!(r.common_model(), None);
        assert_eq!(r.groups().iter().map(|g| g.healthy).collect::<Vec<_>>(), [2, 1]);
        r.count_healthy(0, || unreachable!(), false);
        r.count_healthy(0, || unreachable!(), false);
        assert_eq!(r.model_of(0), None);
        assert_eq!(r.common_model(), Some(&model(50.0)));
        // Two revisions that serve alike serve as one.
        r.count_healthy(2, || model(50.0), true);
        assert_eq!(r.common_model(), Some(&model(50.0)));
    }
}
