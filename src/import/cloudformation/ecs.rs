//! ECS resources into the scenario's `ecs:` block: `AWS::ECS::Cluster`, `TaskDefinition`,
//! `Service`, `CapacityProvider` and `ClusterCapacityProviderAssociations`.

use super::build::{Build, Case, Group, camel, to_doc, typed_scalar};
use super::resources;
use super::stack::Resource;
use super::value::Val;
use crate::import::ImportError;
use crate::import::doc::{Map, Seq, Value};

const CLUSTER_READ: &[&str] = &["ClusterName", "CapacityProviders", "DefaultCapacityProviderStrategy"];

/// `AWS::ECS::Cluster`: the scenario's one cluster (a second is reported).
pub fn cluster(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<(), ImportError> {
    let name = resources::name(b.e, s, r).map_err(|u| b.error(u))?;
    let source = b.source_of(s, r);
    if !b.cluster.is_empty() && b.cluster != name {
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            format!(
                "a second cluster `{name}`: a scenario simulates one cluster (`{}`)",
                b.cluster
            ),
        );
        return Ok(());
    }
    b.cluster = name.clone();
    if let Some(v) = b.value(s, r, "CapacityProviders")? {
        b.cluster_providers = Some(v);
    }
    if let Some(v) = b.value(s, r, "DefaultCapacityProviderStrategy")? {
        b.default_strategy = Some(v);
    }
    b.report(
        Group::Imported,
        source,
        &r.kind,
        format!("cluster `{name}` -> ecs.cluster"),
    );
    b.report_unread(s, r, CLUSTER_READ);
    Ok(())
}

