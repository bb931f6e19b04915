//! The output of `terraform show -json`, of a plan (`planned_values`) or of a state (`values`):
//! every resource of the root module and of its child modules, recursively, with the
//! configuration that produced it (a plan's `configuration`, where references live).

use serde::Deserialize;
use serde_json::{Map, Value};

use super::TerraformError;

/// Which document `terraform show -json` printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowKind {
    /// A saved plan: values after apply, where computed ones are not known yet.
    Plan,
    /// The state: every value known.
    State,
}

/// One resource instance (`aws_ecs_service.web`, `module.app.aws_ecs_service.web[0]`).
#[derive(Clone, Debug)]
pub struct Resource {
    /// The full address, as Terraform prints it.
    pub address: String,
    /// `module.a.module.b`, or empty for the root module.
    pub module: String,
    /// `managed` or `data`.
    pub mode: String,
    /// The resource type (`aws_ecs_service`).
    pub kind: String,
    /// The resource name in its module (`web`).
    pub name: String,
    /// The attributes (known ones only, in a plan).
    pub values: Map<String, Value>,
}

impl Resource {
    /// The address without module path and instance key (`aws_ecs_service.web`).
    pub fn local_address(&self) -> String {
        format!("{}.{}", self.kind, self.name)
    }
}

/// A module of a plan's `configuration`: its resources' expressions and its calls of modules.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ConfigModule {
    /// The resources declared in the module.
    #[serde(default)]
    pub resources: Vec<ConfigResource>,
    /// Child modules by call name.
    #[serde(default)]
    pub module_calls: std::collections::BTreeMap<String, ModuleCall>,
}

/// One `resource` block of the configuration.
#[derive(Clone, Debug, Deserialize)]
pub struct ConfigResource {
    /// The address within its module (`aws_ecs_service.web`).
    pub address: String,
    /// The arguments as written: `constant_value` or `references`, nested blocks as lists.
    #[serde(default)]
    pub expressions: Map<String, Value>,
}

/// One `module` block: the arguments passed to the module and the module itself.
#[derive(Clone, Debug, Deserialize)]
pub struct ModuleCall {
    /// The module's input variables as written by the caller.
    #[serde(default)]
    pub expressions: Map<String, Value>,
    /// The module's own configuration.
    #[serde(default)]
    pub module: ConfigModule,
}

/// What `terraform show -json` printed, read.
#[derive(Debug)]
pub struct ShowOutput {
    /// A plan or a state.
    pub kind: ShowKind,
    /// Every resource instance, root module first, then child modules depth first.
    pub resources: Vec<Resource>,
    /// The configuration (plans only).
    pub configuration: Option<ConfigModule>,
    /// The AWS provider's `region`, when the configuration sets it as a constant.
    pub region: Option<String>,
}

/// The top-level keys of the JSON documents, as the Terraform JSON output format has them.
#[derive(Deserialize)]
struct Document {
    format_version: Option<String>,
    planned_values: Option<Values>,
    values: Option<Values>,
    configuration: Option<Configuration>,
}

#[derive(Deserialize)]
struct Values {
    root_module: Option<ValuesModule>,
}

#[derive(Deserialize)]
struct ValuesModule {
    address: Option<String>,
    #[serde(default)]
    resources: Vec<ValuesResource>,
    #[serde(default)]
    child_modules: Vec<ValuesModule>,
}

#[derive(Deserialize)]
struct ValuesResource {
    address: String,
    #[serde(default = "managed")]
    mode: String,
    #[serde(rename = "type")]
    kind: String,
    name: String,
    #[serde(default)]
    values: Map<String, Value>,
}

fn managed() -> String {
    "managed".into()
}

#[derive(Deserialize)]
struct Configuration {
    #[serde(default)]
    provider_config: Map<String, Value>,
    root_module: Option<ConfigModule>,
}

/// How deep child modules may nest (a limit on everything: Terraform allows no cycles, but a
/// hand-made file could nest without end).
const MAX_MODULE_DEPTH: usize = 64;

