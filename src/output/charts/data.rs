//! A finished run, loaded from the text of its files into columns: `services.csv`, `cluster.csv`,
//! `events.csv`, `summary.json` and, when the run wrote it, `alarms.csv`.
//!
//! Charts are drawn from these files and nothing else, so `ecsim run` and `ecsim plot RUN_DIR`
//! draw the same pictures. Columns are found by the names of `trace::columns`, so files that gain
//! columns later still load; `summary.json` is read through `trace::summary`'s types, which fill
//! absent fields with empty values.

use super::revisions::RevisionLayers;
use super::services_data::{
    grouped_columns, parse_latency, parse_provisioning, parse_queue, parse_services, parse_traffic,
};
pub use super::table::Source;
pub(super) use super::table::{column, number, open_table};
use super::table::{csv_error, optional_cell, optional_column};
use super::worker::QueueSeries;
use crate::trace::columns::{alarms, cluster, events, services};
use crate::trace::summary::{self, Summary};
use crate::trace::{AlarmRole, DetailCells, EventDetail};

/// The text of the files a run wrote, as read by the CLI.
#[derive(Clone, Copy, Debug)]
pub struct RunTexts<'a> {
    /// `services.csv`.
    pub services_csv: &'a str,
    /// `cluster.csv`.
    pub cluster_csv: &'a str,
    /// `events.csv`.
    pub events_csv: &'a str,
    /// `summary.json`.
    pub summary_json: &'a str,
}

/// Where the files a run wrote are read from, each read once per pass over it: text in memory,
/// or a reader the CLI opens (a file), so a long run's traces need not fit in memory.
#[derive(Clone, Copy)]
pub struct RunSources<'a> {
    /// `services.csv`.
    pub services_csv: Source<'a>,
    /// `cluster.csv`.
    pub cluster_csv: Source<'a>,
    /// `events.csv`.
    pub events_csv: Source<'a>,
    /// `summary.json`.
    pub summary_json: &'a str,
}

/// A run directory's contents, ready to chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunData {
    /// `summary.json`, read through the types that wrote it.
    pub summary: Summary,
    /// One per service, in the order of `services.csv`.
    pub services: Vec<ServiceSeries>,
    /// One per capacity provider, in the order of `cluster.csv`.
    pub providers: Vec<ProviderSeries>,
    /// Events worth showing (see [`KEPT_EVENT_KINDS`]), in time order.
    pub events: Vec<EventRow>,
    /// The events of the other kinds (alarm state changes, instances, the service scheduler,
    /// ...), in time order, for the report: the first of them up to [`OTHER_EVENTS_BYTES`] of
    /// text, so a long run's log need not fit in memory.
    pub other_events: Vec<EventRow>,
    /// Rows of `events.csv`, all kinds.
    pub event_rows: usize,
    /// One per alarm of `alarms.csv`, in order of first row; empty for runs without it.
    pub alarms: Vec<AlarmSeries>,
    /// `jobs-trace.csv`, in runs with standalone tasks.
    pub jobs: Option<super::jobs::JobSeries>,
    /// The distinct firing times of each trigger of standalone tasks, from `jobs.csv`.
    pub job_firings: std::collections::BTreeMap<String, Vec<f64>>,
    /// The `expect:` lines that bound a trigger's makespan (set by the caller, which reads the
    /// expectation language): the jobs chart draws them as deadlines.
    pub makespan_bounds: Vec<super::deadlines::MakespanBound>,
    /// `forecast.csv`'s capacity forecasts, in runs with predictive scaling policies.
    pub forecasts: Vec<super::forecast::ForecastSeries>,
}

