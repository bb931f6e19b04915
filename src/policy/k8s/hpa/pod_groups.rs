//! The pods an HPA's selector matches, as the replica calculation sees them, and how it sorts
//! them into ready, unready, missing and ignored (k8s-semantics 1.4, Kubernetes' `groupPods`).

use crate::sim::{SimDuration, SimTime};

/// `status.phase` of a pod, as far as the HPA cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodPhase {
    /// Not yet running (unscheduled, or pulling its image): set aside as unready.
    Pending,
    /// Running.
    Running,
    /// Failed: ignored.
    Failed,
}

/// The pod's `Ready` condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadyCondition {
    /// `status: "True"`.
    pub ready: bool,
    /// `lastTransitionTime`. For a pod that has never been Ready this is when the kubelet first
    /// set the condition (False), which is the pod's start: Kubernetes tells "never became
    /// ready" from "became unready later" by this time alone (before or after
    /// `startTime + initialReadinessDelay`), so the engine passes no separate flag.
    pub last_transition: SimTime,
}

/// One metrics sample of a pod, for the metric being computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricSample {
    /// The value in milli-units: CPU in millicores, memory in MiB x 1000 (the unit of
    /// `MetricTarget::AverageValue`), a custom metric x 1000.
    pub value_milli: u64,
    /// The end of the window the value averages. For CPU from metrics-server (k8s-semantics
    /// 1.11): the last scrape at or before the tick, the value being the mean over the
    /// `metric_window` before it.
    pub timestamp: SimTime,
}

/// One pod the HPA's selector matches (pods of every ReplicaSet of the Deployment, old and
/// new), with what the replica calculation reads of it for one metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricPod {
    /// `status.phase`.
    pub phase: PodPhase,
    /// `metadata.deletionTimestamp` is set (the pod is terminating): ignored.
    pub deleting: bool,
    /// `status.startTime` (when the kubelet accepted the pod); `None` before that.
    pub start_time: Option<SimTime>,
    /// The `Ready` condition; `None` before the kubelet reports it.
    pub ready: Option<ReadyCondition>,
    /// The pod's request of the metric's resource in milli-units (the sum over its containers,
    /// or the named container's for ContainerResource); `None` when a container has no
    /// request, which fails a Utilization metric ("missing request for cpu").
    pub request_milli: Option<u64>,
    /// The pod's sample for this metric; `None` when metrics-server has none (missing).
    pub sample: Option<MetricSample>,
}

/// Where `groupPods` puts a pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodGroup {
    /// Terminating or Failed: left out of everything.
    Ignored,
    /// Pending, or (CPU only) not ready long enough: its sample is set aside, and on a
    /// scale-up it is counted at zero usage.
    Unready,
    /// No sample: counted at the target on a scale-down and at zero on a scale-up.
    Missing,
    /// Counted with its sample.
    Ready,
}

/// What readiness rules apply to one metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadinessRules {
    /// The metric is the `cpu` resource (Resource or ContainerResource): only then does the
    /// Ready condition matter.
    pub cpu: bool,
    /// `--horizontal-pod-autoscaler-cpu-initialization-period` (300 s).
    pub cpu_initialization_period: SimDuration,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s).
    pub initial_readiness_delay: SimDuration,
    /// The window a sample averages (metrics-server's resolution, 15 s).
    pub metric_window: SimDuration,
    /// The tick.
    pub now: SimTime,
}

/// Sorts one pod (Kubernetes' `groupPods`, k8s-semantics 1.4).
pub fn group_pod(pod: &MetricPod, rules: &ReadinessRules) -> PodGroup {
    if pod.deleting || pod.phase == PodPhase::Failed {
        return PodGroup::Ignored;
    }
    if pod.phase == PodPhase::Pending {
        return PodGroup::Unready;
    }
    let Some(sample) = pod.sample else {
        return PodGroup::Missing;
    };
    if rules.cpu && cpu_unready(pod, sample, rules) {
        return PodGroup::Unready;
    }
    PodGroup::Ready
}

