//! The stacks of an import: the template given, and the nested stacks (`AWS::CloudFormation::Stack`)
//! whose templates are found beside it, each with its parameters and resources.

use std::collections::BTreeMap;

use super::intrinsics::Evaluator;
use super::parameters::{DEFAULT_ACCOUNT_ID, DEFAULT_REGION, declared_parameters, is_list_type};
use super::value::Val;
use crate::import::source::{Node, Source, child_path};
use crate::import::{ImportError, ImportReport, ReadBeside};

/// The most nested stacks one import follows (a template that nests itself stops here).
pub const MAX_STACKS: usize = 64;

/// One resource of a template.
#[derive(Clone, Debug)]
pub struct Resource {
    /// The logical id.
    pub id: String,
    /// `Type`.
    pub kind: String,
    /// The resource's mapping (`Type`, `Properties`, `Condition`, ...).
    pub node: Node,
}

impl Resource {
    /// `Properties` (an empty mapping's worth of nothing when absent).
    pub fn properties(&self) -> Option<&Node> {
        self.node.get("Properties")
    }
}

/// Where a parameter's value comes from.
#[derive(Clone, Debug)]
pub enum Param {
    /// Given (`--parameters`) or defaulted: the value, split at commas for list types.
    Value(Val),
    /// A nested stack's parameter: an expression of the parent stack, evaluated when used.
    Expr {
        /// The parent stack's index.
        parent: usize,
        /// The expression.
        node: Node,
        /// Its property path in the parent.
        path: String,
    },
    /// No value and no default.
    Missing,
}

/// One template and what it was given.
#[derive(Clone, Debug)]
pub struct Stack {
    /// The template.
    pub source: Source,
    /// `AWS::StackName`.
    pub name: String,
    /// The nested stacks' logical ids from the root, joined by `-` (empty for the root): prefixes
    /// generated names, so `Service` of two nested stacks gets two names.
    pub scope: String,
    /// Parameters by name.
    pub parameters: BTreeMap<String, Param>,
    /// Resources in template order.
    pub resources: Vec<Resource>,
    /// Nested stacks read: logical id to stack index.
    pub nested: BTreeMap<String, usize>,
}

impl Stack {
    /// The resource with logical id `id`.
    pub fn resource(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == id)
    }

    /// How the report names something of this stack (`ProductService/Resources.Service`).
    pub fn source_name(&self, path: &str) -> String {
        if self.scope.is_empty() {
            path.to_string()
        } else {
            format!("{}:{path}", self.scope)
        }
    }

    /// A name for a resource that has no name property, as CloudFormation would generate one
    /// (`<stack>-<LogicalId>-<random>`), without the random part: the logical id, prefixed with
    /// the nested stacks' ids.
    pub fn generated_name(&self, id: &str) -> String {
        if self.scope.is_empty() {
            id.to_string()
        } else {
            format!("{}-{id}", self.scope)
        }
    }
}

/// Reads the root template and, depth first, every nested stack found beside its parent.
/// Nested stacks not found are reported (their outputs stay unresolvable).
pub fn load_stacks(
    text: &str,
    file_name: &str,
    parameters: &[(String, String)],
    read_beside: ReadBeside<'_>,
    notes: &mut ImportReport,
) -> Result<Vec<Stack>, ImportError> {
    let source = Source::parse(file_name, text)?;
    check_template(&source)?;
    let stem = stack_name_of(file_name);
    let given: BTreeMap<&str, &str> = parameters.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut params = BTreeMap::new();
    for (name, declared, _) in declared_parameters(&source.root) {
        let value = given.get(name.as_str()).map(|v| v.to_string()).or(declared.default);
        let param = match value {
            Some(v) if is_list_type(&declared.kind) => Param::Value(Val::List(
                v.split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| Val::Scalar(s.trim().to_string()))
                    .collect(),
            )),
            Some(v) => Param::Value(Val::Scalar(v)),
            None => Param::Missing,
        };
        params.insert(name, param);
    }
    for (name, _) in parameters {
        if !params.contains_key(name) {
            notes.ignored(
                &format!("--parameters {name}"),
                "parameter",
                "the template declares no such parameter; the value is not used",
            );
        }
    }
    let root = Stack {
        resources: resources_of(&source.root),
        source,
        name: stem,
        scope: String::new(),
        parameters: params,
        nested: BTreeMap::new(),
    };
    let mut stacks = vec![root];
    load_nested(&mut stacks, 0, read_beside, notes)?;
    Ok(stacks)
}

