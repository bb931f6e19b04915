//! Errors do not cascade (issue 15, item 11): misspelling any one key of any scenario in
//! `scenarios/` (dropping its last letter) gives exactly one error, and that error comes with
//! its "did you mean".

use std::path::Path;

use ecsim::scenario::yaml::{self, Node, Value};

use crate::support::{DirLoader, root};

/// Every mapping key of `node` with its 1-based line and column, in file order, except the keys
/// of an event's `detail` in an `EventPattern`: those are the event's own fields, any name
/// matches (a pattern on `bucke` is a pattern on another field, not a typo).
fn keys(node: &Node, out: &mut Vec<(String, usize, usize)>) {
    match &node.value {
        Value::Map(entries) => {
            for (key, value) in entries {
                out.push((key.name.clone(), key.loc.line, key.loc.col));
                match (key.name.as_str(), &value.value) {
                    ("EventPattern", Value::Map(fields)) => {
                        for (field, _) in fields {
                            out.push((field.name.clone(), field.loc.line, field.loc.col));
                        }
                    }
                    _ => keys(value, out),
                }
            }
        }
        Value::Seq(items) => items.iter().for_each(|item| keys(item, out)),
        Value::Scalar { .. } => {}
    }
}

/// `text` with the key `name` written at `line`:`col` losing its last letter, if the key is
/// written there as a plain word of at least three letters (not quoted, not an alias's target).
fn misspell(text: &str, name: &str, line: usize, col: usize) -> Option<String> {
    let start = text.split_inclusive('\n').take(line - 1).map(str::len).sum::<usize>() + col - 1;
    let written = text.get(start..start + name.len())?;
    let next = text[start + name.len()..].chars().next();
    if written != name || name.len() < 3 || next != Some(':') {
        return None;
    }
    let mut typo = String::with_capacity(text.len());
    typo.push_str(&text[..start + name.len() - 1]);
    typo.push_str(&text[start + name.len()..]);
    Some(typo)
}

/// One misspelling and what loading it said.
struct Outcome {
    file: String,
    line: usize,
    key: String,
    errors: usize,
    first: String,
}

impl Outcome {
    /// Exactly one error, and its help (the line after the message) offers a "did you mean".
    fn is_one_error_with_a_suggestion(&self) -> bool {
        self.errors == 1 && self.first.contains("did you mean")
    }
}

/// Misspells each key of `path` in turn and loads the result.
fn misspell_each_key(path: &Path) -> Vec<Outcome> {
    let text = std::fs::read_to_string(path).expect("scenario");
    let tree = yaml::parse(&text, 0).expect("scenario parses");
    let mut found = Vec::new();
    keys(&tree, &mut found);
    let loader = DirLoader(path.parent().expect("dir").to_path_buf());
    let file = path.file_name().expect("name").to_string_lossy().to_string();
    found
        .into_iter()
        .filter_map(|(key, line, col)| {
            let typo = misspell(&text, &key, line, col)?;
            let rendered = match ecsim::scenario::load(&file, &typo, &loader, &[]) {
                Ok(_) => String::new(),
                Err(e) => e.rendered,
            };
            let errors = rendered.lines().filter(|l| l.starts_with("error: ")).count();
            // The first error's message and the help lines that follow it.
            let first: Vec<&str> = rendered
                .lines()
                .skip_while(|l| !l.starts_with("error: "))
                .enumerate()
                .take_while(|(i, l)| *i == 0 || !l.starts_with("error: "))
                .map(|(_, l)| l.trim_start())
                .filter(|l| l.starts_with("error: ") || l.starts_with("= help: "))
                .collect();
            Some(Outcome {
                file: file.clone(),
                line,
                key,
                errors,
                first: first.join(" | "),
            })
        })
        .collect()
}

#[test]
fn every_misspelt_key_of_every_scenario_is_one_error_with_its_did_you_mean() {
    let mut files: Vec<_> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let outcomes: Vec<Outcome> = files.iter().flat_map(|p| misspell_each_key(p)).collect();
    let bad: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.is_one_error_with_a_suggestion())
        .map(|o| format!("{}:{} `{}`: {} errors; {}", o.file, o.line, o.key, o.errors, o.first))
        .collect();
    // The measure is over every key of every scenario, so it cannot pass vacuously.
    assert!(outcomes.len() > 2000, "only {} keys misspelt", outcomes.len());
    assert!(
        bad.is_empty(),
        "{} of {} misspellings:\n{}",
        bad.len(),
        outcomes.len(),
        bad.join("\n")
    );
}

