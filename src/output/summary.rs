//! `summary.json`: the run's identity, totals and per-service and per-provider aggregates.

use serde::Serialize;

use crate::spec::Spec;
use crate::spec::{PolicyKind, ScalingPolicySpec};
use crate::trace::format::timestamp;
use crate::trace::{AlarmRow, ClusterRow, EventKind, EventRecord, RunTotals, ServiceRow};

/// One deployment of a service, from its `events.csv` rows.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct DeploymentSummary {
    /// `deployment` or `rollback`.
    pub kind: String,
    /// Seconds from the start of the run when it started.
    pub started_s: f64,
    /// When it reached COMPLETED, if it did.
    pub completed_s: Option<f64>,
    /// Completed minus started, seconds.
    pub duration_s: Option<f64>,
    /// `COMPLETED`, `FAILED`, or `IN_PROGRESS` when the run ended.
    pub rollout_state: String,
    /// Whether it stalled ("unable to stop or start tasks") at some point.
    pub stalled: bool,
    #[serde(skip)]
    started_ms: u64,
}

/// Aggregates of one service over the run.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ServiceSummary {
    /// Service name.
    pub service: String,
    /// Highest desiredCount seen at a trace row.
    pub peak_desired: u32,
    /// Highest RUNNING count.
    pub peak_running: u32,
    /// Lowest healthy count.
    pub min_healthy: u32,
    /// Time-weighted mean CPU utilization, percent.
    pub mean_cpu_utilization: f64,
    /// Highest interval CPU utilization, percent.
    pub max_cpu_utilization: f64,
    /// Requests that arrived.
    pub demand_requests: f64,
    /// Requests served.
    pub served_requests: f64,
    /// Requests left unserved.
    pub unserved_requests: f64,
    /// Seconds of the first steady-state event (from the start).
    pub first_steady_state_s: Option<f64>,
    /// Scaling activities that changed the desired count.
    pub scaling_activities: u64,
    /// Seconds during which desired was at MaxCapacity of a scalable target.
    pub time_at_max_capacity_s: f64,
    /// Cost of its Fargate tasks and its share of EC2 instances (by reserved CPU), USD.
    pub cost_usd: f64,
    /// Its FARGATE_SPOT tasks interrupted.
    pub spot_interruptions: u64,
    /// Its deployments (and rollbacks), in start order.
    pub deployments: Vec<DeploymentSummary>,
    /// Queue workers: the most messages visible at a trace row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_queue_depth: Option<f64>,
    /// Queue workers: the oldest message age seen at a trace row, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_oldest_message_age_s: Option<f64>,
    #[serde(skip)]
    interval_ms_weight: f64,
    #[serde(skip)]
    cpu_weighted: f64,
    #[serde(skip)]
    last_time_ms: u64,
}

/// Scaling activities of one policy.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct PolicySummary {
    /// Policy name.
    pub policy: String,
    /// Service it scales.
    pub service: String,
    /// Activities that changed the desired count.
    pub scaling_activities: u64,
    /// `PolicyType`: `TargetTrackingScaling` or `StepScaling`.
    pub policy_type: String,
    /// The CloudWatch metric a target tracking policy tracks (`CPUUtilization`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// A target tracking policy's `TargetValue`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_value: Option<f64>,
}

impl PolicySummary {
    /// The summary of `policy` before any activity.
    fn of(spec: &Spec, policy: &ScalingPolicySpec) -> Self {
        let (policy_type, metric, target_value) = match &policy.kind {
            PolicyKind::TargetTracking(tt) => (
                "TargetTrackingScaling",
                Some(tt.stream.metric.metric_name().to_string()),
                Some(tt.target_value),
            ),
            PolicyKind::StepScaling(_) => ("StepScaling", None, None),
        };
        PolicySummary {
            policy: policy.name.clone(),
            service: spec.services[policy.service].name.clone(),
            scaling_activities: 0,
            policy_type: policy_type.to_string(),
            metric,
            target_value,
        }
    }
}

/// How long one alarm spent in ALARM.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct AlarmSummary {
    /// Alarm name.
    pub alarm: String,
    /// Evaluations.
    pub evaluations: u64,
    /// Evaluations that found it in ALARM.
    pub evaluations_in_alarm: u64,
}

/// One `expect:` line and its verdict.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ExpectationRecord {
    /// The expression as written.
    pub expression: String,
    /// Line in the scenario file.
    pub line: usize,
    /// True when it holds.
    pub passed: bool,
    /// The measured value, when it could be measured.
    pub measured: Option<f64>,
    /// `max(web.running) = 9, expected <= 8`, or why it could not be evaluated.
    pub message: String,
}

/// Aggregates of one capacity provider.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ProviderSummary {
    /// Provider name.
    pub capacity_provider: String,
    /// Highest registered instance count.
    pub peak_instances: u32,
    /// Highest task count.
    pub peak_tasks: u32,
    /// Cost over the run, USD.
    pub cost_usd: f64,
    /// Spot interruptions: FARGATE_SPOT tasks, or Spot instances of an Auto Scaling group.
    pub spot_interruptions: u64,
}

