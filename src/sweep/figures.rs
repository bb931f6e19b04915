//! The figures measured of each run, named as in `summary.json`: run-wide figures unprefixed,
//! service figures unprefixed for a one-service scenario and `<service>.` prefixed otherwise,
//! and in a scenario with standalone tasks, the `jobs.` figures of `summary.json`'s `jobs` block.

use crate::spec::{Spec, TimelineAction};
use crate::trace::format::{number, usd};
use crate::trace::summary::Summary;

/// The figures of one run, in column order (`None`: the run has no value of that figure).
pub type RunFigures = Vec<Option<f64>>;

/// What a figure measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Total cost, USD.
    CostUsd,
    /// Highest registered instance count of any capacity provider (0 for Fargate only).
    PeakInstances,
    /// Placement failures.
    PlacementFailures,
    /// Requests that arrived at a service.
    DemandRequests,
    /// Requests a service left unserved.
    UnservedRequests,
    /// Unserved over demand (0 without demand).
    UnservedFraction,
    /// Highest RUNNING count of a service.
    PeakRunning,
    /// Time-weighted mean CPU utilization of a service, percent.
    MeanCpuUtilization,
    /// Highest interval CPU utilization of a service, percent.
    MaxCpuUtilization,
    /// Scaling activities that changed a service's desired count.
    ScalingActivities,
    /// Duration of a service's last completed deployment, seconds (missing when none completed).
    DeploymentDurationS,
    /// What the last deployment's extra tasks cost, USD (`deployment_extra_cost_usd`).
    DeploymentExtraCostUsd,
    /// Requests the last deployment's new revision served before it had all the traffic.
    NewRevisionRequestsBeforeFullShift,
    /// Requests answered with a 5XX while the last deployment ran (`deployment_5xx_requests`).
    Deployment5xxRequests,
    /// From the last deployment's failure to its rollback's completion, seconds (missing when
    /// it was not rolled back).
    RollbackTimeS,
    /// 95th percentile of the response time over the run, ms (services with a service model).
    LatencyP95Ms,
    /// 99th percentile of the response time over the run, ms (services with a service model).
    LatencyP99Ms,
    /// Requests that timed out (services with a service model).
    TimedOutRequests,
    /// Standalone task attempts that completed (`jobs.completed`).
    JobsCompleted,
    /// Standalone task attempts that failed (`jobs.failed`).
    JobsFailed,
    /// 95th percentile of the standalone tasks' wait for capacity, seconds (`jobs.wait_p95_s`).
    JobWaitP95S,
    /// The longest batch of one firing of any trigger, seconds (`jobs.makespan_s`).
    JobMakespanS,
    /// What standalone tasks cost per task, USD (`jobs.cost_per_job_usd`).
    CostPerJobUsd,
}

/// Run-wide figures.
const RUN_WIDE: &[Kind] = &[Kind::CostUsd, Kind::PeakInstances, Kind::PlacementFailures];
/// Figures of each service (deployment duration only for services that deploy).
const PER_SERVICE: &[Kind] = &[
    Kind::DemandRequests,
    Kind::UnservedRequests,
    Kind::UnservedFraction,
    Kind::PeakRunning,
    Kind::MeanCpuUtilization,
    Kind::MaxCpuUtilization,
    Kind::ScalingActivities,
    Kind::DeploymentDurationS,
    Kind::DeploymentExtraCostUsd,
    Kind::NewRevisionRequestsBeforeFullShift,
    Kind::Deployment5xxRequests,
    Kind::RollbackTimeS,
];
/// The figures of `PER_SERVICE` only a service that deploys has (they read its deployments).
const DEPLOYMENT: &[Kind] = &[
    Kind::DeploymentDurationS,
    Kind::DeploymentExtraCostUsd,
    Kind::NewRevisionRequestsBeforeFullShift,
    Kind::Deployment5xxRequests,
    Kind::RollbackTimeS,
];
/// Figures of each service with a service model, after the service figures.
const LATENCY: &[Kind] = &[Kind::LatencyP95Ms, Kind::LatencyP99Ms, Kind::TimedOutRequests];
/// Run-wide figures of the standalone tasks, last, in a scenario that starts any.
const JOBS: &[Kind] = &[
    Kind::JobsCompleted,
    Kind::JobsFailed,
    Kind::JobWaitP95S,
    Kind::JobMakespanS,
    Kind::CostPerJobUsd,
];

