//! Typed reading of located YAML with every problem collected: objects, scalars, lists, unknown keys.

use super::diag::{Diagnostics, UNKNOWN_FIELD_PREFIX, closest};
use super::schema::recorder::{Scalar, SchemaRecorder};
use super::yaml::{Key, Loc, Node, Value};
use crate::sim::SimDuration;
use crate::sim::time::parse_duration;

/// A mapping being read. Every accessor records its key as known, so `finish` can report the
/// keys nobody asked for as unknown (with the closest known key) or as ignored AWS fields.
pub struct Obj<'n> {
    entries: &'n [(Key, Node)],
    /// Field path of this mapping (`ecs.services[0]`).
    pub path: String,
    /// Location of the mapping.
    pub loc: Loc,
    known: Vec<&'static str>,
    ignored: Vec<&'static str>,
    /// Keys another reader of the same place accepts: suggested for a misspelling, never read.
    suggested: Vec<&'static str>,
}

/// Reads `node` as a mapping; a null counts as an empty mapping. Reports anything else.
pub fn object<'n>(node: &'n Node, path: &str, d: &mut Diagnostics) -> Option<Obj<'n>> {
    const EMPTY: &[(Key, Node)] = &[];
    let entries: &'n [(Key, Node)] = match &node.value {
        Value::Map(entries) => entries,
        _ if node.is_null() => EMPTY,
        _ => {
            d.error(
                node.loc,
                path,
                format!("expected a mapping of fields, found {}", node.kind_words()),
                None,
            );
            return None;
        }
    };
    Some(Obj {
        entries,
        path: path.to_string(),
        loc: node.loc,
        known: Vec::new(),
        ignored: Vec::new(),
        suggested: Vec::new(),
    })
}

