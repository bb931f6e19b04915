//! `aws_ecs_cluster`, `aws_ecs_cluster_capacity_providers` and `aws_ecs_capacity_provider` ->
//! `ecs.cluster` and `ecs.capacityProviders`. A scenario simulates one cluster: the one most
//! services run in (services of other clusters are listed as ignored).

use super::TerraformError;
use super::compute::group_name;
use super::fields::Fields;
use super::link::{name_in_identifier, name_of};
use super::scenario::{Ctx, Item};
use super::values::{InsertSome, seq, strings};
use crate::import::doc::{Map, Value};

/// The cluster of the scenario and the capacity providers.
pub struct EcsParts {
    /// The cluster's name.
    pub cluster_name: String,
    /// `ecs.cluster`.
    pub cluster: Value,
    /// Where `ecs.cluster` came from (`from aws_ecs_cluster.main, ...`).
    pub cluster_comment: String,
    /// `ecs.capacityProviders`.
    pub capacity_providers: Vec<Item>,
    /// Each `aws_ecs_service` with the name of its cluster.
    pub service_clusters: Vec<(usize, String)>,
}

/// The cluster most services run in, with its capacity providers and default strategy.
pub fn cluster_and_providers(ctx: &mut Ctx<'_>) -> Result<EcsParts, TerraformError> {
    let service_clusters = service_clusters(ctx)?;
    if service_clusters.is_empty() {
        let what = if ctx.model.resources().is_empty() {
            "the document has no resources".to_string()
        } else {
            format!(
                "none of its {} resources is an aws_ecs_service",
                ctx.model.resources().len()
            )
        };
        return Err(TerraformError::new(
            "",
            format!("nothing to simulate: {what}"),
            "import the plan or state of the configuration that declares your aws_ecs_service resources (with -json of its root module)",
        ));
    }
    let cluster_name = chosen_cluster(ctx, &service_clusters)?;
    let clusters = ctx.indices("aws_ecs_cluster");
    let cluster_resource = clusters
        .iter()
        .copied()
        .find(|&i| name_of(ctx.resource(i)).as_deref() == Some(cluster_name.as_str()));
    let mut cluster = Map::new();
    cluster.insert("clusterName", Value::from(&cluster_name));
    let mut sources: Vec<String> = Vec::new();
    let mut providers = Vec::new();
    let mut strategy = Vec::new();
    if let Some(i) = cluster_resource {
        let mut f = ctx.fields(i);
        f.string("name")?;
        // Provider versions before 5.0 set the providers on the cluster itself.
        providers = f.strings("capacity_providers")?;
        strategy = strategy_items(ctx, &mut f, "default_capacity_provider_strategy")?;
        ctx.finish(&f);
        ctx.imported(i, format!("ecs.cluster: {cluster_name}"));
        sources.push(ctx.address(i).to_string());
    } else {
        let what = format!(
            "the services run in cluster `{cluster_name}`, which the document does not declare: a cluster of that name is written"
        );
        ctx.report.guess(&cluster_name, "cluster", what);
    }
    for i in ctx.indices("aws_ecs_cluster_capacity_providers") {
        let mut f = ctx.fields(i);
        let known = f.string("cluster_name")?;
        let name = match known {
            Some(n) => Some(n),
            None => ctx
                .linked(i, "cluster_name", None, "aws_ecs_cluster")
                .and_then(|c| name_of(ctx.resource(c))),
        };
        if name.as_deref() != Some(cluster_name.as_str()) {
            ctx.ignored(
                i,
                format!("for cluster `{}`, not the simulated one", name.unwrap_or_default()),
            );
            continue;
        }
        providers = f.strings("capacity_providers")?;
        strategy = strategy_items(ctx, &mut f, "default_capacity_provider_strategy")?;
        ctx.finish(&f);
        ctx.imported(i, "ecs.cluster.capacityProviders and defaultCapacityProviderStrategy");
        sources.push(ctx.address(i).to_string());
    }
    for other in clusters.iter().filter(|&&i| Some(i) != cluster_resource) {
        ctx.ignored(*other, "a second cluster (a scenario simulates one)");
    }
    if !providers.is_empty() {
        cluster.insert("capacityProviders", strings(&providers));
    }
    if !strategy.is_empty() {
        cluster.insert("defaultCapacityProviderStrategy", seq(strategy));
    }
    let capacity_providers = capacity_providers(ctx)?;
    let cluster_comment = if sources.is_empty() {
        "from the services' cluster attribute (no aws_ecs_cluster in the document)".to_string()
    } else {
        format!("from {}", sources.join(", "))
    };
    Ok(EcsParts {
        cluster_name,
        cluster_comment,
        cluster: Value::Map(cluster),
        capacity_providers,
        service_clusters,
    })
}

