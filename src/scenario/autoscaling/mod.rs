//! `applicationAutoScaling` and `cloudWatch.alarms`: targets, policies and alarms as AWS prints them.
//! This file reads the scalable targets and the policies' common fields; `policies.rs` the
//! target tracking and step configurations, `alarms.rs` the CloudWatch alarms, `scheduled.rs`
//! the scheduled actions and the schedule fields EventBridge Scheduler shares.

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
    AlarmSpec, AutoScalingGroupSpec, AutoScalingSpec, Behavior, MetricStream, PolicyKind, ScalableTargetSpec,
    ScalingPolicySpec, ScheduledActionSpec, ServiceMetric, ServiceSpec, StepScalingSpec, SuspendedState,
    TargetGroupSpec, TargetTrackingSpec,
};

mod alarms;
mod group_alarms;
mod policies;
mod predictive;
pub(super) mod predictive_behavior;
mod predictive_csv;
mod scheduled;

use alarms::read_alarm;
use policies::{read_step, read_target_tracking};
use predictive::read_predictive;
use scheduled::read_scheduled_action;
pub(super) use scheduled::{read_schedule, read_time, read_timezone};

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
    /// `ec2AutoScaling.autoScalingGroups` with their policies, which `AWS/EC2` alarms invoke.
    pub groups: &'a [AutoScalingGroupSpec],
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
            groups: &[],
            by_name,
            read: RefCell::default(),
        }
    }

    /// The same context, with the Auto Scaling groups whose policies alarms may invoke.
    pub fn with_groups(mut self, groups: &'a [AutoScalingGroupSpec]) -> Self {
        self.groups = groups;
        self
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
    for (gi, g) in ctx.groups.iter().enumerate() {
        for (i, policy) in g.alarm_policies.iter().enumerate() {
            let mut alarms = spec.group_alarms.iter().filter(|a| a.group == gi);
            if !alarms.any(|a| a.actions.contains(&i)) {
                d.not_yet_simulated.push(format!(
                    "EC2 Auto Scaling policy {} of group {} is not named in any cloudWatch.alarms AlarmActions, so nothing invokes it",
                    policy.name, g.name
                ));
            }
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
    if let Some(i) = found.filter(|i| ctx.services[*i].daemon) {
        d.error(
            loc,
            &path,
            format!(
                "service `{}` uses the DAEMON scheduling strategy: it has no desired count, so Service Auto Scaling cannot scale it",
                ctx.services[i].name
            ),
            Some("remove this entry: a DAEMON service runs one task on each matching container instance".into()),
        );
        return None;
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
    let predictive_node = o.field("PredictiveScalingPolicyConfiguration");
    let predictive_path = o.child("PredictiveScalingPolicyConfiguration");
    o.ignore(&["PolicyARN", "Alarms", "CreationTime"]);
    o.finish(d);
    let kind = match (policy_type.unwrap_or("StepScaling"), tt_node, step_node) {
        ("TargetTrackingScaling", Some(n), _) => {
            read_target_tracking(n, &tt_path, service, ctx, d).map(PolicyKind::TargetTracking)
        }
        ("StepScaling", _, Some(n)) => read_step(n, &step_path, d).map(PolicyKind::StepScaling),
        ("PredictiveScaling", _, _) if predictive_node.is_some() => predictive_node
            .and_then(|n| read_predictive(n, &predictive_path, d))
            .map(PolicyKind::PredictiveScaling),
        (t, _, _) => {
            let wanted = match t {
                "TargetTrackingScaling" => "TargetTrackingScalingPolicyConfiguration",
                "PredictiveScaling" => "PredictiveScalingPolicyConfiguration",
                _ => "StepScalingPolicyConfiguration",
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
