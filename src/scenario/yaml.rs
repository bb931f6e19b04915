//! A YAML (and JSON) document as a tree in which every node and key knows its line and column.

use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// A position in a source file (1-based line and column).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loc {
    /// Index of the file in the `Sources` of the load.
    pub file: usize,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
}

/// A YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A scalar as written; `quoted` scalars are always strings.
    Scalar {
        /// The text of the scalar.
        text: String,
        /// True for single- or double-quoted and block scalars.
        quoted: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key text.
    pub name: String,
    /// Where it is.
    pub loc: Loc,
}

/// A value with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it starts.
    pub loc: Loc,
}

impl Node {
    /// A plain scalar at `loc`.
    pub fn scalar(text: impl Into<String>, loc: Loc) -> Node {
        Node {
            value: Value::Scalar {
                text: text.into(),
                quoted: false,
            },
            loc,
        }
    }

    /// True for the YAML null (`null`, `~` or nothing at all).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// Words for the kind of value, for "expected X, found Y" messages.
    pub fn kind_words(&self) -> String {
        match &self.value {
            Value::Seq(_) => "a list".into(),
            Value::Map(_) => "a mapping".into(),
            Value::Scalar { .. } if self.is_null() => "nothing (null)".into(),
            Value::Scalar { text, quoted: true } => format!("the string \"{text}\""),
            Value::Scalar { text, .. } => format!("`{text}`"),
        }
    }

    /// The mapping entry called `name`.
    pub fn get(&self, name: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == name).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A syntax error in a YAML file.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// Where.
    pub loc: Loc,
    /// What the parser said.
    pub message: String,
}

/// Parses one YAML document (JSON is YAML) into a located tree. An empty file is an empty mapping.
pub fn parse(text: &str, file: usize) -> Result<Node, SyntaxError> {
    let mut builder = Builder {
        stack: Vec::new(),
        opened_at: Vec::new(),
        anchors: BTreeMap::new(),
        root: None,
        documents: 0,
        values: 0,
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SyntaxError {
            loc: Loc {
                file,
                line: e.marker().line(),
                col: e.marker().col() + 1,
            },
            message: e.info().to_string(),
        })?;
        let loc = Loc {
            file,
            line: span.start.line(),
            col: span.start.col() + 1,
        };
        builder.event(event, loc)?;
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Map(Vec::new()),
        loc: Loc { file, line: 1, col: 1 },
    }))
}

/// For a syntax error, names the flow bracket (`[` or `{`) left open before it: the parser reports
/// the first token it cannot place, often on a later line than the missing `]` or `}`.
///
/// A heuristic for help only: the bracket counts as forgotten when the error is on a later line
/// indented no deeper than the bracket's line, i.e. where the block structure has resumed. That
/// keeps JSON, whose outer `{` legitimately stays open, from blaming the outer brace.
pub fn unclosed_bracket_help(text: &str, at: Loc) -> Option<String> {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let lines: Vec<&str> = text.lines().collect();
    let mut open: Vec<(char, usize, usize)> = Vec::new();
    for (index, line) in lines.iter().enumerate().take(at.line) {
        let line_number = index + 1;
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        let mut starts_value = true;
        for (col, c) in line.chars().enumerate() {
            if line_number == at.line && col + 1 >= at.col {
                break;
            }
            match (quote, c) {
                (Some(q), _) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if starts_value => quote = Some(c),
                (None, '#') if previous.is_whitespace() || col == 0 => break,
                // A bracket opens a flow collection only where a value starts, not inside `a[0]`.
                (None, '[' | '{') if starts_value => open.push((c, line_number, col + 1)),
                (None, ']' | '}') if !open.is_empty() => {
                    open.pop();
                }
                _ => {}
            }
            if !c.is_whitespace() {
                starts_value = matches!(c, ':' | '-' | ',' | '[' | '{');
            }
            previous = c;
        }
    }
    let (c, line, col) = open.pop()?;
    let error_line = lines.get(at.line.checked_sub(1)?)?;
    if line >= at.line || indent(error_line) > indent(lines[line - 1]) {
        return None;
    }
    let close = if c == '[' { ']' } else { '}' };
    Some(format!(
        "the `{c}` at line {line}, column {col} is never closed: add `{close}` where it ends"
    ))
}

