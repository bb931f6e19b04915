//! The parsed form of an expectation, and its canonical text (`Display`).

use std::fmt;

use crate::sim::SimDuration;

/// One `expect:` line: `left op right [+- tolerance]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    /// The measured value.
    pub left: Value,
    /// The comparison.
    pub comparison: Comparison,
    /// The bound: a literal, or another measured value.
    pub right: Value,
    /// How far the measured value may be from the bound and still pass.
    pub tolerance: Option<Literal>,
}

/// Something that has a number once a run is known.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `max(web.running during deployment)`.
    Aggregate {
        /// How the selected rows become one number.
        aggregate: Aggregate,
        /// The trace column.
        column: Column,
        /// Which rows.
        window: Window,
    },
    /// `cost_usd`, `steady_state_s(web)`, ...
    Figure(Figure),
    /// `10`, `61.2`, `90s`.
    Literal(Literal),
}

/// A number or a duration written in the expression; durations compare in seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Literal {
    /// `10`, `-1`, `61.2`.
    Number(f64),
    /// `90s`, `1d6h`.
    Duration(SimDuration),
}

impl Literal {
    /// The value used in comparisons: the number, or the duration in seconds.
    pub fn as_f64(self) -> f64 {
        match self {
            Literal::Number(n) => n,
            Literal::Duration(d) => d.as_secs_f64(),
        }
    }
}

/// How the rows of a window become one number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregate {
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Plain mean of the rows (rows are equal intervals).
    Mean,
    /// Nearest-rank percentile, 1 to 99: `p50`, `p90`, `p95`, `p99`.
    Percentile(u8),
    /// Sum of the rows.
    Sum,
    /// The earliest row.
    First,
    /// The latest row.
    Last,
    /// How many rows have a value.
    Count,
}

/// The fixed aggregate names; percentiles are `p` followed by 1 to 99.
pub const AGGREGATE_NAMES: &[(&str, Aggregate)] = &[
    ("min", Aggregate::Min),
    ("max", Aggregate::Max),
    ("mean", Aggregate::Mean),
    ("p50", Aggregate::Percentile(50)),
    ("p90", Aggregate::Percentile(90)),
    ("p95", Aggregate::Percentile(95)),
    ("p99", Aggregate::Percentile(99)),
    ("sum", Aggregate::Sum),
    ("first", Aggregate::First),
    ("last", Aggregate::Last),
    ("count", Aggregate::Count),
];

/// A trace column: `web.running` (a service in services.csv) or `cp-m5.instances` (a capacity
/// provider in cluster.csv).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// A service or capacity provider name.
    pub subject: String,
    /// A numeric column of its file.
    pub field: String,
}

/// Which rows of a column an aggregate sees (see `windows.rs` for the exact selection).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Window {
    /// Every row of the run.
    All,
    /// `during [start, end]`.
    Between(SimDuration, SimDuration),
    /// `after 1h`.
    After(SimDuration),
    /// `before 1h`.
    Before(SimDuration),
    /// `after steady_state(web)`: from the service's first steady state on.
    AfterSteadyState(String),
    /// `during deployment` (None: the column's own service, or every service for a provider
    /// column) or `during deployment(web)`.
    Deployment(Option<String>),
}

