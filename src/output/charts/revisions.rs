//! The RUNNING tasks of a service split by what they are to its deployments: the deployment
//! chart's layers, derived once when a run's files are read.

use super::data::ServiceSeries;

/// RUNNING tasks split for the deployment chart, one value per row: while a deployment or
/// rollback is in progress (from its start, before its end: a rollback that starts as a deployment fails continues it), the PRIMARY deployment's tasks
/// are the new revision and the ACTIVE deployments' the old one; outside deployments all of them
/// are the current revision. A task count is the state at its row's time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RevisionLayers {
    /// Tasks of the revision a deployment in progress brings.
    pub new: Vec<f64>,
    /// Tasks of the revisions a deployment in progress replaces.
    pub old: Vec<f64>,
    /// Tasks while no deployment is in progress.
    pub current: Vec<f64>,
}

impl RevisionLayers {
    /// The layers of `service`'s rows, with `deploying(t)` telling whether a deployment is in
    /// progress at row time `t`.
    pub fn split(service: &ServiceSeries, deploying: impl Fn(f64) -> bool) -> RevisionLayers {
        let mut layers = RevisionLayers::default();
        for (i, &t) in service.time_s.iter().enumerate() {
            let (primary, active) = (service.primary_running[i], service.active_running[i]);
            let (new, old, current) = if deploying(t) {
                (primary, active, 0.0)
            } else {
                (0.0, 0.0, primary + active)
            };
            layers.new.push(new);
            layers.old.push(old);
            layers.current.push(current);
        }
        layers
    }
}