impl Kind {
    /// The name, as in `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::CostUsd => "cost_usd",
            Kind::PeakInstances => "peak_instances",
            Kind::PlacementFailures => "placement_failures",
            Kind::DemandRequests => "demand_requests",
            Kind::UnservedRequests => "unserved_requests",
            Kind::UnservedFraction => "unserved_fraction",
            Kind::PeakRunning => "peak_running",
            Kind::MeanCpuUtilization => "mean_cpu_utilization",
            Kind::MaxCpuUtilization => "max_cpu_utilization",
            Kind::ScalingActivities => "scaling_activities",
            Kind::DeploymentDurationS => "deployment_duration_s",
            Kind::DeploymentExtraCostUsd => "deployment_extra_cost_usd",
            Kind::NewRevisionRequestsBeforeFullShift => "new_revision_requests_before_full_shift",
            Kind::Deployment5xxRequests => "deployment_5xx_requests",
            Kind::RollbackTimeS => "rollback_time_s",
            Kind::LatencyP95Ms => "latency_p95_ms",
            Kind::LatencyP99Ms => "latency_p99_ms",
            Kind::TimedOutRequests => "timed_out_requests",
            Kind::JobsCompleted => "jobs.completed",
            Kind::JobsFailed => "jobs.failed",
            Kind::JobWaitP95S => "jobs.wait_p95_s",
            Kind::JobMakespanS => "jobs.makespan_s",
            Kind::CostPerJobUsd => "jobs.cost_per_job_usd",
        }
    }

    fn is_run_wide(self) -> bool {
        RUN_WIDE.contains(&self) || JOBS.contains(&self)
    }

    fn from_name(name: &str) -> Option<Kind> {
        RUN_WIDE
            .iter()
            .chain(PER_SERVICE)
            .chain(LATENCY)
            .chain(JOBS)
            .copied()
            .find(|k| k.name() == name)
    }
}

/// One figure: what it measures, of which service.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// Its column name (`cost_usd`, `web.peak_running`).
    pub name: String,
    /// What it measures.
    pub kind: Kind,
    /// The service, for a service figure.
    pub service: Option<String>,
}

impl Figure {
    /// Writes a value: costs and fractions with six decimals, the rest with three, trailing
    /// zeros trimmed (`trace::format`).
    pub fn format(&self, v: f64) -> String {
        match self.kind {
            Kind::CostUsd | Kind::UnservedFraction | Kind::CostPerJobUsd | Kind::DeploymentExtraCostUsd => usd(v),
            _ => number(v),
        }
    }

    /// Its value in a run's summary; `None` when the run has none (no completed deployment, or
    /// a service this run does not have).
    pub fn measure(&self, s: &Summary) -> Option<f64> {
        if JOBS.contains(&self.kind) {
            return self.measure_jobs(s);
        }
        let service = match &self.service {
            Some(name) => Some(s.service(name)?),
            None if self.kind.is_run_wide() => None,
            None => Some(s.services.first()?),
        };
        Some(match (self.kind, service) {
            (Kind::CostUsd, _) => s.cost_usd,
            (Kind::PeakInstances, _) => {
                f64::from(s.capacity_providers.iter().map(|p| p.peak_instances).max().unwrap_or(0))
            }
            (Kind::PlacementFailures, _) => s.placement_failures as f64,
            (_, None) => return None,
            (Kind::DemandRequests, Some(v)) => v.demand_requests,
            (Kind::UnservedRequests, Some(v)) => v.unserved_requests,
            (Kind::UnservedFraction, Some(v)) if v.demand_requests > 0.0 => v.unserved_requests / v.demand_requests,
            (Kind::UnservedFraction, Some(_)) => 0.0,
            (Kind::PeakRunning, Some(v)) => f64::from(v.peak_running),
            (Kind::MeanCpuUtilization, Some(v)) => v.mean_cpu_utilization,
            (Kind::MaxCpuUtilization, Some(v)) => v.max_cpu_utilization,
            (Kind::ScalingActivities, Some(v)) => v.scaling_activities as f64,
            (Kind::DeploymentDurationS, Some(v)) => v
                .deployments
                .iter()
                .rev()
                .filter(|d| d.kind == "deployment")
                .find_map(|d| d.duration_s)?,
            (Kind::DeploymentExtraCostUsd, Some(v)) => last_deployment(v)?.extra_cost_usd,
            (Kind::NewRevisionRequestsBeforeFullShift, Some(v)) => {
                last_deployment(v)?.new_revision_requests_before_full_shift
            }
            (Kind::Deployment5xxRequests, Some(v)) => last_deployment(v)?.target_5xx_requests,
            (Kind::RollbackTimeS, Some(v)) => last_deployment(v)?.rollback_time_s?,
            (Kind::LatencyP95Ms, Some(v)) => v.latency.as_ref()?.p95_ms,
            (Kind::LatencyP99Ms, Some(v)) => v.latency.as_ref()?.p99_ms,
            (Kind::TimedOutRequests, Some(v)) => v.latency.as_ref()?.timed_out_requests,
            (
                Kind::JobsCompleted | Kind::JobsFailed | Kind::JobWaitP95S | Kind::JobMakespanS | Kind::CostPerJobUsd,
                _,
            ) => {
                unreachable!("job figures are measured by measure_jobs")
            }
        })
    }

