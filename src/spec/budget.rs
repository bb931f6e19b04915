//! The resource budget of a run, checked before it starts (issue 16, finding 7): from the `Spec`
//! alone, estimate the events, trace rows, output bytes, peak instances, services, schedule
//! firings and standalone tasks (`runTask` events and the calls of `eventBridge`) of a run, and refuse one that exceeds a limit, in microseconds rather than after
//! writing gigabytes.
//!
//! The estimates are lower bounds of what the run will cost (periodic work only: trace ticks,
//! load steps, metric periods, schedule firings; and the RunTask calls with their tasks' rows
//! and first timers), so a refusal never blames a scenario for work
//! it would not do. The limits belong to whoever runs ecsim (`--budget KIND=N`), not to the
//! scenario: an untrusted scenario must not be able to raise its own budget. A scenario can still
//! stop earlier with `behavior.maxEvents`; the engine stops at the smaller of the two.

use std::fmt;

use super::{Spec, TriggerKind};
use crate::sim::SimDuration;

/// The limits a run must stay within. `Default` is generous enough for every shipped scenario
/// and the 30-day benchmarks, and refuses a century traced every second at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Events the engine processes (also the run-time cap, with `behavior.maxEvents`).
    pub events: u64,
    /// Rows of `services.csv`, `cluster.csv` and, with every alarm evaluation written, `alarms.csv`.
    pub rows: u64,
    /// Bytes of those trace files (on disk for `run`, in memory for `check`).
    pub bytes: u64,
    /// Container instances at the peak: the sum of the groups' `MaxSize`.
    pub instances: u64,
    /// Services.
    pub services: u64,
    /// Firings of scheduled actions (`rate`, `cron`, `at`) within the run.
    pub firings: u64,
    /// Standalone tasks RunTask is asked for within the run (`runTask` events, EventBridge
    /// schedules and rules): each is kept as a job until the run ends.
    pub jobs: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            events: 200_000_000,
            rows: 10_000_000,
            bytes: 2_000_000_000,
            instances: 100_000,
            services: 10_000,
            firings: 1_000_000,
            jobs: 500_000,
        }
    }
}

/// One kind of resource, as `--budget KIND=N` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resource {
    /// `events`.
    Events,
    /// `rows`.
    Rows,
    /// `bytes`.
    Bytes,
    /// `instances`.
    Instances,
    /// `services`.
    Services,
    /// `firings`.
    Firings,
    /// `jobs`.
    Jobs,
}

impl Resource {
    /// Every kind, in the order they are checked and listed.
    pub const ALL: [Resource; 7] = [
        Resource::Services,
        Resource::Instances,
        Resource::Firings,
        Resource::Jobs,
        Resource::Rows,
        Resource::Bytes,
        Resource::Events,
    ];

    /// The `KIND` of `--budget KIND=N`.
    pub fn key(self) -> &'static str {
        match self {
            Resource::Events => "events",
            Resource::Rows => "rows",
            Resource::Bytes => "bytes",
            Resource::Instances => "instances",
            Resource::Services => "services",
            Resource::Firings => "firings",
            Resource::Jobs => "jobs",
        }
    }

    /// Words for the unit counted.
    fn unit(self) -> &'static str {
        match self {
            Resource::Events => "events",
            Resource::Rows => "trace rows",
            Resource::Bytes => "bytes of traces",
            Resource::Instances => "container instances at the peak",
            Resource::Services => "services",
            Resource::Firings => "scheduled action firings",
            Resource::Jobs => "standalone tasks",
        }
    }

    /// The kind called `key`.
    pub fn from_key(key: &str) -> Option<Resource> {
        Resource::ALL.into_iter().find(|r| r.key() == key)
    }
}

impl Budget {
    /// The limit of `resource`.
    pub fn limit(&self, resource: Resource) -> u64 {
        match resource {
            Resource::Events => self.events,
            Resource::Rows => self.rows,
            Resource::Bytes => self.bytes,
            Resource::Instances => self.instances,
            Resource::Services => self.services,
            Resource::Firings => self.firings,
            Resource::Jobs => self.jobs,
        }
    }

