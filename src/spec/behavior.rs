//! Simulator-only settings: how long things take, how tasks serve load, and the run's limits.

use crate::model::fargate::{FARGATE_LINUX_ARM, FARGATE_LINUX_X86, FARGATE_SPOT_DISCOUNT, FargatePrice};
use crate::sim::SimDuration;
use crate::workload::latency::ServiceTime;

/// A random duration: lognormal with the given median and 95th percentile (equal = fixed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationDistribution {
    /// Median in milliseconds.
    pub median_ms: u64,
    /// 95th percentile in milliseconds (>= median).
    pub p95_ms: u64,
}

impl DurationDistribution {
    /// A fixed duration.
    pub const fn fixed(ms: u64) -> Self {
        DurationDistribution {
            median_ms: ms,
            p95_ms: ms,
        }
    }

    /// A lognormal duration from whole seconds.
    pub const fn secs(median: u64, p95: u64) -> Self {
        DurationDistribution {
            median_ms: median * 1000,
            p95_ms: p95 * 1000,
        }
    }
}

/// Per task-definition behaviour (family-wide or one revision).
#[derive(Clone, Debug, PartialEq)]
pub struct TaskBehavior {
    /// PENDING -> RUNNING: image pull and container start.
    pub start_time: DurationDistribution,
    /// Fargate PROVISIONING: capacity and ENI.
    pub fargate_provisioning_time: DurationDistribution,
    /// EC2 awsvpc PROVISIONING: ENI attachment.
    pub eni_attach_time: DurationDistribution,
    /// ACTIVATING: post-start work before RUNNING.
    pub activating_time: DurationDistribution,
    /// DEACTIVATING: pre-stop work (load balancer deregistration comes with deployments).
    pub deactivating_time: DurationDistribution,
    /// STOPPING: time for the containers to exit after SIGTERM (capped by stopTimeout).
    pub stop_time: DurationDistribution,
    /// DEPROVISIONING: ENI detach for awsvpc tasks.
    pub deprovisioning_time: DurationDistribution,
    /// A task without health checks counts as healthy this long after RUNNING (reference 8.1: 40 s).
    pub healthy_after_running: SimDuration,
    /// Requests per second one task serves at 100 % of its CPU reservation.
    pub requests_per_second_at_full_cpu: f64,
    /// Bytes a task receives per request served: its instance's `NetworkIn` (default 0).
    pub network_in_bytes_per_request: f64,
    /// Bytes a task sends per request served: its instance's `NetworkOut` (default 0).
    pub network_out_bytes_per_request: f64,
    /// CPU utilization of an idle task, percent of its reservation.
    pub idle_cpu_percent: f64,
    /// Memory utilization of an idle task, percent of its reservation.
    pub idle_memory_percent: f64,
    /// Memory utilization at full CPU, percent of its reservation.
    pub memory_percent_at_full_cpu: f64,
    /// Queue workers: messages per second one task processes at 100 % of its CPU reservation.
    pub messages_per_second_per_task: Option<f64>,
    /// Probability that a task's essential container exits before the task reaches RUNNING.
    pub start_failure_probability: f64,
    /// Probability that a RUNNING task's container health check fails (it turns UNHEALTHY).
    pub health_check_failure_probability: f64,
    /// `requestErrorRate`: the fraction of the requests this revision serves that fail (5xx),
    /// so a deployment alarm on the new revision's errors can catch it (default 0).
    pub request_error_rate: f64,
    /// How a task serves requests as a queue (`serviceTime` and `concurrency`); when set, it
    /// replaces `requests_per_second_at_full_cpu` and the service gets latency figures.
    pub service_model: Option<ServiceModel>,
    /// A standalone task's time in RUNNING before its essential container exits (`runTime`);
    /// `None`: it runs until the end of the run.
    pub run_time: Option<ServiceTime>,
    /// Probability that a standalone task's essential container exits with code 1 at the end of
    /// its run time (`failureProbability`) instead of 0.
    pub failure_probability: f64,
}

/// A task as `concurrency` slots, each serving one request at a time for a service time.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceModel {
    /// How long one request occupies one slot.
    pub service_time: ServiceTime,
    /// Requests one task serves at once (worker threads, connections), at least 1.
    pub concurrency: u32,
}

impl ServiceModel {
    /// Requests per second one task completes when every slot is busy: concurrency / mean.
    pub fn capacity_per_task_rps(&self) -> f64 {
        f64::from(self.concurrency) * 1_000.0 / self.service_time.mean_ms()
    }
}

/// Settings of the request latency estimate (issue 14).
#[derive(Clone, Debug, PartialEq)]
pub struct LatencyBehavior {
    /// A request that would wait longer than this times out (the ALB idle timeout, 60 s).
    pub timeout: SimDuration,
}

impl Default for LatencyBehavior {
    fn default() -> Self {
        LatencyBehavior {
            timeout: SimDuration::from_secs(60),
        }
    }
}

