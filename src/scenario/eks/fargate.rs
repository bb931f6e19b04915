//! `eks.fargateProfiles`: Fargate profiles as `aws eks create-fargate-profile` takes them, or a
//! pasted `describe-fargate-profile` output (`{fargateProfile: {...}}`).

use super::labels::{read_labels, strings};
use super::nodegroups::{subnet_zones, unwrap_described};
use crate::scenario::diag::Diagnostics;
use crate::scenario::reader::{as_list, object};
use crate::scenario::yaml::Node;
use crate::spec::eks::{FargateProfileSpec, FargateSelector};

/// A profile has at most five selectors (EKS quota).
const MAX_SELECTORS: usize = 5;

/// Reads the Fargate profiles; `zones` are the run's Availability Zones.
pub fn read_fargate_profiles(node: &Node, zones: &[String], d: &mut Diagnostics) -> Vec<FargateProfileSpec> {
    let mut out: Vec<FargateProfileSpec> = Vec::new();
    for (path, n) in as_list(node, "eks.fargateProfiles", d) {
        let (n, path) = unwrap_described(n, "fargateProfile", path, d);
        let Some(profile) = read_profile(n, &path, zones, d) else {
            continue;
        };
        if out.iter().any(|p| p.name == profile.name) {
            d.error(
                n.loc,
                &format!("{path}.fargateProfileName"),
                format!("Fargate profile `{}` is defined twice", profile.name),
                None,
            );
            continue;
        }
        out.push(profile);
    }
    out
}

fn read_profile(node: &Node, path: &str, zones: &[String], d: &mut Diagnostics) -> Option<FargateProfileSpec> {
    let mut o = object(node, path, d)?;
    let name = o.required_string("fargateProfileName", "the profile's name", d);
    let selectors_path = o.child("selectors");
    let items = o.required_list("selectors", "which pods run on Fargate: [{namespace: ...}]", d);
    let count = items.len();
    let mut selectors = Vec::new();
    for (p, n) in items {
        let Some(mut s) = object(n, &p, d) else { continue };
        let namespace = s.required_string("namespace", "the namespace of the pods (wildcards * and ?)", d);
        let labels_path = s.child("labels");
        let labels = s
            .field("labels")
            .map(|n| read_labels(n, &labels_path, d))
            .unwrap_or_default();
        s.finish(d);
        if let Some(namespace) = namespace {
            selectors.push(FargateSelector { namespace, labels });
        }
    }
    if count > MAX_SELECTORS {
        d.error(
            o.key_loc("selectors"),
            &selectors_path,
            format!("a Fargate profile has at most {MAX_SELECTORS} selectors, found {count}"),
            Some("split the selectors over several profiles".into()),
        );
    }
    let subnets_path = o.child("subnets");
    let subnets = o
        .field("subnets")
        .map(|n| strings(n, &subnets_path, d))
        .unwrap_or_default();
    let zones = subnet_zones(&subnets, zones, &subnets_path, d);
    o.ignore(&[
        "fargateProfileArn",
        "clusterName",
        "createdAt",
        "podExecutionRoleArn",
        "status",
        "tags",
        "health",
        "clientRequestToken",
    ]);
    o.finish(d);
    if selectors.len() != count || count > MAX_SELECTORS {
        return None;
    }
    Some(FargateProfileSpec {
        name: name?,
        selectors,
        zones,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    #[test]
    fn profiles_read_selectors_and_reject_more_than_five() {
        let zones = vec!["us-east-1a".to_string()];
        let tree = parse(
            "- {fargateProfileName: batch, selectors: [{namespace: batch, labels: {tier: worker}}]}\n\
             - fargateProfile: {fargateProfileName: all, status: ACTIVE, selectors: [{namespace: '*'}]}\n",
            0,
        )
        .expect("yaml");
        let mut d = Diagnostics::default();
        let profiles = read_fargate_profiles(&tree, &zones, &mut d);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(profiles.len(), 2);
        assert_eq!(
            profiles[0].selectors[0].labels.get("tier").map(String::as_str),
            Some("worker")
        );
        assert_eq!(profiles[1].selectors[0].namespace, "*");
        assert_eq!(d.ignored[0].0, "eks.fargateProfiles[1].fargateProfile.status");
        // A misspelt wrapper (its only key) is reported, and what it wraps still read.
        let tree = parse(
            "- fargateProfil: {fargateProfileName: all, selectors: [{namespace: '*'}]}\n",
            0,
        )
        .expect("yaml");
        let mut d = Diagnostics::default();
        assert_eq!(read_fargate_profiles(&tree, &zones, &mut d).len(), 1);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert_eq!(d.errors[0].help.as_deref(), Some("did you mean `fargateProfile`?"));
        let tree = parse(
            "- {fargateProfileName: x, selectors: [{namespace: a}, {namespace: b}, {namespace: c}, {namespace: d}, {namespace: e}, {namespace: f}]}",
            0,
        )
        .expect("yaml");
        let mut d = Diagnostics::default();
        assert!(read_fargate_profiles(&tree, &zones, &mut d).is_empty());
        assert_eq!(
            d.errors[0].message,
            "a Fargate profile has at most 5 selectors, found 6"
        );
    }
}
