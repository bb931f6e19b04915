//! `applicationAutoScaling` and `cloudWatch.alarms`: targets, policies and alarms as AWS prints them.

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::alb_metric::{self, StatisticField};
use super::diag::{Declared, Diagnostics, closest};
use super::reader::{Obj, as_string, declared_name, object};
use super::yaml::{Loc, Node};
use crate::metrics::{AlarmConfig, Comparison, Statistic, TreatMissingData};
use crate::policy::schedule::{Schedule, ScheduleSpec, parse_schedule};
use crate::policy::step_scaling::{AdjustmentType, StepAdjustment, StepScalingParams, validate_steps};
use crate::sim::{ServiceIdx, SimDuration};
use crate::spec::{
    AlarmSpec, AutoScalingSpec, Behavior, MetricStream, PolicyKind, ScalableTargetSpec, ScalingPolicySpec,
    ScheduledActionSpec, ServiceMetric, ServiceSpec, StepScalingSpec, SuspendedState, TargetGroupSpec,
    TargetTrackingSpec,
};

const PREDEFINED: &[&str] = &[
    "ECSServiceAverageCPUUtilization",
    "ECSServiceAverageMemoryUtilization",
    "ALBRequestCountPerTarget",
    "ECSServiceAverageCPUUtilizationHighResolution",
    "ECSServiceAverageMemoryUtilizationHighResolution",
];

/// Names the reader needs to resolve `ResourceId`s, and what it has read so far, by service.
/// The maps are looked up, never iterated: resolving each of 10,000 targets and policies by a
/// scan made loading quadratic (issue 16).
pub struct Context<'a> {
    /// `clusterName`.
    pub cluster: &'a str,
    /// The services.
    pub services: &'a [ServiceSpec],
    /// `elasticLoadBalancing.targetGroups`, which the load balancer metrics name.
    pub target_groups: &'a [TargetGroupSpec],
    /// What the task definitions do (their service models).
    pub behavior: &'a Behavior,
    /// Each service name's first position.
    by_name: BTreeMap<&'a str, ServiceIdx>,
    /// The scalable target of each service read so far, and its target tracking policies.
    read: RefCell<ReadSoFar>,
}

#[derive(Default)]
struct ReadSoFar {
    targets: BTreeMap<ServiceIdx, usize>,
    tracking: BTreeMap<ServiceIdx, Vec<usize>>,
}

impl<'a> Context<'a> {
    /// The context of a scenario's cluster and services.
    pub fn new(
        cluster: &'a str,
        services: &'a [ServiceSpec],
        target_groups: &'a [TargetGroupSpec],
        behavior: &'a Behavior,
    ) -> Self {
        let mut by_name = BTreeMap::new();
        for (i, s) in services.iter().enumerate() {
            by_name.entry(s.name.as_str()).or_insert(ServiceIdx(i));
        }
        Context {
            cluster,
            services,
            target_groups,
            behavior,
            by_name,
            read: RefCell::default(),
        }
    }

    /// The service called `name`.
    pub fn service_named(&self, name: &str) -> Option<ServiceIdx> {
        self.by_name.get(name).copied()
    }

    /// The scalable target of `service` read so far (`AutoScalingSpec::target_of`, by lookup).
    fn target_of(&self, service: ServiceIdx) -> Option<usize> {
        self.read.borrow().targets.get(&service).copied()
    }
}

