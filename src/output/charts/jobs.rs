//! The standalone tasks chart (issue 17): tasks running, starting and waiting for capacity against
//! time, and below them how many have completed and failed so far; each RunTask call marked, and
//! the deadlines the scenario's makespan expectations set (`deadlines`).

use super::ChartContext;
use super::annotations;
use super::data::{DataError, column, number, open_table};
use super::figure::{Figure, Marker, MarkerShape, Panel, YScale};
use super::style;
use crate::trace::jobs::job_trace;

/// `jobs-trace.csv`'s columns. Times are seconds since the start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobSeries {
    /// `time_s`.
    pub time_s: Vec<f64>,
    /// `triggered`: attempts started in the interval.
    pub triggered: Vec<f64>,
    /// `waiting_for_capacity` now.
    pub waiting: Vec<f64>,
    /// `starting` now.
    pub starting: Vec<f64>,
    /// `running` now.
    pub running: Vec<f64>,
    /// `completed` in the interval.
    pub completed: Vec<f64>,
    /// `failed` in the interval.
    pub failed: Vec<f64>,
    /// `interrupted` in the interval.
    pub interrupted: Vec<f64>,
    /// Completed since the start (running sum of `completed`).
    pub completed_total: Vec<f64>,
    /// Failed since the start.
    pub failed_total: Vec<f64>,
    /// Interrupted since the start.
    pub interrupted_total: Vec<f64>,
}

/// The running sum of `values`.
fn running_sum(values: &[f64]) -> Vec<f64> {
    values
        .iter()
        .scan(0.0, |sum, v| {
            *sum += v;
            Some(*sum)
        })
        .collect()
}

/// Reads `jobs-trace.csv`.
pub fn parse_job_trace(source: super::data::Source<'_>) -> Result<JobSeries, DataError> {
    let file = job_trace::FILE;
    let (header, mut reader) = open_table(file, source)?;
    let names = [
        job_trace::TIME_S,
        job_trace::TRIGGERED,
        job_trace::WAITING,
        job_trace::STARTING,
        job_trace::RUNNING,
        job_trace::COMPLETED,
        job_trace::FAILED,
        job_trace::INTERRUPTED,
    ];
    let indices = names
        .iter()
        .map(|n| column(file, &header, n))
        .collect::<Result<Vec<_>, _>>()?;
    let mut columns = vec![Vec::new(); names.len()];
    let mut row = csv::StringRecord::new();
    let mut line = 1;
    while reader.read_record(&mut row).map_err(|e| DataError {
        file,
        message: e.to_string(),
    })? {
        line += 1;
        for (values, &index) in columns.iter_mut().zip(&indices) {
            values.push(number(file, &row, index, line)?);
        }
    }
    let mut c = columns.into_iter();
    let mut next = || c.next().unwrap_or_default();
    let mut series = JobSeries {
        time_s: next(),
        triggered: next(),
        waiting: next(),
        starting: next(),
        running: next(),
        completed: next(),
        failed: next(),
        interrupted: next(),
        ..JobSeries::default()
    };
    series.completed_total = running_sum(&series.completed);
    series.failed_total = running_sum(&series.failed);
    series.interrupted_total = running_sum(&series.interrupted);
    Ok(series)
}

/// The chart of the run's standalone tasks.
pub fn figure<'a>(ctx: &ChartContext<'a>, jobs: &'a JobSeries) -> Figure<'a> {
    let mut now = Panel::new("standalone tasks", YScale::Count)
        .line("running", style::RUNNING, &jobs.time_s, &jobs.running)
        .line("starting (PENDING)", style::PENDING, &jobs.time_s, &jobs.starting)
        .line(
            "waiting for capacity (PROVISIONING)",
            style::PROVISIONING,
            &jobs.time_s,
            &jobs.waiting,
        );
    now.height_weight = 3;
    let mut ended = Panel::new("ended (total)", YScale::Count)
        .line("completed", style::SERVED, &jobs.time_s, &jobs.completed_total)
        .line("failed", style::UNSERVED, &jobs.time_s, &jobs.failed_total);
    if jobs.interrupted.iter().any(|&v| v > 0.0) {
        ended = ended.line(
            "interrupted",
            style::JOBS_INTERRUPTED,
            &jobs.time_s,
            &jobs.interrupted_total,
        );
    }
    ended.height_weight = 2;
    let mut markers = annotations::markers(ctx.run, None);
    let mut panels = vec![now, ended];
    markers.extend(super::deadlines::deadline_markers(
        &ctx.run.job_firings,
        &ctx.run.makespan_bounds,
    ));
    let calls = jobs.triggered.iter().filter(|&&n| n > 0.0).count();
    if calls <= MOST_MARKED_INTERVALS {
        markers.extend(trigger_markers(jobs));
    } else {
        // An event rule calls RunTask in most intervals: a line per interval would cover the
        // chart, so the calls are a series of their own.
        let mut asked = Panel::new("RunTask calls", YScale::Count).line(
            "tasks asked for per interval",
            style::MEMORY,
            &jobs.time_s,
            &jobs.triggered,
        );
        asked.height_weight = 2;
        panels.push(asked);
    }
    markers.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    Figure {
        file_stem: "jobs".to_string(),
        title: ctx.title("Standalone tasks (RunTask)"),
        subtitle: ctx.subtitle.clone(),
        panels,
        markers,
        window: None,
    }
}

/// Intervals with RunTask calls beyond which they are drawn as a series, not marked one by one.
const MOST_MARKED_INTERVALS: usize = 48;

/// A line at each interval in which RunTask was called, labelled with the tasks it asked for.
/// A row covers the interval ending at its time, and the line is drawn at that time: exact for a
/// call on the trace grid (a call at a tick is counted in the row of that tick), at most one
/// interval late otherwise.
fn trigger_markers(jobs: &JobSeries) -> Vec<Marker> {
    let mut markers = Vec::new();
    for (&time_s, &n) in jobs.time_s.iter().zip(&jobs.triggered) {
        if n > 0.0 {
            markers.push(Marker {
                time_s,
                label: format!("RunTask ×{n}"),
                legend: "RunTask calls (tasks asked for)".into(),
                stroke: style::SCHEDULED_ACTION,
                shape: MarkerShape::VerticalLine,
                label_priority: 3,
            });
        }
    }
    markers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_trace_and_marks_each_interval_with_run_task_calls() {
        let text = "time_s,timestamp,triggered,waiting_for_capacity,starting,running,completed,failed,interrupted\n\
                    60,2026-01-05T00:01:00Z,0,0,0,0,0,0,0\n\
                    120,2026-01-05T00:02:00Z,4,3,1,0,0,0,0\n\
                    180,2026-01-05T00:03:00Z,0,0,0,3,0,1,0\n";
        let jobs = parse_job_trace(crate::output::charts::Source::Text(text)).expect("parses");
        assert_eq!(jobs.running, [0.0, 0.0, 3.0]);
        assert_eq!(jobs.waiting, [0.0, 3.0, 0.0]);
        assert_eq!(jobs.failed, [0.0, 0.0, 1.0]);
        assert_eq!(jobs.failed_total, [0.0, 0.0, 1.0]);
        let markers = trigger_markers(&jobs);
        assert_eq!(markers.len(), 1);
        // The calls came during (60, 120]: the line stands at the row's time.
        assert_eq!((markers[0].time_s, markers[0].label.as_str()), (120.0, "RunTask ×4"));
    }
}
