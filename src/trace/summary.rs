//! `summary.json`, defined once: the serde types `output::SummaryBuilder` fills and writes, and
//! the charts, the report and `ecsim check` read back.
//!
//! Every struct reads leniently (`#[serde(default)]`): a field a summary lacks, because an older
//! ecsim wrote it or a test wrote only what it needs, reads as zero, empty or `None`.

use serde::{Deserialize, Deserializer, Serialize};

/// File name in the run directory.
pub const FILE: &str = "summary.json";

/// One deployment of a service, from its `events.csv` rows.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
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
    /// `ROLLING`, `BLUE_GREEN`, `LINEAR` or `CANARY` (a rollback is `ROLLING`).
    pub strategy: String,
    /// When it failed, seconds from the start, if it did.
    pub failed_s: Option<f64>,
    /// Most tasks (running or starting) above desiredCount at a trace row while it was in
    /// progress: what the new revision held beside the old one.
    pub peak_extra_tasks: u32,
    /// Those extra tasks times the trace interval, hours (at trace-interval resolution).
    pub extra_task_hours: f64,
    /// The extra task-hours at the service's mean cost per task-hour over the run, USD.
    pub extra_cost_usd: f64,
    /// Requests the new revision served before it had all the traffic (rows whose
    /// `new_revision_weight_pct` was below 100).
    pub new_revision_requests_before_full_shift: f64,
    /// Requests the targets answered with a 5XX while it was in progress.
    pub target_5xx_requests: f64,
    /// For a failed deployment rolled back: seconds from its failure to the rollback's
    /// completion.
    pub rollback_time_s: Option<f64>,
}

/// Aggregates of one service over the run.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ServiceSummary {
    /// Service name.
    pub service: String,
    /// An EKS Deployment rather than an ECS service (absent for ECS services).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub eks_deployment: bool,
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
    /// Median of the interval CPU utilizations while the service had a RUNNING task, percent
    /// (nearest rank, to 0.1); `null` when it never had one.
    pub cpu_utilization_p50: Option<f64>,
    /// 90th percentile of the same, percent.
    pub cpu_utilization_p90: Option<f64>,
    /// 99th percentile of the same, percent.
    pub cpu_utilization_p99: Option<f64>,
    /// Requests that arrived.
    pub demand_requests: f64,
    /// Requests served.
    pub served_requests: f64,
    /// Requests left unserved.
    pub unserved_requests: f64,
    /// Unserved requests over demand (0 without demand), rounded to 6 decimals.
    pub unserved_fraction: f64,
    /// Hours its tasks spent from RUNNING to STOPPED (or the end of the run), summed over tasks.
    pub task_hours: f64,
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
    /// The capacity providers its tasks were launched on, by name, sorted: the charts mark a
    /// Spot interruption of a provider on the charts of the services it could hit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capacity_providers: Vec<String>,
    /// Its deployments (and rollbacks), in start order.
    pub deployments: Vec<DeploymentSummary>,
    /// When (seconds from the start) an `UpdateService` named the revision the service already
    /// ran, without forceNewDeployment, so that no deployment started (as in ECS).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub updates_without_deployment_s: Vec<f64>,
    /// Queue workers: the most messages visible at a trace row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_queue_depth: Option<f64>,
    /// Queue workers: the oldest message age seen at a trace row, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_oldest_message_age_s: Option<f64>,
    /// Services with a service model: response times of the run's requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySummary>,
}

/// Response-time figures of one service over the whole run: percentiles of every served
/// request (the mixture of the intervals' response-time distributions, weighted by the
/// requests each served), not means of per-interval percentiles.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct LatencySummary {
    /// Median response time, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// The percentiles are within this relative error of the mixture's (0.01: 1 %).
    pub relative_accuracy: f64,
    /// Requests that waited past `behavior.latency.timeout` and were not served.
    pub timed_out_requests: f64,
    /// `behavior.latency.timeout`, seconds.
    pub timeout_s: f64,
}

