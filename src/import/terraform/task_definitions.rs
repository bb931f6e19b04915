//! `aws_ecs_task_definition` -> `ecs.taskDefinitions`. Its `container_definitions` is a JSON
//! string in ECS's own shape (camelCase), so it is parsed and written as it is: the scenario
//! reader then reports the container fields it does not model, as for any pasted definition.

use super::TerraformError;
use super::scenario::{Ctx, Item};
use super::values::{InsertSome, from_json, seq, strings};
use crate::import::doc::{Map, Value};

/// Every task definition, in document order.
pub fn task_definitions(ctx: &mut Ctx<'_>) -> Result<Vec<Item>, TerraformError> {
    let mut items = Vec::new();
    for i in ctx.indices("aws_ecs_task_definition") {
        items.push(task_definition(ctx, i)?);
    }
    Ok(items)
}

fn task_definition(ctx: &mut Ctx<'_>, i: usize) -> Result<Item, TerraformError> {
    let address = ctx.address(i).to_string();
    let mut f = ctx.fields(i);
    let family = f.string("family")?.ok_or_else(|| {
        TerraformError::new(
            &f.child("family"),
            "a task definition without family",
            "family is a required argument of aws_ecs_task_definition",
        )
    })?;
    let containers_path = f.child("container_definitions");
    let Some(text) = f.string("container_definitions")? else {
        return Err(TerraformError::new(
            &containers_path,
            "the container definitions are not known",
            "in a plan, container_definitions is unknown when it is built from values known only after apply (jsonencode of an image digest, say): import the state after apply, or write those values as constants",
        ));
    };
    let containers: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        TerraformError::new(
            &containers_path,
            format!("is not JSON: {e} of the string"),
            "container_definitions is the JSON text of a list of container definitions, as jsonencode([...]) writes it",
        )
    })?;
    let serde_json::Value::Array(list) = &containers else {
        return Err(TerraformError::new(
            &containers_path,
            "is not a JSON list of container definitions",
            "write jsonencode([{ name = \"app\", image = \"...\" }])",
        ));
    };
    let mut m = Map::new();
    m.insert("family", Value::from(&family));
    m.opt("cpu", f.string("cpu")?.map(Value::from));
    m.opt("memory", f.string("memory")?.map(Value::from));
    m.opt("networkMode", f.string("network_mode")?.map(Value::from));
    let compat = f.strings("requires_compatibilities")?;
    if !compat.is_empty() {
        m.insert("requiresCompatibilities", strings(&compat));
    }
    if let Some(mut rp) = f.block("runtime_platform")? {
        let mut p = Map::new();
        p.opt(
            "operatingSystemFamily",
            rp.string("operating_system_family")?.map(Value::from),
        );
        p.opt("cpuArchitecture", rp.string("cpu_architecture")?.map(Value::from));
        ctx.finish(&rp);
        m.insert("runtimePlatform", Value::Map(p));
    }
    let constraints = placement_constraints(ctx, &mut f, "placement_constraints")?;
    if !constraints.is_empty() {
        m.insert("placementConstraints", seq(constraints));
    }
    m.insert("containerDefinitions", seq(list.iter().map(from_json).collect()));
    // Set by Terraform or AWS, not by the definition: its revision and identifiers.
    f.skip(&["revision", "arn_without_revision", "skip_destroy", "track_latest"]);
    ctx.finish(&f);
    ctx.imported(i, format!("ecs.taskDefinitions: {family}"));
    Ok((format!("from {address}"), Value::Map(m)))
}

/// `placement_constraints` blocks -> `{type, expression}` items.
pub fn placement_constraints(
    ctx: &mut Ctx<'_>,
    f: &mut super::fields::Fields<'_>,
    key: &str,
) -> Result<Vec<Value>, TerraformError> {
    let mut out = Vec::new();
    for mut b in f.blocks(key)? {
        let mut m = Map::new();
        m.opt("type", b.string("type")?.map(Value::from));
        m.opt("expression", b.string("expression")?.map(Value::from));
        ctx.finish(&b);
        out.push(Value::Map(m));
    }
    Ok(out)
}
