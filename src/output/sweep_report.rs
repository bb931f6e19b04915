//! A sweep's `report.html`: one self-contained page (inline SVG charts, inline CSS, no scripts,
//! no network) with the question (the objective and its constraints, the paths and the values
//! tried), the answer (the best setting with every figure and its interval, or why no setting
//! qualifies), the table of combinations, and the charts. Built from `sweep_summary.csv` and
//! `best.json`, like the sweep's charts.

use std::fmt::Write;

use super::charts::ChartFile;
use super::charts::sweep::data::{Goal, SweepData, SweepDataError};
use super::charts::sweep::units::{self, Unit};
use super::charts::sweep::{DEFAULT_X, DEFAULT_Y};
use super::report::{chart_figure, escape};

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1240px;\
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
.facts{color:#555}table{border-collapse:collapse;margin:.6em 0}\
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
th small{display:block;font-weight:normal;color:#666}\
.pass{color:#00734f;font-weight:bold}.fail{color:#b34700;font-weight:bold}\
tr.best td{background:#fff4cc;font-weight:bold}tr.infeasible td{color:#777}\
.answer{font-size:1.15em}.setting{font-family:ui-monospace,monospace}\
figure{margin:1.2em 0}figure svg,figure img{width:100%;height:auto;border:1px solid #eee}\
figcaption{color:#555;font-size:.9em}.note{color:#555;font-size:.9em}";

/// The report of a sweep from the texts of `sweep_summary.csv` and `best.json`, with `charts`
/// inline (SVG preferred; PNG as a data URI when the charts were drawn as PNG only).
pub fn render_sweep_report(summary_csv: &str, best_json: &str, charts: &[ChartFile]) -> Result<String, SweepDataError> {
    let data = SweepData::parse(summary_csv, best_json)?;
    Ok(render_sweep_data_report(&data, charts))
}

/// The report of sweep results already read (see [`render_sweep_report`]).
pub fn render_sweep_data_report(data: &SweepData, charts: &[ChartFile]) -> String {
    let goal = data.objective.goal.as_str();
    let title = format!("Sweep: {goal} {}", data.objective.figure);
    let mut html = String::with_capacity(64 * 1024);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(html, "<title>{} — ecsim sweep report</title>", escape(&title));
    let _ = writeln!(html, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(html, "<h1>{}</h1>", escape(&title));
    let feasible = data.combinations.iter().filter(|c| c.feasible).count();
    let _ = writeln!(
        html,
        "<p class=\"facts\">{} combinations × {} replicates · {} feasible · {} varied</p>",
        data.combinations.len(),
        data.replicas,
        feasible,
        plural(data.paths.len(), "path", "paths")
    );
    question_section(&mut html, data);
    answer_section(&mut html, data);
    combinations_section(&mut html, data);
    charts_section(&mut html, charts);
    html.push_str(
        "<p class=\"note\">Written by ecsim from sweep_summary.csv and best.json. Intervals are 95 % \
intervals of the mean across replicates.</p>\n</body>\n</html>\n",
    );
    html
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The left-hand side of a constraint (`unserved_fraction` in `unserved_fraction < 0.002`).
fn constrained_figure(constraint: &str) -> &str {
    constraint.split(['<', '>', '=', '!']).next().unwrap_or_default().trim()
}

/// The figures the combinations table shows: the objective, the constrained figures, then cost
/// and unserved fraction, each once, in that order.
fn key_figures(data: &SweepData) -> Vec<String> {
    let mut keys: Vec<String> = vec![data.objective.figure.clone()];
    let constrained = data.constraints.iter().map(|c| constrained_figure(c));
    let defaults = [DEFAULT_X, DEFAULT_Y]
        .into_iter()
        .filter_map(|d| data.resolve_figure(d));
    for f in constrained.chain(defaults) {
        if data.figures.iter().any(|g| g == f) && !keys.iter().any(|k| k == f) {
            keys.push(f.to_string());
        }
    }
    keys
}

fn question_section(html: &mut String, data: &SweepData) {
    let described = units::describe(&data.objective.figure);
    html.push_str("<h2>Question</h2>\n");
    let _ = writeln!(
        html,
        "<p>Which setting of the {} below {} <code>{}</code>, {} (the mean of {} replicates){}</p>",
        if data.paths.len() == 1 { "path" } else { "paths" },
        match data.objective.goal {
            Goal::Minimize => "minimizes",
            Goal::Maximize => "maximizes",
        },
        escape(&data.objective.figure),
        escape(&described.label),
        data.replicas,
        if data.constraints.is_empty() {
            "?"
        } else {
            ", among those that meet every constraint?"
        }
    );
    if !data.constraints.is_empty() {
        html.push_str("<ul>\n");
        for c in &data.constraints {
            let _ = writeln!(html, "<li><code>{}</code></li>", escape(c));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("<table>\n<tr><th>Path</th><th>Short name</th><th>Values tried</th></tr>\n");
    let short = data.short_paths();
    for (k, (path, name)) in data.paths.iter().zip(&short).enumerate() {
        let mut values: Vec<&str> = Vec::new();
        for c in &data.combinations {
            if !values.contains(&c.values[k].as_str()) {
                values.push(&c.values[k]);
            }
        }
        let _ = writeln!(
            html,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(path),
            escape(name),
            escape(&values.join(", "))
        );
    }
    html.push_str("</table>\n");
}

fn answer_section(html: &mut String, data: &SweepData) {
    html.push_str("<h2>Answer</h2>\n");
    let Some(b) = data.best else {
        let reason = data
            .reason
            .as_deref()
            .unwrap_or("no combination meets every constraint");
        let _ = writeln!(
            html,
            "<p class=\"answer fail\">No setting qualifies: {}.</p>",
            escape(reason.trim_end_matches('.'))
        );
        return;
    };
    let best = &data.combinations[b];
    let _ = writeln!(
        html,
        "<p class=\"answer\">Best: <span class=\"setting pass\">{}</span> (combination {} of {})</p>",
        escape(&data.setting_label(b)),
        b + 1,
        data.combinations.len()
    );
    runner_up(html, data, b);
    html.push_str("<table>\n<tr><th>Path</th><th>Value</th></tr>\n");
    for (path, value) in data.paths.iter().zip(&best.values) {
        let _ = writeln!(
            html,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td></tr>",
            escape(path),
            escape(value)
        );
    }
    html.push_str("</table>\n");
    html.push_str("<table>\n<tr><th>Figure</th><th>Mean</th><th>95 % interval</th></tr>\n");
    for figure in &data.figures {
        let Some(iv) = best.figures.get(figure) else {
            continue;
        };
        let described = units::describe(figure);
        let unit = described.unit;
        let marker = if *figure == data.objective.figure {
            " (objective)"
        } else {
            ""
        };
        let d = unit.decimals(unit.shown(iv.mean));
        let _ = writeln!(
            html,
            "<tr><td>{}{marker}<br><small><code>{}</code></small></td><td class=\"num\">{}</td><td class=\"num\">{} to {}</td></tr>",
            escape(&described.label),
            escape(figure),
            escape(&unit.value_at(iv.mean, d)),
            escape(&unit.value_at(iv.low, d)),
            escape(&unit.value_at(iv.high, d))
        );
    }
    html.push_str("</table>\n");
}

/// Decimals for a column of `figure`: those its largest mean needs, so the column lines up.
fn column_decimals(data: &SweepData, figure: &str) -> usize {
    let unit = units::describe(figure).unit;
    let largest = data
        .combinations
        .iter()
        .filter_map(|c| c.figures.get(figure))
        .map(|iv| unit.shown(iv.mean).abs())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    unit.decimals(largest)
}

/// The feasible combination next to the best on the objective, if any, and whether their
/// intervals overlap (then the replicates do not tell them apart).
fn runner_up(html: &mut String, data: &SweepData, best: usize) {
    let figure = &data.objective.figure;
    let objective = |i: usize| data.combinations[i].figures.get(figure).copied();
    let Some(b) = objective(best) else {
        return;
    };
    let key = |v: f64| match data.objective.goal {
        Goal::Minimize => v,
        Goal::Maximize => -v,
    };
    let next = (0..data.combinations.len())
        .filter(|&i| i != best && data.combinations[i].feasible)
        .filter_map(|i| objective(i).filter(|iv| iv.mean.is_finite()).map(|iv| (i, iv)))
        .min_by(|(i, a), (j, b)| key(a.mean).total_cmp(&key(b.mean)).then(i.cmp(j)));
    let Some((i, n)) = next else {
        html.push_str("<p>It is the only feasible combination.</p>\n");
        return;
    };
    let unit = units::describe(figure).unit;
    let overlap = n.low <= b.high && b.low <= n.high;
    let verdict = if overlap {
        "their 95 % intervals overlap, so these replicates do not tell the two apart"
    } else {
        "their 95 % intervals do not overlap"
    };
    let _ = writeln!(
        html,
        "<p>Next best feasible: <span class=\"setting\">{}</span> at {} against {}; {verdict}.</p>",
        escape(&data.setting_label(i)),
        escape(&unit.value(n.mean)),
        escape(&unit.value(b.mean)),
    );
}

fn combinations_section(html: &mut String, data: &SweepData) {
    let keys = key_figures(data);
    let decimals: Vec<usize> = keys.iter().map(|k| column_decimals(data, k)).collect();
    html.push_str("<h2>Combinations</h2>\n");
    html.push_str(
        "<p class=\"note\">In grid order; each figure is the mean ± half its 95 % interval (or the \
interval, when it is not symmetric). The best combination is highlighted.</p>\n",
    );
    html.push_str("<table>\n<tr><th>#</th>");
    for (path, name) in data.paths.iter().zip(data.short_paths()) {
        let _ = write!(html, "<th title=\"{}\">{}</th>", escape(path), escape(&name));
    }
    for key in &keys {
        let _ = write!(
            html,
            "<th>{}<small>{}</small></th>",
            escape(&units::describe(key).label),
            escape(key)
        );
    }
    html.push_str("<th>Feasible</th></tr>\n");
    for (i, c) in data.combinations.iter().enumerate() {
        let class = if Some(i) == data.best {
            " class=\"best\""
        } else if !c.feasible {
            " class=\"infeasible\""
        } else {
            ""
        };
        let _ = write!(html, "<tr{class}><td class=\"num\">{}</td>", i + 1);
        for value in &c.values {
            let _ = write!(html, "<td class=\"num\">{}</td>", escape(value));
        }
        for (key, &d) in keys.iter().zip(&decimals) {
            let text = c.figures.get(key).map_or_else(
                || Unit::Plain.value(f64::NAN),
                |iv| units::describe(key).unit.interval_at(iv.mean, iv.low, iv.high, d),
            );
            let _ = write!(html, "<td class=\"num\">{}</td>", escape(&text));
        }
        let (verdict, word) = if c.feasible { ("pass", "yes") } else { ("fail", "no") };
        let best = if Some(i) == data.best { " · best" } else { "" };
        let _ = writeln!(html, "<td class=\"{verdict}\">{word}{best}</td></tr>");
    }
    html.push_str("</table>\n");
}

fn charts_section(html: &mut String, charts: &[ChartFile]) {
    let mut stems: Vec<&str> = Vec::new();
    for c in charts {
        let stem = c.name.rsplit_once('.').map_or(c.name.as_str(), |(s, _)| s);
        if !stems.contains(&stem) {
            stems.push(stem);
        }
    }
    if stems.is_empty() {
        return;
    }
    html.push_str("<h2>Charts</h2>\n");
    for stem in stems {
        let Some((body, title)) = chart_figure(charts, stem) else {
            continue;
        };
        let _ = writeln!(
            html,
            "<figure id=\"{}\">\n{body}\n<figcaption>{}</figcaption>\n</figure>",
            escape(stem),
            escape(title)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::ChartFormat;
    use crate::output::charts::sweep::{SweepAxes, example, render_sweep_charts};
    use crate::output::report::base64;

    #[test]
    fn the_report_asks_answers_and_tabulates() {
        let charts = render_sweep_charts(example::SUMMARY, example::BEST, SweepAxes::default(), ChartFormat::Svg)
            .expect("renders");
        let html = render_sweep_report(example::SUMMARY, example::BEST, &charts).expect("reads");
        assert!(html.contains("<h1>Sweep: minimize cost_usd</h1>"));
        assert!(html.contains("8 combinations × 5 replicates · 5 feasible · 2 paths varied"));
        assert!(html.contains("<li><code>unserved_fraction &lt; 0.002</code></li>"));
        assert!(html.contains("<td>TargetValue</td><td>40, 50, 60, 70</td>"));
        assert!(
            html.contains("Best: <span class=\"setting pass\">TargetValue=50, cpu=512</span> (combination 3 of 8)")
        );
        assert!(html.contains("<td class=\"num\">$31.40</td><td class=\"num\">$30.59 to $32.21</td>"));
        assert!(html.contains(
            "Next best feasible: <span class=\"setting\">TargetValue=60, cpu=1024</span> at $31.70 against $31.40; \
their 95 % intervals overlap"
        ));
        assert!(html.contains("Which setting of the paths below minimizes <code>cost_usd</code>, cost (USD)"));
        assert_eq!(html.matches("<tr class=\"best\">").count(), 1);
        let best_row = &html[html.find("<tr class=\"best\">").expect("best row")..];
        let best_row = &best_row[..best_row.find("</tr>").expect("row ends")];
        assert!(
            best_row.contains("$31.40 ± 0.81") && best_row.contains("0.093% ± 0.031"),
            "{best_row}"
        );
        assert_eq!(html.matches("<tr class=\"infeasible\">").count(), 3);
        assert_eq!(html.matches("<figure id=").count(), 2);
        assert!(html.contains("<figure id=\"heatmap\">\n<svg"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn without_a_best_the_report_says_why() {
        let none = example::BEST.replace(
            &example::BEST[example::BEST.find("\"best\"").expect("best")..example::BEST.rfind('}').expect("end")],
            "\"best\": null, \"reason\": \"no combination meets unserved_fraction < 0.002.\"\n",
        );
        let html = render_sweep_report(example::SUMMARY, &none, &[]).expect("reads");
        assert!(html.contains("No setting qualifies: no combination meets unserved_fraction &lt; 0.002.</p>"));
        assert!(!html.contains("<tr class=\"best\">"));
        assert!(!html.contains("<h2>Charts</h2>"));
    }

    #[test]
    fn png_only_charts_are_inlined_as_data_uris() {
        let charts = render_sweep_charts(example::SUMMARY, example::BEST, SweepAxes::default(), ChartFormat::Png)
            .expect("renders");
        let html = render_sweep_report(example::SUMMARY, example::BEST, &charts).expect("reads");
        assert_eq!(html.matches("src=\"data:image/png;base64,iVBORw0KGgo").count(), 2);
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fo"), "Zm8=");
    }

    #[test]
    fn the_table_shows_the_objective_and_constrained_figures_first() {
        let data = SweepData::parse(example::SUMMARY, example::BEST).expect("reads");
        assert_eq!(key_figures(&data), ["cost_usd", "unserved_fraction"]);
        assert_eq!(
            constrained_figure("web.unserved_fraction <= 0.01"),
            "web.unserved_fraction"
        );
        assert!(render_sweep_report("", example::BEST, &[]).is_err());
    }
}
