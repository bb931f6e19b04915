//! `cloudWatch.alarms` on an Auto Scaling group: `AWS/EC2` `CPUUtilization` with the dimension
//! `AutoScalingGroupName`, whose `AlarmActions` invoke the group's step and simple policies
//! (reference 7.1).

use super::alarms::{ALARM_IGNORED, ALARM_STATISTICS, read_alarm_config};
use super::*;
use crate::spec::{GroupAlarmSpec, GroupMetric};

/// The namespace of the EC2 metrics an Auto Scaling group's alarms watch.
pub(super) const EC2_NAMESPACE: &str = "AWS/EC2";

/// Reads an alarm whose `Namespace` is `AWS/EC2`.
pub(super) fn read_group_alarm(
    node: &Node,
    path: &str,
    ctx: &Context<'_>,
    spec: &mut AutoScalingSpec,
    d: &mut Diagnostics,
) {
    let Some(mut o) = object(node, path, d) else { return };
    let name = o.required_string("AlarmName", "the alarm name", d);
    o.required_one_of("Namespace", &[EC2_NAMESPACE], EC2_NAMESPACE, d);
    let metric = o
        .required_one_of(
            "MetricName",
            &["CPUUtilization", "NetworkIn", "NetworkOut"],
            "CPUUtilization, NetworkIn or NetworkOut",
            d,
        )
        .map(|m| match m {
            "CPUUtilization" => GroupMetric::CpuUtilization,
            "NetworkIn" => GroupMetric::NetworkIn,
            _ => GroupMetric::NetworkOut,
        });
    let statistic = read_statistic(&mut o, d);
    let period_loc = o.key_loc("Period");
    let period = o.required_int("Period", 10, 86_400, "seconds, 60 or a multiple of 60", d);
    let group = read_group_dimension(&mut o, ctx, d);
    let config = read_alarm_config(&mut o, d);
    let actions = read_group_actions(&mut o, group, ctx, d);
    o.ignore(ALARM_IGNORED);
    o.finish(d);
    let period = period.and_then(|p| {
        if p % 60 == 0 {
            return Some((p / 60) as u32);
        }
        d.error(
            period_loc,
            &format!("{path}.Period"),
            format!("Period {p} cannot be evaluated on EC2 metrics, which detailed monitoring publishes every 60 s"),
            Some("use 60 or a multiple of 60".into()),
        );
        None
    });
    let (Some(name), Some(metric), Some(_), Some(datapoints_per_period), Some(group), Some(config)) =
        (name, metric, statistic, period, group, config)
    else {
        return;
    };
    spec.group_alarms.push(GroupAlarmSpec {
        name,
        group,
        metric,
        datapoints_per_period,
        config,
        actions,
    });
}

/// `Statistic`: the group's CPUUtilization is simulated as the average over its instances.
fn read_statistic(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<()> {
    let loc = o.field("Statistic").map_or(o.loc, |n| n.loc);
    // Not `required_one_of`: the schema would then require it of every alarm, and a load
    // balancer alarm may give ExtendedStatistic instead.
    let Some(statistic) = o.one_of("Statistic", ALARM_STATISTICS, d) else {
        if !o.has("Statistic") {
            d.error(
                o.loc,
                &o.child("Statistic"),
                "missing required field `Statistic` (Average, the group's average CPU)",
                None,
            );
        }
        return None;
    };
    if statistic == "Average" {
        return Some(());
    }
    d.error(
        loc,
        &o.child("Statistic"),
        format!("the {statistic} of a group's metric is not simulated: ecsim computes the average over the group's instances"),
        Some("use Statistic: Average".into()),
    );
    None
}

/// `Dimensions: [{Name: AutoScalingGroupName, Value: ecs-m5}]` -> the group's index.
fn read_group_dimension(o: &mut Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<usize> {
    let dims_loc: Loc = o.key_loc("Dimensions");
    let dims_path = o.child("Dimensions");
    let mut group = None;
    let mut named = false;
    for (p, n) in o.list("Dimensions", d) {
        let Some(mut dim) = object(n, &p, d) else { continue };
        let dim_name = dim.one_of("Name", &["AutoScalingGroupName"], d);
        let value = dim.required_string("Value", "the dimension value", d);
        dim.finish(d);
        let (Some(_), Some(v)) = (dim_name, value) else {
            named = true;
            continue;
        };
        named = true;
        match ctx.groups.iter().position(|g| g.name == v) {
            Some(i) => group = Some(i),
            None if d.unread.covers(Declared::AutoScalingGroup, &v) => {}
            None => {
                let help =
                    closest(&v, ctx.groups.iter().map(|g| g.name.as_str())).map(|c| format!("did you mean `{c}`?"));
                d.error(
                    n.loc,
                    &format!("{p}.Value"),
                    format!("no Auto Scaling group named `{v}`"),
                    help,
                );
            }
        }
    }
    if !named {
        d.error(
            dims_loc,
            &dims_path,
            "an AWS/EC2 alarm needs an AutoScalingGroupName dimension naming one of the groups",
            None,
        );
    }
    group
}

/// `AlarmActions`: the group's step or simple policies, by ARN
/// (`...:autoScalingGroupName/<group>:policyName/<name>`) or by name.
fn read_group_actions(o: &mut Obj<'_>, group: Option<usize>, ctx: &Context<'_>, d: &mut Diagnostics) -> Vec<usize> {
    let mut actions = Vec::new();
    for (p, n) in o.list("AlarmActions", d) {
        let Some(arn) = as_string(n, &p, d) else { continue };
        // Without its group (reported already), the alarm's policies cannot be looked up.
        let Some(g) = group.map(|g| &ctx.groups[g]) else {
            continue;
        };
        let policy_name = arn.rsplit_once("policyName/").map_or(arn.as_str(), |(_, n)| n);
        if let Some(i) = g.alarm_policies.iter().position(|a| a.name == policy_name) {
            actions.push(i);
        } else if d.unread.covers(Declared::GroupScalingPolicy, policy_name) {
        } else if g.scaling_policies.iter().any(|t| t.name == policy_name) {
            d.error(
                n.loc,
                &p,
                format!("{policy_name} is a target tracking policy; EC2 Auto Scaling manages its alarms"),
                None,
            );
        } else {
            let names = g.alarm_policies.iter().map(|a| a.name.as_str());
            let help = closest(policy_name, names).map(|c| format!("did you mean `{c}`?"));
            d.error(
                n.loc,
                &p,
                format!(
                    "no step or simple scaling policy named `{policy_name}` on Auto Scaling group `{}`",
                    g.name
                ),
                help,
            );
        }
    }
    actions
}
