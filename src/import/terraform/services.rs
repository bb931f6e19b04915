//! `aws_ecs_service` -> `ecs.services`: the task definition (by family), desired count, launch
//! type or capacity provider strategy, deployment settings, placement, load balancers and the
//! health check grace period, for the services of the simulated cluster.

use super::TerraformError;
use super::ecs::{EcsParts, strategy_items};
use super::link::{name_in_identifier, name_of};
use super::scenario::{Ctx, Item};
use super::target_groups::target_group_name;
use super::task_definitions::placement_constraints;
use super::values::{InsertSome, seq, strings};
use crate::import::doc::{Map, Value};

/// The services of the scenario, and what the placeholders need of each.
pub struct Services {
    /// `ecs.services` items.
    pub items: Vec<Item>,
    /// Each service's name, task definition family and desired count, in order.
    pub list: Vec<ServiceSummary>,
}

/// What the `load:` and `behavior:` placeholders need of a service.
pub struct ServiceSummary {
    /// `serviceName`.
    pub name: String,
    /// The family of its task definition.
    pub family: String,
    /// `desiredCount`.
    pub desired_count: u32,
    /// The names of the target groups it registers its tasks in.
    pub target_groups: Vec<String>,
}

impl Services {
    /// The service names, in order.
    pub fn names(&self) -> Vec<String> {
        self.list.iter().map(|s| s.name.clone()).collect()
    }
}

/// The services that run in the simulated cluster.
pub fn services(ctx: &mut Ctx<'_>, ecs: &EcsParts) -> Result<Services, TerraformError> {
    let mut out = Services {
        items: Vec::new(),
        list: Vec::new(),
    };
    for &(i, ref cluster) in &ecs.service_clusters {
        let address = ctx.address(i).to_string();
        if *cluster != ecs.cluster_name {
            ctx.ignored(
                i,
                format!("runs in cluster `{cluster}`, not the simulated `{}`", ecs.cluster_name),
            );
            continue;
        }
        if let Some((summary, item)) = service(ctx, i)? {
            ctx.imported(i, format!("ecs.services: {}", summary.name));
            out.list.push(summary);
            out.items.push((format!("from {address}"), item));
        }
    }
    Ok(out)
}

