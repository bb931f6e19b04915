//! `--set PATH=VALUE`: replaces (or adds) one value of the scenario tree before it is read.
//!
//! A path is field names joined by `.`, each optionally followed by list selectors in brackets:
//! `[2]` (the item at index 2), `[name=web]` (the one item whose field `name` is `web`; `name`
//! also matches the AWS naming field of items that have no field called `name`: `serviceName`,
//! `family`, `AutoScalingGroupName`, `PolicyName`, ...), `[serviceName=web]` (any field), and
//! `[+]` (a new item appended at the end: `ecs.services[+]={serviceName: api, ...}`, or
//! `events[+].at=2h` to start a new item field by field; a missing list is created).

use super::diag::{Diagnostics, Sources};
use super::yaml::{Key, Loc, Node, Value, parse};

enum Segment {
    Key(String),
    Index(usize),
    /// `[KEY=VALUE]`: the one item whose field `KEY` is the scalar `VALUE`.
    Select {
        key: String,
        value: String,
    },
    /// `[+]`: a new item at the end of the list.
    Append,
}

/// The fields `[name=...]` also matches, in items without a `name` field: how AWS names the
/// things a scenario lists.
const NAME_FIELDS: &[&str] = &[
    "serviceName",
    "family",
    "clusterName",
    "capacityProvider",
    "AutoScalingGroupName",
    "PolicyName",
    "AlarmName",
    "ScheduledActionName",
    "TargetGroupName",
];

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
    let mut field = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !field.is_empty() {
                    out.push(Segment::Key(std::mem::take(&mut field)));
                } else if out.is_empty() {
                    return Err(format!("`{p}` must start with a field name"));
                }
            }
            '[' => {
                if !field.is_empty() {
                    out.push(Segment::Key(std::mem::take(&mut field)));
                } else if out.is_empty() {
                    return Err(format!("`{p}` must start with a field name"));
                }
                let (mut inner, mut closed) = (String::new(), false);
                for c in chars.by_ref() {
                    if c == ']' {
                        closed = true;
                        break;
                    }
                    inner.push(c);
                }
                if !closed {
                    return Err(format!("missing `]` in `{p}`"));
                }
                out.push(selector(&inner, &p)?);
            }
            ']' => return Err(format!("unexpected `]` in `{p}`")),
            c => field.push(c),
        }
    }
    if !field.is_empty() {
        out.push(Segment::Key(field));
    }
    if out.is_empty() {
        return Err(format!("`{p}` must start with a field name"));
    }
    Ok(out)
}

/// The segment of the text between `[` and `]`.
fn selector(inner: &str, p: &str) -> Result<Segment, String> {
    if inner == "+" {
        return Ok(Segment::Append);
    }
    if let Some((key, value)) = inner.split_once('=') {
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("`[{}]` names no field before `=` in `{p}`", shown(inner)));
        }
        return Ok(Segment::Select {
            key: key.to_string(),
            value: value.trim().to_string(),
        });
    }
    inner.parse().map(Segment::Index).map_err(|_| {
        format!(
            "`{}` is not a list index, `+` or a `FIELD=VALUE` selector in `{p}`",
            shown(inner)
        )
    })
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
        node.value = match first {
            Segment::Append => Value::Seq(Vec::new()),
            _ => Value::Map(Vec::new()),
        };
    }
    match (first, &mut node.value) {
        (Segment::Key(k), Value::Map(entries)) => {
            if let Some((_, child)) = entries.iter_mut().find(|(key, _)| key.name == *k) {
                return set(child, rest, value, loc);
            }
            // A field not there yet: nothing, until the rest of the path says what it holds.
            let mut child = Node::scalar("", loc);
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
        (Segment::Select { key, value: wanted }, Value::Seq(items)) => {
            let i = select(items, key, wanted)?;
            set(&mut items[i], rest, value, loc)
        }
        (Segment::Append, Value::Seq(items)) => {
            let mut child = Node::scalar("", loc);
            set(&mut child, rest, value, loc)?;
            items.push(child);
            Ok(())
        }
        (Segment::Key(k), _) => Err(format!("cannot set field `{k}` inside {}", node.kind_words())),
        (Segment::Index(i), _) => Err(format!("cannot take item [{i}] of {}", node.kind_words())),
        (Segment::Select { key, value }, _) => Err(format!(
            "cannot select [{key}={value}] in {}: selectors pick an item of a list",
            node.kind_words()
        )),
        (Segment::Append, _) => Err(format!("cannot append [+] to {}: only a list grows", node.kind_words())),
    }
}