/// `PolicyType` of a target tracking policy.
pub const TARGET_TRACKING_SCALING: &str = "TargetTrackingScaling";
/// `PolicyType` of a step scaling policy.
pub const STEP_SCALING: &str = "StepScaling";
/// `PolicyType` of a predictive scaling policy.
pub const PREDICTIVE_SCALING: &str = "PredictiveScaling";

/// What a predictive scaling policy did (reference 15.6).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct PredictiveSummary {
    /// `Mode`: `ForecastOnly` or `ForecastAndScale`.
    pub mode: String,
    /// `seasonal` (ecsim's approximation, not AWS's algorithm) or `replay` (AWS's forecast).
    pub forecaster: String,
    /// Forecasts made (one every 6 hours once the history allows).
    pub forecasts: u64,
    /// Whole hours whose load was compared with the forecast in force (`forecast.csv` rows
    /// with a load above zero).
    pub hours_compared: u64,
    /// Mean absolute percentage error of the load forecast over those hours; absent before any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_mape_percent: Option<f64>,
}

/// Scaling activities of one policy.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct PolicySummary {
    /// Policy name.
    pub policy: String,
    /// Service it scales.
    pub service: String,
    /// Activities that changed the desired count.
    pub scaling_activities: u64,
    /// `PolicyType`: [`TARGET_TRACKING_SCALING`] or [`STEP_SCALING`].
    pub policy_type: String,
    /// The CloudWatch metric a target tracking policy tracks (`CPUUtilization`, ...; metric math
    /// as `ApproximateNumberOfMessagesVisible / RunningTaskCount`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// A target tracking or predictive policy's `TargetValue`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_value: Option<f64>,
    /// A predictive policy's forecasts and their error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predictive: Option<PredictiveSummary>,
}

impl PolicySummary {
    /// Whether the policy is target tracking with a known `TargetValue`.
    pub fn is_target_tracking(&self) -> bool {
        self.policy_type == TARGET_TRACKING_SCALING && self.target_value.is_some()
    }
}

/// How long one alarm spent in ALARM.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct AlarmSummary {
    /// Alarm name.
    pub alarm: String,
    /// Evaluations.
    pub evaluations: u64,
    /// Evaluations that found it in ALARM.
    pub evaluations_in_alarm: u64,
}

/// One `expect:` line and its verdict.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
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
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ProviderSummary {
    /// Provider name.
    pub capacity_provider: String,
    /// Highest registered instance count.
    pub peak_instances: u32,
    /// Highest task count.
    pub peak_tasks: u32,
    /// Hours its tasks (of services, and standalone tasks) spent from RUNNING to STOPPED (or the
    /// end of the run), summed over tasks.
    pub task_hours: f64,
    /// Instance-hours: registered and launching instances at each `cluster.csv` row times the
    /// interval the row ends (0 for Fargate).
    pub instance_hours: f64,
    /// Median of `cpu_reserved_pct` at the rows where it had an instance, percent (nearest
    /// rank, to 0.1); `null` when it never had one (Fargate).
    pub cpu_reserved_p50: Option<f64>,
    /// 90th percentile of the same, percent.
    pub cpu_reserved_p90: Option<f64>,
    /// 99th percentile of the same, percent.
    pub cpu_reserved_p99: Option<f64>,
    /// Cost over the run, USD.
    pub cost_usd: f64,
    /// Spot interruptions: FARGATE_SPOT tasks, or Spot instances of an Auto Scaling group.
    pub spot_interruptions: u64,
}