/// One service's `services.csv` columns. Times are seconds since the start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceSeries {
    /// Service name.
    pub name: String,
    /// `time_s`.
    pub time_s: Vec<f64>,
    /// `desired`.
    pub desired: Vec<f64>,
    /// `running`.
    pub running: Vec<f64>,
    /// `pending`: PROVISIONING, PENDING and ACTIVATING tasks.
    pub pending: Vec<f64>,
    /// `provisioning`: the part of `pending` waiting for capacity (PROVISIONING); zeros for a
    /// run written before the column existed.
    pub provisioning: Vec<f64>,
    /// `pending` less `provisioning`: tasks placed and starting (PENDING, ACTIVATING).
    pub starting: Vec<f64>,
    /// `healthy`.
    pub healthy: Vec<f64>,
    /// `primary_running`.
    pub primary_running: Vec<f64>,
    /// `active_running`.
    pub active_running: Vec<f64>,
    /// `cpu_utilization`, percent.
    pub cpu_utilization: Vec<f64>,
    /// `memory_utilization`, percent.
    pub memory_utilization: Vec<f64>,
    /// `demand_rps`.
    pub demand_rps: Vec<f64>,
    /// `served_rps`.
    pub served_rps: Vec<f64>,
    /// `unserved_rps`.
    pub unserved_rps: Vec<f64>,
    /// `served_rps` plus `unserved_rps`: the top of the unserved band, which sits on the served
    /// line. Not `demand_rps`: with a service model or a queue, requests served in an interval
    /// include some that arrived before it, so served may exceed demand without any unserved.
    pub served_and_unserved: Vec<f64>,
    /// `min_capacity`.
    pub min_capacity: Vec<f64>,
    /// `max_capacity`.
    pub max_capacity: Vec<f64>,
    /// Requests served per healthy target per minute (`served_rps` x 60 / `healthy`; NaN with no
    /// healthy target): what `RequestCountPerTarget` measures.
    pub requests_per_target: Vec<f64>,
    /// RUNNING tasks by what they are to the deployment chart (derived from `primary_running`,
    /// `active_running` and the deployments in `events.csv`).
    pub revisions: RevisionLayers,
    /// The latency columns, when the run wrote them and this service has a service model.
    pub latency: Option<LatencySeries>,
    /// The queue columns, for a queue worker.
    pub queue: Option<QueueSeries>,
    /// The share of requests per revision, from `new_revision_weight_pct` split by the
    /// deployments; `None` for a run written before the column.
    pub traffic: Option<super::traffic::TrafficSeries>,
    /// `new_revision_weight_pct` as read, until the deployments are known to split it.
    pub(super) traffic_weights: Option<Vec<f64>>,
}

/// One service's latency columns (issue 14); NaN where a row has no estimate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LatencySeries {
    /// `latency_p50_ms`.
    pub p50_ms: Vec<f64>,
    /// `latency_p95_ms`.
    pub p95_ms: Vec<f64>,
    /// `latency_p99_ms`.
    pub p99_ms: Vec<f64>,
    /// `timed_out_rps`.
    pub timed_out_rps: Vec<f64>,
    /// Zeros, one per row: the lower edge of the timed-out band.
    pub zero: Vec<f64>,
}

/// One capacity provider's `cluster.csv` columns. Missing values (an empty
/// `capacity_provider_reservation` for Fargate) are NaN.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProviderSeries {
    /// Provider name.
    pub name: String,
    /// `time_s`.
    pub time_s: Vec<f64>,
    /// `instances`.
    pub instances: Vec<f64>,
    /// `instances_pending`.
    pub instances_pending: Vec<f64>,
    /// `capacity_provider_reservation`, percent; NaN when empty.
    pub capacity_provider_reservation: Vec<f64>,
    /// `tasks`.
    pub tasks: Vec<f64>,
    /// `cost_usd`, cumulative.
    pub cost_usd: Vec<f64>,
    /// `desired_capacity` of the Auto Scaling group; NaN for Fargate.
    pub desired_capacity: Vec<f64>,
    /// `target_capacity` of managed scaling; NaN without it.
    pub target_capacity: Vec<f64>,
    /// `tasks_provisioning`: tasks placed on this provider waiting for capacity (PROVISIONING).
    pub tasks_provisioning: Vec<f64>,
}

