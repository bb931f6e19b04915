//! A run's traces as typed columns, read from the texts of its CSV files (whole, or chunk by
//! chunk as a run writes them) and `summary.json`; only what the expectations read is kept.

use std::collections::{BTreeMap, BTreeSet};

use super::ast::{Column, Window};
use super::closest;
use super::fold::Fold;
use super::needs::Needs;
use super::trace_reader::{Contents, TraceReader, TraceText};
use crate::trace::columns::events;
use crate::trace::summary::{self, Summary};

/// Everything an expectation can measure about one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunTables {
    /// `services.csv`, per service.
    pub(super) services: TraceFile,
    /// `cluster.csv`, per capacity provider.
    pub(super) cluster: TraceFile,
    /// The rows of `events.csv` of the kinds kept, in file order.
    pub(super) events: Vec<EventRow>,
    /// Every kind `events.csv` holds, kept or not.
    pub(super) event_kinds: BTreeSet<String>,
    /// Rows per `(kind, subject)` of the kinds counted rather than kept (none in `events`).
    pub(super) event_counts: BTreeMap<(String, String), u64>,
    /// `summary.json`, read through the types that wrote it.
    pub(super) summary: Summary,
}

/// One per-interval trace file as numeric columns, grouped by subject.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct TraceFile {
    /// `services.csv` or `cluster.csv`.
    pub file: &'static str,
    /// What a subject is, for messages: `service` or `capacity provider`.
    pub subject_word: &'static str,
    /// The numeric columns in header order (every column but `timestamp` and the subject's).
    pub fields: Vec<String>,
    /// The rows of each subject (every subject is listed; rows only of those kept).
    pub subjects: BTreeMap<String, SubjectRows>,
    /// The aggregates folded as the rows were read.
    pub folds: Vec<Fold>,
}

/// The rows of one subject: times and the columns kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct SubjectRows {
    /// `time_s` of each row in milliseconds, non-decreasing (empty when no column is kept).
    pub time_ms: Vec<u64>,
    /// The cells of each kept column, by its index in `fields`.
    pub values: BTreeMap<usize, Cells>,
    /// The times of the first and the last row read, kept or not.
    pub(super) first_ms: Option<u64>,
    pub(super) last_ms: Option<u64>,
    /// The subject's folds: the index of the field each folds, and the fold's in `folds`.
    pub(super) folds: Vec<(usize, usize)>,
}

/// A column's cells, eight bytes each: an empty cell (e.g. Fargate's reservation) is a NaN with a
/// payload that parsing a number never gives, so `NaN` written in a file stays a number.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Cells(Vec<f64>);

impl Cells {
    /// The bits of an empty cell: a quiet NaN whose payload is 1 (`"NaN".parse()` has payload 0).
    const EMPTY: u64 = 0x7ff8_0000_0000_0001;

    pub(super) fn push(&mut self, value: Option<f64>) {
        self.0.push(value.unwrap_or(f64::from_bits(Self::EMPTY)));
    }

    /// The cell of row `i`; None when it is empty.
    pub fn get(&self, i: usize) -> Option<f64> {
        let v = self.0[i];
        (v.to_bits() != Self::EMPTY).then_some(v)
    }
}

/// One row of `events.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct EventRow {
    /// When, milliseconds.
    pub time_ms: u64,
    /// `kind` column.
    pub kind: String,
    /// `subject` column.
    pub subject: String,
}

/// The rows of one column of one subject.
pub(super) struct ColumnRows<'a> {
    /// Row times, milliseconds.
    pub time_ms: &'a [u64],
    /// Row values.
    pub values: &'a Cells,
    /// Whether the subject is a service (else a capacity provider).
    pub is_service: bool,
}

impl RunTables {
    /// Reads the texts of `services.csv`, `cluster.csv`, `events.csv` and `summary.json`,
    /// keeping everything.
    pub fn from_texts(
        services_csv: &str,
        cluster_csv: &str,
        events_csv: &str,
        summary_json: &str,
    ) -> Result<RunTables, String> {
        RunTables::read_texts(
            &Needs::everything(),
            services_csv,
            cluster_csv,
            events_csv,
            summary_json,
        )
    }

    /// Reads the texts as `from_texts` does, keeping only what `needs` asks for.
    pub fn read_texts(
        needs: &Needs,
        services_csv: &str,
        cluster_csv: &str,
        events_csv: &str,
        summary_json: &str,
    ) -> Result<RunTables, String> {
        let read = |file: TraceText, text: &str| {
            let mut reader = TraceReader::new(file, needs.clone());
            reader.read(text.as_bytes()).map(|()| reader)
        };
        RunTables::assemble(
            [
                read(TraceText::Services, services_csv)?,
                read(TraceText::Cluster, cluster_csv)?,
                read(TraceText::Events, events_csv)?,
            ],
            summary_json,
        )
    }

