//! References between resources. A state knows every value; a plan does not know the computed
//! ones (an ARN, an id) yet, so an attribute such as `cluster = aws_ecs_cluster.main.arn` is
//! absent from its planned values. The plan's `configuration` still says what the attribute was
//! written as (`expressions.cluster.references`), and that names the resource it points at.

use std::collections::BTreeMap;

use serde_json::Value;

use super::show::{ConfigModule, Resource, ShowOutput, parent_module};

/// How many `var.` hops through module calls are followed before giving up.
const MAX_VARIABLE_HOPS: usize = 32;

/// The resources of a `terraform show -json` document, indexed by address.
pub struct Model {
    /// What was read.
    pub show: ShowOutput,
    /// `module.a.aws_ecs_service.web` (instance key dropped) -> the first such instance.
    by_address: BTreeMap<String, usize>,
    /// The same addresses -> how many instances (`count`, `for_each`) share them.
    instances: BTreeMap<String, usize>,
}

/// A reference found in the configuration, resolved to a resource of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The resource referred to (an index into `show.resources`).
    pub resource: usize,
    /// The attribute referred to (`arn`, `name`), if any.
    pub attribute: Option<String>,
    /// The reference as written, with the module path of the resource that holds it.
    pub written: String,
}

impl Model {
    /// Indexes the resources of `show`.
    pub fn new(show: ShowOutput) -> Self {
        let mut by_address = BTreeMap::new();
        let mut instances = BTreeMap::new();
        for (i, r) in show.resources.iter().enumerate() {
            let address = qualified(&r.module, &r.local_address());
            *instances.entry(address.clone()).or_insert(0) += 1;
            by_address.entry(address).or_insert(i);
        }
        Model {
            show,
            by_address,
            instances,
        }
    }

    /// How many instances share resource `i`'s address (more than 1 with `count` or
    /// `for_each`, where a reference in the configuration does not say which one).
    pub fn instances_of(&self, i: usize) -> usize {
        let r = &self.show.resources[i];
        self.instances
            .get(&qualified(&r.module, &r.local_address()))
            .copied()
            .unwrap_or(1)
    }

    /// The resources, in document order.
    pub fn resources(&self) -> &[Resource] {
        &self.show.resources
    }

    /// The resources that an argument of resource `res` refers to in the configuration.
    /// `argument` is a dotted path; nested blocks take an index (`load_balancer.0.target_group_arn`).
    pub fn references(&self, res: usize, argument: &str) -> Vec<Reference> {
        let r = &self.show.resources[res];
        let Some(config) = self.show.configuration.as_ref() else {
            return Vec::new();
        };
        let Some(expressions) = config
            .at(&r.module)
            .and_then(|m| m.resource(&r.local_address()))
            .map(|c| &c.expressions)
        else {
            return Vec::new();
        };
        let mut expression = expressions.get(argument.split('.').next().unwrap_or_default());
        for segment in argument.split('.').skip(1) {
            expression = match (expression, segment.parse::<usize>()) {
                (Some(Value::Array(items)), Ok(i)) => items.get(i),
                (Some(Value::Object(o)), _) => o.get(segment),
                _ => None,
            };
        }
        let mut out = Vec::new();
        if let Some(e) = expression {
            self.resolve_expression(config, &r.module, e, 0, &mut out);
        }
        out
    }

    fn resolve_expression(
        &self,
        config: &ConfigModule,
        module: &str,
        e: &Value,
        hops: usize,
        out: &mut Vec<Reference>,
    ) {
        let Some(refs) = e.get("references").and_then(Value::as_array) else {
            return;
        };
        for written in refs.iter().filter_map(Value::as_str) {
            if let Some(var) = written.strip_prefix("var.") {
                // An input variable: what the calling module passed, resolved in the caller.
                let name = var.split(['.', '[']).next().unwrap_or(var);
                if hops < MAX_VARIABLE_HOPS && !module.is_empty() {
                    if let Some(passed) = config.call(module).and_then(|c| c.expressions.get(name)) {
                        self.resolve_expression(config, parent_module(module), passed, hops + 1, out);
                    }
                }
                continue;
            }
            let Some((local, attribute)) = split_reference(written) else {
                continue;
            };
            let Some(&resource) = self.by_address.get(&qualified(module, &local)) else {
                continue;
            };
            // `x.y.name` and `x.y` are both listed for one use: keep the first, more precise one.
            if out.iter().any(|o| o.resource == resource) {
                continue;
            }
            out.push(Reference {
                resource,
                attribute,
                written: qualified(module, written),
            });
        }
    }
}