/// One row of `events.csv`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventRow {
    /// `time_s`.
    pub time_s: f64,
    /// `timestamp`.
    pub timestamp: String,
    /// `kind`.
    pub kind: String,
    /// `subject`.
    pub subject: String,
    /// `message`: shown to people (the report quotes it), never parsed.
    pub message: String,
    /// The typed payload of the columns after `message`; `None` without one, and for the rows of
    /// runs written before those columns existed.
    pub detail: Option<EventDetail>,
}

/// One alarm's rows from `alarms.csv`: its changes of state (or, from a run with
/// `--alarm-evaluations`, every evaluation; the periods in ALARM are the same). Times are seconds
/// since the start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlarmSeries {
    /// `alarm`: a user alarm's `AlarmName`, or a target tracking policy's managed alarm
    /// (`TargetTracking-service/<cluster>/<service>-AlarmHigh-<policy>`).
    pub alarm: String,
    /// `policy`: the target tracking policy that manages the alarm; empty for a user alarm.
    pub policy: String,
    /// `alarm_role`: high or low alarm of a target tracking policy; `None` for a user alarm (and
    /// for every alarm of a run written before the column existed).
    pub role: Option<AlarmRole>,
    /// `service` whose metric it watches.
    pub service: String,
    /// `metric`: the CloudWatch metric name.
    pub metric: String,
    /// `comparison`: `>`, `>=`, `<`, `<=`.
    pub comparison: String,
    /// `threshold` (of the last evaluation).
    pub threshold: f64,
    /// `time_s` of each row.
    pub time_s: Vec<f64>,
    /// `value`: the datapoint the row's evaluation saw; NaN when the metric had no data.
    pub value: Vec<f64>,
    /// Whether `state` was `ALARM` after the row's evaluation (it holds until the next row).
    pub in_alarm: Vec<bool>,
    /// The start of each period the alarm evaluated a datapoint of (`datapoints`, over all its
    /// rows: the state changes carry the datapoints that made them), seconds, sorted, each once;
    /// missing datapoints left out.
    pub datapoint_time_s: Vec<f64>,
    /// The value of each of those datapoints.
    pub datapoint_values: Vec<f64>,
    /// For a `TargetResponseTime` alarm, `datapoint_values` in milliseconds, as the latency chart
    /// draws them (the metric is in seconds); empty for other metrics.
    pub datapoint_values_ms: Vec<f64>,
}

/// The load balancer's response-time metric, in seconds.
pub const RESPONSE_TIME_METRIC: &str = "TargetResponseTime";

/// Event kinds kept in memory. The chatty kinds (`task_state`, `instance`, `service_scheduler`)
/// are skipped so a long run's event log does not have to fit in memory to be charted.
pub const KEPT_EVENT_KINDS: &[&str] = &[
    "fault",
    "fault_recovered",
    "spot_interruption",
    "service_update",
    "placement_failure",
    "placement_recovered",
    "steady_state",
    "scaling_activity",
    "deployment_started",
    "deployment_completed",
    "deployment_failed",
    "rollback_started",
    "deployment_stalled",
    "deployment_task_failed",
    "deployment_stage",
    "rollback",
];

/// The most text (timestamp, kind, subject and message) of [`RunData::other_events`] kept.
pub const OTHER_EVENTS_BYTES: usize = 1 << 20;

/// The rows of `events.csv`: the kept kinds, the others up to their budget, and how many rows.
struct ParsedEvents {
    kept: Vec<EventRow>,
    others: Vec<EventRow>,
    rows: usize,
}

