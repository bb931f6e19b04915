//! Summary figures of an expectation: cost, unserved requests, steady state, counts of events.

use super::ast::Figure;
use super::closest;
use super::table::RunTables;
use super::windows::{self, DEPLOYMENT_STARTED, first_steady_state_ms};
use crate::sim::SimDuration;
use crate::trace::EventKind;
use crate::trace::summary::{JobsSummary, TriggerSummary};

/// The event kind of a scaling activity (subject: the service).
pub(super) const SCALING_ACTIVITY: &str = "scaling_activity";

/// Every event kind the engine writes, plus the kinds of capabilities being built; kinds seen in
/// the run's events.csv are accepted too.
pub(super) const EVENT_KINDS: &[EventKind] = &[
    EventKind::Run,
    EventKind::ServiceUpdate,
    EventKind::ServiceScheduler,
    EventKind::PlacementFailure,
    EventKind::PlacementRecovered,
    EventKind::SteadyState,
    EventKind::Instance,
    EventKind::Fault,
    EventKind::FaultRecovered,
    EventKind::SpotInterruption,
    EventKind::TaskState,
    EventKind::ScalingActivity,
    EventKind::Alarm,
    EventKind::NotScaled,
    EventKind::DeploymentStarted,
    EventKind::DeploymentNotStarted,
    EventKind::DeploymentCompleted,
    EventKind::DeploymentFailed,
    EventKind::RollbackStarted,
    EventKind::DeploymentStalled,
    EventKind::DeploymentTaskFailed,
    EventKind::DeploymentStage,
    EventKind::TrafficShifted,
    EventKind::LifecycleHook,
    EventKind::TaskStartThrottled,
    EventKind::ScaleInBlocked,
    EventKind::AzRebalancing,
    EventKind::Forecast,
    EventKind::PredictiveCapacity,
];

/// The value of a summary figure of the run.
pub(super) fn measure_figure(figure: &Figure, run: &RunTables) -> Result<f64, String> {
    let summary = &run.summary;
    let service = |name: &str| {
        summary
            .service(name)
            .ok_or_else(|| format!("summary.json has no service `{name}`"))
    };
    let provider = |name: &str| {
        summary
            .provider(name)
            .ok_or_else(|| format!("summary.json has no capacity provider `{name}`"))
    };
    match figure {
        Figure::CostUsd(None) => Ok(summary.cost_usd),
        Figure::CostUsd(Some(name)) => {
            run.known_provider(name)?;
            Ok(provider(name)?.cost_usd)
        }
        Figure::UnservedRequests(None) => Ok(summary.services.iter().map(|s| s.unserved_requests).sum()),
        Figure::UnservedRequests(Some(name)) => {
            run.known_service(name)?;
            Ok(service(name)?.unserved_requests)
        }
        Figure::PlacementFailures => Ok(summary.placement_failures as f64),
        Figure::TasksStarted => Ok(summary.tasks_started as f64),
        Figure::SteadyStateS(service) => {
            run.known_service(service)?;
            first_steady_state_ms(run, service)
                .map(|ms| ms as f64 / 1000.0)
                .ok_or_else(|| format!("{service} never reached a steady state in this run"))
        }
        Figure::ScalingActivities(service) => count_events(run, SCALING_ACTIVITY, service.as_deref(), true),
        Figure::Deployments(service) => count_events(run, DEPLOYMENT_STARTED, service.as_deref(), true),
        Figure::DeploymentDurationS(service) => deployment_duration_s(run, service),
        Figure::Deployment(figure, name) => {
            run.known_service(name)?;
            super::deployment_figures::deployment_figure(*figure, service(name)?)
        }
        Figure::ServiceCostUsd(name) => {
            run.known_service(name)?;
            Ok(service(name).map_or(0.0, |s| s.cost_usd))
        }
        Figure::UnallocatedCostUsd => Ok(summary.unallocated_cost_usd),
        Figure::SpotInterruptions(None) => Ok(summary
            .capacity_providers
            .iter()
            .map(|p| p.spot_interruptions as f64)
            .sum()),
        Figure::SpotInterruptions(Some(name)) => {
            if let Ok(s) = service(name) {
                return Ok(s.spot_interruptions as f64);
            }
            if let Ok(p) = provider(name) {
                return Ok(p.spot_interruptions as f64);
            }
            run.known_service(name)?;
            Ok(0.0)
        }
        Figure::CountEvents(kind, subject) => {
            known_event_kind(run, kind)?;
            count_events(run, kind, subject.as_deref(), false)
        }
        Figure::UnservedFraction(None) => {
            let demand: f64 = summary.services.iter().map(|s| s.demand_requests).sum();
            let unserved: f64 = summary.services.iter().map(|s| s.unserved_requests).sum();
            Ok(if demand > 0.0 { unserved / demand } else { 0.0 })
        }
        Figure::UnservedFraction(Some(name)) => {
            run.known_service(name)?;
            Ok(service(name)?.unserved_fraction)
        }
        Figure::TaskHours(None) => Ok(summary.services.iter().map(|s| s.task_hours).sum()),
        Figure::TaskHours(Some(name)) => {
            if let Ok(s) = service(name) {
                return Ok(s.task_hours);
            }
            if let Ok(p) = provider(name) {
                return Ok(p.task_hours);
            }
            run.known_service(name)?;
            Ok(0.0)
        }
        Figure::InstanceHours(None) => Ok(summary.capacity_providers.iter().map(|p| p.instance_hours).sum()),
        Figure::InstanceHours(Some(name)) => {
            run.known_provider(name)?;
            Ok(provider(name)?.instance_hours)
        }
        Figure::JobsCompleted(_)
        | Figure::JobsFailed(_)
        | Figure::JobsInterrupted(_)
        | Figure::JobsAbandoned(_)
        | Figure::JobWaitP50S
        | Figure::JobWaitP95S
        | Figure::JobMakespanS(_)
        | Figure::CostPerJobUsd => job_figure(summary.jobs.as_ref(), figure),
    }
}

