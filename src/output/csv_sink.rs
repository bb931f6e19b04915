//! The CSV trace writer: `services.csv`, `cluster.csv`, `events.csv`, `tasks.csv`, `alarms.csv`,
//! streamed; each file only if the run writes it.

use std::io::Write;

use super::summary::SummaryBuilder;
use crate::spec::budget::grouped;
use crate::trace::columns::{CellOf, Column, alarms, cluster, events, header, services, tasks};
use crate::trace::forecast::hourly;
use crate::trace::format::RowWriter;
use crate::trace::jobs::{job_runs, job_trace};
use crate::trace::{
    AlarmRow, ClusterRow, EventRecord, ForecastMade, ForecastRow, JobRecord, JobTraceRow, RunTotals, ServiceRow,
    SinkError, TaskRecord, TraceSink,
};

/// The writers of a run directory's trace files; `None` for a file the run does not write (its
/// rows are not even formatted).
pub struct RunFiles<W: Write> {
    /// `services.csv`.
    pub services: Option<W>,
    /// `cluster.csv`.
    pub cluster: Option<W>,
    /// `events.csv`.
    pub events: Option<W>,
    /// `tasks.csv`.
    pub tasks: Option<W>,
    /// `alarms.csv`.
    pub alarms: Option<W>,
    /// `jobs.csv` (runs with standalone tasks).
    pub jobs: Option<W>,
    /// `jobs-trace.csv` (runs with standalone tasks).
    pub job_trace: Option<W>,
    /// `forecast.csv` (runs with predictive scaling policies).
    pub forecast: Option<W>,
}

/// Which rows of the alarm evaluations `alarms.csv` gets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AlarmRows {
    /// One row per change of state, as CloudWatch's alarm history keeps it (the default).
    #[default]
    StateChanges,
    /// One row per evaluation (`--alarm-evaluations`).
    Evaluations,
}

/// The trace bytes a sink may make (`--budget bytes=N`), counted as they are written: the
/// estimate before the run is a floor, this is the bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteBudget {
    /// Bytes the sink may write, every trace together (files and buffers in memory).
    pub limit: u64,
    /// Bytes written so far.
    pub written: u64,
    /// Whether a row was refused because it would have passed the limit.
    pub exceeded: bool,
}

impl ByteBudget {
    /// No limit.
    pub const UNLIMITED: ByteBudget = ByteBudget {
        limit: u64::MAX,
        written: 0,
        exceeded: false,
    };

    /// Counts `n` more bytes, or refuses them (nothing of them is written) if they would pass
    /// the limit.
    fn take(&mut self, n: usize) -> Result<(), SinkError> {
        let after = self.written.saturating_add(n as u64);
        if after > self.limit {
            self.exceeded = true;
            return Err(SinkError(self.message()));
        }
        self.written = after;
        Ok(())
    }

    /// What a run stopped by the budget says: the budget, the bytes written, the flag.
    pub fn message(&self) -> String {
        format!(
            "the run was stopped: its traces reached {} bytes, and the next row would pass the resource budget of \
             {} bytes of traces (the estimate before the run is a floor); raise the limit with --budget bytes=N if \
             the machine can afford it, or lower duration or raise traceInterval",
            grouped(self.written),
            grouped(self.limit)
        )
    }
}

/// A `TraceSink` that streams every record to CSV and feeds the summary.
///
/// Each row is formatted by its file's column table into one reusable `RowWriter` (no allocation
/// per row, the timestamp formatted once per instant, quoting checked only on free text) and
/// handed to its file's writer in one `write_all`; the bytes are those `csv::Writer` wrote. The
/// summary sees every record, whichever files are written.
pub struct CsvSink<W: Write> {
    files: RunFiles<W>,
    row: RowWriter,
    /// `services.csv` has the latency columns (some task definition has a service model).
    latency_columns: bool,
    alarm_rows: AlarmRows,
    bytes: ByteBudget,
    /// Aggregates for `summary.json`.
    pub summary: SummaryBuilder,
}

fn io(e: std::io::Error) -> SinkError {
    SinkError(e.to_string())
}

/// Writes the header of a file from its column table.
fn write_header<W: Write, F>(
    w: &mut Option<W>,
    row: &mut RowWriter,
    bytes: &mut ByteBudget,
    columns: &[Column<F>],
) -> Result<(), SinkError> {
    write_header_of(w, row, bytes, &[columns])
}

/// Writes the header of a file whose columns are the tables `parts`, one after the other.
fn write_header_of<W: Write, F>(
    w: &mut Option<W>,
    row: &mut RowWriter,
    bytes: &mut ByteBudget,
    parts: &[&[Column<F>]],
) -> Result<(), SinkError> {
    let Some(w) = w else { return Ok(()) };
    row.clear();
    for (i, name) in parts.iter().flat_map(|columns| header(columns)).enumerate() {
        if i > 0 {
            row.delimiter();
        }
        row.text(name);
    }
    row.end_record();
    bytes.take(row.as_bytes().len())?;
    w.write_all(row.as_bytes()).map_err(io)
}

