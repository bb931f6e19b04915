//! The scenario being written: an ordered YAML tree whose map entries and sequence items may
//! carry a comment line (`# from Resources.WebService (AWS::ECS::Service)`), written out as
//! block-style YAML, the same bytes every time.

use std::fmt::Write as _;

/// A value of the scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string, quoted when YAML would read it as something else.
    Str(String),
    /// An integer.
    Int(i64),
    /// A number with a fraction (always written with a `.` or an exponent).
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A sequence.
    Seq(Seq),
    /// A mapping in insertion order.
    Map(Map),
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::Str(s.clone())
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::Int(i64::from(n))
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Float(x)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Map(m)
    }
}

impl From<Seq> for Value {
    fn from(s: Seq) -> Value {
        Value::Seq(s)
    }
}

/// One entry of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// The value.
    pub value: Value,
    /// A comment written on the line above the entry.
    pub comment: Option<String>,
}

/// A mapping that keeps its keys in insertion order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    entries: Vec<Entry>,
}

impl Map {
    /// An empty mapping.
    pub fn new() -> Map {
        Map::default()
    }

    /// Sets `key` to `value`: in place if the key is there (its comment kept), else at the end.
    pub fn insert(&mut self, key: &str, value: impl Into<Value>) -> &mut Map {
        let value = value.into();
        match self.entries.iter_mut().find(|e| e.key == key) {
            Some(entry) => entry.value = value,
            None => self.entries.push(Entry {
                key: key.to_string(),
                value,
                comment: None,
            }),
        }
        self
    }

    /// Sets `key` to `value` with a comment above it (replacing any comment it had).
    pub fn insert_commented(&mut self, key: &str, value: impl Into<Value>, comment: impl Into<String>) -> &mut Map {
        self.insert(key, value);
        if let Some(entry) = self.entries.iter_mut().find(|e| e.key == key) {
            entry.comment = Some(comment.into());
        }
        self
    }

    /// Builder form of `insert`, for small literal mappings.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Map {
        self.insert(key, value);
        self
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries.iter_mut().find(|e| e.key == key).map(|e| &mut e.value)
    }

    /// The mapping at `key`, created empty at the end if absent (or replacing a value that is
    /// not a mapping).
    pub fn map_mut(&mut self, key: &str) -> &mut Map {
        if !matches!(self.get(key), Some(Value::Map(_))) {
            self.insert(key, Map::new());
        }
        match self.get_mut(key) {
            Some(Value::Map(m)) => m,
            _ => unreachable!("the entry was just made a mapping"),
        }
    }

    /// The sequence at `key`, created empty at the end if absent (or replacing a value that is
    /// not a sequence).
    pub fn seq_mut(&mut self, key: &str) -> &mut Seq {
        if !matches!(self.get(key), Some(Value::Seq(_))) {
            self.insert(key, Seq::new());
        }
        match self.get_mut(key) {
            Some(Value::Seq(s)) => s,
            _ => unreachable!("the entry was just made a sequence"),
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(at).value)
    }

    /// The entries in order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// True when the mapping has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// One item of a sequence.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The value.
    pub value: Value,
    /// A comment written on the line above the item.
    pub comment: Option<String>,
}

/// A sequence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Seq {
    items: Vec<Item>,
}

impl Seq {
    /// An empty sequence.
    pub fn new() -> Seq {
        Seq::default()
    }

    /// Appends an item.
    pub fn push(&mut self, value: impl Into<Value>) -> &mut Seq {
        self.items.push(Item {
            value: value.into(),
            comment: None,
        });
        self
    }

    /// Appends an item with a comment above it.
    pub fn push_commented(&mut self, value: impl Into<Value>, comment: impl Into<String>) -> &mut Seq {
        self.items.push(Item {
            value: value.into(),
            comment: Some(comment.into()),
        });
        self
    }

    /// Builder form of `push`, for small literal lists.
    pub fn with(mut self, value: impl Into<Value>) -> Seq {
        self.push(value);
        self
    }

    /// The items in order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The items, to change them.
    pub fn items_mut(&mut self) -> &mut [Item] {
        &mut self.items
    }

    /// True when the sequence is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many items.
    pub fn len(&self) -> usize {
        self.items.len()
    }
}

/// The order of a scenario's top-level keys, as the project's scenarios write them; keys not
/// listed follow in insertion order.
pub const TOP_LEVEL_ORDER: &[&str] = &[
    "name",
    "description",
    "seed",
    "start",
    "duration",
    "traceInterval",
    "availabilityZones",
    "ec2AutoScaling",
    "elasticLoadBalancing",
    "ecs",
    "applicationAutoScaling",
    "cloudWatch",
    "eventBridge",
    "behavior",
    "load",
    "events",
    "expect",
];

