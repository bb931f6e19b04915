//! The scenario text an import writes: a small tree of mappings, lists and scalars, each list
//! item with the comment naming where it came from, written as block YAML.

use std::fmt::Write;

/// A value of the scenario being written.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    /// A string, quoted when YAML would read it as something else.
    Str(String),
    /// A number as written (an integer or a decimal).
    Num(String),
    /// `true` or `false`.
    Bool(bool),
    /// Keys in the order they are written.
    Map(Vec<(String, Out)>),
    /// Items, each with an optional `# ...` comment line above it.
    List(Vec<(Option<String>, Out)>),
}

impl Out {
    /// A string scalar.
    pub fn str(s: impl Into<String>) -> Self {
        Out::Str(s.into())
    }

    /// An integer scalar.
    pub fn int(n: i64) -> Self {
        Out::Num(n.to_string())
    }

    /// A number scalar, written as an integer when it is one.
    pub fn num(n: f64) -> Self {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            Out::Num(format!("{}", n as i64))
        } else {
            Out::Num(format!("{n}"))
        }
    }

    /// A list without comments.
    pub fn list(items: Vec<Out>) -> Self {
        Out::List(items.into_iter().map(|i| (None, i)).collect())
    }

    /// A JSON value (a container definition, as ECS reads it) as a scenario value.
    pub fn from_json(v: &serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Out::Str(String::new()),
            serde_json::Value::Bool(b) => Out::Bool(*b),
            serde_json::Value::Number(n) => Out::Num(n.to_string()),
            serde_json::Value::String(s) => Out::Str(s.clone()),
            serde_json::Value::Array(a) => Out::list(a.iter().map(Out::from_json).collect()),
            serde_json::Value::Object(o) => Out::Map(
                o.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), Out::from_json(v)))
                    .collect(),
            ),
        }
    }

    fn is_empty_container(&self) -> bool {
        matches!(self, Out::Map(m) if m.is_empty()) || matches!(self, Out::List(l) if l.is_empty())
    }
}

/// A mapping being built, keys in insertion order.
#[derive(Default)]
pub struct MapOut(pub Vec<(String, Out)>);

impl MapOut {
    /// Adds `key: value`.
    pub fn put(&mut self, key: &str, value: Out) {
        self.0.push((key.to_string(), value));
    }

    /// Adds `key: value` when there is a value.
    pub fn opt(&mut self, key: &str, value: Option<Out>) {
        if let Some(v) = value {
            self.put(key, v);
        }
    }

    /// The finished mapping.
    pub fn done(self) -> Out {
        Out::Map(self.0)
    }
}

/// Writes `value` under `key` at `indent` spaces (a top-level block when `indent` is 0).
pub fn write_entry(text: &mut String, indent: usize, key: &str, value: &Out) {
    let pad = " ".repeat(indent);
    match value {
        Out::Map(_) | Out::List(_) if value.is_empty_container() => {
            let empty = if matches!(value, Out::Map(_)) { "{}" } else { "[]" };
            let _ = writeln!(text, "{pad}{}: {empty}", key_text(key));
        }
        Out::Map(entries) => {
            let _ = writeln!(text, "{pad}{}:", key_text(key));
            for (k, v) in entries {
                write_entry(text, indent + 2, k, v);
            }
        }
        Out::List(items) => {
            let _ = writeln!(text, "{pad}{}:", key_text(key));
            write_items(text, indent + 2, items);
        }
        scalar => {
            let _ = writeln!(text, "{pad}{}: {}", key_text(key), scalar_text(scalar));
        }
    }
}

