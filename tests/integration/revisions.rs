//! Task definition revisions (issue 15, item 12): how entries are numbered, what a family without
//! a revision resolves to, and an `UpdateService` naming the revision already running, which in
//! ECS starts no deployment.

use crate::support::{column, load_text, run_to_strings};

/// A Fargate service on `web:<first>` with two revisions of `web`, and the timeline `events`.
fn scenario(service_revision: &str, events: &str) -> String {
    format!(
        "duration: 1h
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: web, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: app, image: \"web:1\"}}]}}
    - {{family: web, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: app, image: \"web:2\"}}]}}
  services:
    - {{serviceName: web, taskDefinition: \"{service_revision}\", desiredCount: 2, launchType: FARGATE}}
events:
{events}"
    )
}

/// The `kind` column of events.csv, only the kinds about deployments.
fn deployment_kinds(events_csv: &str) -> Vec<String> {
    column(events_csv, "kind", None)
        .into_iter()
        .filter(|k| k.starts_with("deployment") || k.starts_with("rollback"))
        .collect()
}

#[test]
fn entries_of_a_family_are_numbered_in_order_and_a_family_alone_is_its_latest_revision() {
    let yaml = scenario("web", "  - {at: 30m, updateService: {service: web, desiredCount: 3}}\n");
    let loaded = load_text("revisions.yaml", &yaml).expect("valid");
    let labels: Vec<String> = loaded.spec.task_definitions.iter().map(|t| t.arn_suffix()).collect();
    assert_eq!(labels, ["web:1", "web:2"]);
    assert_eq!(loaded.spec.services[0].task_definition, 1, "`web` is web:2, the latest");
}

#[test]
fn an_update_to_the_revision_already_running_starts_no_deployment_and_says_so() {
    let yaml = scenario(
        "web:1",
        "  - {at: 20m, updateService: {service: web, taskDefinition: \"web:1\", desiredCount: 3}}\n",
    );
    let out = run_to_strings(&load_text("same.yaml", &yaml).expect("valid"));
    assert_eq!(deployment_kinds(&out.events), ["deployment_not_started"]);
    assert!(
        out.events.contains(
            "1200,2026-01-05T00:20:00Z,deployment_not_started,web,\"UpdateService: web:1 is the revision the service already runs (deployment ecs-svc/1) and forceNewDeployment is not set: no deployment starts, as in ECS. forceNewDeployment: true would replace its tasks.\""
        ),
        "{}",
        out.events
    );
    // The desiredCount of the same call still applies, and every task is still web:1.
    assert_eq!(
        column(&out.services, "desired", None).last().map(String::as_str),
        Some("3")
    );
    assert!(column(&out.tasks, "task_definition", None).iter().all(|t| t == "web:1"));
    let summary: serde_json::Value = serde_json::from_str(&out.summary).expect("json");
    assert_eq!(
        summary["services"][0]["updates_without_deployment_s"],
        serde_json::json!([1200.0])
    );
    assert_eq!(summary["services"][0]["deployments"], serde_json::json!([]));
}

#[test]
fn a_family_without_revision_in_an_update_is_the_latest_so_it_deploys_only_if_that_is_new() {
    // The service runs web:2 (the latest); `web` names web:2 again: nothing starts.
    let same = scenario(
        "web",
        "  - {at: 20m, updateService: {service: web, taskDefinition: web}}\n",
    );
    let out = run_to_strings(&load_text("same.yaml", &same).expect("valid"));
    assert_eq!(deployment_kinds(&out.events), ["deployment_not_started"]);
    // The service runs web:1; `web` is web:2: a deployment.
    let newer = scenario(
        "web:1",
        "  - {at: 20m, updateService: {service: web, taskDefinition: web}}\n",
    );
    let out = run_to_strings(&load_text("newer.yaml", &newer).expect("valid"));
    assert_eq!(
        deployment_kinds(&out.events),
        ["deployment_started", "deployment_completed"]
    );
}

#[test]
fn force_new_deployment_redeploys_the_revision_running_at_that_time() {
    // After web:1 -> web:2, forceNewDeployment redeploys web:2 (not the service's first web:1),
    // and naming web:2 with forceNewDeployment does too.
    for second in [
        "{service: web, forceNewDeployment: true}",
        "{service: web, taskDefinition: \"web:2\", forceNewDeployment: true}",
    ] {
        let yaml = scenario(
            "web:1",
            &format!(
                "  - {{at: 10m, updateService: {{service: web, taskDefinition: \"web:2\"}}}}\n  - {{at: 40m, updateService: {second}}}\n"
            ),
        );
        let out = run_to_strings(&load_text("force.yaml", &yaml).expect("valid"));
        // task_definition is the last column, after the message (which has commas).
        let started: Vec<&str> = out
            .events
            .lines()
            .filter(|l| l.contains(",deployment_started,"))
            .filter_map(|l| l.rsplit(',').next())
            .collect();
        assert_eq!(started, ["web:2", "web:2"], "{second}");
        // Two web:1 tasks replaced by two web:2, themselves replaced by two more web:2.
        let tasks = column(&out.tasks, "task_definition", None);
        assert_eq!(tasks.iter().filter(|t| *t == "web:2").count(), 4, "{second}");
    }
}