/// Whether a running pod's CPU sample is set aside: inside the CPU initialization period when it
/// is not Ready or its sample started before it became Ready; after it, only when it is not
/// Ready and never was (its last transition came within the initial readiness delay).
fn cpu_unready(pod: &MetricPod, sample: MetricSample, rules: &ReadinessRules) -> bool {
    let (Some(start), Some(condition)) = (pod.start_time, pod.ready) else {
        return true;
    };
    if start.plus(rules.cpu_initialization_period) > rules.now {
        !condition.ready || sample.timestamp < condition.last_transition.plus(rules.metric_window)
    } else {
        !condition.ready && start.plus(rules.initial_readiness_delay) > condition.last_transition
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1000;

    fn rules(now_s: u64, cpu: bool) -> ReadinessRules {
        ReadinessRules {
            cpu,
            cpu_initialization_period: SimDuration::from_secs(300),
            initial_readiness_delay: SimDuration::from_secs(30),
            metric_window: SimDuration::from_secs(15),
            now: SimTime(now_s * S),
        }
    }

    /// A running pod started at 0 whose Ready condition is `ready` since `transition_s`, with a
    /// sample stamped `sample_s`.
    fn pod(ready: bool, transition_s: u64, sample_s: Option<u64>) -> MetricPod {
        MetricPod {
            phase: PodPhase::Running,
            deleting: false,
            start_time: Some(SimTime::ZERO),
            ready: Some(ReadyCondition {
                ready,
                last_transition: SimTime(transition_s * S),
            }),
            request_milli: Some(1000),
            sample: sample_s.map(|t| MetricSample {
                value_milli: 500,
                timestamp: SimTime(t * S),
            }),
        }
    }

    #[track_caller]
    fn check(pod: MetricPod, now_s: u64, cpu: bool, expected: PodGroup) {
        assert_eq!(group_pod(&pod, &rules(now_s, cpu)), expected);
    }

    #[test]
    fn cpu_initialization_window_k8s_semantics_w17() {
        check(pod(true, 40, Some(50)), 60, true, PodGroup::Unready); // 50 < 40 + 15
        check(pod(true, 40, Some(55)), 60, true, PodGroup::Ready); // exactly 40 + 15 counts
        check(pod(true, 40, Some(60)), 65, true, PodGroup::Ready);
        check(pod(false, 40, Some(60)), 65, true, PodGroup::Unready); // not Ready in the period
        check(pod(false, 480, Some(495)), 500, true, PodGroup::Ready); // was Ready, turned NotReady
        check(pod(false, 10, Some(495)), 500, true, PodGroup::Unready); // never became ready
        check(pod(false, 30, Some(495)), 500, true, PodGroup::Ready); // transition at start + 30 s
        check(pod(true, 10, Some(495)), 500, true, PodGroup::Ready);
        // The period ends at start + 300 s exactly: from then the late-sample rule is gone.
        check(pod(true, 295, Some(299)), 299, true, PodGroup::Unready);
        check(pod(true, 295, Some(300)), 300, true, PodGroup::Ready);
    }

    #[test]
    fn readiness_is_read_only_for_cpu() {
        check(pod(false, 10, Some(50)), 60, false, PodGroup::Ready);
        check(pod(true, 40, Some(50)), 60, false, PodGroup::Ready);
    }

    #[test]
    fn phase_deletion_and_missing_samples() {
        let mut p = pod(true, 0, Some(400));
        p.deleting = true;
        check(p, 500, false, PodGroup::Ignored);
        p.deleting = false;
        p.phase = PodPhase::Failed;
        check(p, 500, true, PodGroup::Ignored);
        p.phase = PodPhase::Pending;
        check(p, 500, false, PodGroup::Unready); // Pending is set aside for every metric
        p.sample = None;
        check(p, 500, true, PodGroup::Unready); // Pending wins over missing
        p.phase = PodPhase::Running;
        check(p, 500, true, PodGroup::Missing);
        let mut no_condition = pod(true, 0, Some(400));
        no_condition.ready = None;
        check(no_condition, 500, true, PodGroup::Unready);
        check(no_condition, 500, false, PodGroup::Ready);
        no_condition.ready = pod(true, 0, None).ready;
        no_condition.start_time = None;
        check(no_condition, 500, true, PodGroup::Unready);
    }
}
