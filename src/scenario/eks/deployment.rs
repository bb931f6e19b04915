//! An `apps/v1` Deployment, with Kubernetes' defaults and validation (k8s-semantics 2.1).

use super::objects::{check_api, read_metadata};
use super::pod_template::read_pod_template;
use super::quantity::int_or_percent;
use super::serving::default_serving;
use crate::model::k8s::{DeploymentStrategy, IntOrPercent, LabelSelector, Labels, PodTemplate};
use crate::scenario::diag::{Diagnostics, closest};
use crate::scenario::reader::object;
use crate::scenario::yaml::Node;
use crate::spec::eks::{DeploymentSpec, PodRevision};

/// Reads one Deployment object.
pub fn read_deployment(node: &Node, path: &str, d: &mut Diagnostics) -> Option<DeploymentSpec> {
    let mut o = object(node, path, d)?;
    let api_ok = check_api(&mut o, &[("apps/v1", "Deployment")], d);
    let meta_path = o.child("metadata");
    let meta = o
        .required_field("metadata", "the Deployment's name", d)
        .and_then(|m| read_metadata(m, &meta_path, d));
    let spec_path = o.child("spec");
    let spec = o.required_field("spec", "replicas, selector and template", d);
    o.ignore(&["status"]);
    o.finish(d);
    let mut s = object(spec?, &spec_path, d)?;
    let replicas = s.int("replicas", 0, i64::from(i32::MAX), d).unwrap_or(1) as u32;
    let selector_path = s.child("selector");
    let selector = s
        .required_field(
            "selector",
            "the labels of the Deployment's pods: {matchLabels: {...}}",
            d,
        )
        .map(|n| super::labels::read_selector(n, &selector_path, d));
    let template_path = s.child("template");
    let template = s
        .required_field("template", "the pod template", d)
        .and_then(|n| read_pod_template(n, &template_path, d));
    let strategy_path = s.child("strategy");
    let strategy = match s.field("strategy") {
        Some(n) => read_strategy(n, &strategy_path, d),
        None => Some(DeploymentStrategy::default()),
    };
    let min_ready = s.int("minReadySeconds", 0, i64::from(i32::MAX), d).unwrap_or(0) as u32;
    let deadline_loc = s.key_loc("progressDeadlineSeconds");
    let deadline = s
        .int("progressDeadlineSeconds", 0, i64::from(i32::MAX), d)
        .unwrap_or(600) as u32;
    let history = s.int("revisionHistoryLimit", 0, i64::from(i32::MAX), d).unwrap_or(10) as u32;
    s.ignore(&["paused"]);
    s.finish(d);
    if deadline <= min_ready {
        d.error(
            deadline_loc,
            &format!("{spec_path}.progressDeadlineSeconds"),
            "must be greater than minReadySeconds",
            Some(format!("minReadySeconds is {min_ready}")),
        );
        return None;
    }
    let (selector, template, strategy) = (selector?, template?, strategy?);
    if !selector_matches_template(&selector, &template, &template_path, node, d) || !api_ok {
        return None;
    }
    let meta = meta?;
    Some(DeploymentSpec {
        name: meta.name,
        namespace: meta.namespace,
        replicas,
        selector,
        revisions: vec![PodRevision {
            template,
            serving: default_serving(),
            never_ready: false,
            app_start_s: 0,
            messages_per_second_per_pod: None,
        }],
        strategy,
        min_ready_seconds: min_ready,
        progress_deadline_seconds: deadline,
        revision_history_limit: history,
        load: None,
        queue: None,
    })
}

/// The API server's rule: the selector must select the template's labels (and be non-empty).
pub fn selector_matches_template(
    selector: &LabelSelector,
    template: &PodTemplate,
    template_path: &str,
    node: &Node,
    d: &mut Diagnostics,
) -> bool {
    if selector.match_labels.is_empty() && selector.match_expressions.is_empty() {
        d.error(
            node.loc,
            &format!("{template_path}.metadata.labels"),
            "empty selector is invalid for deployment",
            Some("select the template's labels: selector: {matchLabels: {app: ...}}".into()),
        );
        return false;
    }
    if !selector.matches(&template.labels) {
        d.error(
            node.loc,
            &format!("{template_path}.metadata.labels"),
            "`selector` does not match template `labels`",
            Some(mismatch_help(selector, &template.labels)),
        );
        return false;
    }
    true
}

/// What to change when the selector does not select the template: a label key in one that is
/// near a key of the other (`ap` and `app`) is most likely one label misspelt.
fn mismatch_help(selector: &LabelSelector, labels: &Labels) -> String {
    let missing = selector.match_labels.iter().find(|(k, v)| labels.get(*k) != Some(*v));
    if let Some((key, value)) = missing {
        let others = labels.keys().filter(|k| !selector.match_labels.contains_key(*k));
        if let Some(near) = closest(key, others.map(String::as_str)) {
            return format!(
                "did you mean the same label? the selector's matchLabels has `{key}`, the template's labels have `{near}`"
            );
        }
        if let Some(other) = labels.get(key) {
            return format!("the selector asks for `{key}: {value}`, the template's labels have `{key}: {other}`");
        }
    }
    "give the template every label the selector's matchLabels lists".into()
}

