//! `summary.json`'s builder: folds the records in as they stream by. The types it fills (and
//! that readers read back) are in `trace::summary`.

use std::collections::BTreeMap;

use super::percentiles::PercentHistogram;
use super::policy_summary::policy_summary;
use crate::spec::Spec;
use crate::trace::format::timestamp;
use crate::trace::summary::{
    AlarmSummary, DeploymentSummary, ExpectationRecord, LatencySummary, PredictiveSummary, ProviderSummary,
    ServiceSummary, Summary,
};
use crate::trace::{
    AlarmRow, ClusterRow, DesiredCause, EventDetail, EventKind, EventRecord, ForecastMade, ForecastRow, RunTotals,
    ServiceRow, TaskRecord,
};

/// What the builder keeps of a service besides its summary: the time-weighted CPU sums and the
/// start of its deployment in progress.
#[derive(Clone, Debug, Default)]
struct ServiceAccumulator {
    interval_ms_weight: f64,
    cpu_weighted: f64,
    last_time_ms: u64,
    /// Start of each deployment of `ServiceSummary::deployments`, ms (durations come from
    /// integer milliseconds, so they carry no float noise).
    deployment_started_ms: Vec<u64>,
    /// CPU utilization of the rows with a RUNNING task.
    cpu: PercentHistogram,
    tasks: TaskTime,
}

/// What the builder keeps of a capacity provider besides its summary.
#[derive(Clone, Debug, Default)]
struct ProviderAccumulator {
    last_time_ms: u64,
    /// Instances (registered and launching) times milliseconds.
    instance_ms: u64,
    /// `cpu_reserved_pct` of the rows with an instance.
    cpu_reserved: PercentHistogram,
    tasks: TaskTime,
}

/// RUNNING time of a group of tasks in integer milliseconds: the tasks that stopped add their
/// time as their records come; those still running at the end are counted then.
#[derive(Clone, Copy, Debug, Default)]
struct TaskTime {
    closed_ms: u64,
    open: u64,
    open_since_ms_sum: u64,
}

impl TaskTime {
    fn add(&mut self, t: &TaskRecord<'_>) {
        self.add_span(t.running_ms, t.stopped_ms);
    }

    /// A task RUNNING from `running_ms` to `stopped_ms` (still running: to the end).
    fn add_span(&mut self, running_ms: Option<u64>, stopped_ms: Option<u64>) {
        match (running_ms, stopped_ms) {
            (Some(running), Some(stopped)) => self.closed_ms += stopped.saturating_sub(running),
            (Some(running), None) => {
                self.open += 1;
                self.open_since_ms_sum += running;
            }
            (None, _) => {}
        }
    }

    /// Hours in all, the open tasks counted to `end_ms`.
    fn hours(&self, end_ms: u64) -> f64 {
        let open_ms = (self.open * end_ms).saturating_sub(self.open_since_ms_sum);
        round6((self.closed_ms + open_ms) as f64 / 3_600_000.0)
    }
}

/// Builds the summary from the records as they stream by (constant memory). The default builder
/// knows no service, provider or policy (a run of nothing; tests of the writers).
#[derive(Clone, Debug, Default)]
pub struct SummaryBuilder {
    summary: Summary,
    /// One per service of `summary.services`, in the same order.
    accumulators: Vec<ServiceAccumulator>,
    /// One per provider of `summary.capacity_providers`, in the same order.
    provider_accumulators: Vec<ProviderAccumulator>,
    /// Some task definition has a service model: the run has latency figures.
    latency: bool,
    /// Where each name is in the summary's lists: records name their subject, and a walk over
    /// every service per row made runs of thousands of services quadratic (issue 16). Looked up,
    /// never iterated; the first entry of a name wins, as a search from the front would.
    index: NameIndex,
    /// Standalone tasks' aggregates, once a job record came.
    jobs: Option<super::job_summary::JobAccumulator>,
    /// Standalone tasks created (attempts that became a task: all but RunTask's `failures`).
    job_tasks_started: u64,
    /// The run's end, ms (a job still going counts until then).
    end_ms: u64,
    /// The load forecast error of each predictive policy, by index in `scaling_policies`.
    mapes: BTreeMap<usize, crate::policy::predictive::accuracy::Mape>,
}