/// `AWS::ECS::ClusterCapacityProviderAssociations`: the cluster's providers and default strategy.
pub fn associations(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<(), ImportError> {
    if let Some(v) = b.value(s, r, "CapacityProviders")? {
        b.cluster_providers = Some(v);
    }
    if let Some(v) = b.value(s, r, "DefaultCapacityProviderStrategy")? {
        b.default_strategy = Some(v);
    }
    let source = b.source_of(s, r);
    b.report(
        Group::Imported,
        source,
        &r.kind,
        "capacity providers and default strategy -> ecs.cluster",
    );
    b.report_unread(
        s,
        r,
        &["Cluster", "CapacityProviders", "DefaultCapacityProviderStrategy"],
    );
    Ok(())
}

/// `AWS::ECS::CapacityProvider` -> `ecs.capacityProviders`.
pub fn capacity_provider(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<(), ImportError> {
    let name = resources::name(b.e, s, r).map_err(|u| b.error(u))?;
    let mut item = Map::new();
    item.insert("name", name.as_str());
    if let Some(v) = b.value(s, r, "AutoScalingGroupProvider")? {
        item.insert("autoScalingGroupProvider", to_doc(&v, Case::Camel));
    }
    let comment = b.comment_of(s, r);
    b.capacity_providers.push_commented(item, comment);
    let source = b.source_of(s, r);
    b.report(
        Group::Imported,
        source,
        &r.kind,
        format!("capacity provider `{name}` -> ecs.capacityProviders"),
    );
    b.report_unread(s, r, &["Name", "AutoScalingGroupProvider"]);
    Ok(())
}

/// `1 vCPU` -> `1024`, `2 GB` -> `2048`: the task size as the API's units (CPU units, MiB).
pub fn task_size(text: &str, unit: u32) -> String {
    let lower = text.trim().to_ascii_lowercase();
    for suffix in ["vcpu", "gb"] {
        if let Some(number) = lower.strip_suffix(suffix) {
            if let Ok(x) = number.trim().parse::<f64>() {
                return format!("{}", (x * f64::from(unit)).round() as i64);
            }
        }
    }
    text.trim().to_string()
}

const TASK_READ: &[&str] = &[
    "Family",
    "Cpu",
    "Memory",
    "NetworkMode",
    "RequiresCompatibilities",
    "RuntimePlatform",
    "PlacementConstraints",
    "ContainerDefinitions",
];

const CONTAINER_FIELDS: &[(&str, Kind)] = &[
    ("Name", Kind::Text),
    ("Image", Kind::Text),
    ("Cpu", Kind::Typed),
    ("Memory", Kind::Typed),
    ("MemoryReservation", Kind::Typed),
    ("Essential", Kind::Typed),
    ("StopTimeout", Kind::Typed),
    ("StartTimeout", Kind::Typed),
    ("HealthCheck", Kind::Typed),
    ("PortMappings", Kind::Typed),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Typed,
}

/// One container's fields: its name and, for a field ecsim reads, its value.
type ContainerFields = Vec<(String, Option<Val>)>;

/// Each container's fields in template order; only the fields ecsim reads are evaluated (an
/// environment variable may name a load balancer's DNS name, known only once AWS creates it).
fn container_fields(b: &Build<'_>, s: usize, r: &Resource) -> Result<Vec<ContainerFields>, ImportError> {
    let path = Build::path_of(r, "ContainerDefinitions");
    let Some(node) = r.properties().and_then(|p| p.get("ContainerDefinitions")) else {
        return Ok(Vec::new());
    };
    let eval = |n: &crate::import::source::Node, p: &str| b.e.eval(s, n, p).map_err(|u| b.error(u));
    let mut out = Vec::new();
    if node.tag.is_some() || !node.is_seq() {
        // A list made by a function: evaluated whole.
        let v = eval(node, &path)?;
        for item in v.items() {
            let Val::Map(entries) = item else {
                return Err(b.wrong(s, r, "ContainerDefinitions", "a list of containers", &v));
            };
            out.push(entries.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect());
        }
        return Ok(out);
    }
    for (i, item) in node.items().iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        if item.tag.is_some()
            || !item.is_map()
            || item.entries().len() == 1 && item.entries()[0].0.name.starts_with("Fn::")
        {
            match eval(item, &item_path)? {
                Val::Map(entries) => out.push(entries.into_iter().map(|(k, v)| (k, Some(v))).collect()),
                Val::NoValue => {}
                other => return Err(b.wrong(s, r, "ContainerDefinitions", "a list of containers", &other)),
            }
            continue;
        }
        let mut fields = Vec::new();
        for (key, value) in item.entries() {
            let read = CONTAINER_FIELDS.iter().any(|(k, _)| *k == key.name);
            let v = if read {
                match eval(value, &format!("{item_path}.{}", key.name))? {
                    Val::NoValue => continue,
                    v => Some(v),
                }
            } else {
                None
            };
            fields.push((key.name.clone(), v));
        }
        out.push(fields);
    }
    Ok(out)
}

/// `AWS::ECS::TaskDefinition` -> `ecs.taskDefinitions` (revisions in import order).
pub fn task_definition(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<String, ImportError> {
    let reference = resources::task_definition_reference(b.e, s, r).map_err(|u| b.error(u))?;
    let family = reference
        .rsplit_once(':')
        .map_or(reference.as_str(), |(f, _)| f)
        .to_string();
    let source = b.source_of(s, r);
    let mut item = Map::new();
    item.insert("family", family.as_str());
    if let Some(cpu) = b.string(s, r, "Cpu")? {
        item.insert("cpu", task_size(&cpu, 1024));
    }
    if let Some(memory) = b.string(s, r, "Memory")? {
        item.insert("memory", task_size(&memory, 1024));
    }
    if let Some(mode) = b.string(s, r, "NetworkMode")? {
        item.insert("networkMode", mode);
    }
    if let Some(v) = b.value(s, r, "RequiresCompatibilities")? {
        if v.items().iter().any(|i| i.as_str() == Some("FARGATE")) {
            b.fargate = true;
        }
        item.insert("requiresCompatibilities", to_doc(&v, Case::Camel));
    }
    for (property, key) in [
        ("RuntimePlatform", "runtimePlatform"),
        ("PlacementConstraints", "placementConstraints"),
    ] {
        if let Some(v) = b.value(s, r, property)? {
            item.insert(key, to_doc(&v, Case::Camel));
        }
    }
    let mut seq = Seq::new();
    let mut unread: Vec<String> = Vec::new();
    for (i, fields) in container_fields(b, s, r)?.into_iter().enumerate() {
        let mut c = Map::new();
        for (key, value) in fields {
            match CONTAINER_FIELDS.iter().find(|(k, _)| *k == key) {
                Some((_, Kind::Text)) => {
                    let text = value.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    if key == "Image" && text.is_empty() {
                        b.report(Group::Guess, source.clone(), &r.kind, format!("ContainerDefinitions[{i}].Image is empty here (set at deploy time): `unknown` written; ecsim does not use the image"));
                        c.insert("image", "unknown");
                    } else {
                        c.insert(&camel(&key), text);
                    }
                }
                Some((_, Kind::Typed)) => {
                    if let Some(v) = value {
                        c.insert(&camel(&key), to_doc(&v, Case::Camel));
                    }
                }
                None => {
                    if !unread.contains(&key) {
                        unread.push(key);
                    }
                }
            }
        }
        if c.get("image").is_none() {
            c.insert("image", "unknown");
        }
        seq.push(c);
    }
    item.insert("containerDefinitions", seq);
    let comment = b.comment_of(s, r);
    b.task_definitions.push_commented(item, comment);
    b.report(
        Group::Imported,
        source.clone(),
        &r.kind,
        format!("task definition `{reference}` -> ecs.taskDefinitions"),
    );
    b.report_unread(s, r, TASK_READ);
    if !unread.is_empty() {
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            format!("container fields not modelled: {}", unread.join(", ")),
        );
    }
    Ok(reference)
}

const SERVICE_READ: &[&str] = &[
    "ServiceName",
    "Cluster",
    "TaskDefinition",
    "DesiredCount",
    "LaunchType",
    "CapacityProviderStrategy",
    "DeploymentConfiguration",
    "DeploymentController",
    "PlacementConstraints",
    "PlacementStrategies",
    "NetworkConfiguration",
    "LoadBalancers",
    "HealthCheckGracePeriodSeconds",
    "SchedulingStrategy",
];

/// `AWS::ECS::Service` -> `ecs.services`.
pub fn service(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<(), ImportError> {
    let name = resources::name(b.e, s, r).map_err(|u| b.error(u))?;
    let source = b.source_of(s, r);
    if r.properties().and_then(|p| p.get("ServiceName")).is_none() {
        b.report(
            Group::Guess,
            source.clone(),
            &r.kind,
            format!("ServiceName not set (CloudFormation generates one): `{name}` used"),
        );
    }
    if let Some(strategy) = b.string(s, r, "SchedulingStrategy")? {
        if strategy == "DAEMON" {
            b.report(
                Group::Ignored,
                source,
                &r.kind,
                "a DAEMON service: ecsim simulates REPLICA services",
            );
            return Ok(());
        }
    }
    let cluster = resources::service_cluster(b.e, s, r).map_err(|u| b.error(u))?;
    if b.cluster.is_empty() {
        b.cluster = cluster.clone();
        b.report(Group::Guess, source.clone(), &r.kind, format!("the cluster is not in the template: `{cluster}` (the service's Cluster) used as ecs.cluster.clusterName"));
    } else if cluster != b.cluster && cluster != "default" {
        b.report(
            Group::Guess,
            source.clone(),
            &r.kind,
            format!(
                "runs in cluster `{cluster}`: placed in the scenario's one cluster `{}`",
                b.cluster
            ),
        );
    }
    let Some(task_definition) = b.string(s, r, "TaskDefinition")? else {
        let node = r.properties().unwrap_or(&r.node);
        return Err(b.e.stacks[s].source.error(
            node,
            &format!("Resources.{}.Properties", r.id),
            "a service needs a TaskDefinition",
            None,
        ));
    };
    let mut item = Map::new();
    item.insert("serviceName", name.as_str());
    item.insert("taskDefinition", task_definition.as_str());
    let desired = match b.int(s, r, "DesiredCount")? {
        Some(n) => n,
        None => {
            b.report(
                Group::Guess,
                source.clone(),
                &r.kind,
                "DesiredCount not set: 1 used, as CloudFormation creates the service",
            );
            1
        }
    };
    item.insert("desiredCount", desired);
    if let Some(launch) = b.string(s, r, "LaunchType")? {
        b.fargate |= launch == "FARGATE";
        item.insert("launchType", launch);
    }
    if let Some(v) = b.value(s, r, "CapacityProviderStrategy")? {
        b.fargate |= v.items().iter().any(|i| {
            i.get("CapacityProvider")
                .and_then(Val::as_str)
                .is_some_and(|p| p.starts_with("FARGATE"))
        });
        item.insert("capacityProviderStrategy", to_doc(&v, Case::Camel));
    }
    for (property, key) in [
        ("DeploymentConfiguration", "deploymentConfiguration"),
        ("DeploymentController", "deploymentController"),
        ("PlacementConstraints", "placementConstraints"),
        ("PlacementStrategies", "placementStrategy"),
        ("NetworkConfiguration", "networkConfiguration"),
    ] {
        if let Some(mut v) = b.value(s, r, property)? {
            if property == "DeploymentConfiguration" && drop_empty_alarms(&mut v) {
                b.report(
                    Group::Ignored,
                    source.clone(),
                    &r.kind,
                    "DeploymentConfiguration.Alarms names no alarm: left out",
                );
            }
            item.insert(key, to_doc(&v, Case::Camel));
        }
    }
    if let Some(v) = b.value(s, r, "LoadBalancers")? {
        let mut seq = Seq::new();
        for lb in v.items() {
            let arn = lb.get("TargetGroupArn").and_then(Val::as_str).unwrap_or("");
            if !b.target_group_arns.iter().any(|a| a == arn) {
                b.report(
                    Group::Ignored,
                    source.clone(),
                    &r.kind,
                    format!(
                        "a load balancer entry whose target group is not in the template ({}): not simulated",
                        if arn.is_empty() { "a classic load balancer" } else { arn }
                    ),
                );
                continue;
            }
            let mut entry = Map::new();
            entry.insert("targetGroupArn", arn);
            for (k, key) in [("ContainerName", "containerName"), ("ContainerPort", "containerPort")] {
                if let Some(x) = lb.get(k).and_then(Val::as_str) {
                    entry.insert(
                        key,
                        if k == "ContainerPort" {
                            typed_scalar(x)
                        } else {
                            Value::Str(x.to_string())
                        },
                    );
                }
            }
            seq.push(entry);
        }
        if !seq.is_empty() {
            item.insert("loadBalancers", seq);
        }
    }
    if let Some(n) = b.int(s, r, "HealthCheckGracePeriodSeconds")? {
        item.insert("healthCheckGracePeriodSeconds", n);
    }
    let comment = b.comment_of(s, r);
    b.service_items.push_commented(item, comment);
    b.services.insert(name.clone(), task_definition.clone());
    b.report(
        Group::Imported,
        source,
        &r.kind,
        format!("service `{name}` ({task_definition}, desired {desired}) -> ecs.services"),
    );
    b.report_unread(s, r, SERVICE_READ);
    Ok(())
}

/// Keeps in each service's deployment alarms only the alarms imported (an alarm on a metric ecsim
/// does not produce was left out), reporting each name dropped; an empty list drops `alarms`.
pub fn keep_imported_deployment_alarms(b: &mut Build<'_>) {
    let imported = b.alarm_names.clone();
    let mut dropped = Vec::new();
    for item in b.service_items.items_mut() {
        let Value::Map(service) = &mut item.value else { continue };
        let name = match service.get("serviceName") {
            Some(Value::Str(n)) => n.clone(),
            _ => String::new(),
        };
        let Some(Value::Map(configuration)) = service.get_mut("deploymentConfiguration") else {
            continue;
        };
        let Some(Value::Map(alarms)) = configuration.get_mut("alarms") else {
            continue;
        };
        let Some(Value::Seq(names)) = alarms.get("alarmNames").cloned() else {
            continue;
        };
        let mut kept = Seq::new();
        for n in names.items() {
            match &n.value {
                Value::Str(alarm) if imported.contains(alarm) => {
                    kept.push(alarm.as_str());
                }
                Value::Str(alarm) => dropped.push((name.clone(), alarm.clone())),
                _ => {}
            }
        }
        if kept.is_empty() {
            configuration.remove("alarms");
        } else {
            alarms.insert("alarmNames", kept);
        }
    }
    for (service, alarm) in dropped {
        b.report(
            Group::Ignored,
            format!("ecs.services.{service}"),
            "deployment alarm",
            format!(
                "`{alarm}` is not imported (its metric is not simulated): left out of the service's deployment alarms"
            ),
        );
    }
}

/// Removes `Alarms` from a deployment configuration when it names no alarm (Copilot writes
/// `{Enable: false, AlarmNames: []}`, which watches nothing); true if removed.
fn drop_empty_alarms(configuration: &mut Val) -> bool {
    let Val::Map(entries) = configuration else { return false };
    let empty = entries
        .iter()
        .any(|(k, v)| k == "Alarms" && v.get("AlarmNames").is_none_or(|names| names.items().is_empty()));
    if empty {
        entries.retain(|(k, _)| k != "Alarms");
    }
    empty
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_sizes_take_api_units() {
        assert_eq!(task_size("256", 1024), "256");
        assert_eq!(task_size("1 vCPU", 1024), "1024");
        assert_eq!(task_size("0.5 vCPU", 1024), "512");
        assert_eq!(task_size("2 GB", 1024), "2048");
        assert_eq!(task_size("2GB", 1024), "2048");
    }
}
