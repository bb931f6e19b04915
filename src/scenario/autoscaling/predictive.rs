//! `PredictiveScalingPolicyConfiguration` of `PutScalingPolicy` (reference 15): the metric pair
//! (or the predefined load and scaling metrics that make one), `TargetValue`, `Mode`,
//! `SchedulingBufferTime`, `MaxCapacityBreachBehavior` and `MaxCapacityBuffer`. Customized
//! metrics are refused with what is modelled instead. The forecaster is chosen later, from
//! `behavior.predictiveScaling` (`predictive_behavior.rs`).

use super::*;
use crate::policy::predictive::capacity::MaxCapacityBreach;
use crate::policy::predictive::seasonal::Seasonal;
use crate::spec::{ForecasterSpec, PredictiveMetric, PredictiveMode, PredictiveScalingSpec};

/// Every `PredefinedMetricType` AWS lists for predictive scaling.
const PREDEFINED_TYPES: &[&str] = &[
    "ECSServiceCPUUtilization",
    "ECSServiceMemoryUtilization",
    "ALBRequestCount",
    "ECSServiceAverageCPUUtilization",
    "ECSServiceAverageMemoryUtilization",
    "ECSServiceTotalCPUUtilization",
    "ECSServiceTotalMemoryUtilization",
    "ALBRequestCountPerTarget",
    "TotalALBRequestCount",
];

const PAIRS: &str = "ECSServiceCPUUtilization, ECSServiceMemoryUtilization or ALBRequestCount";

/// A `PredictiveScalingPolicyConfiguration`; the forecaster is seasonal until
/// `behavior.predictiveScaling` says otherwise.
pub(super) fn read_predictive(node: &Node, path: &str, d: &mut Diagnostics) -> Option<PredictiveScalingSpec> {
    let mut o = object(node, path, d)?;
    let specs_path = o.child("MetricSpecifications");
    let specs_loc = o.key_loc("MetricSpecifications");
    let specs = o.required_list("MetricSpecifications", "one metric specification", d);
    let mode = match o.one_of("Mode", &["ForecastOnly", "ForecastAndScale"], d) {
        Some("ForecastAndScale") => PredictiveMode::ForecastAndScale,
        _ => PredictiveMode::ForecastOnly,
    };
    let buffer = o.int("SchedulingBufferTime", 0, 3599, d).unwrap_or(300) as u64;
    let breach_loc = o.key_loc("MaxCapacityBuffer");
    let behavior = o.one_of(
        "MaxCapacityBreachBehavior",
        &["HonorMaxCapacity", "IncreaseMaxCapacity"],
        d,
    );
    let capacity_buffer = o.int("MaxCapacityBuffer", 0, 100, d);
    o.finish(d);
    let breach = match (behavior, capacity_buffer) {
        (Some("IncreaseMaxCapacity"), Some(b)) => MaxCapacityBreach::IncreaseMaxCapacity {
            buffer_percent: b as u32,
        },
        (Some("IncreaseMaxCapacity"), None) => {
            missing_buffer(node, path, d);
            return None;
        }
        (_, Some(_)) => {
            d.error(
                breach_loc,
                &format!("{path}.MaxCapacityBuffer"),
                "MaxCapacityBuffer can only be used with MaxCapacityBreachBehavior IncreaseMaxCapacity",
                Some("remove it, or set MaxCapacityBreachBehavior: IncreaseMaxCapacity".into()),
            );
            return None;
        }
        _ => MaxCapacityBreach::HonorMaxCapacity,
    };
    if specs.len() > 1 {
        d.error(
            specs_loc,
            &specs_path,
            format!("{} metric specifications: AWS supports exactly one", specs.len()),
            None,
        );
        return None;
    }
    let (p, n) = specs.into_iter().next()?;
    let (metric, target_value) = read_metric_specification(n, &p, d)?;
    Some(PredictiveScalingSpec {
        metric,
        target_value,
        mode,
        scheduling_buffer: SimDuration::from_secs(buffer),
        breach,
        forecaster: ForecasterSpec::Seasonal(Seasonal::default()),
    })
}

/// IncreaseMaxCapacity without its MaxCapacityBuffer (AWS requires it).
fn missing_buffer(node: &Node, path: &str, d: &mut Diagnostics) {
    d.error(
        node.loc,
        &format!("{path}.MaxCapacityBuffer"),
        "MaxCapacityBreachBehavior IncreaseMaxCapacity needs MaxCapacityBuffer",
        Some(
            "add MaxCapacityBuffer: the percent above the forecast capacity the maximum may rise to (0 to 100)".into(),
        ),
    );
}