/// A template must be a mapping with `Resources`; anything else is not what was expected.
fn check_template(source: &Source) -> Result<(), ImportError> {
    let root = &source.root;
    let help = Some(
        "ecsim import cloudformation reads a CloudFormation template (a mapping with Resources); for a Copilot manifest use `ecsim import copilot`, for Terraform JSON `ecsim import terraform`".to_string(),
    );
    if !root.is_map() {
        return Err(source.error(
            root,
            "",
            format!("expected a CloudFormation template, found {}", root.kind_words()),
            help,
        ));
    }
    match root.get("Resources") {
        Some(r) if r.is_map() => Ok(()),
        Some(r) => Err(source.error(
            r,
            "Resources",
            format!("expected a mapping of resources, found {}", r.kind_words()),
            None,
        )),
        None => Err(source.error(
            root,
            "",
            "this is not a CloudFormation template: it has no Resources",
            help,
        )),
    }
}

fn resources_of(template: &Node) -> Vec<Resource> {
    let Some(section) = template.get("Resources") else {
        return Vec::new();
    };
    section
        .entries()
        .iter()
        .map(|(key, node)| Resource {
            id: key.name.clone(),
            kind: node.get("Type").and_then(Node::as_str).unwrap_or("").to_string(),
            node: node.clone(),
        })
        .collect()
}

/// `master` from `path/to/master.yaml`.
fn stack_name_of(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.split('.').next().unwrap_or(base);
    if stem.is_empty() {
        "stack".into()
    } else {
        stem.to_string()
    }
}

/// The local files a `TemplateURL` may be, in the order tried: a relative path as written; for
/// an S3 or HTTPS URL, the object key as a path beside the parent (a checkout of the bucket),
/// the key with `/` as `-` (a flattened copy), and the key's file name.
pub fn template_candidates(url: &str) -> Vec<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return vec![url.to_string()];
    };
    let key = match scheme {
        // s3://bucket/key
        "s3" => rest.split_once('/').map(|(_, k)| k).unwrap_or(""),
        _ => {
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            // Path-style (s3.amazonaws.com/bucket/key) or virtual-hosted (bucket.s3...com/key).
            if host.starts_with("s3.") || host.starts_with("s3-") {
                path.split_once('/').map(|(_, k)| k).unwrap_or("")
            } else {
                path
            }
        }
    };
    let key = key.split(['?', '#']).next().unwrap_or("");
    if key.is_empty() {
        return Vec::new();
    }
    let mut out = vec![key.to_string(), key.replace('/', "-")];
    if let Some(file) = key.rsplit('/').next() {
        out.push(file.to_string());
    }
    out.dedup();
    out
}

