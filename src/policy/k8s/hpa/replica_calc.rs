//! Per-pod metrics (Resource, ContainerResource, Pods): the usage ratio over the ready pods and
//! the dampened recomputation when pods are unready or missing (k8s-semantics 1.3 rules 1-4,
//! 1.4; Kubernetes' `GetResourceReplicas` and `calcPlainMetricReplicas`).
//!
//! One pass over the pods sums what each group contributes, so a tick costs O(pods) and
//! allocates nothing; the dampened case only adds the groups' sums back in.

use super::pod_groups::{PodGroup, ReadinessRules, group_pod};
use super::proposal::{MetricCurrent, MetricProposal, ProposalInput, ceil_replicas};
use super::tolerance::Tolerances;

/// What each group of pods adds up to, for one metric at one tick.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    ready_count: u64,
    ready_usage: u64,
    ready_request: u64,
    unready_count: u64,
    unready_request: u64,
    missing_count: u64,
    missing_request: u64,
    /// Utilization only: the usage missing pods are assumed to have on a scale-down, each pod's
    /// `request x max(100, target) / 100` truncated on its own as Kubernetes does.
    missing_fallback_usage: u64,
}

impl Tally {
    /// Sums the pods by group; `need_requests` fails on a pod without a request (Utilization
    /// reads every matched pod's request, even ignored ones).
    fn of(
        input: &ProposalInput<'_>,
        rules: &ReadinessRules,
        fallback_percent: u64,
        need_requests: bool,
    ) -> Result<Tally, String> {
        if input.pods.is_empty() {
            return Err("no pods returned by selector while calculating replica count".to_string());
        }
        let mut t = Tally::default();
        let mut request_missing = false;
        for pod in input.pods {
            request_missing |= pod.request_milli.is_none();
            let request = pod.request_milli.unwrap_or(0);
            match group_pod(pod, rules) {
                PodGroup::Ignored => {}
                PodGroup::Unready => {
                    t.unready_count += 1;
                    t.unready_request += request;
                }
                PodGroup::Missing => {
                    t.missing_count += 1;
                    t.missing_request += request;
                    t.missing_fallback_usage += request * fallback_percent / 100;
                }
                PodGroup::Ready => {
                    t.ready_count += 1;
                    t.ready_request += request;
                    t.ready_usage += pod.sample.map_or(0, |s| s.value_milli);
                }
            }
        }
        // Kubernetes checks for samples before it reads the requests.
        if t.ready_count == 0 {
            return Err("did not receive metrics for targeted pods (pods might be unready)".to_string());
        }
        if need_requests && request_missing {
            return Err(format!("missing request for {}", resource_name(input)));
        }
        Ok(t)
    }
}

fn resource_name<'a>(input: &ProposalInput<'a>) -> &'a str {
    use crate::model::k8s::MetricSource;
    match &input.metric.source {
        MetricSource::Resource { name } | MetricSource::ContainerResource { name, .. } => name,
        MetricSource::Pods { metric } | MetricSource::Object { metric, .. } | MetricSource::External { metric } => {
            metric
        }
    }
}

/// `int32((usage x 100) / request)`: integer percent, truncated.
fn utilization_percent(usage: u64, request: u64) -> u32 {
    u32::try_from(usage.saturating_mul(100) / request).unwrap_or(u32::MAX)
}

/// `target.type: Utilization` of a resource: percent of the pods' requests.
pub fn utilization_replicas(
    input: &ProposalInput<'_>,
    target_percent: u32,
    rules: &ReadinessRules,
) -> Result<MetricProposal, String> {
    if target_percent == 0 {
        return Err("averageUtilization must be above 0".to_string());
    }
    let fallback = u64::from(target_percent.max(100));
    let t = Tally::of(input, rules, fallback, true)?;
    if t.ready_request == 0 {
        return Err("no metrics returned matched known pods".to_string());
    }
    let percent = utilization_percent(t.ready_usage, t.ready_request);
    let current = MetricCurrent::Utilization {
        percent,
        average_milli: t.ready_usage / t.ready_count,
    };
    let target = f64::from(target_percent);
    let ratio = f64::from(percent) / target;
    let (usage, request, counted) =
        t.dampened_sums(ratio, t.missing_fallback_usage, t.missing_request, t.unready_request);
    let new_ratio = f64::from(utilization_percent(usage, request)) / target;
    let replicas = t.replicas(input.current_replicas, input.tolerances, ratio, new_ratio, counted);
    Ok(MetricProposal { replicas, current })
}

/// `target.type: AverageValue` of a resource, or a Pods metric: the mean per counted pod.
pub fn average_usage_replicas(
    input: &ProposalInput<'_>,
    target_milli: u64,
    rules: &ReadinessRules,
) -> Result<MetricProposal, String> {
    if target_milli == 0 {
        return Err("averageValue must be above 0".to_string());
    }
    let t = Tally::of(input, rules, 0, false)?;
    let average = t.ready_usage / t.ready_count;
    let target = target_milli as f64;
    let ratio = average as f64 / target;
    // Missing pods count at exactly the target on a scale-down; "requests" here are pod counts.
    let (usage, _, counted) = t.dampened_sums(ratio, target_milli * t.missing_count, t.missing_count, t.unready_count);
    let new_ratio = (usage / counted) as f64 / target;
    let replicas = t.replicas(input.current_replicas, input.tolerances, ratio, new_ratio, counted);
    Ok(MetricProposal {
        replicas,
        current: MetricCurrent::AverageValue(average),
    })
}

impl Tally {
    /// Usage, denominator and pod count after folding in missing pods (at `missing_usage` on a
    /// scale-down, at zero on a scale-up, left out at a ratio of exactly 1) and, on a scale-up,
    /// unready pods at zero.
    fn dampened_sums(
        &self,
        ratio: f64,
        missing_usage: u64,
        missing_denominator: u64,
        unready_denominator: u64,
    ) -> (u64, u64, u64) {
        let (mut usage, mut denominator, mut counted) = (self.ready_usage, self.ready_request, self.ready_count);
        if self.missing_count > 0 && ratio != 1.0 {
            if ratio < 1.0 {
                usage += missing_usage;
            }
            denominator += missing_denominator;
            counted += self.missing_count;
        }
        if self.scale_up_with_unready(ratio) {
            denominator += unready_denominator;
            counted += self.unready_count;
        }
        (usage, denominator, counted)
    }

    fn scale_up_with_unready(&self, ratio: f64) -> bool {
        self.unready_count > 0 && ratio > 1.0
    }

    /// The proposal: plain (`ceil(ratio x ready)`, or `cur` inside the tolerance) when nothing
    /// needs dampening; otherwise the dampened ratio over every counted pod, or `cur` when it
    /// falls inside the tolerance or turns the direction around.
    fn replicas(&self, cur: u32, tolerances: Tolerances, ratio: f64, new_ratio: f64, counted: u64) -> u32 {
        if !self.scale_up_with_unready(ratio) && self.missing_count == 0 {
            if tolerances.is_within(ratio) {
                return cur;
            }
            return ceil_replicas(ratio * self.ready_count as f64);
        }
        if tolerances.is_within(new_ratio) || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0) {
            return cur;
        }
        let proposal = ceil_replicas(new_ratio * counted as f64);
        if (new_ratio < 1.0 && proposal > cur) || (new_ratio > 1.0 && proposal < cur) {
            return cur;
        }
        proposal
    }
}

#[cfg(test)]
#[path = "replica_calc_tests.rs"]
mod tests;
