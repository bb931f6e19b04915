//! EventBridge event patterns: whether an event matches a rule's `EventPattern`, and the event a
//! pattern was written for.
//!
//! The subset of the content-filtering language that synthetic events need (docs/aws-behaviour.md,
//! "EventBridge rules"): every field the pattern names must match (AND); the values listed for a
//! field are alternatives (OR); an event field holding an array matches when any element does.
//! Matchers: exact values (string, number, boolean, null), `prefix`, `suffix`, `anything-but` (a
//! value, a list, or `{prefix: ..}`), `exists` and `numeric` (`[">", 0, "<=", 5]`). A field the
//! event lacks matches only `{"exists": false}`; `anything-but` needs the field to be there.

use std::collections::BTreeMap;

/// A value in an event: JSON's data model, objects with sorted keys.
#[derive(Debug, Clone, PartialEq)]
pub enum EventValue {
    /// A scalar: string, number, boolean or null.
    Scalar(Scalar),
    /// A JSON array.
    Array(Vec<EventValue>),
    /// A JSON object.
    Object(BTreeMap<String, EventValue>),
}

/// A JSON scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
}

/// An event: its top-level fields (`source`, `detail-type`, `detail`, ...).
pub type Event = BTreeMap<String, EventValue>;

/// A comparison of a `numeric` matcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumericOp {
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `=`
    Equal,
    /// `>=`
    GreaterOrEqual,
    /// `>`
    Greater,
}

impl NumericOp {
    /// The operator written as in a pattern (`<`, `<=`, `=`, `>=`, `>`).
    pub fn parse(text: &str) -> Option<NumericOp> {
        Some(match text {
            "<" => NumericOp::Less,
            "<=" => NumericOp::LessOrEqual,
            "=" => NumericOp::Equal,
            ">=" => NumericOp::GreaterOrEqual,
            ">" => NumericOp::Greater,
            _ => return None,
        })
    }

    fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            NumericOp::Less => value < bound,
            NumericOp::LessOrEqual => value <= bound,
            NumericOp::Equal => value == bound,
            NumericOp::GreaterOrEqual => value >= bound,
            NumericOp::Greater => value > bound,
        }
    }
}

/// One alternative for a field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// The value itself: `"aws.s3"`, `5`, `true`, `null`.
    Exact(Scalar),
    /// `{"prefix": "img/"}`: a string starting with it.
    Prefix(String),
    /// `{"suffix": ".png"}`: a string ending with it.
    Suffix(String),
    /// `{"anything-but": [..]}`: a present scalar equal to none of them.
    AnythingBut(Vec<Scalar>),
    /// `{"anything-but": {"prefix": ..}}`: a present string not starting with it.
    AnythingButPrefix(String),
    /// `{"exists": true}` (the field is present) or `false` (it is absent).
    Exists(bool),
    /// `{"numeric": [">", 0, "<=", 5]}`: a number meeting every comparison.
    Numeric(Vec<(NumericOp, f64)>),
}

/// A pattern, or a part of one under a field.
#[derive(Debug, Clone, PartialEq)]
pub enum PatternNode {
    /// A field's alternatives: the field matches when any one does.
    Leaf(Vec<Matcher>),
    /// Nested fields, all of which must match.
    Object(BTreeMap<String, PatternNode>),
}

/// A rule's `EventPattern`: its top-level fields.
pub type EventPattern = BTreeMap<String, PatternNode>;

/// Whether `event` matches `pattern`.
pub fn matches(pattern: &EventPattern, event: &Event) -> bool {
    matches_object(pattern, Some(event))
}

fn matches_object(pattern: &BTreeMap<String, PatternNode>, fields: Option<&BTreeMap<String, EventValue>>) -> bool {
    pattern
        .iter()
        .all(|(key, node)| matches_node(node, fields.and_then(|f| f.get(key))))
}