/// Writes one row: each column's cell from `record`, in table order.
fn write_row<W: Write, R: ?Sized>(
    w: &mut Option<W>,
    row: &mut RowWriter,
    bytes: &mut ByteBudget,
    columns: &[Column<CellOf<R>>],
    record: &R,
) -> Result<(), SinkError> {
    write_row_of(w, row, bytes, &[columns], record)
}

/// Writes one row whose columns are the tables `parts`, one after the other.
fn write_row_of<W: Write, R: ?Sized>(
    w: &mut Option<W>,
    row: &mut RowWriter,
    bytes: &mut ByteBudget,
    parts: &[&[Column<CellOf<R>>]],
    record: &R,
) -> Result<(), SinkError> {
    let Some(w) = w else { return Ok(()) };
    row.clear();
    for (i, column) in parts.iter().flat_map(|columns| columns.iter()).enumerate() {
        if i > 0 {
            row.delimiter();
        }
        (column.cell)(record, row);
    }
    row.end_record();
    bytes.take(row.as_bytes().len())?;
    w.write_all(row.as_bytes()).map_err(io)
}

impl RunFiles<Vec<u8>> {
    /// Five empty buffers: a run written in memory (tests, `ecsim check`, benchmarks).
    pub fn in_memory() -> Self {
        RunFiles {
            services: Some(Vec::new()),
            cluster: Some(Vec::new()),
            events: Some(Vec::new()),
            tasks: Some(Vec::new()),
            alarms: Some(Vec::new()),
            jobs: Some(Vec::new()),
            job_trace: Some(Vec::new()),
            forecast: Some(Vec::new()),
        }
    }

    /// Drops `forecast.csv` in a run without predictive scaling policies (it would be empty).
    pub fn without_forecast(mut self) -> Self {
        self.forecast = None;
        self
    }

    /// Drops the jobs files of a run without standalone tasks (they would be empty).
    pub fn without_jobs(mut self) -> Self {
        self.jobs = None;
        self.job_trace = None;
        self
    }
}

impl<W: Write> CsvSink<W> {
    /// Writes the headers and returns the sink, which writes the alarm history (state changes).
    /// `services.csv` gets the latency columns when the summary's run has a service model
    /// ([`SummaryBuilder::has_latency`]).
    pub fn new(files: RunFiles<W>, start_epoch_ms: i64, summary: SummaryBuilder) -> Result<Self, SinkError> {
        let mut sink = CsvSink {
            files,
            row: RowWriter::new(start_epoch_ms),
            latency_columns: summary.has_latency(),
            alarm_rows: AlarmRows::StateChanges,
            bytes: ByteBudget::UNLIMITED,
            summary,
        };
        let services_columns = sink.services_columns();
        let (f, row, b) = (&mut sink.files, &mut sink.row, &mut sink.bytes);
        write_header_of(&mut f.services, row, b, services_columns)?;
        write_header(&mut f.cluster, row, b, cluster::COLUMNS)?;
        write_header(&mut f.events, row, b, events::COLUMNS)?;
        write_header(&mut f.tasks, row, b, tasks::COLUMNS)?;
        write_header(&mut f.alarms, row, b, alarms::COLUMNS)?;
        write_header(&mut f.jobs, row, b, job_runs::COLUMNS)?;
        write_header(&mut f.job_trace, row, b, job_trace::COLUMNS)?;
        write_header(&mut f.forecast, row, b, hourly::COLUMNS)?;
        Ok(sink)
    }

    /// Refuses any row that would take the traces past `limit` bytes: the write fails and the
    /// engine stops (`byte_budget` then says so). The headers already written count.
    pub fn with_byte_limit(mut self, limit: u64) -> Self {
        self.bytes.limit = limit;
        self
    }

    /// The bytes written and the limit; `exceeded` when a row was refused.
    pub fn byte_budget(&self) -> ByteBudget {
        self.bytes
    }

    /// The tables of `services.csv`'s columns, in order.
    fn services_columns(&self) -> &'static [&'static [Column<services::Cell>]] {
        if self.latency_columns {
            &[services::COLUMNS, services::LATENCY_COLUMNS]
        } else {
            &[services::COLUMNS]
        }
    }

    /// Writes `rows` of the alarm evaluations into `alarms.csv`.
    pub fn with_alarm_rows(mut self, rows: AlarmRows) -> Self {
        self.alarm_rows = rows;
        self
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        let f = &mut self.files;
        for w in [
            &mut f.services,
            &mut f.cluster,
            &mut f.events,
            &mut f.tasks,
            &mut f.alarms,
            &mut f.jobs,
            &mut f.job_trace,
            &mut f.forecast,
        ]
        .into_iter()
        .flatten()
        {
            w.flush().map_err(io)?;
        }
        Ok(())
    }

    /// Flushes everything and hands back the writers.
    pub fn into_inner(mut self) -> Result<(RunFiles<W>, SummaryBuilder), SinkError> {
        self.flush()?;
        Ok((self.files, self.summary))
    }
}

