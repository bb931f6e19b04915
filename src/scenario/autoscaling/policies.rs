//! Target tracking and step scaling configurations of `PutScalingPolicy`.

use super::*;

pub(super) fn read_target_tracking(
    node: &Node,
    path: &str,
    service: Option<ServiceIdx>,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> Option<TargetTrackingSpec> {
    let mut o = object(node, path, d)?;
    let target = o.required_number("TargetValue", 1e-100, 1e100, "the metric value to hold", d);
    let out_cd = o.int("ScaleOutCooldown", 0, 86_400 * 365, d).unwrap_or(300) as u64;
    let in_cd = o.int("ScaleInCooldown", 0, 86_400 * 365, d).unwrap_or(300) as u64;
    let disable_scale_in = o.boolean("DisableScaleIn", d).unwrap_or(false);
    let mut tracked = None;
    if let Some(n) = o.field("PredefinedMetricSpecification") {
        tracked = read_predefined_metric(n, &o.child("PredefinedMetricSpecification"), service, d);
    } else if let Some(n) = o.field("CustomizedMetricSpecification") {
        let custom_path = o.child("CustomizedMetricSpecification");
        tracked = crate::scenario::customized_metric::read_customized_metric(n, &custom_path, ctx, d);
    } else {
        d.error(
            o.loc,
            path,
            "a target tracking policy needs PredefinedMetricSpecification or CustomizedMetricSpecification",
            None,
        );
    }
    o.finish(d);
    let (stream, statistic) = tracked?;
    Some(TargetTrackingSpec {
        stream,
        statistic,
        target_value: target?,
        scale_out_cooldown: SimDuration::from_secs(out_cd),
        scale_in_cooldown: SimDuration::from_secs(in_cd),
        disable_scale_in,
    })
}

/// `PredefinedMetricSpecification` of a target tracking policy: the service metric it tracks and
/// the statistic of its managed alarms.
fn read_predefined_metric(
    node: &Node,
    path: &str,
    service: Option<ServiceIdx>,
    d: &mut Diagnostics,
) -> Option<(MetricStream, Statistic)> {
    let mut m = object(node, path, d)?;
    let kind = m.one_of("PredefinedMetricType", PREDEFINED, d);
    let label = m.string("ResourceLabel", d);
    if kind == Some("ALBRequestCountPerTarget") && label.is_none() {
        m.missing(
            "ResourceLabel",
            "app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>",
            d,
        );
    }
    m.finish(d);
    let metric = kind.map(|k| match k {
        "ECSServiceAverageCPUUtilization" => (ServiceMetric::CpuUtilization, false),
        "ECSServiceAverageMemoryUtilization" => (ServiceMetric::MemoryUtilization, false),
        "ALBRequestCountPerTarget" => (ServiceMetric::RequestCountPerTarget, false),
        "ECSServiceAverageCPUUtilizationHighResolution" => (ServiceMetric::CpuUtilization, true),
        _ => (ServiceMetric::MemoryUtilization, true),
    });
    metric.zip(service).map(|((metric, high_resolution), service)| {
        let stream = MetricStream {
            service,
            metric,
            high_resolution,
            divided_by: None,
        };
        let statistic = if metric == ServiceMetric::RequestCountPerTarget {
            Statistic::Sum
        } else {
            Statistic::Average
        };
        (stream, statistic)
    })
}

pub(super) fn read_step(node: &Node, path: &str, d: &mut Diagnostics) -> Option<StepScalingSpec> {
    let mut o = object(node, path, d)?;
    let adjustment = o.required_one_of(
        "AdjustmentType",
        &["ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"],
        "ChangeInCapacity, PercentChangeInCapacity or ExactCapacity",
        d,
    );
    let magnitude = o.int("MinAdjustmentMagnitude", 0, 100_000, d);
    let cooldown = o.int("Cooldown", 0, 86_400 * 365, d).unwrap_or(300) as u64;
    o.one_of("MetricAggregationType", &["Average", "Minimum", "Maximum"], d);
    let steps_path = o.child("StepAdjustments");
    let steps_loc = o.key_loc("StepAdjustments");
    let mut steps = Vec::new();
    for (p, n) in o.list("StepAdjustments", d) {
        let Some(mut s) = object(n, &p, d) else { continue };
        let lower = s.number("MetricIntervalLowerBound", f64::MIN, f64::MAX, d);
        let upper = s.number("MetricIntervalUpperBound", f64::MIN, f64::MAX, d);
        let adj = s.required_int("ScalingAdjustment", -100_000, 100_000, "how much to add or remove", d);
        s.finish(d);
        if let Some(adjustment) = adj {
            steps.push(StepAdjustment {
                lower,
                upper,
                adjustment,
            });
        }
    }
    o.finish(d);
    if let Err(message) = validate_steps(&steps) {
        d.error(steps_loc, &steps_path, message, None);
        return None;
    }
    let adjustment_type = AdjustmentType::from_aws(adjustment?)?;
    if adjustment_type == AdjustmentType::ExactCapacity && steps.iter().any(|s| s.adjustment < 0) {
        d.error(
            steps_loc,
            &steps_path,
            "ExactCapacity needs non-negative ScalingAdjustment values",
            None,
        );
        return None;
    }
    Some(StepScalingSpec {
        params: StepScalingParams {
            adjustment_type,
            steps,
            min_adjustment_magnitude: magnitude,
        },
        cooldown: SimDuration::from_secs(cooldown),
    })
}
