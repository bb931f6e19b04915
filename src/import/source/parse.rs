//! Parsing an input into the located tree: saphyr-parser's events, with tags kept (an error at
//! a tagged value points at its tag), aliases expanded within a bound, and duplicate keys refused.

use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::{Key, MAX_DEPTH, MAX_VALUES, Node, Value};

/// A parse error: line, column and message.
pub(super) type ParseError = (usize, usize, String);

pub(super) fn parse_tree(text: &str) -> Result<Node, ParseError> {
    let mut builder = Builder::default();
    let lines: Vec<&str> = text.lines().collect();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| (e.marker().line(), e.marker().col() + 1, e.info().to_string()))?;
        let (line, mut column) = (span.start.line(), span.start.col() + 1);
        if let Some(tag) = event_tag(&event) {
            column = tag_column(lines.get(line.wrapping_sub(1)).copied().unwrap_or(""), column, &tag);
        }
        builder.event(event, line, column)?;
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Map(Vec::new()),
        line: 1,
        column: 1,
        tag: None,
    }))
}

enum Frame {
    Seq(Node, usize),
    Map(Node, usize, Option<Key>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: BTreeMap<usize, Node>,
    root: Option<Node>,
    documents: usize,
    values: usize,
}

fn tag_text(tag: Option<std::borrow::Cow<'_, Tag>>) -> Option<String> {
    tag.map(|t| format!("{}{}", t.handle, t.suffix))
}

fn event_tag(event: &Event<'_>) -> Option<String> {
    match event {
        Event::Scalar(_, _, _, Some(tag)) | Event::SequenceStart(_, Some(tag)) | Event::MappingStart(_, Some(tag)) => {
            Some(format!("{}{}", tag.handle, tag.suffix))
        }
        _ => None,
    }
}

/// The column of the tag written before the value at `column` on `line`, so an error points at
/// `!GetAtt Dyn.Count` rather than at `Dyn.Count`; `column` itself when the tag is not found there.
fn tag_column(line: &str, column: usize, tag: &str) -> usize {
    let before: String = line.chars().take(column.saturating_sub(1)).collect();
    match before.rfind(tag) {
        Some(at) => before[..at].chars().count() + 1,
        None => column,
    }
}

/// How many values a node holds (itself and everything below it).
fn size_of(node: &Node) -> usize {
    match &node.value {
        Value::Scalar { .. } => 1,
        Value::Seq(items) => 1 + items.iter().map(size_of).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|(_, v)| size_of(v)).sum::<usize>(),
    }
}

impl Builder {
    fn event(&mut self, event: Event<'_>, line: usize, column: usize) -> Result<(), ParseError> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err((
                        line,
                        column,
                        "the file holds more than one YAML document; import one at a time".into(),
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, line, column)?;
                let node = Node {
                    value: Value::Scalar {
                        text: text.into_owned(),
                        quoted: !matches!(style, ScalarStyle::Plain),
                    },
                    line,
                    column,
                    tag: tag_text(tag),
                };
                self.place(node, anchor)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(line, column)?;
                let node = Node {
                    value: Value::Seq(Vec::new()),
                    line,
                    column,
                    tag: tag_text(tag),
                };
                self.stack.push(Frame::Seq(node, anchor));
            }
            Event::MappingStart(anchor, tag) => {
                self.open(line, column)?;
                let node = Node {
                    value: Value::Map(Vec::new()),
                    line,
                    column,
                    tag: tag_text(tag),
                };
                self.stack.push(Frame::Map(node, anchor, None));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(n, a)) | Some(Frame::Map(n, a, _)) => (n, a),
                    None => return Err((line, column, "unbalanced YAML structure".into())),
                };
                self.place(node, anchor)?;
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .ok_or((line, column, "alias to an unknown anchor".to_string()))?;
                let size = size_of(node);
                let copy = Node {
                    line,
                    column,
                    ..node.clone()
                };
                self.count(size, line, column)?;
                self.place(copy, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn count(&mut self, n: usize, line: usize, column: usize) -> Result<(), ParseError> {
        self.values = self.values.saturating_add(n);
        if self.values > MAX_VALUES {
            return Err((
                line,
                column,
                format!("the file holds more than {MAX_VALUES} values once its aliases are expanded"),
            ));
        }
        Ok(())
    }

    fn open(&mut self, line: usize, column: usize) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err((
                line,
                column,
                format!("sequences and mappings nest more than {MAX_DEPTH} deep here"),
            ));
        }
        self.count(1, line, column)
    }

    fn place(&mut self, node: Node, anchor: usize) -> Result<(), ParseError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq(seq, _)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Frame::Map(map, _, pending)) => match pending.take() {
                None => {
                    let Value::Scalar { text, .. } = node.value else {
                        return Err((node.line, node.column, "mapping keys must be plain strings".into()));
                    };
                    if let Value::Map(entries) = &map.value {
                        if let Some((first, _)) = entries.iter().find(|(k, _)| k.name == text) {
                            return Err((
                                node.line,
                                node.column,
                                format!("duplicate key `{text}` (first set on line {})", first.line),
                            ));
                        }
                    }
                    *pending = Some(Key {
                        name: text,
                        line: node.line,
                        column: node.column,
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
