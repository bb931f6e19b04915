//! The columns of the trace files, defined once: per file, its name and a table of its columns in
//! order, each with its header name and the function that formats its cell from a record.
//!
//! The CSV writer (`output::CsvSink`) takes every header and every cell from these tables; the
//! readers (the charts' `RunData`, `ecsim check`'s `RunTables`) find columns by the same name
//! constants. Names are stable: columns are added at the end, never renamed.

use super::format::RowWriter;
use super::{AlarmRow, ClusterRow, DetailCells, EventDetail, EventRecord, ServiceRow, TaskRecord};

/// One column of a trace file.
pub struct Column<F> {
    /// Header name.
    pub name: &'static str,
    /// Writes the cell of a record into the row (which knows the run's wall-clock start, for
    /// the `timestamp` column), quoting free text as CSV needs.
    pub cell: F,
}

/// The cell formatter of a record type `R` (each file's `Cell` is one of these for every
/// lifetime of its record).
pub type CellOf<R> = for<'r> fn(&'r R, &mut RowWriter);

/// The header names of `columns`, in order.
pub fn header<F>(columns: &[Column<F>]) -> impl Iterator<Item = &'static str> + '_ {
    columns.iter().map(|c| c.name)
}

/// Simulated seconds since the start (every file with one row per moment).
pub const TIME_S: &str = "time_s";
/// The wall-clock time of `time_s`, ISO 8601 UTC.
pub const TIMESTAMP: &str = "timestamp";

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
    /// Tasks in PROVISIONING (waiting for capacity), a part of `pending`.
    pub const PROVISIONING: &str = "provisioning";
    /// Share of requests sent to the newest revision at the row's time, percent.
    pub const NEW_REVISION_WEIGHT_PCT: &str = "new_revision_weight_pct";
    /// Requests the newest revision served during the interval.
    pub const NEW_REVISION_SERVED_REQUESTS: &str = "new_revision_served_requests";
    /// Requests the targets answered with a 5XX during the interval.
    pub const TARGET_5XX_REQUESTS: &str = "target_5xx_requests";

    /// Response-time median of the interval's requests, ms (services with a service model).
    pub const LATENCY_P50_MS: &str = "latency_p50_ms";
    /// 95th percentile of the response time, ms.
    pub const LATENCY_P95_MS: &str = "latency_p95_ms";
    /// 99th percentile of the response time, ms.
    pub const LATENCY_P99_MS: &str = "latency_p99_ms";
    /// Mean time a request waited in the queue, ms.
    pub const QUEUE_WAIT_MS_MEAN: &str = "queue_wait_ms_mean";
    /// Requests per second that waited past the timeout.
    pub const TIMED_OUT_RPS: &str = "timed_out_rps";

    /// How a cell is formatted from a row.
    pub type Cell = for<'r, 'a> fn(&'r ServiceRow<'a>, &mut RowWriter);

    /// A response-time percentile of the row (0: p50, 1: p95, 2: p99), if it has one.
    fn percentile(r: &ServiceRow<'_>, i: usize) -> Option<f64> {
        r.latency.and_then(|l| l.percentiles_ms).map(|p| p[i])
    }

    /// The columns appended after [`COLUMNS`] when some task definition of the run has a
    /// service model (otherwise the file is written without them); empty for other services.
    pub const LATENCY_COLUMNS: &[Column<Cell>] = &[
        Column {
            name: LATENCY_P50_MS,
            cell: |r, w| w.opt_number(percentile(r, 0)),
        },
        Column {
            name: LATENCY_P95_MS,
            cell: |r, w| w.opt_number(percentile(r, 1)),
        },
        Column {
            name: LATENCY_P99_MS,
            cell: |r, w| w.opt_number(percentile(r, 2)),
        },
        Column {
            name: QUEUE_WAIT_MS_MEAN,
            cell: |r, w| w.opt_number(r.latency.and_then(|l| l.queue_wait_ms_mean)),
        },
        Column {
            name: TIMED_OUT_RPS,
            cell: |r, w| w.opt_number(r.latency.map(|l| l.timed_out_rps)),
        },
    ];

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TIME_S,
            cell: |r, w| w.seconds(r.time_ms),
        },
        Column {
            name: TIMESTAMP,
            cell: |r, w| w.timestamp(r.time_ms),
        },
        Column {
            name: SERVICE,
            cell: |r, w| w.text(r.service),
        },
        Column {
            name: DESIRED,
            cell: |r, w| w.int(r.desired),
        },
        Column {
            name: RUNNING,
            cell: |r, w| w.int(r.running),
        },
        Column {
            name: PENDING,
            cell: |r, w| w.int(r.pending),
        },
        Column {
            name: HEALTHY,
            cell: |r, w| w.int(r.healthy),
        },
        Column {
            name: PRIMARY_RUNNING,
            cell: |r, w| w.int(r.primary_running),
        },
        Column {
            name: ACTIVE_RUNNING,
            cell: |r, w| w.int(r.active_running),
        },
        Column {
            name: CPU_UTILIZATION,
            cell: |r, w| w.number(r.cpu_utilization),
        },
        Column {
            name: MEMORY_UTILIZATION,
            cell: |r, w| w.number(r.memory_utilization),
        },
        Column {
            name: DEMAND_RPS,
            cell: |r, w| w.number(r.demand_rps),
        },
        Column {
            name: SERVED_RPS,
            cell: |r, w| w.number(r.served_rps),
        },
        Column {
            name: UNSERVED_RPS,
            cell: |r, w| w.number(r.unserved_rps),
        },
        Column {
            name: MIN_CAPACITY,
            cell: |r, w| w.int(r.min_capacity),
        },
        Column {
            name: MAX_CAPACITY,
            cell: |r, w| w.int(r.max_capacity),
        },
        Column {
            name: QUEUE_DEPTH,
            cell: |r, w| w.opt_number(r.queue_depth),
        },
        Column {
            name: OLDEST_MESSAGE_AGE_S,
            cell: |r, w| w.opt_number(r.oldest_message_age_s),
        },
        Column {
            name: PROVISIONING,
            cell: |r, w| w.int(r.provisioning),
        },
        Column {
            name: NEW_REVISION_WEIGHT_PCT,
            cell: |r, w| w.number(r.new_revision_weight_pct),
        },
        Column {
            name: NEW_REVISION_SERVED_REQUESTS,
            cell: |r, w| w.number(r.new_revision_served_requests),
        },
        Column {
            name: TARGET_5XX_REQUESTS,
            cell: |r, w| w.number(r.target_5xx_requests),
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
    pub type Cell = for<'r, 'a> fn(&'r ClusterRow<'a>, &mut RowWriter);

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TIME_S,
            cell: |r, w| w.seconds(r.time_ms),
        },
        Column {
            name: TIMESTAMP,
            cell: |r, w| w.timestamp(r.time_ms),
        },
        Column {
            name: CAPACITY_PROVIDER,
            cell: |r, w| w.text(r.capacity_provider),
        },
        Column {
            name: INSTANCES,
            cell: |r, w| w.int(r.instances),
        },
        Column {
            name: INSTANCES_PENDING,
            cell: |r, w| w.int(r.instances_pending),
        },
        Column {
            name: CPU_RESERVED_PCT,
            cell: |r, w| w.number(r.cpu_reserved_pct),
        },
        Column {
            name: MEMORY_RESERVED_PCT,
            cell: |r, w| w.number(r.memory_reserved_pct),
        },
        Column {
            name: CAPACITY_PROVIDER_RESERVATION,
            cell: |r, w| w.opt_number(r.capacity_provider_reservation),
        },
        Column {
            name: TASKS_PROVISIONING,
            cell: |r, w| w.int(r.tasks_provisioning),
        },
        Column {
            name: TASKS,
            cell: |r, w| w.int(r.tasks),
        },
        Column {
            name: COST_USD,
            cell: |r, w| w.usd(r.cost_usd),
        },
        Column {
            name: DESIRED_CAPACITY,
            cell: |r, w| w.opt_int(r.desired_capacity),
        },
        Column {
            name: TARGET_CAPACITY,
            cell: |r, w| w.opt_int(r.target_capacity),
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
    pub type Cell = for<'r> fn(&'r EventRecord, &mut RowWriter);

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TIME_S,
            cell: |e, w| w.seconds(e.time_ms),
        },
        Column {
            name: TIMESTAMP,
            cell: |e, w| w.timestamp(e.time_ms),
        },
        Column {
            name: KIND,
            cell: |e, w| w.plain(e.kind.as_str()),
        },
        Column {
            name: SUBJECT,
            cell: |e, w| w.text(&e.subject),
        },
        Column {
            name: MESSAGE,
            cell: |e, w| w.text(&e.message),
        },
        Column {
            name: CAUSE,
            cell: |e, w| w.text(cells(e).cause),
        },
        Column {
            name: NAME,
            cell: |e, w| w.text(cells(e).name),
        },
        Column {
            name: DESIRED_FROM,
            cell: |e, w| w.opt_int(cells(e).desired_from),
        },
        Column {
            name: DESIRED_TO,
            cell: |e, w| w.opt_int(cells(e).desired_to),
        },
        Column {
            name: TASK_DEFINITION,
            cell: |e, w| w.text(cells(e).task_definition),
        },
    ];
}

