//! A `policy/v1` PodDisruptionBudget: a selector and exactly one of `minAvailable` and
//! `maxUnavailable` (k8s-semantics 3.3).

use super::labels::read_selector;
use super::objects::{check_api, read_metadata};
use super::quantity::int_or_percent;
use crate::model::k8s::DisruptionBudget;
use crate::scenario::diag::Diagnostics;
use crate::scenario::reader::object;
use crate::scenario::yaml::Node;
use crate::spec::eks::PdbSpec;

/// Reads one PodDisruptionBudget.
pub fn read_pdb(node: &Node, path: &str, d: &mut Diagnostics) -> Option<PdbSpec> {
    let mut o = object(node, path, d)?;
    let api_ok = check_api(&mut o, &[("policy/v1", "PodDisruptionBudget")], d);
    let meta_path = o.child("metadata");
    let meta = o
        .required_field("metadata", "the budget's name", d)
        .and_then(|m| read_metadata(m, &meta_path, d));
    let spec_path = o.child("spec");
    let spec = o.required_field("spec", "a selector and minAvailable or maxUnavailable", d);
    o.ignore(&["status"]);
    o.finish(d);
    let mut s = object(spec?, &spec_path, d)?;
    let selector_path = s.child("selector");
    // policy/v1: a null selector selects nothing, an empty one everything.
    let selector = s.field("selector").map(|n| read_selector(n, &selector_path, d));
    let min_path = s.child("minAvailable");
    let max_path = s.child("maxUnavailable");
    let min = s
        .field("minAvailable")
        .map(|n| int_or_percent(n, &min_path, false, Some(100), d));
    let max = s
        .field("maxUnavailable")
        .map(|n| int_or_percent(n, &max_path, false, Some(100), d));
    s.ignore(&["unhealthyPodEvictionPolicy"]);
    let loc = s.loc;
    s.finish(d);
    let budget = match (min, max) {
        (Some(m), None) => DisruptionBudget::MinAvailable(m?),
        (None, Some(m)) => DisruptionBudget::MaxUnavailable(m?),
        (Some(_), Some(_)) => {
            d.error(
                loc,
                &max_path,
                "minAvailable and maxUnavailable cannot be both set",
                Some("keep one of them".into()),
            );
            return None;
        }
        (None, None) => {
            d.error(
                loc,
                &min_path,
                "one of minAvailable and maxUnavailable must be set",
                Some("e.g. minAvailable: 1 or maxUnavailable: 25%".into()),
            );
            return None;
        }
    };
    let meta = meta?;
    if !api_ok {
        return None;
    }
    let Some(selector) = selector else {
        d.error(
            loc,
            &selector_path,
            "a budget without a selector selects no pod",
            Some("select the Deployment's pods: selector: {matchLabels: {app: ...}}".into()),
        );
        return None;
    };
    Some(PdbSpec {
        name: meta.name,
        namespace: meta.namespace,
        selector,
        budget,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::k8s::IntOrPercent;
    use crate::scenario::yaml::parse;

    #[track_caller]
    fn check(spec: &str, expected: Result<DisruptionBudget, &str>) {
        let yaml = format!(
            "{{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {{name: web}}, spec: {{selector: {{matchLabels: {{app: web}}}}{spec}}}}}"
        );
        let tree = parse(&yaml, 0).expect("yaml");
        let mut d = Diagnostics::default();
        let got = read_pdb(&tree, "p", &mut d);
        match expected {
            Ok(b) => assert_eq!(got.map(|p| p.budget), Some(b), "{:?}", d.errors),
            Err(m) => assert_eq!(d.errors.first().map(|e| e.message.as_str()), Some(m)),
        }
    }

    #[test]
    fn exactly_one_of_min_available_and_max_unavailable() {
        // k8s-semantics 3.3: the doc example's 50 %.
        check(
            ", minAvailable: 50%",
            Ok(DisruptionBudget::MinAvailable(IntOrPercent::Percent(50))),
        );
        check(
            ", maxUnavailable: 1",
            Ok(DisruptionBudget::MaxUnavailable(IntOrPercent::Int(1))),
        );
        check(
            ", minAvailable: 0",
            Ok(DisruptionBudget::MinAvailable(IntOrPercent::Int(0))),
        );
        check(
            ", minAvailable: 1, maxUnavailable: 1",
            Err("minAvailable and maxUnavailable cannot be both set"),
        );
        check("", Err("one of minAvailable and maxUnavailable must be set"));
        check(", maxUnavailable: 120%", Err("must not be greater than 100%"));
    }
}
