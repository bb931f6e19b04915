//! `ecsim import cloudformation`: a CloudFormation template (YAML with short-form tags, or
//! JSON; hand-written or made by the CDK, Copilot or SAM), its parameters and its nested stacks
//! into a scenario. Intrinsic functions are evaluated (`intrinsics`); what `Ref` and `GetAtt`
//! return per resource type is in `resources`; the ECS resources are converted by `ecs`, capacity
//! and scaling by `scaling`; resource types ecsim does not model are listed as ignored.

mod alarms;
mod auto_scaling_group;
mod build;
mod copilot_backlog;
mod ecs;
mod events;
mod intrinsics;
mod parameters;
mod resources;
mod scaling;
mod stack;
mod task_definition;
mod value;

use build::{Build, Case, Group, to_doc};
use intrinsics::{Evaluator, Note, zones_of};
use stack::{Stack, load_stacks};

use crate::import::doc::{Doc, Map, Seq};
use crate::import::placeholders::{self, Origin, PlaceholderService};
use crate::import::source::Source;
use crate::import::{ImportError, ImportReport, Imported, ReadBeside};

/// Imports the template `text` (named `file_name` in messages), with the parameters file
/// `parameters` (its name and text) if given; nested stacks are read with `read_beside`. The
/// scenario simulates the template's first cluster (or its services' first).
pub fn import(
    text: &str,
    file_name: &str,
    parameters: Option<(&str, &str)>,
    read_beside: ReadBeside<'_>,
) -> Result<Imported, ImportError> {
    import_cluster(text, file_name, parameters, read_beside, None)
}