/// A figure of the whole run, from summary.json or counted in events.csv.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Figure {
    /// `cost_usd` or `cost_usd(PROVIDER)`.
    CostUsd(Option<String>),
    /// `unserved_requests` or `unserved_requests(SERVICE)`.
    UnservedRequests(Option<String>),
    /// `placement_failures`.
    PlacementFailures,
    /// `tasks_started`.
    TasksStarted,
    /// `steady_state_s(SERVICE)`: seconds from the start to the service's first steady state.
    SteadyStateS(String),
    /// `scaling_activities` or `scaling_activities(SERVICE)`.
    ScalingActivities(Option<String>),
    /// `deployments` or `deployments(SERVICE)`.
    Deployments(Option<String>),
    /// `deployment_duration_s(SERVICE)`: the longest deployment of the service, seconds.
    DeploymentDurationS(String),
    /// A figure of the service's last deployment (`deployment_extra_cost_usd(SERVICE)`, ...).
    Deployment(super::deployment_figures::DeploymentFigure, String),
    /// `service_cost_usd(SERVICE)`: its Fargate tasks and its share of EC2 instances.
    ServiceCostUsd(String),
    /// `unallocated_cost_usd`: EC2 cost no task reserved.
    UnallocatedCostUsd,
    /// `spot_interruptions` or `spot_interruptions(SERVICE or PROVIDER)`.
    SpotInterruptions(Option<String>),
    /// `count_events(KIND)` or `count_events(KIND, SUBJECT)`.
    CountEvents(String, Option<String>),
    /// `unserved_fraction` or `unserved_fraction(SERVICE)`: unserved requests over demand.
    UnservedFraction(Option<String>),
    /// `task_hours` or `task_hours(SERVICE or PROVIDER)`: hours tasks spent RUNNING.
    TaskHours(Option<String>),
    /// `instance_hours` or `instance_hours(PROVIDER)`: hours instances were registered or
    /// launching.
    InstanceHours(Option<String>),
    /// `jobs.completed` or `jobs.TRIGGER.completed` (also `jobs_completed[(TRIGGER)]`): standalone task attempts that exited 0.
    JobsCompleted(Option<String>),
    /// `jobs.failed` or `jobs.TRIGGER.failed` (also `jobs_failed[(TRIGGER)]`): attempts that failed (exit 1, a RunTask
    /// failure, a capacity wait that timed out).
    JobsFailed(Option<String>),
    /// `jobs.interrupted` or `jobs.TRIGGER.interrupted` (also `jobs_interrupted[(TRIGGER)]`):
    /// attempts ended by an interruption (a lost instance or zone, a Spot reclaim) and not
    /// refused a retry.
    JobsInterrupted(Option<String>),
    /// `jobs.abandoned` or `jobs.TRIGGER.abandoned` (also `jobs_abandoned[(TRIGGER)]`):
    /// interrupted attempts whose RetryPolicy allowed no further attempt (with
    /// `behavior.eventBridge.retryInterruptedTasks`).
    JobsAbandoned(Option<String>),
    /// `p50(jobs.wait_s)` (also `job_wait_p50_s`): median wait for capacity of standalone tasks, seconds.
    JobWaitP50S,
    /// `p95(jobs.wait_s)` (also `job_wait_p95_s`): 95th percentile of the wait for capacity, seconds.
    JobWaitP95S,
    /// `jobs.makespan_s` or `jobs.TRIGGER.makespan_s` (also `job_makespan_s[(TRIGGER)]`): the longest batch of one firing, from the
    /// firing to its last task's end, seconds.
    JobMakespanS(Option<String>),
    /// `jobs.cost_per_job_usd` (also `cost_per_job_usd`): what standalone tasks cost, per task.
    CostPerJobUsd,
}

impl Figure {
    /// The trigger a standalone tasks' figure names (`jobs.nightly.makespan_s`: `nightly`).
    pub fn trigger(&self) -> Option<&str> {
        match self {
            Figure::JobsCompleted(t) | Figure::JobsFailed(t) | Figure::JobMakespanS(t) => t.as_deref(),
            _ => None,
        }
    }
}

impl Expectation {
    /// The triggers its figures name, left first.
    pub fn triggers(&self) -> impl Iterator<Item = &str> {
        [&self.left, &self.right].into_iter().filter_map(|v| match v {
            Value::Figure(figure) => figure.trigger(),
            _ => None,
        })
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// `<`.
    Less,
    /// `<=`.
    LessOrEqual,
    /// `>`.
    Greater,
    /// `>=`.
    GreaterOrEqual,
    /// `==`.
    Equal,
    /// `!=`.
    NotEqual,
}

impl Comparison {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::Less => "<",
            Comparison::LessOrEqual => "<=",
            Comparison::Greater => ">",
            Comparison::GreaterOrEqual => ">=",
            Comparison::Equal => "==",
            Comparison::NotEqual => "!=",
        }
    }

    /// The operator spelled `op`.
    pub fn from_operator(op: &str) -> Option<Comparison> {
        [
            Comparison::Less,
            Comparison::LessOrEqual,
            Comparison::Greater,
            Comparison::GreaterOrEqual,
            Comparison::Equal,
            Comparison::NotEqual,
        ]
        .into_iter()
        .find(|c| c.as_str() == op)
    }
}

/// A number in its shortest form: `10`, `61.2`, `-0.5`.
pub fn format_number(n: f64) -> String {
    if n == 0.0 { "0".to_string() } else { format!("{n}") }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Number(n) => f.write_str(&format_number(*n)),
            Literal::Duration(d) => write!(f, "{d}"),
        }
    }
}

impl fmt::Display for Aggregate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Aggregate::Percentile(p) => write!(f, "p{p}"),
            other => {
                let name = AGGREGATE_NAMES.iter().find(|(_, a)| a == other).map_or("?", |(n, _)| n);
                f.write_str(name)
            }
        }
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.subject, self.field)
    }
}

impl fmt::Display for Window {
    /// The window as written after the column, with a leading space (empty for `All`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::All => Ok(()),
            Window::Between(start, end) => write!(f, " during [{start}, {end}]"),
            Window::After(at) => write!(f, " after {at}"),
            Window::Before(at) => write!(f, " before {at}"),
            Window::AfterSteadyState(service) => write!(f, " after steady_state({service})"),
            Window::Deployment(None) => write!(f, " during deployment"),
            Window::Deployment(Some(service)) => write!(f, " during deployment({service})"),
        }
    }
}

