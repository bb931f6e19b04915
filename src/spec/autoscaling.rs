//! Application Auto Scaling and CloudWatch as the engine needs them: targets, policies, alarms.

use crate::metrics::{AlarmConfig, Statistic};
use crate::policy::schedule::ScheduleSpec;
use crate::policy::step_scaling::StepScalingParams;
use crate::sim::{ServiceIdx, SimDuration};
use crate::workload::{AlbMetric, AlbStatistic};

/// Which metric of a service an alarm or policy watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceMetric {
    /// `AWS/ECS CPUUtilization` (percent of the tasks' CPU reservation).
    CpuUtilization,
    /// `AWS/ECS MemoryUtilization` (percent of the tasks' memory reservation).
    MemoryUtilization,
    /// `AWS/ApplicationELB RequestCountPerTarget` (requests per healthy target per period).
    RequestCountPerTarget,
    /// `AWS/SQS ApproximateNumberOfMessagesVisible` of the queue the service consumes, at the period end.
    MessagesVisible,
    /// `AWS/SQS ApproximateAgeOfOldestMessage` (seconds) of the queue the service consumes.
    AgeOfOldestMessage,
    /// `ECS/ContainerInsights RunningTaskCount`: RUNNING tasks at the period end.
    RunningTaskCount,
    /// An `AWS/ApplicationELB` metric of the service's target group, read with its statistic
    /// over the alarm's whole period (`workload::alb_metrics`).
    Alb {
        /// The metric.
        metric: AlbMetric,
        /// Its statistic.
        statistic: AlbStatistic,
    },
}

impl ServiceMetric {
    /// The CloudWatch metric name.
    pub fn metric_name(self) -> &'static str {
        match self {
            ServiceMetric::CpuUtilization => "CPUUtilization",
            ServiceMetric::MemoryUtilization => "MemoryUtilization",
            ServiceMetric::RequestCountPerTarget => "RequestCountPerTarget",
            ServiceMetric::MessagesVisible => "ApproximateNumberOfMessagesVisible",
            ServiceMetric::AgeOfOldestMessage => "ApproximateAgeOfOldestMessage",
            ServiceMetric::RunningTaskCount => "RunningTaskCount",
            ServiceMetric::Alb { metric, .. } => metric.name(),
        }
    }

    /// The load balancer metric and statistic, for an `AWS/ApplicationELB` metric.
    pub fn alb(self) -> Option<(AlbMetric, AlbStatistic)> {
        match self {
            ServiceMetric::Alb { metric, statistic } => Some((metric, statistic)),
            _ => None,
        }
    }
}

/// One metric of one service (the queue metrics belong to the service consuming the queue).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricOf {
    /// Index into `Spec::services`.
    pub service: ServiceIdx,
    /// The metric.
    pub metric: ServiceMetric,
}

/// A metric stream: a service's metric at a resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricStream {
    /// Index into `Spec::services`.
    pub service: ServiceIdx,
    /// The metric.
    pub metric: ServiceMetric,
    /// 20-second datapoints instead of 60-second ones.
    pub high_resolution: bool,
    /// Metric math `m1 / m2`: the datapoint is divided by this metric's, and has no value when
    /// that is 0 or missing (reference 11: backlog per task with no running task).
    pub divided_by: Option<MetricOf>,
}

impl MetricStream {
    /// The metric's name in events and `alarms.csv`: `CPUUtilization`, or
    /// `ApproximateNumberOfMessagesVisible / RunningTaskCount` for metric math.
    pub fn metric_name(&self) -> std::borrow::Cow<'static, str> {
        match self.divided_by {
            None => self.metric.metric_name().into(),
            Some(d) => format!("{} / {}", self.metric.metric_name(), d.metric.metric_name()).into(),
        }
    }
}

/// `SuspendedState`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SuspendedState {
    /// `DynamicScalingInSuspended`.
    pub dynamic_scaling_in: bool,
    /// `DynamicScalingOutSuspended`.
    pub dynamic_scaling_out: bool,
    /// `ScheduledScalingSuspended`.
    pub scheduled_scaling: bool,
}

/// A scalable target: an ECS service's DesiredCount with its bounds.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalableTargetSpec {
    /// Index into `Spec::services`.
    pub service: ServiceIdx,
    /// `MinCapacity`.
    pub min_capacity: u32,
    /// `MaxCapacity`.
    pub max_capacity: u32,
    /// `SuspendedState`.
    pub suspended: SuspendedState,
}

/// A target tracking policy.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetTrackingSpec {
    /// The metric it tracks.
    pub stream: MetricStream,
    /// Statistic of the managed alarms (Average; Sum for RequestCountPerTarget).
    pub statistic: Statistic,
    /// `TargetValue`.
    pub target_value: f64,
    /// `ScaleOutCooldown` (default 300 s for ECS).
    pub scale_out_cooldown: SimDuration,
    /// `ScaleInCooldown` (default 300 s for ECS).
    pub scale_in_cooldown: SimDuration,
    /// `DisableScaleIn`.
    pub disable_scale_in: bool,
}