    /// A figure of `summary.json`'s `jobs`; `None` in a run without standalone tasks.
    fn measure_jobs(&self, s: &Summary) -> Option<f64> {
        let jobs = s.jobs.as_ref()?;
        Some(match self.kind {
            Kind::JobsCompleted => jobs.completed as f64,
            Kind::JobsFailed => jobs.failed as f64,
            Kind::JobWaitP95S => jobs.wait_p95_s,
            Kind::JobMakespanS => jobs.triggers.iter().map(|t| t.makespan_s).fold(0.0, f64::max),
            Kind::CostPerJobUsd => jobs.cost_per_job_usd,
            _ => return None,
        })
    }
}

/// A service's last deployment that is not a rollback, as `expect:`'s deployment figures read it.
fn last_deployment(
    service: &crate::trace::summary::ServiceSummary,
) -> Option<&crate::trace::summary::DeploymentSummary> {
    service.deployments.iter().rev().find(|d| d.kind == "deployment")
}

/// The services of a spec, each with whether its timeline deploys it (an `UpdateService` that
/// starts a deployment).
pub fn services_of(spec: &Spec) -> Vec<(String, bool)> {
    spec.services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let deploys = spec.timeline.iter().any(
                |e| matches!(&e.action, TimelineAction::UpdateServiceDeployment { service, .. } if service.0 == i),
            );
            (s.name.clone(), deploys)
        })
        .collect()
}

/// The services of a spec whose task definition has a service model (they have latency figures).
pub fn latency_services_of(spec: &Spec) -> Vec<String> {
    spec.services
        .iter()
        .filter(|s| {
            s.queue.is_none()
                && spec.behavior.task_definitions[s.task_definition]
                    .service_model
                    .is_some()
        })
        .map(|s| s.name.clone())
        .collect()
}

/// The figures of a sweep, in column order.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureSet {
    figures: Vec<Figure>,
}

impl FigureSet {
    /// The figures of runs whose services are `services` (the union over every combination's
    /// spec, in first-seen order; a service deploys if it does in any): `cost_usd`, each
    /// service's figures, then `peak_instances` and `placement_failures`.
    pub fn for_services(services: &[(String, bool)]) -> FigureSet {
        FigureSet::with_latency(services, &[])
    }

