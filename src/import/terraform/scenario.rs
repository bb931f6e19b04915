//! Puts the parts of an imported scenario together: the header, each AWS block from its file,
//! a `load:` placeholder, and the report of everything not imported.

use super::TerraformError;
use super::fields::Fields;
use super::refs::Model;
use super::report::Report;
use super::show::{Resource, ShowKind};
use super::yaml_out::{Out, write_entry};

/// One list item of the scenario, with its `# from <address>` comment.
pub type Item = (Option<String>, Out);

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

/// The requests per second the `load:` placeholder gives every service.
const PLACEHOLDER_RPS: u32 = 100;

/// What the mapping of every resource shares: the document, the report and the region.
pub struct Ctx<'m> {
    /// The resources and their configuration.
    pub model: &'m Model,
    /// What was imported, ignored, guessed and resolved so far.
    pub report: Report,
    /// The AWS region, for guessed Availability Zone names.
    pub region: String,
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

    /// Lists what `f` did not read as ignored attributes.
    pub fn finish(&mut self, f: &Fields<'_>) {
        self.report.ignored_attributes(f.unread());
    }

    /// The resource of `kind` an attribute of resource `res` points at (`super::link::linked`).
    pub fn linked(&mut self, res: usize, argument: &str, known: Option<&str>, kind: &str) -> Option<usize> {
        super::link::linked(self.model, &mut self.report, res, argument, known, kind)
    }
}

/// The scenario text and the report for a document.
pub fn build(model: &Model, file_name: &str) -> Result<(String, Report), TerraformError> {
    let mut ctx = Ctx {
        model,
        report: Report::default(),
        region: region(model),
    };
    let (groups, zones) = super::compute::auto_scaling_groups(&mut ctx)?;
    let target_groups = super::target_groups::target_groups(&mut ctx)?;
    let ecs = super::ecs::cluster_and_providers(&mut ctx)?;
    let task_definitions = super::task_definitions::task_definitions(&mut ctx)?;
    let services = super::services::services(&mut ctx, &ecs)?;
    let (scaling, policies) = super::scaling::application_auto_scaling(&mut ctx, &ecs.cluster_name, &services.names)?;
    let alarms = super::alarms::alarms(&mut ctx, &ecs.cluster_name, &services.names, &policies)?;
    ignore_other_resources(&mut ctx);

    let mut text = header(file_name, model.show.kind, &ecs.cluster_name);
    if !zones.is_empty() {
        write_entry(
            &mut text,
            0,
            "availabilityZones",
            &Out::list(zones.iter().map(Out::str).collect()),
        );
    }
    if !groups.is_empty() {
        text.push('\n');
        write_entry(
            &mut text,
            0,
            "ec2AutoScaling",
            &Out::Map(vec![("autoScalingGroups".into(), Out::List(groups))]),
        );
    }
    if !target_groups.is_empty() {
        text.push('\n');
        write_entry(
            &mut text,
            0,
            "elasticLoadBalancing",
            &Out::Map(vec![("targetGroups".into(), Out::List(target_groups))]),
        );
    }
    let mut ecs_block = Vec::new();
    if !ecs.capacity_providers.is_empty() {
        ecs_block.push((
            "capacityProviders".to_string(),
            Out::List(ecs.capacity_providers.clone()),
        ));
    }
    ecs_block.push(("cluster".into(), ecs.cluster.clone()));
    ecs_block.push(("taskDefinitions".into(), Out::List(task_definitions)));
    ecs_block.push(("services".into(), Out::List(services.items)));
    text.push('\n');
    write_entry(&mut text, 0, "ecs", &Out::Map(ecs_block));
    if let Some(block) = scaling {
        text.push('\n');
        write_entry(&mut text, 0, "applicationAutoScaling", &block);
    }
    if !alarms.is_empty() {
        text.push('\n');
        write_entry(
            &mut text,
            0,
            "cloudWatch",
            &Out::Map(vec![("alarms".into(), Out::List(alarms))]),
        );
    }
    text.push_str(&load_placeholder(&services.names));
    Ok((text, ctx.report))
}

fn header(file_name: &str, kind: ShowKind, cluster: &str) -> String {
    let what = match kind {
        ShowKind::Plan => "a plan",
        ShowKind::State => "the state",
    };
    format!(
        "# Imported by `ecsim import terraform` from {file_name} (`terraform show -json` of {what}).\n\
         # Each item names the resource it came from. Replace the `load:` placeholder at the end\n\
         # with the traffic you want to simulate, then add `expect:` lines.\n\
         name: {cluster} (imported from Terraform)\n\
         description: The ECS services, capacity and scaling of {file_name}, with a placeholder load.\n\
         seed: 1\n\
         duration: 1d\n\
         traceInterval: 60s\n"
    )
}

fn load_placeholder(services: &[String]) -> String {
    let mut text = String::from(
        "\n# PLACEHOLDER: a constant load on every service. Replace it with the traffic you expect\n\
         # (constant, diurnal, ramp, spike, replay: see the README's `load` section).\n",
    );
    let entries: Vec<(String, Out)> = services
        .iter()
        .map(|s| {
            let shape = Out::Map(vec![("constant".into(), Out::int(i64::from(PLACEHOLDER_RPS)))]);
            (
                s.clone(),
                Out::Map(vec![("requestsPerSecond".into(), Out::list(vec![shape]))]),
            )
        })
        .collect();
    write_entry(&mut text, 0, "load", &Out::Map(entries));
    text
}

/// Every resource of a type the import does not map, and every data source, as ignored.
fn ignore_other_resources(ctx: &mut Ctx<'_>) {
    for r in ctx.model.resources() {
        if r.mode != "managed" {
            ctx.report.ignored(format!("{}: a data source", r.address));
        } else if !MODELLED.contains(&r.kind.as_str()) {
            ctx.report.ignored(format!("{}: {} is not modelled", r.address, r.kind));
        }
    }
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
