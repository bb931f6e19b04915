//! Puts the parts of an imported scenario together: the header, each AWS block from its file,
//! a `load:` placeholder, and the report of everything not imported.

use super::TerraformError;
use super::fields::Fields;
use super::refs::Model;
use super::show::{Resource, ShowKind};
use super::values::commented;
use crate::import::doc::{Doc, Value};
use crate::import::placeholders::{self, Origin, PlaceholderService};
use crate::import::report::ImportReport;

/// One list item of the scenario, with its `# from <address>` comment.
pub type Item = (String, Value);

/// The resource types the import maps (the rest are listed as ignored).
const MODELLED: &[&str] = &[
    "aws_ecs_cluster",
    "aws_ecs_cluster_capacity_providers",
    "aws_ecs_capacity_provider",
    "aws_ecs_task_definition",
    "aws_ecs_service",
    "aws_autoscaling_group",
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_appautoscaling_target",
    "aws_appautoscaling_policy",
    "aws_appautoscaling_scheduled_action",
    "aws_cloudwatch_metric_alarm",
    "aws_lb_target_group",
];

/// The region assumed when neither the provider configuration nor an ARN names one.
const DEFAULT_REGION: &str = "us-east-1";

/// What the mapping of every resource shares: the document, the report and the region.
pub struct Ctx<'m> {
    /// The resources and their configuration.
    pub model: &'m Model,
    /// What was imported, ignored and guessed so far.
    pub report: ImportReport,
    /// The AWS region, for guessed Availability Zone names.
    pub region: String,
    /// The cluster to simulate (`--cluster`), when chosen.
    pub chosen_cluster: Option<String>,
}

impl<'m> Ctx<'m> {
    /// The managed resources of `kind`, in document order.
    pub fn indices(&self, kind: &str) -> Vec<usize> {
        (0..self.model.resources().len())
            .filter(|&i| {
                let r = &self.model.resources()[i];
                r.kind == kind && r.mode == "managed"
            })
            .collect()
    }

    /// Resource `i`.
    pub fn resource(&self, i: usize) -> &'m Resource {
        &self.model.resources()[i]
    }

    /// The address of resource `i`.
    pub fn address(&self, i: usize) -> &'m str {
        &self.model.resources()[i].address
    }

    /// The attributes of resource `i`, to be read.
    pub fn fields(&self, i: usize) -> Fields<'m> {
        let r = &self.model.resources()[i];
        Fields::new(&r.address, &r.values)
    }

    /// Lists the attributes `f` did not read as ignored, in one entry.
    pub fn finish(&mut self, f: &Fields<'_>) {
        let unread = f.unread();
        if !unread.is_empty() {
            let prefix = format!("{}.", f.path);
            let names: Vec<&str> = unread.iter().map(|p| p.strip_prefix(&prefix).unwrap_or(p)).collect();
            let sentence = format!("set, but not modelled: {}", names.join(", "));
            self.report.ignored(&f.path, "attributes", sentence);
        }
    }

    /// Records that resource `i` became `what` in the scenario.
    pub fn imported(&mut self, i: usize, what: impl Into<String>) {
        let r = self.resource(i);
        self.report.imported(&r.address, &r.kind, what);
    }

    /// Records that resource `i`, or something in it, is left out, and why.
    pub fn ignored(&mut self, i: usize, why: impl Into<String>) {
        let r = self.resource(i);
        self.report.ignored(&r.address, &r.kind, why);
    }

    /// Records a value resource `i` does not give, and the one chosen.
    pub fn guess(&mut self, i: usize, what: impl Into<String>) {
        let r = self.resource(i);
        self.report.guess(&r.address, &r.kind, what);
    }

    /// Records that an attribute of resource `i` unknown in the plan was resolved through the
    /// configuration's references.
    pub fn resolved(&mut self, i: usize, what: impl Into<String>) {
        let r = self.resource(i);
        let sentence = format!(
            "unknown in the plan, resolved through its configuration: {}",
            what.into()
        );
        self.report.imported(&r.address, "reference", sentence);
    }

    /// The resource of `kind` an attribute of resource `res` points at (`super::link::linked`).
    pub fn linked(&mut self, res: usize, argument: &str, known: Option<&str>, kind: &str) -> Option<usize> {
        let found = super::link::linked(self.model, res, argument, known, kind)?;
        if let Some(written) = found.via {
            self.resolved(res, format!("{} = {written}", shown_argument(argument)));
            let count = self.model.instances_of(found.resource);
            if count > 1 {
                let first = self.address(found.resource);
                let what = format!(
                    "{} refers to one of {count} instances (count or for_each); the first, {first}, was taken",
                    shown_argument(argument)
                );
                self.guess(res, what);
            }
        }
        Some(found.resource)
    }
}

