//! `report.html`: one self-contained page per run (inline SVG charts, inline CSS, no scripts, no
//! network) with the scenario, a summary table, the expectations and their verdicts, the scaling
//! policies and their first activities, the deployments with their outcomes and events, the
//! charts (a service's deployment chart follows its other charts) and the most important events.
//! Built from the same [`RunData`] as the charts.

use std::fmt::Write;

use super::charts::ChartFile;
use super::charts::annotations::{DEPLOYMENT_KINDS, deployments};
use super::charts::data::{EventRow, RunData};
use super::charts::timeline::{describe_duration, describe_start_in};
use crate::trace::summary::ExpectationRecord;

/// At most this many events are listed; the rest are counted and left to `events.csv`.
pub const MAX_EVENT_ROWS: usize = 50;

/// At most this many scaling activities are listed in the Scaling section.
pub const MAX_SCALING_ROWS: usize = 20;

/// Event kinds listed in the report, most important first: when there are more than
/// [`MAX_EVENT_ROWS`], earlier kinds in this list are kept over later ones.
const REPORTED_KINDS: &[&str] = &[
    "fault",
    "rollback",
    "deployment_failed",
    "rollback_started",
    "deployment_stalled",
    "service_update",
    "scaling_activity",
    "deployment_started",
    "deployment_completed",
    "placement_failure",
];

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1240px;\
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
.facts{color:#555}table{border-collapse:collapse;margin:.6em 0}\
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}\
.pass{color:#00734f;font-weight:bold}.fail{color:#b34700;font-weight:bold}\
figure{margin:1.2em 0}figure svg,figure img{width:100%;height:auto;border:1px solid #eee}\
figcaption{color:#555;font-size:.9em}.note{color:#555;font-size:.9em}";

/// The report of `run`, with `charts` inline (SVG preferred; PNG as a data URI when the run was
/// charted as PNG only).
pub fn render_report(run: &RunData, charts: &[ChartFile]) -> String {
    let s = &run.summary;
    let title = if s.scenario.is_empty() {
        "ecsim run"
    } else {
        s.scenario.as_str()
    };
    let mut html = String::with_capacity(64 * 1024);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(html, "<title>{} — ecsim report</title>", escape(title));
    let _ = writeln!(html, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(html, "<h1>{}</h1>", escape(title));
    if !s.description.is_empty() {
        let _ = writeln!(html, "<p>{}</p>", escape(&s.description));
    }
    let mut facts = vec![format!("{} simulated", describe_duration(run.end_s()))];
    if !s.start.is_empty() {
        facts.insert(0, format!("starts {}", describe_start_in(&s.start, &s.time_zone)));
    }
    facts.push(format!("seed {}", s.seed));
    let _ = writeln!(html, "<p class=\"facts\">{}</p>", escape(&facts.join(" · ")));
    summary_section(&mut html, run);
    expectations_section(&mut html, &s.expectations, &s.not_yet_simulated);
    scaling_section(&mut html, run);
    deployments_section(&mut html, run);
    charts_section(&mut html, charts);
    events_section(&mut html, &run.events);
    html.push_str(
        "<p class=\"note\">Written by ecsim from the run's CSV files and summary.json.</p>\n</body>\n</html>\n",
    );
    html
}

/// The run's response-time percentiles of each service with a service model (issue 14).
fn latency_table(html: &mut String, run: &RunData) {
    let with_latency: Vec<_> = run
        .summary
        .services
        .iter()
        .filter_map(|f| Some((&f.service, f.latency.as_ref()?)))
        .collect();
    if with_latency.is_empty() {
        return;
    }
    html.push_str(
        "<table>\n<tr><th>Service</th><th>Response time p50</th><th>p95</th><th>p99</th>\
<th>Timed out</th><th>Timeout</th></tr>\n",
    );
    for (service, l) in with_latency {
        let ms = |v: f64| format!("{v:.1} ms");
        let cells = [
            ms(l.p50_ms),
            ms(l.p95_ms),
            ms(l.p99_ms),
            count(l.timed_out_requests),
            format!("{} s", l.timeout_s),
        ];
        let _ = write!(html, "<tr><td>{}</td>", escape(service));
        for c in cells {
            let _ = write!(html, "<td class=\"num\">{}</td>", escape(&c));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
}

fn summary_section(html: &mut String, run: &RunData) {
    let s = &run.summary;
    html.push_str("<h2>Summary</h2>\n<table>\n");
    let row = |html: &mut String, k: &str, v: String| {
        let _ = writeln!(html, "<tr><th>{k}</th><td class=\"num\">{}</td></tr>", escape(&v));
    };
    row(html, "Total cost", format!("${:.2}", s.cost_usd));
    row(html, "Tasks started", s.tasks_started.to_string());
    row(html, "Placement failures", s.placement_failures.to_string());
    html.push_str("</table>\n");
    if !s.services.is_empty() {
        html.push_str(
            "<table>\n<tr><th>Service</th><th>Peak desired</th><th>Peak running</th><th>Lowest healthy</th>\
<th>Mean CPU</th><th>Unserved requests</th><th>First steady state</th></tr>\n",
        );
        for f in &s.services {
            let (u, d) = (f.unserved_requests, f.demand_requests);
            let unserved = if d > 0.0 {
                format!("{} ({:.2}% of demand)", count(u), u / d * 100.0)
            } else {
                count(u)
            };
            let steady = f.first_steady_state_s.map_or_else(|| "never".to_string(), elapsed);
            let cpu = format!("{:.1}%", f.mean_cpu_utilization);
            let cells = [
                count(f.peak_desired.into()),
                count(f.peak_running.into()),
                count(f.min_healthy.into()),
                cpu,
                unserved,
                steady,
            ];
            let _ = write!(html, "<tr><td>{}</td>", escape(&f.service));
            for c in cells {
                let _ = write!(html, "<td class=\"num\">{}</td>", escape(&c));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</table>\n");
    }
    latency_table(html, run);
    if !s.capacity_providers.is_empty() {
        html.push_str(
            "<table>\n<tr><th>Capacity provider</th><th>Peak instances</th><th>Peak tasks</th><th>Cost</th></tr>\n",
        );
        for p in &s.capacity_providers {
            let cost = format!("${:.2}", p.cost_usd);
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&p.capacity_provider),
                count(p.peak_instances.into()),
                count(p.peak_tasks.into()),
                escape(&cost)
            );
        }
        html.push_str("</table>\n");
    }
}

fn expectations_section(html: &mut String, expectations: &[ExpectationRecord], not_simulated: &[String]) {
    if expectations.is_empty() && not_simulated.is_empty() {
        return;
    }
    html.push_str("<h2>Expectations</h2>\n");
    if !expectations.is_empty() {
        html.push_str(
            "<table>\n<tr><th>Expectation</th><th>Line</th><th>Measured</th><th>Verdict</th><th>Why</th></tr>\n",
        );
        for e in expectations {
            let verdict = if e.passed { "pass" } else { "fail" };
            // As summary.json spells the number (`3.0`, `0.75`).
            let measured = e
                .measured
                .and_then(serde_json::Number::from_f64)
                .map_or_else(String::new, |n| n.to_string());
            let _ = writeln!(
                html,
                "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
<td class=\"{verdict}\">{verdict}</td><td>{}</td></tr>",
                escape(&e.expression),
                e.line,
                escape(&measured),
                escape(&e.message)
            );
        }
        html.push_str("</table>\n");
    }
    for note in not_simulated {
        let _ = writeln!(html, "<p class=\"note\">Note: {}</p>", escape(note));
    }
}

/// Each scaling policy with its activity count, then the first activities with their reasons.
fn scaling_section(html: &mut String, run: &RunData) {
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
fn deployments_section(html: &mut String, run: &RunData) {
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

fn charts_section(html: &mut String, charts: &[ChartFile]) {
    if charts.is_empty() {
        return;
    }
    html.push_str("<h2>Charts</h2>\n");
    let stems = charts
        .iter()
        .map(|c| stem(&c.name))
        .fold(Vec::new(), |mut acc: Vec<&str>, s| {
            if !acc.contains(&s) {
                acc.push(s);
            }
            acc
        });
    for stem_name in stems {
        let Some((body, title)) = chart_figure(charts, stem_name) else {
            continue;
        };
        let _ = writeln!(
            html,
            "<figure id=\"{stem_name}\">\n{body}\n<figcaption>{}</figcaption>\n</figure>",
            escape(title)
        );
    }
}

fn events_section(html: &mut String, events: &[EventRow]) {
    let reported: Vec<&EventRow> = events
        .iter()
        .filter(|e| REPORTED_KINDS.contains(&e.kind.as_str()))
        .collect();
    if reported.is_empty() {
        return;
    }
    // Keep the most important kinds first when there are too many, then show them in time order.
    let mut chosen: Vec<&EventRow> = Vec::new();
    for kind in REPORTED_KINDS {
        for e in reported.iter().filter(|e| e.kind == *kind) {
            if chosen.len() < MAX_EVENT_ROWS {
                chosen.push(e);
            }
        }
    }
    chosen.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    html.push_str("<h2>Events</h2>\n<table>\n<tr><th>Since start</th><th>Time</th><th>Kind</th><th>Subject</th><th>What happened</th></tr>\n");
    for e in &chosen {
        let _ = writeln!(
            html,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            elapsed(e.time_s),
            escape(&e.timestamp),
            escape(&e.kind),
            escape(&e.subject),
            escape(&e.message)
        );
    }
    html.push_str("</table>\n");
    if reported.len() > chosen.len() {
        let _ = writeln!(
            html,
            "<p class=\"note\">{} more in events.csv (placement failures are listed last).</p>",
            reported.len() - chosen.len()
        );
    }
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

fn count(v: f64) -> String {
    let rounded = v.round() as i64;
    // Thousands separators make six-figure request counts readable.
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0 { format!("-{out}") } else { out }
}

/// Seconds since the start as `2:05:00` or `1d 06:00:00`.
fn elapsed(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (days, rest) = (total / 86_400, total % 86_400);
    let hms = format!("{}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    if days > 0 { format!("{days}d {hms}") } else { hms }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The inline body of the chart `stem` (its SVG, or its PNG as a data URI when only PNG was
/// drawn) and its title; `None` when neither was drawn. Shared with the sweep report.
pub(super) fn chart_figure<'c>(charts: &'c [ChartFile], stem: &str) -> Option<(String, &'c str)> {
    let of = |ext: &str| charts.iter().find(|c| c.name == format!("{stem}.{ext}"));
    if let Some(svg) = of("svg") {
        return Some((String::from_utf8_lossy(&svg.bytes).into_owned(), &svg.title));
    }
    let png = of("png")?;
    let img = format!(
        "<img alt=\"{}\" src=\"data:image/png;base64,{}\">",
        escape(&png.title),
        base64(&png.bytes)
    );
    Some((img, &png.title))
}

/// Standard base64 with padding (PNG data URIs), for this report and the sweep's.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::summary::Summary;

    #[test]
    fn encodes_base64_and_escapes_html() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(elapsed(93_784.0), "1d 2:03:04");
        assert_eq!(count(4_751_299.0), "4,751,299");
    }

    #[test]
    fn caps_events_keeping_faults_over_placement_failures() {
        let event = |t: f64, kind: &str| EventRow {
            time_s: t,
            kind: kind.into(),
            ..Default::default()
        };
        let mut events: Vec<EventRow> = (0..200).map(|i| event(f64::from(i), "placement_failure")).collect();
        events.push(event(500.0, "fault"));
        let run = RunData {
            summary: Summary {
                scenario: "s <1>".into(),
                ..Default::default()
            },
            events,
            ..Default::default()
        };
        let html = render_report(&run, &[]);
        assert!(html.contains("<h1>s &lt;1&gt;</h1>"));
        assert_eq!(html.matches("<td>placement_failure</td>").count(), MAX_EVENT_ROWS - 1);
        assert!(html.contains("<td>fault</td>"));
        assert!(html.contains("151 more in events.csv"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn the_scaling_section_counts_per_policy_and_lists_the_first_activities() {
        use crate::trace::summary::{PolicySummary, TARGET_TRACKING_SCALING};
        let events: Vec<EventRow> = (0..25)
            .map(|i| EventRow {
                time_s: f64::from(i) * 60.0,
                kind: "scaling_activity".into(),
                subject: "web".into(),
                message: format!("cpu60: ...; desired {i} -> {}", i + 1),
                ..Default::default()
            })
            .collect();
        let run = RunData {
            summary: Summary {
                scaling_policies: vec![PolicySummary {
                    policy: "cpu60".into(),
                    service: "web".into(),
                    policy_type: TARGET_TRACKING_SCALING.into(),
                    metric: Some("CPUUtilization".into()),
                    target_value: Some(60.0),
                    scaling_activities: 25,
                }],
                ..Default::default()
            },
            events,
            ..Default::default()
        };
        let html = render_report(&run, &[]);
        assert!(html.contains("<h2>Scaling</h2>"));
        assert!(html.contains("<td>cpu60</td><td>web</td><td>TargetTrackingScaling</td><td>CPUUtilization at 60</td><td class=\"num\">25</td>"));
        assert!(html.contains("The first 20 of 25 scaling activities"));
        let start = html.find("<h2>Scaling</h2>").expect("section");
        let section = &html[start..start + html[start..].find("<h2>Events").expect("events follow")];
        assert!(section.contains("desired 19 -&gt; 20") && !section.contains("desired 20 -&gt; 21"));
        assert!(section.contains("5 more in events.csv"));
        assert!(!render_report(&RunData::default(), &[]).contains("<h2>Scaling</h2>"));
    }
}