/// Reads `terraform show -json` output; `file` names it in errors.
pub fn read_show(text: &str) -> Result<ShowOutput, TerraformError> {
    let doc: Document = serde_json::from_str(text).map_err(|e| {
        let what = if e.is_syntax() || e.is_eof() {
            "is not JSON"
        } else {
            "is not `terraform show -json` output"
        };
        TerraformError::at_line(
            e.line(),
            e.column(),
            {
                // The place is shown beside the message: serde's own " at line L column C" goes.
                let text = e.to_string();
                let reason = text.rsplit_once(" at line ").map_or(text.as_str(), |(r, _)| r);
                format!("{what}: {reason}")
            },
            "run `terraform show -json PLANFILE > plan.json` (or `terraform show -json > state.json` for the state) and import that file",
        )
    })?;
    // 0.x (Terraform 0.12 to 0.14) has the same shape as 1.x; a new major version may not.
    let version_ok = doc
        .format_version
        .as_deref()
        .is_some_and(|v| v.starts_with("1.") || v.starts_with("0."));
    if doc.format_version.is_none() {
        return Err(TerraformError::new(
            "",
            "the file has no `format_version`, so it is not `terraform show -json` output",
            "run `terraform show -json PLANFILE > plan.json` (a .tfstate file itself is not that format: run `terraform show -json` in the working directory)",
        ));
    }
    if !version_ok {
        return Err(TerraformError::new(
            "format_version",
            format!(
                "format_version {} is not supported (0.x and 1.x are)",
                doc.format_version.unwrap_or_default()
            ),
            "this ecsim reads the JSON output format of Terraform 0.12 to 1.x",
        ));
    }
    let (kind, values) = match (doc.planned_values, doc.values) {
        (Some(v), _) => (ShowKind::Plan, v),
        (None, Some(v)) => (ShowKind::State, v),
        (None, None) => {
            return Err(TerraformError::new(
                "",
                "the file has neither `planned_values` (a plan) nor `values` (a state)",
                "an empty state prints no `values`: apply the configuration first, or import the plan (`terraform plan -out plan.tfplan && terraform show -json plan.tfplan`)",
            ));
        }
    };
    let mut resources = Vec::new();
    if let Some(root) = values.root_module {
        collect(root, 0, &mut resources)?;
    }
    let region = doc
        .configuration
        .as_ref()
        .and_then(|c| provider_region(&c.provider_config));
    Ok(ShowOutput {
        kind,
        resources,
        configuration: doc.configuration.and_then(|c| c.root_module),
        region,
    })
}

fn collect(module: ValuesModule, depth: usize, out: &mut Vec<Resource>) -> Result<(), TerraformError> {
    if depth > MAX_MODULE_DEPTH {
        return Err(TerraformError::new(
            module.address.as_deref().unwrap_or_default(),
            format!("child modules nest more than {MAX_MODULE_DEPTH} deep"),
            "this is not output Terraform prints",
        ));
    }
    let module_path = module.address.clone().unwrap_or_default();
    for r in module.resources {
        out.push(Resource {
            address: r.address,
            module: module_path.clone(),
            mode: r.mode,
            kind: r.kind,
            name: r.name,
            values: r.values,
        });
    }
    for child in module.child_modules {
        collect(child, depth + 1, out)?;
    }
    Ok(())
}

/// `provider_config.aws.expressions.region.constant_value`.
fn provider_region(config: &Map<String, Value>) -> Option<String> {
    let aws = config.get("aws")?;
    let region = aws.get("expressions")?.get("region")?.get("constant_value")?;
    region.as_str().map(str::to_string)
}

impl ConfigModule {
    /// The module at `path` (`module.a.module.b`; empty for this one).
    pub fn at(&self, path: &str) -> Option<&ConfigModule> {
        let mut module = self;
        for name in module_names(path) {
            module = &module.module_calls.get(name)?.module;
        }
        Some(module)
    }

    /// The call of the module at `path` from its parent.
    pub fn call(&self, path: &str) -> Option<&ModuleCall> {
        let names = module_names(path);
        let (last, parents) = names.split_last()?;
        let mut module = self;
        for name in parents {
            module = &module.module_calls.get(*name)?.module;
        }
        module.module_calls.get(*last)
    }

    /// The resource block with this module-local address.
    pub fn resource(&self, local_address: &str) -> Option<&ConfigResource> {
        self.resources.iter().find(|r| r.address == local_address)
    }
}

