//! Faults on the charts: which charts a fault belongs on, what its line says, the span from a
//! fault until a service is steady again (a bar along the top of the plot), and Availability
//! Zone outages (a tint from the outage to the zone's recovery).
//!
//! A fault is drawn only where it hit: a Spot interruption on the charts of the capacity provider
//! it names and of the services whose tasks ran on that provider (`summary.json`'s
//! `capacity_providers`), not on another provider's; a zone's failure or outage, and instance
//! failures and drains, on every chart, as they touch the whole cluster. Everything comes from
//! the rows' typed payload (`EventDetail::Fault`), never from the message.

use super::data::{EventRow, RunData};
use super::figure::{Span, SpanShape};
use super::style;
use crate::sim::SimDuration;
use crate::trace::{EventDetail, FaultCause};

/// The legend of the span from a fault until the service is steady again.
pub const RECOVERY_LEGEND: &str = "fault until steady state";

/// The fault of a `fault` or `fault_recovered` row, from its payload.
pub fn fault(e: &EventRow) -> Option<(FaultCause, &str)> {
    match &e.detail {
        Some(EventDetail::Fault { cause, name }) => Some((*cause, name)),
        _ => None,
    }
}

/// Whether the `fault` or `fault_recovered` row `e` belongs on the charts of `subject` (a service
/// or a capacity provider; `None`: a chart of the whole run, which shows every fault).
pub fn hits(run: &RunData, e: &EventRow, subject: Option<&str>) -> bool {
    let Some(subject) = subject else {
        return true;
    };
    match fault(e) {
        Some((FaultCause::SpotInterruption, provider)) => {
            subject == provider
                || run
                    .summary
                    .services
                    .iter()
                    .any(|s| s.service == subject && s.capacity_providers.iter().any(|p| p == provider))
        }
        // Zones, instances and drains touch the cluster; a row without a payload is not known
        // to hit less.
        _ => true,
    }
}

/// Bars along the top of a service's charts: from each fault that hit it until the service next
/// reports a steady state (to `end_s` if it never does), so the reader sees how long recovery
/// took. A bar, not a tint: an outage's tint would cover a tint, and a bar stays visible.
pub fn recovery_spans(run: &RunData, service: &str, end_s: f64) -> Vec<Span> {
    run.events
        .iter()
        .filter(|e| e.kind == "fault" && hits(run, e, Some(service)))
        .map(|fault| {
            let recovered = run
                .events
                .iter()
                .find(|e| e.kind == "steady_state" && e.subject == service && e.time_s > fault.time_s)
                .map_or(end_s, |e| e.time_s);
            Span {
                legend: RECOVERY_LEGEND.to_string(),
                stroke: style::FAULT,
                start_s: fault.time_s,
                end_s: recovered,
                shape: SpanShape::TopBar,
            }
        })
        .collect()
}

/// Shaded spans of Availability Zone outages, from the fault to the zone's `fault_recovered` row
/// (to `end_s` if the run ends first); `render_charts` adds them to every chart of a service or
/// provider, as an outage touches the whole cluster.
pub fn outage_spans(run: &RunData, end_s: f64) -> Vec<Span> {
    run.events
        .iter()
        .filter(|e| e.kind == "fault")
        .filter_map(|outage| match fault(outage) {
            Some((FaultCause::ZoneOutage, zone)) => Some((outage, zone)),
            _ => None,
        })
        .map(|(outage, zone)| {
            let recovered = recovery_s(run, outage, zone).unwrap_or(end_s);
            Span {
                legend: format!("{zone} outage"),
                stroke: style::OUTAGE,
                start_s: outage.time_s,
                end_s: recovered,
                shape: SpanShape::Tint,
            }
        })
        .collect()
}

/// When the outage of `zone` that `outage` started ends: its zone's next `fault_recovered` row.
fn recovery_s(run: &RunData, outage: &EventRow, zone: &str) -> Option<f64> {
    run.events
        .iter()
        .find(|e| {
            e.kind == "fault_recovered" && fault(e) == Some((FaultCause::ZoneOutage, zone)) && e.time_s >= outage.time_s
        })
        .map(|e| e.time_s)
}

/// What the line of the `fault` row `e` says: `Availability Zone us-east-1b fails`, `Spot
/// interruption on FARGATE_SPOT`, `drainInstances (cp-m5, count 2)`; an outage adds how long it
/// lasted, from its recovery row.
pub fn label(run: &RunData, e: &EventRow) -> String {
    let Some((cause, name)) = fault(e) else {
        return "fault".to_string();
    };
    let mut text = match cause {
        FaultCause::ZoneFailure => format!("Availability Zone {name} fails"),
        FaultCause::ZoneOutage => format!("Availability Zone {name} outage"),
        FaultCause::InstanceFailure => format!("failInstances ({name})"),
        FaultCause::Drain => format!("drainInstances ({name})"),
        FaultCause::SpotInterruption => format!("Spot interruption on {name}"),
    };
    if let (FaultCause::ZoneOutage, Some(end_s)) = (cause, recovery_s(run, e, name)) {
        let ms = ((end_s - e.time_s) * 1000.0).round() as u64;
        text.push_str(&format!(" for {}", SimDuration(ms)));
    }
    text
}
