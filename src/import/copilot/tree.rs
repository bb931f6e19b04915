//! A manifest as a located tree: every value knows its line and column, and, once an
//! environment's overrides are merged in, whether it came from them.

use crate::import::source;

/// A YAML value: the importers' one shape (`source::Shape`), keyed by plain names (a key's
/// place is its value's, near enough for a manifest's messages).
pub type Value = source::Shape<String, Node>;

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
        self.value.is_null_text()
    }

    /// The scalar's text.
    pub fn text(&self) -> Option<&str> {
        self.value.text()
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

/// The manifest tree of a parsed input (`import::source`), every value marked as written at
/// the top level until an override is merged in. A tag (none is meaningful in a manifest) is
/// dropped with the rest of YAML's syntax.
pub fn from_source(node: &source::Node) -> Node {
    let value = match &node.value {
        source::Value::Scalar { text, quoted } => Value::Scalar {
            text: text.clone(),
            quoted: *quoted,
        },
        source::Value::Seq(items) => Value::Seq(items.iter().map(from_source).collect()),
        source::Value::Map(entries) => {
            Value::Map(entries.iter().map(|(k, v)| (k.name.clone(), from_source(v))).collect())
        }
    };
    Node {
        value,
        line: node.line,
        col: node.column,
        from_env: false,
    }
}

/// Parses `text` as the manifest `manifest.yml` (for tests).
#[cfg(test)]
pub fn parse(text: &str) -> Result<Node, crate::import::ImportError> {
    source::Source::parse("manifest.yml", text).map(|s| from_source(&s.root))
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
}