    /// Sets the limit of `resource`.
    pub fn set(&mut self, resource: Resource, limit: u64) {
        match resource {
            Resource::Events => self.events = limit,
            Resource::Rows => self.rows = limit,
            Resource::Bytes => self.bytes = limit,
            Resource::Instances => self.instances = limit,
            Resource::Services => self.services = limit,
            Resource::Firings => self.firings = limit,
            Resource::Jobs => self.jobs = limit,
        }
    }

    /// Every resource whose estimate exceeds its limit, in `Resource::ALL` order.
    pub fn exceeded(&self, estimate: &Estimate) -> Vec<Exceeded> {
        Resource::ALL
            .into_iter()
            .filter_map(|resource| {
                let (amount, how) = estimate.of(resource);
                let limit = self.limit(resource);
                (amount > limit).then_some(Exceeded {
                    resource,
                    amount,
                    limit,
                    how,
                })
            })
            .collect()
    }

    /// `Ok`, or the message refusing the run: every exceeded resource with its estimate, how it
    /// was counted, the limit and the flag that raises it.
    pub fn check(&self, spec: &Spec, traces: TraceCost) -> Result<(), String> {
        let over = self.exceeded(&Estimate::of_spec(spec, traces));
        if over.is_empty() {
            return Ok(());
        }
        let mut message = String::from("the scenario exceeds the resource budget, so it was not run:");
        for e in &over {
            message.push_str(&format!("\n  {e}"));
        }
        message.push_str(
            "\n  (estimates count periodic work and RunTask calls only, so the run would cost at least this; lower duration \
             or raise traceInterval, or raise a limit if the machine can afford it)",
        );
        Err(message)
    }
}

/// A resource over its limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exceeded {
    /// Which.
    pub resource: Resource,
    /// The estimate.
    pub amount: u64,
    /// The limit.
    pub limit: u64,
    /// How the estimate was counted.
    pub how: String,
}

impl fmt::Display for Exceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: an estimated {} {} ({}), over the limit of {}; raise it with --budget {}=N",
            self.resource.key(),
            grouped(self.amount),
            self.resource.unit(),
            self.how,
            grouped(self.limit),
            self.resource.key()
        )
    }
}

/// Which trace files a run makes, for the rows and bytes estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceCost {
    /// `services.csv` and `cluster.csv` are made (on disk or in memory).
    pub traces: bool,
    /// Every alarm evaluation is a row of `alarms.csv` (`--alarm-evaluations`).
    pub alarm_evaluations: bool,
}

impl TraceCost {
    /// A run that makes no trace (a sweep's runs).
    pub const NONE: TraceCost = TraceCost {
        traces: false,
        alarm_evaluations: false,
    };
    /// A run that makes `services.csv` and `cluster.csv`.
    pub const TRACES: TraceCost = TraceCost {
        traces: true,
        alarm_evaluations: false,
    };
}

/// Bytes of a `services.csv` row, at least (measured: 150 to 260 with the latency columns).
const SERVICE_ROW_BYTES: u64 = 150;
/// Bytes of a `cluster.csv` row, at least (measured: about 110).
const CLUSTER_ROW_BYTES: u64 = 90;
/// Bytes of an `alarms.csv` row, at least.
const ALARM_ROW_BYTES: u64 = 150;
/// Bytes of a `jobs.csv` row, at least (measured: 95 to 130).
const JOB_ROW_BYTES: u64 = 90;
/// Bytes of a `jobs-trace.csv` row, at least (measured: about 40).
const JOB_TRACE_ROW_BYTES: u64 = 35;
/// The period of standard metrics, which every scaling pipeline has at least.
const METRIC_PERIOD: SimDuration = SimDuration::from_secs(60);
/// Firings counted one by one per scheduled action before the rest is extrapolated.
const FIRINGS_COUNTED: u64 = 10_000;

