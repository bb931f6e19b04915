//! Copilot's environment overrides: `environments.<env>` merged onto the manifest's top level
//! the way Copilot merges them (its `manifest/transform.go`): mappings merge key by key, lists
//! and scalars replace, a null leaves the value as it was, a value of another form (`count: 3`
//! over `count: {range: ...}`, a string over a mapping) replaces it whole, and the fields Copilot
//! holds mutually exclusive clear each other: `count.spot` and autoscaling, `image.build` and
//! `image.location`.

use super::tree::{Node, Value};

/// Fields of `count` that `spot` excludes (Copilot's `AdvancedCount.unsetAutoscaling`).
const AUTOSCALING_FIELDS: &[&str] = &[
    "range",
    "cpu_percentage",
    "memory_percentage",
    "requests",
    "response_time",
    "queue_delay",
    "cooldown",
];

/// Pairs of fields at a path where setting one in an override clears the other.
fn exclusive(path: &str) -> &'static [(&'static [&'static str], &'static [&'static str])] {
    match path {
        "count" => &[(&["spot"], AUTOSCALING_FIELDS)],
        "image" => &[(&["build"], &["location"])],
        _ => &[],
    }
}

/// The manifest as deployed to `env`: the top level with `environments.<env>` merged in, and
/// without `environments`. `None` for `env` is the top level alone.
pub fn for_environment(manifest: &Node, env: Option<&str>) -> Node {
    let mut base = manifest.clone();
    let overrides = env.and_then(|e| manifest.get("environments").and_then(|envs| envs.get(e)).cloned());
    if let Value::Map(entries) = &mut base.value {
        entries.retain(|(k, _)| k != "environments");
    }
    match overrides {
        Some(o) => merge(base, o, ""),
        None => base,
    }
}

/// The names under `environments`, in file order.
pub fn environment_names(manifest: &Node) -> Vec<String> {
    match manifest.get("environments").map(|e| &e.value) {
        Some(Value::Map(entries)) => entries.iter().map(|(k, _)| k.clone()).collect(),
        _ => Vec::new(),
    }
}

/// `over` merged onto `base` at `path` (dotted, `""` at the top).
fn merge(base: Node, over: Node, path: &str) -> Node {
    if over.is_null() {
        return base;
    }
    match (base.value, over.value) {
        (Value::Map(mut entries), Value::Map(overrides)) => {
            for (set, cleared) in exclusive(path) {
                for (a, b) in [(set, cleared), (cleared, set)] {
                    if overrides.iter().any(|(k, v)| a.contains(&k.as_str()) && !v.is_null()) {
                        entries.retain(|(k, _)| !b.contains(&k.as_str()));
                    }
                }
            }
            for (key, value) in overrides {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match entries.iter().position(|(k, _)| *k == key) {
                    Some(i) => {
                        let old = entries[i].1.clone();
                        entries[i].1 = merge(old, value, &child);
                    }
                    None if value.is_null() => {}
                    None => entries.push((key, marked(value))),
                }
            }
            Node {
                value: Value::Map(entries),
                ..base
            }
        }
        (_, value) => marked(Node { value, ..over }),
    }
}

/// `node` with every value in it marked as set by the environment.
fn marked(mut node: Node) -> Node {
    node.from_env = true;
    node.value = match node.value {
        Value::Seq(items) => Value::Seq(items.into_iter().map(marked).collect()),
        Value::Map(entries) => Value::Map(entries.into_iter().map(|(k, v)| (k, marked(v))).collect()),
        scalar => scalar,
    };
    node
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::copilot::tree::parse;

    /// The manifest merged for `env`, written back as flow YAML for comparison.
    #[track_caller]
    fn check(manifest: &str, env: &str, expected: &str) {
        let tree = parse(manifest).expect("valid manifest");
        let merged = for_environment(&tree, Some(env));
        assert_eq!(flow(&merged), expected, "{env}");
    }

    fn flow(node: &Node) -> String {
        match &node.value {
            Value::Scalar { text, .. } => text.clone(),
            Value::Seq(items) => format!("[{}]", items.iter().map(flow).collect::<Vec<_>>().join(", ")),
            Value::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", flow(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    const SVC: &str = "\
name: fe
cpu: 256
count:
  range: 2-10
  cpu_percentage:
    value: 70
    cooldown:
      out: 2m30s
variables: {LOG_LEVEL: info, A: b}
http:
  path: '/'
  healthcheck: /ping
  alias: example.com
environments:
  test:
    count:
      response_time: 2s
  staging:
    count:
      spot: 5
    http:
      healthcheck:
        path: /
        grace_period: 30s
  prod:
    cpu: 1024
    count:
      range: {min: 3, max: 12, spot_from: 6}
      cooldown: {in: 30s}
    variables: {LOG_LEVEL: debug}
    http:
      alias: [{name: example.com, hosted_zone: Z1}]
  nulls:
    cpu: ~
    count:
      cpu_percentage: 50
";

    #[test]
    fn overrides_merge_as_copilot_merges_them() {
        let cases = [
            // A new scaling field joins the range and the CPU policy (the svc fixture's `test`).
            (
                "test",
                "{name: fe, cpu: 256, count: {range: 2-10, cpu_percentage: {value: 70, cooldown: {out: 2m30s}}, response_time: 2s}, variables: {LOG_LEVEL: info, A: b}, http: {path: /, healthcheck: /ping, alias: example.com}}",
            ),
            // `spot` clears the range and the scaling fields; a mapping replaces a string.
            (
                "staging",
                "{name: fe, cpu: 256, count: {spot: 5}, variables: {LOG_LEVEL: info, A: b}, http: {path: /, healthcheck: {path: /, grace_period: 30s}, alias: example.com}}",
            ),
            // Scalars replace, maps merge key by key, a range's other form replaces it, lists replace.
            (
                "prod",
                "{name: fe, cpu: 1024, count: {range: {min: 3, max: 12, spot_from: 6}, cpu_percentage: {value: 70, cooldown: {out: 2m30s}}, cooldown: {in: 30s}}, variables: {LOG_LEVEL: debug, A: b}, http: {path: /, healthcheck: /ping, alias: [{name: example.com, hosted_zone: Z1}]}}",
            ),
            // A null keeps the value; a scalar replaces a mapping of another form.
            (
                "nulls",
                "{name: fe, cpu: 256, count: {range: 2-10, cpu_percentage: 50}, variables: {LOG_LEVEL: info, A: b}, http: {path: /, healthcheck: /ping, alias: example.com}}",
            ),
            // An environment without overrides deploys the top level.
            (
                "dev",
                "{name: fe, cpu: 256, count: {range: 2-10, cpu_percentage: {value: 70, cooldown: {out: 2m30s}}}, variables: {LOG_LEVEL: info, A: b}, http: {path: /, healthcheck: /ping, alias: example.com}}",
            ),
        ];
        for (env, expected) in cases {
            check(SVC, env, expected);
        }
    }

    #[test]
    fn autoscaling_over_spot_clears_spot_and_location_clears_build() {
        let manifest = "count: {spot: 2}\nimage: {build: ./Dockerfile, port: 80}\nenvironments:\n  e:\n    count: {range: 1-4, cpu_percentage: 60}\n    image: {location: nginx}\n";
        check(
            manifest,
            "e",
            "{count: {range: 1-4, cpu_percentage: 60}, image: {port: 80, location: nginx}}",
        );
        check(
            "count: {range: 1-4, cpu_percentage: 60}\nenvironments: {e: {count: 3}}\n",
            "e",
            "{count: 3}",
        );
    }

    #[test]
    fn values_from_the_environment_are_marked() {
        let tree = parse(SVC).expect("valid");
        let prod = for_environment(&tree, Some("prod"));
        let count = prod.get("count").expect("count");
        assert!(count.get("range").expect("range").from_env);
        assert!(count.get("range").and_then(|r| r.get("min")).expect("min").from_env);
        assert!(!count.get("cpu_percentage").expect("cpu").from_env);
        assert!(!prod.get("name").expect("name").from_env);
        assert_eq!(environment_names(&tree), ["test", "staging", "prod", "nulls"]);
        assert!(for_environment(&tree, None).get("environments").is_none());
    }
}