/// Joins a field path and a key.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'n> Obj<'n> {
    /// The node of field `name`, if present and not null; records `name` as known.
    pub fn field(&mut self, name: &'static str) -> Option<&'n Node> {
        self.known.push(name);
        self.entries
            .iter()
            .find(|(k, _)| k.name == name)
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    /// The location of key `name` (or of the mapping when absent).
    pub fn key_loc(&self, name: &str) -> Loc {
        self.entries
            .iter()
            .find(|(k, _)| k.name == name)
            .map_or(self.loc, |(k, _)| k.loc)
    }

    /// The node of key `name` without recording it as known: for an ignored AWS block whose keys
    /// are still checked ([`check_ignored_block`]).
    pub fn unrecorded(&self, name: &str) -> Option<&'n Node> {
        self.entries.iter().find(|(k, _)| k.name == name).map(|(_, v)| v)
    }

    /// Whether key `name` is written (null included); does not record it as known.
    pub fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.name == name)
    }

    /// Path of field `name`.
    pub fn child(&self, name: &str) -> String {
        join(&self.path, name)
    }

    /// Reports a required field that is missing.
    pub fn missing(&self, name: &str, what: &str, d: &mut Diagnostics) {
        record(d, |r| r.missing(&self.path, name, what));
        d.error(
            self.loc,
            &self.child(name),
            format!("{MISSING_PREFIX}`{name}` ({what})"),
            None,
        );
    }

    /// Reports a field that is missing where this shape of the block needs it, without marking it
    /// required in the schema: for a field other shapes must not have (a REPLICA service's
    /// `desiredCount`, which a DAEMON service may not set).
    pub fn missing_here(&self, name: &str, what: &str, d: &mut Diagnostics) {
        d.error(
            self.loc,
            &self.child(name),
            format!("{MISSING_PREFIX}`{name}` ({what})"),
            None,
        );
    }

    /// The node of field `name` (as `field`); reports the field missing (`what`) when it is absent
    /// or null.
    pub fn required_field(&mut self, name: &'static str, what: &str, d: &mut Diagnostics) -> Option<&'n Node> {
        let node = self.field(name);
        if node.is_none() {
            self.missing(name, what, d);
        }
        node
    }

    /// Reads field `name` with `read`, then reports the field missing (`what`) when it is absent or
    /// null: the reading of a required field, whatever reads it.
    pub fn required<T>(
        &mut self,
        name: &'static str,
        what: &str,
        d: &mut Diagnostics,
        read: impl FnOnce(&mut Self, &mut Diagnostics) -> T,
    ) -> T {
        let value = read(self, d);
        self.required_field(name, what, d);
        value
    }

    /// A string field.
    pub fn string(&mut self, name: &'static str, d: &mut Diagnostics) -> Option<String> {
        let path = self.child(name);
        record(d, |r| r.scalar(&path, Scalar::String));
        self.field(name).and_then(|n| as_string(n, &path, d))
    }

    /// A required string field.
    pub fn required_string(&mut self, name: &'static str, what: &str, d: &mut Diagnostics) -> Option<String> {
        record(d, |r| r.missing(&self.path, name, what));
        let v = self.string(name, d);
        if v.is_none() && self.field(name).is_none() {
            self.missing(name, what, d);
        }
        v
    }

    /// An integer field in `[min, max]`.
    pub fn int(&mut self, name: &'static str, min: i64, max: i64, d: &mut Diagnostics) -> Option<i64> {
        let path = self.child(name);
        record(d, |r| r.scalar(&path, Scalar::Integer { min, max }));
        self.field(name).and_then(|n| as_int(n, &path, min, max, false, d))
    }

    /// An integer field that AWS also accepts as a string (`"cpu": "256"`).
    pub fn int_or_string(&mut self, name: &'static str, min: i64, max: i64, d: &mut Diagnostics) -> Option<i64> {
        let path = self.child(name);
        record(d, |r| r.scalar(&path, Scalar::IntegerOrDigits { min, max }));
        self.field(name).and_then(|n| as_int(n, &path, min, max, true, d))
    }

    /// A required integer field in `[min, max]`.
    pub fn required_int(
        &mut self,
        name: &'static str,
        min: i64,
        max: i64,
        what: &str,
        d: &mut Diagnostics,
    ) -> Option<i64> {
        self.required(name, what, d, |o, d| o.int(name, min, max, d))
    }

    /// A number field in `[min, max]`.
    pub fn number(&mut self, name: &'static str, min: f64, max: f64, d: &mut Diagnostics) -> Option<f64> {
        let path = self.child(name);
        record(d, |r| r.scalar(&path, Scalar::Number { min, max }));
        self.field(name).and_then(|n| as_number(n, &path, min, max, d))
    }

    /// A required number field in `[min, max]`.
    pub fn required_number(
        &mut self,
        name: &'static str,
        min: f64,
        max: f64,
        what: &str,
        d: &mut Diagnostics,
    ) -> Option<f64> {
        self.required(name, what, d, |o, d| o.number(name, min, max, d))
    }

    /// A boolean field.
    pub fn boolean(&mut self, name: &'static str, d: &mut Diagnostics) -> Option<bool> {
        let path = self.child(name);
        record(d, |r| r.scalar(&path, Scalar::Boolean));
        self.field(name).and_then(|n| as_bool(n, &path, d))
    }

    /// A required boolean field.
    pub fn required_boolean(&mut self, name: &'static str, what: &str, d: &mut Diagnostics) -> Option<bool> {
        self.required(name, what, d, |o, d| o.boolean(name, d))
    }

    /// A duration string field (`90s`, `1d2h`).
    pub fn duration(&mut self, name: &'static str, d: &mut Diagnostics) -> Option<SimDuration> {
        let path = self.child(name);
        record(d, |r| r.scalar(&path, Scalar::Duration));
        self.field(name).and_then(|n| as_duration(n, &path, d))
    }

    /// A required duration string field.
    pub fn required_duration(&mut self, name: &'static str, what: &str, d: &mut Diagnostics) -> Option<SimDuration> {
        self.required(name, what, d, |o, d| o.duration(name, d))
    }

    /// A string field that must be one of `allowed`.
    pub fn one_of(
        &mut self,
        name: &'static str,
        allowed: &[&'static str],
        d: &mut Diagnostics,
    ) -> Option<&'static str> {
        let path = self.child(name);
        record(d, |r| r.scalar(&path, Scalar::Enum(allowed.to_vec())));
        self.field(name).and_then(|n| as_one_of(n, &path, allowed, d))
    }

    /// A required string field that must be one of `allowed`.
    pub fn required_one_of(
        &mut self,
        name: &'static str,
        allowed: &[&'static str],
        what: &str,
        d: &mut Diagnostics,
    ) -> Option<&'static str> {
        self.required(name, what, d, |o, d| o.one_of(name, allowed, d))
    }

    /// A list field: its items with their paths.
    pub fn list(&mut self, name: &'static str, d: &mut Diagnostics) -> Vec<(String, &'n Node)> {
        let path = self.child(name);
        record(d, |r| r.list(&path));
        self.field(name).map(|n| as_list(n, &path, d)).unwrap_or_default()
    }

    /// A required list field: its items with their paths (an empty list is present, not missing).
    pub fn required_list(&mut self, name: &'static str, what: &str, d: &mut Diagnostics) -> Vec<(String, &'n Node)> {
        self.required(name, what, d, |o, d| o.list(name, d))
    }

    /// AWS fields accepted as they appear in AWS output but not modelled: reported once as ignored.
    pub fn ignore(&mut self, names: &[&'static str]) {
        self.ignored.extend_from_slice(names);
    }

    /// Keys that another form of this mapping takes (a task definition entry's `file`): a key
    /// near one is reported as its misspelling. Not recorded as fields of this form.
    pub fn suggest_also(&mut self, names: &[&'static str]) {
        self.suggested.extend_from_slice(names);
    }

    /// Reports unknown keys (with the nearest known key) and records ignored ones.
    pub fn finish(self, d: &mut Diagnostics) {
        record(d, |r| {
            let present = self.entries.iter().map(|(k, _)| k.name.as_str());
            r.object(&self.path, &self.known, &self.ignored, present);
        });
        for (key, _) in self.entries {
            if self.known.contains(&key.name.as_str()) {
                continue;
            }
            if self.ignored.contains(&key.name.as_str()) {
                d.ignored.push((join(&self.path, &key.name), key.loc));
                continue;
            }
            let candidates = self.known.iter().chain(&self.ignored).chain(&self.suggested).copied();
            let suggestion = closest(&key.name, candidates);
            if let Some(c) = suggestion {
                // A misspelt required field is one mistake: the unknown key with its "did you
                // mean" says it all, so the field is not also reported missing.
                forget_missing(d, &join(&self.path, c));
                d.misspelt_in.push((self.loc, self.path.clone()));
                d.misspelt_meant.push(c);
            }
            let help = suggestion.map(|c| format!("did you mean `{c}`?")).or_else(|| {
                let mut names: Vec<&str> = self.known.clone();
                names.sort_unstable();
                names.dedup();
                Some(format!("valid fields here: {}", names.join(", ")))
            });
            d.error(
                key.loc,
                &join(&self.path, &key.name),
                format!("{UNKNOWN_FIELD_PREFIX}`{}`", key.name),
                help,
            );
        }
    }
}

/// Checks the keys of an AWS block that is accepted but not modelled (listed as ignored as a
/// whole) against its shape, `fields` (a field with its own known fields, `None` for a value):
/// a misspelt key in it is an unknown field with its "did you mean", like anywhere else. Not
/// recorded for the schema, where the block is one ignored field.
pub fn check_ignored_block(
    node: &Node,
    path: &str,
    fields: &[(&'static str, Option<&[&'static str]>)],
    d: &mut Diagnostics,
) {
    let schema = d.schema.take();
    if let Some(mut o) = object(node, path, d) {
        for (name, inner) in fields {
            match (o.field(name), inner) {
                (Some(n), Some(inner)) => {
                    let inner: Vec<(&'static str, Option<&[&'static str]>)> =
                        inner.iter().map(|f| (*f, None)).collect();
                    check_ignored_block(n, &join(path, name), &inner, d);
                }
                _ => continue,
            }
        }
        o.finish(d);
    }
    d.schema = schema;
}