/// A file that could not be read as a run's output.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{file}: {message}")]
pub struct DataError {
    /// Which file.
    pub file: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl RunData {
    /// Loads a run from the text of its files.
    pub fn from_texts(texts: RunTexts<'_>) -> Result<RunData, DataError> {
        RunData::from_sources(RunSources {
            services_csv: Source::Text(texts.services_csv),
            cluster_csv: Source::Text(texts.cluster_csv),
            events_csv: Source::Text(texts.events_csv),
            summary_json: texts.summary_json,
        })
    }

    /// Loads a run from its files, reading each trace row by row.
    pub fn from_sources(sources: RunSources<'_>) -> Result<RunData, DataError> {
        let ParsedEvents {
            kept: events,
            others: other_events,
            rows: event_rows,
        } = parse_events(sources.events_csv)?;
        let services_csv = sources.services_csv;
        let mut services = parse_services(services_csv)?;
        let (header, _) = open_table(services::FILE, services_csv)?;
        parse_latency(services_csv, &header, &mut services)?;
        parse_queue(services_csv, &header, &mut services)?;
        parse_provisioning(services_csv, &header, &mut services)?;
        parse_traffic(services_csv, &header, &mut services)?;
        for service in &mut services {
            let deployments = super::annotations::deployments_in(&events, &service.name);
            service.revisions = RevisionLayers::of_deployments(service, &deployments);
            if let Some(weights) = service.traffic_weights.take() {
                service.traffic = Some(super::traffic::TrafficSeries::of(
                    weights,
                    &service.time_s,
                    &deployments,
                ));
            }
        }
        Ok(RunData {
            summary: Summary::from_json(sources.summary_json).map_err(|e| DataError {
                file: summary::FILE,
                message: e.to_string(),
            })?,
            services,
            providers: parse_providers(sources.cluster_csv)?,
            events,
            other_events,
            event_rows,
            alarms: Vec::new(),
            jobs: None,
            job_firings: Default::default(),
            makespan_bounds: Vec::new(),
            forecasts: Vec::new(),
        })
    }

    /// Adds the alarm rows of `alarms.csv` (state changes or every evaluation). Runs that did not
    /// write the file have none: empty text means no alarms.
    pub fn with_alarms(self, alarms_csv: &str) -> Result<RunData, DataError> {
        self.with_alarms_from(Source::Text(alarms_csv))
    }

    /// As [`RunData::with_alarms`], from a source.
    pub fn with_alarms_from(mut self, alarms_csv: Source<'_>) -> Result<RunData, DataError> {
        if !alarms_csv.is_blank() {
            self.alarms = parse_alarms(alarms_csv)?;
        }
        Ok(self)
    }

    /// Adds the standalone tasks' `jobs-trace.csv` (absent in runs without them).
    pub fn with_jobs_trace(self, jobs_trace_csv: Option<&str>) -> Result<RunData, DataError> {
        self.with_jobs_trace_from(jobs_trace_csv.map(Source::Text))
    }

    /// As [`RunData::with_jobs_trace`], from a source.
    pub fn with_jobs_trace_from(mut self, jobs_trace_csv: Option<Source<'_>>) -> Result<RunData, DataError> {
        if let Some(source) = jobs_trace_csv.filter(|s| !s.is_blank()) {
            self.jobs = Some(super::jobs::parse_job_trace(source)?);
        }
        Ok(self)
    }

    /// Adds predictive scaling's `forecast.csv` (absent in runs without predictive policies).
    pub fn with_forecast_from(mut self, forecast_csv: Option<Source<'_>>) -> Result<RunData, DataError> {
        if let Some(source) = forecast_csv.filter(|s| !s.is_blank()) {
            self.forecasts = super::forecast::parse_forecast(source)?;
        }
        Ok(self)
    }

    /// Adds the firings of `jobs.csv` (absent in runs without standalone tasks, or not written).
    pub fn with_job_firings_from(mut self, jobs_csv: Option<Source<'_>>) -> Result<RunData, DataError> {
        if let Some(source) = jobs_csv.filter(|s| !s.is_blank()) {
            self.job_firings = super::deadlines::parse_job_firings(source)?;
        }
        Ok(self)
    }

    /// The end of the charted time axis, seconds: the simulated duration, or the last row.
    pub fn end_s(&self) -> f64 {
        let last_row = self
            .services
            .iter()
            .filter_map(|s| s.time_s.last())
            .chain(self.providers.iter().filter_map(|p| p.time_s.last()))
            .fold(0.0_f64, |a, &b| a.max(b));
        self.summary.simulated_seconds.max(last_row)
    }
}

/// The rows of one service or provider: its name and one vector per requested column.
const CLUSTER_COLUMNS: &[&str] = &[
    cluster::TIME_S,
    cluster::INSTANCES,
    cluster::INSTANCES_PENDING,
    cluster::CAPACITY_PROVIDER_RESERVATION,
    cluster::TASKS,
    cluster::COST_USD,
    cluster::DESIRED_CAPACITY,
    cluster::TARGET_CAPACITY,
    cluster::TASKS_PROVISIONING,
];

fn parse_providers(source: Source<'_>) -> Result<Vec<ProviderSeries>, DataError> {
    let groups = grouped_columns(cluster::FILE, source, cluster::CAPACITY_PROVIDER, CLUSTER_COLUMNS)?;
    Ok(groups
        .into_iter()
        .map(|(name, columns)| {
            let mut c = columns.into_iter();
            let mut next = || c.next().unwrap_or_default();
            ProviderSeries {
                name,
                time_s: next(),
                instances: next(),
                instances_pending: next(),
                capacity_provider_reservation: next(),
                tasks: next(),
                cost_usd: next(),
                desired_capacity: next(),
                target_capacity: next(),
                tasks_provisioning: next(),
            }
        })
        .collect())
}

fn parse_events(source: Source<'_>) -> Result<ParsedEvents, DataError> {
    const FILE: &str = events::FILE;
    let (header, mut reader) = open_table(FILE, source)?;
    let [time, timestamp, kind, subject, message] = [
        events::TIME_S,
        events::TIMESTAMP,
        events::KIND,
        events::SUBJECT,
        events::MESSAGE,
    ]
    .map(|n| column(FILE, &header, n));
    let (time, timestamp, kind, subject, message) = (time?, timestamp?, kind?, subject?, message?);
    let [cause, name, desired_from, desired_to, task_definition] = [
        events::CAUSE,
        events::NAME,
        events::DESIRED_FROM,
        events::DESIRED_TO,
        events::TASK_DEFINITION,
    ]
    .map(|n| optional_column(&header, n));
    let cell = |row: &csv::StringRecord, i: usize| row.get(i).unwrap_or("").to_string();
    let mut events = Vec::new();
    let (mut others, mut others_bytes) = (Vec::new(), 0usize);
    let mut row = csv::StringRecord::new();
    let mut line = 1;
    while reader.read_record(&mut row).map_err(csv_error(FILE))? {
        line += 1;
        if !KEPT_EVENT_KINDS.contains(&row.get(kind).unwrap_or("")) {
            let bytes = [timestamp, kind, subject, message]
                .iter()
                .map(|&i| row.get(i).map_or(0, str::len))
                .sum::<usize>();
            if others_bytes + bytes <= OTHER_EVENTS_BYTES {
                others_bytes += bytes;
                others.push(EventRow {
                    time_s: number(FILE, &row, time, line)?,
                    timestamp: cell(&row, timestamp),
                    kind: cell(&row, kind),
                    subject: cell(&row, subject),
                    message: cell(&row, message),
                    detail: None,
                });
            }
            continue;
        }
        let count = |i: Option<usize>| -> Result<Option<u32>, DataError> {
            let text = optional_cell(&row, i);
            if text.is_empty() {
                return Ok(None);
            }
            text.parse().map(Some).map_err(|_| DataError {
                file: FILE,
                message: format!("row {line}: `{text}` is not a count"),
            })
        };
        let cells = DetailCells {
            cause: optional_cell(&row, cause),
            name: optional_cell(&row, name),
            desired_from: count(desired_from)?,
            desired_to: count(desired_to)?,
            task_definition: optional_cell(&row, task_definition),
        };
        let detail = EventDetail::from_cells(&cells).map_err(|message| DataError {
            file: FILE,
            message: format!("row {line}: {message}"),
        })?;
        events.push(EventRow {
            time_s: number(FILE, &row, time, line)?,
            timestamp: cell(&row, timestamp),
            kind: cell(&row, kind),
            subject: cell(&row, subject),
            message: cell(&row, message),
            detail,
        });
    }
    Ok(ParsedEvents {
        kept: events,
        others,
        rows: line - 1,
    })
}

fn parse_alarms(source: Source<'_>) -> Result<Vec<AlarmSeries>, DataError> {
    const FILE: &str = alarms::FILE;
    let (header, mut reader) = open_table(FILE, source)?;
    let names = [
        alarms::TIME_S,
        alarms::ALARM,
        alarms::SERVICE,
        alarms::METRIC,
        alarms::VALUE,
        alarms::COMPARISON,
        alarms::THRESHOLD,
        alarms::STATE,
    ];
    let [time, alarm, service, metric, value, comparison, threshold, state] = names.map(|n| column(FILE, &header, n));
    let (time, alarm, service, metric) = (time?, alarm?, service?, metric?);
    let (value, comparison, threshold, state) = (value?, comparison?, threshold?, state?);
    let (policy, role) = (
        optional_column(&header, alarms::POLICY),
        optional_column(&header, alarms::ALARM_ROLE),
    );
    let datapoints = optional_column(&header, alarms::DATAPOINTS);
    // Per alarm, each datapoint's value by the start of its period in ms (a later row's reading
    // of a period replaces an earlier one's).
    let mut seen: Vec<std::collections::BTreeMap<i64, f64>> = Vec::new();
    let mut alarms: Vec<AlarmSeries> = Vec::new();
    let mut row = csv::StringRecord::new();
    let mut line = 1;
    while reader.read_record(&mut row).map_err(csv_error(FILE))? {
        line += 1;
        let name = row.get(alarm).unwrap_or("");
        let position = match alarms.iter().position(|a| a.alarm == name) {
            Some(p) => p,
            None => {
                let cell = |i: usize| row.get(i).unwrap_or("").to_string();
                let role = match optional_cell(&row, role) {
                    "" => None,
                    text => Some(AlarmRole::parse(text).ok_or_else(|| DataError {
                        file: FILE,
                        message: format!("row {line}: `{text}` is not an alarm role"),
                    })?),
                };
                alarms.push(AlarmSeries {
                    alarm: name.to_string(),
                    policy: optional_cell(&row, policy).to_string(),
                    role,
                    service: cell(service),
                    metric: cell(metric),
                    comparison: cell(comparison),
                    ..Default::default()
                });
                seen.push(std::collections::BTreeMap::new());
                alarms.len() - 1
            }
        };
        for (time_s, value) in parse_datapoints(optional_cell(&row, datapoints)).map_err(|message| DataError {
            file: FILE,
            message: format!("row {line}: {message}"),
        })? {
            if let Some(value) = value {
                seen[position].insert((time_s * 1000.0).round() as i64, value);
            }
        }
        let a = &mut alarms[position];
        a.time_s.push(number(FILE, &row, time, line)?);
        a.value.push(number(FILE, &row, value, line)?);
        a.threshold = number(FILE, &row, threshold, line)?;
        a.in_alarm.push(row.get(state) == Some("ALARM"));
    }
    for (alarm, points) in alarms.iter_mut().zip(seen) {
        (alarm.datapoint_time_s, alarm.datapoint_values) = points
            .into_iter()
            .map(|(ms, value)| (ms as f64 / 1000.0, value))
            .unzip();
        if alarm.metric == RESPONSE_TIME_METRIC {
            alarm.datapoint_values_ms = alarm.datapoint_values.iter().map(|s| s * 1000.0).collect();
        }
    }
    Ok(alarms)
}

/// The `datapoints` cell: `VALUE@TIME_S` items separated by `;`, the value empty for a missing
/// datapoint; an empty cell has none.
fn parse_datapoints(cell: &str) -> Result<Vec<(f64, Option<f64>)>, String> {
    if cell.is_empty() {
        return Ok(Vec::new());
    }
    cell.split(';')
        .map(|item| {
            let bad = || format!("datapoint `{item}` is not VALUE@TIME_S");
            let (value, time) = item.split_once('@').ok_or_else(bad)?;
            let time_s: f64 = time.parse().map_err(|_| bad())?;
            let value = match value {
                "" => None,
                v => Some(v.parse::<f64>().map_err(|_| bad())?),
            };
            Ok((time_s, value))
        })
        .collect()
}

#[cfg(test)]
#[path = "data_tests.rs"]
mod tests;