fn matches_node(node: &PatternNode, value: Option<&EventValue>) -> bool {
    match (node, value) {
        (PatternNode::Object(fields), Some(EventValue::Object(inner))) => matches_object(fields, Some(inner)),
        (PatternNode::Object(fields), None) => matches_object(fields, None),
        (PatternNode::Object(_), Some(_)) => false,
        (PatternNode::Leaf(matchers), None) => matchers.contains(&Matcher::Exists(false)),
        (PatternNode::Leaf(matchers), Some(EventValue::Array(items))) => items
            .iter()
            .any(|item| matches_node(&PatternNode::Leaf(matchers.clone()), Some(item))),
        (PatternNode::Leaf(matchers), Some(EventValue::Object(_))) => matchers.contains(&Matcher::Exists(true)),
        (PatternNode::Leaf(matchers), Some(EventValue::Scalar(scalar))) => {
            matchers.iter().any(|m| matches_scalar(m, scalar))
        }
    }
}

fn matches_scalar(matcher: &Matcher, value: &Scalar) -> bool {
    match (matcher, value) {
        (Matcher::Exact(expected), _) => expected == value,
        (Matcher::Prefix(prefix), Scalar::String(s)) => s.starts_with(prefix.as_str()),
        (Matcher::Suffix(suffix), Scalar::String(s)) => s.ends_with(suffix.as_str()),
        (Matcher::AnythingBut(excluded), _) => !excluded.contains(value),
        (Matcher::AnythingButPrefix(prefix), Scalar::String(s)) => !s.starts_with(prefix.as_str()),
        (Matcher::Exists(present), _) => *present,
        (Matcher::Numeric(conditions), Scalar::Number(n)) => conditions.iter().all(|(op, bound)| op.holds(*n, *bound)),
        _ => false,
    }
}

/// The event a pattern was written for: for each field, a value its first satisfiable
/// alternative accepts (an `exists: false` field is left out). Err names the first field (a
/// dotted path) whose alternatives no value can satisfy, such as `numeric [">", 5, "<", 3]`.
pub fn canonical_event(pattern: &EventPattern) -> Result<Event, String> {
    let event = canonical_object(pattern, "")?;
    debug_assert!(matches(pattern, &event), "a canonical event matches its pattern");
    Ok(event)
}

fn canonical_object(
    pattern: &BTreeMap<String, PatternNode>,
    path: &str,
) -> Result<BTreeMap<String, EventValue>, String> {
    let mut out = BTreeMap::new();
    for (key, node) in pattern {
        let field_path = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        match node {
            PatternNode::Object(fields) => {
                out.insert(key.clone(), EventValue::Object(canonical_object(fields, &field_path)?));
            }
            PatternNode::Leaf(matchers) => {
                if matchers.contains(&Matcher::Exists(false)) {
                    continue;
                }
                let value = matchers
                    .iter()
                    .find_map(|m| candidate(m).filter(|v| matches_scalar(m, v)))
                    .ok_or(field_path)?;
                out.insert(key.clone(), EventValue::Scalar(value));
            }
        }
    }
    Ok(out)
}

/// A value `matcher` may accept (checked by the caller), or None when it accepts none.
fn candidate(matcher: &Matcher) -> Option<Scalar> {
    match matcher {
        Matcher::Exact(value) => Some(value.clone()),
        Matcher::Prefix(s) | Matcher::Suffix(s) => Some(Scalar::String(s.clone())),
        Matcher::Exists(true) => Some(Scalar::String("synthetic".into())),
        Matcher::Exists(false) => None,
        Matcher::AnythingBut(excluded) => (0..=excluded.len())
            .map(|i| Scalar::String(format!("synthetic-{i}")))
            .find(|v| !excluded.contains(v)),
        Matcher::AnythingButPrefix(prefix) => {
            let other = if prefix.starts_with('x') { "y" } else { "x" };
            Some(Scalar::String(other.into()))
        }
        Matcher::Numeric(conditions) => numeric_candidate(conditions).map(Scalar::Number),
    }
}