/// What a run is estimated to cost, with how each figure was counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// Events, at least.
    pub events: u64,
    /// Trace rows.
    pub rows: u64,
    /// Trace bytes, at least.
    pub bytes: u64,
    /// Instances at the peak (sum of `MaxSize`).
    pub instances: u64,
    /// Services.
    pub services: u64,
    /// Scheduled action firings.
    pub firings: u64,
    /// Standalone tasks asked for within the run.
    pub jobs: u64,
    /// The counting behind each figure, for the message.
    explain: Explain,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct Explain {
    ticks: u64,
    providers: u64,
    alarms: u64,
    evaluations: u64,
    trace_interval: String,
    duration: String,
    groups: u64,
    actions: u64,
    /// RunTask calls within the run (`runTask` events and EventBridge's).
    run_task_calls: u64,
    /// Of them, made by EventBridge schedules and rules.
    triggered_calls: u64,
    /// Standalone tasks that may wait for capacity (a capacity provider strategy): each has a
    /// timer at least (its start, or the end of its wait).
    waiting_jobs: u64,
}

/// Bytes of a `forecast.csv` row, at least (measured: about 90).
const FORECAST_ROW_BYTES: u64 = 80;

/// The predictive scaling policies of `spec`.
fn predictive_policies(spec: &Spec) -> u64 {
    let predictive =
        |p: &&crate::spec::ScalingPolicySpec| matches!(p.kind, crate::spec::PolicyKind::PredictiveScaling(_));
    spec.auto_scaling.scaling_policies.iter().filter(predictive).count() as u64
}

/// Predictive scaling's events: a measurement each minute, a forecast every 6 hours, and each
/// forecast's up to 47 hourly actions per policy (those a later forecast replaces still fire,
/// and are dropped).
fn predictive_events(spec: &Spec, periods: &dyn Fn(SimDuration) -> u64) -> u64 {
    let policies = predictive_policies(spec);
    if policies == 0 {
        return 0;
    }
    let forecasts = periods(SimDuration::from_secs(6 * 3600)).saturating_add(1);
    periods(SimDuration::from_secs(60))
        .saturating_add(forecasts)
        .saturating_add(forecasts.saturating_mul(47).saturating_mul(policies))
}