/// Imports as `import` does, simulating `cluster` when given (`--cluster`): the services of other
/// clusters are listed as ignored; a cluster no service runs in is an error.
pub fn import_cluster(
    text: &str,
    file_name: &str,
    parameters: Option<(&str, &str)>,
    read_beside: ReadBeside<'_>,
    cluster: Option<&str>,
) -> Result<Imported, ImportError> {
    let given = match parameters {
        Some((name, text)) => parameters::read_parameters_file(&Source::parse(name, text)?)?,
        None => Vec::new(),
    };
    let mut stack_notes = ImportReport::default();
    let stacks = load_stacks(text, file_name, &given, read_beside, &mut stack_notes)?;
    let e = Evaluator::new(&stacks);
    let mut b = Build::new(&e);
    b.chosen_cluster = cluster.map(str::to_string);
    let order = input_order(&stacks);
    // Kinds in the order their conversions need each other: target groups before the services
    // that name them, services before their scalable targets, policies before their alarms.
    let passes: [&[&str]; 4] = [
        &[
            "AWS::ECS::Cluster",
            "AWS::ECS::ClusterCapacityProviderAssociations",
            "AWS::ECS::CapacityProvider",
            "AWS::AutoScaling::AutoScalingGroup",
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            "AWS::ECS::TaskDefinition",
        ],
        &["AWS::ECS::Service"],
        &[
            "AWS::ApplicationAutoScaling::ScalableTarget",
            "AWS::ApplicationAutoScaling::ScalingPolicy",
        ],
        &["AWS::CloudWatch::Alarm", "AWS::Events::Rule"],
    ];
    let mut families = Vec::new();
    for (pass, kinds) in passes.iter().enumerate() {
        for (position, &(s, index)) in order.iter().enumerate() {
            let r = &stacks[s].resources[index];
            b.position = position;
            let handled = kinds.contains(&r.kind.as_str());
            if pass == 0 && !is_active(&b, s, r)? {
                let source = b.source_of(s, r);
                let condition = r
                    .node
                    .get("Condition")
                    .and_then(|c| c.as_str())
                    .unwrap_or("")
                    .to_string();
                b.report(
                    Group::Ignored,
                    source,
                    &r.kind,
                    format!("its Condition `{condition}` is false: CloudFormation does not create it"),
                );
                continue;
            }
            if pass == 0 && !passes.iter().any(|k| k.contains(&r.kind.as_str())) {
                ignore(&mut b, s, r);
                continue;
            }
            if !handled || !is_active(&b, s, r)? {
                continue;
            }
            match r.kind.as_str() {
                "AWS::ECS::Cluster" => ecs::cluster(&mut b, s, r)?,
                "AWS::ECS::ClusterCapacityProviderAssociations" => ecs::associations(&mut b, s, r)?,
                "AWS::ECS::CapacityProvider" => ecs::capacity_provider(&mut b, s, r)?,
                "AWS::AutoScaling::AutoScalingGroup" => auto_scaling_group::auto_scaling_group(&mut b, s, r)?,
                "AWS::ElasticLoadBalancingV2::TargetGroup" => alarms::target_group(&mut b, s, r)?,
                "AWS::ECS::TaskDefinition" => families.push(task_definition::task_definition(&mut b, s, r)?),
                "AWS::ECS::Service" => ecs::service(&mut b, s, r)?,
                "AWS::ApplicationAutoScaling::ScalableTarget" => scaling::scalable_target(&mut b, s, r)?,
                "AWS::ApplicationAutoScaling::ScalingPolicy" => scaling::scaling_policy(&mut b, s, r)?,
                "AWS::Events::Rule" => events::rule(&mut b, s, r)?,
                _ => alarms::alarm(&mut b, s, r)?,
            }
        }
    }
    b.position = order.len();
    ecs::other_clusters(&mut b, file_name)?;
    ecs::keep_imported_deployment_alarms(&mut b);
    // What reading the stacks found goes where its resource is in the input.
    let position_of = |source: &str| {
        order
            .iter()
            .position(|&(s, i)| stacks[s].source_name(&format!("Resources.{}", stacks[s].resources[i].id)) == source)
            .unwrap_or(order.len())
    };
    for (group, entries) in [
        (Group::Imported, stack_notes.imported),
        (Group::Ignored, stack_notes.ignored),
    ] {
        for note in entries {
            b.position = position_of(&note.source);
            b.report(group, note.source, &note.kind, note.sentence);
        }
    }
    b.position = order.len();
    report_notes(&mut b, &e.notes());
    let doc = scenario_doc(&mut b, file_name);
    Ok(Imported {
        scenario: doc,
        report: b.into_report(),
    })
}