/// The text of field `name` of mapping `node`, or else of a key that looks like a misspelling of
/// it (at most two edits away): the name a definition meant to declare, even when the definition
/// has errors, so that references to it are not reported as well.
pub fn declared_name(node: &Node, name: &str) -> Option<String> {
    match &field_or_misspelt(node, name)?.value {
        Value::Scalar { text, .. } => Some(text.clone()),
        _ => None,
    }
}

/// Field `name` of mapping `node`, or else the value of a key at most two edits from it: what
/// a block meant to hold even under a misspelt key, for the names other blocks may refer to.
pub fn field_or_misspelt<'n>(node: &'n Node, name: &str) -> Option<&'n Node> {
    let Value::Map(entries) = &node.value else { return None };
    let exact = entries.iter().find(|(k, _)| k.name == name);
    let near = || {
        entries
            .iter()
            .filter(|(k, _)| super::diag::edit_distance(&k.name, name) <= 2)
            .min_by_key(|(k, _)| super::diag::edit_distance(&k.name, name))
    };
    exact.or_else(near).map(|(_, v)| v)
}

/// How the message of a missing required field starts.
const MISSING_PREFIX: &str = "missing required field ";

/// Withdraws the "missing required field" error of `path`, if one was reported.
fn forget_missing(d: &mut Diagnostics, path: &str) {
    d.errors
        .retain(|e| !(e.path == path && e.message.starts_with(MISSING_PREFIX)));
}

