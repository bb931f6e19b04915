//! An input file (YAML or JSON) as a located tree that keeps each node's YAML tag, so the
//! CloudFormation short forms (`!Ref`, `!Sub`, `!GetAtt`, ...) survive, and errors can name the
//! file, line, column and field path.

mod parse;

use super::ImportError;
use parse::parse_tree;

/// The deepest nesting of sequences and mappings an input may have.
pub const MAX_DEPTH: usize = 128;

/// The most values an input may hold once its aliases are expanded ("billion laughs").
pub const MAX_VALUES: usize = 2_000_000;

/// A YAML value whose sequences hold `N` and whose mappings are keyed by `K`: the one shape of
/// the importers' trees (an input's, keys located; a Copilot manifest's, `copilot::tree`).
#[derive(Clone, Debug, PartialEq)]
pub enum Shape<K, N> {
    /// A scalar as written; a quoted or block scalar is always a string.
    Scalar {
        /// The text of the scalar.
        text: String,
        /// True for single- or double-quoted and block scalars.
        quoted: bool,
    },
    /// A sequence.
    Seq(Vec<N>),
    /// A mapping in file order.
    Map(Vec<(K, N)>),
}

impl<K, N> Shape<K, N> {
    /// The text of a scalar.
    pub fn text(&self) -> Option<&str> {
        match self {
            Shape::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// True for the YAML null as written (`null`, `~` or nothing at all), unquoted.
    pub fn is_null_text(&self) -> bool {
        matches!(self, Shape::Scalar { text, quoted: false } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }
}

/// A value of the input.
pub type Value = Shape<Key, Node>;

/// A mapping key with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key text.
    pub name: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// A value with its location and tag.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// The YAML tag as written (`!Ref`, `!GetAtt`), if any.
    pub tag: Option<String>,
}

impl Node {
    /// A plain untagged scalar (for values the importer makes, such as a parameter's value).
    pub fn scalar(text: impl Into<String>, line: usize, column: usize) -> Node {
        Node {
            value: Value::Scalar {
                text: text.into(),
                quoted: false,
            },
            line,
            column,
            tag: None,
        }
    }

    /// The mapping entry called `name`.
    pub fn get(&self, name: &str) -> Option<&Node> {
        self.entries().iter().find(|(k, _)| k.name == name).map(|(_, v)| v)
    }

    /// The key of the mapping entry called `name`.
    pub fn key(&self, name: &str) -> Option<&Key> {
        self.entries().iter().find(|(k, _)| k.name == name).map(|(k, _)| k)
    }

    /// The entries of a mapping (none for anything else).
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (none for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        self.value.text()
    }

    /// True for a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// True for a sequence.
    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(_))
    }

    /// True for the YAML null (`null`, `~` or nothing at all), untagged.
    pub fn is_null(&self) -> bool {
        self.tag.is_none() && self.value.is_null_text()
    }

    /// Words for the kind of value, for "expected X, found Y" messages.
    pub fn kind_words(&self) -> String {
        let tagged = |words: String| match &self.tag {
            Some(tag) => format!("{tag} {words}"),
            None => words,
        };
        match &self.value {
            Value::Seq(_) => tagged("a list".into()),
            Value::Map(_) => tagged("a mapping".into()),
            Value::Scalar { .. } if self.is_null() => "nothing (null)".into(),
            Value::Scalar { text, quoted: true } => tagged(format!("the string \"{text}\"")),
            Value::Scalar { text, .. } => tagged(format!("`{text}`")),
        }
    }
}

/// The path of a mapping entry below `parent` (`Resources.Web` from `Resources` and `Web`).
pub fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// The path of a sequence item below `parent` (`Subnets[0]`).
pub fn item_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// One input file: its name (as shown in errors), its text and its tree.
#[derive(Clone, Debug)]
pub struct Source {
    /// The name shown in errors (the path as the user gave it).
    pub name: String,
    /// The whole text, for the source line shown under an error.
    pub text: String,
    /// The document's root.
    pub root: Node,
}

