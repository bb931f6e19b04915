//! `--set PATH=VALUE`: replaces (or adds) one value of the scenario tree before it is read.

use super::diag::{Diagnostics, Sources};
use super::yaml::{Key, Loc, Node, Value, parse};

enum Segment {
    Key(String),
    Index(usize),
}

/// The most fields and list indexes a `--set` path may name: real paths name fewer than ten,
/// and setting the tree one segment at a time recurses once per segment (issue 16).
pub const MAX_SET_PATH_SEGMENTS: usize = 32;

fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let segments = 1 + path.matches(['.', '[']).count();
    if segments > MAX_SET_PATH_SEGMENTS {
        return Err(format!(
            "the path has {segments} fields and indexes; a --set path may have at most {MAX_SET_PATH_SEGMENTS}"
        ));
    }
    let p = shown(path);
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if name.is_empty() && out.is_empty() {
            return Err(format!("`{p}` must start with a field name"));
        }
        if !name.is_empty() {
            out.push(Segment::Key(name.to_string()));
        }
        while !rest.is_empty() {
            let (index, after) = rest.split_once(']').ok_or_else(|| format!("missing `]` in `{p}`"))?;
            out.push(Segment::Index(
                index
                    .parse()
                    .map_err(|_| format!("`{}` is not a list index in `{p}`", shown(index)))?,
            ));
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    Ok(out)
}

/// The longest part of a `--set` path echoed in messages, in characters.
const MAX_SHOWN_PATH_CHARS: usize = 120;

/// `path` as messages show it: cut after [`MAX_SHOWN_PATH_CHARS`] characters.
fn shown(path: &str) -> String {
    match path.char_indices().nth(MAX_SHOWN_PATH_CHARS) {
        Some((cut, _)) => format!("{}...", &path[..cut]),
        None => path.to_string(),
    }
}

/// Applies each `(path, value)`; the value is YAML (`8`, `m5.xlarge`, `[a, b]`, `{median: 30s}`).
pub fn apply_overrides(tree: &mut Node, overrides: &[(String, String)], sources: &mut Sources, d: &mut Diagnostics) {
    for (path, value) in overrides {
        let full_path = path;
        let path = &shown(path);
        let file = sources.add(format!("--set {path}"), value.clone());
        let loc = Loc { file, line: 1, col: 1 };
        let parsed = match parse(value, file) {
            Ok(v) => v,
            Err(e) => {
                d.error(e.loc, path, format!("the value is not valid YAML: {}", e.message), None);
                continue;
            }
        };
        let segments = match parse_path(full_path) {
            Ok(s) => s,
            Err(e) => {
                d.error(
                    loc,
                    path,
                    e,
                    Some("write a path like ecs.services[0].desiredCount".into()),
                );
                continue;
            }
        };
        if let Err(e) = set(tree, &segments, parsed, loc) {
            d.error(loc, path, e, None);
        }
    }
}

fn set(node: &mut Node, segments: &[Segment], value: Node, loc: Loc) -> Result<(), String> {
    let Some((first, rest)) = segments.split_first() else {
        *node = value;
        return Ok(());
    };
    if node.is_null() {
        node.value = Value::Map(Vec::new());
    }
    match (first, &mut node.value) {
        (Segment::Key(k), Value::Map(entries)) => {
            if let Some((_, child)) = entries.iter_mut().find(|(key, _)| key.name == *k) {
                return set(child, rest, value, loc);
            }
            let mut child = Node {
                value: Value::Map(Vec::new()),
                loc,
            };
            set(&mut child, rest, value, loc)?;
            entries.push((Key { name: k.clone(), loc }, child));
            Ok(())
        }
        (Segment::Index(i), Value::Seq(items)) => {
            let len = items.len();
            let child = items
                .get_mut(*i)
                .ok_or_else(|| format!("index {i} is out of range: the list has {len} item(s)"))?;
            set(child, rest, value, loc)
        }
        (Segment::Key(k), _) => Err(format!("cannot set field `{k}` inside {}", node.kind_words())),
        (Segment::Index(i), _) => Err(format!("cannot take item [{i}] of {}", node.kind_words())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(yaml: &str, path: &str, value: &str, expected: Result<&str, &str>) {
        let mut tree = parse(yaml, 0).expect("yaml");
        let mut sources = Sources::default();
        sources.add("s.yaml", yaml);
        let mut d = Diagnostics::default();
        apply_overrides(
            &mut tree,
            &[(path.to_string(), value.to_string())],
            &mut sources,
            &mut d,
        );
        match expected {
            Ok(text) => {
                assert!(d.errors.is_empty(), "{:?}", d.errors);
                let segments = parse_path(path).expect("path");
                let mut node = &tree;
                for s in &segments {
                    node = match (s, &node.value) {
                        (Segment::Key(k), _) => node.get(k).expect("key"),
                        (Segment::Index(i), Value::Seq(items)) => &items[*i],
                        _ => panic!("bad path"),
                    };
                }
                assert_eq!(
                    node.value,
                    Value::Scalar {
                        text: text.into(),
                        quoted: false
                    }
                );
            }
            Err(message) => assert_eq!(d.errors[0].message, message),
        }
    }

    #[test]
    fn sets_values_by_path() {
        check(
            "ecs:\n  services:\n    - desiredCount: 2\n",
            "ecs.services[0].desiredCount",
            "8",
            Ok("8"),
        );
        check("seed: 1\n", "seed", "42", Ok("42"));
        check("a: 1\n", "behavior.warmStart", "false", Ok("false"));
        check(
            "ecs:\n  services: []\n",
            "ecs.services[0].desiredCount",
            "8",
            Err("index 0 is out of range: the list has 0 item(s)"),
        );
        check("seed: 1\n", "seed.x", "1", Err("cannot set field `x` inside `1`"));
    }

    #[test]
    fn a_path_of_too_many_segments_is_refused_before_it_recurses() {
        let deep = vec!["a"; 30_000].join(".");
        check(
            "seed: 1\n",
            &deep,
            "1",
            Err("the path has 30000 fields and indexes; a --set path may have at most 32"),
        );
        let indexes = format!("a{}", "[0]".repeat(40));
        check(
            "a: []\n",
            &indexes,
            "1",
            Err("the path has 41 fields and indexes; a --set path may have at most 32"),
        );
        let longest = vec!["a"; MAX_SET_PATH_SEGMENTS].join(".");
        check("seed: 1\n", &longest, "1", Ok("1"));
    }
}
