//! A scaling policy's entry in `summary.json` before any activity: its type, the metric it
//! tracks and, for a predictive policy, its mode and forecaster.

use crate::spec::Spec;
use crate::spec::{ForecasterSpec, PolicyKind, PredictiveMode, ScalingPolicySpec};
use crate::trace::summary::{
    PREDICTIVE_SCALING, PolicySummary, PredictiveSummary, STEP_SCALING, TARGET_TRACKING_SCALING,
};

/// A policy's entry before any activity.
pub(super) fn policy_summary(spec: &Spec, policy: &ScalingPolicySpec) -> PolicySummary {
    let (policy_type, metric, target_value) = match &policy.kind {
        PolicyKind::TargetTracking(tt) => (
            TARGET_TRACKING_SCALING,
            Some(tt.stream.metric_name().to_string()),
            Some(tt.target_value),
        ),
        PolicyKind::StepScaling(_) => (STEP_SCALING, None, None),
        PolicyKind::PredictiveScaling(p) => (
            PREDICTIVE_SCALING,
            Some(p.metric.pair_name().to_string()),
            Some(p.target_value),
        ),
    };
    let predictive = match &policy.kind {
        PolicyKind::PredictiveScaling(p) => Some(PredictiveSummary {
            mode: match p.mode {
                PredictiveMode::ForecastOnly => "ForecastOnly",
                PredictiveMode::ForecastAndScale => "ForecastAndScale",
            }
            .to_string(),
            forecaster: match p.forecaster {
                ForecasterSpec::Seasonal(_) => "seasonal",
                ForecasterSpec::Replay(_) => "replay",
            }
            .to_string(),
            ..Default::default()
        }),
        _ => None,
    };
    PolicySummary {
        policy: policy.name.clone(),
        service: spec.services[policy.service].name.clone(),
        scaling_activities: 0,
        policy_type: policy_type.to_string(),
        metric,
        target_value,
        predictive,
    }
}