/// Lets the schema recorder, when there is one, note what the reader accepts.
fn record(d: &mut Diagnostics, f: impl FnOnce(&mut SchemaRecorder)) {
    if let Some(recorder) = d.schema.as_mut() {
        f(recorder);
    }
}

/// A scalar as a string (numbers and booleans are accepted as their text).
pub fn as_string(n: &Node, path: &str, d: &mut Diagnostics) -> Option<String> {
    record(d, |r| r.scalar(path, Scalar::String));
    scalar_text(n, path, d)
}

/// The text of a scalar, for readers that check it further (durations, enums).
fn scalar_text(n: &Node, path: &str, d: &mut Diagnostics) -> Option<String> {
    match &n.value {
        Value::Scalar { text, .. } => Some(text.clone()),
        _ => {
            d.error(
                n.loc,
                path,
                format!("expected a string, found {}", n.kind_words()),
                None,
            );
            None
        }
    }
}

/// A scalar as an integer in `[min, max]`; quoted numbers only when `allow_string`.
pub fn as_int(n: &Node, path: &str, min: i64, max: i64, allow_string: bool, d: &mut Diagnostics) -> Option<i64> {
    record(d, |r| {
        let scalar = if allow_string {
            Scalar::IntegerOrDigits { min, max }
        } else {
            Scalar::Integer { min, max }
        };
        r.scalar(path, scalar);
    });
    let (text, quoted) = match &n.value {
        Value::Scalar { text, quoted } => (text.trim(), *quoted),
        _ => {
            d.error(
                n.loc,
                path,
                format!("expected a whole number, found {}", n.kind_words()),
                None,
            );
            return None;
        }
    };
    let parsed = text.parse::<i64>().ok().filter(|_| !quoted || allow_string);
    let Some(v) = parsed else {
        let help = if quoted && text.parse::<i64>().is_ok() {
            Some(format!("write {text} without quotes"))
        } else {
            None
        };
        d.error(
            n.loc,
            path,
            format!("expected a whole number, found {}", n.kind_words()),
            help,
        );
        return None;
    };
    in_range(v, min, max, n, path, d)
}

/// A scalar as a finite number in `[min, max]`.
pub fn as_number(n: &Node, path: &str, min: f64, max: f64, d: &mut Diagnostics) -> Option<f64> {
    record(d, |r| r.scalar(path, Scalar::Number { min, max }));
    let parsed = match &n.value {
        Value::Scalar { text, quoted: false } => text.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
        _ => None,
    };
    let Some(v) = parsed else {
        d.error(
            n.loc,
            path,
            format!("expected a number, found {}", n.kind_words()),
            None,
        );
        return None;
    };
    in_range(v, min, max, n, path, d)
}

/// `Some(v)` if `min <= v <= max`, else an out-of-range error at `n`.
fn in_range<T: PartialOrd + std::fmt::Display>(
    v: T,
    min: T,
    max: T,
    n: &Node,
    path: &str,
    d: &mut Diagnostics,
) -> Option<T> {
    if v < min || v > max {
        d.error(
            n.loc,
            path,
            format!("{v} is out of range: expected {min} to {max}"),
            None,
        );
        return None;
    }
    Some(v)
}

/// A scalar as a boolean (`true` / `false`).
pub fn as_bool(n: &Node, path: &str, d: &mut Diagnostics) -> Option<bool> {
    record(d, |r| r.scalar(path, Scalar::Boolean));
    match &n.value {
        Value::Scalar { text, quoted: false } if text == "true" || text == "True" => Some(true),
        Value::Scalar { text, quoted: false } if text == "false" || text == "False" => Some(false),
        _ => {
            d.error(
                n.loc,
                path,
                format!("expected true or false, found {}", n.kind_words()),
                None,
            );
            None
        }
    }
}

/// A scalar as a duration (`90s`, `15m`, `1d2h`).
pub fn as_duration(n: &Node, path: &str, d: &mut Diagnostics) -> Option<SimDuration> {
    record(d, |r| r.scalar(path, Scalar::Duration));
    let text = scalar_text(n, path, d)?;
    match parse_duration(&text) {
        Ok(v) => Some(v),
        Err(message) => {
            d.error(n.loc, path, message, None);
            None
        }
    }
}

