//! Scheduled actions of `PutScheduledAction`, and the schedule, time zone and time fields
//! EventBridge Scheduler reads the same way.

use super::*;

pub(super) fn read_scheduled_action(
    node: &Node,
    path: &str,
    ctx: &Context<'_>,
    spec: &mut AutoScalingSpec,
    d: &mut Diagnostics,
) {
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
pub(in crate::scenario) fn read_schedule(
    o: &mut Obj<'_>,
    field: &'static str,
    d: &mut Diagnostics,
) -> Option<Schedule> {
    let schedule_path = o.child(field);
    let schedule_node = o.field(field);
    let text = o.required_string(field, "at(...), rate(...) or cron(...)", d);
    let (text, n) = (text?, schedule_node?);
    match parse_schedule(&text) {
        Ok(s) => Some(s),
        Err(e) => {
            // Point at the offending field inside the expression (after an opening quote).
            let mut loc = n.loc;
            let quoted = matches!(&n.value, crate::scenario::yaml::Value::Scalar { quoted: true, .. });
            loc.col += e.column - 1 + usize::from(quoted);
            d.error(loc, &schedule_path, format!("invalid schedule: {}", e.message), Some("AWS cron has six fields: minutes hours day-of-month month day-of-week year, e.g. cron(0 8 ? * MON-FRI *)".into()));
            None
        }
    }
}

/// `Timezone` (or EventBridge's `ScheduleExpressionTimezone`, as `field`): an IANA name; UTC
/// when absent.
pub(in crate::scenario) fn read_timezone(
    o: &mut Obj<'_>,
    field: &'static str,
    d: &mut Diagnostics,
) -> Option<chrono_tz::Tz> {
    let Some(tz) = o.string(field, d) else {
        return Some(chrono_tz::UTC);
    };
    match crate::scenario::time_zone::parse_time_zone(&tz) {
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
pub(in crate::scenario) fn read_time(o: &mut Obj<'_>, name: &'static str, d: &mut Diagnostics) -> Option<Option<i64>> {
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