/// Every resource as (stack, index), in input order: a nested stack's resources where the
/// nested stack is declared.
fn input_order(stacks: &[Stack]) -> Vec<(usize, usize)> {
    fn walk(stacks: &[Stack], s: usize, out: &mut Vec<(usize, usize)>) {
        for (i, r) in stacks[s].resources.iter().enumerate() {
            out.push((s, i));
            if let Some(&nested) = stacks[s].nested.get(&r.id) {
                walk(stacks, nested, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(stacks, 0, &mut out);
    out
}

/// Whether a resource exists: its `Condition`, if any, is true. A resource whose condition is
/// false is reported as ignored.
fn is_active(b: &Build<'_>, s: usize, r: &stack::Resource) -> Result<bool, ImportError> {
    let Some(condition) = r.node.get("Condition") else {
        return Ok(true);
    };
    let path = format!("Resources.{}.Condition", r.id);
    let name = b.e.eval_str(s, condition, &path).map_err(|u| b.error(u))?;
    b.e.condition(s, &name, condition, &path).map_err(|u| b.error(u))
}

/// Reports a resource of a type ecsim does not model, with the reason.
fn ignore(b: &mut Build<'_>, s: usize, r: &stack::Resource) {
    let kind = r.kind.as_str();
    let (group, sentence) = match kind {
        "AWS::CloudFormation::Stack" => return,
        "AWS::AutoScaling::LaunchConfiguration" | "AWS::EC2::LaunchTemplate" => (
            Group::Imported,
            "read for the instance type of the Auto Scaling group that uses it",
        ),
        k if k.starts_with("AWS::IAM::") => (Group::Ignored, "IAM: permissions are not simulated"),
        k if k.starts_with("AWS::Logs::") => (Group::Ignored, "logs are not simulated"),
        k if k.starts_with("AWS::EC2::") => (Group::Ignored, "networking is not simulated"),
        k if k.starts_with("AWS::ElasticLoadBalancingV2::") => (
            Group::Ignored,
            "the load balancer itself is not simulated, only its target groups",
        ),
        k if k.starts_with("Custom::") || k == "AWS::CloudFormation::CustomResource" => (
            Group::Ignored,
            "custom resource: its function runs at deploy time and is not simulated",
        ),
        _ => (Group::Ignored, "not modelled by ecsim"),
    };
    let source = b.source_of(s, r);
    b.report(group, source, kind, sentence);
}

/// The evaluator's assumptions as report entries.
fn report_notes(b: &mut Build<'_>, notes: &[Note]) {
    for note in notes {
        match note {
            Note::Import { export, source } => b.report(
                Group::Guess,
                source.clone(),
                "Fn::ImportValue",
                format!("`{export}` is an export of another stack (external): its name stands in for its value"),
            ),
            Note::Pseudo { name, value } => b.report(
                Group::Guess,
                name.clone(),
                "pseudo parameter",
                format!("not known from the input: `{value}` assumed"),
            ),
            Note::CustomFallback {
                source,
                kind,
                attribute,
                property,
                value,
            } => {
                let sentence = if property.is_empty() {
                    format!("{attribute} is known only when the custom resource runs: `{value}` stands in for it")
                } else {
                    format!("{attribute} is known only when the custom resource runs: its {property} ({value}) used")
                };
                b.report(Group::Guess, source.clone(), kind, sentence)
            }
            Note::Zones { zones } => b.report(
                Group::Guess,
                "Fn::GetAZs".into(),
                "intrinsic function",
                format!(
                    "the region's zones are not known from the input: {} assumed",
                    zones.join(", ")
                ),
            ),
        }
    }
}

/// The scenario from what the conversions gathered.
fn scenario_doc(b: &mut Build<'_>, file_name: &str) -> Doc {
    let mut doc = Doc::new();
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    doc.set_name(&format!("{base} (imported)"));
    doc.set_description(&format!(
        "Imported from the CloudFormation template {base}; the load is a placeholder to replace."
    ));
    doc.set_seed(1);
    doc.set_duration("1d");
    let zones_comment = if b.zones.is_empty() {
        b.zones = zones_of(parameters::DEFAULT_REGION);
        let sentence = format!(
            "the Availability Zones are not in the template: {} assumed",
            b.zones.join(", ")
        );
        b.report(Group::Guess, "availabilityZones".into(), "scenario", sentence);
        "GUESS: not in the template; the zones of the assumed region"
    } else {
        "from the Auto Scaling groups' AvailabilityZones"
    };
    doc.set_availability_zones(&b.zones.clone(), zones_comment);
    if !b.auto_scaling_groups.is_empty() {
        doc.block("ec2AutoScaling")
            .insert("autoScalingGroups", std::mem::take(&mut b.auto_scaling_groups));
    }
    if !b.target_groups.is_empty() {
        doc.block("elasticLoadBalancing")
            .insert("targetGroups", std::mem::take(&mut b.target_groups));
    }
    let cluster_name = if b.cluster.is_empty() {
        "default".to_string()
    } else {
        b.cluster.clone()
    };
    let mut cluster = Map::new();
    cluster.insert("clusterName", cluster_name.as_str());
    match b.cluster_providers.clone() {
        Some(v) => {
            cluster.insert("capacityProviders", to_doc(&v, Case::Camel));
        }
        None if b.fargate => {
            cluster.insert_commented(
                "capacityProviders",
                Seq::new().with("FARGATE").with("FARGATE_SPOT"),
                "GUESS: the template runs Fargate tasks in a cluster it does not define",
            );
            b.report(
                Group::Guess,
                "ecs.cluster".into(),
                "scenario",
                "the cluster is not defined here but runs Fargate tasks: FARGATE and FARGATE_SPOT associated",
            );
        }
        None => {}
    }
    if let Some(v) = b.default_strategy.clone() {
        cluster.insert("defaultCapacityProviderStrategy", to_doc(&v, Case::Camel));
    }
    let ecs = doc.block("ecs");
    if !b.capacity_providers.is_empty() {
        ecs.insert("capacityProviders", std::mem::take(&mut b.capacity_providers));
    }
    let comment = if b.cluster_comment.is_empty() {
        "GUESS: the template names no cluster: ECS's default cluster".to_string()
    } else {
        b.cluster_comment.clone()
    };
    ecs.insert_commented("cluster", cluster, comment);
    if !b.task_definitions.is_empty() {
        ecs.insert("taskDefinitions", std::mem::take(&mut b.task_definitions));
    }
    if !b.service_items.is_empty() {
        ecs.insert("services", std::mem::take(&mut b.service_items));
    }
    let mut aas = Map::new();
    for (key, seq) in [
        ("scalableTargets", &mut b.scalable_targets),
        ("scalingPolicies", &mut b.scaling_policies),
        ("scheduledActions", &mut b.scheduled_actions),
    ] {
        if !seq.is_empty() {
            aas.insert(key, std::mem::take(seq));
        }
    }
    if !aas.is_empty() {
        doc.root.insert("applicationAutoScaling", aas);
    }
    if !b.alarms.is_empty() {
        doc.block("cloudWatch").insert("alarms", std::mem::take(&mut b.alarms));
    }
    if !b.schedules.is_empty() {
        doc.block("eventBridge")
            .insert("schedules", std::mem::take(&mut b.schedules));
    }
    behavior_and_load(b, &mut doc);
    doc
}

/// `behavior.taskDefinitions` with the serving rate assumed for each family a service runs, and
/// a placeholder `load:` per service that keeps its desired count near 50 % CPU.
fn behavior_and_load(b: &mut Build<'_>, doc: &mut Doc) {
    let services: Vec<(String, String)> = b.services.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let desired = |name: &str| -> i64 {
        doc.root
            .get("ecs")
            .and_then(|e| match e {
                crate::import::doc::Value::Map(m) => m.get("services"),
                _ => None,
            })
            .and_then(|s| match s {
                crate::import::doc::Value::Seq(seq) => seq.items().iter().find_map(|i| match &i.value {
                    crate::import::doc::Value::Map(m)
                        if m.get("serviceName") == Some(&crate::import::doc::Value::Str(name.to_string())) =>
                    {
                        match m.get("desiredCount") {
                            Some(crate::import::doc::Value::Int(n)) => Some(*n),
                            _ => None,
                        }
                    }
                    _ => None,
                }),
                _ => None,
            })
            .unwrap_or(1)
    };
    let placeholders: Vec<PlaceholderService> = services
        .iter()
        .map(|(service, task_definition)| {
            let family = task_definition
                .rsplit_once(':')
                .map_or(task_definition.as_str(), |(f, _)| f);
            PlaceholderService {
                name: service.clone(),
                family: family.rsplit_once('/').map_or(family, |(_, f)| f).to_string(),
                desired_count: desired(service),
                response_time: b.latency_services.contains(service),
                queue: b
                    .worker_queues
                    .iter()
                    .find(|(s, _)| s == service)
                    .map(|(_, q)| q.clone()),
            }
        })
        .collect();
    let origin = Origin {
        input: "the template",
        response_time_reason: "scaled on TargetResponseTime",
    };
    for (source, sentence) in placeholders::write(doc, &placeholders, origin) {
        b.report(Group::Guess, source, "scenario", sentence);
    }
}
