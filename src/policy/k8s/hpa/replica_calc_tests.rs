//! Cases of the per-pod replica calculation, each citing the k8s-semantics case it checks.

use super::super::pod_groups::MetricPod;
use super::super::proposal::{MetricCurrent, MetricProposal};
use super::super::test_support::{Case, Metric, cpu, memory, not_ready, pending, pods_metric, running};
use super::super::tolerance::Tolerances;
use crate::model::k8s::MetricTarget;

fn utilization(percent: u32, average_milli: u64) -> MetricCurrent {
    MetricCurrent::Utilization { percent, average_milli }
}

/// Pods of request `request` using `usages` each, all Running and Ready.
fn ready(request: u64, usages: &[u64]) -> Vec<MetricPod> {
    usages.iter().map(|&u| running(request, Some(u))).collect()
}

#[track_caller]
fn check(metric: Metric, cur: u32, pods: Vec<MetricPod>, replicas: u32, current: MetricCurrent) {
    let got = Case::new(metric, cur).pods(pods).propose();
    assert_eq!(got, Ok(MetricProposal { replicas, current }));
}

#[track_caller]
fn check_error(metric: Metric, pods: Vec<MetricPod>, reason: &str, message: &str) {
    let err = Case::new(metric, 3).pods(pods).propose().expect_err("the metric fails");
    assert_eq!((err.reason.as_str(), err.message.as_str()), (reason, message));
}

fn cpu_percent(target: u32) -> Metric {
    cpu(MetricTarget::Utilization(target))
}

#[test]
fn worked_cases_w1_to_w6() {
    // W1: utilization int(1500 x 100 / 3000) = 50, ratio 1.667, ceil(1.667 x 3) = 5.
    check(
        cpu_percent(30),
        3,
        ready(1000, &[300, 500, 700]),
        5,
        utilization(50, 500),
    );
    // W2: an unready pod at 0 dampens: 40 %, ceil(1.333 x 3) = 4; reported 60 stays.
    let w2 = vec![not_ready(1000, 300), running(1000, Some(500)), running(1000, Some(700))];
    check(cpu_percent(30), 3, w2, 4, utilization(60, 600));
    // W3: dampening flips the direction (40 % -> 13 %): stay at 3.
    let w3 = vec![running(1000, Some(400)), not_ready(1000, 500), not_ready(1000, 700)];
    check(cpu_percent(30), 3, w3, 3, utilization(40, 400));
    // W4: 102 % of a 100 % target is inside the band.
    let w4 = vec![
        running(900, Some(1010)),
        running(1000, Some(1030)),
        running(1100, Some(1020)),
    ];
    check(cpu_percent(100), 3, w4, 3, utilization(102, 1020));
    // W5: two pods missing on a scale-down count at 100 % of their request: 62 %, ceil(2.48) = 3.
    let w5 = vec![
        running(1000, Some(400)),
        running(1000, Some(95)),
        running(1000, None),
        running(1000, None),
    ];
    check(cpu_percent(100), 4, w5, 3, utilization(24, 247));
    // W5b: only the matched pods' samples count: 587 %, ceil(23.48) = 24.
    check(
        cpu_percent(100),
        4,
        ready(1000, &[4000, 9500, 3000, 7000]),
        24,
        utilization(587, 5875),
    );
    // W6: 10 Pending pods at 0 bring 100 % of a 50 % target down to 50 %: stay at 20.
    let mut w6 = ready(1000, &[1000; 10]);
    w6.extend(std::iter::repeat_n(pending(1000), 10));
    check(cpu_percent(50), 20, w6, 20, utilization(100, 1000));
}

#[test]
fn tolerance_boundaries_and_scale_down() {
    check(cpu_percent(50), 3, ready(1000, &[550; 3]), 3, utilization(55, 550)); // exactly 1.1 stays
    check(cpu_percent(50), 3, ready(1000, &[560; 3]), 4, utilization(56, 560)); // 1.12: ceil(3.36)
    check(cpu_percent(50), 3, ready(1000, &[450; 3]), 3, utilization(45, 450)); // exactly 0.9 stays
    check(cpu_percent(50), 3, ready(1000, &[440; 3]), 3, utilization(44, 440)); // ceil(2.64) = 3
    check(cpu_percent(50), 5, ready(1000, &[100; 5]), 1, utilization(10, 100));
    check(cpu_percent(50), 5, ready(1000, &[0; 5]), 0, utilization(0, 0)); // the min clamp comes later
    // Truncation: 1499 x 100 / 1000 = 149 %, not 150.
    check(cpu_percent(100), 1, ready(1000, &[1499]), 2, utilization(149, 1499));
}