/// The whole `summary.json`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Scenario description.
    pub description: String,
    /// The ecsim version that made the run (`CARGO_PKG_VERSION`).
    pub ecsim_version: String,
    /// SHA-256 of the scenario file's bytes, lowercase hex (as `sha256sum` prints it).
    pub scenario_sha256: String,
    /// The scenario's header comment: its leading `#` block, without the `#`s.
    pub scenario_header: String,
    /// Seed used.
    pub seed: u64,
    /// Every override applied to the scenario, in order, as `PATH=VALUE` (`--set`, and `seed=N`
    /// for `--seed N`): with the same file and these, `ecsim run` makes the same run.
    pub overrides: Vec<String>,
    /// Wall-clock start of the simulated time.
    pub start: String,
    /// The IANA time zone the charts' clock times are in: the scenario's `charts.timeZone`, else
    /// the `Timezone` its scheduled actions name, when they all name the same one and it is not
    /// UTC; absent for UTC.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub time_zone: String,
    /// Simulated seconds.
    pub simulated_seconds: f64,
    /// Events handled.
    pub events_processed: u64,
    /// Tasks created: of services, and standalone tasks (a RunTask call refused in `failures`
    /// creates none).
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
    #[serde(deserialize_with = "evaluated_expectations")]
    pub expectations: Vec<ExpectationRecord>,
    /// The stretch of the run the charts were drawn over (`charts.window`, `--from`/`--to`);
    /// absent when they show the whole run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart_window: Option<ChartWindow>,
    /// Services that are alternatives to one another (`charts.compare`), drawn on one comparison
    /// chart and never added up; absent without.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chart_compare: Vec<ComparedService>,
    /// Standalone tasks' figures; absent in a run without them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs: Option<JobsSummary>,
}

/// The standalone tasks of a run (`jobs.csv` in figures).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct JobsSummary {
    /// Tasks RunTask was asked for (a retried task counts once).
    pub jobs: u64,
    /// Attempts, retries included.
    pub attempts: u64,
    /// Attempts that completed (exit code 0).
    pub completed: u64,
    /// Attempts that failed: exit code 1, a RunTask failure, a capacity wait that timed out.
    pub failed: u64,
    /// Attempts interrupted (their instance went away) and retried or not asked to be.
    pub interrupted: u64,
    /// Attempts interrupted with no retry left.
    pub abandoned: u64,
    /// Attempts still waiting or running at the end.
    pub unfinished: u64,
    /// Median wait for capacity (RunTask call to placement), seconds, over attempts.
    pub wait_p50_s: f64,
    /// 95th percentile of the wait for capacity, seconds.
    pub wait_p95_s: f64,
    /// Longest wait for capacity, seconds.
    pub wait_max_s: f64,
    /// Cost of every attempt, USD.
    pub cost_usd: f64,
    /// `cost_usd` divided by `jobs`.
    pub cost_per_job_usd: f64,
    /// Per trigger (schedule, rule, or a `runTask` event's task group), by name.
    pub triggers: Vec<TriggerSummary>,
}

/// The jobs of one trigger.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TriggerSummary {
    /// `runTask`, `schedule` or `rule`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Firings (distinct firing times).
    pub firings: u64,
    /// Tasks asked for.
    pub jobs: u64,
    /// Attempts completed.
    pub completed: u64,
    /// Attempts failed.
    pub failed: u64,
    /// Attempts interrupted (and not refused a retry).
    pub interrupted: u64,
    /// Interrupted attempts the RetryPolicy allowed no retry (A18).
    pub abandoned: u64,
    /// The longest batch of one firing: from the firing to the end of its last task, seconds;
    /// a batch with a task still going at the end of the run counts until the end.
    pub makespan_s: f64,
    /// Cost of its attempts, USD.
    pub cost_usd: f64,
}

/// One alternative of `charts.compare`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ComparedService {
    /// The service.
    pub service: String,
    /// The capacity providers its tasks may run on (its launch type's or strategy's), in order.
    pub capacity_providers: Vec<String>,
}

/// What made a run besides the engine: the fields of [`Summary`] a scenario's loading gives.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Provenance {
    /// [`Summary::ecsim_version`].
    pub ecsim_version: String,
    /// [`Summary::scenario_sha256`].
    pub scenario_sha256: String,
    /// [`Summary::overrides`].
    pub overrides: Vec<String>,
    /// [`Summary::scenario_header`].
    pub scenario_header: String,
}