/// The position of the one item of `items` whose field `key` is `wanted` (for `name`, also
/// its AWS naming field when it has no `name`).
fn select(items: &[Node], key: &str, wanted: &str) -> Result<usize, String> {
    let name_of = |item: &Node| -> Option<String> {
        let field = match item.get(key) {
            Some(f) => f,
            None if key == "name" => NAME_FIELDS.iter().find_map(|f| item.get(f))?,
            None => return None,
        };
        match &field.value {
            Value::Scalar { text, .. } => Some(text.clone()),
            _ => None,
        }
    };
    let names: Vec<Option<String>> = items.iter().map(name_of).collect();
    let matches: Vec<usize> = (0..items.len())
        .filter(|&i| names[i].as_deref() == Some(wanted))
        .collect();
    match matches.as_slice() {
        [i] => Ok(*i),
        [] => {
            let known: Vec<String> = names
                .iter()
                .flatten()
                .take(10)
                .map(|n| format!("`{}`", shown(n)))
                .collect();
            let have = if known.is_empty() {
                format!("no item of the list ({} item(s)) has a field `{key}`", items.len())
            } else {
                format!("the list has {}", known.join(", "))
            };
            Err(format!("no item has {key} = `{}`: {have}", shown(wanted)))
        }
        many => Err(format!(
            "{} items have {key} = `{}` (items {}); pick one by index, e.g. [{}]",
            many.len(),
            shown(wanted),
            many.iter().map(usize::to_string).collect::<Vec<_>>().join(", "),
            many[0]
        )),
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
                        (Segment::Select { key, value }, Value::Seq(items)) => {
                            &items[select(items, key, value).expect("selected")]
                        }
                        (Segment::Append, Value::Seq(items)) => items.last().expect("appended"),
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

    const SERVICES: &str =
        "ecs:\n  services:\n    - {serviceName: web, desiredCount: 2}\n    - {serviceName: api, desiredCount: 3}\n";

    #[test]
    fn selects_list_items_by_a_field() {
        check(SERVICES, "ecs.services[name=api].desiredCount", "8", Ok("8"));
        check(SERVICES, "ecs.services[serviceName=web].desiredCount", "4", Ok("4"));
        check(
            "a:\n  - {name: x.v2, family: y, n: 1}\n  - {name: z, family: x.v2, n: 2}\n",
            "a[name=x.v2].n",
            "9",
            Ok("9"),
        );
        check(
            SERVICES,
            "ecs.services[name=db].desiredCount",
            "8",
            Err("no item has name = `db`: the list has `web`, `api`"),
        );
        check(
            "a: [{k: 1}, {k: 1}]\n",
            "a[k=1].k",
            "2",
            Err("2 items have k = `1` (items 0, 1); pick one by index, e.g. [0]"),
        );
        check(
            "a: [1, 2]\n",
            "a[name=x]",
            "2",
            Err("no item has name = `x`: no item of the list (2 item(s)) has a field `name`"),
        );
        check(
            "a: {b: 1}\n",
            "a[name=x].b",
            "2",
            Err("cannot select [name=x] in a mapping: selectors pick an item of a list"),
        );
    }

    #[test]
    fn appends_to_lists() {
        check("a: [1, 2]\n", "a[+]", "3", Ok("3"));
        check("a:\n  - {x: 1}\n", "a[+].x", "2", Ok("2"));
        check("seed: 1\n", "events[+].at", "2h", Ok("2h"));
        check("events:\n", "events[+].at", "2h", Ok("2h"));
        check(
            "a: {b: 1}\n",
            "a[+]",
            "2",
            Err("cannot append [+] to a mapping: only a list grows"),
        );
        let mut tree = parse("a: [1]\n", 0).expect("yaml");
        let mut sources = Sources::default();
        let mut d = Diagnostics::default();
        let sets = [
            ("a[+]".to_string(), "2".to_string()),
            ("a[+]".to_string(), "3".to_string()),
        ];
        apply_overrides(&mut tree, &sets, &mut sources, &mut d);
        let Some(Value::Seq(items)) = tree.get("a").map(|n| &n.value) else {
            panic!("a list")
        };
        assert_eq!(items.len(), 3, "each [+] appends one item");
    }

    #[test]
    fn malformed_selectors_are_named() {
        check("a: [1]\n", "a[x", "1", Err("missing `]` in `a[x`"));
        check("a: [1]\n", "a]", "1", Err("unexpected `]` in `a]`"));
        check(
            "a: [1]\n",
            "a[=x]",
            "1",
            Err("`[=x]` names no field before `=` in `a[=x]`"),
        );
        check(
            "a: [1]\n",
            "a[one]",
            "1",
            Err("`one` is not a list index, `+` or a `FIELD=VALUE` selector in `a[one]`"),
        );
        check("a: [1]\n", "[0]", "1", Err("`[0]` must start with a field name"));
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