    /// As [`FigureSet::for_services`], then `latency_p95_ms`, `latency_p99_ms` and
    /// `timed_out_requests` of each of `latency` (services with a service model), prefixed as the
    /// other service figures are.
    pub fn with_latency(services: &[(String, bool)], latency: &[String]) -> FigureSet {
        let mut union: Vec<(String, bool)> = Vec::new();
        for (name, deploys) in services {
            match union.iter_mut().find(|(n, _)| n == name) {
                Some(entry) => entry.1 |= deploys,
                None => union.push((name.clone(), *deploys)),
            }
        }
        let prefixed = union.len() > 1;
        let run_wide = |kind: Kind| Figure {
            name: kind.name().to_string(),
            kind,
            service: None,
        };
        let of_service = |service: &String, kind: Kind| Figure {
            name: if prefixed {
                format!("{service}.{}", kind.name())
            } else {
                kind.name().to_string()
            },
            kind,
            service: prefixed.then(|| service.clone()),
        };
        let mut figures = vec![run_wide(Kind::CostUsd)];
        for (service, deploys) in &union {
            let kinds = PER_SERVICE.iter().filter(|&&k| !DEPLOYMENT.contains(&k) || *deploys);
            figures.extend(kinds.map(|&kind| of_service(service, kind)));
        }
        figures.extend([run_wide(Kind::PeakInstances), run_wide(Kind::PlacementFailures)]);
        for (service, _) in union.iter().filter(|(name, _)| latency.contains(name)) {
            figures.extend(LATENCY.iter().map(|&kind| of_service(service, kind)));
        }
        FigureSet { figures }
    }

    /// The same figures, then the standalone tasks' (`jobs.completed`, `jobs.failed`,
    /// `jobs.wait_p95_s`, `jobs.makespan_s`, `jobs.cost_per_job_usd`) when `jobs` (some
    /// combination's scenario starts standalone tasks).
    pub fn with_jobs(mut self, jobs: bool) -> FigureSet {
        if jobs {
            self.figures.extend(JOBS.iter().map(|&kind| Figure {
                name: kind.name().to_string(),
                kind,
                service: None,
            }));
        }
        self
    }

