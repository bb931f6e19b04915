//! What `Ref` and `Fn::GetAtt` return for each resource type, as CloudFormation documents them,
//! with names ecsim can match: a task definition is `family:revision`, a target group's ARN has
//! its name in it, a scalable target's id is `resource|dimension|namespace`. A custom resource's
//! attribute is known only when its function runs: it falls back to the property named
//! `Default<Attribute>` when there is one (Copilot's `DynamicDesiredCount` has
//! `DefaultDesiredCount`).

use super::intrinsics::Evaluator;
use super::stack::{Resource, arn};
use super::value::{Unresolved, Val};
use crate::import::source::{Node, child_path};

/// The property that names a resource of each type, when it has one.
pub fn name_property(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "AWS::ECS::Cluster" => "ClusterName",
        "AWS::ECS::Service" => "ServiceName",
        "AWS::ECS::TaskDefinition" => "Family",
        "AWS::ECS::CapacityProvider" => "Name",
        "AWS::AutoScaling::AutoScalingGroup" => "AutoScalingGroupName",
        "AWS::AutoScaling::LaunchConfiguration" => "LaunchConfigurationName",
        "AWS::EC2::LaunchTemplate" => "LaunchTemplateName",
        "AWS::ElasticLoadBalancingV2::TargetGroup" | "AWS::ElasticLoadBalancingV2::LoadBalancer" => "Name",
        "AWS::ApplicationAutoScaling::ScalingPolicy" => "PolicyName",
        "AWS::CloudWatch::Alarm" => "AlarmName",
        "AWS::IAM::Role" => "RoleName",
        "AWS::Logs::LogGroup" => "LogGroupName",
        "AWS::SQS::Queue" => "QueueName",
        "AWS::SNS::Topic" => "TopicName",
        "AWS::StepFunctions::StateMachine" => "StateMachineName",
        _ => return None,
    })
}

/// The resource's name: its name property, or the name generated for it.
pub fn name(e: &Evaluator<'_>, s: usize, resource: &Resource) -> Result<String, Unresolved> {
    let stack = &e.stacks[s];
    let property = name_property(&resource.kind);
    match property.and_then(|p| resource.properties().and_then(|props| props.get(p)).map(|n| (p, n))) {
        Some((p, node)) => {
            let path = format!("Resources.{}.Properties.{p}", resource.id);
            match e.eval(s, node, &path)? {
                Val::NoValue => Ok(stack.generated_name(&resource.id)),
                Val::Scalar(name) if !name.is_empty() => Ok(name),
                Val::Scalar(_) => Ok(stack.generated_name(&resource.id)),
                other => Err(e.unresolved(
                    s,
                    node,
                    &path,
                    format!("expected a name, found {}", other.kind_words()),
                    None,
                )),
            }
        }
        None => Ok(stack.generated_name(&resource.id)),
    }
}

/// `family:revision` of a task definition: revisions count the task definitions of the same
/// family in import order, as registering them in that order would.
pub fn task_definition_reference(e: &Evaluator<'_>, s: usize, resource: &Resource) -> Result<String, Unresolved> {
    let family = name(e, s, resource)?;
    let mut revision = 0;
    for (index, stack) in e.stacks.iter().enumerate() {
        for other in stack.resources.iter().filter(|r| r.kind == "AWS::ECS::TaskDefinition") {
            let other_family = name(e, index, other).unwrap_or_else(|_| stack.generated_name(&other.id));
            if other_family == family {
                revision += 1;
            }
            if index == s && other.id == resource.id {
                return Ok(format!("{family}:{revision}"));
            }
        }
    }
    Ok(format!("{family}:1"))
}

/// `service/<cluster>/<service>|ecs:service:DesiredCount|ecs`, the id of a scalable target.
fn scalable_target_id(e: &Evaluator<'_>, s: usize, resource: &Resource, node: &Node) -> Result<String, Unresolved> {
    let base = format!("Resources.{}.Properties", resource.id);
    let field = |name: &str| -> Result<String, Unresolved> {
        let path = child_path(&base, name);
        match resource.properties().and_then(|p| p.get(name)) {
            Some(n) => e.eval_str(s, n, &path),
            None => Err(e.unresolved(
                s,
                node,
                &path,
                format!("scalable target `{}` has no {name}", resource.id),
                None,
            )),
        }
    };
    Ok(format!(
        "{}|{}|{}",
        field("ResourceId")?,
        field("ScalableDimension")?,
        field("ServiceNamespace")?
    ))
}

/// `Ref` of a resource.
pub fn reference(e: &Evaluator<'_>, s: usize, resource: &Resource, node: &Node, path: &str) -> Result<Val, Unresolved> {
    let _ = path;
    let value = match resource.kind.as_str() {
        "AWS::ECS::TaskDefinition" => task_definition_reference(e, s, resource)?,
        "AWS::ECS::Service" => {
            let cluster = service_cluster(e, s, resource)?;
            arn("ecs", &format!("service/{cluster}/{}", name(e, s, resource)?))
        }
        "AWS::ElasticLoadBalancingV2::TargetGroup" => {
            arn("elasticloadbalancing", &target_group_full_name(e, s, resource)?)
        }
        "AWS::ApplicationAutoScaling::ScalableTarget" => scalable_target_id(e, s, resource, node)?,
        "AWS::ApplicationAutoScaling::ScalingPolicy" => policy_arn(&name(e, s, resource)?),
        "AWS::CloudFormation::Stack" => arn(
            "cloudformation",
            &format!("stack/{}-{}/ecsim-import", e.stacks[s].name, resource.id),
        ),
        _ => name(e, s, resource)?,
    };
    Ok(Val::Scalar(value))
}