fn service(ctx: &mut Ctx<'_>, i: usize) -> Result<Option<(ServiceSummary, Value)>, TerraformError> {
    let mut f = ctx.fields(i);
    f.skip(&["cluster"]);
    let name = f.string("name")?.ok_or_else(|| {
        TerraformError::new(
            &f.child("name"),
            "a service without name",
            "name is a required argument of aws_ecs_service",
        )
    })?;
    if f.string("scheduling_strategy")?.as_deref() == Some("DAEMON") {
        ctx.ignored(
            i,
            "a DAEMON service: not imported; ecsim runs DAEMON services, so add it to the scenario by hand (schedulingStrategy: DAEMON, launchType: EC2, no desiredCount)",
        );
        return Ok(None);
    }
    let known_td = f.string("task_definition")?;
    let td = ctx.linked(i, "task_definition", known_td.as_deref(), "aws_ecs_task_definition");
    let Some(family) = td.map(|td| name_of(ctx.resource(td)).unwrap_or_else(|| ctx.resource(td).name.clone())) else {
        let message = match &known_td {
            Some(t) => format!(
                "task definition `{}` is not an aws_ecs_task_definition of the document",
                name_in_identifier("aws_ecs_task_definition", t)
            ),
            None => {
                "the task definition is neither known nor a reference to an aws_ecs_task_definition of the document"
                    .into()
            }
        };
        return Err(TerraformError::new(
            &f.child("task_definition"),
            message,
            "import the plan or state of the configuration that declares the task definition",
        ));
    };
    let mut m = Map::new();
    m.insert("serviceName", Value::from(&name));
    m.insert("taskDefinition", Value::from(&family));
    let desired = f.int("desired_count")?.unwrap_or(0);
    m.insert("desiredCount", Value::Int(desired));
    let strategy = strategy_items(ctx, &mut f, "capacity_provider_strategy")?;
    let launch_type = f.string("launch_type")?;
    if !strategy.is_empty() {
        m.insert("capacityProviderStrategy", seq(strategy));
    } else if let Some(lt) = launch_type {
        m.insert("launchType", Value::from(lt));
    }
    if let Some(mut dc) = f.block("deployment_controller")? {
        m.opt(
            "deploymentController",
            dc.string("type")?.map(|t| Value::Map(Map::new().with("type", t))),
        );
        ctx.finish(&dc);
    }
    m.opt("deploymentConfiguration", deployment_configuration(ctx, &mut f)?);
    let mut strategies = Vec::new();
    for mut s in f.blocks("ordered_placement_strategy")? {
        let mut p = Map::new();
        p.opt("type", s.string("type")?.map(Value::from));
        p.opt("field", s.string("field")?.map(Value::from));
        ctx.finish(&s);
        strategies.push(Value::Map(p));
    }
    if !strategies.is_empty() {
        m.insert("placementStrategy", seq(strategies));
    }
    let constraints = placement_constraints(ctx, &mut f, "placement_constraints")?;
    if !constraints.is_empty() {
        m.insert("placementConstraints", seq(constraints));
    }
    let lbs = load_balancers(ctx, i, &mut f)?;
    let target_groups: Vec<String> = lbs
        .iter()
        .filter_map(|lb| match lb {
            Value::Map(m) => match m.get("targetGroupArn") {
                Some(Value::Str(name)) => Some(name.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    if !lbs.is_empty() {
        m.insert("loadBalancers", seq(lbs));
    }
    m.opt(
        "healthCheckGracePeriodSeconds",
        f.int("health_check_grace_period_seconds")?.map(Value::Int),
    );
    // What Terraform does around the API call, not what the service is.
    f.skip(&[
        "force_new_deployment",
        "wait_for_steady_state",
        "triggers",
        "force_delete",
    ]);
    ctx.finish(&f);
    let summary = ServiceSummary {
        name,
        family,
        desired_count: u32::try_from(desired.max(0)).unwrap_or(u32::MAX),
        target_groups,
    };
    Ok(Some((summary, Value::Map(m))))
}

/// `deployment_minimum_healthy_percent`, `deployment_maximum_percent`,
/// `deployment_circuit_breaker` and `alarms` -> `deploymentConfiguration`.
fn deployment_configuration(
    ctx: &mut Ctx<'_>,
    f: &mut super::fields::Fields<'_>,
) -> Result<Option<Value>, TerraformError> {
    let mut m = Map::new();
    m.opt(
        "minimumHealthyPercent",
        f.int("deployment_minimum_healthy_percent")?.map(Value::Int),
    );
    m.opt("maximumPercent", f.int("deployment_maximum_percent")?.map(Value::Int));
    if let Some(mut cb) = f.block("deployment_circuit_breaker")? {
        let mut b = Map::new();
        b.insert("enable", Value::Bool(cb.boolean("enable")?.unwrap_or(false)));
        b.insert("rollback", Value::Bool(cb.boolean("rollback")?.unwrap_or(false)));
        ctx.finish(&cb);
        m.insert("deploymentCircuitBreaker", Value::Map(b));
    }
    if let Some(mut al) = f.block("alarms")? {
        let mut b = Map::new();
        let names = al.strings("alarm_names")?;
        b.insert("alarmNames", strings(&names));
        b.insert("enable", Value::Bool(al.boolean("enable")?.unwrap_or(false)));
        b.insert("rollback", Value::Bool(al.boolean("rollback")?.unwrap_or(false)));
        ctx.finish(&al);
        m.insert("alarms", Value::Map(b));
    }
    Ok((!m.is_empty()).then_some(Value::Map(m)))
}

/// `load_balancer` blocks with a target group -> `loadBalancers` naming it.
fn load_balancers(
    ctx: &mut Ctx<'_>,
    i: usize,
    f: &mut super::fields::Fields<'_>,
) -> Result<Vec<Value>, TerraformError> {
    let mut out = Vec::new();
    for (k, mut lb) in f.blocks("load_balancer")?.into_iter().enumerate() {
        let known = lb.string("target_group_arn")?;
        let argument = format!("load_balancer.{k}.target_group_arn");
        let group = ctx.linked(i, &argument, known.as_deref(), "aws_lb_target_group");
        let name = match (group, &known) {
            (Some(g), _) => target_group_name(ctx, g),
            (None, Some(arn)) => {
                let what = format!(
                    "target group {arn} is not in the document: left out (add it to elasticLoadBalancing.targetGroups and loadBalancers by hand)"
                );
                lb.skip(&["container_name", "container_port", "elb_name"]);
                ctx.report.ignored(&lb.path, "load balancer", what);
                continue;
            }
            (None, None) => {
                lb.string("elb_name")?;
                ctx.report
                    .ignored(&lb.path, "load balancer", "a Classic Load Balancer (not modelled)");
                ctx.finish(&lb);
                continue;
            }
        };
        let mut m = Map::new();
        m.insert("targetGroupArn", Value::from(name));
        m.opt("containerName", lb.string("container_name")?.map(Value::from));
        m.opt("containerPort", lb.int("container_port")?.map(Value::Int));
        ctx.finish(&lb);
        out.push(Value::Map(m));
    }
    Ok(out)
}

/// Keeps in each service's `deploymentConfiguration.alarms` only the alarms the scenario has
/// (`alarms`, the names imported); the others are listed as ignored, and a list left empty is
/// removed with its block.
pub fn keep_imported_deployment_alarms(ctx: &mut Ctx<'_>, services: &mut Services, alarms: &[String]) {
    for (comment, item) in &mut services.items {
        let Value::Map(service) = item else { continue };
        let Some(Value::Map(deployment)) = service.get_mut("deploymentConfiguration") else {
            continue;
        };
        let Some(Value::Map(block)) = deployment.get("alarms") else {
            continue;
        };
        let Some(Value::Seq(names)) = block.get("alarmNames") else {
            continue;
        };
        let (kept, dropped): (Vec<Value>, Vec<Value>) = names
            .items()
            .iter()
            .map(|i| i.value.clone())
            .partition(|v| matches!(v, Value::Str(n) if alarms.contains(n)));
        let address = comment.trim_start_matches("from ");
        for name in dropped {
            if let Value::Str(n) = name {
                let why = format!("alarm `{n}` is not imported, so the deployment does not watch it");
                ctx.report
                    .ignored(&format!("{address}.alarms"), "deployment alarm", why);
            }
        }
        if kept.is_empty() {
            deployment.remove("alarms");
        } else {
            let mut block = block.clone();
            block.insert("alarmNames", seq(kept));
            deployment.insert("alarms", block);
        }
    }
}