/// A scalar that must be one of `allowed` (exact spelling, as AWS requires).
pub fn as_one_of(n: &Node, path: &str, allowed: &[&'static str], d: &mut Diagnostics) -> Option<&'static str> {
    record(d, |r| r.scalar(path, Scalar::Enum(allowed.to_vec())));
    let text = scalar_text(n, path, d)?;
    if let Some(v) = allowed.iter().find(|a| **a == text) {
        return Some(v);
    }
    let help = closest(&text, allowed.iter().copied()).map_or_else(
        || format!("use one of {}", allowed.join(", ")),
        |c| format!("did you mean `{c}`? (valid: {})", allowed.join(", ")),
    );
    d.error(n.loc, path, format!("`{text}` is not a valid value"), Some(help));
    None
}

/// A list: its items with their paths (`path[0]`, ...).
pub fn as_list<'n>(n: &'n Node, path: &str, d: &mut Diagnostics) -> Vec<(String, &'n Node)> {
    record(d, |r| r.list(path));
    match &n.value {
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{path}[{i}]"), item))
            .collect(),
        _ => {
            d.error(n.loc, path, format!("expected a list, found {}", n.kind_words()), None);
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    #[test]
    fn collects_every_problem_in_one_pass() {
        let tree = parse("name: x\ndesiredCont: 3\ncount: -1\nflag: maybe\ntags: [a]\n", 0).expect("yaml");
        let mut d = Diagnostics::default();
        let mut o = object(&tree, "svc", &mut d).expect("map");
        assert_eq!(o.string("name", &mut d), Some("x".into()));
        assert_eq!(o.int("desiredCount", 0, 100, &mut d), None);
        assert_eq!(o.int("count", 0, 100, &mut d), None);
        assert_eq!(o.boolean("flag", &mut d), None);
        o.ignore(&["tags"]);
        o.finish(&mut d);
        let messages: Vec<_> = d
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.message.as_str(), e.help.as_deref()))
            .collect();
        assert_eq!(
            messages,
            vec![
                ("svc.count", "-1 is out of range: expected 0 to 100", None),
                ("svc.flag", "expected true or false, found `maybe`", None),
                (
                    "svc.desiredCont",
                    "unknown field `desiredCont`",
                    Some("did you mean `desiredCount`?")
                ),
            ]
        );
        assert_eq!(
            d.ignored.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
            vec!["svc.tags"]
        );
    }

    #[test]
    fn required_fields_are_reported_missing_when_absent_or_null_only() {
        let tree = parse("bad: x\nnone: null\nitems: []\n", 0).expect("yaml");
        let mut d = Diagnostics::default();
        let mut o = object(&tree, "svc", &mut d).expect("map");
        assert_eq!(o.required_int("bad", 0, 9, "a digit", &mut d), None);
        assert_eq!(o.required_boolean("none", "true or false", &mut d), None);
        assert_eq!(o.required_duration("absent", "how long", &mut d), None);
        assert!(o.required_list("items", "some items", &mut d).is_empty());
        assert!(o.required_field("items", "some items", &mut d).is_some());
        o.finish(&mut d);
        let messages: Vec<_> = d.errors.iter().map(|e| (e.path.as_str(), e.message.as_str())).collect();
        assert_eq!(
            messages,
            vec![
                ("svc.bad", "expected a whole number, found `x`"),
                ("svc.none", "missing required field `none` (true or false)"),
                ("svc.absent", "missing required field `absent` (how long)"),
            ]
        );
    }

    #[test]
    fn a_misspelt_required_field_is_one_error_not_two() {
        let tree = parse("desiredCont: 3\n", 0).expect("yaml");
        let mut d = Diagnostics::default();
        let mut o = object(&tree, "svc", &mut d).expect("map");
        assert_eq!(o.required_int("desiredCount", 0, 9, "how many", &mut d), None);
        assert_eq!(o.required_int("count", 0, 9, "how many", &mut d), None);
        o.finish(&mut d);
        let messages: Vec<_> = d.errors.iter().map(|e| (e.path.as_str(), e.message.as_str())).collect();
        assert_eq!(
            messages,
            vec![
                ("svc.count", "missing required field `count` (how many)"),
                ("svc.desiredCont", "unknown field `desiredCont`"),
            ]
        );
    }

    #[test]
    fn string_numbers_only_where_aws_allows_them() {
        let tree = parse("a: \"256\"\n", 0).expect("yaml");
        let mut d = Diagnostics::default();
        let mut o = object(&tree, "", &mut d).expect("map");
        assert_eq!(o.int_or_string("a", 0, 1000, &mut d), Some(256));
        assert_eq!(o.int("a", 0, 1000, &mut d), None);
        assert_eq!(d.errors[0].help.as_deref(), Some("write 256 without quotes"));
    }
}
