//! A rule's `EventPattern` and the synthetic event of `load.<rule>.event`, read from YAML (or
//! from the JSON string PutRule takes), and the check that the pattern can match its events.

use std::collections::BTreeMap;

use super::diag::{Diagnostics, Sources, UNKNOWN_FIELD_PREFIX};
use super::yaml::{self, Loc, Node, Value};
use crate::policy::event_pattern::{
    Event, EventPattern, EventValue, Matcher, NumericOp, PatternNode, Scalar, canonical_event, matches,
};
use crate::workload::LoadProfile;

/// The arrivals of a rule (`load.<rule>`) and the synthetic event they carry, if written.
pub struct RuleLoad {
    /// `eventsPerSecond` and `noise`.
    pub profile: LoadProfile,
    /// `event`, with where it is written.
    pub event: Option<(Event, Loc)>,
}

/// Where rules' arrivals are read from: the `load` block and the files `replay` shapes name.
pub struct LoadSource<'a> {
    /// The `load` block, if any.
    pub node: Option<&'a Node>,
    /// `start`: the wall-clock anchor of diurnal and weekly shapes.
    pub start_epoch_ms: i64,
    /// Reads the files of `replay` shapes.
    pub loader: &'a dyn super::SourceLoader,
    /// Every file read, for messages.
    pub sources: &'a mut Sources,
}

/// `load.<rule>` of rule `name` (written at `rule_loc`). A disabled rule needs none; an enabled
/// one without it would never see an event, which is an error.
pub fn read_rule_load(
    load: &mut LoadSource<'_>,
    name: &str,
    rule_loc: Loc,
    enabled: bool,
    d: &mut Diagnostics,
) -> Option<RuleLoad> {
    let path = format!("load.{name}");
    let Some(node) = load.node.and_then(|n| n.get(name)) else {
        // An entry under a misspelt name (`on-uploa:`) is reported in `load` with its "did you
        // mean"; the rule is not also said to receive nothing.
        let misspelt = load
            .node
            .and_then(|n| super::reader::field_or_misspelt(n, name))
            .is_some();
        if enabled && misspelt {
            return None;
        }
        if enabled {
            d.error(
                rule_loc,
                &path,
                format!("rule `{name}` receives no events: `load` has no entry `{name}`"),
                Some(format!(
                    "add load.{name}: {{eventsPerSecond: [{{constant: 0.5}}], noise: poisson}}"
                )),
            );
            return None;
        }
        let profile = LoadProfile {
            shapes: Vec::new(),
            noise: crate::workload::Noise::None,
        };
        return Some(RuleLoad { profile, event: None });
    };
    let (profile, event_node) =
        super::load::read_rule_load(node, &path, load.start_epoch_ms, load.loader, load.sources, d)?;
    let event = match event_node {
        Some(n) => Some((read_event(n, &format!("{path}.event"), d)?, n.loc)),
        None => None,
    };
    Some(RuleLoad { profile, event })
}

const EXAMPLE: &str = "e.g. {source: [aws.s3], detail-type: [Object Created], detail: {key: [{prefix: img/}]}}";

/// The top-level fields of every EventBridge event ("Amazon EventBridge events", event
/// structure reference): a pattern on any other top-level field never matches.
const EVENT_FIELDS: &[&str] = &[
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
    "replay-name",
];

/// Reads `EventPattern`: a mapping, or a JSON string as PutRule takes it.
pub fn read_pattern(node: &Node, path: &str, sources: &mut Sources, d: &mut Diagnostics) -> Option<EventPattern> {
    if let Value::Scalar { text, .. } = &node.value {
        let index = sources.add(format!("{path} (JSON string)"), text.clone());
        return match yaml::parse(sources.text(index), index) {
            Ok(tree) => check_event_fields(&tree, path, d).then(|| read_pattern_object(&tree, path, d))?,
            Err(e) => {
                d.error(
                    e.loc,
                    path,
                    format!("invalid JSON in EventPattern: {}", e.message),
                    None,
                );
                None
            }
        };
    }
    check_event_fields(node, path, d).then(|| read_pattern_object(node, path, d))?
}

