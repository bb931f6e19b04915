//! Chart (f), whole run: cumulative cost over time per capacity provider that cost anything, and
//! their total when there are several, unless the run compares alternatives (`charts.compare`): the providers of
//! two alternatives are two answers to one question, and their sum is no one's cost.

use super::ChartContext;
use super::annotations;
use super::data::{ProviderSeries, RunData};
use super::figure::{Figure, Panel, YScale};
use super::style;

/// The summed cost of all providers per row, when every provider has the same row times (they
/// do: `cluster.csv` writes every provider at every trace tick); `None` for a run that compares
/// alternatives.
pub fn total_cost(run: &RunData) -> Option<(Vec<f64>, Vec<f64>)> {
    let first = run.providers.first()?;
    // A total equal to the one provider that cost anything would only hide that provider's line.
    if !run.summary.chart_compare.is_empty()
        || run.providers.iter().filter(|p| costs_anything(p)).count() < 2
        || run.providers.iter().any(|p| p.time_s != first.time_s)
    {
        return None;
    }
    let total = (0..first.time_s.len())
        .map(|i| run.providers.iter().map(|p| p.cost_usd[i]).sum())
        .collect();
    Some((first.time_s.clone(), total))
}

/// Whether `provider` cost anything over the run: a provider no task used (FARGATE_SPOT beside
/// FARGATE) would be a flat line at zero in the legend.
pub fn costs_anything(provider: &ProviderSeries) -> bool {
    provider.cost_usd.iter().any(|&usd| usd > 0.0)
}

/// The cost chart; `total` comes from [`total_cost`].
pub fn figure<'a>(ctx: &ChartContext<'a>, total: Option<&'a (Vec<f64>, Vec<f64>)>) -> Figure<'a> {
    let mut panel = Panel::new("cumulative cost (USD)", YScale::Usd);
    for (i, p) in ctx.run.providers.iter().enumerate().filter(|(_, p)| costs_anything(p)) {
        panel = panel.line(p.name.as_str(), style::provider_cost(i), &p.time_s, &p.cost_usd);
    }
    if let Some((time_s, cost)) = total {
        panel = panel.line("total", style::COST_TOTAL, time_s, cost);
    }
    Figure {
        file_stem: "cost".to_string(),
        title: ctx.title("Cost over time"),
        subtitle: ctx.subtitle.clone(),
        panels: vec![panel],
        markers: annotations::markers(ctx.run, None),
        window: None,
    }
}