/// Positions by name in `Summary`'s lists.
#[derive(Clone, Debug, Default)]
struct NameIndex {
    services: BTreeMap<String, usize>,
    providers: BTreeMap<String, usize>,
    alarms: BTreeMap<String, usize>,
    /// Policy name, then service name.
    policies: BTreeMap<String, BTreeMap<String, usize>>,
}

/// Name to first position.
fn first_positions<'a>(names: impl Iterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for (i, name) in names.enumerate() {
        map.entry(name.to_string()).or_insert(i);
    }
    map
}

/// The time zone of the charts' clock: the one every scheduled action names, unless none does,
/// they differ, or it is UTC (then empty).
fn chart_time_zone(spec: &Spec) -> String {
    let mut zones: Vec<&str> = spec
        .auto_scaling
        .scheduled_actions
        .iter()
        .map(|a| a.schedule.timezone.name())
        .collect();
    zones.sort_unstable();
    zones.dedup();
    match zones[..] {
        [zone] if zone != "UTC" => zone.to_string(),
        _ => String::new(),
    }
}

/// The names of the run's services: the ECS services, then the EKS Deployments.
fn service_names(spec: &Spec) -> impl Iterator<Item = &str> {
    let ecs = spec.services.iter().map(|s| s.name.as_str());
    ecs.chain(spec.eks.deployments.iter().map(|d| d.name.as_str()))
}

/// The names of the run's capacity: the ECS capacity providers, then the EKS node groups,
/// NodePools and Fargate profiles.
fn provider_names(spec: &Spec) -> impl Iterator<Item = &str> {
    let eks = &spec.eks;
    let ecs = spec.capacity_providers.iter().map(|p| p.name.as_str());
    ecs.chain(eks.node_groups.iter().map(|g| g.name.as_str()))
        .chain(eks.node_pools.iter().map(|p| p.name.as_str()))
        .chain(eks.fargate_profiles.iter().map(|f| f.name.as_str()))
}

impl SummaryBuilder {
    /// A builder for `spec`.
    pub fn new(spec: &Spec) -> Self {
        let mut builder = SummaryBuilder {
            summary: Summary {
                scenario: spec.name.clone(),
                description: spec.description.clone(),
                seed: spec.seed,
                start: timestamp(spec.start_epoch_ms, 0),
                time_zone: chart_time_zone(spec),
                services: service_names(spec)
                    .enumerate()
                    .map(|(i, name)| ServiceSummary {
                        service: name.to_string(),
                        eks_deployment: i >= spec.services.len(),
                        min_healthy: u32::MAX,
                        ..Default::default()
                    })
                    .collect(),
                capacity_providers: provider_names(spec)
                    .map(|name| ProviderSummary {
                        capacity_provider: name.to_string(),
                        ..Default::default()
                    })
                    .collect(),
                scaling_policies: spec
                    .auto_scaling
                    .scaling_policies
                    .iter()
                    .map(|p| policy_summary(spec, p))
                    .collect(),
                ignored_fields: spec.ignored_fields.clone(),
                not_yet_simulated: spec.not_yet_simulated.clone(),
                ..Default::default()
            },
            accumulators: vec![ServiceAccumulator::default(); service_names(spec).count()],
            provider_accumulators: vec![ProviderAccumulator::default(); provider_names(spec).count()],
            latency: spec.behavior.has_service_model(),
            index: NameIndex::default(),
            jobs: None,
            job_tasks_started: 0,
            end_ms: spec.duration.as_millis(),
            mapes: BTreeMap::new(),
        };
        let s = &builder.summary;
        let mut policies: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for (i, p) in s.scaling_policies.iter().enumerate() {
            policies
                .entry(p.policy.clone())
                .or_default()
                .entry(p.service.clone())
                .or_insert(i);
        }
        builder.index = NameIndex {
            services: first_positions(s.services.iter().map(|x| x.service.as_str())),
            providers: first_positions(s.capacity_providers.iter().map(|x| x.capacity_provider.as_str())),
            alarms: BTreeMap::new(),
            policies,
        };
        builder
    }