impl Default for TaskBehavior {
    fn default() -> Self {
        TaskBehavior {
            start_time: DurationDistribution::secs(15, 40),
            fargate_provisioning_time: DurationDistribution::secs(15, 30),
            eni_attach_time: DurationDistribution::secs(5, 10),
            activating_time: DurationDistribution::fixed(0),
            deactivating_time: DurationDistribution::fixed(0),
            stop_time: DurationDistribution::secs(2, 5),
            deprovisioning_time: DurationDistribution::secs(5, 10),
            healthy_after_running: SimDuration::from_secs(40),
            requests_per_second_at_full_cpu: 100.0,
            network_in_bytes_per_request: 0.0,
            network_out_bytes_per_request: 0.0,
            idle_cpu_percent: 2.0,
            idle_memory_percent: 30.0,
            memory_percent_at_full_cpu: 60.0,
            messages_per_second_per_task: None,
            start_failure_probability: 0.0,
            health_check_failure_probability: 0.0,
            request_error_rate: 0.0,
            service_model: None,
            run_time: None,
            failure_probability: 0.0,
        }
    }
}

/// How container instances behave.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceBehavior {
    /// EC2 launch to ECS registration.
    pub launch_time: DurationDistribution,
    /// CPU units held back from registration (agent and OS).
    pub agent_reserved_cpu_units: u32,
    /// Memory held back from registration (agent and OS), MiB.
    pub agent_reserved_memory_mib: u64,
    /// Dynamic host port range for bridge-mode tasks, inclusive (reference 9.5).
    pub dynamic_port_range: (u16, u16),
    /// The agent's `ECS_ENABLE_SPOT_INSTANCE_DRAINING`: a Spot instance drains at its two-minute
    /// interruption notice (reference 6.8; off by default, as on AWS).
    pub spot_instance_draining: bool,
    /// How long before a Spot Instance's two-minute interruption notice its EC2 instance
    /// rebalance recommendation arrives (AWS gives no figure: ecsim's choice, default 10 minutes).
    pub rebalance_recommendation_lead: SimDuration,
}

impl Default for InstanceBehavior {
    fn default() -> Self {
        InstanceBehavior {
            launch_time: DurationDistribution::secs(90, 150),
            agent_reserved_cpu_units: 0,
            agent_reserved_memory_mib: 512,
            dynamic_port_range: (32768, 60999),
            spot_instance_draining: false,
            rebalance_recommendation_lead: SimDuration::from_secs(600),
        }
    }
}

/// How ECS cluster auto scaling is timed and bounded.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterAutoScalingBehavior {
    /// From the minute ECS computes CapacityProviderReservation to the evaluation of the
    /// provider's alarms (AWS publishes no figure; 60 s is an assumption).
    pub metric_latency: SimDuration,
    /// Tasks in PROVISIONING counted per capacity provider when estimating instances (the
    /// "tasks in the PROVISIONING state per cluster" quota, 500).
    pub provisioning_task_limit: u32,
    /// How long a task waits in PROVISIONING for an instance of a managed-scaling provider before
    /// ECS stops it (AWS: "between 10 and 30 minutes"); the service scheduler then starts another.
    pub provisioning_timeout: SimDuration,
}

impl Default for ClusterAutoScalingBehavior {
    fn default() -> Self {
        ClusterAutoScalingBehavior {
            metric_latency: SimDuration::from_secs(60),
            provisioning_task_limit: 500,
            provisioning_timeout: SimDuration::from_secs(30 * 60),
        }
    }
}

/// FARGATE_SPOT interruptions as a random process.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FargateSpotBehavior {
    /// Interruptions per RUNNING FARGATE_SPOT task per hour (each task is interrupted after an
    /// exponential time of this rate). AWS publishes no rate: 0, the default, turns it off.
    pub interruptions_per_task_hour: f64,
}

/// What EventBridge-started standalone tasks do when interrupted (docs/aws-behaviour.md, A18).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EventBridgeBehavior {
    /// Start an interrupted task of an EventBridge target again, as another attempt, while the
    /// target's `RetryPolicy` allows (its attempts and event age), as a retry wrapper (a Step
    /// Functions loop, a function on the task's STOPPED event) would. AWS itself does not: the
    /// `RetryPolicy` governs the delivery of the RunTask call, which succeeded. Default false.
    pub retry_interrupted_tasks: bool,
}

/// Prices and discounts (reference 10.3; us-east-1 list prices as published 2021-2026).
#[derive(Clone, Debug, PartialEq)]
pub struct CostBehavior {
    /// Fargate Linux/x86_64 on-demand rates.
    pub fargate_linux_x86: FargatePrice,
    /// Fargate Linux/ARM64 on-demand rates.
    pub fargate_linux_arm: FargatePrice,
    /// FARGATE_SPOT discount off the on-demand rates, percent (AWS: "up to 70 %").
    pub fargate_spot_discount_percent: f64,
    /// EC2 Spot instances' discount off the catalog's on-demand price, percent. Real Spot prices
    /// vary by type, zone and hour; 70 is a typical discount for general-purpose types.
    pub ec2_spot_discount_percent: f64,
}