/// `module.a.module.b[0]` -> `["a", "b"]` (instance keys dropped: the configuration has one
/// block per call).
pub fn module_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find(".module.").unwrap_or(after.len());
        let name = &after[..end];
        names.push(name.split('[').next().unwrap_or(name));
        rest = &after[end..];
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    names
}

/// The parent module of `path` (`module.a.module.b` -> `module.a`; `module.a` -> empty).
pub fn parent_module(path: &str) -> &str {
    path.rfind(".module.").map_or("", |i| &path[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"{
      "format_version": "1.2",
      "planned_values": {"root_module": {
        "resources": [{"address": "aws_ecs_cluster.main", "mode": "managed", "type": "aws_ecs_cluster",
                       "name": "main", "values": {"name": "demo"}}],
        "child_modules": [{"address": "module.app", "resources": [
            {"address": "module.app.aws_ecs_service.web", "mode": "managed", "type": "aws_ecs_service",
             "name": "web", "values": {"name": "web"}}],
          "child_modules": [{"address": "module.app.module.inner", "resources": [
            {"address": "module.app.module.inner.aws_lb_target_group.tg[0]", "mode": "managed",
             "type": "aws_lb_target_group", "name": "tg", "index": 0, "values": {}}]}]}]}},
      "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
        "root_module": {"module_calls": {"app": {"source": "./app", "expressions": {"cluster": {"references": ["aws_ecs_cluster.main.name", "aws_ecs_cluster.main"]}},
          "module": {"resources": [{"address": "aws_ecs_service.web", "expressions": {}}]}}}}}
    }"#;

    #[test]
    fn a_plan_lists_the_resources_of_every_module_depth_first() {
        let show = read_show(PLAN).unwrap();
        assert_eq!(show.kind, ShowKind::Plan);
        let addresses: Vec<&str> = show.resources.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(
            addresses,
            [
                "aws_ecs_cluster.main",
                "module.app.aws_ecs_service.web",
                "module.app.module.inner.aws_lb_target_group.tg[0]"
            ]
        );
        assert_eq!(show.resources[2].module, "module.app.module.inner");
        assert_eq!(show.resources[2].local_address(), "aws_lb_target_group.tg");
        assert_eq!(show.region.as_deref(), Some("eu-west-1"));
        let config = show.configuration.unwrap();
        assert!(
            config
                .at("module.app")
                .unwrap()
                .resource("aws_ecs_service.web")
                .is_some()
        );
        assert!(config.call("module.app").unwrap().expressions.contains_key("cluster"));
    }

    #[test]
    fn a_state_is_read_from_values() {
        let show = read_show(
            r#"{"format_version": "1.0", "values": {"root_module": {"resources": [
              {"address": "aws_ecs_cluster.main", "mode": "managed", "type": "aws_ecs_cluster", "name": "main", "values": {"name": "demo"}}]}}}"#,
        )
        .unwrap();
        assert_eq!(show.kind, ShowKind::State);
        assert_eq!(show.resources[0].values["name"], "demo");
        assert!(show.configuration.is_none());
    }

    #[test]
    fn other_json_is_refused_with_what_to_run_instead() {
        let e = read_show("{\"resources\": []}").unwrap_err();
        assert!(e.message.contains("no `format_version`"), "{}", e.message);
        let e = read_show("resource \"aws_ecs_service\" \"web\" {").unwrap_err();
        assert!(e.message.starts_with("is not JSON"), "{}", e.message);
        assert_eq!((e.line, e.column), (1, 1));
        let e = read_show(r#"{"format_version": "1.0"}"#).unwrap_err();
        assert!(e.message.contains("neither `planned_values`"), "{}", e.message);
        let e = read_show(r#"{"format_version": "2.0", "values": {}}"#).unwrap_err();
        assert!(e.message.contains("2.0 is not supported"), "{}", e.message);
    }

    #[test]
    fn module_paths_split_into_call_names() {
        assert_eq!(module_names("module.a.module.b[\"x\"]"), ["a", "b"]);
        assert_eq!(module_names(""), Vec::<&str>::new());
        assert_eq!(parent_module("module.a.module.b"), "module.a");
        assert_eq!(parent_module("module.a"), "");
    }
}