fn write_items(text: &mut String, indent: usize, items: &[(Option<String>, Out)]) {
    let pad = " ".repeat(indent);
    for (comment, item) in items {
        if let Some(c) = comment {
            let _ = writeln!(text, "{pad}# {c}");
        }
        match item {
            Out::Map(entries) if !entries.is_empty() => {
                // The first key shares the dash's line; the rest line up under it.
                let mut first = true;
                for (k, v) in entries {
                    let mut one = String::new();
                    write_entry(&mut one, indent + 2, k, v);
                    if first {
                        text.push_str(&pad);
                        text.push_str("- ");
                        text.push_str(&one[indent + 2..]);
                        first = false;
                    } else {
                        text.push_str(&one);
                    }
                }
            }
            Out::List(_) | Out::Map(_) if !item.is_empty_container() => {
                // A list in a list: written in flow style, which stays short for the shapes here.
                let _ = writeln!(text, "{pad}- {}", flow(item));
            }
            other => {
                let _ = writeln!(text, "{pad}- {}", flow(other));
            }
        }
    }
}

/// A value on one line (`[a, b]`, `{k: v}`).
fn flow(v: &Out) -> String {
    match v {
        Out::Map(entries) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", key_text(k), flow(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        Out::List(items) => {
            let inner: Vec<String> = items.iter().map(|(_, v)| flow(v)).collect();
            format!("[{}]", inner.join(", "))
        }
        scalar => scalar_text(scalar),
    }
}

fn key_text(k: &str) -> String {
    if plain_is_string(k) { k.to_string() } else { quoted(k) }
}

fn scalar_text(v: &Out) -> String {
    match v {
        Out::Str(s) if plain_is_string(s) => s.clone(),
        Out::Str(s) => quoted(s),
        Out::Num(n) => n.clone(),
        Out::Bool(b) => b.to_string(),
        Out::Map(_) | Out::List(_) => flow(v),
    }
}

/// Whether `s` written without quotes reads back as the same string in YAML 1.2 and 1.1.
fn plain_is_string(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    let reserved = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", ".inf", "-.inf", ".nan",
    ];
    if reserved.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    if s.parse::<f64>().is_ok() || s.starts_with("0x") || s.starts_with("0o") {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@` ".contains(first) || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    !s.contains(": ")
        && !s.contains(" #")
        && !s.contains(['\n', '\t', ',', '[', ']', '{', '}'])
        && s.chars().all(|c| !c.is_control())
}

/// A double-quoted YAML string (JSON's escapes are YAML's).
fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(key: &str, v: &Out) -> String {
        let mut t = String::new();
        write_entry(&mut t, 0, key, v);
        t
    }

    #[test]
    fn strings_that_yaml_would_read_otherwise_are_quoted() {
        for (s, text) in [
            ("512", "\"512\""),
            ("web", "web"),
            ("true", "\"true\""),
            ("ON", "\"ON\""),
            ("cron(0 8 ? * MON-FRI *)", "cron(0 8 ? * MON-FRI *)"),
            ("attribute:ecs.availability-zone", "attribute:ecs.availability-zone"),
            ("a: b", "\"a: b\""),
            ("", "\"\""),
            ("*", "\"*\""),
        ] {
            assert_eq!(scalar_text(&Out::str(s)), text, "{s}");
        }
    }

    #[test]
    fn lists_of_mappings_are_written_in_block_style_with_their_comments() {
        let item = Out::Map(vec![
            ("family".into(), Out::str("web")),
            ("cpu".into(), Out::str("256")),
            ("requiresCompatibilities".into(), Out::list(vec![Out::str("FARGATE")])),
        ]);
        let v = Out::List(vec![(Some("from aws_ecs_task_definition.web".into()), item)]);
        assert_eq!(
            written("taskDefinitions", &v),
            "taskDefinitions:\n  # from aws_ecs_task_definition.web\n  - family: web\n    cpu: \"256\"\n    requiresCompatibilities:\n      - FARGATE\n"
        );
    }

    #[test]
    fn numbers_keep_integers_whole() {
        assert_eq!(Out::num(60.0), Out::Num("60".into()));
        assert_eq!(Out::num(-12.5), Out::Num("-12.5".into()));
        assert_eq!(written("e", &Out::Map(vec![])), "e: {}\n");
    }
}
