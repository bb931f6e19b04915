//! A trace file read as it is written: `TraceFeed` is the `Write` a `CsvSink` writes a trace
//! into when a run is judged in memory (`ecsim check`). It hands whole records to a
//! `TraceReader` every few tens of kilobytes, so what stays in memory is the reader's kept
//! columns, not the file's text.

use std::io::Write;

use super::needs::Needs;
use super::trace_reader::{TraceReader, TraceText};

/// Bytes gathered before the complete records among them are read.
const CHUNK: usize = 64 * 1024;

/// A `Write` that reads the CSV text written into it with a `TraceReader`.
#[derive(Debug)]
pub struct TraceFeed {
    reader: TraceReader,
    /// Bytes written and not read yet: whole records, then the start of one.
    pending: Vec<u8>,
    /// How far `pending` was scanned for record ends.
    scanned: usize,
    /// Whether the scan stopped inside a quoted cell (a newline there does not end a record).
    in_quotes: bool,
    /// Where the last complete record in `pending` ends.
    records_end: usize,
}

impl TraceFeed {
    /// A feed of `file` keeping what `needs` asks for.
    pub fn new(file: TraceText, needs: Needs) -> TraceFeed {
        TraceFeed {
            reader: TraceReader::new(file, needs),
            pending: Vec::with_capacity(CHUNK),
            scanned: 0,
            in_quotes: false,
            records_end: 0,
        }
    }

    /// Reads what is left and hands back the reader; an error when the text ends inside a
    /// record (the writer stopped half-way) or does not read.
    pub fn finish(mut self) -> Result<TraceReader, String> {
        self.read_complete().map_err(|e| e.to_string())?;
        if !self.pending.is_empty() {
            return Err("a trace ends inside a row".into());
        }
        Ok(self.reader)
    }

    /// Finds the record ends in the bytes not scanned yet.
    fn scan(&mut self) {
        for (i, &b) in self.pending.iter().enumerate().skip(self.scanned) {
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' if !self.in_quotes => self.records_end = i + 1,
                _ => {}
            }
        }
        self.scanned = self.pending.len();
    }

    /// Reads the complete records gathered and keeps the rest.
    fn read_complete(&mut self) -> std::io::Result<()> {
        self.scan();
        if self.records_end == 0 {
            return Ok(());
        }
        self.reader
            .read(&self.pending[..self.records_end])
            .map_err(std::io::Error::other)?;
        self.pending.drain(..self.records_end);
        self.scanned = self.pending.len();
        self.records_end = 0;
        Ok(())
    }
}

impl Write for TraceFeed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= CHUNK {
            self.read_complete()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.read_complete()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::RunTables;

    const SUMMARY: &str = r#"{"simulated_seconds": 180.0, "cost_usd": 0.5, "services": [], "capacity_providers": []}"#;

    /// The texts written in pieces of `piece` bytes, read by feeds.
    fn fed(texts: [&str; 3], piece: usize, needs: &Needs) -> RunTables {
        let files = [TraceText::Services, TraceText::Cluster, TraceText::Events];
        let readers = files.map(|file| {
            let mut feed = TraceFeed::new(file, needs.clone());
            let text = texts[file as usize];
            for bytes in text.as_bytes().chunks(piece) {
                feed.write_all(bytes).expect("reads");
            }
            feed.flush().expect("reads");
            feed.finish().expect("whole records")
        });
        RunTables::assemble(readers, SUMMARY).expect("assembles")
    }

    #[test]
    fn reads_what_the_whole_text_reads_whatever_the_pieces() {
        let services = "time_s,timestamp,service,running\n60,t,web,2\n120,t,web,3\n";
        let cluster = "time_s,timestamp,capacity_provider,instances\n60,t,cp,1\n";
        // A quoted message with a newline and a comma: not the end of a record.
        let long = "x".repeat(CHUNK);
        let events = format!(
            "time_s,timestamp,kind,subject,message\n1,t,fault,a,\"two\nlines, \"\"quoted\"\"\"\n2,t,steady_state,web,{long}\n"
        );
        let texts = [services, cluster, events.as_str()];
        let whole = RunTables::read_texts(&Needs::everything(), services, cluster, &events, SUMMARY).expect("reads");
        for piece in [1, 7, 64, CHUNK + 3] {
            assert_eq!(
                fed(texts, piece, &Needs::everything()),
                whole,
                "pieces of {piece} bytes"
            );
        }
    }

    #[test]
    fn counted_event_kinds_keep_no_rows_and_count_as_the_kept_rows_do() {
        let services = "time_s,timestamp,service,running\n";
        let cluster = "time_s,timestamp,capacity_provider,instances\n";
        let mut events = String::from("time_s,timestamp,kind,subject,message\n");
        for i in 1..=1000 {
            let subject = if i % 4 == 0 { "api" } else { "web" };
            events.push_str(&format!("{i},t,task_state,{subject},RUNNING\n"));
        }
        let lines = [
            "count_events(task_state) == 1000",
            "count_events(task_state, api) == 250",
        ];
        let parsed: Vec<_> = lines
            .iter()
            .map(|l| crate::check::parse_expectation(l).expect("parses"))
            .collect();
        let counted = fed([services, cluster, &events], 64, &Needs::of(&parsed));
        assert!(counted.events.is_empty(), "no task_state row is kept");
        let whole = fed([services, cluster, &events], 64, &Needs::everything());
        assert_eq!(whole.events.len(), 1000);
        for e in &parsed {
            let crate::check::ast::Value::Figure(figure) = &e.left else {
                panic!("a figure")
            };
            assert_eq!(
                crate::check::figures::measure_figure(figure, &counted),
                crate::check::figures::measure_figure(figure, &whole),
                "{figure:?}"
            );
        }
    }

    #[test]
    fn an_error_names_the_line_of_the_whole_file() {
        let mut services = String::from("time_s,timestamp,service,running\n");
        for i in 1..=5000 {
            services.push_str(&format!("{},t,web,{}\n", i * 60, i % 7));
        }
        services.push_str("300060,t,web,many\n");
        let mut feed = TraceFeed::new(TraceText::Services, Needs::everything());
        let written = services.as_bytes().chunks(100).try_for_each(|b| feed.write_all(b));
        let error = written.and_then(|()| feed.flush()).expect_err("not a number");
        assert_eq!(
            error.to_string(),
            "services.csv line 5002: `many` in column `running` is not a number"
        );
        let mut cut = TraceFeed::new(TraceText::Services, Needs::everything());
        cut.write_all(b"time_s,timestamp,service,running\n60,t,web")
            .expect("buffers");
        assert_eq!(cut.finish().expect_err("cut short"), "a trace ends inside a row");
    }
}
