//! The CSV trace writer: `services.csv`, `cluster.csv`, `events.csv`, `tasks.csv`, streamed.

use std::io::Write;

use super::format::{number, timestamp, usd};
use super::summary::SummaryBuilder;
use crate::trace::{AlarmRow, ClusterRow, EventRecord, RunTotals, ServiceRow, SinkError, TaskRecord, TraceSink};

/// The four writers of a run directory.
pub struct RunFiles<W: Write> {
    /// `services.csv`.
    pub services: W,
    /// `cluster.csv`.
    pub cluster: W,
    /// `events.csv`.
    pub events: W,
    /// `tasks.csv`.
    pub tasks: W,
    /// `alarms.csv`.
    pub alarms: W,
}

/// A `TraceSink` that streams every record to CSV and feeds the summary.
pub struct CsvSink<W: Write> {
    services: csv::Writer<W>,
    cluster: csv::Writer<W>,
    events: csv::Writer<W>,
    tasks: csv::Writer<W>,
    alarms: csv::Writer<W>,
    start_epoch_ms: i64,
    /// Aggregates for `summary.json`.
    pub summary: SummaryBuilder,
}

const SERVICES_HEADER: &[&str] = &[
    "time_s",
    "timestamp",
    "service",
    "desired",
    "running",
    "pending",
    "healthy",
    "primary_running",
    "active_running",
    "cpu_utilization",
    "memory_utilization",
    "demand_rps",
    "served_rps",
    "unserved_rps",
    "min_capacity",
    "max_capacity",
    "queue_depth",
    "oldest_message_age_s",
];
const CLUSTER_HEADER: &[&str] = &[
    "time_s",
    "timestamp",
    "capacity_provider",
    "instances",
    "instances_pending",
    "cpu_reserved_pct",
    "memory_reserved_pct",
    "capacity_provider_reservation",
    "tasks_provisioning",
    "tasks",
    "cost_usd",
    "desired_capacity",
    "target_capacity",
];
const EVENTS_HEADER: &[&str] = &["time_s", "timestamp", "kind", "subject", "message"];
const ALARMS_HEADER: &[&str] = &[
    "time_s",
    "timestamp",
    "alarm",
    "service",
    "metric",
    "value",
    "comparison",
    "threshold",
    "state",
];
const TASKS_HEADER: &[&str] = &[
    "task_id",
    "service",
    "task_definition",
    "capacity_provider",
    "instance_id",
    "availability_zone",
    "host_ports",
    "created_s",
    "running_s",
    "stopped_s",
    "stop_reason",
];

fn io(e: csv::Error) -> SinkError {
    SinkError(e.to_string())
}

fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        (ms / 1000).to_string()
    } else {
        format!("{}.{:03}", ms / 1000, ms % 1000)
    }
}

impl<W: Write> CsvSink<W> {
    /// Writes the headers and returns the sink.
    pub fn new(files: RunFiles<W>, start_epoch_ms: i64, summary: SummaryBuilder) -> Result<Self, SinkError> {
        let mut sink = CsvSink {
            services: csv::Writer::from_writer(files.services),
            cluster: csv::Writer::from_writer(files.cluster),
            events: csv::Writer::from_writer(files.events),
            tasks: csv::Writer::from_writer(files.tasks),
            alarms: csv::Writer::from_writer(files.alarms),
            start_epoch_ms,
            summary,
        };
        sink.services.write_record(SERVICES_HEADER).map_err(io)?;
        sink.cluster.write_record(CLUSTER_HEADER).map_err(io)?;
        sink.events.write_record(EVENTS_HEADER).map_err(io)?;
        sink.tasks.write_record(TASKS_HEADER).map_err(io)?;
        sink.alarms.write_record(ALARMS_HEADER).map_err(io)?;
        Ok(sink)
    }

    /// Flushes everything and hands back the writers.
    pub fn into_inner(self) -> Result<(RunFiles<W>, SummaryBuilder), SinkError> {
        let inner = |w: csv::Writer<W>| w.into_inner().map_err(|e| SinkError(e.to_string()));
        Ok((
            RunFiles {
                services: inner(self.services)?,
                cluster: inner(self.cluster)?,
                events: inner(self.events)?,
                tasks: inner(self.tasks)?,
                alarms: inner(self.alarms)?,
            },
            self.summary,
        ))
    }
}