impl<W: Write> TraceSink for CsvSink<W> {
    fn service_row(&mut self, r: &ServiceRow<'_>) -> Result<(), SinkError> {
        self.summary.service_row(r);
        let columns = self.services_columns();
        write_row_of(&mut self.files.services, &mut self.row, &mut self.bytes, columns, r)
    }

    fn cluster_row(&mut self, r: &ClusterRow<'_>) -> Result<(), SinkError> {
        self.summary.cluster_row(r);
        write_row(
            &mut self.files.cluster,
            &mut self.row,
            &mut self.bytes,
            cluster::COLUMNS,
            r,
        )
    }

    fn event(&mut self, e: &EventRecord) -> Result<(), SinkError> {
        self.summary.event(e);
        write_row(
            &mut self.files.events,
            &mut self.row,
            &mut self.bytes,
            events::COLUMNS,
            e,
        )
    }

    fn alarm_row(&mut self, r: &AlarmRow<'_>) -> Result<(), SinkError> {
        self.summary.alarm_row(r);
        if self.alarm_rows == AlarmRows::StateChanges && !r.changed_state() {
            return Ok(());
        }
        write_row(
            &mut self.files.alarms,
            &mut self.row,
            &mut self.bytes,
            alarms::COLUMNS,
            r,
        )
    }

    fn task(&mut self, t: &TaskRecord<'_>) -> Result<(), SinkError> {
        self.summary.task(t);
        write_row(&mut self.files.tasks, &mut self.row, &mut self.bytes, tasks::COLUMNS, t)
    }

    fn job(&mut self, j: &JobRecord<'_>) -> Result<(), SinkError> {
        self.summary.job(j);
        write_row(
            &mut self.files.jobs,
            &mut self.row,
            &mut self.bytes,
            job_runs::COLUMNS,
            j,
        )
    }

    fn job_row(&mut self, r: &JobTraceRow) -> Result<(), SinkError> {
        write_row(
            &mut self.files.job_trace,
            &mut self.row,
            &mut self.bytes,
            job_trace::COLUMNS,
            r,
        )
    }

    fn forecast(&mut self, r: &ForecastMade<'_>) -> Result<(), SinkError> {
        self.summary.forecast(r);
        Ok(())
    }

    fn forecast_row(&mut self, r: &ForecastRow<'_>) -> Result<(), SinkError> {
        self.summary.forecast_row(r);
        write_row(
            &mut self.files.forecast,
            &mut self.row,
            &mut self.bytes,
            hourly::COLUMNS,
            r,
        )
    }

    fn finish(&mut self, totals: &RunTotals) -> Result<(), SinkError> {
        self.summary.finish(totals);
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_budget_refuses_the_row_that_would_pass_it_and_says_so() {
        let mut bytes = ByteBudget {
            limit: 10,
            ..ByteBudget::UNLIMITED
        };
        bytes.take(6).expect("fits");
        bytes.take(4).expect("reaches the limit exactly");
        let refused = bytes.take(1).expect_err("passes the limit");
        assert_eq!(
            (bytes.written, bytes.exceeded),
            (10, true),
            "the refused row is not counted"
        );
        assert!(
            refused
                .0
                .starts_with("the run was stopped: its traces reached 10 bytes"),
            "{refused}"
        );
        assert!(refused.0.contains("budget of 10 bytes of traces") && refused.0.contains("--budget bytes=N"));
    }

    #[test]
    fn a_sink_counts_every_trace_it_makes_and_stops_at_its_limit() {
        let files = RunFiles {
            forecast: None,
            tasks: None,
            ..RunFiles::in_memory().without_jobs()
        };
        let mut sink = CsvSink::new(files, 0, SummaryBuilder::default())
            .expect("headers")
            .with_byte_limit(1_300);
        let mut row = ServiceRow {
            time_ms: 0,
            service: "web",
            desired: 4,
            running: 3,
            pending: 1,
            provisioning: 0,
            healthy: 3,
            primary_running: 2,
            active_running: 1,
            cpu_utilization: 61.25,
            memory_utilization: 40.5,
            demand_rps: 300.0,
            served_rps: 280.125,
            unserved_rps: 19.875,
            min_capacity: 2,
            max_capacity: 10,
            unserved_requests: 1192.5,
            queue_depth: None,
            oldest_message_age_s: None,
            latency: None,
            new_revision_weight_pct: 100.0,
            new_revision_served_requests: 0.0,
            target_5xx_requests: 0.0,
        };
        let mut accepted = 0;
        while sink.service_row(&row).is_ok() {
            accepted += 1;
            row.time_ms += 60_000;
        }
        let budget = sink.byte_budget();
        let (files, _) = sink.into_inner().expect("flushes");
        let made: usize = [
            files.services,
            files.cluster,
            files.events,
            files.alarms,
            files.jobs,
            files.job_trace,
        ]
        .into_iter()
        .flatten()
        .map(|b| b.len())
        .sum();
        assert!(
            accepted > 3 && budget.exceeded && budget.written <= 1_300,
            "{accepted} rows, {budget:?}"
        );
        assert_eq!(
            made as u64, budget.written,
            "every byte written is counted, tasks.csv not made"
        );
    }
}