impl Estimate {
    /// Estimates the run of `spec` making the traces `traces` says. Takes microseconds: every
    /// count is arithmetic, except schedule firings, counted one by one up to
    /// `FIRINGS_COUNTED` per action and extrapolated beyond.
    pub fn of_spec(spec: &Spec, traces: TraceCost) -> Estimate {
        let duration = spec.duration.as_millis();
        let periods = |every: SimDuration| duration / every.as_millis().max(1);
        let ticks = periods(spec.trace_interval).saturating_add(1);
        let services = spec.services.len() as u64;
        let providers = spec.capacity_providers.len() as u64;
        let alarms = alarm_count(spec);
        let evaluations = if alarms > 0 { periods(METRIC_PERIOD) } else { 0 };
        let firings = spec
            .auto_scaling
            .scheduled_actions
            .iter()
            .fold(0u64, |sum, a| sum.saturating_add(firings(spec, &a.schedule)));
        let jobs = JobCount::of(spec);
        let (mut rows, mut bytes) = (0u64, 0u64);
        if traces.traces {
            rows = ticks.saturating_mul(services.saturating_add(providers));
            bytes = ticks
                .saturating_mul(services)
                .saturating_mul(SERVICE_ROW_BYTES)
                .saturating_add(ticks.saturating_mul(providers).saturating_mul(CLUSTER_ROW_BYTES));
            // A jobs.csv row per task (its first attempt at least), a jobs-trace.csv row per tick.
            if spec.has_jobs() {
                rows = rows.saturating_add(jobs.tasks).saturating_add(ticks);
                bytes = bytes
                    .saturating_add(jobs.tasks.saturating_mul(JOB_ROW_BYTES))
                    .saturating_add(ticks.saturating_mul(JOB_TRACE_ROW_BYTES));
            }
        }
        // A forecast.csv row per predictive policy per hour.
        if traces.traces && spec.has_predictive_scaling() {
            let hour_rows = periods(SimDuration::from_secs(3600)).saturating_mul(predictive_policies(spec));
            rows = rows.saturating_add(hour_rows);
            bytes = bytes.saturating_add(hour_rows.saturating_mul(FORECAST_ROW_BYTES));
        }
        if traces.alarm_evaluations {
            let alarm_rows = evaluations.saturating_mul(alarms);
            rows = rows.saturating_add(alarm_rows);
            bytes = bytes.saturating_add(alarm_rows.saturating_mul(ALARM_ROW_BYTES));
        }
        // Each trace tick and load step is an event; each scaling pipeline has a metric period and
        // an alarm evaluation per period; each firing and timeline entry is one.
        let pipelines = pipeline_count(spec);
        let events = ticks
            .saturating_add(periods(spec.behavior.load_step))
            .saturating_add(periods(METRIC_PERIOD).saturating_mul(2 * pipelines))
            .saturating_add(firings)
            .saturating_add(spec.timeline.len() as u64)
            .saturating_add(jobs.calls)
            .saturating_add(jobs.waiting)
            .saturating_add(predictive_events(spec, &periods));
        Estimate {
            events,
            rows,
            bytes,
            instances: spec
                .auto_scaling_groups
                .iter()
                .map(|g| u64::from(g.max_size.max(g.desired_capacity)))
                .sum(),
            services,
            firings,
            jobs: jobs.tasks,
            explain: Explain {
                ticks,
                providers,
                alarms,
                evaluations,
                trace_interval: spec.trace_interval.to_string(),
                duration: spec.duration.to_string(),
                groups: spec.auto_scaling_groups.len() as u64,
                actions: spec.auto_scaling.scheduled_actions.len() as u64,
                run_task_calls: jobs.calls,
                triggered_calls: jobs.triggered_calls,
                waiting_jobs: jobs.waiting,
            },
        }
    }

    /// The estimate of `resource` and how it was counted.
    fn of(&self, resource: Resource) -> (u64, String) {
        let x = &self.explain;
        let ticks = format!(
            "{} trace ticks ({} every {})",
            grouped(x.ticks),
            x.duration,
            x.trace_interval
        );
        let alarm_rows = if x.alarms > 0 && self.rows > 0 {
            format!(
                ", plus {} alarm(s) evaluated {} times",
                grouped(x.alarms),
                grouped(x.evaluations)
            )
        } else {
            String::new()
        };
        let (job_rows, job_bytes, job_events) = if x.run_task_calls > 0 {
            (
                format!(
                    ", plus a jobs.csv row per standalone task ({}) and a jobs-trace.csv row per tick",
                    grouped(self.jobs)
                ),
                format!(", {JOB_ROW_BYTES} a jobs.csv row and {JOB_TRACE_ROW_BYTES} a jobs-trace.csv row"),
                format!(
                    ", {} RunTask calls and a timer per standalone task that may wait for capacity ({})",
                    grouped(x.run_task_calls),
                    grouped(x.waiting_jobs)
                ),
            )
        } else {
            Default::default()
        };
        let job_rows = if self.rows > 0 { job_rows } else { String::new() };
        match resource {
            Resource::Events => (
                self.events,
                format!("{ticks}, load steps, metric periods and schedule firings{job_events}"),
            ),
            Resource::Rows => (
                self.rows,
                format!(
                    "{ticks} × ({} services + {} capacity providers){alarm_rows}{job_rows}",
                    grouped(self.services),
                    grouped(x.providers)
                ),
            ),
            Resource::Bytes => (
                self.bytes,
                format!(
                    "{} rows, at least {SERVICE_ROW_BYTES} bytes a services.csv row and {CLUSTER_ROW_BYTES} a cluster.csv row{job_bytes}",
                    grouped(self.rows)
                ),
            ),
            Resource::Instances => (
                self.instances,
                format!("the MaxSize of {} Auto Scaling group(s)", grouped(x.groups)),
            ),
            Resource::Services => (self.services, "ecs.services".into()),
            Resource::Firings => (
                self.firings,
                format!("{} scheduled action(s) over {}", grouped(x.actions), x.duration),
            ),
            Resource::Jobs => (
                self.jobs,
                format!(
                    "{} RunTask calls over {}, {} of them by EventBridge schedules and rules, up to 10 tasks each",
                    grouped(x.run_task_calls),
                    x.duration,
                    grouped(x.triggered_calls)
                ),
            ),
        }
    }
}

