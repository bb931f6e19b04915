//! What a pass over every chart of every scenario found misleading (issue 15's closing item),
//! checked on the charts' data, not their pixels: a shortfall shaded where there was none, empty
//! load charts, a zone's recovery drawn as a second fault, legend swatches darker than the spans
//! they name, and alternatives whose latency could not be compared.

use ecsim::output::charts::figure::{Figure, YScale};
use ecsim::output::charts::legend::{self, Swatch};
use ecsim::output::charts::style;
use ecsim::output::charts::{RunData, inspect_figures};

use crate::support::{load_file, root, run_to_strings};

fn run_data(scenario: &str) -> RunData {
    let output = run_to_strings(&load_file(&root().join(scenario), &[]).expect("scenario loads"));
    crate::support::chart_data(&output)
}

fn stems(figures: &[Figure<'_>]) -> Vec<String> {
    figures.iter().map(|f| f.file_stem.clone()).collect()
}

fn figure<'f, 'a>(figures: &'f [Figure<'a>], stem: &str) -> &'f Figure<'a> {
    figures
        .iter()
        .find(|f| f.file_stem == stem)
        .unwrap_or_else(|| panic!("no figure {stem}; have {:?}", stems(figures)))
}

/// exact-replayed-arrivals: in exact mode the requests served in a 10-second row include some that
/// arrived in the row before, so served runs above and below demand with nothing unserved. The
/// load chart shaded the gap between the two in the colour of "unserved" under a legend saying
/// "unserved: none"; the band now sits on the served line and is as tall as `unserved_rps`.
#[test]
fn the_unserved_band_is_the_unserved_requests_not_the_gap_to_demand() {
    let run = run_data("scenarios/exact-replayed-arrivals.yaml");
    let poisson = run.services.iter().find(|s| s.name == "poisson").expect("poisson");
    let gap = poisson
        .demand_rps
        .iter()
        .zip(&poisson.served_rps)
        .map(|(d, s)| (d - s).abs())
        .fold(0.0, f64::max);
    assert!(gap > 2.0, "served differs from demand row by row ({gap} req/s at most)");
    assert!(poisson.unserved_rps.iter().all(|&u| u == 0.0));
    inspect_figures(&run, |figures| {
        let band = &figure(figures, "service-poisson-load").panels[0].bands[0];
        assert_eq!(band.legend, "unserved: none");
        assert_eq!(band.lower, poisson.served_rps.as_slice());
        assert_eq!(band.upper, poisson.served_rps.as_slice(), "a band of zero height");
    });
    // Where requests do go unserved (per-interval estimate), the band still reaches demand.
    let run = run_data("scenarios/high-resolution-metrics.yaml");
    let std = run.services.iter().find(|s| s.name == "std").expect("std");
    inspect_figures(&run, |figures| {
        let band = &figure(figures, "service-std-load").panels[0].bands[0];
        assert_eq!(band.legend, "unserved");
        let short = (0..std.time_s.len())
            .filter(|&i| std.unserved_rps[i] > 0.0)
            .collect::<Vec<_>>();
        assert!(!short.is_empty());
        for i in short {
            assert!((band.upper[i] - std.demand_rps[i]).abs() < 1e-6, "row {i}");
        }
    });
}

/// circuit-breaker-rollback and distinct-instance-member-of have no `load:`: their services' load
/// charts were empty frames from 0 to 1 request a second. A service with requests keeps its chart.
#[test]
fn a_service_without_requests_gets_no_load_chart() {
    for (scenario, services) in [
        ("scenarios/circuit-breaker-rollback.yaml", ["api", "legacy"]),
        ("scenarios/distinct-instance-member-of.yaml", ["api", "cache"]),
    ] {
        let run = run_data(scenario);
        inspect_figures(&run, |figures| {
            let stems = stems(figures);
            for service in services {
                assert!(
                    !stems.contains(&format!("service-{service}-load")),
                    "{scenario}: {stems:?}"
                );
                assert!(
                    stems.contains(&format!("service-{service}-tasks")),
                    "{scenario}: {stems:?}"
                );
            }
        });
    }
    let run = run_data("scenarios/web-fargate.yaml");
    inspect_figures(&run, |figures| {
        assert!(stems(figures).contains(&"service-web-load".to_string()));
    });
}