/// The scenario and the report for a document, simulating `cluster` (by default the cluster
/// most services run in).
pub fn build(model: &Model, cluster: Option<&str>) -> Result<(Doc, ImportReport), TerraformError> {
    let mut ctx = Ctx {
        model,
        report: ImportReport::default(),
        region: region(model),
        chosen_cluster: cluster.map(str::to_string),
    };
    let (groups, zones) = super::compute::auto_scaling_groups(&mut ctx)?;
    let target_groups = super::target_groups::target_groups(&mut ctx)?;
    let ecs = super::ecs::cluster_and_providers(&mut ctx)?;
    let task_definitions = super::task_definitions::task_definitions(&mut ctx)?;
    let mut services = super::services::services(&mut ctx, &ecs)?;
    let (scaling, policies) = super::scaling::application_auto_scaling(&mut ctx, &ecs.cluster_name, &services.names())?;
    let on = super::alarms::AlarmContext {
        cluster: &ecs.cluster_name,
        services: &services.list,
        policies: &policies,
    };
    let (alarms, latency) = super::alarms::alarms(&mut ctx, &on)?;
    let alarm_names: Vec<String> = alarms
        .iter()
        .filter_map(|(_, v)| match v {
            Value::Map(m) => match m.get("AlarmName") {
                Some(Value::Str(n)) => Some(n.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    super::services::keep_imported_deployment_alarms(&mut ctx, &mut services, &alarm_names);
    ignore_other_resources(&mut ctx);

    let mut doc = Doc::new();
    let kind = match model.show.kind {
        ShowKind::Plan => "plan",
        ShowKind::State => "state",
    };
    doc.set_name(&format!("{} (imported from a Terraform {kind})", ecs.cluster_name));
    doc.set_description(&format!(
        "The ECS services, capacity and scaling of cluster {} as Terraform describes them, with a placeholder load.",
        ecs.cluster_name
    ));
    doc.set_seed(1);
    doc.set_duration("1d");
    if !zones.is_empty() {
        doc.set_availability_zones(&zones, "the zones of the Auto Scaling groups");
    }
    if !groups.is_empty() {
        doc.block("ec2AutoScaling")
            .insert("autoScalingGroups", commented(groups));
    }
    if !target_groups.is_empty() {
        doc.block("elasticLoadBalancing")
            .insert("targetGroups", commented(target_groups));
    }
    let ecs_block = doc.block("ecs");
    if !ecs.capacity_providers.is_empty() {
        ecs_block.insert("capacityProviders", commented(ecs.capacity_providers));
    }
    ecs_block.insert_commented("cluster", ecs.cluster, ecs.cluster_comment);
    ecs_block.insert("taskDefinitions", commented(task_definitions));
    ecs_block.insert("services", commented(services.items.clone()));
    if let Some(block) = scaling {
        doc.root.insert("applicationAutoScaling", block);
    }
    if !alarms.is_empty() {
        doc.block("cloudWatch").insert("alarms", commented(alarms));
    }
    placeholders(&mut doc, &mut ctx.report, &services, &latency);
    Ok((doc, ctx.report))
}

/// What Terraform cannot say: what one task of each family serves at full CPU, and each
/// service's traffic, written as guesses to replace (`import::placeholders`).
fn placeholders(doc: &mut Doc, report: &mut ImportReport, services: &super::services::Services, latency: &[String]) {
    let services: Vec<PlaceholderService> = services
        .list
        .iter()
        .map(|s| PlaceholderService {
            name: s.name.clone(),
            family: s.family.clone(),
            desired_count: i64::from(s.desired_count),
            response_time: latency.contains(&s.name),
            queue: None,
        })
        .collect();
    let origin = Origin {
        input: "Terraform",
        response_time_reason: "an alarm watches TargetResponseTime",
    };
    for (source, sentence) in placeholders::write(doc, &services, origin) {
        report.guess(&source, "scenario", sentence);
    }
}

/// Every resource of a type the import does not map, and every data source, as ignored.
fn ignore_other_resources(ctx: &mut Ctx<'_>) {
    for r in ctx.model.resources() {
        if r.mode != "managed" {
            ctx.report.ignored(&r.address, &r.kind, "a data source");
        } else if !MODELLED.contains(&r.kind.as_str()) {
            ctx.report
                .ignored(&r.address, &r.kind, "a resource type ecsim does not model");
        }
    }
}

/// A dotted argument path as Terraform writes addresses: `launch_template.0.id` ->
/// `launch_template[0].id`.
fn shown_argument(argument: &str) -> String {
    let mut out = String::new();
    for part in argument.split('.') {
        if part.parse::<usize>().is_ok() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
}

/// The provider's region, or the one in the first ARN of the document, or us-east-1.
fn region(model: &Model) -> String {
    if let Some(r) = &model.show.region {
        return r.clone();
    }
    let from_arn = model.resources().iter().find_map(|r| {
        let arn = r.values.get("arn")?.as_str()?;
        let region = arn.split(':').nth(3)?;
        (!region.is_empty()).then(|| region.to_string())
    });
    from_arn.unwrap_or_else(|| DEFAULT_REGION.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_shown_as_terraform_writes_them() {
        assert_eq!(shown_argument("launch_template.0.id"), "launch_template[0].id");
        assert_eq!(shown_argument("cluster"), "cluster");
        assert_eq!(shown_argument("a.0.b.1.c"), "a[0].b[1].c");
    }
}