/// What a service's placeholder load counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadRate {
    /// A service that serves requests (`requestsPerSecond`).
    RequestsPerSecond,
    /// A queue worker (`messagesPerSecond`).
    MessagesPerSecond,
}

impl LoadRate {
    /// The key of the load block.
    pub fn key(self) -> &'static str {
        match self {
            LoadRate::RequestsPerSecond => "requestsPerSecond",
            LoadRate::MessagesPerSecond => "messagesPerSecond",
        }
    }
}

/// The scenario: a top-level mapping.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    /// The top-level keys.
    pub root: Map,
}

impl Doc {
    /// An empty scenario.
    pub fn new() -> Doc {
        Doc::default()
    }

    /// Sets `name:`.
    pub fn set_name(&mut self, name: &str) {
        self.root.insert("name", name);
    }

    /// Sets `description:`.
    pub fn set_description(&mut self, description: &str) {
        self.root.insert("description", description);
    }

    /// Sets `seed:`.
    pub fn set_seed(&mut self, seed: u32) {
        self.root.insert("seed", seed);
    }

    /// Sets `duration:` (a duration string such as `1d` or `6h`).
    pub fn set_duration(&mut self, duration: &str) {
        self.root.insert("duration", duration);
    }

    /// Sets `availabilityZones:`, with a comment saying where they came from.
    pub fn set_availability_zones(&mut self, zones: &[String], comment: &str) {
        let mut seq = Seq::new();
        for zone in zones {
            seq.push(zone.as_str());
        }
        self.root.insert_commented("availabilityZones", seq, comment);
    }

    /// The block at a top-level key (`ecs`, `behavior`, ...), created if absent.
    pub fn block(&mut self, key: &str) -> &mut Map {
        self.root.map_mut(key)
    }

    /// Adds `load.<service>` with a constant placeholder rate and a comment telling the user to
    /// replace it with the service's real traffic.
    pub fn add_placeholder_load(&mut self, service: &str, rate: LoadRate, per_second: i64) {
        let shape = Map::new().with("constant", per_second);
        let load = Map::new().with(rate.key(), Seq::new().with(shape));
        let what = match rate {
            LoadRate::RequestsPerSecond => "requests per second",
            LoadRate::MessagesPerSecond => "messages per second",
        };
        self.block("load").insert_commented(
            service,
            load,
            format!(
                "PLACEHOLDER: {per_second} {what} is not from your input; replace it with the service's real traffic (shapes: constant, ramp, step, diurnal, weekly, spike, replay)"
            ),
        );
    }

    /// The scenario as block-style YAML: `header` as comment lines first, then the top-level
    /// keys in `TOP_LEVEL_ORDER`, each nested value indented by two spaces.
    pub fn to_yaml(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            write_comment_line(&mut out, line, 0);
        }
        let mut entries: Vec<&Entry> = self.root.entries().iter().collect();
        let rank = |key: &str| {
            TOP_LEVEL_ORDER
                .iter()
                .position(|k| *k == key)
                .unwrap_or(TOP_LEVEL_ORDER.len())
        };
        // A stable sort keeps insertion order among keys of the same rank.
        entries.sort_by_key(|e| rank(&e.key));
        for entry in entries {
            write_entry(&mut out, entry, 0);
        }
        out
    }
}

fn write_comment_line(out: &mut String, line: &str, indent: usize) {
    let line = line.trim_end();
    if line.is_empty() {
        let _ = writeln!(out, "{:indent$}#", "");
    } else {
        let _ = writeln!(out, "{:indent$}# {line}", "");
    }
}

fn write_comment(out: &mut String, comment: &Option<String>, indent: usize) {
    if let Some(text) = comment {
        for line in text.lines() {
            write_comment_line(out, line, indent);
        }
    }
}

