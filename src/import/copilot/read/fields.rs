//! Reading a merged manifest tree: typed scalars, known keys, and every problem with its line,
//! column, key path and a suggestion, all collected before the import gives up.

use crate::import::closest;
use crate::import::copilot::tree::{Node, Value};

/// A problem in the manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
    /// The key path (`count.range.min`).
    pub path: String,
    /// What is wrong, and what was expected.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

/// What reading found so far.
#[derive(Debug, Default)]
pub struct Ctx {
    /// The environment whose overrides are merged in.
    pub env: Option<String>,
    /// Problems, in the order found.
    pub problems: Vec<Problem>,
    /// Keys Copilot knows that ecsim does not model.
    pub ignored: Vec<String>,
    /// Choices ecsim made.
    pub guesses: Vec<String>,
}

/// `path.key` (just `key` at the top).
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Ctx {
    /// The manifest key a value at `path` was written under: `path`, or
    /// `environments.<env>.path` for a value an override set.
    pub fn origin(&self, node: &Node, path: &str) -> String {
        match (&self.env, node.from_env) {
            (Some(env), true) => format!("environments.{env}.{path}"),
            _ => path.to_string(),
        }
    }

    /// Records a problem at `node`.
    pub fn error(&mut self, node: &Node, path: &str, message: impl Into<String>, help: Option<String>) {
        self.problems.push(Problem {
            line: node.line,
            col: node.col,
            path: self.origin(node, path),
            message: message.into(),
            help,
        });
    }

    /// Checks the keys of the mapping `node` at `path`: those in `modelled` are read by the
    /// caller, those in `not_modelled` are listed as ignored, any other is an error naming the
    /// closest known key. False when `node` is not a mapping.
    pub fn keys(&mut self, node: &Node, path: &str, modelled: &[&str], not_modelled: &[&str]) -> bool {
        let Value::Map(entries) = &node.value else {
            self.error(
                node,
                path,
                format!("expected a mapping, found {}", node.kind_words()),
                None,
            );
            return false;
        };
        for (key, value) in entries {
            let key_path = join(path, key);
            if modelled.contains(&key.as_str()) {
                continue;
            }
            if not_modelled.contains(&key.as_str()) {
                if !value.is_null() {
                    let origin = self.origin(value, &key_path);
                    self.ignored.push(origin);
                }
                continue;
            }
            let known: Vec<&str> = modelled.iter().chain(not_modelled).copied().collect();
            let help = closest(key, &known).map(|c| format!("did you mean `{c}`?"));
            self.error(
                value,
                &key_path,
                format!("`{key}` is not a Copilot manifest field here"),
                help,
            );
        }
        true
    }

    /// A scalar's text, or an error.
    pub fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match node.text() {
            Some(t) => Some(t.to_string()),
            None => {
                self.error(
                    node,
                    path,
                    format!("expected a string, found {}", node.kind_words()),
                    None,
                );
                None
            }
        }
    }

    /// A whole number from `min` to `max`.
    pub fn uint(&mut self, node: &Node, path: &str, min: u64, max: u64) -> Option<u64> {
        match node.text().and_then(|t| t.parse::<u64>().ok()) {
            Some(v) if (min..=max).contains(&v) => Some(v),
            _ => {
                let message = format!(
                    "expected a whole number from {min} to {max}, found {}",
                    node.kind_words()
                );
                self.error(node, path, message, None);
                None
            }
        }
    }

    /// A number (integer or decimal).
    pub fn number(&mut self, node: &Node, path: &str) -> Option<f64> {
        match node.text().and_then(|t| t.parse::<f64>().ok()) {
            Some(v) if v.is_finite() && v >= 0.0 => Some(v),
            _ => {
                let message = format!("expected a number, found {}", node.kind_words());
                self.error(node, path, message, None);
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match node.text() {
            Some("true" | "True" | "TRUE") => Some(true),
            Some("false" | "False" | "FALSE") => Some(false),
            _ => {
                let message = format!("expected true or false, found {}", node.kind_words());
                self.error(node, path, message, None);
                None
            }
        }
    }

    /// A Go duration (`2m30s`) in milliseconds.
    pub fn duration_ms(&mut self, node: &Node, path: &str) -> Option<u64> {
        let ms = node.text().and_then(crate::import::copilot::duration::millis);
        if ms.is_none() {
            let message = format!(
                "expected a duration such as 30s, 2m30s or 1h, found {}",
                node.kind_words()
            );
            self.error(node, path, message, None);
        }
        ms
    }

    /// A Go duration that must be a whole number of seconds, in seconds.
    pub fn seconds(&mut self, node: &Node, path: &str) -> Option<u64> {
        let ms = self.duration_ms(node, path)?;
        if ms % 1000 != 0 {
            let message = format!("`{}` is not a whole number of seconds", node.text().unwrap_or_default());
            self.error(node, path, message, Some("AWS takes these in whole seconds".into()));
            return None;
        }
        Some(ms / 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::copilot::tree::parse;

    #[test]
    fn unknown_keys_are_errors_with_the_nearest_and_known_ones_are_ignored() {
        let tree = parse("cpu: 256\nvariables: {A: b}\ncont: 3\n").expect("valid");
        let mut ctx = Ctx::default();
        assert!(ctx.keys(&tree, "", &["cpu", "count"], &["variables"]));
        assert_eq!(ctx.ignored, ["variables"]);
        assert_eq!(ctx.problems.len(), 1);
        let p = &ctx.problems[0];
        assert_eq!((p.line, p.path.as_str()), (3, "cont"));
        assert_eq!(p.help.as_deref(), Some("did you mean `count`?"));
    }

    #[test]
    fn scalars_read_with_their_limits() {
        let tree = parse("a: 2m30s\nb: 1500ms\nc: 101\nd: yes\n").expect("valid");
        let mut ctx = Ctx::default();
        let get = |k| tree.get(k).expect("key");
        assert_eq!(ctx.seconds(get("a"), "a"), Some(150));
        assert_eq!(ctx.seconds(get("b"), "b"), None);
        assert_eq!(ctx.uint(get("c"), "c", 0, 100), None);
        assert_eq!(ctx.boolean(get("d"), "d"), None);
        let paths: Vec<&str> = ctx.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["b", "c", "d"]);
    }
}
