//! Windows: which trace rows an aggregate sees.
//!
//! A row at `time_s = t` describes the interval from the subject's previous row (0 for the first
//! row) to `t`: counts are the state at `t`, rates and utilizations the average over the interval.
//! A window is a set of spans `(start, end]`; a row is selected when its interval overlaps a span.
//! With bounds on the trace grid this is simply `start < time_s <= end`. A span that is an instant
//! (a deployment that started and completed in the same millisecond) selects the row whose interval
//! contains it.

use super::ast::Window;
use super::table::RunTables;
use crate::sim::SimDuration;

/// The event kind that starts a deployment (subject: the service).
pub(super) const DEPLOYMENT_STARTED: &str = "deployment_started";
/// The event kind that completes one.
pub(super) const DEPLOYMENT_COMPLETED: &str = "deployment_completed";
/// The event kind of a service's steady state.
pub(super) const STEADY_STATE: &str = "steady_state";

/// A span of simulated time `(start_ms, end_ms]`; `start_ms == end_ms` is the instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Span {
    /// Exclusive start, milliseconds.
    pub start_ms: u64,
    /// Inclusive end, milliseconds.
    pub end_ms: u64,
}

/// One deployment of a service: when it started and, if it did, when it completed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Deployment {
    /// The service.
    pub service: String,
    /// `deployment_started`, milliseconds.
    pub started_ms: u64,
    /// `deployment_completed`, milliseconds; None when the run ended first.
    pub completed_ms: Option<u64>,
}

/// The spans of `window` for a column of `subject` (a service when `is_service`); None means every
/// row. An error says why the window cannot exist in this run.
pub(super) fn spans(
    window: &Window,
    subject: &str,
    is_service: bool,
    run: &RunTables,
) -> Result<Option<Vec<Span>>, String> {
    if let Some(spans) = fixed_spans(window) {
        return Ok(spans);
    }
    let spans = match window {
        Window::All | Window::Between(..) | Window::After(_) | Window::Before(_) => {
            unreachable!("fixed windows are answered above")
        }
        Window::AfterSteadyState(service) => {
            run.known_service(service)?;
            let at = first_steady_state_ms(run, service)
                .ok_or_else(|| format!("{service} never reached a steady state in this run"))?;
            vec![Span {
                start_ms: at,
                end_ms: u64::MAX,
            }]
        }
        Window::Deployment(service) => {
            let service = match service {
                Some(service) => {
                    run.known_service(service)?;
                    Some(service.as_str())
                }
                None if is_service => Some(subject),
                None => None,
            };
            let found = deployments(run, service);
            if found.is_empty() {
                return Err(match service {
                    Some(service) => format!("no deployment of {service} in this run"),
                    None => "no deployment in this run".to_string(),
                });
            }
            found
                .iter()
                .map(|d| Span {
                    start_ms: d.started_ms,
                    end_ms: d.completed_ms.unwrap_or(u64::MAX),
                })
                .collect()
        }
    };
    Ok(Some(spans))
}

/// The spans of a window fixed in time, whatever the run (None inside: every row); None for a
/// window that depends on the run's events.
pub(super) fn fixed_spans(window: &Window) -> Option<Option<Vec<Span>>> {
    let span = |start: SimDuration, end_ms: u64| Span {
        start_ms: start.as_millis(),
        end_ms,
    };
    Some(match window {
        Window::All => None,
        Window::Between(start, end) => Some(vec![span(*start, end.as_millis())]),
        Window::After(start) => Some(vec![span(*start, u64::MAX)]),
        Window::Before(end) => Some(vec![span(SimDuration(0), end.as_millis())]),
        Window::AfterSteadyState(_) | Window::Deployment(_) => return None,
    })
}

/// Indexes of the rows at `time_ms` selected by `spans` (every row for None).
pub(super) fn select(time_ms: &[u64], spans: Option<&[Span]>) -> Vec<usize> {
    (0..time_ms.len())
        .filter(|&i| {
            let previous = if i == 0 { 0 } else { time_ms[i - 1] };
            spans.is_none_or(|spans| spans.iter().any(|s| overlaps(previous, time_ms[i], *s)))
        })
        .collect()
}