/// Whether every top-level key of a pattern is a field events have; a key that is not (a
/// misspelt `sourc:`) is an unknown field with the nearest event field, since a pattern on it
/// could never match.
fn check_event_fields(node: &Node, path: &str, d: &mut Diagnostics) -> bool {
    let Value::Map(entries) = &node.value else { return true };
    let mut ok = true;
    for (key, _) in entries {
        if EVENT_FIELDS.contains(&key.name.as_str()) {
            continue;
        }
        let help = super::diag::closest(&key.name, EVENT_FIELDS.iter().copied()).map_or_else(
            || {
                format!(
                    "events have no field `{}`, so the pattern would never match; their fields are {} (your own go under detail)",
                    key.name,
                    EVENT_FIELDS.join(", ")
                )
            },
            |c| format!("did you mean `{c}`? events have no field `{}`, so the pattern would never match", key.name),
        );
        let message = format!("{UNKNOWN_FIELD_PREFIX}`{}`", key.name);
        d.error(key.loc, &format!("{path}.{}", key.name), message, Some(help));
        ok = false;
    }
    ok
}

fn read_pattern_object(node: &Node, path: &str, d: &mut Diagnostics) -> Option<BTreeMap<String, PatternNode>> {
    let Value::Map(entries) = &node.value else {
        let message = format!(
            "expected an event pattern (a mapping of fields), found {}",
            node.kind_words()
        );
        d.error(node.loc, path, message, Some(EXAMPLE.into()));
        return None;
    };
    if entries.is_empty() {
        d.error(
            node.loc,
            path,
            "an event pattern names at least one field",
            Some(EXAMPLE.into()),
        );
        return None;
    }
    let mut out = BTreeMap::new();
    let mut ok = true;
    for (key, value) in entries {
        let field_path = format!("{path}.{}", key.name);
        let parsed = match &value.value {
            Value::Map(_) => read_pattern_object(value, &field_path, d).map(PatternNode::Object),
            Value::Seq(items) => read_leaf(items, value.loc, &field_path, d),
            _ => {
                let message = format!("expected a list of values to match, found {}", value.kind_words());
                d.error(
                    value.loc,
                    &field_path,
                    message,
                    Some(format!("write `{}: [..]`", key.name)),
                );
                None
            }
        };
        match parsed {
            Some(p) => {
                out.insert(key.name.clone(), p);
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// A field's list of alternatives.
fn read_leaf(items: &[Node], loc: Loc, path: &str, d: &mut Diagnostics) -> Option<PatternNode> {
    if items.is_empty() {
        d.error(
            loc,
            path,
            "an empty list matches no event",
            Some("list at least one value".into()),
        );
        return None;
    }
    let matchers: Vec<Option<Matcher>> = items
        .iter()
        .enumerate()
        .map(|(i, item)| read_matcher(item, &format!("{path}[{i}]"), d))
        .collect();
    matchers.into_iter().collect::<Option<Vec<_>>>().map(PatternNode::Leaf)
}

const MATCHERS: &[&str] = &["prefix", "suffix", "anything-but", "exists", "numeric"];

fn read_matcher(node: &Node, path: &str, d: &mut Diagnostics) -> Option<Matcher> {
    let entries = match &node.value {
        Value::Scalar { .. } => return Some(Matcher::Exact(scalar(node))),
        Value::Map(entries) if entries.len() == 1 => entries,
        _ => {
            let message = format!(
                "expected a value or one matcher such as {{prefix: img/}}, found {}",
                node.kind_words()
            );
            d.error(
                node.loc,
                path,
                message,
                Some(format!("matchers: {}", MATCHERS.join(", "))),
            );
            return None;
        }
    };
    let (key, value) = &entries[0];
    let path = format!("{path}.{}", key.name);
    let string = |d: &mut Diagnostics| match &value.value {
        Value::Scalar { text, .. } => Some(text.clone()),
        _ => {
            d.error(
                value.loc,
                &path,
                format!("expected a string, found {}", value.kind_words()),
                None,
            );
            None
        }
    };
    match key.name.as_str() {
        "prefix" => string(d).map(Matcher::Prefix),
        "suffix" => string(d).map(Matcher::Suffix),
        "exists" => match scalar(value) {
            Scalar::Bool(present) => Some(Matcher::Exists(present)),
            _ => {
                d.error(value.loc, &path, "expected true or false", None);
                None
            }
        },
        "anything-but" => read_anything_but(value, &path, d),
        "numeric" => read_numeric(value, &path, d),
        other => {
            let help = super::diag::closest(other, MATCHERS.iter().copied()).map_or_else(
                || format!("matchers: {}", MATCHERS.join(", ")),
                |c| format!("did you mean `{c}`?"),
            );
            d.error(key.loc, &path, format!("unknown matcher `{other}`"), Some(help));
            None
        }
    }
}

fn read_anything_but(value: &Node, path: &str, d: &mut Diagnostics) -> Option<Matcher> {
    match &value.value {
        Value::Scalar { .. } => Some(Matcher::AnythingBut(vec![scalar(value)])),
        Value::Seq(items) if items.iter().all(|i| matches!(i.value, Value::Scalar { .. })) && !items.is_empty() => {
            Some(Matcher::AnythingBut(items.iter().map(scalar).collect()))
        }
        Value::Map(entries) if entries.len() == 1 && entries[0].0.name == "prefix" => match &entries[0].1.value {
            Value::Scalar { text, .. } => Some(Matcher::AnythingButPrefix(text.clone())),
            _ => {
                d.error(entries[0].1.loc, &format!("{path}.prefix"), "expected a string", None);
                None
            }
        },
        _ => {
            d.error(
                value.loc,
                path,
                "anything-but takes a value, a list of values or {prefix: ..}",
                Some("e.g. {anything-but: [rejected, failed]}".into()),
            );
            None
        }
    }
}

/// `numeric: [">", 0, "<=", 5]`: one or two comparisons.
fn read_numeric(value: &Node, path: &str, d: &mut Diagnostics) -> Option<Matcher> {
    let help = Some("e.g. {numeric: [\">\", 0, \"<=\", 5]}".to_string());
    let Value::Seq(items) = &value.value else {
        d.error(value.loc, path, "numeric takes a list of operators and numbers", help);
        return None;
    };
    if items.is_empty() || items.len() % 2 != 0 || items.len() > 4 {
        d.error(
            value.loc,
            path,
            "numeric takes one or two pairs of an operator and a number",
            help,
        );
        return None;
    }
    let mut conditions = Vec::new();
    for pair in items.chunks(2) {
        let op = match &pair[0].value {
            Value::Scalar { text, .. } => NumericOp::parse(text),
            _ => None,
        };
        let Some(op) = op else {
            d.error(pair[0].loc, path, "expected an operator: <, <=, =, >= or >", help);
            return None;
        };
        let Scalar::Number(bound) = scalar(&pair[1]) else {
            d.error(
                pair[1].loc,
                path,
                format!("expected a number, found {}", pair[1].kind_words()),
                help,
            );
            return None;
        };
        conditions.push((op, bound));
    }
    Some(Matcher::Numeric(conditions))
}

/// A YAML scalar as a JSON scalar: unquoted numbers, booleans and null keep their type.
fn scalar(node: &Node) -> Scalar {
    match &node.value {
        Value::Scalar { text, quoted: false } => match text.as_str() {
            "null" | "~" => Scalar::Null,
            "true" => Scalar::Bool(true),
            "false" => Scalar::Bool(false),
            _ => text
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map_or_else(|| Scalar::String(text.clone()), Scalar::Number),
        },
        Value::Scalar { text, quoted: true } => Scalar::String(text.clone()),
        _ => Scalar::Null,
    }
}

/// `load.<rule>.event`: any JSON object (its `source`, `detail-type`, `detail`, ...).
pub fn read_event(node: &Node, path: &str, d: &mut Diagnostics) -> Option<Event> {
    match value(node) {
        EventValue::Object(fields) => Some(fields),
        _ => {
            let message = format!("expected an event (a mapping of fields), found {}", node.kind_words());
            d.error(
                node.loc,
                path,
                message,
                Some("e.g. {source: aws.s3, detail-type: Object Created}".into()),
            );
            None
        }
    }
}

fn value(node: &Node) -> EventValue {
    match &node.value {
        Value::Map(entries) => EventValue::Object(entries.iter().map(|(k, v)| (k.name.clone(), value(v))).collect()),
        Value::Seq(items) => EventValue::Array(items.iter().map(value).collect()),
        _ => EventValue::Scalar(scalar(node)),
    }
}

/// The event a rule's arrivals carry: `written` if the pattern matches it, else the event the
/// pattern was written for. A rule whose pattern matches neither would never run a task: an error.
pub fn check_event(
    pattern: &EventPattern,
    written: Option<(Event, Loc)>,
    pattern_loc: Loc,
    pattern_path: &str,
    rule: &str,
    d: &mut Diagnostics,
) -> Option<Event> {
    match written {
        Some((event, _)) if matches(pattern, &event) => Some(event),
        Some((_, loc)) => {
            d.error(
                loc,
                &format!("load.{rule}.event"),
                format!("rule `{rule}`'s EventPattern does not match this event, so the rule would never run a task"),
                Some(
                    "change the event or the pattern; without `event`, the event the pattern describes is used".into(),
                ),
            );
            None
        }
        None => match canonical_event(pattern) {
            Ok(event) => Some(event),
            Err(field) => {
                d.error(
                    pattern_loc,
                    &format!("{pattern_path}.{field}"),
                    format!("no value can match `{field}`, so the rule would never run a task"),
                    Some("check the numeric bounds and anything-but lists of that field".into()),
                );
                None
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> (Option<EventPattern>, Vec<String>) {
        let mut sources = Sources::default();
        let file = sources.add("p.yaml", text);
        let tree = yaml::parse(sources.text(file), file).expect("yaml");
        let mut d = Diagnostics::default();
        let parsed = read_pattern(&tree, "EventPattern", &mut sources, &mut d);
        (
            parsed,
            d.errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect(),
        )
    }

    #[test]
    fn a_mapping_and_the_json_string_putrule_takes_read_the_same() {
        let yaml = "{source: [aws.s3], detail: {size: [{numeric: ['>', 0]}], n: [5, '5', true, null]}}";
        let json = r#""{\"source\": [\"aws.s3\"], \"detail\": {\"size\": [{\"numeric\": [\">\", 0]}], \"n\": [5, \"5\", true, null]}}""#;
        let (from_yaml, errors) = pattern(yaml);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(from_yaml, pattern(json).0);
        let detail = match &from_yaml.expect("read")["detail"] {
            PatternNode::Object(fields) => fields.clone(),
            other => panic!("{other:?}"),
        };
        // Unquoted numbers, booleans and null keep their JSON type; a quoted number is a string.
        assert_eq!(
            detail["n"],
            PatternNode::Leaf(vec![
                Matcher::Exact(Scalar::Number(5.0)),
                Matcher::Exact(Scalar::String("5".into())),
                Matcher::Exact(Scalar::Bool(true)),
                Matcher::Exact(Scalar::Null),
            ])
        );
        assert_eq!(
            detail["size"],
            PatternNode::Leaf(vec![Matcher::Numeric(vec![(NumericOp::Greater, 0.0)])])
        );
    }

    #[test]
    fn each_malformed_pattern_is_reported() {
        let cases = [
            ("{}", "EventPattern: an event pattern names at least one field"),
            (
                "{source: aws.s3}",
                "EventPattern.source: expected a list of values to match, found `aws.s3`",
            ),
            ("{source: []}", "EventPattern.source: an empty list matches no event"),
            (
                "{source: [{prefix: a, suffix: b}]}",
                "EventPattern.source[0]: expected a value or one matcher such as {prefix: img/}, found a mapping",
            ),
            (
                "{detail: {size: [{numeric: ['>']}]}}",
                "EventPattern.detail.size[0].numeric: numeric takes one or two pairs of an operator and a number",
            ),
            (
                "{detail: {size: [{numeric: ['~', 1]}]}}",
                "EventPattern.detail.size[0].numeric: expected an operator: <, <=, =, >= or >",
            ),
            (
                "{detail: {size: [{numeric: ['>', x]}]}}",
                "EventPattern.detail.size[0].numeric: expected a number, found `x`",
            ),
            (
                "{detail: {k: [{exists: maybe}]}}",
                "EventPattern.detail.k[0].exists: expected true or false",
            ),
            (
                "{detail: {k: [{anything-but: {suffix: x}}]}}",
                "EventPattern.detail.k[0].anything-but: anything-but takes a value, a list of values or {prefix: ..}",
            ),
            (
                "{detail: {k: [{equals: x}]}}",
                "EventPattern.detail.k[0].equals: unknown matcher `equals`",
            ),
            ("{sourc: [aws.s3]}", "EventPattern.sourc: unknown field `sourc`"),
            ("{size: [1]}", "EventPattern.size: unknown field `size`"),
            ("\"{not json\"", "EventPattern: invalid JSON in EventPattern"),
        ];
        for (text, expected) in cases {
            let (parsed, errors) = pattern(text);
            assert_eq!(parsed, None, "{text}");
            assert!(
                errors.first().is_some_and(|e| e.starts_with(expected)),
                "{text}: {errors:?}"
            );
        }
    }
}