impl Source {
    /// Parses `text` (one YAML or JSON document) into a located tree. An empty file is an empty
    /// mapping.
    pub fn parse(name: &str, text: &str) -> Result<Source, ImportError> {
        let root = parse_tree(text)
            .map_err(|(line, column, message)| ImportError::in_text(name, text, line, column, "", message, None))?;
        Ok(Source {
            name: name.to_string(),
            text: text.to_string(),
            root,
        })
    }

    /// An error at `node`, with the field path and an optional suggestion.
    pub fn error(&self, node: &Node, path: &str, message: impl Into<String>, help: Option<String>) -> ImportError {
        self.error_at(node.line, node.column, path, message, help)
    }

    /// An error at a line and column of this file.
    pub fn error_at(
        &self,
        line: usize,
        column: usize,
        path: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) -> ImportError {
        ImportError::in_text(&self.name, &self.text, line, column, path, message.into(), help)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_short_form_tags_and_locations() {
        let text = "Resources:\n  Svc:\n    Properties:\n      Cluster: !Ref Cluster\n      Name: !Sub '${AWS::StackName}-web'\n      Subnets: !Split [',', !Ref Subnets]\n";
        let source = Source::parse("t.yaml", text).expect("valid");
        let props = source
            .root
            .get("Resources")
            .and_then(|r| r.get("Svc"))
            .and_then(|s| s.get("Properties"))
            .expect("properties");
        let cluster = props.get("Cluster").expect("cluster");
        assert_eq!(cluster.tag.as_deref(), Some("!Ref"));
        assert_eq!(cluster.as_str(), Some("Cluster"));
        assert_eq!((cluster.line, cluster.column), (4, 16));
        let name = props.get("Name").expect("name");
        assert_eq!(name.tag.as_deref(), Some("!Sub"));
        assert_eq!(name.as_str(), Some("${AWS::StackName}-web"));
        let split = props.get("Subnets").expect("subnets");
        assert_eq!(split.tag.as_deref(), Some("!Split"));
        assert_eq!(split.items()[1].tag.as_deref(), Some("!Ref"));
        assert_eq!(props.key("Subnets").map(|k| (k.line, k.column)), Some((6, 7)));
    }

    #[test]
    fn reads_json_with_the_same_parser() {
        let source = Source::parse("t.json", "{\"A\": {\"Ref\": \"B\"},\n \"C\": [1, \"2\"]}").expect("valid");
        assert_eq!(
            source.root.get("A").and_then(|a| a.get("Ref")).and_then(Node::as_str),
            Some("B")
        );
        let c = source.root.get("C").expect("c");
        assert_eq!(
            c.items()[1].value,
            Value::Scalar {
                text: "2".into(),
                quoted: true
            }
        );
        assert_eq!((c.line, c.column), (2, 7));
    }

    #[test]
    fn syntax_errors_and_duplicates_are_located() {
        let err = Source::parse("t.yaml", "a: 1\na: 2\n").expect_err("duplicate");
        assert_eq!((err.line, err.column), (2, 1));
        assert_eq!(err.message, "duplicate key `a` (first set on line 1)");
        let err = Source::parse("t.yaml", "a: [1, 2\nb: 3\n").expect_err("unclosed");
        assert_eq!(err.file, "t.yaml");
        assert_eq!(err.line, 2);
    }

    #[test]
    fn expands_aliases_and_refuses_bombs() {
        let source = Source::parse("t.yaml", "a: &x {k: 1}\nb: *x\n").expect("valid");
        assert_eq!(
            source.root.get("b").and_then(|b| b.get("k")).and_then(Node::as_str),
            Some("1")
        );
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = i - 1;
            bomb.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let err = Source::parse("t.yaml", &bomb).expect_err("bomb");
        assert!(err.message.contains("aliases"), "{}", err.message);
    }

    #[test]
    fn paths_name_keys_and_items() {
        assert_eq!(child_path("", "Resources"), "Resources");
        assert_eq!(
            item_path(&child_path("Resources.Svc", "Subnets"), 2),
            "Resources.Svc.Subnets[2]"
        );
    }
}
