//! The columns of the trace files, defined once: per file, its name and a table of its columns in
//! order, each with its header name and the function that formats its cell from a record.
//!
//! The CSV writer (`output::CsvSink`) takes every header and every cell from these tables; the
//! readers (the charts' `RunData`, `ecsim check`'s `RunTables`) find columns by the same name
//! constants. Names are stable: columns are added at the end, never renamed.

use std::borrow::Cow;

use super::format::{number, seconds, timestamp, usd};
use super::{AlarmRow, ClusterRow, DetailCells, EventDetail, EventRecord, ServiceRow, TaskRecord};

/// One column of a trace file.
pub struct Column<F> {
    /// Header name.
    pub name: &'static str,
    /// Formats the cell of a record; the second argument is the run's wall-clock start (epoch
    /// milliseconds), which the `timestamp` column needs.
    pub cell: F,
}

/// The cell formatter of a record type `R` (each file's `Cell` is one of these for every
/// lifetime of its record).
pub type CellOf<R> = for<'r> fn(&'r R, i64) -> Cow<'r, str>;

/// The header names of `columns`, in order.
pub fn header<F>(columns: &[Column<F>]) -> impl Iterator<Item = &'static str> + '_ {
    columns.iter().map(|c| c.name)
}

/// Simulated seconds since the start (every file with one row per moment).
pub const TIME_S: &str = "time_s";
/// The wall-clock time of `time_s`, ISO 8601 UTC.
pub const TIMESTAMP: &str = "timestamp";

fn optional_number(v: Option<f64>) -> Cow<'static, str> {
    v.map(number).unwrap_or_default().into()
}

fn optional_count(v: Option<u32>) -> Cow<'static, str> {
    v.map(|v| v.to_string()).unwrap_or_default().into()
}

/// `services.csv`: one row per service per trace interval.
pub mod services {
    use super::*;

    /// File name in the run directory.
    pub const FILE: &str = "services.csv";
    pub use super::{TIME_S, TIMESTAMP};
    /// Service name: the key of the rows.
    pub const SERVICE: &str = "service";
    /// desiredCount.
    pub const DESIRED: &str = "desired";
    /// Tasks RUNNING.
    pub const RUNNING: &str = "running";
    /// Tasks starting.
    pub const PENDING: &str = "pending";
    /// RUNNING tasks that count as healthy.
    pub const HEALTHY: &str = "healthy";
    /// RUNNING tasks of the newest deployment.
    pub const PRIMARY_RUNNING: &str = "primary_running";
    /// RUNNING tasks of older deployments.
    pub const ACTIVE_RUNNING: &str = "active_running";
    /// Average CPU utilization over the interval, percent.
    pub const CPU_UTILIZATION: &str = "cpu_utilization";
    /// Average memory utilization over the interval, percent.
    pub const MEMORY_UTILIZATION: &str = "memory_utilization";
    /// Average demand, requests/s.
    pub const DEMAND_RPS: &str = "demand_rps";
    /// Average served, requests/s.
    pub const SERVED_RPS: &str = "served_rps";
    /// Average unserved, requests/s.
    pub const UNSERVED_RPS: &str = "unserved_rps";
    /// Scalable target MinCapacity.
    pub const MIN_CAPACITY: &str = "min_capacity";
    /// Scalable target MaxCapacity.
    pub const MAX_CAPACITY: &str = "max_capacity";
    /// Messages visible in a queue worker's queue; empty for other services.
    pub const QUEUE_DEPTH: &str = "queue_depth";
    /// Age of the oldest visible message, seconds; empty for other services.
    pub const OLDEST_MESSAGE_AGE_S: &str = "oldest_message_age_s";

