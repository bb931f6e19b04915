//! Object and External metrics: one value for the whole Deployment, against a `Value` target
//! (scaled by the ready pods) or an `AverageValue` target (divided among `status.replicas`)
//! (k8s-semantics 1.3 rules 5-8; Kubernetes' `getUsageRatioReplicaCount`,
//! `GetObjectPerPodMetricReplicas`, `GetExternalPerPodMetricReplicas`).

use super::proposal::{MetricCurrent, MetricProposal, ProposalInput, ceil_replicas, running_and_ready};

/// `target.type: Value`: `ratio = value / target`; from a non-zero `cur`, `cur` inside the
/// tolerance, else `ceil(ratio x pods Running and Ready)`; from zero (scale-to-zero),
/// `ceil(ratio)` with no tolerance.
pub fn value_replicas(
    input: &ProposalInput<'_>,
    value_milli: u64,
    target_milli: u64,
) -> Result<MetricProposal, String> {
    let ratio = value_milli as f64 / target_milli as f64;
    let replicas = if input.current_replicas == 0 {
        ceil_replicas(ratio)
    } else if input.tolerances.is_within(ratio) {
        input.current_replicas
    } else {
        if input.pods.is_empty() {
            return Err(
                "unable to calculate ready pods: no pods returned by selector while calculating replica count"
                    .to_string(),
            );
        }
        ceil_replicas(ratio * f64::from(running_and_ready(input.pods)))
    };
    Ok(MetricProposal {
        replicas,
        current: MetricCurrent::Value(value_milli),
    })
}

/// `target.type: AverageValue`: `ratio = value / (target x status.replicas)`; outside the
/// tolerance `ceil(value / target)`, regardless of how many pods there are (a queue of 95
/// messages at 10 per replica asks for 10), else `status.replicas`. The reported average is
/// `ceil(value / status.replicas)`.
pub fn average_value_replicas(
    input: &ProposalInput<'_>,
    value_milli: u64,
    target_milli: u64,
) -> Result<MetricProposal, String> {
    let status = input.status_replicas;
    let value = value_milli as f64;
    let target = target_milli as f64;
    let ratio = value / (target * f64::from(status));
    let replicas = if input.tolerances.is_within(ratio) {
        status
    } else {
        ceil_replicas(value / target)
    };
    let average = if status == 0 {
        value_milli
    } else {
        value_milli.div_ceil(u64::from(status))
    };
    Ok(MetricProposal {
        replicas,
        current: MetricCurrent::AverageValue(average),
    })
}

#[cfg(test)]
mod tests {
    use super::super::proposal::propose;
    use super::super::test_support::{Case, external, object, running};
    use super::*;
    use crate::model::k8s::MetricTarget;

    #[track_caller]
    fn check(case: Case, expected: Result<(u32, MetricCurrent), &str>) {
        let got = case.propose();
        match expected {
            Ok((replicas, current)) => assert_eq!(got, Ok(MetricProposal { replicas, current })),
            Err(message) => assert_eq!(got.map_err(|e| e.message), Err(message.to_string())),
        }
    }

    #[test]
    fn external_average_value_is_a_queue_per_replica_k8s_semantics_w13() {
        let queue = |messages: u64| external(MetricTarget::AverageValue(10_000), Some(messages * 1000));
        // 95 messages, 10 per replica, 3 replicas: ratio 3.17, ceil(9.5) = 10.
        check(
            Case::new(queue(95), 3).status(3),
            Ok((10, MetricCurrent::AverageValue(31_667))),
        );
        // 31 messages: ratio 1.033, within the tolerance: status.replicas.
        check(
            Case::new(queue(31), 3).status(3),
            Ok((3, MetricCurrent::AverageValue(10_334))),
        );
        // The proposal ignores cur: it follows status.replicas and the queue alone.
        check(
            Case::new(queue(31), 5).status(3),
            Ok((3, MetricCurrent::AverageValue(10_334))),
        );
        check(
            Case::new(queue(0), 3).status(3),
            Ok((0, MetricCurrent::AverageValue(0))),
        );
        // From zero pods the ratio is infinite, so the proposal is ceil(value / target).
        check(
            Case::new(queue(12), 0).status(0),
            Ok((2, MetricCurrent::AverageValue(12_000))),
        );
    }

    #[test]
    fn external_value_scales_the_ready_pods_k8s_semantics_w14() {
        let metric = external(MetricTarget::Value(6_666), Some(8_600));
        let three_ready = vec![running(1000, Some(500)); 3];
        // Ratio 1.29 x 3 ready pods: ceil(3.87) = 4.
        check(
            Case::new(metric.clone(), 3).pods(three_ready.clone()),
            Ok((4, MetricCurrent::Value(8_600))),
        );
        // From cur 0 (scale-to-zero): ceil(1.29) = 2, no tolerance.
        check(
            Case::new(metric.clone(), 0).pods(vec![]),
            Ok((2, MetricCurrent::Value(8_600))),
        );
        let within = external(MetricTarget::Value(10_000), Some(10_500));
        check(
            Case::new(within.clone(), 3).pods(three_ready.clone()),
            Ok((3, MetricCurrent::Value(10_500))),
        );
        check(Case::new(within, 0).pods(vec![]), Ok((2, MetricCurrent::Value(10_500))));
        // Only Running and Ready pods multiply: one of three unready gives ceil(1.29 x 2) = 3.
        let mut one_unready = three_ready;
        one_unready[0].ready = one_unready[0].ready.map(|mut c| {
            c.ready = false;
            c
        });
        check(
            Case::new(metric.clone(), 3).pods(one_unready),
            Ok((3, MetricCurrent::Value(8_600))),
        );
        check(
            Case::new(metric, 3).pods(vec![]),
            Err(
                "failed to get external metric m: unable to calculate ready pods: no pods returned by selector while calculating replica count",
            ),
        );
    }

    #[test]
    fn object_metrics_and_fetch_failures() {
        let metric = object(MetricTarget::AverageValue(100_000), Some(450_000));
        check(
            Case::new(metric, 2).status(2),
            Ok((5, MetricCurrent::AverageValue(225_000))),
        );
        let unfetched = external(MetricTarget::Value(1000), None);
        let err = Case::new(unfetched, 3).propose().expect_err("no value");
        assert_eq!(err.reason.as_str(), "FailedGetExternalMetric");
        assert_eq!(err.message, "unable to fetch metric m");
        let zero = object(MetricTarget::Value(0), Some(5));
        let input = Case::new(zero, 3);
        assert_eq!(
            propose(&input.input()).map_err(|e| e.message),
            Err("failed to get object metric m: the target must be a value or averageValue above 0".to_string())
        );
    }
}
