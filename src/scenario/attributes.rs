//! `ecs.attributes`: custom container-instance attributes, put on every instance of an Auto Scaling group.
//!
//! AWS sets custom attributes with `PutAttributes` on container-instance ARNs, which a scenario
//! cannot name before the instances exist; the simulator attaches them by Auto Scaling group
//! instead and applies them when each instance launches. Names and values follow reference 9.4.

use super::diag::{Diagnostics, closest};
use super::reader::{as_list, object};
use super::yaml::{Loc, Node};
use crate::policy::placement::cql::validate_attribute_name;
use crate::spec::{AutoScalingGroupSpec, InstanceAttributeSpec};

/// Reads `ecs.attributes: [{name, value, autoScalingGroup}]`.
pub fn read_instance_attributes(
    node: Option<&Node>,
    groups: &[AutoScalingGroupSpec],
    d: &mut Diagnostics,
) -> Vec<InstanceAttributeSpec> {
    let Some(node) = node else { return Vec::new() };
    let mut out: Vec<InstanceAttributeSpec> = Vec::new();
    for (path, n) in as_list(node, "ecs.attributes", d) {
        let Some(mut o) = object(n, &path, d) else { continue };
        let name = o.required_string("name", "the attribute name", d);
        let value = o.required_string("value", "the attribute value", d);
        let group = o.required_string("autoScalingGroup", "the Auto Scaling group whose instances get it", d);
        let (name_loc, value_loc, group_loc) = (o.key_loc("name"), o.key_loc("value"), o.key_loc("autoScalingGroup"));
        o.finish(d);
        let name = name.filter(|name| check_attribute_name(name, name_loc, &path, d));
        let value = value.filter(|value| match attribute_value_problem(value) {
            Some(message) => {
                d.error(value_loc, &format!("{path}.value"), message, None);
                false
            }
            None => true,
        });
        let group = group.and_then(|g| resolve_group(&g, group_loc, &path, groups, d));
        let (Some(name), Some(value), Some(group)) = (name, value, group) else {
            continue;
        };
        if out.iter().any(|a| a.auto_scaling_group == group && a.name == name) {
            d.error(
                name_loc,
                &format!("{path}.name"),
                format!("attribute `{name}` is set twice on group `{}`", groups[group].name),
                None,
            );
            continue;
        }
        out.push(InstanceAttributeSpec {
            auto_scaling_group: group,
            name,
            value,
        });
    }
    out
}

/// Whether `name` is a valid custom attribute name (reported at `loc` when not).
fn check_attribute_name(name: &str, loc: Loc, path: &str, d: &mut Diagnostics) -> bool {
    let problem = match validate_attribute_name(name) {
        Err((_, message)) => Some(message),
        Ok(()) if name.starts_with("ecs.") => {
            Some("names starting with `ecs.` are reserved for the attributes ECS sets".to_string())
        }
        Ok(()) => None,
    };
    if let Some(message) = &problem {
        d.error(loc, &format!("{path}.name"), message, None);
    }
    problem.is_none()
}

/// The Auto Scaling group named `name` (reported at `loc` when there is none).
fn resolve_group(
    name: &str,
    loc: Loc,
    path: &str,
    groups: &[AutoScalingGroupSpec],
    d: &mut Diagnostics,
) -> Option<usize> {
    let found = groups.iter().position(|x| x.name == name);
    if found.is_none() && !d.unread.covers(super::diag::Declared::AutoScalingGroup, name) {
        let help = closest(name, groups.iter().map(|x| x.name.as_str())).map(|c| format!("did you mean `{c}`?"));
        d.error(
            loc,
            &format!("{path}.autoScalingGroup"),
            format!("no Auto Scaling group is called `{name}`"),
            help,
        );
    }
    found
}

/// Why `value` is not a valid attribute value: 1-128 characters of letters, digits, `-`, `_`,
/// `.`, `/`, `@`, `:` and spaces, without leading or trailing whitespace.
fn attribute_value_problem(value: &str) -> Option<String> {
    if value.is_empty() || value.chars().count() > 128 {
        return Some("an attribute value has 1 to 128 characters".into());
    }
    if value.trim() != value {
        return Some("an attribute value cannot start or end with whitespace".into());
    }
    value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@' | ':' | ' ')))
        .map(|c| format!("`{c}` is not allowed in an attribute value (letters, digits, `-_./@:` and spaces)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_follow_the_documented_characters() {
        for (value, ok) in [
            ("prod", true),
            ("team@example.com: blue/green_1", true),
            ("", false),
            (" prod", false),
            ("a*b", false),
            (&"x".repeat(129), false),
        ] {
            assert_eq!(attribute_value_problem(value).is_none(), ok, "{value:?}");
        }
    }
}
