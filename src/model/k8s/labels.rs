//! Labels and label selectors (`matchLabels`, `matchExpressions`), with matching.

use std::collections::BTreeMap;

/// The labels of a pod or node, sorted by key.
pub type Labels = BTreeMap<String, String>;

/// A `matchExpressions` operator (label selectors use the first four; node selector terms also
/// `Gt` and `Lt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectorOperator {
    /// The label's value is one of `values`.
    In,
    /// The label is absent or its value is none of `values`.
    NotIn,
    /// The label is present.
    Exists,
    /// The label is absent.
    DoesNotExist,
    /// The label's value, an integer, is greater than the one value.
    Gt,
    /// The label's value, an integer, is less than the one value.
    Lt,
}

/// One `matchExpressions` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelRequirement {
    /// The label key.
    pub key: String,
    /// How the label is compared.
    pub operator: SelectorOperator,
    /// The values compared against (empty for `Exists` / `DoesNotExist`).
    pub values: Vec<String>,
}

impl LabelRequirement {
    /// Whether `labels` satisfy this requirement.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.matches_value(labels.get(&self.key).map(String::as_str))
    }

    /// Whether a node whose label `key` has `value` (`None`: absent) satisfies this requirement;
    /// for labels that are not in a map, such as a NodeClaim offering's well-known labels.
    pub fn matches_value(&self, value: Option<&str>) -> bool {
        match self.operator {
            SelectorOperator::In => value.is_some_and(|v| self.values.iter().any(|w| w == v)),
            SelectorOperator::NotIn => value.is_none_or(|v| self.values.iter().all(|w| w != v)),
            SelectorOperator::Exists => value.is_some(),
            SelectorOperator::DoesNotExist => value.is_none(),
            SelectorOperator::Gt | SelectorOperator::Lt => {
                let (Some(v), Some(bound)) = (value, self.values.first()) else {
                    return false;
                };
                match (v.parse::<i64>(), bound.parse::<i64>()) {
                    (Ok(v), Ok(b)) if self.operator == SelectorOperator::Gt => v > b,
                    (Ok(v), Ok(b)) => v < b,
                    _ => false,
                }
            }
        }
    }
}

/// A label selector: every `matchLabels` pair and every expression must hold. An empty selector
/// matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    /// Labels that must be present with these values.
    pub match_labels: Labels,
    /// Expressions that must all hold.
    pub match_expressions: Vec<LabelRequirement>,
}

impl LabelSelector {
    /// A selector of exactly these labels.
    pub fn of_labels(labels: Labels) -> LabelSelector {
        LabelSelector {
            match_labels: labels,
            match_expressions: Vec::new(),
        }
    }

    /// Whether `labels` are selected.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|e| e.matches(labels))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn req(key: &str, operator: SelectorOperator, values: &[&str]) -> LabelRequirement {
        LabelRequirement {
            key: key.into(),
            operator,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn selectors_match_labels_and_expressions() {
        let node = labels(&[("topology.kubernetes.io/zone", "us-east-1a"), ("cores", "4")]);
        let zone = "topology.kubernetes.io/zone";
        assert!(req(zone, SelectorOperator::In, &["us-east-1a", "us-east-1b"]).matches(&node));
        assert!(!req(zone, SelectorOperator::NotIn, &["us-east-1a"]).matches(&node));
        assert!(req("gpu", SelectorOperator::NotIn, &["true"]).matches(&node));
        assert!(req("gpu", SelectorOperator::DoesNotExist, &[]).matches(&node));
        assert!(req("cores", SelectorOperator::Gt, &["2"]).matches(&node));
        assert!(!req("cores", SelectorOperator::Lt, &["2"]).matches(&node));
        let selector = LabelSelector::of_labels(labels(&[("cores", "4")]));
        assert!(selector.matches(&node));
        assert!(LabelSelector::default().matches(&Labels::new()));
        assert!(!selector.matches(&Labels::new()));
    }
}