/// `alarms.csv`: one row per change of an alarm's state (its history, as CloudWatch keeps it),
/// or per evaluation when a run asks for every evaluation.
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
    /// The state before the evaluation (CloudWatch's `oldState`).
    pub const PREVIOUS_STATE: &str = "previous_state";
    /// The datapoints evaluated, oldest first, `;`-separated, each `VALUE@TIME_S` (the value
    /// empty for a missing period, the time the start of the datapoint's period); empty when the
    /// state held.
    pub const DATAPOINTS: &str = "datapoints";
    /// CloudWatch's state reason for a change of state; empty when the state held.
    pub const REASON: &str = "reason";

    /// How a cell is formatted from a row.
    pub type Cell = for<'r, 'a> fn(&'r AlarmRow<'a>, &mut RowWriter);

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TIME_S,
            cell: |r, w| w.seconds(r.time_ms),
        },
        Column {
            name: TIMESTAMP,
            cell: |r, w| w.timestamp(r.time_ms),
        },
        Column {
            name: ALARM,
            cell: |r, w| w.text(r.alarm),
        },
        Column {
            name: SERVICE,
            cell: |r, w| w.text(r.service),
        },
        Column {
            name: METRIC,
            cell: |r, w| w.text(r.metric),
        },
        Column {
            name: VALUE,
            cell: |r, w| w.opt_number(r.value),
        },
        Column {
            name: COMPARISON,
            cell: |r, w| w.plain(r.comparison.symbol()),
        },
        Column {
            name: THRESHOLD,
            cell: |r, w| w.number(r.threshold),
        },
        Column {
            name: STATE,
            cell: |r, w| w.text(r.state),
        },
        Column {
            name: POLICY,
            cell: |r, w| w.text(r.tracking.map_or("", |t| t.policy)),
        },
        Column {
            name: ALARM_ROLE,
            cell: |r, w| w.plain(r.tracking.map_or("", |t| t.role.as_str())),
        },
        Column {
            name: PREVIOUS_STATE,
            cell: |r, w| w.text(r.previous_state),
        },
        Column {
            name: DATAPOINTS,
            cell: super::super::alarm_history::write_datapoints,
        },
        Column {
            name: REASON,
            cell: |r, w| {
                let reason = super::super::alarm_history::reason(r, w.start_epoch_ms());
                w.text(&reason);
            },
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
    pub type Cell = for<'r, 'a> fn(&'r TaskRecord<'a>, &mut RowWriter);

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TASK_ID,
            cell: |t, w| {
                w.plain("t-");
                w.int(t.task_id);
            },
        },
        Column {
            name: SERVICE,
            cell: |t, w| w.text(t.service),
        },
        Column {
            name: TASK_DEFINITION,
            cell: |t, w| w.text(t.task_definition),
        },
        Column {
            name: CAPACITY_PROVIDER,
            cell: |t, w| w.text(t.capacity_provider),
        },
        Column {
            name: INSTANCE_ID,
            cell: |t, w| w.text(t.instance_id.unwrap_or("")),
        },
        Column {
            name: AVAILABILITY_ZONE,
            cell: |t, w| w.text(t.availability_zone.unwrap_or("")),
        },
        Column {
            name: HOST_PORTS,
            cell: |t, w| {
                for (i, port) in t.host_ports.iter().enumerate() {
                    if i > 0 {
                        w.plain(" ");
                    }
                    w.int(*port);
                }
            },
        },
        Column {
            name: CREATED_S,
            cell: |t, w| w.seconds(t.created_ms),
        },
        Column {
            name: RUNNING_S,
            cell: |t, w| w.opt_seconds(t.running_ms),
        },
        Column {
            name: STOPPED_S,
            cell: |t, w| w.opt_seconds(t.stopped_ms),
        },
        Column {
            name: STOP_REASON,
            cell: |t, w| w.text(t.stop_reason),
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
