//! The scenario written as block-style YAML: two-space indentation, comments on the lines above
//! their entries, a mapping in a list started on the dash's line, and strings quoted only where
//! YAML would read them as something else.

use std::fmt::Write as _;

use super::{Entry, Seq, Value};

pub(super) fn comment_line(out: &mut String, line: &str, indent: usize) {
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
            comment_line(out, line, indent);
        }
    }
}

/// The longest key YAML reads in the `key: value` form: an implicit key is at most 1024
/// characters (YAML 1.2, 7.4.2); a longer one is written as an explicit key (`? key` then `:`).
const MAX_IMPLICIT_KEY_CHARS: usize = 1024;

pub(super) fn entry(out: &mut String, e: &Entry, indent: usize) {
    write_comment(out, &e.comment, indent);
    let key = scalar_text(&e.key);
    if key.chars().count() > MAX_IMPLICIT_KEY_CHARS {
        let _ = write!(out, "{:indent$}? {key}\n{:indent$}:", "", "");
    } else {
        let _ = write!(out, "{:indent$}{key}:", "");
    }
    match &e.value {
        Value::Map(m) if !m.is_empty() => {
            out.push('\n');
            for child in m.entries() {
                entry(out, child, indent + 2);
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
                        entry(out, e, indent + 2);
                    }
                } else {
                    // The first entry goes on the dash's line: write the mapping two spaces in
                    // and put the dash over the first entry's indentation.
                    let mut body = String::new();
                    for e in m.entries() {
                        entry(&mut body, e, indent + 2);
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
    use crate::import::doc::{Doc, LoadRate, Map};
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

    /// Fuzzing `import_copilot` found a manifest `name` of 1,200 control characters: as a
    /// `behavior.taskDefinitions` key, its escaped form passed YAML's 1,024-character limit on
    /// implicit keys, and the scenario written did not parse.
    #[test]
    fn a_key_longer_than_yaml_allows_inline_is_written_explicitly_and_reads_back() {
        let long = format!("dogworker{}'", "\u{1d}".repeat(200));
        let mut families = Map::new();
        families.insert(&long, Map::new().with("messagesPerSecondPerTask", 10i64));
        families.insert("short", 1i64);
        let mut doc = Doc::new();
        doc.root
            .insert("behavior", Map::new().with("taskDefinitions", families));
        doc.root.insert("list", Seq::new().with(Map::new().with(&long, 2i64)));
        let yaml = doc.to_yaml("");
        assert!(yaml.contains("    ? \"dogworker\\u001D"), "{yaml}");
        let texts: Vec<String> = scalars(&yaml).into_iter().map(|(t, _)| t).collect();
        let expected = [
            "behavior",
            "taskDefinitions",
            long.as_str(),
            "messagesPerSecondPerTask",
            "10",
            "short",
            "1",
            "list",
            long.as_str(),
            "2",
        ];
        assert_eq!(texts, expected, "{yaml}");
    }

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
}
