//! Real task definitions from aws-samples load as ECS would accept them, and run on a small cluster.
//!
//! The files are copied into `tests/fixtures/aws-taskdefs/` with their LICENSE and NOTICE (see its README). Two of them are invalid on
//! AWS (awsvpc with a hostPort unlike the containerPort) and must be rejected naming the field.

use std::path::PathBuf;

use ecsim::scenario::{self, LoadedScenario, ScenarioError, SourceLoader};

use crate::support::{column, run_to_strings};

/// The samples ECS rejects: networkMode awsvpc with hostPort 80 for another containerPort.
const INVALID_ON_AWS: [&str; 2] = ["kibana_kibana_ec2.json", "tomcat_tomcat_ec2.json"];

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws-taskdefs")
}

/// Every JSON file of the sample directory, sorted; fails (never skips) when the data is missing.
fn sample_files() -> Vec<String> {
    let dir = data_dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the AWS task definition samples must be in {}: {e}", dir.display()));
    let mut files: Vec<String> = entries
        .map(|e| e.expect("directory entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 14, "the README lists fourteen samples: {files:?}");
    files
}

/// Serves the sample files under a short, machine-independent name for messages.
struct Samples;

impl SourceLoader for Samples {
    fn read_relative(&self, relative: &str) -> Result<(String, String), String> {
        std::fs::read_to_string(data_dir().join(relative))
            .map(|text| (format!("aws-taskdefs/{relative}"), text))
            .map_err(|e| e.to_string())
    }
}

/// A ten-minute scenario running one task of the sample `file`: on FARGATE for the
/// `*_fargate.json` files, otherwise on one m5.large.
fn scenario_for(file: &str) -> String {
    let text = std::fs::read_to_string(data_dir().join(file)).expect("sample readable");
    let json: serde_json::Value = serde_json::from_str(&text).expect("sample is JSON");
    let definition = json.get("taskDefinition").unwrap_or(&json);
    let family = definition["family"].as_str().expect("sample has a family");
    let (capacity, launch_type) = if file.ends_with("_fargate.json") {
        ("", ", launchType: FARGATE")
    } else {
        (
            "ec2AutoScaling:\n  autoScalingGroups:\n    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 1, MaxSize: 1}\n",
            "",
        )
    };
    format!(
        "duration: 10m\n{capacity}ecs:\n  taskDefinitions:\n    - file: {file}\n  services:\n    - {{serviceName: svc, taskDefinition: {family}, desiredCount: 1{launch_type}}}\n"
    )
}

fn load_sample(file: &str) -> Result<LoadedScenario, ScenarioError> {
    scenario::load(&format!("{file}.yaml"), &scenario_for(file), &Samples, &[])
}

#[test]
fn every_valid_sample_loads_and_runs_one_task() {
    for file in sample_files().iter().filter(|f| !INVALID_ON_AWS.contains(&f.as_str())) {
        let loaded = load_sample(file).unwrap_or_else(|e| panic!("{file} should load:\n{e}"));
        let out = run_to_strings(&loaded);
        let running = column(&out.services, "running", Some(("service", "svc")));
        assert_eq!(running.len(), 10, "{file}: one row per minute");
        assert_eq!(
            running.last().map(String::as_str),
            Some("1"),
            "{file}: the task runs\n{}",
            out.services
        );
    }
}

#[test]
fn awsvpc_samples_with_a_host_port_unlike_the_container_port_are_rejected() {
    let kibana = load_sample("kibana_kibana_ec2.json").expect_err("ECS rejects it");
    assert_eq!(
        kibana.rendered,
        r#"error: in awsvpc network mode hostPort must equal containerPort (5601) or be omitted, found 80
  --> aws-taskdefs/kibana_kibana_ec2.json:9:27
  |
9 |                "hostPort":80,
  |                           ^^
  = field: ecs.taskDefinitions[0].containerDefinitions[0].portMappings[0].hostPort
  = help: remove hostPort or set it to 5601; ECS rejects this task definition

1 error found; nothing was simulated.
"#
    );
    let tomcat = load_sample("tomcat_tomcat_ec2.json").expect_err("ECS rejects it");
    assert_eq!(
        tomcat.rendered,
        r#"error: in awsvpc network mode hostPort must equal containerPort (8080) or be omitted, found 80
  --> aws-taskdefs/tomcat_tomcat_ec2.json:12:33
   |
12 |                     "hostPort": 80,
   |                                 ^^
   = field: ecs.taskDefinitions[0].containerDefinitions[0].portMappings[0].hostPort
   = help: remove hostPort or set it to 8080; ECS rejects this task definition

1 error found; nothing was simulated.
"#
    );
}

#[test]
fn aws_fields_of_a_sample_are_listed_as_ignored() {
    let loaded = load_sample("consul_ConsulClient.json").expect("loads");
    assert_eq!(
        loaded.spec.ignored_fields,
        [
            "ecs.taskDefinitions[0].containerDefinitions[0].command",
            "ecs.taskDefinitions[0].containerDefinitions[0].dockerLabels",
            "ecs.taskDefinitions[0].containerDefinitions[0].entryPoint",
            "ecs.taskDefinitions[0].containerDefinitions[0].environment",
            "ecs.taskDefinitions[0].containerDefinitions[0].logConfiguration",
        ]
    );
}
