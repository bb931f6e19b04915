//! The per-deployment figures of `expect:` (issue 19): what a deployment of a service cost and
//! exposed, read from `summary.json`'s `deployments` (the service's last deployment that is not
//! a rollback).

use crate::trace::summary::{DeploymentSummary, ServiceSummary};

/// A figure of one service's last deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeploymentFigure {
    /// `deployment_peak_extra_tasks(SERVICE)`: most tasks above desiredCount.
    PeakExtraTasks,
    /// `deployment_extra_task_hours(SERVICE)`.
    ExtraTaskHours,
    /// `deployment_extra_cost_usd(SERVICE)`.
    ExtraCostUsd,
    /// `new_revision_requests_before_full_shift(SERVICE)`.
    NewRevisionRequestsBeforeFullShift,
    /// `deployment_5xx_requests(SERVICE)`: requests answered with a 5XX while it ran.
    Target5xxRequests,
    /// `rollback_time_s(SERVICE)`: from its failure to the rollback's completion.
    RollbackTimeS,
}

impl DeploymentFigure {
    /// Every figure, in the order the parser lists them.
    pub const ALL: [DeploymentFigure; 6] = [
        DeploymentFigure::PeakExtraTasks,
        DeploymentFigure::ExtraTaskHours,
        DeploymentFigure::ExtraCostUsd,
        DeploymentFigure::NewRevisionRequestsBeforeFullShift,
        DeploymentFigure::Target5xxRequests,
        DeploymentFigure::RollbackTimeS,
    ];

    /// The figure's name in `expect:`.
    pub fn name(self) -> &'static str {
        match self {
            DeploymentFigure::PeakExtraTasks => "deployment_peak_extra_tasks",
            DeploymentFigure::ExtraTaskHours => "deployment_extra_task_hours",
            DeploymentFigure::ExtraCostUsd => "deployment_extra_cost_usd",
            DeploymentFigure::NewRevisionRequestsBeforeFullShift => "new_revision_requests_before_full_shift",
            DeploymentFigure::Target5xxRequests => "deployment_5xx_requests",
            DeploymentFigure::RollbackTimeS => "rollback_time_s",
        }
    }

    /// The figure named `name`.
    pub fn from_name(name: &str) -> Option<DeploymentFigure> {
        DeploymentFigure::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// The value of `figure` for `service`'s last deployment (not a rollback).
pub(super) fn deployment_figure(figure: DeploymentFigure, service: &ServiceSummary) -> Result<f64, String> {
    let name = &service.service;
    let Some(d) = service.deployments.iter().rev().find(|d| d.kind == "deployment") else {
        return Err(format!("no deployment of {name} in this run"));
    };
    value(figure, d).ok_or_else(|| {
        format!(
            "the last deployment of {name} (started at {} s) was not rolled back",
            d.started_s
        )
    })
}

fn value(figure: DeploymentFigure, d: &DeploymentSummary) -> Option<f64> {
    Some(match figure {
        DeploymentFigure::PeakExtraTasks => f64::from(d.peak_extra_tasks),
        DeploymentFigure::ExtraTaskHours => d.extra_task_hours,
        DeploymentFigure::ExtraCostUsd => d.extra_cost_usd,
        DeploymentFigure::NewRevisionRequestsBeforeFullShift => d.new_revision_requests_before_full_shift,
        DeploymentFigure::Target5xxRequests => d.target_5xx_requests,
        DeploymentFigure::RollbackTimeS => d.rollback_time_s?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_last_deployment_that_is_not_a_rollback() {
        let service = ServiceSummary {
            service: "api".into(),
            deployments: vec![
                DeploymentSummary {
                    kind: "deployment".into(),
                    peak_extra_tasks: 6,
                    rollback_time_s: Some(313.5),
                    ..Default::default()
                },
                DeploymentSummary {
                    kind: "rollback".into(),
                    peak_extra_tasks: 1,
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(deployment_figure(DeploymentFigure::PeakExtraTasks, &service), Ok(6.0));
        assert_eq!(deployment_figure(DeploymentFigure::RollbackTimeS, &service), Ok(313.5));
        let none = ServiceSummary {
            service: "web".into(),
            ..Default::default()
        };
        assert_eq!(
            deployment_figure(DeploymentFigure::ExtraCostUsd, &none),
            Err("no deployment of web in this run".into())
        );
        for f in DeploymentFigure::ALL {
            assert_eq!(DeploymentFigure::from_name(f.name()), Some(f));
        }
    }
}
