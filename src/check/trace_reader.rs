//! Reads one trace file's text chunk by chunk (as a run writes it, or whole), keeping only the
//! rows and folds the expectations' `Needs` ask for; `RunTables::assemble` puts the files together.

use std::collections::{BTreeMap, BTreeSet};

use super::needs::Needs;
use super::table::{Cells, EventRow, SubjectRows, TraceFile};
use crate::trace::columns::{TIME_S, TIMESTAMP, cluster, events, services};

/// A trace file whose text `RunTables` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceText {
    /// `services.csv`.
    Services,
    /// `cluster.csv`.
    Cluster,
    /// `events.csv`.
    Events,
}

/// Reads one trace file's text, in chunks that each end at the end of a record, keeping what
/// the `Needs` ask for. `RunTables::assemble` puts the three files together.
#[derive(Clone, Debug)]
pub struct TraceReader {
    needs: Needs,
    /// Lines of the chunks read so far, so messages give the line in the whole file.
    lines: u64,
    /// Rows read so far (the header included).
    records: u64,
    pub(super) contents: Contents,
}

#[derive(Clone, Debug)]
pub(super) enum Contents {
    Trace {
        table: TraceFile,
        subject_column: &'static str,
        /// `time_s`, the subject, and each field's index in the record; set by the header.
        layout: Option<(usize, usize, Vec<usize>)>,
        /// Header cells, for messages.
        header: Vec<String>,
    },
    Events {
        rows: Vec<EventRow>,
        kinds: BTreeSet<String>,
        counts: BTreeMap<(String, String), u64>,
        /// `time_s`, `kind` and `subject`; set by the header.
        layout: Option<[usize; 3]>,
    },
}