    /// How a cell is formatted from a row.
    pub type Cell = for<'r, 'a> fn(&'r ServiceRow<'a>, i64) -> Cow<'r, str>;

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TIME_S,
            cell: |r, _| seconds(r.time_ms).into(),
        },
        Column {
            name: TIMESTAMP,
            cell: |r, start| timestamp(start, r.time_ms).into(),
        },
        Column {
            name: SERVICE,
            cell: |r, _| r.service.into(),
        },
        Column {
            name: DESIRED,
            cell: |r, _| r.desired.to_string().into(),
        },
        Column {
            name: RUNNING,
            cell: |r, _| r.running.to_string().into(),
        },
        Column {
            name: PENDING,
            cell: |r, _| r.pending.to_string().into(),
        },
        Column {
            name: HEALTHY,
            cell: |r, _| r.healthy.to_string().into(),
        },
        Column {
            name: PRIMARY_RUNNING,
            cell: |r, _| r.primary_running.to_string().into(),
        },
        Column {
            name: ACTIVE_RUNNING,
            cell: |r, _| r.active_running.to_string().into(),
        },
        Column {
            name: CPU_UTILIZATION,
            cell: |r, _| number(r.cpu_utilization).into(),
        },
        Column {
            name: MEMORY_UTILIZATION,
            cell: |r, _| number(r.memory_utilization).into(),
        },
        Column {
            name: DEMAND_RPS,
            cell: |r, _| number(r.demand_rps).into(),
        },
        Column {
            name: SERVED_RPS,
            cell: |r, _| number(r.served_rps).into(),
        },
        Column {
            name: UNSERVED_RPS,
            cell: |r, _| number(r.unserved_rps).into(),
        },
        Column {
            name: MIN_CAPACITY,
            cell: |r, _| r.min_capacity.to_string().into(),
        },
        Column {
            name: MAX_CAPACITY,
            cell: |r, _| r.max_capacity.to_string().into(),
        },
        Column {
            name: QUEUE_DEPTH,
            cell: |r, _| optional_number(r.queue_depth),
        },
        Column {
            name: OLDEST_MESSAGE_AGE_S,
            cell: |r, _| optional_number(r.oldest_message_age_s),
        },
    ];
}

/// `cluster.csv`: one row per capacity provider per trace interval.
pub mod cluster {
    use super::*;

    /// File name in the run directory.
    pub const FILE: &str = "cluster.csv";
    pub use super::{TIME_S, TIMESTAMP};
    /// Capacity provider name: the key of the rows.
    pub const CAPACITY_PROVIDER: &str = "capacity_provider";
    /// Registered container instances.
    pub const INSTANCES: &str = "instances";
    /// Launched, not yet registered.
    pub const INSTANCES_PENDING: &str = "instances_pending";
    /// CPU units reserved by tasks, percent of registered.
    pub const CPU_RESERVED_PCT: &str = "cpu_reserved_pct";
    /// Memory reserved by tasks, percent of registered.
    pub const MEMORY_RESERVED_PCT: &str = "memory_reserved_pct";
    /// CapacityProviderReservation, percent; empty for Fargate.
    pub const CAPACITY_PROVIDER_RESERVATION: &str = "capacity_provider_reservation";
    /// Tasks waiting in PROVISIONING.
    pub const TASKS_PROVISIONING: &str = "tasks_provisioning";
    /// Tasks not yet stopped.
    pub const TASKS: &str = "tasks";
    /// Cumulative cost, USD.
    pub const COST_USD: &str = "cost_usd";
    /// The Auto Scaling group's desired capacity; empty for Fargate.
    pub const DESIRED_CAPACITY: &str = "desired_capacity";
    /// `managedScaling.targetCapacity`; empty without managed scaling.
    pub const TARGET_CAPACITY: &str = "target_capacity";

    /// How a cell is formatted from a row.
    pub type Cell = for<'r, 'a> fn(&'r ClusterRow<'a>, i64) -> Cow<'r, str>;

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TIME_S,
            cell: |r, _| seconds(r.time_ms).into(),
        },
        Column {
            name: TIMESTAMP,
            cell: |r, start| timestamp(start, r.time_ms).into(),
        },
        Column {
            name: CAPACITY_PROVIDER,
            cell: |r, _| r.capacity_provider.into(),
        },
        Column {
            name: INSTANCES,
            cell: |r, _| r.instances.to_string().into(),
        },
        Column {
            name: INSTANCES_PENDING,
            cell: |r, _| r.instances_pending.to_string().into(),
        },
        Column {
            name: CPU_RESERVED_PCT,
            cell: |r, _| number(r.cpu_reserved_pct).into(),
        },
        Column {
            name: MEMORY_RESERVED_PCT,
            cell: |r, _| number(r.memory_reserved_pct).into(),
        },
        Column {
            name: CAPACITY_PROVIDER_RESERVATION,
            cell: |r, _| optional_number(r.capacity_provider_reservation),
        },
        Column {
            name: TASKS_PROVISIONING,
            cell: |r, _| r.tasks_provisioning.to_string().into(),
        },
        Column {
            name: TASKS,
            cell: |r, _| r.tasks.to_string().into(),
        },
        Column {
            name: COST_USD,
            cell: |r, _| usd(r.cost_usd).into(),
        },
        Column {
            name: DESIRED_CAPACITY,
            cell: |r, _| optional_count(r.desired_capacity),
        },
        Column {
            name: TARGET_CAPACITY,
            cell: |r, _| optional_count(r.target_capacity),
        },
    ];
}