/// A figure of the standalone tasks, from summary.json's `jobs`.
fn job_figure(jobs: Option<&JobsSummary>, figure: &Figure) -> Result<f64, String> {
    let Some(jobs) = jobs else {
        return Err(format!(
            "{figure}: the run has no standalone tasks (add a `runTask` event)"
        ));
    };
    let trigger = |name: &str| -> Result<&TriggerSummary, String> {
        jobs.triggers.iter().find(|t| t.name == name).ok_or_else(|| {
            let names: Vec<&str> = jobs.triggers.iter().map(|t| t.name.as_str()).collect();
            let hint = closest(name, names.iter().copied())
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            format!("no trigger named `{name}`{hint} (triggers: {})", names.join(", "))
        })
    };
    Ok(match figure {
        Figure::JobsCompleted(None) => jobs.completed as f64,
        Figure::JobsCompleted(Some(name)) => trigger(name)?.completed as f64,
        Figure::JobsFailed(None) => jobs.failed as f64,
        Figure::JobsFailed(Some(name)) => trigger(name)?.failed as f64,
        Figure::JobsInterrupted(None) => jobs.interrupted as f64,
        Figure::JobsInterrupted(Some(name)) => trigger(name)?.interrupted as f64,
        Figure::JobsAbandoned(None) => jobs.abandoned as f64,
        Figure::JobsAbandoned(Some(name)) => trigger(name)?.abandoned as f64,
        Figure::JobWaitP50S => jobs.wait_p50_s,
        Figure::JobWaitP95S => jobs.wait_p95_s,
        Figure::JobMakespanS(None) => jobs.triggers.iter().map(|t| t.makespan_s).fold(0.0, f64::max),
        Figure::JobMakespanS(Some(name)) => trigger(name)?.makespan_s,
        Figure::CostPerJobUsd => jobs.cost_per_job_usd,
        _ => unreachable!("only job figures come here"),
    })
}

fn count_events(run: &RunTables, kind: &str, subject: Option<&str>, subject_is_service: bool) -> Result<f64, String> {
    if let Some(service) = subject.filter(|_| subject_is_service) {
        run.known_service(service)?;
    }
    // An event is either kept as a row or counted, never both.
    let kept = run
        .events
        .iter()
        .filter(|e| e.kind == kind && subject.is_none_or(|s| s == e.subject))
        .count() as u64;
    let counted: u64 = run
        .event_counts
        .range((kind.to_string(), String::new())..)
        .take_while(|((k, _), _)| k == kind)
        .filter(|((_, s), _)| subject.is_none_or(|wanted| wanted == s))
        .map(|(_, n)| n)
        .sum();
    Ok((kept + counted) as f64)
}

fn deployment_duration_s(run: &RunTables, service: &str) -> Result<f64, String> {
    run.known_service(service)?;
    let found = windows::deployments(run, Some(service));
    if found.is_empty() {
        return Err(format!("no deployment of {service} in this run"));
    }
    let mut longest_ms = 0;
    for deployment in found {
        let Some(completed_ms) = deployment.completed_ms else {
            return Err(format!(
                "the deployment of {service} started at {} had not completed when the run ended at {}",
                SimDuration(deployment.started_ms),
                SimDuration(run.summary.simulated_ms())
            ));
        };
        longest_ms = longest_ms.max(completed_ms.saturating_sub(deployment.started_ms));
    }
    Ok(longest_ms as f64 / 1000.0)
}

fn known_event_kind(run: &RunTables, kind: &str) -> Result<(), String> {
    let mut kinds: Vec<&str> = EVENT_KINDS.iter().map(|k| k.as_str()).collect();
    kinds.extend(run.event_kinds.iter().map(String::as_str));
    kinds.sort_unstable();
    kinds.dedup();
    if kinds.contains(&kind) {
        return Ok(());
    }
    let hint = closest(kind, kinds.iter().copied())
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    Err(format!(
        "unknown event kind `{kind}`{hint} (kinds: {})",
        kinds.join(", ")
    ))
}