impl Default for CostBehavior {
    fn default() -> Self {
        CostBehavior {
            fargate_linux_x86: FARGATE_LINUX_X86,
            fargate_linux_arm: FARGATE_LINUX_ARM,
            fargate_spot_discount_percent: FARGATE_SPOT_DISCOUNT * 100.0,
            ec2_spot_discount_percent: DEFAULT_EC2_SPOT_DISCOUNT_PERCENT,
        }
    }
}

/// Default discount of EC2 Spot instances off on-demand, percent.
pub const DEFAULT_EC2_SPOT_DISCOUNT_PERCENT: f64 = 70.0;

/// Settings of the deployment controller where AWS leaves a choice (reference section 12).
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentBehavior {
    /// Tasks between RUNNING and STOPPED count toward maximumPercent (A7; default true, the
    /// conservative reading that matches real capacity use).
    pub stopping_counts_toward_maximum: bool,
    /// The circuit breaker's older minimum threshold of 10 instead of 3 (A14).
    pub legacy_circuit_breaker_minimum: bool,
    /// `bakeTimeWhenUnset`: the final bake of a LINEAR or CANARY deployment whose
    /// `bakeTimeInMinutes` is not given (AWS documents no default; 0).
    pub bake_time_when_unset: SimDuration,
    /// `lifecycleHookDuration`: how long one lifecycle hook (the user's Lambda function) takes
    /// to return SUCCEEDED or FAILED (default 30 s, AWS's callback interval).
    pub lifecycle_hook_duration: SimDuration,
    /// `lifecycleHookFailureProbability`: the chance that one hook invocation returns FAILED,
    /// which rolls the deployment back (default 0), drawn from the `lifecycle-hooks` stream.
    pub lifecycle_hook_failure_probability: f64,
    /// `rollingAlarmBakeTime`: how long a rolling deployment with deployment alarms keeps
    /// watching them after its tasks are replaced (reference 8.3); `None`, the default, derives
    /// it from the alarms (A24: the longest `Period x EvaluationPeriods`).
    pub rolling_alarm_bake_time: Option<SimDuration>,
}

impl Default for DeploymentBehavior {
    fn default() -> Self {
        DeploymentBehavior {
            stopping_counts_toward_maximum: true,
            legacy_circuit_breaker_minimum: false,
            bake_time_when_unset: SimDuration::ZERO,
            lifecycle_hook_duration: SimDuration::from_secs(30),
            lifecycle_hook_failure_probability: 0.0,
            rolling_alarm_bake_time: None,
        }
    }
}

/// All simulator-only settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Behavior {
    /// Behaviour per task definition, indexed like `Spec::task_definitions`.
    pub task_definitions: Vec<TaskBehavior>,
    /// Container instance behaviour.
    pub instances: InstanceBehavior,
    /// Load is sampled (with noise) once per step and held constant within it.
    pub load_step: SimDuration,
    /// Services start with their desired tasks already RUNNING and healthy.
    pub warm_start: bool,
    /// The run stops with an error after this many events (runaway guard).
    pub max_events: u64,
    /// Add one `events.csv` row per task state transition.
    pub task_events: bool,
    /// Latency from a metric period's end to the alarm evaluation that sees it.
    pub metric_pipeline: super::MetricPipeline,
    /// Timing and limits of ECS cluster auto scaling.
    pub cluster_auto_scaling: ClusterAutoScalingBehavior,
    /// Choices of the deployment controller.
    pub deployment: DeploymentBehavior,
    /// FARGATE_SPOT interruptions.
    pub fargate_spot: FargateSpotBehavior,
    /// Interrupted tasks of EventBridge targets.
    pub event_bridge: EventBridgeBehavior,
    /// Prices and discounts.
    pub cost: CostBehavior,
    /// The request latency estimate's settings.
    pub latency: LatencyBehavior,
}

impl Behavior {
    /// Defaults for `n` task definitions.
    pub fn with_task_definitions(n: usize) -> Self {
        Behavior {
            task_definitions: vec![TaskBehavior::default(); n],
            instances: InstanceBehavior::default(),
            load_step: SimDuration::from_secs(60),
            warm_start: true,
            max_events: 200_000_000,
            task_events: false,
            metric_pipeline: Default::default(),
            cluster_auto_scaling: Default::default(),
            deployment: Default::default(),
            fargate_spot: FargateSpotBehavior::default(),
            event_bridge: EventBridgeBehavior::default(),
            cost: CostBehavior::default(),
            latency: LatencyBehavior::default(),
        }
    }
}

impl Behavior {
    /// Whether some task definition has a service model (the run then writes latency figures).
    pub fn has_service_model(&self) -> bool {
        self.task_definitions.iter().any(|t| t.service_model.is_some())
    }
}