/// The ARN ecsim gives a scaling policy: what `Ref` returns, and what alarms' `AlarmActions` name.
pub fn policy_arn(policy_name: &str) -> String {
    arn(
        "autoscaling",
        &format!("scalingPolicy:ecsim-import:policyName/{policy_name}"),
    )
}

/// The cluster a service names (`Cluster`), or `default` as ECS has it.
pub fn service_cluster(e: &Evaluator<'_>, s: usize, resource: &Resource) -> Result<String, Unresolved> {
    match resource.properties().and_then(|p| p.get("Cluster")) {
        Some(n) => {
            let value = e.eval_str(s, n, &format!("Resources.{}.Properties.Cluster", resource.id))?;
            // A cluster ARN ends in cluster/<name>.
            Ok(value
                .rsplit_once(":cluster/")
                .map_or(value.clone(), |(_, name)| name.to_string()))
        }
        None => Ok("default".to_string()),
    }
}

/// `targetgroup/<name>/<id>`: what `TargetGroupFullName` returns; the id is made from the
/// logical id, so it is the same every time.
pub fn target_group_full_name(e: &Evaluator<'_>, s: usize, resource: &Resource) -> Result<String, Unresolved> {
    let name = name(e, s, resource)?;
    let id: u64 = format!("{}/{}", e.stacks[s].scope, resource.id)
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    Ok(format!("targetgroup/{name}/{id:016x}"))
}

/// `Fn::GetAtt` of a resource.
pub fn attribute(
    e: &Evaluator<'_>,
    s: usize,
    resource: &Resource,
    attribute: &str,
    node: &Node,
    path: &str,
) -> Result<Val, Unresolved> {
    let kind = resource.kind.as_str();
    let scalar = |v: String| Ok(Val::Scalar(v));
    match (kind, attribute) {
        ("AWS::ECS::Service", "Name") => scalar(name(e, s, resource)?),
        ("AWS::ECS::Service", "ServiceArn") => reference(e, s, resource, node, path),
        ("AWS::ECS::Cluster", "Arn") => scalar(arn("ecs", &format!("cluster/{}", name(e, s, resource)?))),
        ("AWS::ECS::TaskDefinition", "TaskDefinitionArn") => scalar(arn(
            "ecs",
            &format!("task-definition/{}", task_definition_reference(e, s, resource)?),
        )),
        ("AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupFullName") => {
            scalar(target_group_full_name(e, s, resource)?)
        }
        ("AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupName") => scalar(name(e, s, resource)?),
        ("AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupArn") => reference(e, s, resource, node, path),
        ("AWS::ElasticLoadBalancingV2::TargetGroup", "LoadBalancerArns") => Ok(Val::List(Vec::new())),
        ("AWS::AutoScaling::AutoScalingGroup", "AutoScalingGroupName") => scalar(name(e, s, resource)?),
        ("AWS::EC2::LaunchTemplate", "LatestVersionNumber" | "DefaultVersionNumber") => scalar("1".into()),
        ("AWS::SQS::Queue", "QueueName") | ("AWS::SNS::Topic", "TopicName") => scalar(name(e, s, resource)?),
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerFullName") => {
            let name = name(e, s, resource)?;
            scalar(format!(
                "app/{name}/{}",
                &target_group_full_name(e, s, resource)?
                    .rsplit('/')
                    .next()
                    .unwrap_or("0")
            ))
        }
        ("AWS::EC2::LaunchTemplate", "LaunchTemplateId") => scalar(name(e, s, resource)?),
        ("AWS::IAM::Role", "Arn") => scalar(format!(
            "arn:aws:iam::{}:role/{}",
            super::parameters::DEFAULT_ACCOUNT_ID,
            name(e, s, resource)?
        )),
        (k, a) if k.starts_with("Custom::") || k == "AWS::CloudFormation::CustomResource" => {
            custom_attribute(e, s, resource, a, node, path)
        }
        (_, "Arn") => {
            let service = kind.split("::").nth(1).unwrap_or("unknown").to_ascii_lowercase();
            scalar(arn(&service, &name(e, s, resource)?))
        }
        (_, "Name") => scalar(name(e, s, resource)?),
        _ => Err(e.unresolved(
            s,
            node,
            path,
            format!(
                "the attribute {attribute} of `{}` ({kind}) is known only once AWS creates it",
                resource.id
            ),
            None,
        )),
    }
}

/// A custom resource's attribute: its `Default<Attribute>` property, reported, or unresolvable.
fn custom_attribute(
    e: &Evaluator<'_>,
    s: usize,
    resource: &Resource,
    attribute: &str,
    node: &Node,
    path: &str,
) -> Result<Val, Unresolved> {
    let fallback = format!("Default{attribute}");
    let source = e.stacks[s].source_name(&format!("Resources.{}", resource.id));
    let Some(default) = resource.properties().and_then(|p| p.get(&fallback)) else {
        // No fallback property: the reference itself stands in, as an export's name does.
        let stand_in = format!("{}.{attribute}", resource.id);
        e.note_custom_fallback(source, &resource.kind, attribute, "", &stand_in);
        let _ = (node, path);
        return Ok(Val::Scalar(stand_in));
    };
    let value = e.eval(s, default, &format!("Resources.{}.Properties.{fallback}", resource.id))?;
    let text = value.as_str().unwrap_or("").to_string();
    e.note_custom_fallback(source, &resource.kind, attribute, &fallback, &text);
    Ok(value)
}