/// One `PredictiveScalingMetricSpecification`: `TargetValue` and a metric pair, or a predefined
/// load metric and scaling metric of the same pair.
fn read_metric_specification(node: &Node, path: &str, d: &mut Diagnostics) -> Option<(PredictiveMetric, f64)> {
    let mut o = object(node, path, d)?;
    let target = o.required_number("TargetValue", 1e-100, 1e100, "the scaling metric's value to hold", d);
    let pair = read_predefined(&mut o, "PredefinedMetricPairSpecification", d);
    let load = read_predefined(&mut o, "PredefinedLoadMetricSpecification", d);
    let scaling = read_predefined(&mut o, "PredefinedScalingMetricSpecification", d);
    let customized = [
        "CustomizedLoadMetricSpecification",
        "CustomizedScalingMetricSpecification",
        "CustomizedCapacityMetricSpecification",
    ]
    .into_iter()
    .find(|&c| o.field(c).is_some());
    let customized_loc = customized.map(|c| o.key_loc(c));
    let loc = o.loc;
    o.finish(d);
    if let (Some(c), Some(customized_loc)) = (customized, customized_loc) {
        d.error(
            customized_loc,
            &format!("{path}.{c}"),
            format!("{c} is not simulated: ecsim forecasts the predefined metrics of the service it measures"),
            Some(format!("use PredefinedMetricPairSpecification with {PAIRS}")),
        );
        return None;
    }
    let metric = match (pair, load, scaling) {
        (Some(pair), None, None) => pair_metric(pair, d)?,
        (None, Some(load), Some(scaling)) => load_scaling_pair(load, scaling, path, d)?,
        (None, None, None) | (None, Some(_), None) | (None, None, Some(_)) => {
            d.error(
                loc,
                path,
                "a predictive metric specification needs PredefinedMetricPairSpecification, or PredefinedLoadMetricSpecification with PredefinedScalingMetricSpecification",
                Some(format!("add PredefinedMetricPairSpecification: {{PredefinedMetricType: ECSServiceCPUUtilization}} ({PAIRS})")),
            );
            return None;
        }
        _ => {
            d.error(
                loc,
                path,
                "give either PredefinedMetricPairSpecification or the load and scaling metrics, not both",
                None,
            );
            return None;
        }
    };
    Some((metric, target?))
}

/// A predefined metric's type, where it is.
struct Predefined {
    kind: &'static str,
    loc: Loc,
    path: String,
}

/// A predefined metric specification `field` of `o`, if written.
fn read_predefined(o: &mut Obj<'_>, field: &'static str, d: &mut Diagnostics) -> Option<Predefined> {
    let n = o.field(field)?;
    let path = o.child(field);
    let mut m = object(n, &path, d)?;
    let loc = m.key_loc("PredefinedMetricType");
    let kind = m.required_one_of(
        "PredefinedMetricType",
        PREDEFINED_TYPES,
        "the metric type (a pair: ECSServiceCPUUtilization)",
        d,
    );
    let label = m.string("ResourceLabel", d);
    if kind.is_some_and(|k| k.contains("ALBRequestCount")) && label.is_none() {
        m.missing(
            "ResourceLabel",
            "app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>",
            d,
        );
    }
    m.finish(d);
    Some(Predefined {
        kind: kind?,
        loc,
        path: format!("{path}.PredefinedMetricType"),
    })
}

/// The pair a `PredefinedMetricPairSpecification` names.
fn pair_metric(pair: Predefined, d: &mut Diagnostics) -> Option<PredictiveMetric> {
    match pair.kind {
        "ECSServiceCPUUtilization" => Some(PredictiveMetric::Cpu),
        "ECSServiceMemoryUtilization" => Some(PredictiveMetric::Memory),
        "ALBRequestCount" => Some(PredictiveMetric::AlbRequestCount),
        other => {
            d.error(
                pair.loc,
                &pair.path,
                format!("`{other}` is a load or scaling metric, not a metric pair"),
                Some(format!("a pair is {PAIRS}")),
            );
            None
        }
    }
}

/// The pair a predefined load metric and scaling metric make, if they make one.
fn load_scaling_pair(
    load: Predefined,
    scaling: Predefined,
    path: &str,
    d: &mut Diagnostics,
) -> Option<PredictiveMetric> {
    let load_metric = match load.kind {
        "ECSServiceTotalCPUUtilization" => Some(PredictiveMetric::Cpu),
        "ECSServiceTotalMemoryUtilization" => Some(PredictiveMetric::Memory),
        "ALBRequestCount" | "TotalALBRequestCount" => Some(PredictiveMetric::AlbRequestCount),
        _ => None,
    };
    let scaling_metric = match scaling.kind {
        "ECSServiceAverageCPUUtilization" => Some(PredictiveMetric::Cpu),
        "ECSServiceAverageMemoryUtilization" => Some(PredictiveMetric::Memory),
        "ALBRequestCountPerTarget" => Some(PredictiveMetric::AlbRequestCount),
        _ => None,
    };
    match (load_metric, scaling_metric) {
        (Some(l), Some(s)) if l == s => Some(l),
        (None, _) => {
            d.error(
                load.loc,
                &load.path,
                format!("`{}` is not a load metric ecsim models", load.kind),
                Some(
                    "a load metric is ECSServiceTotalCPUUtilization, ECSServiceTotalMemoryUtilization or ALBRequestCount"
                        .into(),
                ),
            );
            None
        }
        (_, None) => {
            d.error(
                scaling.loc,
                &scaling.path,
                format!("`{}` is not a scaling metric ecsim models", scaling.kind),
                Some("a scaling metric is ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization or ALBRequestCountPerTarget".into()),
            );
            None
        }
        (Some(l), Some(_)) => {
            d.error(
                scaling.loc,
                path,
                format!(
                    "load metric `{}` and scaling metric `{}` measure different things: ecsim models the pairs {PAIRS}",
                    load.kind, scaling.kind
                ),
                Some(format!("use the scaling metric of {}", l.pair_name())),
            );
            None
        }
    }
}
