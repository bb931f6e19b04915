//! `eks.objects`: Kubernetes objects exactly as `kubectl get -o yaml` prints them, one by one or
//! as one `kind: List`. Deployments, HPAs, PDBs and KEDA ScaledObjects are read; other kinds are
//! reported as ignored.

use super::deployment::read_deployment;
use super::hpa::read_hpa;
use super::keda::{ScaledObjectRead, read_scaled_object};
use super::pdb::read_pdb;
use crate::scenario::diag::{Declared, Diagnostics, closest};
use crate::scenario::reader::{Obj, as_list, declared_name, field_or_misspelt, object};
use crate::scenario::yaml::{Node, Value};
use crate::spec::eks::{DeploymentSpec, HpaSpec, PdbSpec};

/// `metadata` fields a `kubectl get -o yaml` prints that change nothing the simulator models.
pub const IGNORED_METADATA: &[&str] = &[
    "labels",
    "annotations",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "ownerReferences",
    "finalizers",
    "generateName",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// The kinds read, with the one API version of each that is.
const READ_KINDS: &[(&str, &str)] = &[
    ("apps/v1", "Deployment"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("autoscaling/v1", "HorizontalPodAutoscaler"),
    ("policy/v1", "PodDisruptionBudget"),
    ("keda.sh/v1alpha1", "ScaledObject"),
];

/// An object's `metadata.name` and `metadata.namespace`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// `name` (required).
    pub name: String,
    /// `namespace` (default `default`).
    pub namespace: String,
}

/// Reads `metadata`: `name` is required, `namespace` defaults to `default`, the rest is ignored.
pub fn read_metadata(node: &Node, path: &str, d: &mut Diagnostics) -> Option<Metadata> {
    let mut o = object(node, path, d)?;
    let name = o.required_string("name", "the object's name", d);
    let namespace = o.string("namespace", d).unwrap_or_else(|| "default".into());
    o.ignore(IGNORED_METADATA);
    o.finish(d);
    Some(Metadata { name: name?, namespace })
}

/// Reads `apiVersion` and `kind` and checks they are one of `allowed`; false (reported) if not.
pub fn check_api(o: &mut Obj<'_>, allowed: &[(&str, &str)], d: &mut Diagnostics) -> bool {
    let api = o.required_string("apiVersion", "the object's API version", d);
    let kind = o.required_string("kind", "the object's kind", d);
    let (Some(api), Some(kind)) = (api, kind) else {
        return false;
    };
    if allowed.iter().any(|(a, k)| *a == api && *k == kind) {
        return true;
    }
    let expected: Vec<String> = allowed.iter().map(|(a, k)| format!("{a} {k}")).collect();
    d.error(
        o.key_loc("apiVersion"),
        &o.child("apiVersion"),
        format!("`{api}` `{kind}` is not read here"),
        Some(format!("expected {}", expected.join(" or "))),
    );
    false
}

/// What `eks.objects` holds, read and resolved.
#[derive(Debug, Default)]
pub struct Objects {
    /// Deployments, in file order.
    pub deployments: Vec<DeploymentSpec>,
    /// HPAs (targets resolved to `deployments`).
    pub hpas: Vec<HpaSpec>,
    /// PDBs.
    pub pdbs: Vec<PdbSpec>,
    /// KEDA ScaledObjects, each with the HPA it creates.
    pub scaled_objects: Vec<ScaledObjectRead>,
    /// Where each of `hpas` is written (location and path).
    pub hpa_places: Vec<(crate::scenario::yaml::Loc, String)>,
    /// Where each of `scaled_objects` is written.
    pub scaled_object_places: Vec<(crate::scenario::yaml::Loc, String)>,
}

/// Reads `eks.objects`: a list of objects (some of which may be `kind: List`), or one List.
pub fn read_objects(node: &Node, d: &mut Diagnostics) -> Objects {
    let mut items: Vec<(String, &Node)> = Vec::new();
    if matches!(&node.value, Value::Map(_)) {
        expand(node, "eks.objects", &mut items, d);
    } else {
        for (p, n) in as_list(node, "eks.objects", d) {
            expand(n, &p, &mut items, d);
        }
    }
    let mut out = Objects::default();
    let mut later = Vec::new();
    // Deployments that failed to read: an HPA naming one is not a second error.
    let mut failed: Vec<String> = Vec::new();
    for (path, n) in &items {
        // What the object meant to be, also under a misspelt `kin:` or `apiVersio:`: its own
        // reader then reports the misspelling, and only that.
        let (api, kind) = meant_kind(n);
        match (api, kind) {
            (Some("apps/v1") | None, Some("Deployment")) | (Some("apps/v1"), None) => {
                let Some(dep) = read_deployment(n, path, d) else {
                    let name = field_or_misspelt(n, "metadata").and_then(|m| declared_name(m, "name"));
                    d.unread.add(Declared::Deployment, name.as_deref());
                    failed.extend(name);
                    continue;
                };
                if out.deployments.iter().any(|o| o.name == dep.name) {
                    d.error(
                        n.loc,
                        &format!("{path}.metadata.name"),
                        format!("Deployment `{}` is defined twice", dep.name),
                        Some("a scenario names each Deployment once, whatever its namespace".into()),
                    );
                    continue;
                }
                out.deployments.push(dep);
            }
            (_, Some(k)) if READ_KINDS.iter().any(|(_, rk)| *rk == k) => later.push((path, *n)),
            (Some(a), None) if READ_KINDS.iter().any(|(ra, _)| *ra == a) => later.push((path, *n)),
            (_, Some(_)) => {
                super::other_kinds::check_other_kind(n, path, &out.deployments, d);
                d.ignored.push((path.clone(), n.loc));
            }
            _ => {
                // No kind: say what is missing, with the fields every object has.
                if let Some(mut o) = object(n, path, d) {
                    check_api(&mut o, READ_KINDS, d);
                }
            }
        }
    }
    for (path, n) in later {
        match meant_kind(n) {
            (api @ (Some("autoscaling/v2" | "autoscaling/v1") | None), Some("HorizontalPodAutoscaler"))
            | (api @ Some("autoscaling/v2" | "autoscaling/v1"), None) => {
                let v1 = api == Some("autoscaling/v1");
                if let Some(h) = read_hpa(n, path, v1, (&out.deployments, &failed), d) {
                    out.hpas.push(h);
                    out.hpa_places.push((n.loc, path.clone()));
                }
            }
            (Some("keda.sh/v1alpha1") | None, Some("ScaledObject")) | (Some("keda.sh/v1alpha1"), None) => {
                if let Some(s) = read_scaled_object(n, path, (&out.deployments, &failed), d) {
                    out.scaled_objects.push(s);
                    out.scaled_object_places.push((n.loc, path.clone()));
                }
            }
            (Some("policy/v1") | None, Some("PodDisruptionBudget")) | (Some("policy/v1"), None) => {
                if let Some(p) = read_pdb(n, path, d) {
                    super::other_kinds::check_budget_selects(&p, n, path, &out.deployments, d);
                    out.pdbs.push(p);
                }
            }
            _ => {
                if let Some(mut o) = object(n, path, d) {
                    check_api(&mut o, READ_KINDS, d);
                }
            }
        }
    }
    out
}

/// Adds `node` to `items`, or the `items` of a `kind: List`.
fn expand<'n>(node: &'n Node, path: &str, items: &mut Vec<(String, &'n Node)>, d: &mut Diagnostics) {
    if meant_kind(node).1 != Some("List") {
        items.push((path.to_string(), node));
        return;
    }
    let Some(mut o) = object(node, path, d) else { return };
    o.string("apiVersion", d);
    o.string("kind", d);
    let items_path = o.child("items");
    let listed = o.list("items", d);
    o.ignore(&["metadata"]);
    o.finish(d);
    // Under a misspelt `item:` the objects are still read: its error is the one to fix, not
    // everything that names them.
    let listed = match (listed.is_empty(), node.get("items")) {
        (true, None) => field_or_misspelt(node, "items")
            .filter(|n| matches!(n.value, Value::Seq(_)))
            .map(|n| as_list(n, &items_path, d))
            .unwrap_or_default(),
        _ => listed,
    };
    items.extend(listed);
}

/// The `apiVersion` and `kind` an object means: the fields, or keys that look like their
/// misspellings.
fn meant_kind(node: &Node) -> (Option<&str>, Option<&str>) {
    let text = |name| match &field_or_misspelt(node, name)?.value {
        Value::Scalar { text, .. } => Some(text.as_str()),
        _ => None,
    };
    (text("apiVersion"), text("kind"))
}

/// The Deployment `name` of `deployments`, or an error at `loc` with the closest name (none for
/// one of `failed`, the Deployments whose own errors are reported).
pub fn find_deployment(
    name: &str,
    namespace: &str,
    (deployments, failed): (&[DeploymentSpec], &[String]),
    loc: crate::scenario::yaml::Loc,
    path: &str,
    d: &mut Diagnostics,
) -> Option<usize> {
    if failed.iter().any(|f| f == name) || d.unread.covers(Declared::Deployment, name) {
        return None;
    }
    if let Some(i) = deployments
        .iter()
        .position(|x| x.name == name && x.namespace == namespace)
    {
        return Some(i);
    }
    let help = match deployments.iter().find(|x| x.name == name) {
        Some(other) => Some(format!(
            "Deployment `{name}` is in namespace `{}`; put both objects in one namespace",
            other.namespace
        )),
        None => closest(name, deployments.iter().map(|x| x.name.as_str())).map(|c| format!("did you mean `{c}`?")),
    };
    d.error(
        loc,
        path,
        format!("no Deployment `{name}` in namespace `{namespace}` among eks.objects"),
        help,
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    const DEPLOYMENT: &str = "{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: a}]}}}}";

    fn read(yaml: &str) -> (Objects, Diagnostics) {
        let tree = parse(yaml, 0).expect("yaml");
        let mut d = Diagnostics::default();
        (read_objects(&tree, &mut d), d)
    }

    #[test]
    fn other_kinds_are_ignored_whole_and_other_versions_are_errors() {
        let (o, d) = read(&format!(
            "- {DEPLOYMENT}\n- {{apiVersion: v1, kind: ConfigMap, data: {{a: b}}}}\n\
             - {{apiVersion: autoscaling/v2beta2, kind: HorizontalPodAutoscaler, metadata: {{name: h}}}}\n"
        ));
        assert_eq!(o.deployments.len(), 1);
        assert_eq!(
            d.ignored.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
            vec!["eks.objects[1]"]
        );
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert_eq!(d.errors[0].path, "eks.objects[2].apiVersion");
        assert_eq!(
            d.errors[0].message,
            "`autoscaling/v2beta2` `HorizontalPodAutoscaler` is not read here"
        );
    }

    /// The messages and helps of what `d` shows.
    fn shown(d: &Diagnostics) -> Vec<(String, Option<String>)> {
        d.shown().into_iter().map(|e| (e.message, e.help)).collect()
    }

    #[test]
    fn a_misspelt_kind_or_api_version_is_the_one_error() {
        let hpa = "{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: h}, \
                   spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}}";
        for (from, to) in [
            ("kind: Deployment, metadata", "kin: Deployment, metadata"),
            ("apiVersion: apps/v1", "apiVersio: apps/v1"),
            ("metadata: {name: web}", "metadat: {name: web}"),
        ] {
            let (o, d) = read(&format!("- {}\n- {hpa}\n", DEPLOYMENT.replacen(from, to, 1)));
            assert!(o.deployments.is_empty() && o.hpas.is_empty(), "{to}");
            let word = to.split(':').next().expect("key");
            assert_eq!(
                shown(&d),
                vec![(
                    format!("unknown field `{word}`"),
                    Some(format!("did you mean `{}`?", from.split(':').next().expect("key")))
                )],
                "{to}"
            );
        }
        let (_, d) = read(&format!("- {}\n", hpa.replacen("kind: Horiz", "kin: Horiz", 1)));
        assert_eq!(shown(&d)[0].0, "unknown field `kin`");
        assert_eq!(shown(&d).len(), 1);
    }

    #[test]
    fn an_ignored_kind_still_checks_the_fields_every_object_has_and_a_service_its_shape() {
        let (_, d) = read("- {apiVersion: v1, kin: ConfigMap, data: {a: b}}\n");
        assert_eq!(
            shown(&d),
            vec![("unknown field `kin`".into(), Some("did you mean `kind`?".into()))]
        );
        let (_, d) = read(&format!(
            "- {DEPLOYMENT}\n- {{apiVersion: v1, kind: Service, metadata: {{name: web, namespac: x}}, \
             spec: {{selectr: {{app: web}}, ports: [{{prt: 80}}]}}}}\n"
        ));
        let messages: Vec<String> = shown(&d).into_iter().map(|(m, _)| m).collect();
        assert_eq!(
            messages,
            vec![
                "unknown field `namespac`",
                "unknown field `selectr`",
                "unknown field `prt`"
            ]
        );
        let (_, d) = read(&format!(
            "- {DEPLOYMENT}\n- {{apiVersion: v1, kind: Service, metadata: {{name: web}}, spec: {{selector: {{ap: web}}}}}}\n"
        ));
        assert_eq!(
            shown(&d),
            vec![(
                "the Service selects no pod: no Deployment's pods in namespace `default` have label `ap`".into(),
                Some("did you mean `app`?".into())
            )]
        );
        assert_eq!(d.ignored.len(), 1, "the Service is ignored whole: {:?}", d.ignored);
    }

    #[test]
    fn a_budget_with_a_label_key_near_the_pods_is_a_misspelling() {
        let pdb = "{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: p}, \
                   spec: {minAvailable: 1, selector: {matchLabels: {ap: web}}}}";
        let (o, d) = read(&format!("- {DEPLOYMENT}\n- {pdb}\n"));
        assert_eq!(shown(&d)[0].1.as_deref(), Some("did you mean `app`?"));
        assert_eq!(o.pdbs.len(), 1);
        // A budget for pods no Deployment has, with no near key, is the user's business.
        let (_, d) = read(&format!("- {DEPLOYMENT}\n- {}\n", pdb.replace("ap:", "tier:")));
        assert!(d.errors.is_empty(), "{:?}", d.errors);
    }

    #[test]
    fn a_list_under_a_misspelt_items_or_kind_is_still_read() {
        for list in [
            format!("{{apiVersion: v1, kind: List, item: [{DEPLOYMENT}]}}"),
            format!("{{apiVersion: v1, kin: List, items: [{DEPLOYMENT}]}}"),
        ] {
            let (o, d) = read(&list);
            assert_eq!(o.deployments.len(), 1, "{list}");
            assert_eq!(shown(&d).len(), 1, "{list}: {:?}", d.errors);
            assert!(shown(&d)[0].0.starts_with("unknown field"), "{list}");
        }
    }

    #[test]
    fn a_list_and_a_duplicate_name() {
        let (o, d) = read(&format!(
            "{{apiVersion: v1, kind: List, items: [{DEPLOYMENT}, {DEPLOYMENT}]}}"
        ));
        assert_eq!(o.deployments.len(), 1);
        assert_eq!(d.errors[0].path, "eks.objects.items[1].metadata.name");
        assert_eq!(d.errors[0].message, "Deployment `web` is defined twice");
    }
}