/// Reads `applicationAutoScaling` and `cloudWatch`.
pub fn read_auto_scaling(
    aas: Option<&Node>,
    cloud_watch: Option<&Node>,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> AutoScalingSpec {
    let mut spec = AutoScalingSpec::default();
    if let Some(node) = aas {
        if let Some(mut o) = object(node, "applicationAutoScaling", d) {
            for (p, n) in o.list("scalableTargets", d) {
                let before = spec.scalable_targets.len();
                read_target(n, &p, ctx, &mut spec, d);
                if spec.scalable_targets.len() == before {
                    // Which service it meant may be unreadable too: policies and scheduled
                    // actions of every service are then not told they lack a target.
                    d.unread.add(Declared::ScalableTarget, None);
                }
            }
            for (p, n) in o.list("scalingPolicies", d) {
                let before = spec.scaling_policies.len();
                read_policy(n, &p, ctx, &mut spec, d);
                if spec.scaling_policies.len() == before {
                    d.unread
                        .add(Declared::ScalingPolicy, declared_name(n, "PolicyName").as_deref());
                }
            }
            for (p, n) in o.list("scheduledActions", d) {
                read_scheduled_action(n, &p, ctx, &mut spec, d);
            }
            o.finish(d);
        }
    }
    if let Some(node) = cloud_watch {
        if let Some(mut o) = object(node, "cloudWatch", d) {
            for (p, n) in o.list("alarms", d) {
                let before = spec.alarms.len();
                read_alarm(n, &p, ctx, &mut spec, d);
                if spec.alarms.len() == before {
                    d.unread.add(Declared::Alarm, declared_name(n, "AlarmName").as_deref());
                }
            }
            o.finish(d);
        }
    }
    for (i, policy) in spec.scaling_policies.iter().enumerate() {
        if matches!(policy.kind, PolicyKind::StepScaling(_)) && !spec.alarms.iter().any(|a| a.actions.contains(&i)) {
            d.not_yet_simulated.push(format!(
                "step scaling policy {} is not named in any cloudWatch.alarms AlarmActions, so nothing invokes it",
                policy.name
            ));
        }
    }
    spec
}

/// Reads `ServiceNamespace`, `ScalableDimension` and `ResourceId`; returns the service index.
fn read_resource(o: &mut Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<ServiceIdx> {
    o.one_of("ServiceNamespace", &["ecs"], d);
    o.one_of("ScalableDimension", &["ecs:service:DesiredCount"], d);
    let path = o.child("ResourceId");
    let loc = o.field("ResourceId").map(|n| n.loc);
    let resource = o.required_string("ResourceId", "service/<clusterName>/<serviceName>", d)?;
    let loc = loc.unwrap_or(o.loc);
    let parts: Vec<&str> = resource.split('/').collect();
    let ["service", cluster, service] = parts.as_slice() else {
        d.error(
            loc,
            &path,
            format!("`{resource}` is not an ECS service resource id"),
            Some(format!("write service/{}/<serviceName>", ctx.cluster)),
        );
        return None;
    };
    if *cluster != ctx.cluster && d.unread.covers(Declared::Cluster, cluster) {
        return None;
    }
    if *cluster != ctx.cluster {
        d.error(
            loc,
            &path,
            format!("cluster `{cluster}` is not the scenario's cluster `{}`", ctx.cluster),
            Some(format!("write service/{}/{service}", ctx.cluster)),
        );
        return None;
    }
    let found = ctx.service_named(service);
    if found.is_none() && !d.unread.covers(Declared::Service, service) {
        let help = closest(service, ctx.services.iter().map(|s| s.name.as_str()))
            .map(|c| format!("did you mean `service/{}/{c}`?", ctx.cluster));
        d.error(
            loc,
            &path,
            format!("no service named `{service}` in ecs.services"),
            help,
        );
    }
    found
}

fn read_target(node: &Node, path: &str, ctx: &Context<'_>, spec: &mut AutoScalingSpec, d: &mut Diagnostics) {
    let Some(mut o) = object(node, path, d) else { return };
    let service = read_resource(&mut o, ctx, d);
    let min = o.required_int("MinCapacity", 0, 100_000, "the fewest tasks", d);
    let max = o.required_int("MaxCapacity", 0, 100_000, "the most tasks", d);
    let mut suspended = SuspendedState::default();
    if let Some(n) = o.field("SuspendedState") {
        if let Some(mut s) = object(n, &o.child("SuspendedState"), d) {
            suspended.dynamic_scaling_in = s.boolean("DynamicScalingInSuspended", d).unwrap_or(false);
            suspended.dynamic_scaling_out = s.boolean("DynamicScalingOutSuspended", d).unwrap_or(false);
            suspended.scheduled_scaling = s.boolean("ScheduledScalingSuspended", d).unwrap_or(false);
            s.finish(d);
        }
    }
    let max_loc = o.key_loc("MaxCapacity");
    o.ignore(&["RoleARN", "CreationTime", "ScalableTargetARN", "Tags"]);
    o.finish(d);
    let (Some(service), Some(min), Some(max)) = (service, min, max) else {
        return;
    };
    if max < min {
        d.error(
            max_loc,
            &format!("{path}.MaxCapacity"),
            format!("MaxCapacity ({max}) must not be below MinCapacity ({min})"),
            None,
        );
        return;
    }
    if ctx.target_of(service).is_some() {
        d.error(
            node.loc,
            path,
            format!("service `{}` already has a scalable target", ctx.services[service].name),
            None,
        );
        return;
    }
    ctx.read
        .borrow_mut()
        .targets
        .insert(service, spec.scalable_targets.len());
    spec.scalable_targets.push(ScalableTargetSpec {
        service,
        min_capacity: min as u32,
        max_capacity: max as u32,
        suspended,
    });
}

fn read_policy(node: &Node, path: &str, ctx: &Context<'_>, spec: &mut AutoScalingSpec, d: &mut Diagnostics) {
    let Some(mut o) = object(node, path, d) else { return };
    let name = o.required_string("PolicyName", "the policy name", d);
    let service = read_resource(&mut o, ctx, d);
    let policy_type = o.one_of(
        "PolicyType",
        &["TargetTrackingScaling", "StepScaling", "PredictiveScaling"],
        d,
    );
    let tt_node = o.field("TargetTrackingScalingPolicyConfiguration");
    let tt_path = o.child("TargetTrackingScalingPolicyConfiguration");
    let step_node = o.field("StepScalingPolicyConfiguration");
    let step_path = o.child("StepScalingPolicyConfiguration");
    let type_loc = o.key_loc("PolicyType");
    o.ignore(&["PolicyARN", "Alarms", "CreationTime"]);
    o.finish(d);
    let kind = match (policy_type.unwrap_or("StepScaling"), tt_node, step_node) {
        ("TargetTrackingScaling", Some(n), _) => {
            read_target_tracking(n, &tt_path, service, ctx, d).map(PolicyKind::TargetTracking)
        }
        ("StepScaling", _, Some(n)) => read_step(n, &step_path, d).map(PolicyKind::StepScaling),
        ("PredictiveScaling", _, _) => {
            d.error(
                type_loc,
                &format!("{path}.PolicyType"),
                "PredictiveScaling is not simulated",
                None,
            );
            None
        }
        (t, _, _) => {
            let wanted = if t == "TargetTrackingScaling" {
                "TargetTrackingScalingPolicyConfiguration"
            } else {
                "StepScalingPolicyConfiguration"
            };
            d.error(node.loc, path, format!("a {t} policy needs {wanted}"), None);
            None
        }
    };
    if let (Some(name), Some(service), Some(kind)) = (name, service, kind) {
        add_policy(ScalingPolicySpec { name, service, kind }, node.loc, path, ctx, spec, d);
    }
}

/// Adds `policy` unless its service has no scalable target or another target tracking policy of
/// the service tracks the same metric.
fn add_policy(
    policy: ScalingPolicySpec,
    loc: Loc,
    path: &str,
    ctx: &Context<'_>,
    spec: &mut AutoScalingSpec,
    d: &mut Diagnostics,
) {
    let (name, service) = (&policy.name, policy.service);
    let unread = d.unread.covers(Declared::ScalableTarget, &ctx.services[service].name);
    if ctx.target_of(service).is_none() && unread {
        return;
    }
    if ctx.target_of(service).is_none() {
        d.error(
            loc,
            &format!("{path}.ResourceId"),
            format!(
                "policy {name} scales service `{}`, which has no scalable target",
                ctx.services[service].name
            ),
            Some("register one in applicationAutoScaling.scalableTargets".into()),
        );
        return;
    }
    if let PolicyKind::TargetTracking(tt) = &policy.kind {
        let read = ctx.read.borrow();
        let same_metric = read.tracking.get(&service).is_some_and(|policies| {
            policies.iter().any(
                |&p| matches!(&spec.scaling_policies[p].kind, PolicyKind::TargetTracking(o) if o.stream == tt.stream),
            )
        });
        drop(read);
        if same_metric {
            d.error(
                loc,
                path,
                format!("policy {name}: each target tracking policy of a service must use a different metric"),
                None,
            );
            return;
        }
    }
    if matches!(policy.kind, PolicyKind::TargetTracking(_)) {
        let index = spec.scaling_policies.len();
        ctx.read.borrow_mut().tracking.entry(service).or_default().push(index);
    }
    spec.scaling_policies.push(policy);
}

fn read_target_tracking(
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
        tracked = super::customized_metric::read_customized_metric(n, &custom_path, ctx, d);
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

fn read_step(node: &Node, path: &str, d: &mut Diagnostics) -> Option<StepScalingSpec> {
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

const ALARM_IGNORED: &[&str] = &[
    "AlarmArn",
    "AlarmDescription",
    "ActionsEnabled",
    "OKActions",
    "InsufficientDataActions",
    "StateValue",
    "StateReason",
    "StateReasonData",
    "StateUpdatedTimestamp",
    "AlarmConfigurationUpdatedTimestamp",
    "Unit",
    "EvaluateLowSampleCountPercentile",
    "StateTransitionedTimestamp",
    "Tags",
];

fn read_alarm(node: &Node, path: &str, ctx: &Context<'_>, spec: &mut AutoScalingSpec, d: &mut Diagnostics) {
    let Some(mut o) = object(node, path, d) else { return };
    let name = o.required_string("AlarmName", "the alarm name", d);
    let watched = read_watched_metric(&mut o, ctx, d);
    let config = read_alarm_config(&mut o, d);
    let actions = read_alarm_actions(&mut o, spec, d);
    o.ignore(ALARM_IGNORED);
    o.finish(d);
    let (Some(name), Some(watched), Some(config)) = (name, watched, config) else {
        return;
    };
    let Some((high_resolution, datapoints_per_period)) = evaluation_period(&watched, path, d) else {
        return;
    };
    let (m, n) = (config.datapoints_to_alarm, config.evaluation_periods);
    if m > n {
        d.error(
            node.loc,
            &format!("{path}.DatapointsToAlarm"),
            format!("DatapointsToAlarm ({m}) must not exceed EvaluationPeriods ({n})"),
            None,
        );
        return;
    }
    spec.alarms.push(AlarmSpec {
        name,
        stream: MetricStream {
            service: watched.service,
            metric: watched.metric,
            high_resolution,
            divided_by: None,
        },
        statistic: watched.statistic,
        datapoints_per_period,
        config,
        actions,
    });
}

/// The metric an alarm watches: `Namespace`, `MetricName`, `Statistic` or `ExtendedStatistic`,
/// `Dimensions` and `Period`.
struct WatchedMetric {
    service: ServiceIdx,
    metric: ServiceMetric,
    /// `Statistic` (a load balancer metric carries its statistic itself).
    statistic: Statistic,
    period: i64,
    period_loc: Loc,
}

/// The statistics of `PutMetricAlarm`'s `Statistic`.
const ALARM_STATISTICS: &[&str] = &["Average", "Sum", "Minimum", "Maximum", "SampleCount"];

fn read_watched_metric(o: &mut Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<WatchedMetric> {
    let namespace = o.required_one_of(
        "Namespace",
        &["AWS/ECS", alb_metric::NAMESPACE],
        "AWS/ECS or AWS/ApplicationELB",
        d,
    );
    let period_loc = o.key_loc("Period");
    let period = o.required_int("Period", 10, 86_400, "seconds, 60 or a multiple of 60", d);
    let watched = if namespace == Some(alb_metric::NAMESPACE) {
        read_alb_watched(o, ctx, d)
    } else {
        read_ecs_watched(o, ctx, d)
    };
    let (service, metric, statistic) = watched?;
    namespace?;
    Some(WatchedMetric {
        service,
        metric,
        statistic,
        period: period?,
        period_loc,
    })
}

/// `Statistic` (optional where `ExtendedStatistic` may replace it): its text, reported when it is
/// a percentile (which goes in `ExtendedStatistic`) or not a statistic.
fn read_alarm_statistic(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<&'static str> {
    if let Some(n) = o.field("Statistic") {
        let text = match &n.value {
            super::yaml::Value::Scalar { text, .. } => Some(text.as_str()),
            _ => None,
        };
        if let Some(text) = text.filter(|t| alb_metric::is_percentile(t)) {
            d.error(
                n.loc,
                &o.child("Statistic"),
                format!("Statistic cannot be the percentile `{text}`"),
                Some("write it as ExtendedStatistic instead".into()),
            );
            return None;
        }
    }
    o.one_of("Statistic", ALARM_STATISTICS, d)
}

/// Reports that neither `Statistic` nor `ExtendedStatistic` is given.
fn missing_statistic(o: &Obj<'_>, d: &mut Diagnostics) {
    d.error(
        o.loc,
        &o.child("Statistic"),
        "missing required field `Statistic` (e.g. Average)",
        Some("or give ExtendedStatistic, a percentile such as p99 (AWS/ApplicationELB TargetResponseTime)".into()),
    );
}

/// `MetricName`, `Statistic` and `Dimensions` of an `AWS/ECS` metric.
fn read_ecs_watched(
    o: &mut Obj<'_>,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> Option<(ServiceIdx, ServiceMetric, Statistic)> {
    let metric = o.required_one_of(
        "MetricName",
        &["CPUUtilization", "MemoryUtilization"],
        "CPUUtilization or MemoryUtilization",
        d,
    );
    let given = o.has("Statistic");
    let statistic = read_alarm_statistic(o, d).and_then(Statistic::from_aws);
    let extended_loc = o.key_loc("ExtendedStatistic");
    if o.string("ExtendedStatistic", d).is_some() {
        d.error(
            extended_loc,
            &o.child("ExtendedStatistic"),
            "percentiles of AWS/ECS metrics are not available: ECS publishes one statistic set a minute",
            Some("use Statistic (e.g. Average); percentiles are for AWS/ApplicationELB TargetResponseTime".into()),
        );
        return None;
    }
    if !given {
        missing_statistic(o, d);
    }
    let service = read_dimensions(o, ctx, d);
    let metric = if metric? == "CPUUtilization" {
        ServiceMetric::CpuUtilization
    } else {
        ServiceMetric::MemoryUtilization
    };
    Some((service?, metric, statistic?))
}

/// `MetricName`, `Statistic` or `ExtendedStatistic`, and `Dimensions` of an
/// `AWS/ApplicationELB` metric: the service behind the target group, and the metric with its
/// statistic.
fn read_alb_watched(
    o: &mut Obj<'_>,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> Option<(ServiceIdx, ServiceMetric, Statistic)> {
    let name_path = o.child("MetricName");
    let name_loc = o.field("MetricName").map_or(o.loc, |n| n.loc);
    let name = o.required_string("MetricName", "e.g. TargetResponseTime", d);
    let metric = name.and_then(|n| alb_metric::metric_named(&n, name_loc, &name_path, d));
    let statistic_loc = o.field("Statistic").map_or(o.loc, |n| n.loc);
    let statistic = read_alarm_statistic(o, d);
    let extended_path = o.child("ExtendedStatistic");
    let extended_loc = o.field("ExtendedStatistic").map_or(o.loc, |n| n.loc);
    let extended = o.string("ExtendedStatistic", d);
    let dims_loc = o.key_loc("Dimensions");
    let dims_path = o.child("Dimensions");
    let dims = super::customized_metric::read_dimension_list(o, d);
    let metric = metric?;
    let service = alb_metric::target_group_service(metric, &dims, (dims_loc, &dims_path), ctx, d);
    let statistic = match (o.has("Statistic"), statistic, extended) {
        (true, _, Some(_)) => {
            d.error(
                extended_loc,
                &extended_path,
                "give Statistic or ExtendedStatistic, not both",
                None,
            );
            None
        }
        (_, Some(text), None) => alb_metric::statistic_of(
            metric,
            text,
            (statistic_loc, &o.child("Statistic")),
            StatisticField::AlarmStatistic,
            d,
        ),
        (false, _, Some(text)) => alb_metric::statistic_of(
            metric,
            &text,
            (extended_loc, &extended_path),
            StatisticField::AlarmExtendedStatistic,
            d,
        ),
        (false, _, None) => {
            missing_statistic(o, d);
            None
        }
        (true, None, None) => None,
    };
    Some((
        service?,
        ServiceMetric::Alb {
            metric,
            statistic: statistic?,
        },
        Statistic::Average,
    ))
}

/// `EvaluationPeriods`, `DatapointsToAlarm` (N when absent; not yet checked against N),
/// `Threshold`, `ComparisonOperator` and `TreatMissingData`.
fn read_alarm_config(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<AlarmConfig> {
    let n = o.required_int("EvaluationPeriods", 1, 100_000, "N of M of N", d);
    let m = o.int("DatapointsToAlarm", 1, 100_000, d);
    let threshold = o.required_number("Threshold", f64::MIN, f64::MAX, "the value to compare with", d);
    let comparison = o
        .required_one_of(
            "ComparisonOperator",
            &[
                "GreaterThanOrEqualToThreshold",
                "GreaterThanThreshold",
                "LessThanThreshold",
                "LessThanOrEqualToThreshold",
            ],
            "e.g. GreaterThanThreshold",
            d,
        )
        .and_then(Comparison::from_aws);
    let treat = o
        .one_of(
            "TreatMissingData",
            &["missing", "ignore", "breaching", "notBreaching"],
            d,
        )
        .map_or(Some(TreatMissingData::Missing), TreatMissingData::from_aws);
    let n = n?;
    Some(AlarmConfig {
        evaluation_periods: n as u32,
        datapoints_to_alarm: m.unwrap_or(n) as u32,
        threshold: threshold?,
        comparison: comparison?,
        treat_missing_data: treat?,
    })
}

/// Whether the alarm's `Period` reads high-resolution metrics, and how many 60 s datapoints it
/// spans; `None` (reported) for a period ECS metrics cannot fill.
fn evaluation_period(watched: &WatchedMetric, path: &str, d: &mut Diagnostics) -> Option<(bool, u32)> {
    let period = watched.period;
    let alb = watched.metric.alb().is_some();
    match period {
        20 if !alb => Some((true, 1)),
        p if p % 60 == 0 => Some((false, (p / 60) as u32)),
        _ => {
            let (message, help) = if alb {
                (
                    format!(
                        "Period {period} cannot be evaluated on load balancer metrics, which are published every 60 s"
                    ),
                    "use 60 or a multiple of 60",
                )
            } else {
                (
                    format!(
                        "Period {period} cannot be evaluated on ECS metrics, which are published every 60 s (or 20 s at high resolution)"
                    ),
                    "use 60, a multiple of 60, or 20",
                )
            };
            d.error(
                watched.period_loc,
                &format!("{path}.Period"),
                message,
                Some(help.into()),
            );
            None
        }
    }
}

/// `AlarmActions`: the step scaling policies the alarm invokes, by ARN or name.
fn read_alarm_actions(o: &mut Obj<'_>, spec: &AutoScalingSpec, d: &mut Diagnostics) -> Vec<usize> {
    let mut actions = Vec::new();
    for (p, n) in o.list("AlarmActions", d) {
        let Some(arn) = as_string(n, &p, d) else { continue };
        let policy_name = arn.rsplit_once("policyName/").map_or(arn.as_str(), |(_, n)| n);
        match spec.scaling_policies.iter().position(|sp| sp.name == policy_name) {
            Some(i) if matches!(spec.scaling_policies[i].kind, PolicyKind::StepScaling(_)) => actions.push(i),
            Some(_) => d.error(
                n.loc,
                &p,
                format!(
                    "{policy_name} is a target tracking policy; its alarms are managed by Application Auto Scaling"
                ),
                None,
            ),
            None if d.unread.covers(Declared::ScalingPolicy, policy_name) => {}
            None => {
                let help = closest(policy_name, spec.scaling_policies.iter().map(|sp| sp.name.as_str()))
                    .map(|c| format!("did you mean `{c}`?"));
                d.error(n.loc, &p, format!("no scaling policy named `{policy_name}`"), help);
            }
        }
    }
    actions
}

/// `Dimensions: [{Name: ClusterName, Value: demo}, {Name: ServiceName, Value: web}]` -> the service.
fn read_dimensions(o: &mut Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<ServiceIdx> {
    let dims_loc: Loc = o.key_loc("Dimensions");
    let dims_path = o.child("Dimensions");
    let mut service = None;
    let mut cluster_ok = true;
    for (p, n) in o.list("Dimensions", d) {
        let Some(mut dim) = object(n, &p, d) else { continue };
        let name = dim.one_of("Name", &["ClusterName", "ServiceName"], d);
        let value = dim.required_string("Value", "the dimension value", d);
        dim.finish(d);
        match (name, value) {
            (Some("ClusterName"), Some(v)) if v != ctx.cluster && d.unread.covers(Declared::Cluster, &v) => {
                cluster_ok = false;
            }
            (Some("ClusterName"), Some(v)) if v != ctx.cluster => {
                d.error(
                    n.loc,
                    &format!("{p}.Value"),
                    format!("cluster `{v}` is not the scenario's cluster `{}`", ctx.cluster),
                    None,
                );
                cluster_ok = false;
            }
            (Some("ServiceName"), Some(v)) => match ctx.service_named(&v) {
                Some(i) => service = Some(i),
                None if d.unread.covers(Declared::Service, &v) => cluster_ok = false,
                None => {
                    let help = closest(&v, ctx.services.iter().map(|s| s.name.as_str()))
                        .map(|c| format!("did you mean `{c}`?"));
                    d.error(n.loc, &format!("{p}.Value"), format!("no service named `{v}`"), help);
                    cluster_ok = false;
                }
            },
            _ => {}
        }
    }
    if service.is_none() && cluster_ok {
        d.error(
            dims_loc,
            &dims_path,
            "the alarm needs a ServiceName dimension naming one of the services",
            None,
        );
    }
    service
}

fn read_scheduled_action(node: &Node, path: &str, ctx: &Context<'_>, spec: &mut AutoScalingSpec, d: &mut Diagnostics) {
    let Some(mut o) = object(node, path, d) else { return };
    let name = o.required_string("ScheduledActionName", "the action name", d);
    let service = read_resource(&mut o, ctx, d);
    let schedule = read_schedule_spec(&mut o, d);
    let action_loc = o.key_loc("ScalableTargetAction");
    let (min_capacity, max_capacity) = read_scalable_target_action(&mut o, d);
    o.ignore(&["ScheduledActionARN", "CreationTime"]);
    o.finish(d);
    let (Some(name), Some(service), Some(schedule)) = (name, service, schedule) else {
        return;
    };
    let action = ScheduledActionSpec {
        name,
        service,
        schedule,
        min_capacity,
        max_capacity,
    };
    if check_scheduled_action(&action, spec, (node.loc, action_loc), path, ctx, d) {
        spec.scheduled_actions.push(action);
    }
}

/// `Schedule`, `Timezone`, `StartTime` and `EndTime` of a scheduled action.
fn read_schedule_spec(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<ScheduleSpec> {
    let schedule = read_schedule(o, "Schedule", d);
    let timezone = read_timezone(o, "Timezone", d);
    let start = read_time(o, "StartTime", d);
    let end = read_time(o, "EndTime", d);
    Some(ScheduleSpec {
        schedule: schedule?,
        timezone: timezone?,
        start_ms: start?,
        end_ms: end?,
    })
}

/// `Schedule` (or EventBridge's `ScheduleExpression`, as `field`): `at(...)`, `rate(...)` or
/// `cron(...)`; a parse error points into the expression.
pub(super) fn read_schedule(o: &mut Obj<'_>, field: &'static str, d: &mut Diagnostics) -> Option<Schedule> {
    let schedule_path = o.child(field);
    let schedule_node = o.field(field);
    let text = o.required_string(field, "at(...), rate(...) or cron(...)", d);
    let (text, n) = (text?, schedule_node?);
    match parse_schedule(&text) {
        Ok(s) => Some(s),
        Err(e) => {
            // Point at the offending field inside the expression (after an opening quote).
            let mut loc = n.loc;
            let quoted = matches!(&n.value, super::yaml::Value::Scalar { quoted: true, .. });
            loc.col += e.column - 1 + usize::from(quoted);
            d.error(loc, &schedule_path, format!("invalid schedule: {}", e.message), Some("AWS cron has six fields: minutes hours day-of-month month day-of-week year, e.g. cron(0 8 ? * MON-FRI *)".into()));
            None
        }
    }
}

/// `Timezone` (or EventBridge's `ScheduleExpressionTimezone`, as `field`): an IANA name; UTC
/// when absent.
pub(super) fn read_timezone(o: &mut Obj<'_>, field: &'static str, d: &mut Diagnostics) -> Option<chrono_tz::Tz> {
    let Some(tz) = o.string(field, d) else {
        return Some(chrono_tz::UTC);
    };
    match super::time_zone::parse_time_zone(&tz) {
        Ok(tz) => Some(tz),
        Err(help) => {
            d.error(
                o.key_loc(field),
                &o.child(field),
                format!("unknown time zone `{tz}`"),
                Some(help),
            );
            None
        }
    }
}

/// `ScalableTargetAction`: the new `MinCapacity` and `MaxCapacity`, each optional.
fn read_scalable_target_action(o: &mut Obj<'_>, d: &mut Diagnostics) -> (Option<u32>, Option<u32>) {
    let (mut min, mut max) = (None, None);
    let action_path = o.child("ScalableTargetAction");
    if let Some(n) = o.required_field("ScalableTargetAction", "MinCapacity and/or MaxCapacity", d) {
        if let Some(mut a) = object(n, &action_path, d) {
            min = a.int("MinCapacity", 0, 100_000, d).map(|v| v as u32);
            max = a.int("MaxCapacity", 0, 100_000, d).map(|v| v as u32);
            a.finish(d);
        }
    }
    (min, max)
}

/// Whether `action` can apply: it gives a capacity, its service has a scalable target, and it
/// leaves MinCapacity at most MaxCapacity. `loc` is where the action is, `action_loc` its
/// ScalableTargetAction key.
fn check_scheduled_action(
    action: &ScheduledActionSpec,
    spec: &AutoScalingSpec,
    (loc, action_loc): (Loc, Loc),
    path: &str,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> bool {
    let action_path = format!("{path}.ScalableTargetAction");
    let (min, max) = (action.min_capacity, action.max_capacity);
    if min.is_none() && max.is_none() {
        d.error(
            action_loc,
            &action_path,
            "ScalableTargetAction needs MinCapacity, MaxCapacity or both",
            None,
        );
        return false;
    }
    let Some(t) = ctx.target_of(action.service) else {
        if d.unread
            .covers(Declared::ScalableTarget, &ctx.services[action.service].name)
        {
            return false;
        }
        d.error(
            loc,
            &format!("{path}.ResourceId"),
            format!(
                "scheduled action {} scales service `{}`, which has no scalable target",
                action.name, ctx.services[action.service].name
            ),
            Some("register one in applicationAutoScaling.scalableTargets".into()),
        );
        return false;
    };
    let target = &spec.scalable_targets[t];
    // Reference 4.3: a lone Min above the current Max (or Max below Min) must give both.
    let (new_min, new_max) = (min.unwrap_or(target.min_capacity), max.unwrap_or(target.max_capacity));
    if new_min > new_max {
        d.error(
            action_loc,
            &action_path,
            format!("this action would make MinCapacity {new_min} greater than MaxCapacity {new_max}"),
            Some("give both MinCapacity and MaxCapacity".into()),
        );
        return false;
    }
    true
}

/// `StartTime` / `EndTime`: timestamps as the AWS CLI prints them (UTC); `Some(None)` when absent.
pub(super) fn read_time(o: &mut Obj<'_>, name: &'static str, d: &mut Diagnostics) -> Option<Option<i64>> {
    let Some(text) = o.string(name, d) else {
        return Some(None);
    };
    let parsed = chrono::DateTime::parse_from_rfc3339(&text)
        .map(|t| t.timestamp_millis())
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S").map(|t| t.and_utc().timestamp_millis())
        });
    match parsed {
        Ok(ms) => Some(Some(ms)),
        Err(_) => {
            d.error(
                o.key_loc(name),
                &o.child(name),
                format!("expected a time such as 2026-03-02T08:00:00Z, found `{text}`"),
                None,
            );
            None
        }
    }
}