/// The whole `summary.json`.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Scenario description.
    pub description: String,
    /// Seed used.
    pub seed: u64,
    /// Wall-clock start of the simulated time.
    pub start: String,
    /// Simulated seconds.
    pub simulated_seconds: f64,
    /// Events handled.
    pub events_processed: u64,
    /// Tasks created.
    pub tasks_started: u64,
    /// Placement failures reported in events.csv.
    pub placement_failures: u64,
    /// Total cost, USD.
    pub cost_usd: f64,
    /// EC2 cost no service's tasks reserved, USD: the services' `cost_usd` plus this is the total.
    pub unallocated_cost_usd: f64,
    /// Per service.
    pub services: Vec<ServiceSummary>,
    /// Per capacity provider.
    pub capacity_providers: Vec<ProviderSummary>,
    /// Per scaling policy.
    pub scaling_policies: Vec<PolicySummary>,
    /// Per alarm.
    pub alarms: Vec<AlarmSummary>,
    /// AWS fields accepted but not modelled.
    pub ignored_fields: Vec<String>,
    /// Parts of the scenario not simulated yet.
    pub not_yet_simulated: Vec<String>,
    /// Expectations with their verdicts.
    pub expectations: Vec<ExpectationRecord>,
}

/// Builds the summary from the records as they stream by (constant memory).
#[derive(Clone, Debug)]
pub struct SummaryBuilder {
    summary: Summary,
}

impl SummaryBuilder {
    /// A builder for `spec`.
    pub fn new(spec: &Spec) -> Self {
        SummaryBuilder {
            summary: Summary {
                scenario: spec.name.clone(),
                description: spec.description.clone(),
                seed: spec.seed,
                start: timestamp(spec.start_epoch_ms, 0),
                services: spec
                    .services
                    .iter()
                    .map(|s| ServiceSummary {
                        service: s.name.clone(),
                        min_healthy: u32::MAX,
                        ..Default::default()
                    })
                    .collect(),
                capacity_providers: spec
                    .capacity_providers
                    .iter()
                    .map(|p| ProviderSummary {
                        capacity_provider: p.name.clone(),
                        ..Default::default()
                    })
                    .collect(),
                scaling_policies: spec
                    .auto_scaling
                    .scaling_policies
                    .iter()
                    .map(|p| PolicySummary::of(spec, p))
                    .collect(),
                ignored_fields: spec.ignored_fields.clone(),
                not_yet_simulated: spec.not_yet_simulated.clone(),
                ..Default::default()
            },
        }
    }

    /// Folds in a services row.
    pub fn service_row(&mut self, r: &ServiceRow<'_>) {
        let Some(s) = self.summary.services.iter_mut().find(|s| s.service == r.service) else {
            return;
        };
        let dt = r.time_ms.saturating_sub(s.last_time_ms) as f64;
        s.last_time_ms = r.time_ms;
        s.peak_desired = s.peak_desired.max(r.desired);
        s.peak_running = s.peak_running.max(r.running);
        s.min_healthy = s.min_healthy.min(r.healthy);
        s.max_cpu_utilization = s.max_cpu_utilization.max(r.cpu_utilization);
        s.cpu_weighted += r.cpu_utilization * dt;
        s.interval_ms_weight += dt;
        s.demand_requests += r.demand_rps * dt / 1000.0;
        s.served_requests += r.served_rps * dt / 1000.0;
        s.unserved_requests += r.unserved_requests;
        if r.max_capacity > 0 && r.desired >= r.max_capacity && r.min_capacity != r.max_capacity {
            s.time_at_max_capacity_s += dt / 1000.0;
        }
        if let Some(depth) = r.queue_depth {
            s.peak_queue_depth = Some(s.peak_queue_depth.map_or(depth, |p| p.max(depth)));
        }
        if let Some(age) = r.oldest_message_age_s {
            s.max_oldest_message_age_s = Some(s.max_oldest_message_age_s.map_or(age, |a| a.max(age)));
        }
    }

    /// Folds in a cluster row.
    pub fn cluster_row(&mut self, r: &ClusterRow<'_>) {
        let Some(p) = self
            .summary
            .capacity_providers
            .iter_mut()
            .find(|p| p.capacity_provider == r.capacity_provider)
        else {
            return;
        };
        p.peak_instances = p.peak_instances.max(r.instances);
        p.peak_tasks = p.peak_tasks.max(r.tasks);
    }

    /// Folds in an alarm evaluation.
    pub fn alarm_row(&mut self, r: &AlarmRow<'_>) {
        let alarms = &mut self.summary.alarms;
        let i = match alarms.iter().position(|a| a.alarm == r.alarm) {
            Some(i) => i,
            None => {
                alarms.push(AlarmSummary {
                    alarm: r.alarm.to_string(),
                    ..Default::default()
                });
                alarms.len() - 1
            }
        };
        alarms[i].evaluations += 1;
        alarms[i].evaluations_in_alarm += u64::from(r.state == "ALARM");
    }