    /// The tables of the three files read (services, cluster, events, in that order) and the
    /// text of `summary.json`.
    pub fn assemble(readers: [TraceReader; 3], summary_json: &str) -> Result<RunTables, String> {
        let summary = Summary::from_json(summary_json).map_err(|e| format!("{}: {e}", summary::FILE))?;
        let [services, cluster, events] = readers;
        let mut services = services.into_trace()?;
        let mut cluster = cluster.into_trace()?;
        let (events, event_kinds, event_counts) = match events.contents {
            Contents::Events {
                rows,
                kinds,
                counts,
                layout,
            } if layout.is_some() => (rows, kinds, counts),
            Contents::Events { .. } => return Err(format!("{}: no header", events::FILE)),
            Contents::Trace { table, .. } => return Err(format!("{} read where events.csv was expected", table.file)),
        };
        // A subject the summary names has a (possibly empty) entry, so it is "known" even without rows.
        for s in &summary.services {
            services.subjects.entry(s.service.clone()).or_default();
        }
        for p in &summary.capacity_providers {
            cluster.subjects.entry(p.capacity_provider.clone()).or_default();
        }
        Ok(RunTables {
            services,
            cluster,
            events,
            event_kinds,
            event_counts,
            summary,
        })
    }

    /// The fold of `column` over `window`, if it was folded; an error for an unknown subject or
    /// field, as `column` gives.
    pub(super) fn fold(&self, column: &Column, window: &Window) -> Result<Option<&Fold>, String> {
        let (file, _, _) = self.locate(column)?;
        Ok(file.folds.iter().find(|f| f.column == *column && f.window == *window))
    }

    /// The times of the first and the last row of `column`'s subject (None: it has no rows).
    pub(super) fn row_span(&self, column: &Column) -> Option<(u64, u64)> {
        let (file, _, _) = self.locate(column).ok()?;
        let rows = &file.subjects[&column.subject];
        Some((rows.first_ms?, rows.last_ms?))
    }

    /// The rows of `column`, or why there are none: an unknown subject or field, with a suggestion.
    pub(super) fn column(&self, column: &Column) -> Result<ColumnRows<'_>, String> {
        let (file, index, is_service) = self.locate(column)?;
        let rows = &file.subjects[&column.subject];
        static NO_ROWS: Cells = Cells(Vec::new());
        let values = match rows.values.get(&index) {
            Some(cells) => cells,
            // A subject known from the summary alone has no rows at all.
            None if rows.last_ms.is_none() => &NO_ROWS,
            None => panic!("column `{column}` was read but not kept: `Needs::of` missed it"),
        };
        Ok(ColumnRows {
            time_ms: &rows.time_ms,
            values,
            is_service,
        })
    }

    /// The file of `column`, the index of its field, and whether its subject is a service; or
    /// why it is not a column: an unknown subject or field, with a suggestion.
    fn locate(&self, column: &Column) -> Result<(&TraceFile, usize, bool), String> {
        let (file, is_service) = if self.services.subjects.contains_key(&column.subject) {
            (&self.services, true)
        } else if self.cluster.subjects.contains_key(&column.subject) {
            (&self.cluster, false)
        } else {
            return Err(self.unknown_subject(column));
        };
        let Some(index) = file.fields.iter().position(|f| *f == column.field) else {
            let hint = closest(&column.field, file.fields.iter().map(String::as_str))
                .map(|f| format!("; did you mean `{}.{f}`?", column.subject))
                .unwrap_or_default();
            return Err(format!(
                "unknown column `{column}`{hint} ({} columns of a {}: {})",
                file.file,
                file.subject_word,
                file.fields.join(", ")
            ));
        };
        Ok((file, index, is_service))
    }

    fn unknown_subject(&self, column: &Column) -> String {
        let services: Vec<&str> = self.services.subjects.keys().map(String::as_str).collect();
        let providers: Vec<&str> = self.cluster.subjects.keys().map(String::as_str).collect();
        let hint = closest(&column.subject, services.iter().chain(&providers).copied())
            .map(|s| format!("; did you mean `{s}.{}`?", column.field))
            .unwrap_or_default();
        format!(
            "unknown column `{column}`: `{}` is neither a service nor a capacity provider{hint} \
             (services: {}; capacity providers: {})",
            column.subject,
            list_or_none(&services),
            list_or_none(&providers)
        )
    }

    /// Whether `name` is a service of the run; if not, a message naming the services.
    pub(super) fn known_service(&self, name: &str) -> Result<(), String> {
        known(name, "service", self.services.subjects.keys().map(String::as_str))
    }

    /// Whether `name` is a capacity provider of the run; if not, a message naming them.
    pub(super) fn known_provider(&self, name: &str) -> Result<(), String> {
        known(
            name,
            "capacity provider",
            self.cluster.subjects.keys().map(String::as_str),
        )
    }
}