impl<W: Write> TraceSink for CsvSink<W> {
    fn service_row(&mut self, r: &ServiceRow<'_>) -> Result<(), SinkError> {
        self.summary.service_row(r);
        let w = &mut self.services;
        w.write_field(seconds(r.time_ms)).map_err(io)?;
        w.write_field(timestamp(self.start_epoch_ms, r.time_ms)).map_err(io)?;
        w.write_field(r.service).map_err(io)?;
        for v in [
            r.desired,
            r.running,
            r.pending,
            r.healthy,
            r.primary_running,
            r.active_running,
        ] {
            w.write_field(v.to_string()).map_err(io)?;
        }
        for v in [
            r.cpu_utilization,
            r.memory_utilization,
            r.demand_rps,
            r.served_rps,
            r.unserved_rps,
        ] {
            w.write_field(number(v)).map_err(io)?;
        }
        w.write_field(r.min_capacity.to_string()).map_err(io)?;
        w.write_field(r.max_capacity.to_string()).map_err(io)?;
        // Queue workers only; empty for services that serve requests.
        for v in [r.queue_depth, r.oldest_message_age_s] {
            w.write_field(v.map(number).unwrap_or_default()).map_err(io)?;
        }
        w.write_record(None::<&[u8]>).map_err(io)
    }

    fn cluster_row(&mut self, r: &ClusterRow<'_>) -> Result<(), SinkError> {
        self.summary.cluster_row(r);
        let w = &mut self.cluster;
        w.write_field(seconds(r.time_ms)).map_err(io)?;
        w.write_field(timestamp(self.start_epoch_ms, r.time_ms)).map_err(io)?;
        w.write_field(r.capacity_provider).map_err(io)?;
        w.write_field(r.instances.to_string()).map_err(io)?;
        w.write_field(r.instances_pending.to_string()).map_err(io)?;
        w.write_field(number(r.cpu_reserved_pct)).map_err(io)?;
        w.write_field(number(r.memory_reserved_pct)).map_err(io)?;
        w.write_field(r.capacity_provider_reservation.map(number).unwrap_or_default())
            .map_err(io)?;
        w.write_field(r.tasks_provisioning.to_string()).map_err(io)?;
        w.write_field(r.tasks.to_string()).map_err(io)?;
        w.write_field(usd(r.cost_usd)).map_err(io)?;
        w.write_field(r.desired_capacity.map(|v| v.to_string()).unwrap_or_default())
            .map_err(io)?;
        w.write_field(r.target_capacity.map(|v| v.to_string()).unwrap_or_default())
            .map_err(io)?;
        w.write_record(None::<&[u8]>).map_err(io)
    }

    fn event(&mut self, e: &EventRecord) -> Result<(), SinkError> {
        self.summary.event(e);
        self.events
            .write_record([
                seconds(e.time_ms).as_str(),
                &timestamp(self.start_epoch_ms, e.time_ms),
                e.kind.as_str(),
                &e.subject,
                &e.message,
            ])
            .map_err(io)
    }

    fn alarm_row(&mut self, r: &AlarmRow<'_>) -> Result<(), SinkError> {
        self.summary.alarm_row(r);
        self.alarms
            .write_record([
                seconds(r.time_ms).as_str(),
                &timestamp(self.start_epoch_ms, r.time_ms),
                r.alarm,
                r.service,
                r.metric,
                &r.value.map(number).unwrap_or_default(),
                r.comparison,
                &number(r.threshold),
                r.state,
            ])
            .map_err(io)
    }

    fn task(&mut self, t: &TaskRecord<'_>) -> Result<(), SinkError> {
        let ports: Vec<String> = t.host_ports.iter().map(u16::to_string).collect();
        self.tasks
            .write_record([
                format!("t-{}", t.task_id).as_str(),
                t.service,
                t.task_definition,
                t.capacity_provider,
                t.instance_id.unwrap_or(""),
                t.availability_zone.unwrap_or(""),
                &ports.join(" "),
                &seconds(t.created_ms),
                &t.running_ms.map(seconds).unwrap_or_default(),
                &t.stopped_ms.map(seconds).unwrap_or_default(),
                t.stop_reason,
            ])
            .map_err(io)
    }

    fn finish(&mut self, totals: &RunTotals) -> Result<(), SinkError> {
        self.summary.finish(totals);
        for w in [
            &mut self.services,
            &mut self.cluster,
            &mut self.events,
            &mut self.tasks,
            &mut self.alarms,
        ] {
            w.flush().map_err(|e| SinkError(e.to_string()))?;
        }
        Ok(())
    }
}