    /// Folds in an event.
    pub fn event(&mut self, e: &EventRecord) {
        self.deployment_event(e);
        if e.kind == EventKind::ScalingActivity {
            if let Some(s) = self.summary.services.iter_mut().find(|s| s.service == e.subject) {
                s.scaling_activities += 1;
            }
            let policy = e.message.split(':').next().unwrap_or("");
            if let Some(p) = self
                .summary
                .scaling_policies
                .iter_mut()
                .find(|p| p.policy == policy && p.service == e.subject)
            {
                p.scaling_activities += 1;
            }
        }
        if e.kind == EventKind::SteadyState {
            if let Some(s) = self.summary.services.iter_mut().find(|s| s.service == e.subject) {
                s.first_steady_state_s.get_or_insert(e.time_ms as f64 / 1000.0);
            }
        }
    }

    /// Deployment rows of `events.csv` become the service's deployment list.
    fn deployment_event(&mut self, e: &EventRecord) {
        let Some(s) = self.summary.services.iter_mut().find(|s| s.service == e.subject) else {
            return;
        };
        let t = e.time_ms as f64 / 1000.0;
        match e.kind {
            EventKind::DeploymentStarted | EventKind::RollbackStarted => s.deployments.push(DeploymentSummary {
                kind: if e.kind == EventKind::RollbackStarted {
                    "rollback"
                } else {
                    "deployment"
                }
                .into(),
                started_s: t,
                completed_s: None,
                duration_s: None,
                rollout_state: "IN_PROGRESS".into(),
                stalled: false,
                started_ms: e.time_ms,
            }),
            EventKind::DeploymentCompleted | EventKind::DeploymentFailed | EventKind::DeploymentStalled => {
                let Some(d) = s
                    .deployments
                    .iter_mut()
                    .rev()
                    .find(|d| d.rollout_state == "IN_PROGRESS")
                else {
                    return;
                };
                match e.kind {
                    EventKind::DeploymentCompleted => {
                        d.completed_s = Some(t);
                        // From integer milliseconds, so the figure carries no float noise.
                        d.duration_s = Some(e.time_ms.saturating_sub(d.started_ms) as f64 / 1000.0);
                        d.rollout_state = "COMPLETED".into();
                    }
                    EventKind::DeploymentFailed => d.rollout_state = "FAILED".into(),
                    _ => d.stalled = true,
                }
            }
            _ => {}
        }
    }

    /// Folds in the engine's totals.
    pub fn finish(&mut self, totals: &RunTotals) {
        let s = &mut self.summary;
        s.simulated_seconds = totals.simulated_ms as f64 / 1000.0;
        s.events_processed = totals.events_processed;
        s.tasks_started = totals.tasks_started;
        s.placement_failures = totals.placement_failures;
        for (name, cost) in &totals.provider_cost_usd {
            if let Some(p) = s.capacity_providers.iter_mut().find(|p| p.capacity_provider == *name) {
                p.cost_usd = round6(*cost);
            }
        }
        s.cost_usd = round6(totals.provider_cost_usd.iter().map(|(_, c)| c).sum());
        s.unallocated_cost_usd = round6(totals.unallocated_cost_usd.max(0.0));
        for (name, cost) in &totals.service_cost_usd {
            if let Some(svc) = s.services.iter_mut().find(|svc| svc.service == *name) {
                svc.cost_usd = round6(*cost);
            }
        }
        for (name, n) in &totals.service_spot_interruptions {
            if let Some(svc) = s.services.iter_mut().find(|svc| svc.service == *name) {
                svc.spot_interruptions = *n;
            }
        }
        for (name, n) in &totals.provider_spot_interruptions {
            if let Some(p) = s.capacity_providers.iter_mut().find(|p| p.capacity_provider == *name) {
                p.spot_interruptions = *n;
            }
        }
        for svc in &mut s.services {
            svc.mean_cpu_utilization = if svc.interval_ms_weight > 0.0 {
                round3(svc.cpu_weighted / svc.interval_ms_weight)
            } else {
                0.0
            };
            svc.max_cpu_utilization = round3(svc.max_cpu_utilization);
            svc.demand_requests = svc.demand_requests.round();
            svc.served_requests = svc.served_requests.round();
            svc.unserved_requests = svc.unserved_requests.round();
            if svc.min_healthy == u32::MAX {
                svc.min_healthy = 0;
            }
        }
    }

    /// The summary so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Records the verdicts of the scenario's expectations.
    pub fn set_expectations(&mut self, records: Vec<ExpectationRecord>) {
        self.summary.expectations = records;
    }

    /// `summary.json` text (pretty, stable key order).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.summary).expect("summary serializes") + "\n"
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
