//! A manifest as a located YAML tree: every value knows its line and column, and, once an
//! environment's overrides are merged in, whether it came from them.

use saphyr_parser::{Event, Parser, ScalarStyle};

/// The most values (aliases expanded) and the deepest nesting a manifest may have: far beyond
/// any manifest, far below what would exhaust memory or the stack.
const MAX_VALUES: usize = 200_000;
const MAX_DEPTH: usize = 64;

/// A YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A scalar as written; `quoted` scalars are always strings.
    Scalar {
        /// The text.
        text: String,
        /// True for quoted and block scalars.
        quoted: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(String, Node)>),
}

/// A value with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
    /// True when an environment's override set it.
    pub from_env: bool,
}

impl Node {
    /// The mapping entry `name`, unless it is missing or null (Copilot treats both as unset).
    pub fn get(&self, name: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
                .filter(|v| !v.is_null()),
            _ => None,
        }
    }

    /// True for the YAML null (`null`, `~` or nothing).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The scalar's text.
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Words for the kind of value, for "expected X, found Y" messages.
    pub fn kind_words(&self) -> String {
        match &self.value {
            Value::Seq(_) => "a list".into(),
            Value::Map(_) => "a mapping".into(),
            Value::Scalar { .. } if self.is_null() => "nothing".into(),
            Value::Scalar { text, .. } => format!("`{text}`"),
        }
    }
}

/// A YAML syntax error: where, and what the parser said.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
    /// The message.
    pub message: String,
}

/// Parses one YAML document into a located tree (an empty file is an empty mapping).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut stack: Vec<(Node, usize, Option<String>)> = Vec::new();
    let mut anchors: Vec<(usize, Node)> = Vec::new();
    let mut root = None;
    let mut values = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SyntaxError {
            line: e.marker().line(),
            col: e.marker().col() + 1,
            message: e.info().to_string(),
        })?;
        let (line, col) = (span.start.line(), span.start.col() + 1);
        let error = |message: String| SyntaxError { line, col, message };
        let node = |value| Node {
            value,
            line,
            col,
            from_env: false,
        };
        let (done, anchor) = match event {
            Event::Scalar(text, style, anchor, _) => {
                let quoted = !matches!(style, ScalarStyle::Plain);
                let text = text.into_owned();
                (node(Value::Scalar { text, quoted }), anchor)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(format!("values nest more than {MAX_DEPTH} deep")));
                }
                let value = if matches!(event, Event::SequenceStart(..)) {
                    Value::Seq(Vec::new())
                } else {
                    Value::Map(Vec::new())
                };
                stack.push((node(value), anchor, None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((done, anchor, _)) = stack.pop() else {
                    return Err(error("unbalanced YAML structure".into()));
                };
                (done, anchor)
            }
            Event::Alias(id) => {
                let Some((_, aliased)) = anchors.iter().rev().find(|(a, _)| *a == id) else {
                    return Err(error("alias to an unknown anchor".into()));
                };
                (
                    Node {
                        line,
                        col,
                        ..aliased.clone()
                    },
                    0,
                )
            }
            Event::DocumentStart(_) if root.is_some() => {
                return Err(error(
                    "a manifest holds one YAML document; remove the second `---`".into(),
                ));
            }
            _ => continue,
        };
        values += size(&done);
        if values > MAX_VALUES {
            return Err(error(format!("the manifest holds more than {MAX_VALUES} values")));
        }
        if anchor != 0 {
            anchors.push((anchor, done.clone()));
        }
        place(&mut stack, &mut root, done)?;
    }
    Ok(root.unwrap_or(Node {
        value: Value::Map(Vec::new()),
        line: 1,
        col: 1,
        from_env: false,
    }))
}

/// How many values `node` holds.
fn size(node: &Node) -> usize {
    match &node.value {
        Value::Scalar { .. } => 1,
        Value::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|(_, v)| size(v)).sum::<usize>(),
    }
}

/// Places a finished value in its parent (or as the root).
fn place(stack: &mut [(Node, usize, Option<String>)], root: &mut Option<Node>, node: Node) -> Result<(), SyntaxError> {
    let Some((parent, _, pending)) = stack.last_mut() else {
        *root = Some(node);
        return Ok(());
    };
    match (&mut parent.value, pending.take()) {
        (Value::Seq(items), _) => items.push(node),
        (Value::Map(entries), Some(key)) => entries.push((key, node)),
        (Value::Map(entries), None) => {
            let Value::Scalar { text, .. } = node.value else {
                return Err(SyntaxError {
                    line: node.line,
                    col: node.col,
                    message: "mapping keys must be plain strings".into(),
                });
            };
            if entries.iter().any(|(k, _)| *k == text) {
                return Err(SyntaxError {
                    line: node.line,
                    col: node.col,
                    message: format!("duplicate key `{text}`; keep one of them"),
                });
            }
            *pending = Some(text);
        }
        (Value::Scalar { .. }, _) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_know_where_they_are() {
        let tree = parse("name: fe\ncount:\n  range: 2-10\n  cpu_percentage: {value: 70}\n").expect("valid");
        let range = tree.get("count").and_then(|c| c.get("range")).expect("range");
        assert_eq!((range.text(), range.line, range.col), (Some("2-10"), 3, 10));
        let value = tree
            .get("count")
            .and_then(|c| c.get("cpu_percentage"))
            .and_then(|c| c.get("value"))
            .expect("value");
        assert_eq!((value.line, value.col), (4, 27));
        assert!(tree.get("nothing").is_none());
    }

    #[test]
    fn null_entries_count_as_unset_and_aliases_copy() {
        let tree = parse("a: ~\nb: &x {k: 1}\nc: *x\n").expect("valid");
        assert!(tree.get("a").is_none());
        assert_eq!(tree.get("c").and_then(|c| c.get("k")).and_then(Node::text), Some("1"));
    }

    #[test]
    fn syntax_errors_and_duplicates_are_located() {
        let err = parse("a: [1, 2\nb: 3\n").expect_err("unclosed");
        assert_eq!(err.line, 2);
        let dup = parse("a: 1\na: 2\n").expect_err("duplicate");
        assert_eq!(
            (dup.line, dup.message.as_str()),
            (2, "duplicate key `a`; keep one of them")
        );
    }
}
