//! The comparison chart of a scenario whose services are alternatives to one another
//! (`charts.compare`, recorded in `summary.json`'s `chart_compare`): each alternative in a colour
//! of its own, on shared axes, so the same load under two policies, placements or deployment
//! configurations reads at a glance. Panels: RUNNING tasks, then the two most telling of the
//! instances of each alternative's own EC2 capacity provider, p99 response time (alternatives with
//! a service model), unserved requests (when any alternative left some) and CPU utilization. Each running-tasks legend entry carries the
//! alternative's cost: its own provider's, or its tasks' from `summary.json`. Nothing is added
//! up across alternatives.

use super::ChartContext;
use super::data::{LatencySeries, ProviderSeries, ServiceSeries};
use super::figure::{Figure, Panel, YScale};
use super::style::{self, Stroke};
use crate::trace::summary::ComparedService;

/// File name of the chart, without extension.
pub const FILE_STEM: &str = "comparison";

/// The colour of the `index`-th alternative: the providers' palette, one distinct colour each.
pub fn alternative_stroke(index: usize) -> Stroke {
    style::provider_cost(index)
}

/// `$12.34`, or `$0.041` under ten dollars, where cents alone would hide the difference.
pub fn describe_usd(usd: f64) -> String {
    if usd < 10.0 {
        format!("${usd:.3}")
    } else {
        format!("${usd:.2}")
    }
}

/// One alternative with its series.
struct Alternative<'a> {
    series: &'a ServiceSeries,
    /// Its own capacity provider, when its tasks run on one provider no other alternative uses.
    provider: Option<&'a ProviderSeries>,
    /// `name · $12.34`.
    legend: String,
}

/// Most panels under the running tasks: more do not fit the chart's height.
const MAX_EXTRA_PANELS: usize = 2;

/// The comparison chart, or `None` when the run compares nothing (or names services it lacks).
pub fn figure<'a>(ctx: &ChartContext<'a>) -> Option<Figure<'a>> {
    let compared = &ctx.run.summary.chart_compare;
    let alternatives = alternatives(ctx, compared)?;
    let names: Vec<&str> = compared.iter().map(|c| c.service.as_str()).collect();
    let mut running = Panel::new("running tasks", YScale::Count);
    for (i, a) in alternatives.iter().enumerate() {
        let s = a.series;
        running = running.line(a.legend.as_str(), alternative_stroke(i), &s.time_s, &s.running);
    }
    running.height_weight = 2;
    let mut panels = vec![running];
    panels.extend(extra_panels(&alternatives).into_iter().take(MAX_EXTRA_PANELS));
    Some(Figure {
        file_stem: FILE_STEM.to_string(),
        title: ctx.title(&format!("Side by side: {}", names.join(" vs "))),
        subtitle: ctx.subtitle.clone(),
        panels,
        markers: Vec::new(),
        window: None,
    })
}

/// The panels that may follow the running tasks, most telling first: the instances of each
/// alternative's own EC2 provider, p99 response time (when every alternative has a service
/// model), unserved requests (when any alternative left some), CPU.
fn extra_panels<'a>(alternatives: &[Alternative<'a>]) -> Vec<Panel<'a>> {
    let mut panels = Vec::new();
    let own: Option<Vec<&ProviderSeries>> = alternatives.iter().map(|a| a.provider).collect();
    if let Some(providers) = own.filter(|ps| ps.iter().all(|p| p.desired_capacity.iter().any(|v| v.is_finite()))) {
        let mut instances = Panel::new("instances", YScale::Count);
        for (i, (p, a)) in providers.iter().zip(alternatives).enumerate() {
            let legend = format!("{} ({})", a.series.name, p.name);
            instances = instances.line(legend, alternative_stroke(i), &p.time_s, &p.instances);
        }
        panels.push(instances);
    }
    // Alternatives with a service model differ most in their latency: each one's p99 on one
    // axis (their own latency charts scale to each one's range and cannot be compared).
    let latencies: Option<Vec<&LatencySeries>> = alternatives.iter().map(|a| a.series.latency.as_ref()).collect();
    if let Some(latencies) = latencies {
        let mut p99 = Panel::new("p99", YScale::Milliseconds);
        for (i, (l, a)) in latencies.iter().zip(alternatives).enumerate() {
            p99 = p99.line(
                a.series.name.as_str(),
                alternative_stroke(i),
                &a.series.time_s,
                &l.p99_ms,
            );
        }
        panels.push(p99);
    }
    if alternatives
        .iter()
        .any(|a| a.series.unserved_rps.iter().any(|&u| u > 0.0))
    {
        let mut unserved = Panel::new("unserved req/s", YScale::Rate);
        for (i, a) in alternatives.iter().enumerate() {
            let s = a.series;
            unserved = unserved.line(s.name.as_str(), alternative_stroke(i), &s.time_s, &s.unserved_rps);
        }
        panels.push(unserved);
    }
    let mut cpu = Panel::new("CPU (%)", YScale::Percent);
    for (i, a) in alternatives.iter().enumerate() {
        let s = a.series;
        cpu = cpu.line(s.name.as_str(), alternative_stroke(i), &s.time_s, &s.cpu_utilization);
    }
    panels.push(cpu);
    panels
}

/// The compared services found in the run, each with its own provider when it has one.
fn alternatives<'a>(ctx: &ChartContext<'a>, compared: &[ComparedService]) -> Option<Vec<Alternative<'a>>> {
    if compared.len() < 2 {
        return None;
    }
    let run = ctx.run;
    compared
        .iter()
        .map(|c| {
            let series = run.services.iter().find(|s| s.name == c.service)?;
            let shared = |name: &String| {
                compared
                    .iter()
                    .filter(|other| other.capacity_providers.contains(name))
                    .count()
                    > 1
            };
            let provider = match &c.capacity_providers[..] {
                [only] if !shared(only) => run.providers.iter().find(|p| &p.name == only),
                _ => None,
            };
            // An alternative with a provider of its own costs what the provider cost (its empty
            // instances too); otherwise what its tasks cost.
            let cost = match provider {
                Some(p) => p.cost_usd.last().copied(),
                None => run.summary.service(&c.service).map(|s| s.cost_usd),
            };
            let legend = match cost.filter(|usd| usd.is_finite()) {
                Some(usd) => format!("{} · {}", c.service, describe_usd(usd)),
                None => c.service.clone(),
            };
            Some(Alternative {
                series,
                provider,
                legend,
            })
        })
        .collect()
}
