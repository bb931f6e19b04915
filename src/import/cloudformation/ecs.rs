//! ECS resources into the scenario's `ecs:` block: `AWS::ECS::Cluster`,
//! `Service`, `CapacityProvider` and `ClusterCapacityProviderAssociations`.

use super::build::{Build, Case, Group, to_doc, typed_scalar};
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
    if b.chosen_cluster.as_ref().is_some_and(|c| *c != name) {
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            format!("cluster `{name}`: not the one chosen with --cluster"),
        );
        return Ok(());
    }
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
    b.cluster_comment = b.comment_of(s, r);
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
                "a DAEMON service: not imported; ecsim runs DAEMON services, so add it to the scenario by hand (schedulingStrategy: DAEMON, launchType: EC2, no desiredCount)",
            );
            return Ok(());
        }
    }
    let cluster = resources::service_cluster(b.e, s, r).map_err(|u| b.error(u))?;
    let simulated = b.chosen_cluster.clone().unwrap_or_else(|| b.cluster.clone());
    if !simulated.is_empty() && cluster != simulated && cluster != "default" {
        match b.other_clusters.iter_mut().find(|(c, _)| *c == cluster) {
            Some(entry) => entry.1 += 1,
            None => b.other_clusters.push((cluster.clone(), 1)),
        }
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            format!("runs in cluster `{cluster}`, not the simulated `{simulated}` (a scenario simulates one): import it with --cluster {cluster}"),
        );
        return Ok(());
    }
    if b.cluster.is_empty() {
        b.cluster = cluster.clone();
        b.cluster_comment = format!("GUESS: named by the Cluster of {}", b.source_of(s, r));
        b.report(Group::Guess, source.clone(), &r.kind, format!("the cluster is not in the template: `{cluster}` (the service's Cluster) used as ecs.cluster.clusterName"));
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

/// Names the clusters whose services were left out; with `--cluster`, a cluster no imported
/// service runs in is an error listing those that have services.
pub fn other_clusters(b: &mut Build<'_>, file_name: &str) -> Result<(), ImportError> {
    let listed = |clusters: &[(String, usize)]| {
        clusters
            .iter()
            .map(|(n, c)| format!("`{n}` ({c} service{})", if *c == 1 { "" } else { "s" }))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(chosen) = b.chosen_cluster.clone() {
        if b.services.is_empty() {
            let help = if b.other_clusters.is_empty() {
                "the template has no ECS service".to_string()
            } else {
                format!(
                    "--cluster takes a cluster that services run in: {}",
                    listed(&b.other_clusters)
                )
            };
            return Err(ImportError::whole_file(
                file_name,
                format!("no service of the template runs in cluster `{chosen}`"),
                Some(help),
            ));
        }
    }
    if !b.other_clusters.is_empty() {
        let how: Vec<String> = b.other_clusters.iter().map(|(n, _)| format!("--cluster {n}")).collect();
        let why = if b.chosen_cluster.is_some() {
            "chosen with --cluster"
        } else {
            "the template's first"
        };
        let sentence = format!(
            "a scenario simulates one cluster: `{}` ({why}); services also run in {}: import them with {}",
            b.cluster,
            listed(&b.other_clusters),
            how.join(" or ")
        );
        b.report(Group::Ignored, "clusters".into(), "scenario", sentence);
    }
    Ok(())
}