/// `spec.strategy`: `RollingUpdate` (25 %/25 % unless given) or `Recreate`.
fn read_strategy(node: &Node, path: &str, d: &mut Diagnostics) -> Option<DeploymentStrategy> {
    let mut o = object(node, path, d)?;
    let kind = o.one_of("type", &["RollingUpdate", "Recreate"], d);
    let rolling_path = o.child("rollingUpdate");
    let rolling_loc = o.key_loc("rollingUpdate");
    let rolling = o.field("rollingUpdate");
    let invalid_type = o.has("type") && kind.is_none();
    o.finish(d);
    if invalid_type {
        return None;
    }
    if kind == Some("Recreate") {
        if rolling.is_some() {
            d.error(
                rolling_loc,
                &rolling_path,
                "may not be specified when strategy `type` is 'Recreate'",
                None,
            );
            return None;
        }
        return Some(DeploymentStrategy::Recreate);
    }
    let (mut surge, mut unavailable) = (IntOrPercent::Percent(25), IntOrPercent::Percent(25));
    if let Some(n) = rolling {
        let mut r = object(n, &rolling_path, d)?;
        let surge_path = r.child("maxSurge");
        let unavailable_path = r.child("maxUnavailable");
        let unavailable_loc = r.key_loc("maxUnavailable");
        let s = r
            .field("maxSurge")
            .map(|n| int_or_percent(n, &surge_path, false, None, d));
        let u = r
            .field("maxUnavailable")
            .map(|n| int_or_percent(n, &unavailable_path, false, Some(100), d));
        r.finish(d);
        surge = match s {
            Some(v) => v?,
            None => surge,
        };
        unavailable = match u {
            Some(v) => v?,
            None => unavailable,
        };
        if surge.is_zero() && unavailable.is_zero() {
            d.error(
                unavailable_loc,
                &unavailable_path,
                "may not be 0 when `maxSurge` is 0",
                Some("let one of them be at least 1 (or 1%), e.g. maxUnavailable: 1".into()),
            );
            return None;
        }
    }
    Some(DeploymentStrategy::RollingUpdate {
        max_surge: surge,
        max_unavailable: unavailable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    const TEMPLATE: &str = "template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app}]}}";

    #[track_caller]
    fn check(spec: &str, expected: Result<(u32, DeploymentStrategy), &str>) {
        let yaml = format!(
            "{{apiVersion: apps/v1, kind: Deployment, metadata: {{name: web}}, \
             spec: {{selector: {{matchLabels: {{app: web}}}}, {TEMPLATE}{}{spec}}}}}",
            if spec.is_empty() { "" } else { ", " }
        );
        let tree = parse(&yaml, 0).expect("yaml");
        let mut d = Diagnostics::default();
        let got = read_deployment(&tree, "o", &mut d);
        match expected {
            Ok((replicas, strategy)) => {
                assert!(d.errors.is_empty(), "{spec}: {:?}", d.errors);
                let got = got.expect("reads");
                assert_eq!((got.replicas, got.strategy), (replicas, strategy), "{spec}");
            }
            Err(message) => {
                assert!(got.is_none(), "{spec}");
                assert_eq!(d.errors[0].message, message, "{spec}");
            }
        }
    }

    fn rolling(surge: IntOrPercent, unavailable: IntOrPercent) -> DeploymentStrategy {
        DeploymentStrategy::RollingUpdate {
            max_surge: surge,
            max_unavailable: unavailable,
        }
    }

    #[test]
    fn defaults_and_validation_follow_kubernetes() {
        use IntOrPercent::{Int, Percent};
        // k8s-semantics 2.1: replicas 1, RollingUpdate 25 %/25 %.
        check("", Ok((1, DeploymentStrategy::default())));
        check("replicas: 0", Ok((0, DeploymentStrategy::default())));
        check(
            "strategy: {rollingUpdate: {maxSurge: 1}}",
            Ok((1, rolling(Int(1), Percent(25)))),
        );
        check(
            "strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}",
            Ok((1, rolling(Int(0), Int(1)))),
        );
        check("strategy: {type: Recreate}", Ok((1, DeploymentStrategy::Recreate)));
        check(
            "strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0%}}",
            Err("may not be 0 when `maxSurge` is 0"),
        );
        check(
            "strategy: {rollingUpdate: {maxUnavailable: 101%}}",
            Err("must not be greater than 100%"),
        );
        check(
            "strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}",
            Err("may not be specified when strategy `type` is 'Recreate'"),
        );
        check("minReadySeconds: 600", Err("must be greater than minReadySeconds"));
        check(
            "progressDeadlineSeconds: 601, minReadySeconds: 600",
            Ok((1, DeploymentStrategy::default())),
        );
    }

    #[test]
    fn the_selector_must_select_the_template() {
        let yaml = format!(
            "{{apiVersion: apps/v1, kind: Deployment, metadata: {{name: web}}, spec: {{selector: {{matchLabels: {{app: api}}}}, {TEMPLATE}}}}}"
        );
        let tree = parse(&yaml, 0).expect("yaml");
        let mut d = Diagnostics::default();
        assert!(read_deployment(&tree, "o", &mut d).is_none());
        assert_eq!(d.errors[0].message, "`selector` does not match template `labels`");
    }
}
