//! The resource an attribute points at (`cluster`, `target_group_arn`, `alarm_actions`), found
//! by its known value (a name, an id or an ARN) or, in a plan where the value is not known yet,
//! through the configuration's references; and the name each resource has in the scenario.

use serde_json::Value;

use super::refs::Model;
use super::show::Resource;

/// The name a resource is known by in the scenario (`None` when it has none yet).
pub fn name_of(r: &Resource) -> Option<String> {
    let key = match r.kind.as_str() {
        "aws_ecs_task_definition" => "family",
        "aws_appautoscaling_target" => "resource_id",
        "aws_cloudwatch_metric_alarm" => "alarm_name",
        _ => "name",
    };
    r.values
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The name inside an identifier of a resource of `kind`: an ARN's name part, or the value.
///
/// `arn:aws:ecs:us-east-1:123456789012:cluster/demo` -> `demo`;
/// `...:task-definition/web:3` -> `web`; `...:targetgroup/web/0123abcd` -> `web`;
/// `...:autoScalingGroupName/ecs` -> `ecs`; `...:policyName/up` -> `up`.
pub fn name_in_identifier(kind: &str, id: &str) -> String {
    let after = |marker: &str| id.split_once(marker).map(|(_, rest)| rest.to_string());
    let name = match kind {
        "aws_ecs_cluster" => after(":cluster/"),
        "aws_ecs_task_definition" => after(":task-definition/").or_else(|| Some(id.to_string())).map(|f| {
            // `family:revision`: the family.
            f.rsplit_once(':')
                .filter(|(_, r)| r.parse::<u32>().is_ok())
                .map_or(f.clone(), |(fam, _)| fam.to_string())
        }),
        "aws_lb_target_group" => after(":targetgroup/").map(|r| r.split('/').next().unwrap_or_default().to_string()),
        "aws_autoscaling_group" => after("autoScalingGroupName/"),
        "aws_appautoscaling_policy" => after("policyName/"),
        "aws_ecs_capacity_provider" => after(":capacity-provider/"),
        "aws_ecs_service" => after(":service/").map(|r| r.rsplit('/').next().unwrap_or_default().to_string()),
        _ => None,
    };
    name.unwrap_or_else(|| id.to_string())
}

/// A resource an attribute points at, and the reference that named it when a plan did not
/// know the attribute's value.
pub struct Linked {
    /// The resource (an index into the document's resources).
    pub resource: usize,
    /// The reference as written in the configuration, when it was followed.
    pub via: Option<String>,
}

/// Finds the resource of `kind` that attribute `argument` of resource `res` points at: the one
/// whose id, ARN or name is `known`, or, when the plan does not know the value, the one the
/// configuration's references name.
pub fn linked(model: &Model, res: usize, argument: &str, known: Option<&str>, kind: &str) -> Option<Linked> {
    if let Some(known) = known {
        return find_by_identifier(model, kind, known).map(|resource| Linked { resource, via: None });
    }
    let reference = model
        .references(res, argument)
        .into_iter()
        .find(|r| is_managed(model, r.resource, kind))?;
    Some(Linked {
        resource: reference.resource,
        via: Some(reference.written),
    })
}

/// Every resource of `kind` the attribute points at through the configuration's references
/// (a list such as `alarm_actions`), each with the reference as written.
pub fn linked_all(model: &Model, res: usize, argument: &str, kind: &str) -> Vec<(usize, String)> {
    model
        .references(res, argument)
        .into_iter()
        .filter(|r| is_managed(model, r.resource, kind))
        .map(|r| (r.resource, r.written))
        .collect()
}

/// The managed resource of `kind` whose `id`, `arn` or name is `id`, or whose name is the one
/// inside it.
pub fn find_by_identifier(model: &Model, kind: &str, id: &str) -> Option<usize> {
    let inner = name_in_identifier(kind, id);
    let matches = |r: &Resource, key: &str| r.values.get(key).and_then(Value::as_str) == Some(id);
    let managed = |r: &Resource| r.kind == kind && r.mode == "managed";
    let by_value = model
        .resources()
        .iter()
        .position(|r| managed(r) && (matches(r, "id") || matches(r, "arn")));
    by_value.or_else(|| {
        model
            .resources()
            .iter()
            .position(|r| managed(r) && name_of(r).as_deref() == Some(inner.as_str()))
    })
}

/// Whether resource `i` is a managed resource of `kind` (a data source of the same type is read,
/// not created, and is not imported).
fn is_managed(model: &Model, i: usize, kind: &str) -> bool {
    let r = &model.resources()[i];
    r.kind == kind && r.mode == "managed"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_out_of_arns() {
        for (kind, id, name) in [
            (
                "aws_ecs_cluster",
                "arn:aws:ecs:us-east-1:123456789012:cluster/demo",
                "demo",
            ),
            ("aws_ecs_cluster", "demo", "demo"),
            (
                "aws_ecs_task_definition",
                "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
                "web",
            ),
            ("aws_ecs_task_definition", "web:12", "web"),
            ("aws_ecs_task_definition", "web", "web"),
            (
                "aws_lb_target_group",
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/6d0ecf831eec9f09",
                "web-tg",
            ),
            (
                "aws_autoscaling_group",
                "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0a1b:autoScalingGroupName/ecs-m5",
                "ecs-m5",
            ),
            (
                "aws_appautoscaling_policy",
                "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0b1e:resource/ecs/service/demo/web:policyName/step-out",
                "step-out",
            ),
            (
                "aws_ecs_service",
                "arn:aws:ecs:us-east-1:123456789012:service/demo/web",
                "web",
            ),
        ] {
            assert_eq!(name_in_identifier(kind, id), name, "{id}");
        }
    }
}