#[test]
fn dampening_keeps_the_direction() {
    // Scale-up with a missing pod at 0: 133 %, ceil(1.33 x 3) = 4 would go down from 10: stay.
    let pods = vec![
        running(1000, Some(2000)),
        running(1000, Some(2000)),
        running(1000, None),
    ];
    check(cpu_percent(100), 10, pods, 10, utilization(200, 2000));
    // Scale-up with a missing pod: 200 % -> 133 %, ceil(4) = 4 from 3.
    let pods = vec![
        running(1000, Some(2000)),
        running(1000, Some(2000)),
        running(1000, None),
    ];
    check(cpu_percent(100), 3, pods, 4, utilization(200, 2000));
    // Terminating and failed pods are left out entirely.
    let mut gone = running(1000, Some(9000));
    gone.deleting = true;
    let mut failed = running(1000, Some(9000));
    failed.phase = super::super::pod_groups::PodPhase::Failed;
    check(
        cpu_percent(50),
        2,
        vec![running(1000, Some(500)), running(1000, Some(500)), gone, failed],
        2,
        utilization(50, 500),
    );
}

#[test]
fn average_value_and_pods_metrics() {
    let per_pod = pods_metric(MetricTarget::AverageValue(10_000));
    check(
        per_pod.clone(),
        2,
        ready(0, &[30_000, 10_000]),
        4,
        MetricCurrent::AverageValue(20_000),
    );
    // Readiness is not read for a Pods metric: the NotReady pod counts with its sample.
    let pods = vec![running(0, Some(30_000)), running(0, Some(10_000)), not_ready(0, 5_000)];
    check(per_pod.clone(), 3, pods, 5, MetricCurrent::AverageValue(15_000));
    // A missing pod on a scale-down counts at the target: 20 000 / 3 = 6 666, ceil(1.9998) = 2.
    let pods = vec![running(0, Some(5_000)), running(0, Some(5_000)), running(0, None)];
    check(per_pod, 3, pods, 2, MetricCurrent::AverageValue(5_000));
    // A Pending pod is set aside for every metric and dampens a scale-up.
    let cpu_average = cpu(MetricTarget::AverageValue(500));
    check(
        cpu_average,
        2,
        vec![running(0, Some(1000)), pending(0)],
        2,
        MetricCurrent::AverageValue(1000),
    );
}

#[test]
fn container_resource_reads_cpu_readiness() {
    let container = Metric {
        metric: crate::model::k8s::HpaMetric {
            source: crate::model::k8s::MetricSource::ContainerResource {
                name: "cpu".into(),
                container: "app".into(),
            },
            target: MetricTarget::Utilization(50),
        },
        value: None,
    };
    // As W2: the NotReady pod is set aside, then counted at 0 on the scale-up.
    let pods = vec![
        not_ready(1000, 300),
        running(1000, Some(1000)),
        running(1000, Some(1000)),
    ];
    check(container, 3, pods, 4, utilization(100, 1000));
}

#[test]
fn per_direction_tolerance_k8s_semantics_w16() {
    let target = memory(MetricTarget::AverageValue(100_000)); // 100 Mi
    let up_5 = Tolerances {
        scale_down: 0.1,
        scale_up: 0.05,
    };
    let case = |mib: u64, tolerances| {
        Case::new(target.clone(), 4)
            .pods(ready(0, &[mib * 1000; 4]))
            .tolerances(tolerances)
            .propose()
            .map(|p| p.replicas)
    };
    assert_eq!(case(104, up_5), Ok(4));
    assert_eq!(case(106, up_5), Ok(5)); // ceil(1.06 x 4) = ceil(4.24)
    assert_eq!(case(104, Tolerances::symmetric(0.1)), Ok(4));
    assert_eq!(case(106, Tolerances::symmetric(0.1)), Ok(4));
}

#[test]
fn errors_name_the_metric_and_the_cause() {
    let mut no_request = running(1000, Some(500));
    no_request.request_milli = None;
    check_error(
        cpu_percent(50),
        vec![running(1000, Some(500)), no_request],
        "FailedGetResourceMetric",
        "failed to get cpu utilization: missing request for cpu",
    );
    check_error(
        cpu_percent(50),
        vec![],
        "FailedGetResourceMetric",
        "failed to get cpu utilization: no pods returned by selector while calculating replica count",
    );
    let mut pending_without_request = pending(1000);
    pending_without_request.request_milli = None;
    check_error(
        cpu_percent(50),
        vec![pending_without_request, not_ready(1000, 500)],
        "FailedGetResourceMetric",
        "failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)",
    );
    check_error(
        pods_metric(MetricTarget::AverageValue(1)),
        vec![running(0, None)],
        "FailedGetPodsMetric",
        "failed to get pods metric value m: did not receive metrics for targeted pods (pods might be unready)",
    );
    check_error(
        cpu_percent(50),
        ready(0, &[100]),
        "FailedGetResourceMetric",
        "failed to get cpu utilization: no metrics returned matched known pods",
    );
}
