//! Labels, label selectors, selector requirements and taints, as every Kubernetes object writes them.

use crate::model::k8s::{LabelRequirement, LabelSelector, Labels, SelectorOperator, Taint, TaintEffect};
use crate::scenario::diag::Diagnostics;
use crate::scenario::reader::{as_list, object};
use crate::scenario::yaml::{Node, Value};

/// The operators of a label selector's `matchExpressions`.
pub const SELECTOR_OPERATORS: &[&str] = &["In", "NotIn", "Exists", "DoesNotExist"];
/// The operators of node selector terms and Karpenter requirements (`Gt`, `Lt` too).
pub const NODE_OPERATORS: &[&str] = &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];
/// Taint effects as Kubernetes spells them.
pub const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];
/// Taint effects as the EKS API spells them (`aws eks create-nodegroup`).
pub const EKS_EFFECTS: &[&str] = &["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"];

/// A map of label (or annotation) keys to string values. Its keys are the user's, so the schema
/// records it as any mapping.
pub fn read_labels(node: &Node, path: &str, d: &mut Diagnostics) -> Labels {
    let mut labels = Labels::new();
    match &node.value {
        Value::Map(entries) => {
            for (key, value) in entries {
                match &value.value {
                    Value::Scalar { text, .. } => {
                        labels.insert(key.name.clone(), text.clone());
                    }
                    _ => d.error(
                        value.loc,
                        &format!("{path}.{}", key.name),
                        format!("expected a string label value, found {}", value.kind_words()),
                        Some("quote the value: labels map keys to strings".into()),
                    ),
                }
            }
        }
        _ if node.is_null() => {}
        _ => d.error(
            node.loc,
            path,
            format!("expected a mapping of labels, found {}", node.kind_words()),
            None,
        ),
    }
    labels
}

/// `matchLabels` and `matchExpressions`.
pub fn read_selector(node: &Node, path: &str, d: &mut Diagnostics) -> LabelSelector {
    let mut selector = LabelSelector::default();
    let Some(mut o) = object(node, path, d) else {
        return selector;
    };
    let labels_path = o.child("matchLabels");
    if let Some(n) = o.field("matchLabels") {
        selector.match_labels = read_labels(n, &labels_path, d);
    }
    for (p, n) in o.list("matchExpressions", d) {
        if let Some(r) = read_requirement(n, &p, SELECTOR_OPERATORS, d) {
            selector.match_expressions.push(r);
        }
    }
    o.finish(d);
    selector
}

