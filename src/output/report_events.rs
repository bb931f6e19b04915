//! The Events section of `report.html`: every row of `events.csv` with a text filter (a few
//! lines of inline script; the table reads the same without it), within a byte budget that keeps
//! the report small. A run with more events than fit keeps the most important kinds and says how
//! many rows are left to `events.csv`.

use std::fmt::Write;

use super::charts::data::{EventRow, RunData};
use super::report::{elapsed, escape};

/// The most bytes of table rows the section holds (the report stays well under 500 KB).
pub const MAX_EVENT_TABLE_BYTES: usize = 320 * 1024;

/// Kinds kept first when not every event fits, most important first; other kinds follow, in
/// time order.
const KEPT_FIRST: &[&str] = &[
    "fault",
    "fault_recovered",
    "spot_interruption",
    "rollback",
    "deployment_failed",
    "rollback_started",
    "deployment_stalled",
    "service_update",
    "deployment_not_started",
    "scaling_activity",
    "deployment_started",
    "deployment_completed",
    "steady_state",
    "alarm",
    "placement_failure",
];

/// Filters the rows of `#events` whose text does not contain what is typed (case-insensitive),
/// and says how many are shown.
const FILTER_SCRIPT: &str = "<script>(function(){var f=document.getElementById('event-filter'),\
n=document.getElementById('event-count'),r=document.querySelectorAll('#events tr.e');\
f.addEventListener('input',function(){var q=f.value.toLowerCase(),k=0;\
for(var i=0;i<r.length;i++){var h=q!==''&&r[i].textContent.toLowerCase().indexOf(q)<0;\
r[i].hidden=h;if(!h)k++;}n.textContent=k+' of '+r.length+' shown';});})();</script>";

/// The run's events in time order: the kinds the charts keep merged with the others (at one
/// time, the others first: an alarm's change of state comes before the activity it causes).
fn merged(run: &RunData) -> Vec<&EventRow> {
    let (mut kept, mut others) = (run.events.iter().peekable(), run.other_events.iter().peekable());
    let mut out = Vec::with_capacity(run.events.len() + run.other_events.len());
    loop {
        let next = match (kept.peek(), others.peek()) {
            (Some(k), Some(o)) if k.time_s < o.time_s => kept.next(),
            (_, Some(_)) => others.next(),
            (Some(_), None) => kept.next(),
            (None, None) => break,
        };
        out.extend(next);
    }
    out
}

/// Writes the section; nothing without events.
pub fn events_section(html: &mut String, run: &RunData) {
    let events = merged(run);
    if events.is_empty() {
        return;
    }
    let total = run.event_rows.max(events.len());
    let rows: Vec<String> = events.iter().map(|e| row(e)).collect();
    let chosen = choose(&events, &rows, MAX_EVENT_TABLE_BYTES);
    html.push_str("<h2>Events</h2>\n");
    let _ = writeln!(
        html,
        "<p><input id=\"event-filter\" type=\"search\" placeholder=\"filter: a kind, a service, any text\" \
size=\"40\"> <span id=\"event-count\" class=\"note\">{} of {} shown</span></p>",
        chosen.len(),
        chosen.len()
    );
    html.push_str(
        "<table id=\"events\">\n<tr><th>Since start</th><th>Time</th><th>Kind</th><th>Subject</th><th>What happened</th></tr>\n",
    );
    for &i in &chosen {
        html.push_str(&rows[i]);
    }
    html.push_str("</table>\n");
    if chosen.len() < total {
        let _ = writeln!(
            html,
            "<p class=\"note\">{} of the run's {total} events are listed (the report is kept small; \
faults, deployments and scaling first); every event is in events.csv.</p>",
            chosen.len(),
        );
    }
    html.push_str(FILTER_SCRIPT);
    html.push('\n');
}

/// One table row.
fn row(e: &EventRow) -> String {
    format!(
        "<tr class=\"e\"><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        elapsed(e.time_s),
        escape(&e.timestamp),
        escape(&e.kind),
        escape(&e.subject),
        escape(&e.message)
    )
}

/// Indexes of the rows listed, in time order: all of them when they fit in `budget` bytes,
/// otherwise the kinds of [`KEPT_FIRST`] in its order, then the rest, until the budget is spent.
fn choose(events: &[&EventRow], rows: &[String], budget: usize) -> Vec<usize> {
    let total: usize = rows.iter().map(String::len).sum();
    if total <= budget {
        return (0..events.len()).collect();
    }
    let rank = |kind: &str| KEPT_FIRST.iter().position(|k| *k == kind).unwrap_or(KEPT_FIRST.len());
    let mut order: Vec<usize> = (0..events.len()).collect();
    // A stable sort: within a rank, events stay in time order.
    order.sort_by_key(|&i| rank(&events[i].kind));
    let mut used = 0;
    let mut chosen = Vec::new();
    for i in order {
        if used + rows[i].len() > budget {
            break;
        }
        used += rows[i].len();
        chosen.push(i);
    }
    chosen.sort_by(|&a, &b| events[a].time_s.total_cmp(&events[b].time_s).then(a.cmp(&b)));
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(time_s: f64, kind: &str) -> EventRow {
        EventRow {
            time_s,
            timestamp: String::new(),
            kind: kind.into(),
            subject: "web".into(),
            message: "m".into(),
            detail: None,
        }
    }

    #[test]
    fn every_event_is_listed_when_they_fit() {
        let run = RunData {
            events: (0..100)
                .map(|i| event(f64::from(i) * 3.0, "scaling_activity"))
                .collect(),
            other_events: (0..200).map(|i| event(f64::from(i) * 1.5, "alarm")).collect(),
            event_rows: 300,
            ..Default::default()
        };
        let mut html = String::new();
        events_section(&mut html, &run);
        assert_eq!(html.matches("<tr class=\"e\">").count(), 300);
        assert!(html.contains("300 of 300 shown"));
        assert!(html.contains("<script>") && html.contains("event-filter"));
        assert!(!html.contains("every event is in events.csv"));
        // In time order, the other kinds first at a tie.
        let kinds: Vec<&str> = html
            .match_indices("<td>alarm</td>")
            .map(|(i, _)| (i, "alarm"))
            .chain(
                html.match_indices("<td>scaling_activity</td>")
                    .map(|(i, _)| (i, "scaling")),
            )
            .collect::<std::collections::BTreeMap<usize, &str>>()
            .into_values()
            .take(4)
            .collect();
        assert_eq!(kinds, ["alarm", "scaling", "alarm", "alarm"]);
        let omitted = RunData {
            event_rows: 1000,
            ..run
        };
        let mut html = String::new();
        events_section(&mut html, &omitted);
        assert!(html.contains("300 of the run's 1000 events are listed"));
    }

    #[test]
    fn over_the_budget_important_kinds_are_kept_in_time_order() {
        let mut events: Vec<EventRow> = (0..100).map(|i| event(f64::from(i), "task_state")).collect();
        events.push(event(500.0, "fault"));
        events.push(event(50.5, "scaling_activity"));
        let events: Vec<&EventRow> = events.iter().collect();
        let rows: Vec<String> = events.iter().map(|e| row(e)).collect();
        let budget = rows[100].len() + rows[101].len() + 3 * rows[0].len();
        let chosen = choose(&events, &rows, budget);
        assert_eq!(
            chosen,
            vec![0, 1, 2, 101, 100],
            "fault and scaling first, then the earliest others"
        );
        assert!(chosen.len() < events.len());
    }
}