    /// Whether the run has latency figures (`services.csv` then has the latency columns).
    pub fn has_latency(&self) -> bool {
        self.latency
    }

    /// Folds in a services row.
    pub fn service_row(&mut self, r: &ServiceRow<'_>) {
        let Some(i) = self.service_index(r.service) else {
            return;
        };
        let (s, acc) = (&mut self.summary.services[i], &mut self.accumulators[i]);
        let dt = r.time_ms.saturating_sub(acc.last_time_ms) as f64;
        acc.last_time_ms = r.time_ms;
        s.peak_desired = s.peak_desired.max(r.desired);
        s.peak_running = s.peak_running.max(r.running);
        s.min_healthy = s.min_healthy.min(r.healthy);
        s.max_cpu_utilization = s.max_cpu_utilization.max(r.cpu_utilization);
        acc.cpu_weighted += r.cpu_utilization * dt;
        if r.running > 0 {
            acc.cpu.add(r.cpu_utilization);
        }
        acc.interval_ms_weight += dt;
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
        super::deployment_summary::add_row(&mut s.deployments, r, dt);
    }

    fn service_index(&self, name: &str) -> Option<usize> {
        self.index.services.get(name).copied()
    }

    fn provider_index(&self, name: &str) -> Option<usize> {
        self.index.providers.get(name).copied()
    }

    /// Folds in a cluster row.
    pub fn cluster_row(&mut self, r: &ClusterRow<'_>) {
        let Some(i) = self.provider_index(r.capacity_provider) else {
            return;
        };
        let (p, acc) = (
            &mut self.summary.capacity_providers[i],
            &mut self.provider_accumulators[i],
        );
        p.peak_instances = p.peak_instances.max(r.instances);
        p.peak_tasks = p.peak_tasks.max(r.tasks);
        let dt = r.time_ms.saturating_sub(acc.last_time_ms);
        acc.last_time_ms = r.time_ms;
        acc.instance_ms += u64::from(r.instances + r.instances_pending) * dt;
        if r.instances > 0 {
            acc.cpu_reserved.add(r.cpu_reserved_pct);
        }
    }

    /// Folds in a task's record (written when it stops, or at the end for a task still there).
    pub fn task(&mut self, t: &TaskRecord<'_>) {
        if let Some(i) = self.service_index(t.service) {
            self.accumulators[i].tasks.add(t);
            let providers = &mut self.summary.services[i].capacity_providers;
            if let Err(at) = providers.binary_search_by(|p| p.as_str().cmp(t.capacity_provider)) {
                providers.insert(at, t.capacity_provider.to_string());
            }
        }
        if let Some(i) = self.provider_index(t.capacity_provider) {
            self.provider_accumulators[i].tasks.add(t);
        }
    }

    /// Folds in an alarm evaluation.
    pub fn alarm_row(&mut self, r: &AlarmRow<'_>) {
        let alarms = &mut self.summary.alarms;
        let i = match self.index.alarms.get(r.alarm) {
            Some(&i) => i,
            None => {
                alarms.push(AlarmSummary {
                    alarm: r.alarm.to_string(),
                    ..Default::default()
                });
                self.index.alarms.insert(r.alarm.to_string(), alarms.len() - 1);
                alarms.len() - 1
            }
        };
        alarms[i].evaluations += 1;
        alarms[i].evaluations_in_alarm += u64::from(r.state == "ALARM");
    }

    /// The summary of predictive policy `policy` of `service`.
    fn predictive_mut(&mut self, policy: &str, service: &str) -> Option<&mut PredictiveSummary> {
        let i = *self.index.policies.get(policy)?.get(service)?;
        self.summary.scaling_policies[i].predictive.as_mut()
    }

    /// Counts a forecast.
    pub fn forecast(&mut self, r: &ForecastMade<'_>) {
        if let Some(p) = self.predictive_mut(r.policy, r.service) {
            p.forecasts += 1;
        }
    }

