//! The evaluator of CloudFormation intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Sub`,
//! `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If`, `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`,
//! `Fn::FindInMap`, `Fn::ImportValue`, `Fn::Base64`, `Fn::GetAZs`, `Condition`), in their long
//! (`{"Fn::Join": ..}`) and short (`!Join`) forms, over the stacks of an import.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use super::parameters::{DEFAULT_REGION, pseudo_parameters};
use super::resources;
use super::stack::{Param, Stack};
use super::value::{Unresolved, Val};
use crate::import::source::{Node, Value, child_path, item_path};

/// How deep references may chain (a parameter naming an output naming a parameter ...).
const MAX_DEPTH: usize = 64;

/// Something the evaluator had to assume, for the report.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Note {
    /// `Fn::ImportValue` of an export of another stack: its name stands in for its value.
    Import {
        /// The export's name.
        export: String,
        /// Where it was first used.
        source: String,
    },
    /// A pseudo parameter with an assumed value.
    Pseudo {
        /// `AWS::Region`, ...
        name: String,
        /// The value used.
        value: String,
    },
    /// A custom resource's attribute, known only when it runs, replaced by the property its
    /// function falls back to.
    CustomFallback {
        /// The report's name of the custom resource.
        source: String,
        /// Its type.
        kind: String,
        /// The attribute.
        attribute: String,
        /// The property used instead.
        property: String,
        /// Its value.
        value: String,
    },
    /// `Fn::GetAZs`: the region's zones are assumed.
    Zones {
        /// The zones used.
        zones: Vec<String>,
    },
}

/// Evaluates values of the import's stacks.
pub struct Evaluator<'a> {
    /// The stacks (index 0 is the template given).
    pub stacks: &'a [Stack],
    notes: RefCell<Vec<Note>>,
    depth: Cell<usize>,
    conditions: RefCell<BTreeMap<(usize, String), bool>>,
}

/// An intrinsic function call: its name (`Ref`, `Fn::Join`) and argument.
struct Call {
    name: String,
    arg: Node,
}

/// The function a node calls, if it is one: a short-form tag, or a mapping with one key that
/// names a function.
fn as_call(node: &Node) -> Option<Call> {
    if let Some(tag) = &node.tag {
        let short = tag.strip_prefix('!')?;
        let name = match short {
            "Ref" | "Condition" => short.to_string(),
            _ => format!("Fn::{short}"),
        };
        return Some(Call {
            name,
            arg: Node {
                tag: None,
                ..node.clone()
            },
        });
    }
    let entries = node.entries();
    if let [(key, value)] = entries {
        if key.name == "Ref" || key.name == "Condition" || key.name.starts_with("Fn::") {
            return Some(Call {
                name: key.name.clone(),
                arg: value.clone(),
            });
        }
    }
    None
}

/// The zones assumed for a region (`Fn::GetAZs` and the scenario's zones): its first three.
pub fn zones_of(region: &str) -> Vec<String> {
    ["a", "b", "c"].iter().map(|z| format!("{region}{z}")).collect()
}