/// One `{key, operator, values}` requirement, checked as the API server checks it.
pub fn read_requirement(
    node: &Node,
    path: &str,
    operators: &[&'static str],
    d: &mut Diagnostics,
) -> Option<LabelRequirement> {
    let mut o = object(node, path, d)?;
    let key = o.required_string("key", "the label key", d);
    let operator = o.required_one_of("operator", operators, "how the label is compared", d);
    let values_path = o.child("values");
    let values_loc = o.key_loc("values");
    let values: Vec<String> = o
        .list("values", d)
        .iter()
        .filter_map(|(p, n)| crate::scenario::reader::as_string(n, p, d))
        .collect();
    o.ignore(&["minValues"]);
    let loc = o.loc;
    o.finish(d);
    let operator = match operator? {
        "In" => SelectorOperator::In,
        "NotIn" => SelectorOperator::NotIn,
        "Exists" => SelectorOperator::Exists,
        "DoesNotExist" => SelectorOperator::DoesNotExist,
        "Gt" => SelectorOperator::Gt,
        _ => SelectorOperator::Lt,
    };
    let problem = match operator {
        SelectorOperator::In | SelectorOperator::NotIn if values.is_empty() => {
            Some("must be specified when `operator` is 'In' or 'NotIn'")
        }
        SelectorOperator::Exists | SelectorOperator::DoesNotExist if !values.is_empty() => {
            Some("may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
        }
        SelectorOperator::Gt | SelectorOperator::Lt if values.len() != 1 || values[0].parse::<i64>().is_err() => {
            Some("must be a single integer value when `operator` is 'Lt' or 'Gt'")
        }
        _ => None,
    };
    if let Some(problem) = problem {
        d.error(
            if values.is_empty() { loc } else { values_loc },
            &values_path,
            problem,
            None,
        );
        return None;
    }
    Some(LabelRequirement {
        key: key?,
        operator,
        values,
    })
}

/// A list of taints `{key, value, effect}`; `eks_spelling` reads the EKS API's effects
/// (`NO_SCHEDULE`), else Kubernetes' (`NoSchedule`).
pub fn read_taints(items: Vec<(String, &Node)>, eks_spelling: bool, d: &mut Diagnostics) -> Vec<Taint> {
    let effects = if eks_spelling { EKS_EFFECTS } else { EFFECTS };
    let mut out = Vec::new();
    for (p, n) in items {
        let Some(mut o) = object(n, &p, d) else { continue };
        let key = o.required_string("key", "the taint key", d);
        let value = o.string("value", d).unwrap_or_default();
        let effect = o.required_one_of("effect", effects, "NoSchedule, PreferNoSchedule or NoExecute", d);
        o.ignore(&["timeAdded"]);
        o.finish(d);
        if let (Some(key), Some(effect)) = (key, effect) {
            let i = effects.iter().position(|e| *e == effect).unwrap_or(0);
            let effect = [
                TaintEffect::NoSchedule,
                TaintEffect::PreferNoSchedule,
                TaintEffect::NoExecute,
            ][i];
            out.push(Taint { key, value, effect });
        }
    }
    out
}

/// The string items of a list field.
pub fn strings(node: &Node, path: &str, d: &mut Diagnostics) -> Vec<String> {
    as_list(node, path, d)
        .iter()
        .filter_map(|(p, n)| crate::scenario::reader::as_string(n, p, d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    #[track_caller]
    fn check(yaml: &str, expected_error: Option<&str>) {
        let tree = parse(yaml, 0).expect("yaml");
        let mut d = Diagnostics::default();
        let r = read_requirement(&tree, "r", NODE_OPERATORS, &mut d);
        assert_eq!(d.errors.first().map(|e| e.message.as_str()), expected_error, "{yaml}");
        assert_eq!(r.is_some(), expected_error.is_none());
    }

    #[test]
    fn requirements_are_checked_as_the_api_server_does() {
        check("{key: a, operator: In, values: [x]}", None);
        check("{key: a, operator: Exists}", None);
        check("{key: a, operator: Gt, values: ['4']}", None);
        check(
            "{key: a, operator: In}",
            Some("must be specified when `operator` is 'In' or 'NotIn'"),
        );
        check(
            "{key: a, operator: Exists, values: [x]}",
            Some("may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
        check(
            "{key: a, operator: Lt, values: [x]}",
            Some("must be a single integer value when `operator` is 'Lt' or 'Gt'"),
        );
        check(
            "{key: a, operator: Has, values: [x]}",
            Some("`Has` is not a valid value"),
        );
    }

    #[test]
    fn selectors_and_taints_read_both_spellings() {
        let tree = parse(
            "matchLabels: {app: web}\nmatchExpressions: [{key: tier, operator: NotIn, values: [db]}]\n",
            0,
        )
        .expect("yaml");
        let mut d = Diagnostics::default();
        let s = read_selector(&tree, "s", &mut d);
        assert_eq!(s.match_labels.get("app").map(String::as_str), Some("web"));
        assert_eq!(s.match_expressions.len(), 1);
        let tree = parse(
            "[{key: a, value: b, effect: NO_EXECUTE}, {key: c, effect: NoSchedule}]",
            0,
        )
        .expect("yaml");
        let items = as_list(&tree, "t", &mut d);
        let taints = read_taints(items, true, &mut d);
        assert_eq!(taints.len(), 1);
        assert_eq!(taints[0].effect, TaintEffect::NoExecute);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    }
}
