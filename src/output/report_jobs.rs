//! The standalone tasks section of `report.html`: counts, the wait for capacity, cost per job and
//! each trigger's makespan, from `summary.json`'s `jobs`.

use std::fmt::Write as _;

use super::report::{elapsed, escape};
use crate::trace::summary::JobsSummary;

/// Writes the section; nothing for a run without standalone tasks.
pub(super) fn jobs_section(html: &mut String, jobs: Option<&JobsSummary>) {
    let Some(j) = jobs else { return };
    html.push_str("<h2>Standalone tasks</h2>\n");
    let _ = writeln!(
        html,
        "<p>{} task(s) in {} attempt(s): {} completed, {} failed, {} interrupted, {} abandoned, {} unfinished. \
Wait for capacity p50 {}, p95 {}, longest {}. Cost ${:.4}, ${:.4} per task.</p>",
        j.jobs,
        j.attempts,
        j.completed,
        j.failed,
        j.interrupted,
        j.abandoned,
        j.unfinished,
        escape(&elapsed(j.wait_p50_s)),
        escape(&elapsed(j.wait_p95_s)),
        escape(&elapsed(j.wait_max_s)),
        j.cost_usd,
        j.cost_per_job_usd
    );
    html.push_str(
        "<table>\n<tr><th>Trigger</th><th>Kind</th><th>Firings</th><th>Tasks</th><th>Completed</th>\
<th>Failed</th><th>Interrupted</th><th>Abandoned</th><th>Longest batch (makespan)</th><th>Cost</th></tr>\n",
    );
    for t in &j.triggers {
        let _ = write!(html, "<tr><td>{}</td><td>{}</td>", escape(&t.name), escape(&t.kind));
        let cells = [
            t.firings.to_string(),
            t.jobs.to_string(),
            t.completed.to_string(),
            t.failed.to_string(),
            t.interrupted.to_string(),
            t.abandoned.to_string(),
            elapsed(t.makespan_s),
            format!("${:.4}", t.cost_usd),
        ];
        for c in cells {
            let _ = write!(html, "<td class=\"num\">{}</td>", escape(&c));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::summary::TriggerSummary;

    #[test]
    fn lists_each_trigger_with_its_makespan_and_nothing_without_jobs() {
        let mut html = String::new();
        jobs_section(&mut html, None);
        assert!(html.is_empty());
        let jobs = JobsSummary {
            jobs: 20,
            attempts: 20,
            completed: 19,
            failed: 1,
            cost_usd: 0.4,
            cost_per_job_usd: 0.02,
            triggers: vec![TriggerSummary {
                kind: "runTask".into(),
                name: "nightly".into(),
                firings: 1,
                jobs: 20,
                completed: 17,
                failed: 1,
                interrupted: 2,
                abandoned: 0,
                makespan_s: 2614.4,
                cost_usd: 0.4,
            }],
            ..JobsSummary::default()
        };
        jobs_section(&mut html, Some(&jobs));
        assert!(html.contains("<h2>Standalone tasks</h2>"));
        assert!(html.contains("19 completed, 1 failed"));
        assert!(html.contains("<td>nightly</td><td>runTask</td>"));
        assert!(
            html.contains(
                "<td class=\"num\">17</td><td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">0</td>"
            ),
            "completed, failed, interrupted, abandoned: {html}"
        );
        assert!(html.contains("$0.0200 per task"));
    }
}