impl<'a> Evaluator<'a> {
    /// An evaluator over `stacks`.
    pub fn new(stacks: &'a [Stack]) -> Evaluator<'a> {
        Evaluator {
            stacks,
            notes: RefCell::new(Vec::new()),
            depth: Cell::new(0),
            conditions: RefCell::new(BTreeMap::new()),
        }
    }

    /// What was assumed so far, each once, in the order first met.
    pub fn notes(&self) -> Vec<Note> {
        self.notes.borrow().clone()
    }

    fn note(&self, note: Note) {
        let mut notes = self.notes.borrow_mut();
        let same = |n: &Note| match (n, &note) {
            (Note::Import { export: a, .. }, Note::Import { export: b, .. }) => a == b,
            (
                Note::CustomFallback {
                    source: a,
                    attribute: x,
                    ..
                },
                Note::CustomFallback {
                    source: b,
                    attribute: y,
                    ..
                },
            ) => a == b && x == y,
            _ => *n == note,
        };
        if !notes.iter().any(same) {
            notes.push(note);
        }
    }

    /// An unresolvable value at `node` of stack `s`.
    pub fn unresolved(
        &self,
        s: usize,
        node: &Node,
        path: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Unresolved {
        Unresolved {
            stack: s,
            line: node.line,
            column: node.column,
            path: path.to_string(),
            message: message.into(),
            help,
        }
    }

    /// Evaluates `node` of stack `s`, found at property path `path`.
    pub fn eval(&self, s: usize, node: &Node, path: &str) -> Result<Val, Unresolved> {
        if self.depth.get() >= MAX_DEPTH {
            return Err(self.unresolved(
                s,
                node,
                path,
                "references chain more than 64 deep here: do they refer to each other in a circle?",
                None,
            ));
        }
        self.depth.set(self.depth.get() + 1);
        let result = self.eval_inner(s, node, path);
        self.depth.set(self.depth.get() - 1);
        result
    }

    fn eval_inner(&self, s: usize, node: &Node, path: &str) -> Result<Val, Unresolved> {
        if let Some(call) = as_call(node) {
            return self.call(s, &call, node, path);
        }
        match &node.value {
            Value::Scalar { text, .. } => Ok(Val::Scalar(if node.is_null() { String::new() } else { text.clone() })),
            Value::Seq(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match self.eval(s, item, &item_path(path, i))? {
                        Val::NoValue => {}
                        v => out.push(v),
                    }
                }
                Ok(Val::List(out))
            }
            Value::Map(entries) => {
                let mut out = Vec::new();
                for (key, value) in entries {
                    match self.eval(s, value, &child_path(path, &key.name))? {
                        Val::NoValue => {}
                        v => out.push((key.name.clone(), v)),
                    }
                }
                Ok(Val::Map(out))
            }
        }
    }

    /// Evaluates to a scalar's text.
    pub fn eval_str(&self, s: usize, node: &Node, path: &str) -> Result<String, Unresolved> {
        match self.eval(s, node, path)? {
            Val::Scalar(text) => Ok(text),
            other => Err(self.unresolved(
                s,
                node,
                path,
                format!("expected a string, found {}", other.kind_words()),
                None,
            )),
        }
    }

    /// Evaluates to a list.
    fn eval_list(&self, s: usize, node: &Node, path: &str) -> Result<Vec<Val>, Unresolved> {
        match self.eval(s, node, path)? {
            Val::List(items) => Ok(items),
            other => Err(self.unresolved(
                s,
                node,
                path,
                format!("expected a list, found {}", other.kind_words()),
                None,
            )),
        }
    }

    /// The arguments of a function that takes a list of `n` of them.
    fn args<'n>(
        &self,
        s: usize,
        call: &'n Call,
        node: &Node,
        path: &str,
        n: usize,
        shape: &str,
    ) -> Result<&'n [Node], Unresolved> {
        let items = call.arg.items();
        if !call.arg.is_seq() || items.len() != n {
            return Err(self.unresolved(
                s,
                node,
                path,
                format!("{} takes {shape}, found {}", call.name, call.arg.kind_words()),
                None,
            ));
        }
        Ok(items)
    }

    fn call(&self, s: usize, call: &Call, node: &Node, path: &str) -> Result<Val, Unresolved> {
        let at = |suffix: &str| format!("{path}.{}{suffix}", call.name);
        match call.name.as_str() {
            "Ref" => {
                let name = self.eval_str(s, &call.arg, &at(""))?;
                self.reference(s, &name, node, path)
            }
            "Fn::GetAtt" => {
                let (resource, attribute) = match &call.arg.value {
                    Value::Scalar { text, .. } => match text.split_once('.') {
                        Some((r, a)) => (r.to_string(), a.to_string()),
                        None => {
                            return Err(self.unresolved(s, node, path, format!("Fn::GetAtt `{text}` names no attribute"), Some("write Resource.Attribute".into())));
                        }
                    },
                    _ => {
                        let items = self.args(s, call, node, path, 2, "[resource, attribute]")?;
                        (self.eval_str(s, &items[0], &at("[0]"))?, self.eval_str(s, &items[1], &at("[1]"))?)
                    }
                };
                self.attribute(s, &resource, &attribute, node, path)
            }
            "Fn::Sub" => self.sub(s, call, node, path),
            "Fn::Join" => {
                let items = self.args(s, call, node, path, 2, "[delimiter, [values]]")?;
                let delimiter = self.eval_str(s, &items[0], &at("[0]"))?;
                let values = self.eval_list(s, &items[1], &at("[1]"))?;
                let mut parts = Vec::new();
                for v in values {
                    match v {
                        Val::Scalar(t) => parts.push(t),
                        other => {
                            return Err(self.unresolved(s, &items[1], &at("[1]"), format!("Fn::Join joins strings, found {}", other.kind_words()), None));
                        }
                    }
                }
                Ok(Val::Scalar(parts.join(&delimiter)))
            }
            "Fn::Select" => {
                let items = self.args(s, call, node, path, 2, "[index, [values]]")?;
                let index = self.eval_str(s, &items[0], &at("[0]"))?;
                let values = self.eval_list(s, &items[1], &at("[1]"))?;
                let Ok(i) = index.trim().parse::<usize>() else {
                    return Err(self.unresolved(s, &items[0], &at("[0]"), format!("Fn::Select index `{index}` is not a whole number"), None));
                };
                let n = values.len();
                values.into_iter().nth(i).ok_or_else(|| {
                    self.unresolved(s, node, path, format!("Fn::Select index {i} is past the end of a list of {n}"), None)
                })
            }
            "Fn::Split" => {
                let items = self.args(s, call, node, path, 2, "[delimiter, string]")?;
                let delimiter = self.eval_str(s, &items[0], &at("[0]"))?;
                let text = self.eval_str(s, &items[1], &at("[1]"))?;
                if delimiter.is_empty() {
                    return Err(self.unresolved(s, &items[0], &at("[0]"), "Fn::Split needs a delimiter", None));
                }
                Ok(Val::List(text.split(delimiter.as_str()).map(|p| Val::Scalar(p.to_string())).collect()))
            }
            "Fn::If" => {
                let items = self.args(s, call, node, path, 3, "[condition, value if true, value if false]")?;
                let name = self.eval_str(s, &items[0], &at("[0]"))?;
                if self.condition(s, &name, &items[0], &at("[0]"))? {
                    self.eval(s, &items[1], &at("[1]"))
                } else {
                    self.eval(s, &items[2], &at("[2]"))
                }
            }
            "Fn::Equals" => {
                let items = self.args(s, call, node, path, 2, "[value, value]")?;
                let a = self.eval(s, &items[0], &at("[0]"))?;
                let b = self.eval(s, &items[1], &at("[1]"))?;
                Ok(bool_val(a == b))
            }
            "Fn::Not" => {
                let items = self.args(s, call, node, path, 1, "[condition]")?;
                Ok(bool_val(!self.truth(s, &items[0], &at("[0]"))?))
            }
            "Fn::And" | "Fn::Or" => {
                let items = call.arg.items();
                if !call.arg.is_seq() || !(2..=10).contains(&items.len()) {
                    return Err(self.unresolved(s, node, path, format!("{} takes a list of 2 to 10 conditions", call.name), None));
                }
                let mut all = true;
                let mut any = false;
                for (i, item) in items.iter().enumerate() {
                    let t = self.truth(s, item, &at(&format!("[{i}]")))?;
                    all &= t;
                    any |= t;
                }
                Ok(bool_val(if call.name == "Fn::And" { all } else { any }))
            }
            "Condition" => {
                let name = self.eval_str(s, &call.arg, &at(""))?;
                Ok(bool_val(self.condition(s, &name, node, path)?))
            }
            "Fn::FindInMap" => self.find_in_map(s, call, node, path),
            "Fn::ImportValue" => {
                let export = self.eval_str(s, &call.arg, &at(""))?;
                self.note(Note::Import {
                    export: export.clone(),
                    source: self.stacks[s].source_name(path),
                });
                Ok(Val::Scalar(export))
            }
            "Fn::Base64" => self.eval(s, &call.arg, &at("")),
            "Fn::GetAZs" => {
                let region = self.eval_str(s, &call.arg, &at(""))?;
                let region = if region.is_empty() { DEFAULT_REGION.to_string() } else { region };
                let zones = zones_of(&region);
                self.note(Note::Zones { zones: zones.clone() });
                Ok(Val::List(zones.into_iter().map(Val::Scalar).collect()))
            }
            other => Err(self.unresolved(
                s,
                node,
                path,
                format!("`{other}` is not a function ecsim import evaluates"),
                Some("the functions it knows: Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::FindInMap, Fn::ImportValue, Fn::Base64, Fn::GetAZs, Condition".into()),
            )),
        }
    }

    /// A condition's value as a boolean (`{"Condition": name}`, a function, or `true`/`false`).
    fn truth(&self, s: usize, node: &Node, path: &str) -> Result<bool, Unresolved> {
        let v = self.eval(s, node, path)?;
        v.as_bool().ok_or_else(|| {
            self.unresolved(
                s,
                node,
                path,
                format!("expected a condition, found {}", v.kind_words()),
                None,
            )
        })
    }

    /// The value of condition `name` of stack `s` (`Conditions` section).
    pub fn condition(&self, s: usize, name: &str, node: &Node, path: &str) -> Result<bool, Unresolved> {
        if let Some(v) = self.conditions.borrow().get(&(s, name.to_string())) {
            return Ok(*v);
        }
        let section = self.stacks[s].source.root.get("Conditions");
        let Some(definition) = section.and_then(|c| c.get(name)) else {
            let names: Vec<&str> = section
                .map(|c| c.entries().iter().map(|(k, _)| k.name.as_str()).collect())
                .unwrap_or_default();
            return Err(self.unresolved(
                s,
                node,
                path,
                format!("no condition named `{name}` in Conditions"),
                crate::import::closest(name, &names).map(|c| format!("did you mean `{c}`?")),
            ));
        };
        let value = self.truth(s, definition, &child_path("Conditions", name))?;
        self.conditions.borrow_mut().insert((s, name.to_string()), value);
        Ok(value)
    }

    /// `Ref name` in stack `s`: a parameter, a pseudo parameter or a resource.
    fn reference(&self, s: usize, name: &str, node: &Node, path: &str) -> Result<Val, Unresolved> {
        let stack = &self.stacks[s];
        if name == "AWS::NoValue" {
            return Ok(Val::NoValue);
        }
        if name == "AWS::NotificationARNs" {
            return Ok(Val::List(Vec::new()));
        }
        if let Some(value) = pseudo_parameters(&stack.name).get(name) {
            if name != "AWS::Partition" && name != "AWS::URLSuffix" {
                self.note(Note::Pseudo {
                    name: name.to_string(),
                    value: value.clone(),
                });
            }
            return Ok(Val::Scalar(value.clone()));
        }
        if let Some(param) = stack.parameters.get(name) {
            return match param {
                Param::Value(v) => Ok(v.clone()),
                Param::Expr {
                    parent,
                    node: expr,
                    path: expr_path,
                } => self.eval(*parent, expr, expr_path),
                Param::Missing => Err(self.unresolved(
                    s,
                    node,
                    path,
                    format!("parameter `{name}` has no value: it has no Default and is not in --parameters"),
                    Some(format!("give it with --parameters (\"ParameterKey\": \"{name}\")")),
                )),
            };
        }
        if let Some(resource) = stack.resource(name) {
            return resources::reference(self, s, resource, node, path);
        }
        // `!Ref Resource.Attribute`, which CloudFormation reads as `!GetAtt` (Copilot writes it).
        if let Some((id, attribute)) = name.split_once('.') {
            if stack.resource(id).is_some() {
                return self.attribute(s, id, attribute, node, path);
            }
        }
        let names: Vec<&str> = stack
            .parameters
            .keys()
            .map(String::as_str)
            .chain(stack.resources.iter().map(|r| r.id.as_str()))
            .collect();
        Err(self.unresolved(
            s,
            node,
            path,
            format!("`{name}` is neither a parameter nor a resource of the template"),
            crate::import::closest(name, &names).map(|c| format!("did you mean `{c}`?")),
        ))
    }

    /// `Fn::GetAtt resource.attribute` in stack `s`.
    fn attribute(&self, s: usize, id: &str, attribute: &str, node: &Node, path: &str) -> Result<Val, Unresolved> {
        let stack = &self.stacks[s];
        let Some(resource) = stack.resource(id) else {
            let names: Vec<&str> = stack.resources.iter().map(|r| r.id.as_str()).collect();
            return Err(self.unresolved(
                s,
                node,
                path,
                format!("Fn::GetAtt names `{id}`, which is not a resource of the template"),
                crate::import::closest(id, &names).map(|c| format!("did you mean `{c}`?")),
            ));
        };
        if resource.kind == "AWS::CloudFormation::Stack" {
            let Some(output) = attribute.strip_prefix("Outputs.") else {
                return Err(self.unresolved(
                    s,
                    node,
                    path,
                    format!("a nested stack's attributes are Outputs.<name>, not `{attribute}`"),
                    None,
                ));
            };
            let Some(&nested) = stack.nested.get(id) else {
                return Err(self.unresolved(
                    s,
                    node,
                    path,
                    format!("output `{output}` of nested stack `{id}` is unknown: its template was not found beside this one"),
                    Some("put the nested template beside the parent (its TemplateURL as a relative path, or the URL's file name)".into()),
                ));
            };
            let outputs = self.stacks[nested].source.root.get("Outputs");
            let Some(value) = outputs.and_then(|o| o.get(output)).and_then(|o| o.get("Value")) else {
                return Err(self.unresolved(
                    s,
                    node,
                    path,
                    format!("nested stack `{id}` has no output `{output}`"),
                    None,
                ));
            };
            return self.eval(nested, value, &format!("Outputs.{output}.Value"));
        }
        resources::attribute(self, s, resource, attribute, node, path)
    }

    /// Records that a custom resource's attribute fell back to one of its properties.
    pub fn note_custom_fallback(&self, source: String, kind: &str, attribute: &str, property: &str, value: &str) {
        self.note(Note::CustomFallback {
            source,
            kind: kind.to_string(),
            attribute: attribute.to_string(),
            property: property.to_string(),
            value: value.to_string(),
        });
    }

    fn sub(&self, s: usize, call: &Call, node: &Node, path: &str) -> Result<Val, Unresolved> {
        let (template, variables) = match &call.arg.value {
            Value::Scalar { text, .. } => (text.clone(), None),
            _ => {
                let items = self.args(s, call, node, path, 2, "a string, or [string, {variables}]")?;
                (
                    self.eval_str(s, &items[0], &format!("{path}.Fn::Sub[0]"))?,
                    Some(&items[1]),
                )
            }
        };
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(literal) = after.strip_prefix('!') {
                // `${!Literal}` writes `${Literal}`.
                out.push_str("${");
                rest = literal;
                continue;
            }
            let Some(end) = after.find('}') else {
                return Err(self.unresolved(s, node, path, "Fn::Sub has a `${` without its `}`", None));
            };
            let name = after[..end].trim();
            let value = match variables.and_then(|v| v.get(name)) {
                Some(v) => self.eval_str(s, v, &format!("{path}.Fn::Sub[1].{name}"))?,
                None => match name.split_once('.') {
                    Some((resource, attribute)) if !name.starts_with("AWS::") => {
                        scalar_of(self, s, self.attribute(s, resource, attribute, node, path)?, node, path)?
                    }
                    _ => scalar_of(self, s, self.reference(s, name, node, path)?, node, path)?,
                },
            };
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(Val::Scalar(out))
    }

    fn find_in_map(&self, s: usize, call: &Call, node: &Node, path: &str) -> Result<Val, Unresolved> {
        let items = call.arg.items();
        if !call.arg.is_seq() || !(3..=4).contains(&items.len()) {
            return Err(self.unresolved(
                s,
                node,
                path,
                "Fn::FindInMap takes [map, top-level key, second-level key]",
                None,
            ));
        }
        let map = self.eval_str(s, &items[0], &format!("{path}.Fn::FindInMap[0]"))?;
        let top = self.eval_str(s, &items[1], &format!("{path}.Fn::FindInMap[1]"))?;
        let second = self.eval_str(s, &items[2], &format!("{path}.Fn::FindInMap[2]"))?;
        let found = self.stacks[s]
            .source
            .root
            .get("Mappings")
            .and_then(|m| m.get(&map))
            .and_then(|m| m.get(&top))
            .and_then(|m| m.get(&second));
        match found {
            Some(value) => self.eval(s, value, &format!("Mappings.{map}.{top}.{second}")),
            // The language extensions' DefaultValue.
            None => match items.get(3).and_then(|d| d.get("DefaultValue")) {
                Some(default) => self.eval(s, default, &format!("{path}.Fn::FindInMap[3].DefaultValue")),
                None => Err(self.unresolved(s, node, path, format!("Mappings has no {map}.{top}.{second}"), None)),
            },
        }
    }
}

fn bool_val(b: bool) -> Val {
    Val::Scalar(if b { "true" } else { "false" }.to_string())
}

fn scalar_of(e: &Evaluator<'_>, s: usize, v: Val, node: &Node, path: &str) -> Result<String, Unresolved> {
    match v {
        Val::Scalar(t) => Ok(t),
        other => Err(e.unresolved(
            s,
            node,
            path,
            format!("Fn::Sub substitutes strings, found {}", other.kind_words()),
            None,
        )),
    }
}
