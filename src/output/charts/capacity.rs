//! Chart (e), per capacity provider: container instances registered and pending, and below them
//! the CapacityProviderReservation metric (room for `targetCapacity` as a reference line), with the
//! tasks waiting for its capacity (PROVISIONING) drawn apart from the instances launching. A
//! Fargate provider has no instances and no reservation, so its chart shows its tasks instead.

use super::ChartContext;
use super::annotations;
use super::data::ProviderSeries;
use super::figure::{Figure, Panel, ReferenceLine, YScale};
use super::style;

/// The instances panel's axis when it also counts the tasks waiting for capacity.
pub const PROVISIONING_AXIS: &str = "instances; tasks PROVISIONING";

/// Whether a task ever waited on `provider` for capacity (PROVISIONING): only then is the line
/// drawn, apart from the instances launching for it.
fn waits_for_capacity(provider: &ProviderSeries) -> bool {
    provider.tasks_provisioning.iter().any(|&v| v > 0.0)
}

/// Whether `provider` ever had a task, an instance or a reservation: a provider the services
/// never used gets no chart.
pub fn has_data(provider: &ProviderSeries) -> bool {
    let positive = |v: &[f64]| v.iter().any(|&x| x > 0.0);
    positive(&provider.tasks)
        || positive(&provider.instances)
        || positive(&provider.instances_pending)
        || positive(&provider.capacity_provider_reservation)
        || positive(&provider.cost_usd)
}

/// The capacity chart of `provider`, with managed scaling's `targetCapacity` as a reference line
/// when the provider has it.
pub fn figure<'a>(ctx: &ChartContext<'a>, provider: &'a ProviderSeries) -> Figure<'a> {
    let target_capacity = provider
        .target_capacity
        .iter()
        .rev()
        .find(|v| v.is_finite())
        .map(|&value| ReferenceLine {
            legend: format!("targetCapacity {value}%"),
            stroke: style::TARGET_VALUE,
            value,
        });
    let has_desired = provider.desired_capacity.iter().any(|v| v.is_finite());
    let has_reservation = provider.capacity_provider_reservation.iter().any(|v| v.is_finite());
    let has_instances = provider
        .instances
        .iter()
        .chain(&provider.instances_pending)
        .any(|&v| v > 0.0);
    let mut panels = Vec::new();
    if has_reservation || has_instances {
        let mut instances = Panel::new("container instances", YScale::Count)
            .line("registered", style::INSTANCES, &provider.time_s, &provider.instances)
            .line(
                "launching",
                style::INSTANCES_PENDING,
                &provider.time_s,
                &provider.instances_pending,
            );
        if has_desired {
            instances = instances.line(
                "group desired capacity",
                style::DESIRED,
                &provider.time_s,
                &provider.desired_capacity,
            );
        }
        if waits_for_capacity(provider) {
            // Tasks, not instances, on the same axis: the axis says both (24 tasks waiting is
            // not 24 instances).
            instances.y_label = PROVISIONING_AXIS.to_string();
            instances = instances.line(
                "tasks PROVISIONING",
                style::PROVISIONING,
                &provider.time_s,
                &provider.tasks_provisioning,
            );
        }
        instances.height_weight = 3;
        panels.push(instances);
    } else {
        panels.push(Panel::new("tasks", YScale::Count).line(
            "tasks on this provider",
            style::RUNNING,
            &provider.time_s,
            &provider.tasks,
        ));
    }
    if has_reservation {
        let mut reservation = Panel::new("reservation (%)", YScale::Percent).line(
            "CapacityProviderReservation",
            style::RESERVATION,
            &provider.time_s,
            &provider.capacity_provider_reservation,
        );
        reservation.reference_lines.extend(target_capacity);
        reservation.height_weight = 2;
        panels.push(reservation);
    }
    Figure {
        file_stem: format!("provider-{}-capacity", super::file_safe(&provider.name)),
        title: ctx.title(&format!("Capacity provider {}", provider.name)),
        subtitle: ctx.subtitle.clone(),
        panels,
        markers: annotations::markers(ctx.run, Some(&provider.name)),
        window: None,
    }
}
