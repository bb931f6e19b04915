//! Builders the HPA tests share: pods, metrics and a proposal case with the defaults of
//! k8s-semantics 10 (tolerance 0.1, pods started at 0, the tick at 120 s).

use super::pod_groups::{MetricPod, MetricSample, PodPhase, ReadyCondition};
use super::proposal::{MetricError, MetricProposal, ProposalInput, propose};
use super::{ControllerSettings, Tolerances};
use crate::model::k8s::{HpaMetric, MetricSource, MetricTarget};
use crate::sim::SimTime;

/// The tick of a [`Case`] unless `at` moves it: inside the 300 s CPU initialization period.
pub const NOW_S: u64 = 120;

/// A metric and, for Object and External, its value.
#[derive(Clone, Debug)]
pub struct Metric {
    pub metric: HpaMetric,
    pub value: Option<u64>,
}

fn with(source: MetricSource, target: MetricTarget, value: Option<u64>) -> Metric {
    Metric {
        metric: HpaMetric { source, target },
        value,
    }
}

pub fn cpu(target: MetricTarget) -> Metric {
    with(MetricSource::Resource { name: "cpu".into() }, target, None)
}

pub fn memory(target: MetricTarget) -> Metric {
    with(MetricSource::Resource { name: "memory".into() }, target, None)
}

pub fn pods_metric(target: MetricTarget) -> Metric {
    with(MetricSource::Pods { metric: "m".into() }, target, None)
}

pub fn external(target: MetricTarget, value: Option<u64>) -> Metric {
    with(MetricSource::External { metric: "m".into() }, target, value)
}

pub fn object(target: MetricTarget, value: Option<u64>) -> Metric {
    let source = MetricSource::Object {
        metric: "m".into(),
        described_object: "Ingress/main".into(),
    };
    with(source, target, value)
}

/// A Running pod started at 0, Ready since 30 s, with `usage` sampled at 100 s (`None`:
/// missing).
pub fn running(request: u64, usage: Option<u64>) -> MetricPod {
    MetricPod {
        phase: PodPhase::Running,
        deleting: false,
        start_time: Some(SimTime::ZERO),
        ready: Some(ReadyCondition {
            ready: true,
            last_transition: SimTime(30_000),
        }),
        request_milli: Some(request),
        sample: usage.map(|value_milli| MetricSample {
            value_milli,
            timestamp: SimTime(100_000),
        }),
    }
}

/// As [`running`] but Ready=False since 10 s (never ready).
pub fn not_ready(request: u64, usage: u64) -> MetricPod {
    let mut pod = running(request, Some(usage));
    pod.ready = Some(ReadyCondition {
        ready: false,
        last_transition: SimTime(10_000),
    });
    pod
}

/// A Pending pod (no node yet): no start time, no condition, no sample.
pub fn pending(request: u64) -> MetricPod {
    MetricPod {
        phase: PodPhase::Pending,
        deleting: false,
        start_time: None,
        ready: None,
        request_milli: Some(request),
        sample: None,
    }
}

/// One proposal to compute.
pub struct Case {
    pub metric: Metric,
    pub cur: u32,
    pub status: u32,
    pub pods: Vec<MetricPod>,
    pub tolerances: Tolerances,
    pub settings: ControllerSettings,
    pub now: SimTime,
}

impl Case {
    pub fn new(metric: Metric, cur: u32) -> Case {
        Case {
            metric,
            cur,
            status: cur,
            pods: Vec::new(),
            tolerances: Tolerances::symmetric(0.1),
            settings: ControllerSettings::default(),
            now: SimTime(NOW_S * 1000),
        }
    }

    pub fn status(mut self, status: u32) -> Case {
        self.status = status;
        self
    }

    pub fn pods(mut self, pods: Vec<MetricPod>) -> Case {
        self.pods = pods;
        self
    }

    pub fn tolerances(mut self, tolerances: Tolerances) -> Case {
        self.tolerances = tolerances;
        self
    }

    pub fn input(&self) -> ProposalInput<'_> {
        ProposalInput {
            metric: &self.metric.metric,
            current_replicas: self.cur,
            status_replicas: self.status,
            pods: &self.pods,
            object_value_milli: self.metric.value,
            tolerances: self.tolerances,
            settings: &self.settings,
            now: self.now,
        }
    }

    pub fn propose(&self) -> Result<MetricProposal, MetricError> {
        propose(&self.input())
    }
}