impl Figure {
    /// The figure's name, without arguments.
    pub fn name(&self) -> &'static str {
        match self {
            Figure::CostUsd(_) => "cost_usd",
            Figure::UnservedRequests(_) => "unserved_requests",
            Figure::PlacementFailures => "placement_failures",
            Figure::TasksStarted => "tasks_started",
            Figure::SteadyStateS(_) => "steady_state_s",
            Figure::ScalingActivities(_) => "scaling_activities",
            Figure::Deployments(_) => "deployments",
            Figure::DeploymentDurationS(_) => "deployment_duration_s",
            Figure::Deployment(figure, _) => figure.name(),
            Figure::ServiceCostUsd(_) => "service_cost_usd",
            Figure::UnallocatedCostUsd => "unallocated_cost_usd",
            Figure::SpotInterruptions(_) => "spot_interruptions",
            Figure::UnservedFraction(_) => "unserved_fraction",
            Figure::TaskHours(_) => "task_hours",
            Figure::InstanceHours(_) => "instance_hours",
            Figure::CountEvents(..) => "count_events",
            Figure::JobsCompleted(_) => "jobs_completed",
            Figure::JobsFailed(_) => "jobs_failed",
            Figure::JobsInterrupted(_) => "jobs_interrupted",
            Figure::JobsAbandoned(_) => "jobs_abandoned",
            Figure::JobWaitP50S => "job_wait_p50_s",
            Figure::JobWaitP95S => "job_wait_p95_s",
            Figure::JobMakespanS(_) => "job_makespan_s",
            Figure::CostPerJobUsd => "cost_per_job_usd",
        }
    }
}

impl fmt::Display for Figure {
    /// The canonical form; the standalone tasks' figures in their dotted form
    /// (`jobs.nightly.makespan_s`, `p95(jobs.wait_s)`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let job = |f: &mut fmt::Formatter<'_>, trigger: &Option<String>, field: &str| match trigger {
            Some(t) => write!(f, "jobs.{t}.{field}"),
            None => write!(f, "jobs.{field}"),
        };
        match self {
            Figure::JobsCompleted(t) => return job(f, t, "completed"),
            Figure::JobsFailed(t) => return job(f, t, "failed"),
            Figure::JobsInterrupted(t) => return job(f, t, "interrupted"),
            Figure::JobsAbandoned(t) => return job(f, t, "abandoned"),
            Figure::JobMakespanS(t) => return job(f, t, "makespan_s"),
            Figure::CostPerJobUsd => return f.write_str("jobs.cost_per_job_usd"),
            Figure::JobWaitP50S => return f.write_str("p50(jobs.wait_s)"),
            Figure::JobWaitP95S => return f.write_str("p95(jobs.wait_s)"),
            _ => {}
        }
        f.write_str(self.name())?;
        match self {
            Figure::PlacementFailures
            | Figure::TasksStarted
            | Figure::CostUsd(None)
            | Figure::UnallocatedCostUsd
            | Figure::SpotInterruptions(None)
            | Figure::UnservedRequests(None)
            | Figure::ScalingActivities(None)
            | Figure::Deployments(None)
            | Figure::UnservedFraction(None)
            | Figure::TaskHours(None)
            | Figure::InstanceHours(None)
            | Figure::JobsCompleted(_)
            | Figure::JobsFailed(_)
            | Figure::JobsInterrupted(_)
            | Figure::JobsAbandoned(_)
            | Figure::JobWaitP50S
            | Figure::JobWaitP95S
            | Figure::JobMakespanS(_)
            | Figure::CostPerJobUsd => Ok(()),
            Figure::CostUsd(Some(name))
            | Figure::ServiceCostUsd(name)
            | Figure::SpotInterruptions(Some(name))
            | Figure::UnservedRequests(Some(name))
            | Figure::ScalingActivities(Some(name))
            | Figure::Deployments(Some(name))
            | Figure::SteadyStateS(name)
            | Figure::DeploymentDurationS(name)
            | Figure::Deployment(_, name)
            | Figure::UnservedFraction(Some(name))
            | Figure::TaskHours(Some(name))
            | Figure::InstanceHours(Some(name))
            | Figure::CountEvents(name, None) => write!(f, "({name})"),
            Figure::CountEvents(kind, Some(subject)) => write!(f, "({kind}, {subject})"),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Aggregate {
                aggregate,
                column,
                window,
            } => write!(f, "{aggregate}({column}{window})"),
            Value::Figure(figure) => write!(f, "{figure}"),
            Value::Literal(literal) => write!(f, "{literal}"),
        }
    }
}

impl fmt::Display for Expectation {
    /// The canonical form: single spaces around the operator and `+-`, durations in scenario syntax.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.left, self.comparison.as_str(), self.right)?;
        if let Some(tolerance) = self.tolerance {
            write!(f, " +- {tolerance}")?;
        }
        Ok(())
    }
}
