//! The RUNNING tasks of a service split by what they are to its deployments: the deployment
//! chart's layers, derived once when a run's files are read.

use super::annotations::Deployment;
use super::data::ServiceSeries;

/// RUNNING tasks split for the deployment chart, one value per row: while a deployment is in
/// progress (from its start, before its end), the PRIMARY deployment's tasks are the new revision
/// and the ACTIVE deployments' the old one; while a rollback is in progress (a rollback that
/// starts as a deployment fails continues it), the PRIMARY deployment's tasks are the revision
/// rolled back to; outside deployments all of them are the current revision. A task count is the
/// state at its row's time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RevisionLayers {
    /// Tasks of the revision a deployment in progress brings.
    pub new: Vec<f64>,
    /// Tasks of the revision a rollback in progress brings back.
    pub rollback: Vec<f64>,
    /// Tasks of the revisions a deployment or rollback in progress replaces.
    pub old: Vec<f64>,
    /// Tasks while no deployment is in progress.
    pub current: Vec<f64>,
    /// The revision every rollback of the service returns to (`web:1`), when they all name the
    /// same one; `None` without rollbacks or when they differ.
    pub rollback_revision: Option<String>,
}

/// What is in progress at a row's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InProgress {
    /// No deployment.
    Nothing,
    /// A deployment of a new revision.
    Deployment,
    /// A rollback to the last completed revision.
    Rollback,
}

impl RevisionLayers {
    /// The layers of `service`'s rows, with `at(t)` telling what is in progress at row time `t`.
    pub fn split(service: &ServiceSeries, at: impl Fn(f64) -> InProgress) -> RevisionLayers {
        let mut layers = RevisionLayers::default();
        for (i, &t) in service.time_s.iter().enumerate() {
            let (primary, active) = (service.primary_running[i], service.active_running[i]);
            let (new, rollback, old, current) = match at(t) {
                InProgress::Deployment => (primary, 0.0, active, 0.0),
                InProgress::Rollback => (0.0, primary, active, 0.0),
                InProgress::Nothing => (0.0, 0.0, 0.0, primary + active),
            };
            layers.new.push(new);
            layers.rollback.push(rollback);
            layers.old.push(old);
            layers.current.push(current);
        }
        layers
    }

    /// The layers of `service` with its `deployments` (from `annotations::deployments_in`): the
    /// last one started at or before a row is the one in progress, until it ends.
    pub fn of_deployments(service: &ServiceSeries, deployments: &[Deployment]) -> RevisionLayers {
        let mut layers = RevisionLayers::split(service, |t| {
            deployments
                .iter()
                .rev()
                .find(|d| t >= d.start_s && d.end_s.is_none_or(|end| t < end))
                .map_or(InProgress::Nothing, |d| {
                    if d.rollback {
                        InProgress::Rollback
                    } else {
                        InProgress::Deployment
                    }
                })
        });
        let mut targets = deployments
            .iter()
            .filter(|d| d.rollback)
            .map(|d| d.task_definition.clone());
        layers.rollback_revision = match targets.next() {
            Some(first) if targets.all(|t| t == first) => first,
            _ => None,
        };
        layers
    }
}