/// `events.csv`: one row per decision or state change.
pub mod events {
    use super::*;

    /// File name in the run directory.
    pub const FILE: &str = "events.csv";
    pub use super::{TIME_S, TIMESTAMP};
    /// The event kind (`EventKind::as_str`).
    pub const KIND: &str = "kind";
    /// What it happened to: a service, capacity provider, group, zone, instance or task.
    pub const SUBJECT: &str = "subject";
    /// A sentence for people. Nothing reads it back: programs read the payload columns below.
    pub const MESSAGE: &str = "message";
    /// The payload's cause (`scaling_policy`, `circuit_breaker`, `zone_outage`, ...; see
    /// `EventDetail`), empty without one.
    pub const CAUSE: &str = "cause";
    /// The policy, scheduled action or alarm behind it, or what a fault hit.
    pub const NAME: &str = "name";
    /// A desired count before the change.
    pub const DESIRED_FROM: &str = "desired_from";
    /// A desired count after the change.
    pub const DESIRED_TO: &str = "desired_to";
    /// The task definition a deployment or rollback brings.
    pub const TASK_DEFINITION: &str = "task_definition";

    fn cells(e: &EventRecord) -> DetailCells<'_> {
        EventDetail::cells(e.detail.as_ref())
    }

    /// How a cell is formatted from a record.
    pub type Cell = for<'r> fn(&'r EventRecord, i64) -> Cow<'r, str>;

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TIME_S,
            cell: |e, _| seconds(e.time_ms).into(),
        },
        Column {
            name: TIMESTAMP,
            cell: |e, start| timestamp(start, e.time_ms).into(),
        },
        Column {
            name: KIND,
            cell: |e, _| e.kind.as_str().into(),
        },
        Column {
            name: SUBJECT,
            cell: |e, _| e.subject.as_str().into(),
        },
        Column {
            name: MESSAGE,
            cell: |e, _| e.message.as_str().into(),
        },
        Column {
            name: CAUSE,
            cell: |e, _| cells(e).cause.into(),
        },
        Column {
            name: NAME,
            cell: |e, _| cells(e).name.into(),
        },
        Column {
            name: DESIRED_FROM,
            cell: |e, _| optional_count(cells(e).desired_from),
        },
        Column {
            name: DESIRED_TO,
            cell: |e, _| optional_count(cells(e).desired_to),
        },
        Column {
            name: TASK_DEFINITION,
            cell: |e, _| cells(e).task_definition.into(),
        },
    ];
}

/// `alarms.csv`: one row per alarm per evaluation.
pub mod alarms {
    use super::*;

    /// File name in the run directory.
    pub const FILE: &str = "alarms.csv";
    pub use super::{TIME_S, TIMESTAMP};
    /// Alarm name: the key of the rows.
    pub const ALARM: &str = "alarm";
    /// The service (or capacity provider, or Auto Scaling group) whose metric it watches.
    pub const SERVICE: &str = "service";
    /// CloudWatch metric name.
    pub const METRIC: &str = "metric";
    /// The datapoint evaluated; empty when the metric had no data.
    pub const VALUE: &str = "value";
    /// `>`, `>=`, `<`, `<=`.
    pub const COMPARISON: &str = "comparison";
    /// Threshold.
    pub const THRESHOLD: &str = "threshold";
    /// State after the evaluation: `OK`, `ALARM`, `INSUFFICIENT_DATA`.
    pub const STATE: &str = "state";
    /// The target tracking policy that created and manages the alarm; empty for a user alarm.
    pub const POLICY: &str = "policy";
    /// `high` or `low` (`AlarmRole`) for a target tracking policy's alarm; empty for a user alarm.
    pub const ALARM_ROLE: &str = "alarm_role";

