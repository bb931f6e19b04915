//! The "Deployment cost and exposure" table of `report.html` (issue 19): every deployment of
//! every service side by side, from `summary.json`: its strategy, how long it took, what extra
//! tasks it held and what they cost, how many requests the new revision served before it had
//! all the traffic, how many got a 5XX, and how long a rollback took.

use std::fmt::Write as _;

use super::report::{elapsed, escape};
use crate::trace::summary::Summary;

/// The table, when some service deployed.
pub(super) fn deployment_cost_section(html: &mut String, summary: &Summary) {
    let mut rows = String::new();
    for service in &summary.services {
        for d in service.deployments.iter().filter(|d| d.kind == "deployment") {
            let took = d.duration_s.map_or_else(|| d.rollout_state.to_lowercase(), elapsed);
            let rollback = d.rollback_time_s.map_or_else(String::new, elapsed);
            let _ = writeln!(
                rows,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
<td class=\"num\">{:.2}</td><td class=\"num\">{:.4}</td><td class=\"num\">{:.0}</td><td class=\"num\">{:.0}</td>\
<td class=\"num\">{}</td></tr>",
                escape(&service.service),
                escape(&d.strategy),
                escape(&took),
                d.peak_extra_tasks,
                d.extra_task_hours,
                d.extra_cost_usd,
                d.new_revision_requests_before_full_shift,
                d.target_5xx_requests,
                escape(&rollback),
            );
        }
    }
    if rows.is_empty() {
        return;
    }
    html.push_str("<h2>Deployment cost and exposure</h2>\n");
    html.push_str(
        "<p>Extra tasks are those above desiredCount at a trace row; their cost is at the service's \
mean cost per task-hour. Exposure is what the new revision served before it had all the traffic.</p>\n",
    );
    html.push_str(
        "<table>\n<tr><th>Service</th><th>Strategy</th><th>Took</th><th>Peak extra tasks</th>\
<th>Extra task-hours</th><th>Extra cost, USD</th><th>Requests before full shift</th><th>5XX</th>\
<th>Rollback took</th></tr>\n",
    );
    html.push_str(&rows);
    html.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::summary::{DeploymentSummary, ServiceSummary};

    #[test]
    fn one_row_per_deployment_and_none_without_any() {
        let mut html = String::new();
        deployment_cost_section(&mut html, &Summary::default());
        assert!(html.is_empty());
        let summary = Summary {
            services: vec![ServiceSummary {
                service: "canary".into(),
                deployments: vec![
                    DeploymentSummary {
                        kind: "deployment".into(),
                        strategy: "CANARY".into(),
                        duration_s: Some(1576.7),
                        peak_extra_tasks: 6,
                        extra_task_hours: 2.1,
                        extra_cost_usd: 0.051996,
                        new_revision_requests_before_full_shift: 21412.0,
                        ..Default::default()
                    },
                    DeploymentSummary {
                        kind: "rollback".into(),
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }],
            ..Default::default()
        };
        deployment_cost_section(&mut html, &summary);
        assert_eq!(html.matches("<tr><td>").count(), 1, "{html}");
        assert!(
            html.contains("<td>CANARY</td>") && html.contains(">6<") && html.contains(">21412<"),
            "{html}"
        );
    }
}