fn qualified(module: &str, local: &str) -> String {
    if module.is_empty() {
        local.to_string()
    } else {
        format!("{module}.{local}")
    }
}

/// `aws_ecs_cluster.main[0].name` -> (`aws_ecs_cluster.main`, `Some("name")`); `data.` sources
/// keep their prefix; `local.`, `module.`, `each.`, `count.`, `path.` and `terraform.` are not
/// resources.
fn split_reference(written: &str) -> Option<(String, Option<String>)> {
    let (prefix, rest) = match written.strip_prefix("data.") {
        Some(rest) => ("data.", rest),
        None => ("", written),
    };
    let mut parts = rest.splitn(3, '.');
    let kind = parts.next()?;
    if prefix.is_empty() && ["local", "module", "each", "count", "path", "terraform", "self"].contains(&kind) {
        return None;
    }
    let name_and_key = parts.next()?;
    let name = name_and_key.split('[').next().unwrap_or(name_and_key);
    let attribute = parts
        .next()
        .map(|a| a.split(['.', '[']).next().unwrap_or(a).to_string());
    Some((format!("{prefix}{kind}.{name}"), attribute))
}

#[cfg(test)]
mod tests {
    use super::super::show::read_show;
    use super::*;

    const PLAN: &str = r#"{
      "format_version": "1.2",
      "planned_values": {"root_module": {
        "resources": [{"address": "aws_ecs_cluster.main", "type": "aws_ecs_cluster", "name": "main", "values": {"name": "demo"}}],
        "child_modules": [{"address": "module.svc", "resources": [
          {"address": "module.svc.aws_lb_target_group.web", "type": "aws_lb_target_group", "name": "web", "values": {"name": "web"}},
          {"address": "module.svc.aws_ecs_service.web", "type": "aws_ecs_service", "name": "web", "values": {"name": "web"}}]}]}},
      "configuration": {"root_module": {
        "resources": [{"address": "aws_ecs_cluster.main", "expressions": {"name": {"constant_value": "demo"}}}],
        "module_calls": {"svc": {"expressions": {"cluster_arn": {"references": ["aws_ecs_cluster.main.arn", "aws_ecs_cluster.main"]}},
          "module": {"resources": [{"address": "aws_ecs_service.web", "expressions": {
            "cluster": {"references": ["var.cluster_arn"]},
            "load_balancer": [{"target_group_arn": {"references": ["aws_lb_target_group.web.arn", "aws_lb_target_group.web"]}}]}}]}}}}}
    }"#;

    #[test]
    fn references_are_followed_into_nested_blocks_and_through_module_variables() {
        let model = Model::new(read_show(PLAN).unwrap());
        let service = 2;
        let tg = model.references(service, "load_balancer.0.target_group_arn");
        assert_eq!(
            tg,
            [Reference {
                resource: 1,
                attribute: Some("arn".into()),
                written: "module.svc.aws_lb_target_group.web.arn".into()
            }]
        );
        let cluster = model.references(service, "cluster");
        assert_eq!(cluster.len(), 1);
        assert_eq!(cluster[0].resource, 0);
        assert_eq!(cluster[0].written, "aws_ecs_cluster.main.arn");
        assert!(model.references(service, "task_definition").is_empty());
        assert!(model.references(0, "name").is_empty(), "a constant refers to nothing");
    }

    #[test]
    fn reference_strings_split_into_resource_and_attribute() {
        for (written, local, attr) in [
            ("aws_ecs_cluster.main.name", "aws_ecs_cluster.main", Some("name")),
            ("aws_ecs_cluster.main", "aws_ecs_cluster.main", None),
            ("aws_lb_target_group.tg[0].arn", "aws_lb_target_group.tg", Some("arn")),
            ("data.aws_iam_role.r.arn", "data.aws_iam_role.r", Some("arn")),
            (
                "aws_ecs_service.web.load_balancer[0].container_name",
                "aws_ecs_service.web",
                Some("load_balancer"),
            ),
        ] {
            let (l, a) = split_reference(written).unwrap();
            assert_eq!((l.as_str(), a.as_deref()), (local, attr), "{written}");
        }
        assert_eq!(split_reference("local.name"), None);
        assert_eq!(split_reference("module.net.subnets"), None);
    }
}
