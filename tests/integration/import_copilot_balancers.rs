//! A Copilot Load Balanced Web Service behind a Network Load Balancer (`nlb`), alone or beside
//! `http`, and `http.additional_rules`: each is a target group the service registers in, with
//! the health check and deregistration delay the manifest gives (Copilot's defaults otherwise).

use ecsim::import::copilot;
use ecsim::spec::Spec;

use crate::support::{load_text, run_to_strings};

/// `manifest` imported and loaded, with the report rendered.
fn import(manifest: &str) -> (Spec, String) {
    let imported = copilot::import(manifest, "api/manifest.yml", None).unwrap_or_else(|e| panic!("{manifest}\n{e}"));
    let yaml = imported.scenario.to_yaml("test");
    let loaded = load_text("api.yaml", &yaml).unwrap_or_else(|e| panic!("{yaml}\n{}", e.rendered));
    let run = run_to_strings(&loaded);
    assert!(run.services.lines().count() > 1, "the scenario runs");
    (loaded.spec, imported.report.render())
}

/// Each target group of the first service: name, interval s, healthy and unhealthy
/// thresholds, deregistration delay s.
fn groups(spec: &Spec) -> Vec<(String, u64, u32, u32, u64)> {
    let secs = |d: ecsim::sim::SimDuration| d.as_millis() / 1000;
    spec.services[0]
        .target_groups
        .iter()
        .map(|&g| {
            let g = &spec.target_groups[g];
            (
                g.name.clone(),
                secs(g.health_check_interval),
                g.healthy_threshold,
                g.unhealthy_threshold,
                secs(g.deregistration_delay),
            )
        })
        .collect()
}

#[test]
fn a_service_behind_an_nlb_only_registers_in_its_tcp_target_group() {
    let (spec, report) = import(
        "name: api\ntype: Load Balanced Web Service\nimage: {location: example/api:1, port: 8080}\nnlb:\n  port: 443/tls\n  healthcheck: {healthy_threshold: 3, unhealthy_threshold: 3, interval: 10s, grace_period: 90s}\n  deregistration_delay: 20s\n  stickiness: true\n",
    );
    assert_eq!(groups(&spec), [("api-nlb-tg".to_string(), 10, 3, 3, 20)]);
    assert_eq!(spec.services[0].health_check_grace_period.as_millis(), 90_000);
    assert!(
        report.contains("nlb.port (network load balancer): port 443: the TCP target group `api-nlb-tg`"),
        "{report}"
    );
    assert!(
        report.contains("nlb.stickiness (manifest field): not modelled by ecsim"),
        "{report}"
    );
}

#[test]
fn http_its_additional_rules_and_an_nlb_are_a_target_group_each() {
    let (spec, report) = import(
        "name: api\ntype: Load Balanced Web Service\nimage: {location: example/api:1, port: 8080}\nhttp:\n  path: /\n  healthcheck: {path: /ping, interval: 15s}\n  additional_rules:\n    - path: admin\n      target_port: 9090\n      deregistration_delay: 5s\n      healthcheck: {path: /admin/ping, healthy_threshold: 2}\nnlb: {port: 8080/tcp}\n",
    );
    assert_eq!(
        groups(&spec),
        [
            ("api-tg".to_string(), 15, 5, 2, 60),
            ("api-tg-rule1".to_string(), 30, 2, 2, 5),
            ("api-nlb-tg".to_string(), 30, 5, 2, 60),
        ]
    );
    assert!(
        report.contains("the service registers in 2 target groups, one per rule"),
        "{report}"
    );
    assert!(report.contains("served through `api-tg`"), "{report}");
}

#[test]
fn a_web_service_with_neither_balancer_is_refused_with_what_to_add() {
    let err = copilot::import(
        "name: api\ntype: Load Balanced Web Service\nimage: {location: example/api:1, port: 8080}\n",
        "api/manifest.yml",
        None,
    )
    .expect_err("no load balancer");
    assert!(
        err.to_string().contains(
            "a Load Balanced Web Service needs `http` (an Application Load Balancer) or `nlb` (a Network Load Balancer)"
        ),
        "{err}"
    );
    let err = copilot::import(
        "name: api\ntype: Load Balanced Web Service\nimage: {location: example/api:1, port: 8080}\nnlb: {port: 80/http}\n",
        "api/manifest.yml",
        None,
    )
    .expect_err("a bad port");
    assert!(
        err.to_string().contains("`80/http` is not a port and protocol"),
        "{err}"
    );
}
