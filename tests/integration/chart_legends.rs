//! A legend names only what its chart draws (issue 15): no entry for a stacked layer or a line
//! with nothing in the window the chart file shows, checked on the chart data, not pixels.

use ecsim::output::charts::figure::Figure;
use ecsim::output::charts::legend::{self, Swatch};
use ecsim::output::charts::{RunData, inspect_figures, window_of};

use crate::support::{load_file, root, run_to_strings};

fn run_data(scenario: &str) -> RunData {
    let output = run_to_strings(&load_file(&root().join(scenario), &[]).expect("scenario loads"));
    crate::support::chart_data(&output)
}

/// `figure` as its file shows it: cut to its own window or the run's.
fn as_drawn<'a>(run: &RunData, figure: &Figure<'a>) -> Figure<'a> {
    window_of(run, figure).map_or_else(|| figure.clone(), |w| figure.within(w))
}

/// The legend texts of each panel of each figure, by file stem, as drawn.
fn legends(run: &RunData) -> Vec<(String, Vec<Vec<String>>)> {
    inspect_figures(run, |figures| {
        figures
            .iter()
            .map(|f| {
                let drawn = as_drawn(run, f);
                let panels = drawn
                    .panels
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let markers = if i == 0 { &drawn.markers[..] } else { &[] };
                        legend::entries(p, markers).into_iter().map(|e| e.text).collect()
                    })
                    .collect();
                (f.file_stem.clone(), panels)
            })
            .collect()
    })
}

fn legend_of<'l>(legends: &'l [(String, Vec<Vec<String>>)], stem: &str) -> &'l [String] {
    let (_, panels) = legends
        .iter()
        .find(|(s, _)| s == stem)
        .unwrap_or_else(|| panic!("no chart {stem}"));
    &panels[0]
}

/// In every chart of the scenarios with deployments, a stacked layer or line has a legend entry
/// exactly when it draws something in the chart's window.
#[test]
fn a_legend_entry_exists_only_for_a_drawn_series() {
    for scenario in [
        "scenarios/circuit-breaker-rollback.yaml",
        "scenarios/deployment-at-peak-needs-scale-out.yaml",
        "scenarios/rolling-update-side-by-side.yaml",
        "scenarios/task-protection-and-throttle.yaml",
    ] {
        let run = run_data(scenario);
        inspect_figures(&run, |figures| {
            for f in figures {
                let drawn = as_drawn(&run, f);
                for p in &drawn.panels {
                    let entries = legend::entries(p, &[]);
                    let has_fill = |text: &str| {
                        entries
                            .iter()
                            .any(|e| e.text == text && matches!(e.swatch, Swatch::Fill(..)))
                    };
                    for layer in &p.stacked {
                        let drawn_layer = legend::draws_anything(layer, true);
                        let others_share_it = p.stacked.iter().filter(|l| l.legend == layer.legend).count() > 1;
                        if !others_share_it {
                            assert_eq!(
                                has_fill(&layer.legend),
                                drawn_layer,
                                "{scenario} {}: `{}`",
                                f.file_stem,
                                layer.legend
                            );
                        }
                    }
                    for line in &p.lines {
                        let listed = entries.iter().any(|e| e.text == line.legend);
                        if !legend::draws_anything(line, false) {
                            assert!(!listed, "{scenario} {}: `{}`", f.file_stem, line.legend);
                        }
                    }
                }
            }
        });
    }
}

/// The deployment charts that showed empty layers: a deployment that never rolls back has no
/// "rolled back to" entry, and a deployment whose new tasks all failed to start has no "new
/// revision" entry, while the rollback that replaced it names its revision.
#[test]
fn deployment_charts_name_only_the_revisions_they_draw() {
    let run = run_data("scenarios/circuit-breaker-rollback.yaml");
    let legends = legends(&run);
    let legacy = legend_of(&legends, "service-legacy-deployments");
    assert!(
        !legacy
            .iter()
            .any(|t| t.starts_with("rolled back to") || t.starts_with("rollback to")),
        "{legacy:?}"
    );
    assert!(legacy.iter().any(|t| t == "new revision (primary)"), "{legacy:?}");
    let failed = legend_of(&legends, "service-api-deployment-1");
    assert!(!failed.iter().any(|t| t == "new revision (primary)"), "{failed:?}");
    assert!(failed.iter().any(|t| t == "rollback to api:1 (primary)"), "{failed:?}");
    assert!(failed.iter().any(|t| t == "old revision (active)"), "{failed:?}");
}
