//! Fargate profiles: which profile a new pod matches, and what it is provisioned and billed as.

use crate::model::k8s::{Labels, PodResources, PodTemplate};
use crate::policy::k8s::nodes;
use crate::spec::eks::FargateProfileSpec;

/// The Fargate profile that selects a pod created in `namespace` with `labels`: the first by
/// name among those with a matching selector (k8s-semantics 7.4).
pub(in crate::engine::eks) fn fargate_profile(
    profiles: &[FargateProfileSpec],
    namespace: &str,
    labels: &Labels,
) -> Option<usize> {
    let mut matching: Vec<usize> = profiles
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.selectors.iter().any(|s| {
                wildcard_match(&s.namespace, namespace) && s.labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            })
        })
        .map(|(i, _)| i)
        .collect();
    matching.sort_by(|a, b| profiles[*a].name.cmp(&profiles[*b].name));
    matching.first().copied()
}

/// `*` matches any run of characters, `?` any one.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// The provisioned size of a Fargate pod (what it holds) and its price per hour; `None` when no
/// Fargate size is large enough (the pod stays Pending).
pub(in crate::engine::eks) fn fargate_size(template: &PodTemplate) -> Option<(PodResources, f64)> {
    let size = nodes::fargate_pod_size(nodes::fargate_requests(template))?;
    let resources = PodResources {
        cpu_milli: size.cpu_milli(),
        memory_mib: size.memory_mib,
    };
    Some((resources, size.usd_per_hour()))
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn profile_namespaces_match_with_wildcards() {
        assert!(wildcard_match("batch", "batch"));
        assert!(wildcard_match("batch-*", "batch-nightly"));
        assert!(wildcard_match("team-?", "team-a"));
        assert!(!wildcard_match("team-?", "team-ab"));
        assert!(!wildcard_match("batch", "batches"));
        assert!(wildcard_match("*", ""));
    }
}