    /// How a cell is formatted from a row.
    pub type Cell = for<'r, 'a> fn(&'r AlarmRow<'a>, i64) -> Cow<'r, str>;

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TIME_S,
            cell: |r, _| seconds(r.time_ms).into(),
        },
        Column {
            name: TIMESTAMP,
            cell: |r, start| timestamp(start, r.time_ms).into(),
        },
        Column {
            name: ALARM,
            cell: |r, _| r.alarm.into(),
        },
        Column {
            name: SERVICE,
            cell: |r, _| r.service.into(),
        },
        Column {
            name: METRIC,
            cell: |r, _| r.metric.into(),
        },
        Column {
            name: VALUE,
            cell: |r, _| optional_number(r.value),
        },
        Column {
            name: COMPARISON,
            cell: |r, _| r.comparison.into(),
        },
        Column {
            name: THRESHOLD,
            cell: |r, _| number(r.threshold).into(),
        },
        Column {
            name: STATE,
            cell: |r, _| r.state.into(),
        },
        Column {
            name: POLICY,
            cell: |r, _| r.tracking.map_or("", |t| t.policy).into(),
        },
        Column {
            name: ALARM_ROLE,
            cell: |r, _| r.tracking.map_or("", |t| t.role.as_str()).into(),
        },
    ];
}

/// `tasks.csv`: one row per task that existed in the run.
pub mod tasks {
    use super::*;

    /// File name in the run directory.
    pub const FILE: &str = "tasks.csv";
    /// `t-<n>`.
    pub const TASK_ID: &str = "task_id";
    /// Service name.
    pub const SERVICE: &str = "service";
    /// `family:revision`.
    pub const TASK_DEFINITION: &str = "task_definition";
    /// Capacity provider name.
    pub const CAPACITY_PROVIDER: &str = "capacity_provider";
    /// EC2 instance id; empty for Fargate or unplaced tasks.
    pub const INSTANCE_ID: &str = "instance_id";
    /// Availability Zone once placed.
    pub const AVAILABILITY_ZONE: &str = "availability_zone";
    /// Host ports held, space-separated.
    pub const HOST_PORTS: &str = "host_ports";
    /// Creation, seconds since the start.
    pub const CREATED_S: &str = "created_s";
    /// Reached RUNNING, seconds; empty if it never did.
    pub const RUNNING_S: &str = "running_s";
    /// Reached STOPPED, seconds; empty while it runs.
    pub const STOPPED_S: &str = "stopped_s";
    /// Why it stopped.
    pub const STOP_REASON: &str = "stop_reason";

    /// How a cell is formatted from a record.
    pub type Cell = for<'r, 'a> fn(&'r TaskRecord<'a>, i64) -> Cow<'r, str>;

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TASK_ID,
            cell: |t, _| format!("t-{}", t.task_id).into(),
        },
        Column {
            name: SERVICE,
            cell: |t, _| t.service.into(),
        },
        Column {
            name: TASK_DEFINITION,
            cell: |t, _| t.task_definition.into(),
        },
        Column {
            name: CAPACITY_PROVIDER,
            cell: |t, _| t.capacity_provider.into(),
        },
        Column {
            name: INSTANCE_ID,
            cell: |t, _| t.instance_id.unwrap_or("").into(),
        },
        Column {
            name: AVAILABILITY_ZONE,
            cell: |t, _| t.availability_zone.unwrap_or("").into(),
        },
        Column {
            name: HOST_PORTS,
            cell: |t, _| {
                let ports: Vec<String> = t.host_ports.iter().map(u16::to_string).collect();
                ports.join(" ").into()
            },
        },
        Column {
            name: CREATED_S,
            cell: |t, _| seconds(t.created_ms).into(),
        },
        Column {
            name: RUNNING_S,
            cell: |t, _| t.running_ms.map(seconds).unwrap_or_default().into(),
        },
        Column {
            name: STOPPED_S,
            cell: |t, _| t.stopped_ms.map(seconds).unwrap_or_default().into(),
        },
        Column {
            name: STOP_REASON,
            cell: |t, _| t.stop_reason.into(),
        },
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names<F>(columns: &[Column<F>]) -> Vec<&'static str> {
        header(columns).collect()
    }

    #[test]
    fn every_file_names_each_column_once() {
        for (file, names) in [
            (services::FILE, names(services::COLUMNS)),
            (cluster::FILE, names(cluster::COLUMNS)),
            (events::FILE, names(events::COLUMNS)),
            (alarms::FILE, names(alarms::COLUMNS)),
            (tasks::FILE, names(tasks::COLUMNS)),
        ] {
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len(), "{file}: {names:?}");
        }
    }

    #[test]
    fn the_documented_columns_come_first() {
        // DESIGN.md's output contract: these never move; new columns go after them.
        assert_eq!(
            names(events::COLUMNS)[..5],
            ["time_s", "timestamp", "kind", "subject", "message"]
        );
        assert_eq!(
            names(services::COLUMNS)[..4],
            ["time_s", "timestamp", "service", "desired"]
        );
        assert_eq!(names(tasks::COLUMNS)[0], "task_id");
    }
}