/// Whether the row interval `(previous, time]` overlaps `span`; a row with `previous == time`
/// stands for the instant `time`.
pub(super) fn overlaps(previous: u64, time: u64, span: Span) -> bool {
    match (previous < time, span.start_ms < span.end_ms) {
        (true, true) => previous < span.end_ms && span.start_ms < time,
        (true, false) => previous < span.start_ms && span.start_ms <= time,
        (false, true) => span.start_ms < time && time <= span.end_ms,
        (false, false) => time == span.start_ms,
    }
}

/// Milliseconds of the first `steady_state` event of `service`.
pub(super) fn first_steady_state_ms(run: &RunTables, service: &str) -> Option<u64> {
    run.events
        .iter()
        .find(|e| e.kind == STEADY_STATE && e.subject == service)
        .map(|e| e.time_ms)
}

/// The deployments of `service` (of every service for None), in start order. A completion ends
/// every deployment of its service still open: a newer deployment supersedes an older one.
pub(super) fn deployments(run: &RunTables, service: Option<&str>) -> Vec<Deployment> {
    let mut found: Vec<Deployment> = Vec::new();
    for event in &run.events {
        if service.is_some_and(|s| s != event.subject) {
            continue;
        }
        if event.kind == DEPLOYMENT_STARTED {
            found.push(Deployment {
                service: event.subject.clone(),
                started_ms: event.time_ms,
                completed_ms: None,
            });
        } else if event.kind == DEPLOYMENT_COMPLETED {
            for open in found
                .iter_mut()
                .filter(|d| d.service == event.subject && d.completed_ms.is_none())
            {
                open.completed_ms = Some(event.time_ms);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_overlap(row: (u64, u64), span: (u64, u64), expected: bool) {
        let span = Span {
            start_ms: span.0,
            end_ms: span.1,
        };
        assert_eq!(overlaps(row.0, row.1, span), expected, "row {row:?} span {span:?}");
    }

    #[test]
    fn a_row_is_selected_when_its_interval_overlaps_the_span() {
        check_overlap((0, 60), (0, 60), true);
        check_overlap((60, 120), (0, 60), false); // touches the end only
        check_overlap((0, 60), (60, 120), false); // touches the start only
        check_overlap((60, 120), (90, 100), true); // span inside the row
        check_overlap((60, 120), (30, 90), true);
        check_overlap((60, 120), (100, u64::MAX), true);
        check_overlap((60, 120), (120, u64::MAX), false);
        // An instant span: the row whose interval (previous, time] contains it.
        check_overlap((60, 120), (120, 120), true);
        check_overlap((60, 120), (60, 60), false);
        check_overlap((60, 120), (90, 90), true);
        // A row that is an instant (two rows at the same time, or a row at 0).
        check_overlap((60, 60), (0, 60), true);
        check_overlap((60, 60), (60, 120), false);
        check_overlap((60, 60), (60, 60), true);
    }

    #[track_caller]
    fn check_select(times: &[u64], spans: Option<&[(u64, u64)]>, expected: &[usize]) {
        let spans: Option<Vec<Span>> =
            spans.map(|s| s.iter().map(|&(start_ms, end_ms)| Span { start_ms, end_ms }).collect());
        assert_eq!(
            select(times, spans.as_deref()),
            expected,
            "times {times:?} spans {spans:?}"
        );
    }

    #[test]
    fn selects_rows_on_the_trace_grid() {
        let times = [60, 120, 180, 240];
        check_select(&times, None, &[0, 1, 2, 3]);
        check_select(&times, Some(&[(60, 180)]), &[1, 2]);
        check_select(&times, Some(&[(0, 60), (180, 240)]), &[0, 3]);
        check_select(&times, Some(&[(100, 130)]), &[1, 2]);
        check_select(&times, Some(&[(240, 300)]), &[]);
        check_select(&[], Some(&[(0, 60)]), &[]);
    }
}