/// Loads `scenarios/<file>` with `from` replaced by `to` and returns the rendered errors.
fn errors_of(file: &str, from: &str, to: &str) -> String {
    let path = root().join("scenarios").join(file);
    let text = std::fs::read_to_string(&path).expect("scenario");
    assert_eq!(text.matches(from).count(), 1, "{from}");
    let loader = DirLoader(path.parent().expect("dir").to_path_buf());
    match ecsim::scenario::load(file, &text.replacen(from, to, 1), &loader, &[]) {
        Ok(_) => panic!("{file} with `{to}` loaded"),
        Err(e) => e.rendered,
    }
}

/// `networkConfiguration` is not modelled (listed as ignored), but a misspelt key in it is
/// not silently accepted.
#[test]
fn a_misspelt_key_in_an_ignored_network_configuration_is_an_error() {
    let errors = errors_of("web-fargate.yaml", "assignPublicIp:", "asignPublicIp:");
    assert!(
        errors.starts_with("error: unknown field `asignPublicIp`\n")
            && errors.contains("= field: ecs.services[0].networkConfiguration.awsvpcConfiguration.asignPublicIp")
            && errors.contains("= help: did you mean `assignPublicIp`?")
            && errors.ends_with("1 error found; nothing was simulated.\n"),
        "{errors}"
    );
}

/// A pattern on a top-level field events do not have would never match: `sourc:` is a
/// misspelling of `source`, not a rule that silently never runs.
#[test]
fn an_event_pattern_on_a_field_events_lack_is_a_misspelling() {
    let errors = errors_of(
        "eventbridge-nightly-and-uploads.yaml",
        "EventPattern: {source:",
        "EventPattern: {sourc:",
    );
    assert!(
        errors.starts_with("error: unknown field `sourc`\n")
            && errors.contains(
                "= help: did you mean `source`? events have no field `sourc`, so the pattern would never match"
            )
            && errors.ends_with("1 error found; nothing was simulated.\n"),
        "{errors}"
    );
}

/// Leaving out what a misspelling causes does not hide a mistake elsewhere: a bad value in
/// another definition is still reported beside the misspelt key.
#[test]
fn an_unrelated_mistake_beside_a_misspelling_is_still_reported() {
    let path = root().join("scenarios/alb-latency-alarms.yaml");
    let text = std::fs::read_to_string(&path).expect("scenario");
    let typo = text
        .replacen(
            "      Namespace: AWS/ApplicationELB\n      MetricName: HTTPCode",
            "      Namespac: AWS/ApplicationELB\n      MetricName: HTTPCode",
            1,
        )
        .replacen("desiredCount: ", "desiredCount: -", 1);
    assert_ne!(typo, text);
    let loader = DirLoader(path.parent().expect("dir").to_path_buf());
    let errors = match ecsim::scenario::load("alb-latency-alarms.yaml", &typo, &loader, &[]) {
        Ok(_) => panic!("loaded"),
        Err(e) => e.rendered,
    };
    assert!(
        errors.contains("unknown field `Namespac`")
            && errors.contains("= field: ecs.services[0].desiredCount")
            && errors.ends_with("2 errors found; nothing was simulated.\n"),
        "{errors}"
    );
}

/// A misspelt Deployment name in `load` or `behavior.deployments` is one error that names the
/// Deployment meant, as a misspelt service name is; `eks:` is not taken for a misspelt `ecs:`.
#[test]
fn a_misspelt_deployment_name_says_which_deployment() {
    let file = "eks-hpa-cluster-autoscaler.yaml";
    for (from, to, field) in [
        ("load:\n  web:", "load:\n  we:", "= field: load.we"),
        (
            "deployments:\n    web:",
            "deployments:\n    we:",
            "= field: behavior.deployments.we",
        ),
    ] {
        let errors = errors_of(file, from, to);
        assert!(
            errors.contains(field)
                && errors.contains("= help: did you mean `web`?")
                && errors.ends_with("1 error found; nothing was simulated.\n"),
            "{errors}"
        );
    }
}