fn load_nested(
    stacks: &mut Vec<Stack>,
    parent: usize,
    read_beside: ReadBeside<'_>,
    notes: &mut ImportReport,
) -> Result<(), ImportError> {
    let nested: Vec<Resource> = stacks[parent]
        .resources
        .iter()
        .filter(|r| r.kind == "AWS::CloudFormation::Stack")
        .cloned()
        .collect();
    for resource in nested {
        let path = child_path("Resources", &resource.id);
        let source_name = stacks[parent].source_name(&path);
        // The parent's parameters are known: its conditions and the URL can be evaluated.
        let (exists, url) = {
            let e = Evaluator::new(stacks);
            let exists = match resource.node.get("Condition") {
                Some(c) => {
                    let at = format!("{path}.Condition");
                    e.eval_str(parent, c, &at)
                        .and_then(|name| e.condition(parent, &name, c, &at))
                }
                None => Ok(true),
            };
            let url = match resource.properties().and_then(|p| p.get("TemplateURL")) {
                Some(n) => e
                    .eval_str(parent, n, &format!("{path}.Properties.TemplateURL"))
                    .map_err(|u| u.message),
                None => Err("it has no TemplateURL".to_string()),
            };
            (exists, url)
        };
        if exists == Ok(false) {
            // Reported with the other resources whose condition is false.
            continue;
        }
        let url = match url {
            Ok(url) if !url.is_empty() => url,
            Ok(_) => {
                notes.ignored(
                    &source_name,
                    &resource.kind,
                    "its TemplateURL is empty: the nested stack is not read",
                );
                continue;
            }
            Err(why) => {
                notes.ignored(
                    &source_name,
                    &resource.kind,
                    format!("its TemplateURL cannot be resolved ({why}): the nested stack is not read"),
                );
                continue;
            }
        };
        let url = url.as_str();
        if stacks.len() >= MAX_STACKS {
            let props = resource.properties().unwrap_or(&resource.node);
            return Err(stacks[parent].source.error(
                props,
                &path,
                format!("more than {MAX_STACKS} nested stacks: does a template nest itself?"),
                None,
            ));
        }
        let parent_file = stacks[parent].source.name.clone();
        let mut found = None;
        let mut tried = Vec::new();
        for candidate in template_candidates(url) {
            match read_beside(&parent_file, &candidate) {
                Ok(file) => {
                    found = Some(file);
                    break;
                }
                Err(_) => tried.push(candidate),
            }
        }
        let Some((name, text)) = found else {
            notes.ignored(&source_name, &resource.kind, format!(
                    "nested stack {url} not found beside {parent_file} (tried {}): its resources are not imported and its outputs cannot be resolved",
                    if tried.is_empty() { "nothing".to_string() } else { tried.join(", ") }
                ));
            continue;
        };
        let source = Source::parse(&name, &text)?;
        check_template(&source)?;
        let given = resource.properties().and_then(|p| p.get("Parameters"));
        let mut params = BTreeMap::new();
        for (pname, declared, _) in declared_parameters(&source.root) {
            let param = match given.and_then(|g| g.get(&pname)) {
                Some(node) => Param::Expr {
                    parent,
                    node: node.clone(),
                    path: format!("{path}.Properties.Parameters.{pname}"),
                },
                None => match declared.default {
                    Some(v) if is_list_type(&declared.kind) => Param::Value(Val::List(
                        v.split(',')
                            .filter(|s| !s.is_empty())
                            .map(|s| Val::Scalar(s.trim().to_string()))
                            .collect(),
                    )),
                    Some(v) => Param::Value(Val::Scalar(v)),
                    None => Param::Missing,
                },
            };
            params.insert(pname, param);
        }
        let scope = if stacks[parent].scope.is_empty() {
            resource.id.clone()
        } else {
            format!("{}-{}", stacks[parent].scope, resource.id)
        };
        let stack = Stack {
            resources: resources_of(&source.root),
            name: format!("{}-{}", stacks[parent].name, resource.id),
            source,
            scope,
            parameters: params,
            nested: BTreeMap::new(),
        };
        notes.imported(&source_name, &resource.kind, format!("nested stack read from {name}"));
        stacks.push(stack);
        let index = stacks.len() - 1;
        stacks[parent].nested.insert(resource.id.clone(), index);
        load_nested(stacks, index, read_beside, notes)?;
    }
    Ok(())
}

/// The ARN CloudFormation gives a resource of `service` in the assumed region and account.
pub fn arn(service: &str, resource: &str) -> String {
    format!("arn:aws:{service}:{DEFAULT_REGION}:{DEFAULT_ACCOUNT_ID}:{resource}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_urls_map_to_local_files() {
        assert_eq!(
            template_candidates("infrastructure/vpc.yaml"),
            vec!["infrastructure/vpc.yaml"]
        );
        assert_eq!(
            template_candidates("https://s3.amazonaws.com/ecs-refarch-cloudformation/infrastructure/ecs-cluster.yaml"),
            vec![
                "infrastructure/ecs-cluster.yaml",
                "infrastructure-ecs-cluster.yaml",
                "ecs-cluster.yaml"
            ]
        );
        assert_eq!(
            template_candidates("https://my-bucket.s3.us-west-2.amazonaws.com/stacks/a.yml?versionId=1"),
            vec!["stacks/a.yml", "stacks-a.yml", "a.yml"]
        );
        assert_eq!(template_candidates("s3://bucket/one.yml"), vec!["one.yml"]);
        assert!(template_candidates("https://example.com/").is_empty());
    }

    #[test]
    fn the_stack_is_named_after_the_file() {
        assert_eq!(stack_name_of("data/cloudformation/master.yaml"), "master");
        assert_eq!(stack_name_of("svc-test.stack.yml"), "svc-test");
    }

    #[test]
    fn a_file_without_resources_is_not_a_template() {
        let read: ReadBeside<'_> = &|_, _| Err("no".into());
        let mut notes = ImportReport::default();
        let e = load_stacks("http:\n  path: /\n", "manifest.yml", &[], read, &mut notes).expect_err("not a template");
        assert_eq!(e.message, "this is not a CloudFormation template: it has no Resources");
        assert!(e.help.as_deref().is_some_and(|h| h.contains("ecsim import copilot")));
    }
}
