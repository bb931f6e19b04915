//! A template whose services run in several clusters: the scenario simulates one (the template's
//! first, or the one `--cluster` names); the others' services and their scaling are listed as
//! ignored, never placed in the simulated cluster, and the report says how to import them.

use ecsim::import::cloudformation::{import, import_cluster};

use crate::support::{TempDir, ecsim, load_text};

const TEMPLATE: &str = r#"
Resources:
  Web:
    Type: AWS::ECS::Cluster
    Properties: {ClusterName: web}
  Batch:
    Type: AWS::ECS::Cluster
    Properties: {ClusterName: batch}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      Cpu: "256"
      Memory: "512"
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions: [{Name: app, Image: app:1}]
  Api:
    Type: AWS::ECS::Service
    Properties: {ServiceName: api, Cluster: !Ref Web, LaunchType: FARGATE, TaskDefinition: !Ref Task, DesiredCount: 2}
  Nightly:
    Type: AWS::ECS::Service
    Properties: {ServiceName: nightly, Cluster: !Ref Batch, LaunchType: FARGATE, TaskDefinition: !Ref Task, DesiredCount: 4}
  NightlyTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: ecs
      ScalableDimension: ecs:service:DesiredCount
      ResourceId: service/batch/nightly
      MinCapacity: 1
      MaxCapacity: 8
"#;

fn services(yaml: &str) -> Vec<(String, u32)> {
    let spec = load_text("t.yaml", yaml)
        .unwrap_or_else(|e| panic!("{}\n{yaml}", e.rendered))
        .spec;
    spec.services
        .iter()
        .map(|s| (s.name.clone(), s.desired_count))
        .collect()
}

#[test]
fn the_first_cluster_is_simulated_and_the_others_services_are_left_out_with_the_option() {
    let read = |_: &str, r: &str| Err(format!("{r} is not needed"));
    let imported = import(TEMPLATE, "t.yaml", None, &read).expect("imports");
    let yaml = imported.scenario.to_yaml("");
    assert_eq!(services(&yaml), [("api".to_string(), 2)]);
    assert!(!yaml.contains("nightly"), "{yaml}");
    let report = imported.report.render();
    for expected in [
        "Resources.Nightly (AWS::ECS::Service): runs in cluster `batch`, not the simulated `web` (a scenario simulates one): import it with --cluster batch",
        "clusters (scenario): a scenario simulates one cluster: `web` (the template's first); services also run in `batch` (1 service): import them with --cluster batch",
    ] {
        assert!(report.contains(expected), "{expected}\nnot in\n{report}");
    }
}

#[test]
fn cluster_chooses_the_simulated_cluster_and_an_unknown_one_is_an_error() {
    let read = |_: &str, r: &str| Err(format!("{r} is not needed"));
    let imported = import_cluster(TEMPLATE, "t.yaml", None, &read, Some("batch")).expect("imports");
    let yaml = imported.scenario.to_yaml("");
    assert_eq!(services(&yaml), [("nightly".to_string(), 4)]);
    assert!(yaml.contains("clusterName: batch"), "{yaml}");
    assert!(yaml.contains("ResourceId: service/batch/nightly"), "{yaml}");
    let err = import_cluster(TEMPLATE, "t.yaml", None, &read, Some("prod")).expect_err("no service there");
    let text = err.to_string();
    assert!(
        text.contains("no service of the template runs in cluster `prod`"),
        "{text}"
    );
    assert!(text.contains("`web` (1 service), `batch` (1 service)"), "{text}");
    let dir = TempDir::new("import-cfn-cluster");
    let input = dir.0.join("t.yaml");
    std::fs::write(&input, TEMPLATE).expect("writable");
    let input = input.to_str().expect("utf-8");
    let run = ecsim(&["import", "cloudformation", input, "--cluster", "batch"]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("serviceName: nightly"));
    assert_eq!(
        ecsim(&["import", "cloudformation", input, "--cluster", "prod"])
            .status
            .code(),
        Some(2)
    );
}
