//! The CSV trace writer: `services.csv`, `cluster.csv`, `events.csv`, `tasks.csv`, streamed.

use std::io::Write;

use super::summary::SummaryBuilder;
use crate::trace::columns::{CellOf, Column, alarms, cluster, events, header, services, tasks};
use crate::trace::{AlarmRow, ClusterRow, EventRecord, RunTotals, ServiceRow, SinkError, TaskRecord, TraceSink};

/// The writers of a run directory's trace files.
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

fn io(e: csv::Error) -> SinkError {
    SinkError(e.to_string())
}

/// Writes the header of a file from its column table.
fn write_header<W: Write, F>(w: &mut csv::Writer<W>, columns: &[Column<F>]) -> Result<(), SinkError> {
    w.write_record(header(columns)).map_err(io)
}

/// Writes one row: each column's cell from `record`, in table order.
fn write_row<W: Write, R: ?Sized>(
    w: &mut csv::Writer<W>,
    columns: &[Column<CellOf<R>>],
    record: &R,
    start_epoch_ms: i64,
) -> Result<(), SinkError> {
    for column in columns {
        w.write_field((column.cell)(record, start_epoch_ms).as_bytes())
            .map_err(io)?;
    }
    w.write_record(None::<&[u8]>).map_err(io)
}

impl RunFiles<Vec<u8>> {
    /// Five empty buffers: a run written in memory (tests, `ecsim check`, benchmarks).
    pub fn in_memory() -> Self {
        RunFiles {
            services: Vec::new(),
            cluster: Vec::new(),
            events: Vec::new(),
            tasks: Vec::new(),
            alarms: Vec::new(),
        }
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
        write_header(&mut sink.services, services::COLUMNS)?;
        write_header(&mut sink.cluster, cluster::COLUMNS)?;
        write_header(&mut sink.events, events::COLUMNS)?;
        write_header(&mut sink.tasks, tasks::COLUMNS)?;
        write_header(&mut sink.alarms, alarms::COLUMNS)?;
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
        write_row(&mut self.services, services::COLUMNS, r, self.start_epoch_ms)
    }

    fn cluster_row(&mut self, r: &ClusterRow<'_>) -> Result<(), SinkError> {
        self.summary.cluster_row(r);
        write_row(&mut self.cluster, cluster::COLUMNS, r, self.start_epoch_ms)
    }

    fn event(&mut self, e: &EventRecord) -> Result<(), SinkError> {
        self.summary.event(e);
        write_row(&mut self.events, events::COLUMNS, e, self.start_epoch_ms)
    }

    fn alarm_row(&mut self, r: &AlarmRow<'_>) -> Result<(), SinkError> {
        self.summary.alarm_row(r);
        write_row(&mut self.alarms, alarms::COLUMNS, r, self.start_epoch_ms)
    }

    fn task(&mut self, t: &TaskRecord<'_>) -> Result<(), SinkError> {
        write_row(&mut self.tasks, tasks::COLUMNS, t, self.start_epoch_ms)
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
