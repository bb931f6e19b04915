//! The intrinsic functions themselves: which function a node calls, and each function's
//! evaluation over its arguments.

use super::{Evaluator, Note, zones_of};
use crate::import::cloudformation::parameters::DEFAULT_REGION;
use crate::import::cloudformation::value::{Unresolved, Val};
use crate::import::source::{Node, Value};

/// An intrinsic function call: its name (`Ref`, `Fn::Join`) and argument.
pub(super) struct Call {
    name: String,
    arg: Node,
}

/// The function a node calls, if it is one: a short-form tag, or a mapping with one key that
/// names a function.
pub(super) fn as_call(node: &Node) -> Option<Call> {
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

impl Evaluator<'_> {
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

    pub(super) fn call(&self, s: usize, call: &Call, node: &Node, path: &str) -> Result<Val, Unresolved> {
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

    pub(super) fn sub(&self, s: usize, call: &Call, node: &Node, path: &str) -> Result<Val, Unresolved> {
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