/// The cluster named by most services (the first such in document order on a tie).
fn busiest(service_clusters: &[(usize, String)]) -> String {
    let mut best: Option<(&str, usize)> = None;
    for (_, name) in service_clusters {
        let count = service_clusters.iter().filter(|(_, n)| n == name).count();
        if best.is_none_or(|(_, c)| count > c) {
            best = Some((name, count));
        }
    }
    best.map(|(n, _)| n.to_string()).unwrap_or_default()
}

/// Each cluster services run in, with how many, in document order.
fn cluster_counts(service_clusters: &[(usize, String)]) -> Vec<(&str, usize)> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (_, name) in service_clusters {
        match counts.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 += 1,
            None => counts.push((name, 1)),
        }
    }
    counts
}

/// The cluster to simulate: `--cluster` (an error naming the clusters when no service runs in
/// it), else the one most services run in; when services run in several, the others are named
/// with the option that imports them.
fn chosen_cluster(ctx: &mut Ctx<'_>, service_clusters: &[(usize, String)]) -> Result<String, TerraformError> {
    let counts = cluster_counts(service_clusters);
    let listed = |counts: &[(&str, usize)]| {
        counts
            .iter()
            .map(|(n, c)| format!("`{n}` ({c} service{})", if *c == 1 { "" } else { "s" }))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (name, why) = match ctx.chosen_cluster.clone() {
        Some(chosen) if counts.iter().any(|(n, _)| *n == chosen) => (chosen, "chosen with --cluster"),
        Some(chosen) => {
            return Err(TerraformError::new(
                "",
                format!("no aws_ecs_service runs in cluster `{chosen}`"),
                format!("--cluster takes a cluster that services run in: {}", listed(&counts)),
            ));
        }
        None => (busiest(service_clusters), "the one most services run in"),
    };
    let others: Vec<(&str, usize)> = counts.iter().copied().filter(|(n, _)| *n != name).collect();
    if !others.is_empty() {
        let how: Vec<String> = others.iter().map(|(n, _)| format!("--cluster {n}")).collect();
        ctx.report.ignored(
            "clusters",
            "scenario",
            format!(
                "a scenario simulates one cluster: `{name}` ({why}); services also run in {}: import them with {}",
                listed(&others),
                how.join(" or ")
            ),
        );
    }
    Ok(name)
}

/// The cluster of each service: from its `cluster` (a name or an ARN), through the
/// configuration when the plan does not know it, or `default` when it has none.
fn service_clusters(ctx: &mut Ctx<'_>) -> Result<Vec<(usize, String)>, TerraformError> {
    let mut out = Vec::new();
    for i in ctx.indices("aws_ecs_service") {
        let known = ctx
            .resource(i)
            .values
            .get("cluster")
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty());
        let name = match known {
            Some(id) => name_in_identifier("aws_ecs_cluster", id),
            None => match ctx.linked(i, "cluster", None, "aws_ecs_cluster") {
                Some(c) => name_of(ctx.resource(c)).unwrap_or_else(|| ctx.resource(c).name.clone()),
                None => {
                    ctx.guess(i, "no cluster known; the default cluster `default` assumed");
                    "default".to_string()
                }
            },
        };
        out.push((i, name));
    }
    Ok(out)
}