    /// The figures named `names` (as a shard manifest lists them).
    pub fn from_names(names: &[String]) -> Result<FigureSet, String> {
        let figures = names
            .iter()
            .map(|name| {
                if let Some(kind) = JOBS.iter().copied().find(|k| k.name() == name) {
                    return Ok(Figure {
                        name: name.clone(),
                        kind,
                        service: None,
                    });
                }
                let (service, kind) = match name.rsplit_once('.') {
                    Some((service, kind)) => (Some(service.to_string()), kind),
                    None => (None, name.as_str()),
                };
                let kind = Kind::from_name(kind)
                    .filter(|k| !JOBS.contains(k))
                    .ok_or_else(|| format!("`{name}` is not a sweep figure"))?;
                if service.is_some() && kind.is_run_wide() {
                    return Err(format!("`{name}` is run-wide and has no service prefix"));
                }
                Ok(Figure {
                    name: name.clone(),
                    kind,
                    service,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(FigureSet { figures })
    }

    /// The figures, in column order.
    pub fn figures(&self) -> &[Figure] {
        &self.figures
    }

    /// The column names.
    pub fn names(&self) -> Vec<String> {
        self.figures.iter().map(|f| f.name.clone()).collect()
    }

    /// How many figures.
    pub fn len(&self) -> usize {
        self.figures.len()
    }

    /// Whether there is no figure (never: `cost_usd` is always one).
    pub fn is_empty(&self) -> bool {
        self.figures.is_empty()
    }

    /// The index of figure `name`, or an error listing the figures.
    pub fn index(&self, name: &str) -> Result<usize, String> {
        self.figures.iter().position(|f| f.name == name).ok_or_else(|| {
            format!(
                "unknown figure `{name}`; the figures of this sweep are: {}",
                self.names().join(", ")
            )
        })
    }

    /// Every figure of a run's summary, in column order.
    pub fn measure(&self, summary: &Summary) -> RunFigures {
        self.figures.iter().map(|f| f.measure(summary)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::summary::{DeploymentSummary, ProviderSummary, ServiceSummary};

    fn summary() -> Summary {
        let deployment = |kind: &str, duration_s| DeploymentSummary {
            kind: kind.into(),
            duration_s,
            ..Default::default()
        };
        Summary {
            cost_usd: 12.5,
            placement_failures: 3,
            capacity_providers: vec![
                ProviderSummary {
                    peak_instances: 4,
                    ..Default::default()
                },
                ProviderSummary {
                    peak_instances: 7,
                    ..Default::default()
                },
            ],
            services: vec![
                ServiceSummary {
                    service: "web".into(),
                    demand_requests: 1000.0,
                    unserved_requests: 25.0,
                    peak_running: 9,
                    scaling_activities: 4,
                    deployments: vec![
                        deployment("deployment", Some(300.0)),
                        deployment("deployment", Some(420.0)),
                        deployment("rollback", Some(90.0)),
                        deployment("deployment", None),
                    ],
                    ..Default::default()
                },
                ServiceSummary {
                    service: "worker".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn one_service_is_unprefixed() {
        let set = FigureSet::for_services(&[("web".into(), false)]);
        assert_eq!(
            set.names(),
            [
                "cost_usd",
                "demand_requests",
                "unserved_requests",
                "unserved_fraction",
                "peak_running",
                "mean_cpu_utilization",
                "max_cpu_utilization",
                "scaling_activities",
                "peak_instances",
                "placement_failures"
            ]
        );
        let values = set.measure(&summary());
        assert_eq!(values[..4], [Some(12.5), Some(1000.0), Some(25.0), Some(0.025)]);
        assert_eq!(values[8..], [Some(7.0), Some(3.0)]);
    }

    #[test]
    fn several_services_are_prefixed_and_deployments_are_the_last_completed() {
        let set = FigureSet::for_services(&[("web".into(), true), ("worker".into(), false), ("web".into(), false)]);
        let names = set.names();
        assert_eq!(names.len(), 1 + 12 + 7 + 2);
        assert!(names.contains(&"web.deployment_duration_s".to_string()));
        assert!(!names.contains(&"worker.deployment_duration_s".to_string()));
        let s = summary();
        let value = |name: &str| set.figures()[set.index(name).expect("known")].measure(&s);
        assert_eq!(value("web.deployment_duration_s"), Some(420.0));
        assert_eq!(
            value("worker.unserved_fraction"),
            Some(0.0),
            "no demand, no unserved fraction"
        );
        assert_eq!(value("cost_usd"), Some(12.5));
        assert_eq!(FigureSet::from_names(&names).expect("reads back"), set);
    }

    #[test]
    fn services_with_a_service_model_have_latency_figures_last() {
        let services = [("web".to_string(), false), ("worker".to_string(), false)];
        let set = FigureSet::with_latency(&services, &["web".to_string()]);
        let names = set.names();
        assert_eq!(
            names[names.len() - 3..],
            ["web.latency_p95_ms", "web.latency_p99_ms", "web.timed_out_requests"]
        );
        assert!(!names.iter().any(|n| n.starts_with("worker.latency")));
        let mut s = summary();
        s.services[0].latency = Some(crate::trace::summary::LatencySummary {
            p95_ms: 180.5,
            p99_ms: 250.25,
            timed_out_requests: 12.0,
            ..Default::default()
        });
        let value =
            |s: &crate::trace::summary::Summary, name: &str| set.figures()[set.index(name).expect("known")].measure(s);
        assert_eq!(value(&s, "web.latency_p99_ms"), Some(250.25));
        assert_eq!(value(&s, "web.timed_out_requests"), Some(12.0));
        s.services[0].latency = None;
        assert_eq!(
            value(&s, "web.latency_p95_ms"),
            None,
            "a run without the figure has none"
        );
        assert_eq!(FigureSet::from_names(&names).expect("reads back"), set);
        assert_eq!(
            FigureSet::with_latency(&services, &[]),
            FigureSet::for_services(&services)
        );
    }

    #[test]
    fn standalone_task_figures_come_last_from_the_jobs_block() {
        use crate::trace::summary::{JobsSummary, TriggerSummary};
        let services = [("web".to_string(), false)];
        let set = FigureSet::for_services(&services).with_jobs(true);
        let names = set.names();
        assert_eq!(
            names[names.len() - 5..],
            [
                "jobs.completed",
                "jobs.failed",
                "jobs.wait_p95_s",
                "jobs.makespan_s",
                "jobs.cost_per_job_usd"
            ]
        );
        assert_eq!(
            FigureSet::for_services(&services).with_jobs(false),
            FigureSet::for_services(&services)
        );
        let mut s = summary();
        let trigger = |name: &str, makespan_s| TriggerSummary {
            name: name.into(),
            makespan_s,
            ..Default::default()
        };
        s.jobs = Some(JobsSummary {
            completed: 18,
            failed: 2,
            wait_p95_s: 412.5,
            cost_per_job_usd: 0.0212345678,
            triggers: vec![trigger("nightly", 2614.4), trigger("hourly", 900.0)],
            ..Default::default()
        });
        let value = |s: &Summary, name: &str| set.figures()[set.index(name).expect("known")].measure(s);
        assert_eq!(value(&s, "jobs.completed"), Some(18.0));
        assert_eq!(value(&s, "jobs.failed"), Some(2.0));
        assert_eq!(value(&s, "jobs.wait_p95_s"), Some(412.5));
        assert_eq!(value(&s, "jobs.makespan_s"), Some(2614.4), "the longest trigger's");
        let cost = &set.figures()[set.index("jobs.cost_per_job_usd").expect("known")];
        assert_eq!(cost.format(0.0212345678), "0.021235");
        s.jobs = None;
        assert_eq!(value(&s, "jobs.completed"), None, "a run without jobs has none");
        assert_eq!(FigureSet::from_names(&names).expect("reads back"), set);
        assert!(FigureSet::from_names(&["web.jobs.completed".into()]).is_err());
    }

    #[test]
    fn unknown_names_list_the_figures() {
        let set = FigureSet::for_services(&[("web".into(), false)]);
        let err = set.index("cost").expect_err("unknown");
        assert!(
            err.starts_with("unknown figure `cost`; the figures of this sweep are: cost_usd, demand_requests"),
            "{err}"
        );
        assert!(FigureSet::from_names(&["web.cost_usd".into()]).is_err());
        assert!(FigureSet::from_names(&["nope".into()]).is_err());
    }

    #[test]
    fn costs_and_fractions_keep_six_decimals() {
        let set = FigureSet::for_services(&[("web".into(), false)]);
        let f = |name: &str| &set.figures()[set.index(name).expect("known")];
        assert_eq!(f("cost_usd").format(1.2345678), "1.234568");
        assert_eq!(f("unserved_fraction").format(0.0015), "0.0015");
        assert_eq!(f("peak_running").format(12.0), "12");
        assert_eq!(f("mean_cpu_utilization").format(41.23456), "41.235");
    }

    /// A canary rolled back: the figures of its last deployment (not the rollback after it), as
    /// `expect:` reads them; a rollback time only where one was rolled back; none for a service
    /// that does not deploy.
    #[test]
    fn deployment_figures_read_the_last_deployment_not_its_rollback() {
        let services = [("web".to_string(), true), ("worker".to_string(), false)];
        let set = FigureSet::for_services(&services);
        let names: Vec<String> = set.figures().iter().map(|f| f.name.clone()).collect();
        assert!(names.contains(&"web.rollback_time_s".to_string()));
        assert!(!names.contains(&"worker.deployment_5xx_requests".to_string()));
        let canary = DeploymentSummary {
            kind: "deployment".into(),
            extra_cost_usd: 0.052,
            new_revision_requests_before_full_shift: 7940.0,
            target_5xx_requests: 1588.0,
            rollback_time_s: Some(314.0),
            ..Default::default()
        };
        let rollback = DeploymentSummary {
            kind: "rollback".into(),
            target_5xx_requests: 3.0,
            ..Default::default()
        };
        let mut s = summary();
        s.services[0].deployments = vec![canary, rollback];
        let value = |name: &str, s: &Summary| set.figures()[set.index(name).expect("known")].measure(s);
        assert_eq!(value("web.deployment_extra_cost_usd", &s), Some(0.052));
        assert_eq!(value("web.new_revision_requests_before_full_shift", &s), Some(7940.0));
        assert_eq!(value("web.deployment_5xx_requests", &s), Some(1588.0));
        assert_eq!(value("web.rollback_time_s", &s), Some(314.0));
        s.services[0].deployments[0].rollback_time_s = None;
        assert_eq!(value("web.rollback_time_s", &s), None, "not rolled back: no value");
        assert_eq!(FigureSet::from_names(&names).expect("reads back"), set);
    }
}
