//! A run's traces as typed columns, read from the texts of its CSV files and `summary.json`.

use std::collections::BTreeMap;

use super::ast::Column;
use super::closest;
use crate::trace::columns::{TIME_S, TIMESTAMP, cluster, events, services};
use crate::trace::summary::{self, Summary};

/// Everything an expectation can measure about one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunTables {
    /// `services.csv`, per service.
    pub(super) services: TraceFile,
    /// `cluster.csv`, per capacity provider.
    pub(super) cluster: TraceFile,
    /// `events.csv`, in file order.
    pub(super) events: Vec<EventRow>,
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
    /// The rows of each subject.
    pub subjects: BTreeMap<String, SubjectRows>,
}

/// The rows of one subject: times and one vector per field.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct SubjectRows {
    /// `time_s` of each row in milliseconds, non-decreasing.
    pub time_ms: Vec<u64>,
    /// `values[field][row]`; an empty cell (e.g. Fargate's reservation) is `None`.
    pub values: Vec<Vec<Option<f64>>>,
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
    pub values: &'a [Option<f64>],
    /// Whether the subject is a service (else a capacity provider).
    pub is_service: bool,
}

impl RunTables {
    /// Reads the texts of `services.csv`, `cluster.csv`, `events.csv` and `summary.json`.
    pub fn from_texts(
        services_csv: &str,
        cluster_csv: &str,
        events_csv: &str,
        summary_json: &str,
    ) -> Result<RunTables, String> {
        let summary = Summary::from_json(summary_json).map_err(|e| format!("{}: {e}", summary::FILE))?;
        let mut services = read_trace(services::FILE, services::SERVICE, "service", services_csv)?;
        let mut cluster = read_trace(
            cluster::FILE,
            cluster::CAPACITY_PROVIDER,
            "capacity provider",
            cluster_csv,
        )?;
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
            events: read_events(events_csv)?,
            summary,
        })
    }

    /// The rows of `column`, or why there are none: an unknown subject or field, with a suggestion.
    pub(super) fn column(&self, column: &Column) -> Result<ColumnRows<'_>, String> {
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
        let rows = &file.subjects[&column.subject];
        let values = rows.values.get(index).map_or(&[][..], Vec::as_slice);
        Ok(ColumnRows {
            time_ms: &rows.time_ms,
            values,
            is_service,
        })
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

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().from_reader(text.as_bytes())
}

fn header_index(headers: &csv::StringRecord, file: &str, name: &str) -> Result<usize, String> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| format!("{file}: no `{name}` column in the header"))
}

fn read_trace(
    file: &'static str,
    subject_column: &str,
    subject_word: &'static str,
    text: &str,
) -> Result<TraceFile, String> {
    let mut csv = reader(text);
    let headers = csv.headers().map_err(|e| format!("{file}: {e}"))?.clone();
    let time_index = header_index(&headers, file, TIME_S)?;
    let subject_index = header_index(&headers, file, subject_column)?;
    let field_indexes: Vec<usize> = (0..headers.len())
        .filter(|&i| i != subject_index && &headers[i] != TIMESTAMP)
        .collect();
    let mut table = TraceFile {
        file,
        subject_word,
        fields: field_indexes.iter().map(|&i| headers[i].to_string()).collect(),
        subjects: BTreeMap::new(),
    };
    for record in csv.records() {
        let record = record.map_err(|e| format!("{file}: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: usize| record.get(i).unwrap_or("");
        let time_ms = seconds_to_ms(cell(time_index))
            .ok_or_else(|| format!("{file} line {line}: `{}` is not a time in seconds", cell(time_index)))?;
        let rows = table.subjects.entry(cell(subject_index).to_string()).or_default();
        if rows.time_ms.last().is_some_and(|&last| last > time_ms) {
            return Err(format!("{file} line {line}: {TIME_S} goes backwards"));
        }
        rows.time_ms.push(time_ms);
        rows.values.resize(field_indexes.len(), Vec::new());
        for (values, &i) in rows.values.iter_mut().zip(&field_indexes) {
            let text = cell(i);
            let value = if text.is_empty() {
                None
            } else {
                Some(text.parse::<f64>().map_err(|_| {
                    format!(
                        "{file} line {line}: `{text}` in column `{}` is not a number",
                        &headers[i]
                    )
                })?)
            };
            values.push(value);
        }
    }
    Ok(table)
}

fn read_events(text: &str) -> Result<Vec<EventRow>, String> {
    let mut csv = reader(text);
    let headers = csv.headers().map_err(|e| format!("{}: {e}", events::FILE))?.clone();
    let [time, kind, subject] =
        [events::TIME_S, events::KIND, events::SUBJECT].map(|name| header_index(&headers, events::FILE, name));
    let (time, kind, subject) = (time?, kind?, subject?);
    let mut events = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| format!("{}: {e}", events::FILE))?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: usize| record.get(i).unwrap_or("").to_string();
        events.push(EventRow {
            time_ms: seconds_to_ms(&cell(time)).ok_or_else(|| {
                format!(
                    "{} line {line}: `{}` is not a time in seconds",
                    events::FILE,
                    cell(time)
                )
            })?,
            kind: cell(kind),
            subject: cell(subject),
        });
    }
    Ok(events)
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

    #[test]
    fn reads_typed_columns_per_subject() {
        let run = RunTables::from_texts(SERVICES, CLUSTER, EVENTS, SUMMARY).expect("valid texts");
        assert_eq!(run.services.fields, ["time_s", "running", "cpu_utilization"]);
        let web = &run.services.subjects["web"];
        assert_eq!(web.time_ms, [60_000, 120_000]);
        assert_eq!(web.values[2], [Some(50.5), None]);
        assert_eq!(run.cluster.subjects["FARGATE"].values[1], [Some(2.0)]);
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
