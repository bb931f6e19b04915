//! The per-deployment figures of `summary.json` (issue 19): folded from the `services.csv` rows
//! written while a deployment is in progress and from its `events.csv` rows, so they need no
//! trace kept in memory.

use crate::trace::summary::{DeploymentSummary, ServiceSummary};
use crate::trace::{EventDetail, EventKind, EventRecord, ServiceRow};

const MS_PER_HOUR: f64 = 3_600_000.0;

/// The deployment in progress, if any.
fn in_progress(deployments: &mut [DeploymentSummary]) -> Option<&mut DeploymentSummary> {
    deployments.iter_mut().rev().find(|d| d.rollout_state == "IN_PROGRESS")
}

/// Folds a `services.csv` row covering `interval_ms` into the deployment in progress.
pub(super) fn add_row(deployments: &mut [DeploymentSummary], r: &ServiceRow<'_>, interval_ms: f64) {
    let Some(d) = in_progress(deployments) else { return };
    let extra = (r.running + r.pending).saturating_sub(r.desired);
    d.peak_extra_tasks = d.peak_extra_tasks.max(extra);
    d.extra_task_hours += f64::from(extra) * interval_ms / MS_PER_HOUR;
    if r.new_revision_weight_pct < 100.0 {
        d.new_revision_requests_before_full_shift += r.new_revision_served_requests;
    }
    d.target_5xx_requests += r.target_5xx_requests;
}

/// Folds a deployment event: the strategy of a `deployment_stage` row, when a deployment
/// failed, and a rollback's completion as the rollback time of the deployment it undid.
pub(super) fn add_event(deployments: &mut [DeploymentSummary], e: &EventRecord) {
    let t = e.time_ms as f64 / 1000.0;
    match (e.kind, &e.detail) {
        (EventKind::DeploymentStage, Some(EventDetail::Stage { strategy, .. })) => {
            if let Some(d) = in_progress(deployments) {
                d.strategy = strategy.as_str().to_string();
            }
        }
        (EventKind::DeploymentFailed, _) => {
            if let Some(d) = in_progress(deployments) {
                d.failed_s = Some(t);
            }
        }
        (EventKind::DeploymentCompleted, _) => {
            let Some(k) = deployments.iter().rposition(|d| d.rollout_state == "IN_PROGRESS") else {
                return;
            };
            if deployments[k].kind != "rollback" || k == 0 {
                return;
            }
            if let Some(failed_s) = deployments[k - 1].failed_s {
                deployments[k - 1].rollback_time_s = Some(round3(t - failed_s));
            }
        }
        _ => {}
    }
}

/// Rounds the sums and prices the extra task-hours at the service's mean cost per task-hour.
pub(super) fn finish(service: &mut ServiceSummary) {
    let per_task_hour = match service.task_hours > 0.0 {
        true => service.cost_usd / service.task_hours,
        false => 0.0,
    };
    for d in &mut service.deployments {
        d.extra_cost_usd = round6(d.extra_task_hours * per_task_hour);
        d.extra_task_hours = round6(d.extra_task_hours);
        d.new_revision_requests_before_full_shift = d.new_revision_requests_before_full_shift.round();
        d.target_5xx_requests = d.target_5xx_requests.round();
    }
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn round3(v: f64) -> f64 {
    (v * 1e3).round() / 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(running: u32, pending: u32, weight: f64, new_served: f64) -> ServiceRow<'static> {
        ServiceRow {
            time_ms: 0,
            service: "web",
            desired: 6,
            running,
            pending,
            healthy: running,
            primary_running: 0,
            active_running: 0,
            cpu_utilization: 0.0,
            memory_utilization: 0.0,
            demand_rps: 0.0,
            served_rps: 0.0,
            unserved_rps: 0.0,
            min_capacity: 6,
            max_capacity: 6,
            unserved_requests: 0.0,
            queue_depth: None,
            oldest_message_age_s: None,
            latency: None,
            provisioning: 0,
            new_revision_weight_pct: weight,
            new_revision_served_requests: new_served,
            target_5xx_requests: 1.0,
        }
    }

    fn started(kind: &str) -> DeploymentSummary {
        DeploymentSummary {
            kind: kind.into(),
            rollout_state: "IN_PROGRESS".into(),
            strategy: "ROLLING".into(),
            ..DeploymentSummary::default()
        }
    }

    #[test]
    fn extra_tasks_and_exposure_fold_over_the_rows_in_progress() {
        let mut ds = vec![started("deployment")];
        // 10 minutes at 12 tasks for 6 desired, 10 % then all of the traffic.
        add_row(&mut ds, &row(12, 0, 10.0, 600.0), 600_000.0);
        add_row(&mut ds, &row(10, 2, 100.0, 6000.0), 600_000.0);
        add_row(&mut ds, &row(6, 0, 100.0, 6000.0), 600_000.0);
        assert_eq!(ds[0].peak_extra_tasks, 6);
        assert!((ds[0].extra_task_hours - 2.0).abs() < 1e-12);
        assert_eq!(ds[0].new_revision_requests_before_full_shift, 600.0);
        assert_eq!(ds[0].target_5xx_requests, 3.0);
        ds[0].rollout_state = "COMPLETED".into();
        add_row(&mut ds, &row(20, 0, 0.0, 1.0), 600_000.0);
        assert_eq!(ds[0].peak_extra_tasks, 6, "a row after the deployment counts for none");
    }

    #[test]
    fn a_rollback_completing_gives_the_failed_deployment_its_rollback_time() {
        let mut ds = vec![started("deployment")];
        let event = |time_ms, kind| EventRecord {
            time_ms,
            kind,
            subject: "web".into(),
            message: String::new(),
            detail: None,
        };
        add_event(&mut ds, &event(540_000, EventKind::DeploymentFailed));
        ds[0].rollout_state = "FAILED".into();
        ds.push(started("rollback"));
        add_event(&mut ds, &event(853_694, EventKind::DeploymentCompleted));
        assert_eq!(ds[0].failed_s, Some(540.0));
        assert_eq!(ds[0].rollback_time_s, Some(313.694));
        let mut service = ServiceSummary {
            cost_usd: 10.0,
            task_hours: 5.0,
            deployments: vec![DeploymentSummary {
                extra_task_hours: 1.5,
                ..started("deployment")
            }],
            ..ServiceSummary::default()
        };
        finish(&mut service);
        assert_eq!(service.deployments[0].extra_cost_usd, 3.0);
    }
}