/// A stretch of the run, seconds since its start.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ChartWindow {
    /// Start.
    pub from_s: f64,
    /// End.
    pub to_s: f64,
}

impl Summary {
    /// Reads `summary.json` text.
    pub fn from_json(text: &str) -> Result<Summary, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The simulated duration in milliseconds.
    pub fn simulated_ms(&self) -> u64 {
        (self.simulated_seconds * 1000.0).round() as u64
    }

    /// The summary of service `name`.
    pub fn service(&self, name: &str) -> Option<&ServiceSummary> {
        self.services.iter().find(|s| s.service == name)
    }

    /// The summary of capacity provider `name`.
    pub fn provider(&self, name: &str) -> Option<&ProviderSummary> {
        self.capacity_providers.iter().find(|p| p.capacity_provider == name)
    }
}

/// The expectations of a summary. The first summaries, written before expectations were
/// evaluated, listed them as bare strings without a verdict: those are left out rather than read
/// as failures.
fn evaluated_expectations<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ExpectationRecord>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Entry {
        Evaluated(ExpectationRecord),
        NotEvaluated(#[allow(dead_code)] String),
    }
    let entries: Vec<Entry> = Vec::deserialize(d)?;
    Ok(entries
        .into_iter()
        .filter_map(|e| match e {
            Entry::Evaluated(r) => Some(r),
            Entry::NotEvaluated(_) => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_writes_and_fills_what_a_summary_lacks() {
        let summary = Summary {
            scenario: "s".into(),
            seed: 7,
            simulated_seconds: 3600.5,
            services: vec![ServiceSummary {
                service: "web".into(),
                first_steady_state_s: Some(90.0),
                deployments: vec![DeploymentSummary {
                    kind: "deployment".into(),
                    rollout_state: "COMPLETED".into(),
                    ..Default::default()
                }],
                peak_queue_depth: Some(12.5),
                ..Default::default()
            }],
            scaling_policies: vec![PolicySummary {
                policy: "cpu60".into(),
                policy_type: TARGET_TRACKING_SCALING.into(),
                target_value: Some(60.0),
                ..Default::default()
            }],
            expectations: vec![ExpectationRecord {
                expression: "a < 1".into(),
                line: 3,
                passed: true,
                measured: Some(0.5),
                message: "ok".into(),
            }],
            ..Default::default()
        };
        let text = serde_json::to_string_pretty(&summary).expect("serializes");
        assert_eq!(Summary::from_json(&text).expect("reads"), summary);
        assert_eq!(summary.simulated_ms(), 3_600_500);
        assert!(summary.scaling_policies[0].is_target_tracking());

        let partial = Summary::from_json(r#"{"scenario": "old", "services": [{"service": "web"}]}"#).expect("reads");
        assert_eq!((partial.scenario.as_str(), partial.cost_usd), ("old", 0.0));
        assert_eq!(partial.service("web").map(|s| s.unserved_requests), Some(0.0));
    }

    #[test]
    fn leaves_out_expectations_written_before_verdicts() {
        let summary = Summary::from_json(
            r#"{"expectations": ["a < 1", {"expression": "b > 2", "line": 7, "measured": 3.5, "passed": true}]}"#,
        )
        .expect("reads");
        assert_eq!(summary.expectations.len(), 1);
        let e = &summary.expectations[0];
        assert_eq!(
            (e.expression.as_str(), e.line, e.measured, e.passed),
            ("b > 2", 7, Some(3.5), true)
        );
    }

    #[test]
    fn a_wrong_type_is_an_error_naming_the_field() {
        let err = Summary::from_json(r#"{"cost_usd": "a lot"}"#).expect_err("a string is not a cost");
        assert!(err.to_string().contains("invalid type: string \"a lot\""), "{err}");
    }
}