fn write_entry(out: &mut String, entry: &Entry, indent: usize) {
    write_comment(out, &entry.comment, indent);
    let _ = write!(out, "{:indent$}{}:", "", scalar_text(&entry.key));
    match &entry.value {
        Value::Map(m) if !m.is_empty() => {
            out.push('\n');
            for e in m.entries() {
                write_entry(out, e, indent + 2);
            }
        }
        Value::Seq(s) if !s.is_empty() => {
            out.push('\n');
            write_seq(out, s, indent + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, seq: &Seq, indent: usize) {
    for item in seq.items() {
        write_comment(out, &item.comment, indent);
        match &item.value {
            Value::Map(m) if !m.is_empty() => {
                if m.entries()[0].comment.is_some() {
                    let _ = writeln!(out, "{:indent$}-", "");
                    for e in m.entries() {
                        write_entry(out, e, indent + 2);
                    }
                } else {
                    // The first entry goes on the dash's line: write the mapping two spaces in
                    // and put the dash over the first entry's indentation.
                    let mut body = String::new();
                    for e in m.entries() {
                        write_entry(&mut body, e, indent + 2);
                    }
                    let _ = write!(out, "{:indent$}- ", "");
                    out.push_str(&body[indent + 2..]);
                }
            }
            Value::Seq(s) if !s.is_empty() => {
                let _ = writeln!(out, "{:indent$}-", "");
                write_seq(out, s, indent + 2);
            }
            other => {
                let _ = writeln!(out, "{:indent$}- {}", "", inline(other));
            }
        }
    }
}

/// A scalar, or an empty collection, as it is written after `key: ` or `- `.
fn inline(value: &Value) -> String {
    match value {
        Value::Str(s) => scalar_text(s),
        Value::Int(n) => n.to_string(),
        Value::Float(x) => float_text(*x),
        Value::Bool(b) => b.to_string(),
        Value::Map(_) => "{}".into(),
        Value::Seq(_) => "[]".into(),
    }
}

/// A float as YAML reads it back as a float: always with a `.` or an exponent.
fn float_text(x: f64) -> String {
    if x.is_nan() {
        return ".nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    let s = x.to_string();
    if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// A string as written: plain when YAML reads it back as this same string, else double-quoted.
pub fn scalar_text(s: &str) -> String {
    if needs_quotes(s) {
        double_quoted(s)
    } else {
        s.to_string()
    }
}

/// Words YAML (1.1 or 1.2) reads as null or a boolean when plain.
const RESERVED_WORDS: &[&str] = &["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"];

/// Whether a plain `s` would be read as something other than the string `s`.
fn needs_quotes(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return true;
    };
    let lower = s.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    s != s.trim()
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.starts_with("...")
        || s == "<<"
        || s.chars()
            .any(|c| c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{85}'))
        || RESERVED_WORDS.contains(&lower.as_str())
        || matches!(unsigned, ".inf" | ".nan")
        || unsigned.starts_with("0x")
        || unsigned.starts_with("0o")
        || unsigned.starts_with("0b")
        || looks_numeric(&lower)
}

/// Whether `s` reads as a number in YAML 1.1 or 1.2 (digits with `_` separators, a fraction, an
/// exponent, a sign, or a sexagesimal `1:30`).
fn looks_numeric(s: &str) -> bool {
    let digits: String = s.chars().filter(|c| *c != '_').collect();
    if digits.parse::<f64>().is_ok() {
        return true;
    }
    // YAML 1.1 base 60: 1:30 or 190:20:30.
    let unsigned = digits.trim_start_matches(['+', '-']);
    !unsigned.is_empty()
        && unsigned.contains(':')
        && unsigned
            .split(':')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use saphyr_parser::{Event, Parser, ScalarStyle};

    /// Every scalar of `yaml` as the parser reads it: (text, written plain).
    fn scalars(yaml: &str) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for event in Parser::new_from_str(yaml) {
            let (event, _) = event.unwrap_or_else(|e| panic!("not YAML: {e:?}\n{yaml}"));
            if let Event::Scalar(text, style, _, _) = event {
                out.push((text.into_owned(), matches!(style, ScalarStyle::Plain)));
            }
        }
        out
    }

    const TRICKY: &[&str] = &[
        "web",
        "512",
        "0.5",
        "1e3",
        "-1",
        "+7",
        "1_000",
        "0x1F",
        "0o17",
        ".inf",
        "-.Inf",
        ".NaN",
        "inf",
        "true",
        "False",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "null",
        "~",
        "",
        " leading",
        "trailing ",
        "a: b",
        "a #b",
        "key:",
        "-dash",
        "- item",
        "?q",
        "[list]",
        "{map}",
        "#hash",
        "&anchor",
        "*alias",
        "!tag",
        "|block",
        ">folded",
        "'single'",
        "\"double\"",
        "%percent",
        "@at",
        "`tick",
        "...",
        "<<",
        "1:30",
        "line\nbreak",
        "tab\there",
        "back\\slash",
        "ecs:service:DesiredCount",
        "service/demo/web",
        "cron(0 8 ? * MON-FRI *)",
        "attribute:ecs.availability-zone",
        "arn:aws:ecs:us-east-1:123456789012:service/demo/web",
        "m5.large",
        "2026-03-02T00:00:00Z",
        "${AWS::StackName}",
        "ünïcode ✓",
    ];

    #[test]
    fn every_string_reads_back_as_written_and_as_a_string() {
        let mut map = Map::new();
        let mut seq = Seq::new();
        for (i, s) in TRICKY.iter().enumerate() {
            map.insert(&format!("k{i}"), *s);
            seq.push(*s);
        }
        let mut doc = Doc::new();
        doc.root.insert("map", map);
        doc.root.insert("seq", seq);
        let yaml = doc.to_yaml("");
        let read = scalars(&yaml);
        let mut expected = Vec::new();
        expected.push("map".to_string());
        for (i, s) in TRICKY.iter().enumerate() {
            expected.push(format!("k{i}"));
            expected.push(s.to_string());
        }
        expected.push("seq".to_string());
        expected.extend(TRICKY.iter().map(|s| s.to_string()));
        let texts: Vec<String> = read.iter().map(|(t, _)| t.clone()).collect();
        assert_eq!(texts, expected, "{yaml}");
        // A string YAML would resolve to another type must not come back plain.
        for (text, plain) in &read {
            if *plain {
                assert!(!needs_quotes(text), "`{text}` came back plain:\n{yaml}");
                let lower = text.to_ascii_lowercase();
                assert!(
                    lower.parse::<f64>().is_err() && !RESERVED_WORDS.contains(&lower.as_str()),
                    "`{text}` would not read as a string"
                );
            }
        }
        // The quoting is not overdone: names, ARNs and dimensions stay plain.
        for plain in ["web", "ecs:service:DesiredCount", "m5.large", "service/demo/web"] {
            assert!(read.iter().any(|(t, p)| t == plain && *p), "{plain} was quoted");
        }
    }

    #[test]
    fn numbers_and_booleans_are_written_plain() {
        let mut doc = Doc::new();
        doc.root
            .insert("i", 42i64)
            .insert("neg", -3i64)
            .insert("f", 1.0)
            .insert("g", 0.25)
            .insert("big", 1e21)
            .insert("b", true);
        let yaml = doc.to_yaml("");
        assert_eq!(
            yaml,
            "i: 42\nneg: -3\nf: 1.0\ng: 0.25\nbig: 1000000000000000000000.0\nb: true\n"
        );
        let read = scalars(&yaml);
        for (text, plain) in read.iter().skip(1).step_by(2) {
            assert!(plain, "{text}");
        }
        assert_eq!(read[5].0.parse::<f64>().ok(), Some(1.0));
    }

    #[test]
    fn writes_nested_blocks_with_comments_deterministically() {
        let mut doc = Doc::new();
        doc.root.insert("ecs", Map::new());
        doc.set_name("imported: web");
        let ecs = doc.block("ecs");
        let services = ecs.seq_mut("services");
        services.push_commented(
            Map::new()
                .with("serviceName", "web")
                .with("desiredCount", 2i64)
                .with("deploymentConfiguration", Map::new().with("maximumPercent", 200i64)),
            "from Resources.WebService (AWS::ECS::Service)",
        );
        services.push(Map::new());
        let mut commented = Map::new();
        commented.insert_commented("serviceName", "api", "from Resources.Api");
        services.push(commented);
        services.push(Seq::new().with("a").with(Seq::new().with(1i64)));
        doc.set_availability_zones(
            &["us-east-1a".into(), "us-east-1b".into()],
            "from the template's subnets",
        );
        doc.add_placeholder_load("web", LoadRate::RequestsPerSecond, 100);
        let yaml = doc.to_yaml("imported from stack.yml\n\nby ecsim import");
        let expected = "\
# imported from stack.yml
#
# by ecsim import
name: \"imported: web\"
# from the template's subnets
availabilityZones:
  - us-east-1a
  - us-east-1b
ecs:
  services:
    # from Resources.WebService (AWS::ECS::Service)
    - serviceName: web
      desiredCount: 2
      deploymentConfiguration:
        maximumPercent: 200
    - {}
    -
      # from Resources.Api
      serviceName: api
    -
      - a
      -
        - 1
load:
  # PLACEHOLDER: 100 requests per second is not from your input; replace it with the service's real traffic (shapes: constant, ramp, step, diurnal, weekly, spike, replay)
  web:
    requestsPerSecond:
      - constant: 100
";
        assert_eq!(yaml, expected);
        // It parses, and the structure reads back: the nested sequence's scalars in order.
        let texts: Vec<String> = scalars(&yaml).into_iter().map(|(t, _)| t).collect();
        assert!(texts.windows(2).any(|w| w == ["a", "1"]), "{texts:?}");
        assert_eq!(doc.to_yaml("x"), doc.to_yaml("x"));
    }

    #[test]
    fn insert_replaces_in_place() {
        let mut m = Map::new().with("a", 1i64).with("b", 2i64);
        m.insert("a", 3i64);
        assert_eq!(m.entries()[0].value, Value::Int(3));
        assert_eq!(m.len(), 2);
        assert_eq!(m.remove("a"), Some(Value::Int(3)));
        assert_eq!(m.entries()[0].key, "b");
    }
}