/// The RunTask calls a run makes within its duration (`Spec::run_tasks`: the `runTask` events
/// and what the loader made of `eventBridge`), and their tasks.
struct JobCount {
    calls: u64,
    triggered_calls: u64,
    tasks: u64,
    waiting: u64,
}

impl JobCount {
    fn of(spec: &Spec) -> JobCount {
        let end = spec.duration.as_millis();
        let within = spec.run_tasks.iter().filter(|r| r.at.0 <= end);
        let mut count = JobCount {
            calls: 0,
            triggered_calls: 0,
            tasks: 0,
            waiting: 0,
        };
        for request in within {
            let tasks = u64::from(request.count);
            count.calls += 1;
            count.triggered_calls += u64::from(request.trigger.kind != TriggerKind::RunTask);
            count.tasks = count.tasks.saturating_add(tasks);
            if !request.capacity.uses_launch_type {
                count.waiting = count.waiting.saturating_add(tasks);
            }
        }
        count
    }
}

/// Alarms evaluated each period: two per target tracking policy (high and low) and per managed
/// scaling provider or group policy, one per CloudWatch alarm.
fn alarm_count(spec: &Spec) -> u64 {
    let policies = spec.auto_scaling.scaling_policies.len() as u64;
    let managed = spec
        .capacity_providers
        .iter()
        .filter(|p| p.managed_scaling.is_some())
        .count() as u64;
    let group_policies: u64 = spec
        .auto_scaling_groups
        .iter()
        .map(|g| g.scaling_policies.len() as u64)
        .sum();
    2 * (policies + managed + group_policies) + spec.auto_scaling.alarms.len() as u64
}

/// Scaling pipelines with a period event: service scaling, managed scaling, group policies.
fn pipeline_count(spec: &Spec) -> u64 {
    let service = !spec.auto_scaling.scaling_policies.is_empty() || !spec.auto_scaling.alarms.is_empty();
    let managed = spec.capacity_providers.iter().any(|p| p.managed_scaling.is_some());
    let groups = spec.auto_scaling_groups.iter().any(|g| !g.scaling_policies.is_empty());
    u64::from(service) + u64::from(managed) + u64::from(groups)
}

/// Firings of `schedule` within the run: counted one by one up to `FIRINGS_COUNTED`, then
/// extrapolated at the rate observed so far over the rest of the run.
fn firings(spec: &Spec, schedule: &crate::policy::schedule::ScheduleSpec) -> u64 {
    let origin = spec.start_epoch_ms;
    let end = origin.saturating_add(i64::try_from(spec.duration.as_millis()).unwrap_or(i64::MAX));
    let mut count = 0u64;
    let mut first = None;
    let mut at = origin.saturating_sub(1);
    while let Some(next) = schedule.next_after(at, origin) {
        if next > end {
            return count;
        }
        first.get_or_insert(next);
        count += 1;
        at = next;
        if count == FIRINGS_COUNTED {
            let first = first.unwrap_or(origin);
            let spent = (at - first).max(1) as f64;
            let rest = (end - at) as f64 * (count - 1) as f64 / spent;
            return count.saturating_add(rest.min(u64::MAX as f64 / 2.0) as u64);
        }
    }
    count
}

/// `n` with thousands separated by commas: 3,153,600,000.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(3_153_600_000), "3,153,600,000");
    }

    #[test]
    fn keys_round_trip() {
        for r in Resource::ALL {
            assert_eq!(Resource::from_key(r.key()), Some(r));
        }
        assert_eq!(Resource::from_key("memory"), None);
    }
}