/// A step scaling policy, driven by the CloudWatch alarms whose actions name it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepScalingSpec {
    /// Adjustment type, steps and minimum magnitude.
    pub params: StepScalingParams,
    /// `Cooldown` (default 300 s).
    pub cooldown: SimDuration,
}

/// What a policy does.
#[derive(Clone, Debug, PartialEq)]
pub enum PolicyKind {
    /// `TargetTrackingScaling`.
    TargetTracking(TargetTrackingSpec),
    /// `StepScaling`.
    StepScaling(StepScalingSpec),
    /// `PredictiveScaling`.
    PredictiveScaling(crate::spec::PredictiveScalingSpec),
}

/// A scaling policy on a service's scalable target.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalingPolicySpec {
    /// `PolicyName`.
    pub name: String,
    /// Index into `Spec::services`.
    pub service: ServiceIdx,
    /// The policy.
    pub kind: PolicyKind,
}

/// A CloudWatch alarm of `cloudWatch.alarms` (target tracking alarms are made by the engine).
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmSpec {
    /// `AlarmName`.
    pub name: String,
    /// The metric stream it watches.
    pub stream: MetricStream,
    /// `Statistic`.
    pub statistic: Statistic,
    /// `Period` as a number of the stream's datapoints (a 300 s period over 60 s datapoints is 5).
    pub datapoints_per_period: u32,
    /// Evaluation settings.
    pub config: AlarmConfig,
    /// Indices into `Spec::scaling_policies` of the step policies in `AlarmActions`.
    pub actions: Vec<usize>,
}

/// A CloudWatch alarm of `cloudWatch.alarms` on an Auto Scaling group's `AWS/EC2`
/// `CPUUtilization`, `NetworkIn` or `NetworkOut` (dimension `AutoScalingGroupName`), invoking the
/// group's step or simple policies.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupAlarmSpec {
    /// `AlarmName`.
    pub name: String,
    /// Index into `Spec::auto_scaling_groups`.
    pub group: usize,
    /// `MetricName`.
    pub metric: crate::spec::GroupMetric,
    /// `Period` as a number of one-minute datapoints.
    pub datapoints_per_period: u32,
    /// Evaluation settings.
    pub config: AlarmConfig,
    /// Indices into the group's `alarm_policies` of the policies in `AlarmActions`.
    pub actions: Vec<usize>,
}

/// A scheduled action (PutScheduledAction) on a service's scalable target.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduledActionSpec {
    /// `ScheduledActionName`.
    pub name: String,
    /// Index into `Spec::services`.
    pub service: ServiceIdx,
    /// `Schedule` with `Timezone`, `StartTime` and `EndTime`.
    pub schedule: ScheduleSpec,
    /// `ScalableTargetAction.MinCapacity`.
    pub min_capacity: Option<u32>,
    /// `ScalableTargetAction.MaxCapacity`.
    pub max_capacity: Option<u32>,
}

/// Latencies of the metrics pipeline: from the end of a metric period to the moment the alarm
/// evaluation sees its datapoint and Application Auto Scaling acts (reference 2.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricPipeline {
    /// For 60-second metrics (default 180 s: with three datapoints, about 363 s from a surge to a scale-out).
    pub standard_latency: SimDuration,
    /// For 20-second metrics (default 26 s: about 86 s from a surge to a scale-out).
    pub high_resolution_latency: SimDuration,
}

impl Default for MetricPipeline {
    fn default() -> Self {
        MetricPipeline {
            standard_latency: SimDuration::from_secs(180),
            high_resolution_latency: SimDuration::from_secs(26),
        }
    }
}

/// Everything about service auto scaling in a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AutoScalingSpec {
    /// Scalable targets (at most one per service).
    pub scalable_targets: Vec<ScalableTargetSpec>,
    /// Scaling policies.
    pub scaling_policies: Vec<ScalingPolicySpec>,
    /// User-defined CloudWatch alarms.
    pub alarms: Vec<AlarmSpec>,
    /// User-defined CloudWatch alarms on Auto Scaling groups.
    pub group_alarms: Vec<GroupAlarmSpec>,
    /// Scheduled actions.
    pub scheduled_actions: Vec<ScheduledActionSpec>,
}

impl AutoScalingSpec {
    /// The scalable target of `service`, if it has one.
    pub fn target_of(&self, service: ServiceIdx) -> Option<usize> {
        self.scalable_targets.iter().position(|t| t.service == service)
    }

    /// Whether a policy or alarm reads a load balancer metric of `service`.
    pub fn reads_alb_metrics_of(&self, service: ServiceIdx) -> bool {
        let policies = self.scaling_policies.iter().filter_map(|p| match &p.kind {
            PolicyKind::TargetTracking(tt) => Some(tt.stream),
            PolicyKind::StepScaling(_) | PolicyKind::PredictiveScaling(_) => None,
        });
        let mut streams = policies.chain(self.alarms.iter().map(|a| a.stream));
        streams.any(|s| {
            let metrics = std::iter::once(MetricOf {
                service: s.service,
                metric: s.metric,
            })
            .chain(s.divided_by);
            metrics
                .into_iter()
                .any(|m| m.service == service && m.metric.alb().is_some())
        })
    }
}