/// az-outage-at-peak: us-east-1b recovers at 14:30; that line was the crimson of the fault with
/// the legend "fault", a second failure to the eye. It is now "fault ends", dashed.
#[test]
fn a_zone_recovering_is_not_drawn_as_a_fault() {
    let run = run_data("scenarios/az-outage-at-peak.yaml");
    inspect_figures(&run, |figures| {
        let markers = &figure(figures, "service-api-load").markers;
        let at = |legend: &str| {
            markers
                .iter()
                .filter(|m| m.legend == legend)
                .map(|m| (m.time_s, m.stroke))
                .collect::<Vec<_>>()
        };
        assert_eq!(at("fault"), [(48_600.0, style::FAULT)], "13:30, the outage starts");
        assert_eq!(at("fault ends"), [(52_200.0, style::FAULT_RECOVERED)], "14:30");
        let line = |legend: &str| markers.iter().find(|m| m.legend == legend).map(|m| m.stroke.dashed);
        assert_eq!((line("fault"), line("fault ends")), (Some(false), Some(true)));
    });
}

/// alb-latency-alarms: the "rollback in progress" swatch was drawn at twice the span's opacity, so
/// it matched the rollback's stacked tasks, and the span's own tint matched the layer's swatch:
/// the two read swapped. A span's swatch now has the span's opacity, and a rollback's span is
/// not tinted in the pink of its tasks.
#[test]
fn a_span_swatch_has_the_opacity_the_span_is_drawn_at() {
    let run = run_data("scenarios/alb-latency-alarms.yaml");
    inspect_figures(&run, |figures| {
        let f = figure(figures, "service-api-deployments");
        let entries = legend::entries(&f.panels[0], &f.markers);
        let swatch = |text: &str| {
            entries
                .iter()
                .find(|e| e.text == text)
                .map(|e| e.swatch)
                .unwrap_or_else(|| panic!("no `{text}`"))
        };
        assert_eq!(
            swatch("rollback in progress"),
            Swatch::Fill(style::ROLLBACK_SPAN, style::SPAN_ALPHA)
        );
        assert_eq!(
            swatch("deployment in progress"),
            Swatch::Fill(style::DEPLOYMENT_SPAN, style::SPAN_ALPHA)
        );
        assert_ne!(style::ROLLBACK_SPAN.color, style::DEPLOYMENT_FAILED.color);
    });
}

/// latency-price-of-utilization and exact-replayed-arrivals compare services that differ in their
/// latency; each one's latency chart scales to its own range (0-400 ms beside 0-1,500 ms), so the
/// comparison chart draws every alternative's p99 on one axis.
#[test]
fn alternatives_with_a_service_model_share_a_p99_panel() {
    let run = run_data("scenarios/exact-replayed-arrivals.yaml");
    inspect_figures(&run, |figures| {
        let panels = &figure(figures, "comparison").panels;
        let p99 = panels.iter().find(|p| p.y_label == "p99").expect("a p99 panel");
        assert_eq!(p99.scale, YScale::Milliseconds);
        let names: Vec<&str> = p99.lines.iter().map(|l| l.legend.as_str()).collect();
        assert_eq!(names, ["poisson", "replayed"]);
        for line in &p99.lines {
            let series = run.services.iter().find(|s| s.name == line.legend).expect("service");
            let latency = series.latency.as_ref().expect("a service model");
            assert_eq!(line.values, latency.p99_ms.as_slice());
        }
        let worst = |i: usize| p99.lines[i].values.iter().copied().fold(0.0, f64::max);
        assert!(worst(1) > 5.0 * worst(0), "bursts queue, Poisson hardly does");
    });
}

/// web-fargate: the cluster lists FARGATE_SPOT beside FARGATE, no task ran on it, and the cost
/// chart drew a flat FARGATE_SPOT line at $0 and a "total" on top of FARGATE's line. Only
/// providers that cost something are drawn, and a total only for two or more of them.
#[test]
fn the_cost_chart_draws_only_providers_that_cost_something() {
    let run = run_data("scenarios/web-fargate.yaml");
    assert!(run.providers.iter().any(|p| p.name == "FARGATE_SPOT"));
    inspect_figures(&run, |figures| {
        let lines: Vec<&str> = figure(figures, "cost").panels[0]
            .lines
            .iter()
            .map(|l| l.legend.as_str())
            .collect();
        assert_eq!(lines, ["FARGATE"]);
    });
    let run = run_data("scenarios/fargate-spot-interruptions.yaml");
    inspect_figures(&run, |figures| {
        let lines: Vec<&str> = figure(figures, "cost").panels[0]
            .lines
            .iter()
            .map(|l| l.legend.as_str())
            .collect();
        assert_eq!(lines, ["FARGATE", "FARGATE_SPOT", "total"]);
    });
}