fn known<'a>(name: &str, what: &str, names: impl Iterator<Item = &'a str> + Clone) -> Result<(), String> {
    if names.clone().any(|n| n == name) {
        return Ok(());
    }
    let hint = closest(name, names.clone())
        .map(|n| format!("; did you mean `{n}`?"))
        .unwrap_or_default();
    let all: Vec<&str> = names.collect();
    Err(format!(
        "unknown {what} `{name}`{hint} ({what}s: {})",
        list_or_none(&all)
    ))
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY: &str = r#"{"simulated_seconds": 180.0, "cost_usd": 0.5, "tasks_started": 3,
        "placement_failures": 0, "services": [{"service": "web", "unserved_requests": 0}],
        "capacity_providers": [{"capacity_provider": "FARGATE", "cost_usd": 0.5}]}"#;
    const SERVICES: &str = "time_s,timestamp,service,running,cpu_utilization\n\
        60,t,web,2,50.5\n120,t,web,3,\n";
    const CLUSTER: &str = "time_s,timestamp,capacity_provider,tasks\n60,t,FARGATE,2\n";
    const EVENTS: &str = "time_s,timestamp,kind,subject,message\n7.5,t,steady_state,web,\"a, b\"\n";

    #[test]
    fn reads_typed_columns_per_subject() {
        let run = RunTables::from_texts(SERVICES, CLUSTER, EVENTS, SUMMARY).expect("valid texts");
        assert_eq!(run.services.fields, ["time_s", "running", "cpu_utilization"]);
        let web = &run.services.subjects["web"];
        assert_eq!(web.time_ms, [60_000, 120_000]);
        let cells = &web.values[&2];
        assert_eq!([cells.get(0), cells.get(1)], [Some(50.5), None]);
        assert_eq!(run.cluster.subjects["FARGATE"].values[&1].get(0), Some(2.0));
        assert_eq!(
            run.events,
            [EventRow {
                time_ms: 7500,
                kind: "steady_state".into(),
                subject: "web".into()
            }]
        );
        assert_eq!(run.summary.simulated_ms(), 180_000);
        assert_eq!(run.summary.provider("FARGATE").map(|p| p.cost_usd), Some(0.5));
    }

    #[test]
    fn keeps_only_the_columns_and_events_the_expectations_read() {
        let e = crate::check::parse_expectation("max(web.cpu_utilization during deployment) < 90").expect("parses");
        let needs = Needs::of([&e]);
        let services = "time_s,timestamp,service,running,cpu_utilization\n60,t,web,2,NaN\n60,t,api,1,5\n120,t,web,3,\n";
        let events = "time_s,timestamp,kind,subject,message\n1,t,deployment_started,web,x\n2,t,fault,a,y\n";
        let run = RunTables::read_texts(&needs, services, CLUSTER, events, SUMMARY).expect("valid texts");
        let web = &run.services.subjects["web"];
        assert_eq!(web.time_ms, [60_000, 120_000]);
        assert_eq!(web.values.keys().collect::<Vec<_>>(), [&2], "cpu_utilization alone");
        assert!(
            web.values[&2].get(0).is_some_and(f64::is_nan),
            "NaN written is a number"
        );
        assert_eq!(web.values[&2].get(1), None, "an empty cell");
        let api = &run.services.subjects["api"];
        assert!(
            api.time_ms.is_empty() && api.values.is_empty(),
            "api is listed, not kept"
        );
        assert!(run.cluster.subjects["FARGATE"].values.is_empty());
        assert_eq!(run.events.len(), 1, "the deployment, not the fault");
        assert_eq!(
            run.event_kinds.iter().collect::<Vec<_>>(),
            ["deployment_started", "fault"],
            "every kind is known"
        );
        let bad = "time_s,timestamp,service,running,cpu_utilization\n60,t,api,two,1\n";
        assert_eq!(
            RunTables::read_texts(&needs, bad, CLUSTER, events, SUMMARY).expect_err("checked though not kept"),
            "services.csv line 2: `two` in column `running` is not a number"
        );
    }

    #[track_caller]
    fn check_error(services: &str, events: &str, summary: &str, expected: &str) {
        let got = RunTables::from_texts(services, CLUSTER, events, summary).expect_err("invalid texts");
        assert_eq!(got, expected);
    }

    #[test]
    fn reports_malformed_texts_with_file_and_line() {
        let bad_number = "time_s,timestamp,service,running\n60,t,web,two\n";
        check_error(
            bad_number,
            EVENTS,
            SUMMARY,
            "services.csv line 2: `two` in column `running` is not a number",
        );
        let backwards = "time_s,timestamp,service,running\n60,t,web,1\n30,t,web,1\n";
        check_error(backwards, EVENTS, SUMMARY, "services.csv line 3: time_s goes backwards");
        let no_subject = "time_s,timestamp,running\n";
        check_error(
            no_subject,
            EVENTS,
            SUMMARY,
            "services.csv: no `service` column in the header",
        );
        let bad_time = "time_s,timestamp,kind,subject,message\nsoon,t,run,run,x\n";
        check_error(
            SERVICES,
            bad_time,
            SUMMARY,
            "events.csv line 2: `soon` is not a time in seconds",
        );
        check_error(
            SERVICES,
            EVENTS,
            r#"{"simulated_seconds": 1, "cost_usd": "cheap"}"#,
            "summary.json: invalid type: string \"cheap\", expected f64 at line 1 column 44",
        );
        let bad_json = "{";
        let got = RunTables::from_texts(SERVICES, CLUSTER, EVENTS, bad_json).expect_err("invalid json");
        assert!(got.starts_with("summary.json: EOF while parsing"), "{got}");
    }
}
