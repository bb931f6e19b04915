//! The Scaling and Deployments sections of `report.html`: each policy with its activity count
//! and the first scaling activities; each deployment with its outcome, duration and events.

use std::fmt::Write as _;

use super::charts::annotations::{DEPLOYMENT_KINDS, deployments};
use super::charts::data::{EventRow, RunData};
use super::report::{MAX_SCALING_ROWS, elapsed, escape};

/// Each scaling policy with its activity count, then the first activities with their reasons.
pub(super) fn scaling_section(html: &mut String, run: &RunData) {
    let policies = &run.summary.scaling_policies;
    let activities: Vec<&EventRow> = run.events.iter().filter(|e| e.kind == "scaling_activity").collect();
    if policies.is_empty() && activities.is_empty() {
        return;
    }
    html.push_str("<h2>Scaling</h2>\n");
    if !policies.is_empty() {
        html.push_str(
            "<table>\n<tr><th>Policy</th><th>Service</th><th>Type</th><th>Tracks</th><th>Scaling activities</th></tr>\n",
        );
        for p in policies {
            let tracks = match (&p.metric, p.target_value) {
                (Some(metric), Some(v)) => format!("{metric} at {v}"),
                _ => String::new(),
            };
            let count = p.scaling_activities.to_string();
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&p.policy),
                escape(&p.service),
                escape(&p.policy_type),
                escape(&tracks),
                escape(&count)
            );
        }
        html.push_str("</table>\n");
    }
    if activities.is_empty() {
        html.push_str("<p class=\"note\">No scaling activity.</p>\n");
        return;
    }
    let shown = activities.len().min(MAX_SCALING_ROWS);
    if shown < activities.len() {
        let _ = writeln!(
            html,
            "<p>The first {shown} of {} scaling activities:</p>",
            activities.len()
        );
    } else {
        let _ = writeln!(html, "<p>Every scaling activity ({shown}):</p>");
    }
    html.push_str("<table>\n<tr><th>Since start</th><th>Time</th><th>Service</th><th>What happened</th></tr>\n");
    for e in activities.iter().take(MAX_SCALING_ROWS) {
        let _ = writeln!(
            html,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            elapsed(e.time_s),
            escape(&e.timestamp),
            escape(&e.subject),
            escape(&e.message)
        );
    }
    html.push_str("</table>\n");
    if activities.len() > shown {
        let _ = writeln!(
            html,
            "<p class=\"note\">{} more in events.csv (kind <code>scaling_activity</code>).</p>",
            activities.len() - shown
        );
    }
}

/// Each service's deployments with their task definition, outcome and duration, then their
/// events (the first [`MAX_SCALING_ROWS`]), like the scaling activities. Absent without any.
pub(super) fn deployments_section(html: &mut String, run: &RunData) {
    let events: Vec<&EventRow> = run
        .events
        .iter()
        .filter(|e| DEPLOYMENT_KINDS.contains(&e.kind.as_str()))
        .collect();
    if events.is_empty() {
        return;
    }
    html.push_str("<h2>Deployments</h2>\n");
    let mut rows = String::new();
    for service in &run.services {
        for d in deployments(run, &service.name) {
            let took = d.end_s.map_or_else(String::new, |end| elapsed(end - d.start_s));
            let what = if d.rollback { "rollback" } else { "deployment" };
            let _ = writeln!(
                rows,
                "<tr><td>{}</td><td>{what}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&service.name),
                elapsed(d.start_s),
                escape(d.task_definition.as_deref().unwrap_or("")),
                escape(d.outcome),
                escape(&took)
            );
        }
    }
    if !rows.is_empty() {
        html.push_str(
            "<table>\n<tr><th>Service</th><th>What</th><th>Started</th><th>Task definition</th><th>Outcome</th>\
<th>Took</th></tr>\n",
        );
        html.push_str(&rows);
        html.push_str("</table>\n");
    }
    let shown = events.len().min(MAX_SCALING_ROWS);
    if shown < events.len() {
        let _ = writeln!(html, "<p>The first {shown} of {} deployment events:</p>", events.len());
    } else {
        let _ = writeln!(html, "<p>Every deployment event ({shown}):</p>");
    }
    html.push_str(
        "<table>\n<tr><th>Since start</th><th>Time</th><th>Service</th><th>Kind</th><th>What happened</th></tr>\n",
    );
    for e in events.iter().take(MAX_SCALING_ROWS) {
        let _ = writeln!(
            html,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            elapsed(e.time_s),
            escape(&e.timestamp),
            escape(&e.subject),
            escape(&e.kind),
            escape(&e.message)
        );
    }
    html.push_str("</table>\n");
    if events.len() > shown {
        let _ = writeln!(
            html,
            "<p class=\"note\">{} more in events.csv.</p>",
            events.len() - shown
        );
    }
}