    /// Adds an hour's error to its policy's MAPE.
    pub fn forecast_row(&mut self, r: &ForecastRow<'_>) {
        let Some(&i) = self.index.policies.get(r.policy).and_then(|m| m.get(r.service)) else {
            return;
        };
        let mape = self.mapes.entry(i).or_default();
        mape.add(r.load_forecast.unwrap_or(f64::NAN), r.actual_load);
        let (hours, percent) = (mape.hours(), mape.percent());
        if let Some(p) = self.summary.scaling_policies[i].predictive.as_mut() {
            p.hours_compared = u64::from(hours);
            p.load_mape_percent = percent;
        }
    }

    /// Folds in an event.
    pub fn event(&mut self, e: &EventRecord) {
        self.deployment_event(e);
        if e.kind == EventKind::ScalingActivity {
            if let Some(i) = self.service_index(&e.subject) {
                self.summary.services[i].scaling_activities += 1;
            }
            if let Some(EventDetail::DesiredChange {
                cause: DesiredCause::ScalingPolicy | DesiredCause::PredictiveScaling,
                name: policy,
                ..
            }) = &e.detail
            {
                let found = self.index.policies.get(policy.as_str()).and_then(|m| m.get(&e.subject));
                if let Some(&i) = found {
                    self.summary.scaling_policies[i].scaling_activities += 1;
                }
            }
        }
        if e.kind == EventKind::SteadyState {
            if let Some(i) = self.service_index(&e.subject) {
                self.summary.services[i]
                    .first_steady_state_s
                    .get_or_insert(e.time_ms as f64 / 1000.0);
            }
        }
    }

    /// Deployment rows of `events.csv` become the service's deployment list.
    fn deployment_event(&mut self, e: &EventRecord) {
        let Some(i) = self.service_index(&e.subject) else {
            return;
        };
        let (s, acc) = (&mut self.summary.services[i], &mut self.accumulators[i]);
        let t = e.time_ms as f64 / 1000.0;
        super::deployment_summary::add_event(&mut s.deployments, e);
        match e.kind {
            EventKind::DeploymentNotStarted => s.updates_without_deployment_s.push(t),
            EventKind::DeploymentStarted | EventKind::RollbackStarted => {
                s.deployments.push(DeploymentSummary {
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
                    strategy: "ROLLING".into(),
                    ..DeploymentSummary::default()
                });
                acc.deployment_started_ms.push(e.time_ms);
            }
            EventKind::DeploymentCompleted | EventKind::DeploymentFailed | EventKind::DeploymentStalled => {
                let Some(k) = s.deployments.iter().rposition(|d| d.rollout_state == "IN_PROGRESS") else {
                    return;
                };
                let d = &mut s.deployments[k];
                match e.kind {
                    EventKind::DeploymentCompleted => {
                        d.completed_s = Some(t);
                        // From integer milliseconds, so the figure carries no float noise.
                        let started_ms = acc.deployment_started_ms[k];
                        d.duration_s = Some(e.time_ms.saturating_sub(started_ms) as f64 / 1000.0);
                        d.rollout_state = "COMPLETED".into();
                    }
                    EventKind::DeploymentFailed => d.rollout_state = "FAILED".into(),
                    _ => d.stalled = true,
                }
            }
            _ => {}
        }
    }

    /// Folds in one `jobs.csv` record (each attempt once, when it ends or at the end).
    /// A standalone task is a task of its capacity provider: its RUNNING time counts in the
    /// provider's `task_hours`, and the task in the run's `tasks_started`.
    pub fn job(&mut self, j: &crate::trace::JobRecord<'_>) {
        self.jobs.get_or_insert_with(Default::default).add(j, self.end_ms);
        if let Some(i) = self.provider_index(j.capacity_provider) {
            self.provider_accumulators[i].tasks.add_span(j.started_ms, j.ended_ms);
        }
        self.job_tasks_started += u64::from(j.created_a_task());
    }