enum Frame {
    Seq(Node, usize),
    /// A mapping, its anchor, the key waiting for its value, and the line of each key so far
    /// (looked up, never iterated: a duplicate is found in O(log n), not by a scan).
    Map(Node, usize, Option<Key>, BTreeMap<String, usize>),
}

/// The deepest nesting of sequences and mappings a file may have: far beyond any scenario or task
/// definition, far below what would exhaust the stack of the code that walks the tree.
pub const MAX_DEPTH: usize = 128;

/// The most values (scalars, sequences and mappings) a file may hold once every alias is expanded:
/// a few hundred bytes of nested aliases can otherwise ask for gigabytes ("billion laughs").
pub const MAX_VALUES: usize = 1_000_000;

struct Builder {
    stack: Vec<Frame>,
    /// Per open collection: `values` when it opened, to size it when it closes.
    opened_at: Vec<usize>,
    /// Each anchor's value and how many values it holds (an alias copies them all).
    anchors: BTreeMap<usize, (Node, usize)>,
    root: Option<Node>,
    documents: usize,
    /// Values built so far, aliases expanded.
    values: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, loc: Loc) -> Result<(), SyntaxError> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(SyntaxError {
                        loc,
                        message: "a scenario file holds one YAML document; remove the second `---`".into(),
                    });
                }
            }
            Event::Scalar(text, style, anchor, _) => {
                let quoted = !matches!(style, ScalarStyle::Plain);
                self.count(1, loc)?;
                self.value(
                    Node {
                        value: Value::Scalar {
                            text: text.into_owned(),
                            quoted,
                        },
                        loc,
                    },
                    anchor,
                )?;
            }
            Event::SequenceStart(anchor, _) => {
                self.open(loc)?;
                self.stack.push(Frame::Seq(
                    Node {
                        value: Value::Seq(Vec::new()),
                        loc,
                    },
                    anchor,
                ));
            }
            Event::MappingStart(anchor, _) => {
                self.open(loc)?;
                self.stack.push(Frame::Map(
                    Node {
                        value: Value::Map(Vec::new()),
                        loc,
                    },
                    anchor,
                    None,
                    BTreeMap::new(),
                ));
            }
            Event::SequenceEnd | Event::MappingEnd => self.end_collection(loc)?,
            Event::Alias(id) => {
                let size = self.anchors.get(&id).map(|(_, size)| *size).ok_or(SyntaxError {
                    loc,
                    message: "alias to an unknown anchor".into(),
                })?;
                // Counted before copying: a bomb is refused without building it.
                self.count(size, loc)?;
                let node = self.anchors[&id].0.clone();
                self.value(Node { loc, ..node }, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// Counts `n` more values; refuses a file past `MAX_VALUES`.
    fn count(&mut self, n: usize, loc: Loc) -> Result<(), SyntaxError> {
        self.values = self.values.saturating_add(n);
        if self.values > MAX_VALUES {
            return Err(SyntaxError {
                loc,
                message: format!(
                    "the file holds more than {MAX_VALUES} values once its aliases (`*name`) are expanded; a scenario needs far fewer: write the values out, or alias smaller parts"
                ),
            });
        }
        Ok(())
    }

    /// Counts a sequence or mapping that opens; refuses nesting deeper than `MAX_DEPTH`.
    fn open(&mut self, loc: Loc) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError {
                loc,
                message: format!(
                    "sequences and mappings nest more than {MAX_DEPTH} deep here; a scenario needs far fewer levels"
                ),
            });
        }
        self.count(1, loc)?;
        self.opened_at.push(self.values);
        Ok(())
    }

    /// Closes the innermost sequence or mapping and places it as a value.
    fn end_collection(&mut self, loc: Loc) -> Result<(), SyntaxError> {
        let (node, anchor) = match self.stack.pop() {
            Some(Frame::Seq(n, a)) | Some(Frame::Map(n, a, _, _)) => (n, a),
            None => {
                return Err(SyntaxError {
                    loc,
                    message: "unbalanced YAML structure".into(),
                });
            }
        };
        let opened_at = self.opened_at.pop().unwrap_or(self.values);
        let size = self.values - opened_at + 1;
        self.place(node, anchor, size)
    }

    fn value(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        self.place(node, anchor, 1)
    }

    /// Places a value of `size` values in its parent (or as the root), keeping it if anchored.
    fn place(&mut self, node: Node, anchor: usize, size: usize) -> Result<(), SyntaxError> {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq(seq, _)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Frame::Map(map, _, pending, lines)) => match pending.take() {
                None => {
                    let Value::Scalar { text, .. } = node.value else {
                        return Err(SyntaxError {
                            loc: node.loc,
                            message: "mapping keys must be plain strings".into(),
                        });
                    };
                    if let Some(first) = lines.get(&text) {
                        return Err(SyntaxError {
                            loc: node.loc,
                            message: format!("duplicate key `{text}` (first set on line {first}); keep one of them"),
                        });
                    }
                    lines.insert(text.clone(), node.loc.line);
                    *pending = Some(Key {
                        name: text,
                        loc: node.loc,
                    });
                }
                Some(key) => {
                    if let Value::Map(entries) = &mut map.value {
                        entries.push((key, node));
                    }
                }
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_and_values() {
        let tree = parse("a: 1\nbb:\n  - x: \"2\"\n    y: [1, 2]\n", 0).expect("valid");
        let Value::Map(entries) = &tree.value else {
            panic!("map")
        };
        assert_eq!(entries[1].0.name, "bb");
        assert_eq!((entries[1].0.loc.line, entries[1].0.loc.col), (2, 1));
        let x = tree
            .get("bb")
            .and_then(|n| match &n.value {
                Value::Seq(s) => s[0].get("x").cloned(),
                _ => None,
            })
            .expect("x");
        assert_eq!(
            x.value,
            Value::Scalar {
                text: "2".into(),
                quoted: true
            }
        );
        assert_eq!((x.loc.line, x.loc.col), (3, 8));
    }

    #[test]
    fn reports_syntax_errors_with_location() {
        let err = parse("a: [1, 2\nb: 3\n", 0).expect_err("unclosed");
        assert_eq!((err.loc.line, err.loc.col), (2, 2));
        let dup = parse("a: 1\na: 2\n", 0).expect_err("duplicate");
        assert_eq!(dup.message, "duplicate key `a` (first set on line 1); keep one of them");
        assert_eq!(dup.loc.line, 2);
    }

    #[test]
    fn names_the_bracket_left_open() {
        let at = |line, col| Loc { file: 0, line, col };
        let text = "a: [1, 2\nb: {c: \"[\"}\n";
        assert_eq!(
            unclosed_bracket_help(text, at(2, 2)).as_deref(),
            Some("the `[` at line 1, column 4 is never closed: add `]` where it ends")
        );
        assert_eq!(unclosed_bracket_help("a: x[0]\nb: [1]\n: c\n", at(3, 1)), None);
        // JSON keeps its outer `{` open: a missing comma must not blame it.
        let json = "{\n  \"a\": 1\n  \"b\": 2\n}\n";
        let err = parse(json, 0).expect_err("missing comma");
        assert_eq!(unclosed_bracket_help(json, err.loc), None);
        // A bracket opened and broken on the same line is the parser's message alone.
        assert_eq!(unclosed_bracket_help("a: {b: c: d}\n", at(1, 9)), None);
        assert_eq!(
            unclosed_bracket_help("a: {b: 1  # {\nc: 2\n", at(2, 2)).as_deref(),
            Some("the `{` at line 1, column 4 is never closed: add `}` where it ends")
        );
    }

    #[test]
    fn empty_file_is_an_empty_mapping_and_json_parses() {
        assert_eq!(parse("", 0).expect("empty").value, Value::Map(vec![]));
        let json = parse("{\"family\": \"web\", \"cpu\": \"256\", \"n\": [1]}", 0).expect("json");
        assert!(json.get("family").is_some());
    }

    #[test]
    fn anchors_and_aliases_copy_values() {
        let tree = parse("a: &x {k: 1}\nb: *x\n", 0).expect("valid");
        assert_eq!(
            tree.get("b").and_then(|b| b.get("k")).map(|k| k.value.clone()),
            Some(Value::Scalar {
                text: "1".into(),
                quoted: false
            })
        );
    }
}