/// `capacity_provider_strategy` / `default_capacity_provider_strategy` blocks -> strategy items.
pub fn strategy_items(ctx: &mut Ctx<'_>, f: &mut Fields<'_>, key: &str) -> Result<Vec<Value>, TerraformError> {
    let mut items = Vec::new();
    for mut b in f.blocks(key)? {
        let mut m = Map::new();
        let provider = b.string("capacity_provider")?.ok_or_else(|| {
            TerraformError::new(
                &b.child("capacity_provider"),
                "a capacity provider strategy item without capacity_provider",
                "name the capacity provider (FARGATE, FARGATE_SPOT or an aws_ecs_capacity_provider's name)",
            )
        })?;
        m.insert("capacityProvider", Value::from(provider));
        m.opt("base", b.int("base")?.filter(|&v| v > 0).map(Value::Int));
        m.opt("weight", b.int("weight")?.map(Value::Int));
        ctx.finish(&b);
        items.push(Value::Map(m));
    }
    Ok(items)
}

/// Every `aws_ecs_capacity_provider` with an Auto Scaling group provider.
fn capacity_providers(ctx: &mut Ctx<'_>) -> Result<Vec<Item>, TerraformError> {
    let mut items = Vec::new();
    for i in ctx.indices("aws_ecs_capacity_provider") {
        let address = ctx.address(i).to_string();
        let mut f = ctx.fields(i);
        let name = f.string("name")?.unwrap_or_else(|| ctx.resource(i).name.clone());
        let Some(mut asg) = f.block("auto_scaling_group_provider")? else {
            ctx.ignored(
                i,
                "no auto_scaling_group_provider (ECS Managed Instances are not modelled)",
            );
            continue;
        };
        let arn = asg.string("auto_scaling_group_arn")?;
        let group = ctx.linked(
            i,
            "auto_scaling_group_provider.0.auto_scaling_group_arn",
            arn.as_deref(),
            "aws_autoscaling_group",
        );
        let group_name = match (group, &arn) {
            (Some(g), _) => group_name(ctx, g),
            (None, Some(arn)) => name_in_identifier("aws_autoscaling_group", arn),
            (None, None) => {
                return Err(TerraformError::new(
                    &asg.child("auto_scaling_group_arn"),
                    "the Auto Scaling group of this capacity provider is neither known nor a reference to an aws_autoscaling_group of the document",
                    "import a plan or state that includes the group",
                ));
            }
        };
        let mut provider = Map::new();
        provider.insert("autoScalingGroupArn", Value::from(group_name));
        if let Some(mut ms) = asg.block("managed_scaling")? {
            let mut m = Map::new();
            m.opt("status", ms.string("status")?.map(Value::from));
            m.opt("targetCapacity", ms.int("target_capacity")?.map(Value::Int));
            m.opt(
                "minimumScalingStepSize",
                ms.int("minimum_scaling_step_size")?.map(Value::Int),
            );
            m.opt(
                "maximumScalingStepSize",
                ms.int("maximum_scaling_step_size")?.map(Value::Int),
            );
            m.opt(
                "instanceWarmupPeriod",
                ms.int("instance_warmup_period")?.map(Value::Int),
            );
            ctx.finish(&ms);
            provider.insert("managedScaling", Value::Map(m));
        }
        provider.opt(
            "managedTerminationProtection",
            asg.string("managed_termination_protection")?.map(Value::from),
        );
        provider.opt("managedDraining", asg.string("managed_draining")?.map(Value::from));
        ctx.finish(&asg);
        ctx.finish(&f);
        let mut m = Map::new();
        m.insert("name", Value::from(&name));
        m.insert("autoScalingGroupProvider", Value::Map(provider));
        ctx.imported(i, format!("ecs.capacityProviders: {name}"));
        items.push((format!("from {address}"), Value::Map(m)));
    }
    Ok(items)
}