    /// Folds in the engine's totals.
    pub fn finish(&mut self, totals: &RunTotals) {
        if let Some(jobs) = &self.jobs {
            self.summary.jobs = Some(jobs.summary());
        }
        let (s, index) = (&mut self.summary, &self.index);
        s.simulated_seconds = totals.simulated_ms as f64 / 1000.0;
        s.events_processed = totals.events_processed;
        s.tasks_started = totals.tasks_started + self.job_tasks_started;
        s.placement_failures = totals.placement_failures;
        for (name, cost) in &totals.provider_cost_usd {
            if let Some(&i) = index.providers.get(name.as_str()) {
                s.capacity_providers[i].cost_usd = round6(*cost);
            }
        }
        s.cost_usd = round6(totals.provider_cost_usd.iter().map(|(_, c)| c).sum());
        s.unallocated_cost_usd = round6(totals.unallocated_cost_usd.max(0.0));
        for (name, cost) in &totals.service_cost_usd {
            if let Some(&i) = index.services.get(name.as_str()) {
                s.services[i].cost_usd = round6(*cost);
            }
        }
        for (name, latency) in &totals.service_latency {
            if let Some(&i) = index.services.get(name.as_str()) {
                let svc = &mut s.services[i];
                let [p50, p95, p99] = latency.percentiles_ms.map(round3);
                svc.latency = Some(LatencySummary {
                    p50_ms: p50,
                    p95_ms: p95,
                    p99_ms: p99,
                    relative_accuracy: latency.relative_accuracy,
                    timed_out_requests: latency.timed_out_requests.round(),
                    timeout_s: latency.timeout_ms as f64 / 1000.0,
                });
            }
        }
        for (name, n) in &totals.service_spot_interruptions {
            if let Some(&i) = index.services.get(name.as_str()) {
                s.services[i].spot_interruptions = *n;
            }
        }
        for (name, n) in &totals.provider_spot_interruptions {
            if let Some(&i) = index.providers.get(name.as_str()) {
                s.capacity_providers[i].spot_interruptions = *n;
            }
        }
        let end_ms = totals.simulated_ms;
        for (p, acc) in s.capacity_providers.iter_mut().zip(&self.provider_accumulators) {
            p.task_hours = acc.tasks.hours(end_ms);
            p.instance_hours = round6(acc.instance_ms as f64 / 3_600_000.0);
            [p.cpu_reserved_p50, p.cpu_reserved_p90, p.cpu_reserved_p99] =
                [50.0, 90.0, 99.0].map(|q| acc.cpu_reserved.percentile(q));
        }
        for (svc, acc) in s.services.iter_mut().zip(&self.accumulators) {
            svc.task_hours = acc.tasks.hours(end_ms);
            super::deployment_summary::finish(svc);
            [
                svc.cpu_utilization_p50,
                svc.cpu_utilization_p90,
                svc.cpu_utilization_p99,
            ] = [50.0, 90.0, 99.0].map(|q| acc.cpu.percentile(q));
            svc.unserved_fraction = if svc.demand_requests > 0.0 {
                round6(svc.unserved_requests / svc.demand_requests)
            } else {
                0.0
            };
            svc.mean_cpu_utilization = if acc.interval_ms_weight > 0.0 {
                round3(acc.cpu_weighted / acc.interval_ms_weight)
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

    /// Records what made the run: ecsim's version, the scenario's hash, header and overrides.
    pub fn with_provenance(mut self, provenance: &crate::trace::summary::Provenance) -> Self {
        let s = &mut self.summary;
        s.ecsim_version.clone_from(&provenance.ecsim_version);
        s.scenario_sha256.clone_from(&provenance.scenario_sha256);
        s.scenario_header.clone_from(&provenance.scenario_header);
        s.overrides.clone_from(&provenance.overrides);
        self
    }

    /// Records the stretch of the run the charts are drawn over.
    pub fn set_chart_window(&mut self, window: Option<crate::trace::summary::ChartWindow>) {
        self.summary.chart_window = window;
    }

    /// Records the time zone the charts' clocks show (`charts.timeZone`), in place of the one the
    /// scheduled actions name; UTC is recorded as no zone.
    pub fn set_chart_time_zone(&mut self, zone: chrono_tz::Tz) {
        self.summary.time_zone = match zone {
            chrono_tz::UTC => String::new(),
            zone => zone.name().to_string(),
        };
    }

    /// Records the services that are alternatives to one another (`charts.compare`).
    pub fn set_chart_compare(&mut self, compare: Vec<crate::trace::summary::ComparedService>) {
        self.summary.chart_compare = compare;
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
