//! The evaluator of CloudFormation intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Sub`,
//! `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If`, `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`,
//! `Fn::FindInMap`, `Fn::ImportValue`, `Fn::Base64`, `Fn::GetAZs`, `Condition`), in their long
//! (`{"Fn::Join": ..}`) and short (`!Join`) forms, over the stacks of an import.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use super::parameters::pseudo_parameters;
mod call;

use call::as_call;

use super::resources;
use super::stack::{Param, Stack};
use super::value::{Unresolved, Val};
use crate::import::source::{Node, Value, child_path, item_path};

/// How deep evaluation may go: values nested in values, and references chained (a parameter
/// naming an output naming a parameter ...); beyond the parser's nesting limit, so only a
/// circle of references reaches it.
const MAX_DEPTH: usize = 256;

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
                "references chain more than 256 deep here: do they refer to each other in a circle?",
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
}

#[cfg(test)]
mod tests;
