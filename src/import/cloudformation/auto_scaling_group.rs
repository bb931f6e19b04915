//! `AWS::AutoScaling::AutoScalingGroup` into `ec2AutoScaling.autoScalingGroups`, with the
//! instance type from its launch configuration, launch template or mixed instances policy, and
//! a type ecsim's catalog lacks replaced by its successor.

use super::build::{Build, Case, Group, to_doc};
use super::resources;
use super::stack::Resource;
use super::value::Val;
use crate::import::ImportError;
use crate::import::doc::Map;
use crate::model::catalog;

/// Previous-generation instance families and the current ones ecsim's catalog has in their place.
const SUCCESSORS: &[(&str, &str)] = &[
    ("t2", "t3"),
    ("m4", "m5"),
    ("m3", "m5"),
    ("c4", "c5"),
    ("c3", "c5"),
    ("r4", "r5"),
    ("r3", "r5"),
];

/// An instance type ecsim knows: the one given, its successor, or the closest name; with a
/// sentence for the report when it is not the one given.
pub fn known_instance_type(given: &str) -> (String, Option<String>) {
    if catalog::instance_type(given).is_some() {
        return (given.to_string(), None);
    }
    if let Some((family, size)) = given.split_once('.') {
        if let Some((_, successor)) = SUCCESSORS.iter().find(|(old, _)| *old == family) {
            let candidate = format!("{successor}.{size}");
            if catalog::instance_type(&candidate).is_some() {
                return (
                    candidate.clone(),
                    Some(format!(
                        "{given} is not in ecsim's instance catalog: {candidate}, its current-generation successor, used"
                    )),
                );
            }
        }
    }
    match catalog::closest_instance_type_name(given) {
        Some(close) => (
            close.to_string(),
            Some(format!(
                "{given} is not in ecsim's instance catalog: the nearest name, {close}, used; check its size"
            )),
        ),
        None => (
            "m5.large".to_string(),
            Some(format!(
                "{given} is not in ecsim's instance catalog: m5.large used; replace it"
            )),
        ),
    }
}

/// The resource of `kind` in stack `s` (or any stack) whose name or `Ref` is `value`.
fn find_named<'b>(b: &'b Build<'_>, kind: &str, value: &str) -> Option<(usize, &'b Resource)> {
    b.e.stacks.iter().enumerate().find_map(|(s, stack)| {
        stack
            .resources
            .iter()
            .filter(|r| r.kind == kind)
            .find(|r| resources::name(b.e, s, r).ok().as_deref() == Some(value))
            .map(|r| (s, r))
    })
}

const GROUP_READ: &[&str] = &[
    "AutoScalingGroupName",
    "MinSize",
    "MaxSize",
    "DesiredCapacity",
    "AvailabilityZones",
    "LaunchConfigurationName",
    "LaunchTemplate",
    "MixedInstancesPolicy",
    "DefaultInstanceWarmup",
    "NewInstancesProtectedFromScaleIn",
];

/// `AWS::AutoScaling::AutoScalingGroup` -> `ec2AutoScaling.autoScalingGroups`.
pub fn auto_scaling_group(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<(), ImportError> {
    let name = resources::name(b.e, s, r).map_err(|u| b.error(u))?;
    let source = b.source_of(s, r);
    let mut item = Map::new();
    item.insert("AutoScalingGroupName", name.as_str());
    let mut instance_type = None;
    if let Some(lc) = b.string(s, r, "LaunchConfigurationName")? {
        let found = find_named(b, "AWS::AutoScaling::LaunchConfiguration", &lc).map(|(ls, lr)| (ls, lr.clone()));
        if let Some((ls, lr)) = found {
            instance_type = b.string(ls, &lr, "InstanceType")?;
        }
    }
    if let Some(spec) = b.value(s, r, "LaunchTemplate")? {
        let named = spec
            .get("LaunchTemplateName")
            .or(spec.get("LaunchTemplateId"))
            .and_then(Val::as_str)
            .unwrap_or("")
            .to_string();
        instance_type = instance_type.or(launch_template_type(b, &named)?);
    }
    if let Some(policy) = b.value(s, r, "MixedInstancesPolicy")? {
        item.insert("MixedInstancesPolicy", to_doc(&policy, Case::Keep));
    } else {
        let given = match instance_type {
            Some(t) => t,
            None => {
                b.report(Group::Guess, source.clone(), &r.kind, "no instance type found (launch configuration or template not in the template): m5.large used; replace it");
                "m5.large".to_string()
            }
        };
        let (known, note) = known_instance_type(&given);
        if let Some(note) = note {
            b.report(Group::Guess, source.clone(), &r.kind, note);
        }
        item.insert("InstanceType", known);
    }
    let min = b.int(s, r, "MinSize")?.unwrap_or(0);
    let max = b.int(s, r, "MaxSize")?.unwrap_or(min);
    item.insert("MinSize", min);
    item.insert("MaxSize", max);
    if let Some(n) = b.int(s, r, "DesiredCapacity")? {
        item.insert("DesiredCapacity", n);
    }
    if let Some(zones) = b.value(s, r, "AvailabilityZones")? {
        for z in zones.items().iter().filter_map(Val::as_str) {
            if !b.zones.iter().any(|k| k == z) {
                b.zones.push(z.to_string());
            }
        }
        item.insert("AvailabilityZones", to_doc(&zones, Case::Keep));
    }
    for key in ["DefaultInstanceWarmup", "NewInstancesProtectedFromScaleIn"] {
        if let Some(v) = b.value(s, r, key)? {
            item.insert(key, to_doc(&v, Case::Keep));
        }
    }
    let comment = b.comment_of(s, r);
    b.auto_scaling_groups.push_commented(item, comment);
    b.report(
        Group::Imported,
        source,
        &r.kind,
        format!("Auto Scaling group `{name}` ({min}..{max}) -> ec2AutoScaling.autoScalingGroups"),
    );
    b.report_unread(s, r, GROUP_READ);
    Ok(())
}

/// The instance type of the launch template named `named` (by name or `Ref`).
fn launch_template_type(b: &Build<'_>, named: &str) -> Result<Option<String>, ImportError> {
    let Some((ls, lr)) = find_named(b, "AWS::EC2::LaunchTemplate", named).map(|(ls, lr)| (ls, lr.clone())) else {
        return Ok(None);
    };
    Ok(b.value(ls, &lr, "LaunchTemplateData")?
        .and_then(|d| d.get("InstanceType").and_then(Val::as_str).map(str::to_string)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_generation_types_map_to_their_successors() {
        assert_eq!(known_instance_type("m5.large"), ("m5.large".to_string(), None));
        let (t, note) = known_instance_type("t2.large");
        assert_eq!(t, "t3.large");
        assert!(note.is_some_and(|n| n.contains("successor")));
        let (t, _) = known_instance_type("c4.large");
        assert_eq!(t, "c5.large");
    }
}