impl TraceReader {
    /// A reader of `file` that keeps what `needs` asks for.
    pub fn new(file: TraceText, needs: Needs) -> TraceReader {
        let trace = |file: &'static str, subject_column: &'static str, subject_word: &'static str| Contents::Trace {
            table: TraceFile {
                file,
                subject_word,
                fields: Vec::new(),
                subjects: BTreeMap::new(),
                folds: Vec::new(),
            },
            subject_column,
            layout: None,
            header: Vec::new(),
        };
        let contents = match file {
            TraceText::Services => trace(services::FILE, services::SERVICE, "service"),
            TraceText::Cluster => trace(cluster::FILE, cluster::CAPACITY_PROVIDER, "capacity provider"),
            TraceText::Events => Contents::Events {
                rows: Vec::new(),
                kinds: BTreeSet::new(),
                counts: BTreeMap::new(),
                layout: None,
            },
        };
        TraceReader {
            needs,
            lines: 0,
            records: 0,
            contents,
        }
    }

    /// The file's name, for messages.
    fn file(&self) -> &'static str {
        match &self.contents {
            Contents::Trace { table, .. } => table.file,
            Contents::Events { .. } => events::FILE,
        }
    }

    /// Reads `chunk`, whole records of the file (the first chunk starts with the header).
    pub fn read(&mut self, chunk: &[u8]) -> Result<(), String> {
        let file = self.file();
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(chunk);
        let mut record = csv::StringRecord::new();
        loop {
            match csv.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(format!("{file}: {e}")),
            }
            let line = self.lines + record.position().map_or(0, |p| p.line());
            self.records += 1;
            if self.records == 1 {
                self.header(&record)?;
            } else {
                self.row(&record, line)?;
            }
        }
        self.lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(())
    }

    /// The table of `services.csv` or `cluster.csv`.
    pub(super) fn into_trace(self) -> Result<TraceFile, String> {
        match self.contents {
            Contents::Trace { table, layout, .. } if layout.is_some() => Ok(table),
            Contents::Trace { table, .. } => Err(format!("{}: no `{TIME_S}` column in the header", table.file)),
            Contents::Events { .. } => Err(format!("{} read where a per-interval trace was expected", events::FILE)),
        }
    }

    fn header(&mut self, headers: &csv::StringRecord) -> Result<(), String> {
        let file = self.file();
        match &mut self.contents {
            Contents::Trace {
                table,
                subject_column,
                layout,
                header,
            } => {
                let time_index = header_index(headers, file, TIME_S)?;
                let subject_index = header_index(headers, file, subject_column)?;
                let field_indexes: Vec<usize> = (0..headers.len())
                    .filter(|&i| i != subject_index && &headers[i] != TIMESTAMP)
                    .collect();
                table.fields = field_indexes.iter().map(|&i| headers[i].to_string()).collect();
                *header = headers.iter().map(str::to_string).collect();
                *layout = Some((time_index, subject_index, field_indexes));
            }
            Contents::Events { layout, .. } => {
                let [time, kind, subject] = [events::TIME_S, events::KIND, events::SUBJECT]
                    .map(|name| header_index(headers, events::FILE, name));
                *layout = Some([time?, kind?, subject?]);
            }
        }
        Ok(())
    }

    fn row(&mut self, record: &csv::StringRecord, line: u64) -> Result<(), String> {
        let file = self.file();
        let cell = |i: usize| record.get(i).unwrap_or("");
        let needs = &self.needs;
        match &mut self.contents {
            Contents::Trace {
                table, layout, header, ..
            } => {
                let Some((time_index, subject_index, field_indexes)) = layout else {
                    return Ok(());
                };
                let time_ms = seconds_to_ms(cell(*time_index))
                    .ok_or_else(|| format!("{file} line {line}: `{}` is not a time in seconds", cell(*time_index)))?;
                let subject = cell(*subject_index);
                if !table.subjects.contains_key(subject) {
                    let mut rows = SubjectRows::default();
                    for (f, field) in table.fields.iter().enumerate() {
                        if needs.column(subject, field) {
                            rows.values.insert(f, Cells::default());
                        }
                        for fold in needs.folds_of(subject, field) {
                            rows.folds.push((f, table.folds.len()));
                            table.folds.push(fold);
                        }
                    }
                    table.subjects.insert(subject.to_string(), rows);
                }
                let rows = table.subjects.get_mut(subject).expect("inserted above");
                if rows.last_ms.is_some_and(|last| last > time_ms) {
                    return Err(format!("{file} line {line}: {TIME_S} goes backwards"));
                }
                let previous_ms = rows.last_ms.unwrap_or(0);
                rows.first_ms.get_or_insert(time_ms);
                rows.last_ms = Some(time_ms);
                if needs.subject(subject) {
                    rows.time_ms.push(time_ms);
                }
                for (f, &i) in field_indexes.iter().enumerate() {
                    let text = cell(i);
                    // Every cell is checked, kept or not, so a file reads the same whatever is kept.
                    let value = if text.is_empty() {
                        None
                    } else {
                        Some(text.parse::<f64>().map_err(|_| {
                            format!("{file} line {line}: `{text}` in column `{}` is not a number", header[i])
                        })?)
                    };
                    if let Some(cells) = rows.values.get_mut(&f) {
                        cells.push(value);
                    }
                    for &(_, k) in rows.folds.iter().filter(|(field, _)| *field == f) {
                        table.folds[k].add(previous_ms, time_ms, value);
                    }
                }
            }
            Contents::Events {
                rows,
                kinds,
                counts,
                layout,
            } => {
                let Some([time, kind, subject]) = *layout else {
                    return Ok(());
                };
                let time_ms = seconds_to_ms(cell(time)).ok_or_else(|| {
                    format!(
                        "{} line {line}: `{}` is not a time in seconds",
                        events::FILE,
                        cell(time)
                    )
                })?;
                let kind = cell(kind);
                if !kinds.contains(kind) {
                    kinds.insert(kind.to_string());
                }
                if needs.event_kind(kind) {
                    rows.push(EventRow {
                        time_ms,
                        kind: kind.to_string(),
                        subject: cell(subject).to_string(),
                    });
                } else if needs.counted_kind(kind) {
                    *counts.entry((kind.to_string(), cell(subject).to_string())).or_insert(0) += 1;
                }
            }
        }
        Ok(())
    }
}

/// `7337.855` seconds as 7_337_855 ms, exactly (the sink writes at most three decimals).
fn seconds_to_ms(text: &str) -> Option<u64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || fraction.len() > 3 || !(whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{fraction:0<3}");
    whole
        .parse::<u64>()
        .ok()?
        .checked_mul(1000)?
        .checked_add(padded.parse().ok()?)
}

fn header_index(headers: &csv::StringRecord, file: &str, name: &str) -> Result<usize, String> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| format!("{file}: no `{name}` column in the header"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_seconds(text: &str, expected: Option<u64>) {
        assert_eq!(seconds_to_ms(text), expected, "{text:?}");
    }

    #[test]
    fn reads_times_exactly_in_milliseconds() {
        check_seconds("60", Some(60_000));
        check_seconds("7337.855", Some(7_337_855));
        check_seconds("0.5", Some(500));
        check_seconds("1.2345", None);
        check_seconds("-1", None);
        check_seconds("", None);
        check_seconds(".5", None);
    }
}
