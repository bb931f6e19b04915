//! `report.html`: one page per run (inline CSS, one small inline script that filters the events,
//! nothing from the network) with the scenario and its header comment, what made the run
//! (ecsim's version, seed, overrides, the scenario's SHA-256), a summary table, the expectations
//! and their verdicts, the scaling policies and their first activities, the deployments with
//! their outcomes and events, the charts (linked from `charts/` beside it, so the page stays
//! small; a service's deployment chart follows its other charts) and the run's events. Built
//! from the same [`RunData`] as the charts.

use std::fmt::Write;

use super::charts::ChartFile;
use super::charts::data::RunData;
use super::charts::timeline::{describe_duration, describe_start_in};
use super::report_activities::{deployments_section, scaling_section};
use super::report_events::events_section;
use crate::trace::summary::{ExpectationRecord, Summary};

/// At most this many scaling activities are listed in the Scaling section.
pub const MAX_SCALING_ROWS: usize = 20;

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1240px;\
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
.facts{color:#555}table{border-collapse:collapse;margin:.6em 0}\
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}\
.pass{color:#00734f;font-weight:bold}.fail{color:#b34700;font-weight:bold}\
figure{margin:1.2em 0}figure svg,figure img{width:100%;height:auto;border:1px solid #eee}\
figcaption{color:#555;font-size:.9em}.note{color:#555;font-size:.9em}\
.header{white-space:pre-wrap;background:#f7f7f4;border-left:3px solid #ccc;padding:.6em 1em;margin:1em 0}\
code{overflow-wrap:anywhere}";

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
    if !s.scenario_header.is_empty() {
        let _ = writeln!(html, "<div class=\"header\">{}</div>", escape(&s.scenario_header));
    }
    record_section(&mut html, s);
    summary_section(&mut html, run);
    expectations_section(&mut html, &s.expectations, &s.not_yet_simulated);
    scaling_section(&mut html, run);
    deployments_section(&mut html, run);
    super::report_deployments::deployment_cost_section(&mut html, s);
    super::report_jobs::jobs_section(&mut html, s.jobs.as_ref());
    charts_section(&mut html, charts);
    events_section(&mut html, run);
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

/// What made the run, from `summary.json`: enough to make it again.
fn record_section(html: &mut String, s: &Summary) {
    let overrides = if s.overrides.is_empty() {
        "none".to_string()
    } else {
        s.overrides
            .iter()
            .map(|o| format!("<code>--set {}</code>", escape(&shell_quoted(o))))
            .collect::<Vec<_>>()
            .join("<br>")
    };
    let or_unknown = |v: &str| {
        if v.is_empty() {
            "not recorded".to_string()
        } else {
            escape(v)
        }
    };
    let _ = writeln!(
        html,
        "<table class=\"record\">\n<tr><th>ecsim</th><td>{}</td></tr>\n<tr><th>Seed</th><td>{}</td></tr>\n\
<tr><th>Scenario SHA-256</th><td><code>{}</code></td></tr>\n<tr><th>Overrides</th><td>{overrides}</td></tr>\n</table>",
        or_unknown(&s.ecsim_version),
        s.seed,
        or_unknown(&s.scenario_sha256),
    );
}

/// `text` as one shell word: single-quoted unless it holds only characters a shell leaves alone.
fn shell_quoted(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.,:/=@%+".contains(c));
    if plain && !text.is_empty() {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
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
<th>Mean CPU</th><th>CPU p50 / p90 / p99</th><th>Task-hours</th><th>Unserved requests</th><th>First steady state</th></tr>\n",
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
            let percentiles = percentiles([f.cpu_utilization_p50, f.cpu_utilization_p90, f.cpu_utilization_p99]);
            let cells = [
                count(f.peak_desired.into()),
                count(f.peak_running.into()),
                count(f.min_healthy.into()),
                cpu,
                percentiles,
                format!("{:.1}", f.task_hours),
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
            "<table>\n<tr><th>Capacity provider</th><th>Peak instances</th><th>Instance-hours</th>\
<th>CPU reserved p50 / p90 / p99</th><th>Peak tasks</th><th>Task-hours</th><th>Cost</th></tr>\n",
        );
        for p in &s.capacity_providers {
            let cells = [
                count(p.peak_instances.into()),
                format!("{:.1}", p.instance_hours),
                percentiles([p.cpu_reserved_p50, p.cpu_reserved_p90, p.cpu_reserved_p99]),
                count(p.peak_tasks.into()),
                format!("{:.1}", p.task_hours),
                format!("${:.2}", p.cost_usd),
            ];
            let _ = write!(html, "<tr><td>{}</td>", escape(&p.capacity_provider));
            for c in cells {
                let _ = write!(html, "<td class=\"num\">{}</td>", escape(&c));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</table>\n");
    }
}

/// `54.8% / 59.2% / 61.8%`, or a dash when there were none.
fn percentiles(values: [Option<f64>; 3]) -> String {
    match values {
        [Some(a), Some(b), Some(c)] => format!("{a:.1}% / {b:.1}% / {c:.1}%"),
        _ => "–".to_string(),
    }
}

/// A measured figure: three decimals, as the CSVs print numbers, unless that rounds a figure that
/// is not zero to `0` (a cost per job of $0.000107 read `0` beside its bound `< 0.001`); then six
/// decimals, or scientific notation below those.
fn measured_text(value: f64) -> String {
    let reads_zero = |t: &str| t.trim_start_matches('-').chars().all(|c| c == '0' || c == '.');
    let text = crate::trace::format::number(value);
    if value == 0.0 || !value.is_finite() || !reads_zero(&text) {
        return text;
    }
    let six = crate::trace::format::usd(value);
    if reads_zero(&six) { format!("{value:e}") } else { six }
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
            let measured = e.measured.map_or_else(String::new, measured_text);
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
        let Some((body, title)) = chart_link(charts, stem_name) else {
            continue;
        };
        let _ = writeln!(
            html,
            "<figure id=\"{stem_name}\">\n{body}\n<figcaption>{}</figcaption>\n</figure>",
            escape(title)
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
pub(super) fn elapsed(seconds: f64) -> String {
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

/// An `<img>` of the chart `stem` from `charts/` beside the report (its SVG, or its PNG when
/// only PNG was drawn) and its title; `None` when neither was drawn. Linked, not inlined: a
/// run's charts together weigh megabytes, and the report must open fast and stay small.
fn chart_link<'c>(charts: &'c [ChartFile], stem: &str) -> Option<(String, &'c str)> {
    let chart = ["svg", "png"]
        .iter()
        .find_map(|ext| charts.iter().find(|c| c.name == format!("{stem}.{ext}")))?;
    let img = format!(
        "<a href=\"charts/{name}\"><img src=\"charts/{name}\" alt=\"{}\" loading=\"lazy\"></a>",
        escape(&chart.title),
        name = url_segment(&chart.name)
    );
    Some((img, &chart.title))
}

/// `name` as one segment of a relative URL: every byte but ASCII letters, digits, `-`, `_`, `.`
/// and `~` percent-encoded (a chart's file name may hold `%XX` escapes of its own, which must
/// reach the file system as written).
fn url_segment(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
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
    /// eventbridge-nightly-and-uploads: `jobs.cost_per_job_usd < 0.001` measured 0.000107, and
    /// the Measured column read `0`.
    #[test]
    fn a_small_measured_figure_is_not_rounded_to_zero() {
        assert_eq!(measured_text(0.000_107), "0.000107");
        assert_eq!(measured_text(2e-9), "2e-9");
        assert_eq!(measured_text(0.0), "0");
        assert_eq!(measured_text(2427.072), "2427.072");
    }

    use super::*;
    use crate::output::charts::data::EventRow;
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
    fn shows_the_header_and_what_made_the_run() {
        let run = RunData {
            summary: Summary {
                scenario: "s <1>".into(),
                scenario_header: "What this shows: <b>.\nSecond line.".into(),
                ecsim_version: "9.9.9".into(),
                scenario_sha256: "ab12".into(),
                seed: 7,
                overrides: vec!["ecs.services[name=web].desiredCount=4".into(), "seed=7".into()],
                ..Default::default()
            },
            ..Default::default()
        };
        let html = render_report(&run, &[]);
        assert!(html.contains("<h1>s &lt;1&gt;</h1>"));
        assert!(html.contains("<div class=\"header\">What this shows: &lt;b&gt;.\nSecond line.</div>"));
        assert!(html.contains("<tr><th>ecsim</th><td>9.9.9</td></tr>"));
        assert!(html.contains("<tr><th>Seed</th><td>7</td></tr>"));
        assert!(html.contains("<code>ab12</code>"));
        assert!(html.contains(
            "<code>--set &#39;ecs.services[name=web].desiredCount=4&#39;</code><br><code>--set seed=7</code>"
        ));
        let bare = render_report(&RunData::default(), &[]);
        assert!(!bare.contains("class=\"header\"") && bare.contains("<td>none</td>"));
    }

    #[test]
    fn charts_are_linked_from_the_charts_folder() {
        let chart = |name: &str| ChartFile {
            name: name.into(),
            title: "t".into(),
            bytes: b"<svg>big</svg>".to_vec(),
        };
        let charts = [chart("cost.png"), chart("cost.svg"), chart("service-a%2Fb-load.png")];
        let html = render_report(&RunData::default(), &charts);
        assert!(html.contains("<img src=\"charts/cost.svg\""));
        assert!(html.contains("<img src=\"charts/service-a%252Fb-load.png\""));
        assert!(!html.contains("<svg>big"), "charts are not inlined");
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
                    predictive: None,
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