/// A number meeting every comparison, if the range they leave is not empty.
fn numeric_candidate(conditions: &[(NumericOp, f64)]) -> Option<f64> {
    if let Some((_, equal)) = conditions.iter().find(|(op, _)| *op == NumericOp::Equal) {
        return Some(*equal);
    }
    let lower = conditions
        .iter()
        .filter(|(op, _)| matches!(op, NumericOp::Greater | NumericOp::GreaterOrEqual))
        .map(|(_, b)| *b)
        .fold(None, |acc: Option<f64>, b| Some(acc.map_or(b, |a| a.max(b))));
    let upper = conditions
        .iter()
        .filter(|(op, _)| matches!(op, NumericOp::Less | NumericOp::LessOrEqual))
        .map(|(_, b)| *b)
        .fold(None, |acc: Option<f64>, b| Some(acc.map_or(b, |a| a.min(b))));
    let value = match (lower, upper) {
        (Some(low), Some(high)) if low == high => low,
        (Some(low), Some(high)) => low + (high - low) / 2.0,
        (Some(low), None) => low + 1.0,
        (None, Some(high)) => high - 1.0,
        (None, None) => 0.0,
    };
    conditions.iter().all(|(op, b)| op.holds(value, *b)).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Scalar {
        Scalar::String(text.into())
    }

    fn leaf(matchers: Vec<Matcher>) -> PatternNode {
        PatternNode::Leaf(matchers)
    }

    fn upload_event(key: &str, size: f64) -> Event {
        let detail: BTreeMap<String, EventValue> = [
            ("key".to_string(), EventValue::Scalar(s(key))),
            ("size".to_string(), EventValue::Scalar(Scalar::Number(size))),
            (
                "tags".to_string(),
                EventValue::Array(vec![EventValue::Scalar(s("a")), EventValue::Scalar(s("b"))]),
            ),
        ]
        .into();
        [
            ("source".to_string(), EventValue::Scalar(s("aws.s3"))),
            ("detail-type".to_string(), EventValue::Scalar(s("Object Created"))),
            ("detail".to_string(), EventValue::Object(detail)),
        ]
        .into()
    }

    fn pattern(detail: Vec<(&str, PatternNode)>) -> EventPattern {
        let detail: BTreeMap<String, PatternNode> = detail.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        [
            ("source".to_string(), leaf(vec![Matcher::Exact(s("aws.s3"))])),
            ("detail".to_string(), PatternNode::Object(detail)),
        ]
        .into()
    }

    /// One row: a matcher on `detail.<field>`, and whether it matches the upload of `img/cat.png`, 2048 bytes.
    #[track_caller]
    fn check(field: &str, matcher: Matcher, expected: bool) {
        let p = pattern(vec![(field, leaf(vec![matcher.clone()]))]);
        assert_eq!(
            matches(&p, &upload_event("img/cat.png", 2048.0)),
            expected,
            "{field}: {matcher:?}"
        );
    }

    #[test]
    fn each_matcher() {
        check("key", Matcher::Exact(s("img/cat.png")), true);
        check("key", Matcher::Exact(s("img/dog.png")), false);
        check("size", Matcher::Exact(Scalar::Number(2048.0)), true);
        check("size", Matcher::Exact(s("2048")), false);
        check("key", Matcher::Prefix("img/".into()), true);
        check("key", Matcher::Prefix("doc/".into()), false);
        check("size", Matcher::Prefix("20".into()), false);
        check("key", Matcher::Suffix(".png".into()), true);
        check("key", Matcher::Suffix(".jpg".into()), false);
        check("key", Matcher::AnythingBut(vec![s("a"), s("b")]), true);
        check("key", Matcher::AnythingBut(vec![s("img/cat.png")]), false);
        check("missing", Matcher::AnythingBut(vec![s("a")]), false);
        check("key", Matcher::AnythingButPrefix("doc/".into()), true);
        check("key", Matcher::AnythingButPrefix("img/".into()), false);
        check("key", Matcher::Exists(true), true);
        check("key", Matcher::Exists(false), false);
        check("missing", Matcher::Exists(false), true);
        check("missing", Matcher::Exists(true), false);
        check("missing", Matcher::Exact(s("x")), false);
        check("size", Matcher::Numeric(vec![(NumericOp::Greater, 1024.0)]), true);
        check(
            "size",
            Matcher::Numeric(vec![(NumericOp::Greater, 0.0), (NumericOp::LessOrEqual, 2048.0)]),
            true,
        );
        check("size", Matcher::Numeric(vec![(NumericOp::Less, 2048.0)]), false);
        check("size", Matcher::Numeric(vec![(NumericOp::Equal, 2048.0)]), true);
        check("key", Matcher::Numeric(vec![(NumericOp::Greater, 0.0)]), false);
        // An array in the event matches when any element does.
        check("tags", Matcher::Exact(s("b")), true);
        check("tags", Matcher::Exact(s("c")), false);
    }

    #[test]
    fn fields_are_anded_and_alternatives_ored() {
        let event = upload_event("img/cat.png", 2048.0);
        let either = pattern(vec![(
            "key",
            leaf(vec![Matcher::Prefix("doc/".into()), Matcher::Suffix(".png".into())]),
        )]);
        assert!(matches(&either, &event));
        let both = pattern(vec![
            ("key", leaf(vec![Matcher::Prefix("img/".into())])),
            (
                "size",
                leaf(vec![Matcher::Numeric(vec![(NumericOp::Greater, 10_000.0)])]),
            ),
        ]);
        assert!(!matches(&both, &event));
        let mut other_source = pattern(vec![]);
        other_source.insert("source".into(), leaf(vec![Matcher::Exact(s("aws.sqs"))]));
        assert!(!matches(&other_source, &event));
        // A nested pattern against a scalar does not match.
        let mut nested = pattern(vec![]);
        nested.insert("source".into(), PatternNode::Object(BTreeMap::new()));
        assert!(!matches(&nested, &event));
    }

    #[test]
    fn the_canonical_event_matches_or_the_unsatisfiable_field_is_named() {
        let p = pattern(vec![
            ("key", leaf(vec![Matcher::Prefix("img/".into())])),
            (
                "size",
                leaf(vec![Matcher::Numeric(vec![
                    (NumericOp::Greater, 0.0),
                    (NumericOp::Less, 5.0),
                ])]),
            ),
            ("kind", leaf(vec![Matcher::AnythingBut(vec![s("synthetic-0")])])),
            ("gone", leaf(vec![Matcher::Exists(false)])),
            ("flag", leaf(vec![Matcher::Exact(Scalar::Bool(true))])),
        ]);
        let event = canonical_event(&p).expect("satisfiable");
        assert!(matches(&p, &event));
        let EventValue::Object(detail) = &event["detail"] else {
            panic!("detail is an object")
        };
        assert_eq!(detail["size"], EventValue::Scalar(Scalar::Number(2.5)));
        assert_eq!(detail["kind"], EventValue::Scalar(s("synthetic-1")));
        assert!(!detail.contains_key("gone"));
        let empty_range = pattern(vec![(
            "size",
            leaf(vec![Matcher::Numeric(vec![
                (NumericOp::Greater, 5.0),
                (NumericOp::Less, 3.0),
            ])]),
        )]);
        assert_eq!(canonical_event(&empty_range), Err("detail.size".to_string()));
        let equal_bounds = pattern(vec![(
            "size",
            leaf(vec![Matcher::Numeric(vec![
                (NumericOp::GreaterOrEqual, 3.0),
                (NumericOp::Less, 3.0),
            ])]),
        )]);
        assert_eq!(canonical_event(&equal_bounds), Err("detail.size".to_string()));
    }
}
