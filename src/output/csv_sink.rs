//! The CSV trace writer: `services.csv`, `cluster.csv`, `events.csv`, `tasks.csv`, streamed.

use std::io::Write;

use super::summary::SummaryBuilder;
use crate::trace::columns::{CellOf, Column, alarms, cluster, events, header, services, tasks};
use crate::trace::format::RowWriter;
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
///
/// Each row is formatted by its file's column table into one reusable `RowWriter` (no allocation
/// per row, the timestamp formatted once per instant, quoting checked only on free text) and
/// handed to its file's writer in one `write_all`; the bytes are those `csv::Writer` wrote.
pub struct CsvSink<W: Write> {
    files: RunFiles<W>,
    row: RowWriter,
    /// `services.csv` has the latency columns (some task definition has a service model).
    latency_columns: bool,
    /// Aggregates for `summary.json`.
    pub summary: SummaryBuilder,
}

fn io(e: std::io::Error) -> SinkError {
    SinkError(e.to_string())
}

/// Writes the header of a file from its column table.
fn write_header<W: Write, F>(w: &mut W, row: &mut RowWriter, columns: &[Column<F>]) -> Result<(), SinkError> {
    write_header_of(w, row, &[columns])
}

/// Writes the header of a file whose columns are the tables `parts`, one after the other.
fn write_header_of<W: Write, F>(w: &mut W, row: &mut RowWriter, parts: &[&[Column<F>]]) -> Result<(), SinkError> {
    row.clear();
    for (i, name) in parts.iter().flat_map(|columns| header(columns)).enumerate() {
        if i > 0 {
            row.delimiter();
        }
        row.text(name);
    }
    row.end_record();
    w.write_all(row.as_bytes()).map_err(io)
}

/// Writes one row: each column's cell from `record`, in table order.
fn write_row<W: Write, R: ?Sized>(
    w: &mut W,
    row: &mut RowWriter,
    columns: &[Column<CellOf<R>>],
    record: &R,
) -> Result<(), SinkError> {
    write_row_of(w, row, &[columns], record)
}

/// Writes one row whose columns are the tables `parts`, one after the other.
fn write_row_of<W: Write, R: ?Sized>(
    w: &mut W,
    row: &mut RowWriter,
    parts: &[&[Column<CellOf<R>>]],
    record: &R,
) -> Result<(), SinkError> {
    row.clear();
    for (i, column) in parts.iter().flat_map(|columns| columns.iter()).enumerate() {
        if i > 0 {
            row.delimiter();
        }
        (column.cell)(record, row);
    }
    row.end_record();
    w.write_all(row.as_bytes()).map_err(io)
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
    /// Writes the headers and returns the sink. `services.csv` gets the latency columns when
    /// the summary's run has a service model ([`SummaryBuilder::has_latency`]).
    pub fn new(files: RunFiles<W>, start_epoch_ms: i64, summary: SummaryBuilder) -> Result<Self, SinkError> {
        let mut sink = CsvSink {
            files,
            row: RowWriter::new(start_epoch_ms),
            latency_columns: summary.has_latency(),
            summary,
        };
        let services_columns = sink.services_columns();
        let (f, row) = (&mut sink.files, &mut sink.row);
        write_header_of(&mut f.services, row, services_columns)?;
        write_header(&mut f.cluster, row, cluster::COLUMNS)?;
        write_header(&mut f.events, row, events::COLUMNS)?;
        write_header(&mut f.tasks, row, tasks::COLUMNS)?;
        write_header(&mut f.alarms, row, alarms::COLUMNS)?;
        Ok(sink)
    }

    /// The tables of `services.csv`'s columns, in order.
    fn services_columns(&self) -> &'static [&'static [Column<services::Cell>]] {
        if self.latency_columns {
            &[services::COLUMNS, services::LATENCY_COLUMNS]
        } else {
            &[services::COLUMNS]
        }
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        let f = &mut self.files;
        for w in [
            &mut f.services,
            &mut f.cluster,
            &mut f.events,
            &mut f.tasks,
            &mut f.alarms,
        ] {
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
        write_row_of(&mut self.files.services, &mut self.row, columns, r)
    }

    fn cluster_row(&mut self, r: &ClusterRow<'_>) -> Result<(), SinkError> {
        self.summary.cluster_row(r);
        write_row(&mut self.files.cluster, &mut self.row, cluster::COLUMNS, r)
    }

    fn event(&mut self, e: &EventRecord) -> Result<(), SinkError> {
        self.summary.event(e);
        write_row(&mut self.files.events, &mut self.row, events::COLUMNS, e)
    }

    fn alarm_row(&mut self, r: &AlarmRow<'_>) -> Result<(), SinkError> {
        self.summary.alarm_row(r);
        write_row(&mut self.files.alarms, &mut self.row, alarms::COLUMNS, r)
    }

    fn task(&mut self, t: &TaskRecord<'_>) -> Result<(), SinkError> {
        write_row(&mut self.files.tasks, &mut self.row, tasks::COLUMNS, t)
    }

    fn finish(&mut self, totals: &RunTotals) -> Result<(), SinkError> {
        self.summary.finish(totals);
        self.flush()
    }
}
