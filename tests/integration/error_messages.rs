//! Malformed scenarios: each pins the whole rendered error, so a message can only change on purpose.
//!
//! A case is one call to `check(yaml, expected)`. Both strings start with a newline that is
//! dropped, so the YAML's line numbers match the lines as they read here.

use std::path::PathBuf;
use std::process::Command;

use crate::support::load_text;

/// Loads `yaml` as `bad.yaml` and asserts it fails with exactly `expected`.
#[track_caller]
fn check(yaml: &str, expected: &str) {
    let yaml = yaml.strip_prefix('\n').unwrap_or(yaml);
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    let error = match load_text("bad.yaml", yaml) {
        Ok(_) => panic!("the scenario loaded, but it should fail with:\n{expected}"),
        Err(e) => e,
    };
    assert_eq!(error.rendered, expected, "\nactual:\n{}", error.rendered);
    validate_and_run_agree(yaml, &error.rendered);
}

/// `ecsim validate` and `ecsim run` of `yaml`, saved as `bad.yaml` beside copies of the files
/// `scenarios/` holds, both exit 2 with the same message; when the scenario reads no other file
/// (whose name the library shows as its full path), that message is `rendered` exactly.
#[track_caller]
fn validate_and_run_agree(yaml: &str, rendered: &str) {
    static CASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = crate::support::TempDir::new(&format!("agree-{n}"));
    let reads_files = yaml.contains("file:");
    if reads_files {
        for sub in ["taskdefs", "data"] {
            let to = dir.0.join(sub);
            std::fs::create_dir_all(&to).expect("dir");
            for entry in std::fs::read_dir(crate::support::root().join("scenarios").join(sub)).expect("read") {
                let from = entry.expect("entry").path();
                // Folders of pasted fixtures (`data/eks/`) are read by their own tests.
                if from.is_file() {
                    std::fs::copy(&from, to.join(from.file_name().expect("name"))).expect("copy");
                }
            }
        }
    }
    std::fs::write(dir.0.join("bad.yaml"), yaml).expect("write");
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ecsim"))
            .args(args)
            .current_dir(&dir.0)
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("ecsim runs");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let validate = cli(&["validate", "bad.yaml"]);
    let run = cli(&["run", "bad.yaml", "--out", "out", "--no-charts"]);
    assert_eq!(validate.0, Some(2), "validate:\n{}", validate.1);
    assert_eq!(run, validate, "run and validate disagree");
    assert!(!dir.0.join("out").exists(), "a bad scenario writes nothing");
    if !reads_files {
        assert_eq!(validate.1, rendered, "the CLI prints what the library renders");
    }
}

#[test]
fn typo_in_a_nested_key_suggests_the_nearest_field() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: 2
      deploymentConfiguration:
        minimumHealthyPercent: 50
        maximumPercnt: 200
"#,
        r#"
error: unknown field `maximumPercnt`
  --> bad.yaml:16:9
   |
16 |         maximumPercnt: 200
   |         ^^^^^^^^^^^^^
   = field: ecs.services[0].deploymentConfiguration.maximumPercnt
   = help: did you mean `maximumPercent`?

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn desired_count_as_a_word_is_not_a_number() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: "four"
"#,
        r#"
error: expected a whole number, found the string "four"
  --> bad.yaml:13:21
   |
13 |       desiredCount: "four"
   |                     ^^^^^^
   = field: ecs.services[0].desiredCount

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn a_list_where_a_number_goes() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: [2, 4]
"#,
        r#"
error: expected a whole number, found a list
  --> bad.yaml:13:21
   |
13 |       desiredCount: [2, 4]
   |                     ^^
   = field: ecs.services[0].desiredCount

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn quoted_number_where_aws_wants_a_number() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: "4"
"#,
        r#"
error: expected a whole number, found the string "4"
  --> bad.yaml:13:21
   |
13 |       desiredCount: "4"
   |                     ^^^
   = field: ecs.services[0].desiredCount
   = help: write 4 without quotes

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn managed_scaling_target_capacity_above_100() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  capacityProviders:
    - name: cp-m5
      autoScalingGroupProvider:
        autoScalingGroupArn: ecs-m5
        managedScaling: {status: ENABLED, targetCapacity: 150}
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
"#,
        r#"
error: 150 is out of range: expected 1 to 100
  --> bad.yaml:10:59
   |
10 |         managedScaling: {status: ENABLED, targetCapacity: 150}
   |                                                           ^^^
   = field: ecs.capacityProviders[0].autoScalingGroupProvider.managedScaling.targetCapacity

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn negative_desired_count() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: -1}
"#,
        r#"
error: -1 is out of range: expected 0 to 100000
  --> bad.yaml:11:61
   |
11 |     - {serviceName: web, taskDefinition: web, desiredCount: -1}
   |                                                             ^^
   = field: ecs.services[0].desiredCount

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn service_without_a_service_name() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - taskDefinition: web
      desiredCount: 2
"#,
        r#"
error: missing required field `serviceName` (the service name)
  --> bad.yaml:11:7
   |
11 |     - taskDefinition: web
   |       ^^^^^^^^^^^^^^
   = field: ecs.services[0].serviceName

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn scenario_without_a_duration() {
    check(
        r#"
name: no duration
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
"#,
        r#"
error: missing required field `duration` (how long to simulate, e.g. `2d` or `6h`)
  --> bad.yaml:1:1
  |
1 | name: no duration
  | ^^^^
  = field: duration

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn invalid_fargate_cpu_memory_pair_case_31() {
    check(
        r#"
duration: 1h
ecs:
  taskDefinitions:
    - family: web
      networkMode: awsvpc
      requiresCompatibilities: [FARGATE]
      cpu: "256"
      memory: "4096"
      containerDefinitions:
        - {name: app, image: web}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2, launchType: FARGATE}
"#,
        r#"
error: Fargate does not support cpu 256 with memory 4096 MiB; with cpu 256 use memory 512, 1024 or 2048
  --> bad.yaml:7:7
  |
7 |       cpu: "256"
  |       ^^^
  = field: ecs.taskDefinitions[0].cpu

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn fargate_with_bridge_network_mode() {
    check(
        r#"
duration: 1h
ecs:
  taskDefinitions:
    - family: web
      networkMode: bridge
      requiresCompatibilities: [FARGATE]
      cpu: "256"
      memory: "512"
      containerDefinitions:
        - {name: app, image: web}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2, launchType: FARGATE}
"#,
        r#"
error: Fargate requires networkMode awsvpc, found bridge
  --> bad.yaml:5:7
  |
5 |       networkMode: bridge
  |       ^^^^^^^^^^^
  = field: ecs.taskDefinitions[0].networkMode
  = help: set networkMode: awsvpc

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn awsvpc_host_port_differs_from_container_port() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      networkMode: awsvpc
      containerDefinitions:
        - name: app
          image: web
          memory: 512
          portMappings: [{containerPort: 8080, hostPort: 80}]
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
"#,
        r#"
error: in awsvpc network mode hostPort must equal containerPort (8080) or be omitted, found 80
  --> bad.yaml:13:58
   |
13 |           portMappings: [{containerPort: 8080, hostPort: 80}]
   |                                                          ^^
   = field: ecs.taskDefinitions[0].containerDefinitions[0].portMappings[0].hostPort
   = help: remove hostPort or set it to 8080; ECS rejects this task definition

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn containers_reserve_more_cpu_than_the_task() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      cpu: "512"
      memory: "1024"
      containerDefinitions:
        - {name: app, image: web, cpu: 512}
        - {name: sidecar, image: envoy, cpu: 256}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
"#,
        r#"
error: the containers reserve 768 CPU units in total, more than the task's 512
  --> bad.yaml:8:7
  |
8 |       cpu: "512"
  |       ^^^
  = field: ecs.taskDefinitions[0].cpu

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn ec2_container_without_memory_when_the_task_has_none() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - name: app
          image: web
          cpu: 256
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
"#,
        r#"
error: container `app` needs `memory` or `memoryReservation` because the task has no task-level memory
  --> bad.yaml:9:11
  |
9 |         - name: app
  |           ^^^^
  = field: ecs.taskDefinitions[0].containerDefinitions[0]
  = help: add memory (a hard limit in MiB) or memoryReservation (a soft limit)

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn quoted_container_memory_is_a_type_error_not_missing_memory() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: "512"}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
"#,
        r#"
error: expected a whole number, found the string "512"
  --> bad.yaml:9:53
  |
9 |         - {name: app, image: web, cpu: 256, memory: "512"}
  |                                                     ^^^^^
  = field: ecs.taskDefinitions[0].containerDefinitions[0].memory
  = help: write 512 without quotes

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn service_names_a_task_definition_that_does_not_exist() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web-api
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web-apj, desiredCount: 2}
"#,
        r#"
error: task definition `web-apj` is not defined in ecs.taskDefinitions
  --> bad.yaml:11:42
   |
11 |     - {serviceName: web, taskDefinition: web-apj, desiredCount: 2}
   |                                          ^^^^^^^
   = field: ecs.services[0].taskDefinition
   = help: did you mean `web-api`?

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn fargate_launch_type_with_an_ec2_only_task_definition() {
    check(
        r#"
duration: 1h
ecs:
  taskDefinitions:
    - family: web
      networkMode: awsvpc
      requiresCompatibilities: [EC2]
      cpu: "256"
      memory: "512"
      containerDefinitions:
        - {name: app, image: web}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2, launchType: FARGATE}
"#,
        r#"
error: task definition web:1 does not list FARGATE in requiresCompatibilities, so it cannot run on Fargate
  --> bad.yaml:12:42
   |
12 |     - {serviceName: web, taskDefinition: web, desiredCount: 2, launchType: FARGATE}
   |                                          ^^^
   = field: ecs.services[0].taskDefinition
   = help: add requiresCompatibilities: [FARGATE] (with awsvpc and task-level cpu/memory)

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn launch_type_and_capacity_provider_strategy_together() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: 2
      launchType: EC2
      capacityProviderStrategy: [{capacityProvider: ecs-m5, weight: 1}]
"#,
        r#"
error: launchType and capacityProviderStrategy cannot both be set
  --> bad.yaml:14:7
   |
14 |       launchType: EC2
   |       ^^^^^^^^^^
   = field: ecs.services[0].launchType
   = help: keep one of them

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn strategy_with_every_weight_zero() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-a, InstanceType: m5.large, MinSize: 1, MaxSize: 1}
    - {AutoScalingGroupName: ecs-b, InstanceType: m5.large, MinSize: 1, MaxSize: 1}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: 2
      capacityProviderStrategy:
        - {capacityProvider: ecs-a, weight: 0}
        - {capacityProvider: ecs-b, weight: 0}
"#,
        r#"
error: at least one capacity provider in a strategy needs a weight greater than 0
  --> bad.yaml:16:11
   |
16 |         - {capacityProvider: ecs-a, weight: 0}
   |           ^^^^^^^^^^^^^^^^^
   = field: ecs.services[0].capacityProviderStrategy
   = help: add weight: 1 to an item

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn strategy_with_a_base_on_two_providers() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-a, InstanceType: m5.large, MinSize: 1, MaxSize: 1}
    - {AutoScalingGroupName: ecs-b, InstanceType: m5.large, MinSize: 1, MaxSize: 1}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: 2
      capacityProviderStrategy:
        - {capacityProvider: ecs-a, base: 1, weight: 1}
        - {capacityProvider: ecs-b, base: 1, weight: 1}
"#,
        r#"
error: only one capacity provider in a strategy can have a base
  --> bad.yaml:16:11
   |
16 |         - {capacityProvider: ecs-a, base: 1, weight: 1}
   |           ^^^^^^^^^^^^^^^^^
   = field: ecs.services[0].capacityProviderStrategy

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn strategy_mixing_fargate_and_an_auto_scaling_group_provider() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 1, MaxSize: 1}
ecs:
  capacityProviders:
    - {name: cp-m5, autoScalingGroupProvider: {autoScalingGroupArn: ecs-m5}}
  cluster:
    capacityProviders: [cp-m5, FARGATE]
  taskDefinitions:
    - family: web
      networkMode: awsvpc
      requiresCompatibilities: [EC2, FARGATE]
      cpu: "256"
      memory: "512"
      containerDefinitions:
        - {name: app, image: web}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: 2
      capacityProviderStrategy:
        - {capacityProvider: cp-m5, weight: 1}
        - {capacityProvider: FARGATE, weight: 1}
"#,
        r#"
error: a strategy cannot mix FARGATE or FARGATE_SPOT with Auto Scaling group capacity providers
  --> bad.yaml:23:11
   |
23 |         - {capacityProvider: cp-m5, weight: 1}
   |           ^^^^^^^^^^^^^^^^^
   = field: ecs.services[0].capacityProviderStrategy

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn unknown_instance_type_suggests_the_nearest() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.larg, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
"#,
        r#"
error: unknown instance type `m5.larg`
  --> bad.yaml:4:52
  |
4 |     - {AutoScalingGroupName: ecs-m5, InstanceType: m5.larg, MinSize: 2, MaxSize: 2}
  |                                                    ^^^^^^^
  = field: ec2AutoScaling.autoScalingGroups[0].InstanceType
  = help: did you mean `m5.large`?

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn duration_without_a_unit() {
    check(
        r#"
duration: 90
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
"#,
        r#"
error: a unit is required in duration `90`; units are d, h, m, s and ms (e.g. `90s`, `1d2h`)
  --> bad.yaml:1:11
  |
1 | duration: 90
  |           ^^
  = field: duration

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn unknown_load_shape_suggests_the_nearest() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
load:
  web:
    requestsPerSecond:
      - constnt: 300
"#,
        r#"
error: unknown load shape `constnt`
  --> bad.yaml:15:9
   |
15 |       - constnt: 300
   |         ^^^^^^^
   = field: load.web.requestsPerSecond[0].constnt
   = help: did you mean `constant`?

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn diurnal_peak_that_is_not_a_time_of_day() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
load:
  web:
    requestsPerSecond:
      - diurnal: {amplitude: 100, peakAt: "2pm"}
"#,
        r#"
error: expected a local time of day like "14:00", found `2pm`
  --> bad.yaml:15:43
   |
15 |       - diurnal: {amplitude: 100, peakAt: "2pm"}
   |                                           ^^^^^
   = field: load.web.requestsPerSecond[0].diurnal.peakAt
   = help: write a 24-hour time from "00:00" to "23:59", e.g. peakAt: "14:00"

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn diurnal_peak_hour_out_of_range() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
load:
  web:
    requestsPerSecond:
      - diurnal: {amplitude: 100, peakAt: "25:00"}
"#,
        r#"
error: expected a local time of day like "14:00", found `25:00`
  --> bad.yaml:15:43
   |
15 |       - diurnal: {amplitude: 100, peakAt: "25:00"}
   |                                           ^^^^^^^
   = field: load.web.requestsPerSecond[0].diurnal.peakAt
   = help: write a 24-hour time from "00:00" to "23:59", e.g. peakAt: "14:00"

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn unknown_time_zone() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
load:
  web:
    requestsPerSecond:
      - diurnal: {amplitude: 100, peakAt: "14:00", timezone: Asia/Seol}
"#,
        r#"
error: unknown time zone `Asia/Seol`
  --> bad.yaml:15:62
   |
15 |       - diurnal: {amplitude: 100, peakAt: "14:00", timezone: Asia/Seol}
   |                                                              ^^^^^^^^^
   = field: load.web.requestsPerSecond[0].diurnal.timezone
   = help: did you mean `Asia/Seoul`? (an IANA name, as AWS takes it)

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn unknown_chart_time_zone() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - {family: web, containerDefinitions: [{name: app, image: web, cpu: 256, memory: 512}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
charts:
  timeZone: Europe/Pariss
"#,
        r#"
error: unknown time zone `Europe/Pariss`
  --> bad.yaml:11:13
   |
11 |   timeZone: Europe/Pariss
   |             ^^^^^^^^^^^^^
   = field: charts.timeZone
   = help: did you mean `Europe/Paris`? (an IANA name, as AWS takes it)

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn event_after_the_end_of_the_run() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
events:
  - at: 2h
    updateService: {service: web, desiredCount: 4}
"#,
        r#"
error: 2h is after the end of the run
  --> bad.yaml:13:5
   |
13 |   - at: 2h
   |     ^^
   = field: events[0].at

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn event_naming_an_unknown_service() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
events:
  - at: 30m
    updateService: {service: wbe, desiredCount: 4}
"#,
        r#"
error: no service named `wbe`
  --> bad.yaml:14:21
   |
14 |     updateService: {service: wbe, desiredCount: 4}
   |                     ^^^^^^^
   = field: events[0].updateService.service

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn update_service_to_a_revision_that_does_not_exist() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
events:
  - at: 30m
    updateService: {service: web, desiredCount: 2, taskDefinition: web:2}
"#,
        r#"
error: task definition `web:2` is not defined in ecs.taskDefinitions
  --> bad.yaml:14:68
   |
14 |     updateService: {service: web, desiredCount: 2, taskDefinition: web:2}
   |                                                                    ^^^
   = field: events[0].updateService.taskDefinition
   = help: did you mean `web:1`?

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn invalid_yaml_unclosed_bracket() {
    check(
        r#"
duration: 1h
availabilityZones: [us-east-1a, us-east-1b
ecs:
  services: []
"#,
        r#"
error: invalid YAML: illegal placement of ':' indicator
  --> bad.yaml:3:4
  |
3 | ecs:
  |    ^
  = help: the `[` at line 2, column 20 is never closed: add `]` where it ends

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn duplicate_keys() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: 2
      desiredCount: 3
"#,
        r#"
error: invalid YAML: duplicate key `desiredCount` (first set on line 13); keep one of them
  --> bad.yaml:14:7
   |
14 |       desiredCount: 3
   |       ^^^^^^^^^^^^

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn replay_file_that_does_not_exist() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
load:
  web:
    requestsPerSecond:
      - replay: {file: data/no-such-export.csv}
"#,
        r#"
error: cannot read `data/no-such-export.csv`: No such file or directory (os error 2)
  --> bad.yaml:15:18
   |
15 |       - replay: {file: data/no-such-export.csv}
   |                  ^^^^
   = field: load.web.requestsPerSecond[0].replay.file

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn three_independent_errors_are_all_reported_in_line_order() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.larg, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: 2
      deploymentConfiguration: {maximumPercnt: 200}
load:
  web:
    requestsPerSecond:
      - constnt: 300
"#,
        r#"
error: unknown instance type `m5.larg`
  --> bad.yaml:4:52
  |
4 |     - {AutoScalingGroupName: ecs-m5, InstanceType: m5.larg, MinSize: 2, MaxSize: 2}
  |                                                    ^^^^^^^
  = field: ec2AutoScaling.autoScalingGroups[0].InstanceType
  = help: did you mean `m5.large`?

error: unknown field `maximumPercnt`
  --> bad.yaml:14:33
   |
14 |       deploymentConfiguration: {maximumPercnt: 200}
   |                                 ^^^^^^^^^^^^^
   = field: ecs.services[0].deploymentConfiguration.maximumPercnt
   = help: did you mean `maximumPercent`?

error: unknown load shape `constnt`
  --> bad.yaml:18:9
   |
18 |       - constnt: 300
   |         ^^^^^^^
   = field: load.web.requestsPerSecond[0].constnt
   = help: did you mean `constant`?

3 errors found; nothing was simulated.
"#,
    );
}

#[test]
fn a_misspelt_required_field_is_one_error_with_its_did_you_mean() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCont: 2
"#,
        r#"
error: unknown field `desiredCont`
  --> bad.yaml:13:7
   |
13 |       desiredCont: 2
   |       ^^^^^^^^^^^
   = field: ecs.services[0].desiredCont
   = help: did you mean `desiredCount`?

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn a_service_with_an_error_is_not_also_unknown_to_load_and_events() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: "four"}
load:
  web:
    requestsPerSecond:
      - constant: 100
events:
  - at: 30m
    updateService: {service: web, desiredCount: 4}
"#,
        r#"
error: expected a whole number, found the string "four"
  --> bad.yaml:11:61
   |
11 |     - {serviceName: web, taskDefinition: web, desiredCount: "four"}
   |                                                             ^^^^^^
   = field: ecs.services[0].desiredCount

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn a_bad_duration_does_not_also_reject_every_event() {
    check(
        r#"
duration: 90
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2}
events:
  - at: 30m
    updateService: {service: web, desiredCount: 4}
"#,
        r#"
error: a unit is required in duration `90`; units are d, h, m, s and ms (e.g. `90s`, `1d2h`)
  --> bad.yaml:1:11
  |
1 | duration: 90
  |           ^^
  = field: duration

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn invalid_yaml_unclosed_brace() {
    check(
        r#"
duration: 1h
ecs:
  services:
    - {serviceName: web, taskDefinition: web
  taskDefinitions: []
"#,
        r#"
error: invalid YAML: while parsing a flow mapping, did not find expected ',' or '}'
  --> bad.yaml:5:18
  |
5 |   taskDefinitions: []
  |                  ^
  = help: the `{` at line 4, column 7 is never closed: add `}` where it ends

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn aws_only_fields_are_accepted_and_listed_as_ignored() {
    let yaml = r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  taskDefinitions:
    - family: web
      taskRoleArn: arn:aws:iam::123456789012:role/web
      containerDefinitions:
        - name: app
          image: web
          cpu: 256
          memory: 512
          logConfiguration: {logDriver: awslogs}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: 2
      tags: [{key: team, value: web}]
"#;
    let loaded = load_text("aws-fields.yaml", yaml).unwrap_or_else(|e| panic!("loads:\n{e}"));
    assert_eq!(
        loaded.spec.ignored_fields,
        [
            "ecs.taskDefinitions[0].containerDefinitions[0].logConfiguration",
            "ecs.taskDefinitions[0].taskRoleArn",
            "ecs.services[0].tags",
        ]
    );
}

/// A fresh, empty directory for one CLI test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecsim-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn ecsim(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("ecsim runs")
}

#[test]
fn cli_validate_of_a_bad_file_exits_2_with_the_message() {
    let dir = temp_dir("validate-bad");
    let file = dir.join("bad.yaml");
    std::fs::write(&file, "duration: 90\necs:\n  services: []\n").expect("write");
    let out = ecsim(&["validate".as_ref(), file.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout for a bad file");
    assert!(stderr.contains(&format!("{}:1:11", file.display())), "{stderr}");
    assert!(stderr.ends_with("error found; nothing was simulated.\n"), "{stderr}");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn cli_run_of_a_bad_scenario_exits_2_and_writes_nothing() {
    let dir = temp_dir("run-bad");
    let file = dir.join("bad.yaml");
    std::fs::write(&file, "duration: 90\necs:\n  services: []\n").expect("write");
    let out_dir = dir.join("out");
    let out = ecsim(&["run".as_ref(), file.as_os_str(), "--out".as_ref(), out_dir.as_os_str()]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out_dir.exists(), "the output directory must not be created");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn cli_run_with_a_set_that_is_not_path_equals_value_exits_2_and_writes_nothing() {
    let dir = temp_dir("run-bad-set");
    let out_dir = dir.join("out");
    let scenario = crate::support::root().join("scenarios/web-ec2-fixed.yaml");
    let out = ecsim(&[
        "run".as_ref(),
        scenario.as_os_str(),
        "--out".as_ref(),
        out_dir.as_os_str(),
        "--set".as_ref(),
        "nonsense".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert_eq!(
        stderr,
        "error: --set expects PATH=VALUE, e.g. --set ecs.services[0].desiredCount=8 or --set 'ecs.services[name=web].desiredCount=8'; found `nonsense`\n"
    );
    assert!(!out_dir.exists(), "the output directory must not be created");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn cli_run_with_a_set_of_a_bad_value_exits_2_and_writes_nothing() {
    let dir = temp_dir("run-bad-set-value");
    let out_dir = dir.join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .current_dir(crate::support::root())
        .args([
            "run",
            "scenarios/web-ec2-fixed.yaml",
            "--set",
            "ecs.services[0].desiredCount=many",
            "--out",
        ])
        .arg(&out_dir)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("ecsim runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert_eq!(
        stderr,
        r#"
error: expected a whole number, found `many`
  --> --set ecs.services[0].desiredCount:1:1
  |
1 | many
  | ^^^^
  = field: ecs.services[0].desiredCount

1 error found; nothing was simulated.
"#
        .strip_prefix('\n')
        .expect("leading newline")
    );
    assert!(!out_dir.exists(), "the output directory must not be created");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

// Application Auto Scaling policies (issue 5).

#[test]
fn unknown_predefined_metric_type_suggests_the_nearest() {
    check(
        r#"
duration: 1h
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}
  taskDefinitions:
    - {family: web, cpu: "256", memory: "512", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: app, image: example/web}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2, launchType: FARGATE}
applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/demo/web, ScalableDimension: "ecs:service:DesiredCount", MinCapacity: 1, MaxCapacity: 10}
  scalingPolicies:
    - PolicyName: cpu
      ServiceNamespace: ecs
      ResourceId: service/demo/web
      ScalableDimension: "ecs:service:DesiredCount"
      PolicyType: TargetTrackingScaling
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 60
        PredefinedMetricSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilisation}
"#,
        r#"
error: `ECSServiceAverageCPUUtilisation` is not a valid value
  --> bad.yaml:20:63
   |
20 |         PredefinedMetricSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilisation}
   |                                                               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
   = field: applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType
   = help: did you mean `ECSServiceAverageCPUUtilization`? (valid: ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization, ALBRequestCountPerTarget, ECSServiceAverageCPUUtilizationHighResolution, ECSServiceAverageMemoryUtilizationHighResolution)

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn overlapping_step_adjustments() {
    check(
        r#"
duration: 1h
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}
  taskDefinitions:
    - {family: web, cpu: "256", memory: "512", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: app, image: example/web}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2, launchType: FARGATE}
applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/demo/web, ScalableDimension: "ecs:service:DesiredCount", MinCapacity: 1, MaxCapacity: 10}
  scalingPolicies:
    - PolicyName: steps
      ServiceNamespace: ecs
      ResourceId: service/demo/web
      ScalableDimension: "ecs:service:DesiredCount"
      PolicyType: StepScaling
      StepScalingPolicyConfiguration:
        AdjustmentType: ChangeInCapacity
        StepAdjustments:
          - {MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1}
          - {MetricIntervalLowerBound: 10, ScalingAdjustment: 3}
"#,
        r#"
error: steps overlap: one ends at 20 and the next starts at 10
  --> bad.yaml:20:9
   |
20 |         StepAdjustments:
   |         ^^^^^^^^^^^^^^^
   = field: applicationAutoScaling.scalingPolicies[0].StepScalingPolicyConfiguration.StepAdjustments

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn a_policy_whose_resource_id_names_no_service() {
    check(
        r#"
duration: 1h
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}
  taskDefinitions:
    - {family: web, cpu: "256", memory: "512", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: app, image: example/web}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2, launchType: FARGATE}
applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/demo/web, ScalableDimension: "ecs:service:DesiredCount", MinCapacity: 1, MaxCapacity: 10}
  scalingPolicies:
    - PolicyName: cpu
      ServiceNamespace: ecs
      ResourceId: service/demo/api
      ScalableDimension: "ecs:service:DesiredCount"
      PolicyType: TargetTrackingScaling
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 60
        PredefinedMetricSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilization}
"#,
        r#"
error: no service named `api` in ecs.services
  --> bad.yaml:15:19
   |
15 |       ResourceId: service/demo/api
   |                   ^^^^^^^^^^^^^^^^
   = field: applicationAutoScaling.scalingPolicies[0].ResourceId

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn managed_termination_protection_needs_scale_in_protection_on_the_group() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 0, MaxSize: 4}
ecs:
  capacityProviders:
    - name: cp
      autoScalingGroupProvider:
        autoScalingGroupArn: ecs-m5
        managedScaling: {status: ENABLED}
        managedTerminationProtection: ENABLED
"#,
        r#"
error: managed termination protection requires NewInstancesProtectedFromScaleIn: true on the Auto Scaling group
  --> bad.yaml:11:9
   |
11 |         managedTerminationProtection: ENABLED
   |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
   = field: ecs.capacityProviders[0].autoScalingGroupProvider.managedTerminationProtection
   = help: enable it, or set managedTerminationProtection: DISABLED

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn mixed_instances_policy_with_weights_or_a_second_instance_type() {
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - AutoScalingGroupName: ecs-mixed
      InstanceType: m5.large
      MixedInstancesPolicy:
        LaunchTemplate:
          Overrides: [{InstanceType: m5.large, WeightedCapacity: "2"}, {InstanceType: m9.large}]
      MinSize: 0
      MaxSize: 4
"#,
        r#"
error: InstanceType and MixedInstancesPolicy cannot both be set
  --> bad.yaml:5:7
  |
5 |       InstanceType: m5.large
  |       ^^^^^^^^^^^^
  = field: ec2AutoScaling.autoScalingGroups[0].InstanceType
  = help: list the types in MixedInstancesPolicy.LaunchTemplate.Overrides

error: WeightedCapacity is not supported: ECS capacity providers need one instance per unit of capacity
  --> bad.yaml:8:48
  |
8 |           Overrides: [{InstanceType: m5.large, WeightedCapacity: "2"}, {InstanceType: m9.large}]
  |                                                ^^^^^^^^^^^^^^^^
  = field: ec2AutoScaling.autoScalingGroups[0].MixedInstancesPolicy.LaunchTemplate.Overrides[0].WeightedCapacity
  = help: list plain InstanceType overrides

error: unknown instance type `m9.large`
  --> bad.yaml:8:87
  |
8 |           Overrides: [{InstanceType: m5.large, WeightedCapacity: "2"}, {InstanceType: m9.large}]
  |                                                                                       ^^^^^^^^
  = field: ec2AutoScaling.autoScalingGroups[0].MixedInstancesPolicy.LaunchTemplate.Overrides[1].InstanceType
  = help: did you mean `m5.large`?

3 errors found; nothing was simulated.
"#,
    );
}

#[test]
fn ec2_auto_scaling_policy_on_an_unsupported_metric() {
    // ALBRequestCountPerTarget on a group is not simulated (the network metrics are, reference 7).
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 0, MaxSize: 4}
  scalingPolicies:
    - AutoScalingGroupName: ecs-m5
      PolicyName: net
      PolicyType: TargetTrackingScaling
      TargetTrackingConfiguration:
        PredefinedMetricSpecification: {PredefinedMetricType: ALBRequestCountPerTarget}
        TargetValue: 50
    - AutoScalingGroupName: ecs-m5
      PolicyName: cpu
      PolicyType: TargetTrackingScaling
      TargetTrackingConfiguration:
        PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageCPUUtilization}
        TargetValue: 150
"#,
        r#"
error: ALBRequestCountPerTarget is not simulated for EC2 Auto Scaling groups
  --> bad.yaml:10:41
   |
10 |         PredefinedMetricSpecification: {PredefinedMetricType: ALBRequestCountPerTarget}
   |                                         ^^^^^^^^^^^^^^^^^^^^
   = field: ec2AutoScaling.scalingPolicies[0].TargetTrackingConfiguration.PredefinedMetricSpecification.PredefinedMetricType
   = help: use ASGAverageCPUUtilization, ASGAverageNetworkIn or ASGAverageNetworkOut

error: a CPU target of 150 % cannot be reached: the average CPU is at most 100
  --> bad.yaml:17:9
   |
17 |         TargetValue: 150
   |         ^^^^^^^^^^^
   = field: ec2AutoScaling.scalingPolicies[1].TargetTrackingConfiguration.TargetValue
   = help: use a percent from 0 to 100

2 errors found; nothing was simulated.
"#,
    );
}

#[test]
fn ec2_auto_scaling_step_and_simple_policy_mistakes() {
    // PutScalingPolicy: MinAdjustmentMagnitude only with PercentChangeInCapacity, Cooldown only
    // on simple policies; an AWS/EC2 alarm's period, statistic and actions (reference 7.1).
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 0, MaxSize: 4}
  scalingPolicies:
    - AutoScalingGroupName: ecs-m5
      PolicyName: out
      PolicyType: StepScaling
      AdjustmentType: ChangeInCapacity
      MinAdjustmentMagnitude: 2
      Cooldown: 60
      StepAdjustments: [{MetricIntervalLowerBound: 0, ScalingAdjustment: 1}]
    - AutoScalingGroupName: ecs-m5
      PolicyName: in
      PolicyType: SimpleScaling
      AdjustmentType: ChangeInCapacity
      ScalingAdjustment: -1
cloudWatch:
  alarms:
    - AlarmName: high
      Namespace: AWS/EC2
      MetricName: CPUUtilization
      Dimensions: [{Name: AutoScalingGroupName, Value: ecs-m5}]
      Statistic: Maximum
      Period: 90
      EvaluationPeriods: 1
      Threshold: 70
      ComparisonOperator: GreaterThanThreshold
      AlarmActions: [outt]
"#,
        r#"
error: MinAdjustmentMagnitude is only valid with AdjustmentType PercentChangeInCapacity
  --> bad.yaml:10:7
   |
10 |       MinAdjustmentMagnitude: 2
   |       ^^^^^^^^^^^^^^^^^^^^^^
   = field: ec2AutoScaling.scalingPolicies[0].MinAdjustmentMagnitude
   = help: remove it, or use PercentChangeInCapacity

error: Cooldown is only valid for SimpleScaling policies: a step policy uses EstimatedInstanceWarmup
  --> bad.yaml:11:7
   |
11 |       Cooldown: 60
   |       ^^^^^^^^
   = field: ec2AutoScaling.scalingPolicies[0].Cooldown
   = help: remove Cooldown, or set EstimatedInstanceWarmup

error: the Maximum of a group's metric is not simulated: ecsim computes the average over the group's instances
  --> bad.yaml:24:18
   |
24 |       Statistic: Maximum
   |                  ^^^^^^^
   = field: cloudWatch.alarms[0].Statistic
   = help: use Statistic: Average

error: Period 90 cannot be evaluated on EC2 metrics, which detailed monitoring publishes every 60 s
  --> bad.yaml:25:7
   |
25 |       Period: 90
   |       ^^^^^^
   = field: cloudWatch.alarms[0].Period
   = help: use 60 or a multiple of 60

error: no step or simple scaling policy named `outt` on Auto Scaling group `ecs-m5`
  --> bad.yaml:29:22
   |
29 |       AlarmActions: [outt]
   |                      ^^^^
   = field: cloudWatch.alarms[0].AlarmActions[0]
   = help: did you mean `out`?

5 errors found; nothing was simulated.
"#,
    );
}

#[test]
fn container_timeouts_dependencies_and_ephemeral_storage_mistakes() {
    // RegisterTaskDefinition: sizeInGiB 21-200, Fargate's 2-120 s timeouts, dependsOn names and
    // conditions (reference 8.5).
    check(
        r#"
duration: 1h
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}
  taskDefinitions:
    - family: api
      cpu: "256"
      memory: "512"
      networkMode: awsvpc
      requiresCompatibilities: [FARGATE]
      ephemeralStorage: {sizeInGiB: 10}
      containerDefinitions:
        - {name: app, image: a, stopTimeout: 300, dependsOn: [{containerName: envoy, condition: HEALTHY}, {containerName: init, condition: SUCCESS}]}
        - {name: envoy, image: e, startTimeout: 1, dependsOn: [{containerName: ap, condition: START}]}
        - {name: init, image: i}
"#,
        r#"
error: 10 is out of range: expected 21 to 200
  --> bad.yaml:10:37
   |
10 |       ephemeralStorage: {sizeInGiB: 10}
   |                                     ^^
   = field: ecs.taskDefinitions[0].ephemeralStorage.sizeInGiB

error: stopTimeout 300 is outside the 2 to 120 seconds Fargate allows
  --> bad.yaml:12:46
   |
12 |         - {name: app, image: a, stopTimeout: 300, dependsOn: [{containerName: envoy, condition: HEALTHY}, {containerName: init, condition: SUCCESS}]}
   |                                              ^^^
   = field: ecs.taskDefinitions[0].containerDefinitions[0].stopTimeout
   = help: set stopTimeout between 2 and 120

error: HEALTHY needs a healthCheck on container `envoy`
  --> bad.yaml:12:63
   |
12 |         - {name: app, image: a, stopTimeout: 300, dependsOn: [{containerName: envoy, condition: HEALTHY}, {containerName: init, condition: SUCCESS}]}
   |                                                               ^^^^^^^^^^^^^^
   = field: ecs.taskDefinitions[0].containerDefinitions[0].dependsOn[0]

error: COMPLETE and SUCCESS cannot be set on the essential container `init`
  --> bad.yaml:12:107
   |
12 |         - {name: app, image: a, stopTimeout: 300, dependsOn: [{containerName: envoy, condition: HEALTHY}, {containerName: init, condition: SUCCESS}]}
   |                                                                                                           ^^^^^^^^^^^^^^
   = field: ecs.taskDefinitions[0].containerDefinitions[0].dependsOn[1]

error: startTimeout 1 is outside the 2 to 120 seconds Fargate allows
  --> bad.yaml:13:49
   |
13 |         - {name: envoy, image: e, startTimeout: 1, dependsOn: [{containerName: ap, condition: START}]}
   |                                                 ^
   = field: ecs.taskDefinitions[0].containerDefinitions[1].startTimeout
   = help: set startTimeout between 2 and 120

error: no container named `ap` in this task definition
  --> bad.yaml:13:64
   |
13 |         - {name: envoy, image: e, startTimeout: 1, dependsOn: [{containerName: ap, condition: START}]}
   |                                                                ^^^^^^^^^^^^^^
   = field: ecs.taskDefinitions[0].containerDefinitions[1].dependsOn[0].containerName
   = help: did you mean `app`?

6 errors found; nothing was simulated.
"#,
    );
}

#[test]
fn container_dependencies_that_form_a_cycle() {
    // A container cannot wait for itself through others (reference 8.5).
    check(
        r#"
duration: 1h
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}
  taskDefinitions:
    - family: api
      cpu: "256"
      memory: "512"
      networkMode: awsvpc
      requiresCompatibilities: [FARGATE]
      containerDefinitions:
        - {name: app, image: a, dependsOn: [{containerName: envoy, condition: START}]}
        - {name: envoy, image: e, dependsOn: [{containerName: app, condition: START}]}
"#,
        r#"
error: the dependsOn of container `app` form a cycle
  --> bad.yaml:11:45
   |
11 |         - {name: app, image: a, dependsOn: [{containerName: envoy, condition: START}]}
   |                                             ^^^^^^^^^^^^^^
   = field: ecs.taskDefinitions[0].containerDefinitions[0].dependsOn[0]
   = help: a container cannot wait, directly or through others, for itself

1 error found; nothing was simulated.
"#,
    );
}

/// The number of errors `yaml` gives and the first one's message and help: for cases where one
/// mistake must give one error however many blocks refer to what it broke.
#[track_caller]
fn first_of(yaml: &str) -> (usize, String) {
    let error = match load_text("bad.yaml", yaml) {
        Ok(_) => panic!("the scenario loaded, but it should fail"),
        Err(e) => e.rendered,
    };
    validate_and_run_agree(yaml, &error);
    let count = error.lines().filter(|l| l.starts_with("error: ")).count();
    let first: Vec<&str> = error
        .lines()
        .filter(|l| l.starts_with("error: ") || l.contains("= help: "))
        .map(str::trim_start)
        .take(2)
        .collect();
    (count, first.join("\n"))
}

/// A scenario whose service `web` is named by a load, an event, a scalable target, a policy, an
/// alarm (by dimension and action) and a deployment alarm: every block that can refer to what a
/// typo breaks.
const REFERRED_TO: &str = r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 2, MaxSize: 2}
ecs:
  cluster: {clusterName: demo}
  taskDefinitions:
    - family: web
      containerDefinitions:
        - {name: app, image: web, cpu: 256, memory: 512}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: 2
      deploymentConfiguration: {alarms: {alarmNames: [web-cpu-high], enable: true, rollback: true}}
behavior:
  taskDefinitions:
    web: {requestsPerSecondAtFullCpu: 100}
load:
  web:
    requestsPerSecond: [{constant: 100}]
applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/demo/web, ScalableDimension: "ecs:service:DesiredCount",
       MinCapacity: 1, MaxCapacity: 4}
  scalingPolicies:
    - PolicyName: step-out
      ServiceNamespace: ecs
      ResourceId: service/demo/web
      ScalableDimension: "ecs:service:DesiredCount"
      PolicyType: StepScaling
      StepScalingPolicyConfiguration:
        AdjustmentType: ChangeInCapacity
        StepAdjustments: [{MetricIntervalLowerBound: 0, ScalingAdjustment: 1}]
cloudWatch:
  alarms:
    - {AlarmName: web-cpu-high, Namespace: AWS/ECS, MetricName: CPUUtilization,
       Dimensions: [{Name: ClusterName, Value: demo}, {Name: ServiceName, Value: web}],
       Statistic: Average, Period: 60, EvaluationPeriods: 1, Threshold: 70,
       ComparisonOperator: GreaterThanThreshold, AlarmActions: [step-out]}
events:
  - at: 30m
    updateService: {service: web, desiredCount: 3}
"#;

#[test]
fn the_scenario_that_every_cascade_case_misspells_loads() {
    let loaded = load_text("ok.yaml", REFERRED_TO);
    assert!(
        loaded.is_ok(),
        "{}",
        loaded.err().map(|e| e.rendered).unwrap_or_default()
    );
}

/// Each misspelling of a key that names something (or that a definition cannot do without) is
/// one error, the unknown key with its "did you mean", however many blocks refer to the name.
#[test]
fn one_misspelt_key_is_one_error_however_many_blocks_refer_to_it() {
    let cases = [
        (
            "      desiredCount: 2",
            "      desiredCont: 2",
            "desiredCont",
            "desiredCount",
        ),
        (
            "    - serviceName: web",
            "    - serviceNam: web",
            "serviceNam",
            "serviceName",
        ),
        ("    - family: web", "    - famly: web", "famly", "family"),
        (
            "  cluster: {clusterName: demo}",
            "  cluster: {clustrName: demo}",
            "clustrName",
            "clusterName",
        ),
        (
            "    - PolicyName: step-out",
            "    - PolicyNam: step-out",
            "PolicyNam",
            "PolicyName",
        ),
        (
            "    - {AlarmName: web-cpu-high",
            "    - {AlarmNam: web-cpu-high",
            "AlarmNam",
            "AlarmName",
        ),
        (
            "      taskDefinition: web\n",
            "      taskDefinitio: web\n",
            "taskDefinitio",
            "taskDefinition",
        ),
        // A misspelt block: nothing in it is read, so nothing it defines is reported unknown.
        ("  services:", "  servics:", "servics", "services"),
        (
            "  taskDefinitions:\n    - family",
            "  taskDefinitios:\n    - family",
            "taskDefinitios",
            "taskDefinitions",
        ),
        ("  cluster: {", "  clustr: {", "clustr", "cluster"),
        (
            "  scalableTargets:",
            "  scalableTarges:",
            "scalableTarges",
            "scalableTargets",
        ),
        (
            "  scalingPolicies:",
            "  scalingPolicis:",
            "scalingPolicis",
            "scalingPolicies",
        ),
        ("  alarms:", "  alams:", "alams", "alarms"),
        (
            "applicationAutoScaling:",
            "applicationAutoScalig:",
            "applicationAutoScalig",
            "applicationAutoScaling",
        ),
        ("ec2AutoScaling:", "ec2AutoScalig:", "ec2AutoScalig", "ec2AutoScaling"),
        (
            "  autoScalingGroups:",
            "  autoScalingGrous:",
            "autoScalingGrous",
            "autoScalingGroups",
        ),
        (
            "{AutoScalingGroupName: ecs-m5",
            "{AutoScalingGroupNam: ecs-m5",
            "AutoScalingGroupNam",
            "AutoScalingGroupName",
        ),
        // `fie:` is the `file:` form misspelt, not an inline task definition missing its fields.
        (
            "  taskDefinitions:\n    - family: web",
            "  taskDefinitions:\n    - fie: taskdefs/web-fargate.json\n    - family: web",
            "fie",
            "file",
        ),
    ];
    // Consequences elsewhere that name the field meant: the container then "needs `memory`"
    // (the task has no task-level memory), and a step without its adjustment leaves
    // StepAdjustments with "no step" (an error about the list the misspelt item is in).
    let consequences = [
        (
            "image: web, cpu: 256, memory: 512}",
            "image: web, cpu: 256, memor: 512}",
            "memor",
            "memory",
        ),
        (
            "ScalingAdjustment: 1}",
            "ScalingAdjustmen: 1}",
            "ScalingAdjustmen",
            "ScalingAdjustment",
        ),
    ];
    for (from, to, typo, meant) in cases.into_iter().chain(consequences) {
        assert_eq!(REFERRED_TO.matches(from).count(), 1, "{from}");
        let yaml = REFERRED_TO.replacen(from, to, 1);
        assert_eq!(
            first_of(&yaml),
            (
                1,
                format!("error: unknown field `{typo}`\n= help: did you mean `{meant}`?")
            ),
            "{typo}"
        );
    }
}

/// A queue worker whose load or service has a misspelt key: the alarms on its queue are not
/// also told that "no service consumes a queue named `jobs`".
#[test]
fn a_misspelt_key_of_a_queue_worker_is_one_error() {
    let text =
        std::fs::read_to_string(crate::support::root().join("scenarios/sqs-worker-backlog.yaml")).expect("scenario");
    for (from, to, typo, meant) in [
        ("    queueName: jobs", "    queueNam: jobs", "queueNam", "queueName"),
        (
            "    - serviceName: worker",
            "    - serviceNam: worker",
            "serviceNam",
            "serviceName",
        ),
    ] {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        assert_eq!(
            first_of(&text.replacen(from, to, 1)),
            (
                1,
                format!("error: unknown field `{typo}`\n= help: did you mean `{meant}`?")
            ),
            "{typo}"
        );
    }
}

#[test]
fn a_task_definition_file_that_cannot_be_read_is_the_only_error_about_its_revisions() {
    let yaml = REFERRED_TO.replacen(
        "  taskDefinitions:\n",
        "  taskDefinitions:\n    - file: taskdefs/missing.json\n",
        1,
    ) + "  - at: 40m\n    updateService: {service: web, taskDefinition: \"web:2\"}\n";
    let (count, first) = first_of(&yaml);
    assert_eq!(count, 1, "{first}");
    assert!(
        first.starts_with("error: cannot read `taskdefs/missing.json`"),
        "{first}"
    );
}

/// A small Fargate scenario for the message cases below.
const FARGATE: &str = r#"
duration: 6h
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}
  taskDefinitions:
    - {family: web, networkMode: awsvpc, requiresCompatibilities: [FARGATE], cpu: "256", memory: "512",
       containerDefinitions: [{name: app, image: web}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2, launchType: FARGATE}
behavior:
  taskDefinitions:
    web: {requestsPerSecondAtFullCpu: 100}
load:
  web:
    requestsPerSecond: [{constant: 100}, {step: {at: 3h, rps: 50}}]
"#;

#[test]
fn the_fargate_scenario_of_the_message_cases_loads() {
    let loaded = load_text("ok.yaml", FARGATE);
    assert!(
        loaded.is_ok(),
        "{}",
        loaded.err().map(|e| e.rendered).unwrap_or_default()
    );
}

/// Each case: what to replace in `FARGATE`, and the one error (message and help) it must give.
#[test]
fn misleading_messages_are_rewritten() {
    let cases = [
        (
            "launchType: FARGATE}",
            "capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}]}",
            "error: capacity provider `FARGATE_SPOT` is not associated with the cluster\n\
             = help: add FARGATE_SPOT to ecs.cluster.capacityProviders",
        ),
        (
            "duration: 6h",
            "duration: 2 hours",
            "error: duration `2 hours` is not in ecsim's form: write `2h` (a number and a unit d, h, m, s or ms, no spaces)",
        ),
        (
            "{step: {at: 3h, rps: 50}}",
            "{spike: {at: 3h, add: 50}}",
            "error: missing required field `duration` (how long the spike lasts, such as `15m`)",
        ),
    ];
    for (from, to, expected) in cases {
        assert_eq!(FARGATE.matches(from).count(), 1, "{from}");
        let yaml = FARGATE.replacen(from, to, 1);
        assert_eq!(first_of(&yaml), (1, expected.to_string()), "{to}");
    }
}

#[test]
fn a_spot_interruption_on_a_cluster_without_fargate_spot_says_so() {
    let yaml = format!(
        "{FARGATE}events:\n  - at: 1h\n    spotInterruption: {{capacityProvider: FARGATE_SPOT, fraction: 0.5}}\n"
    );
    assert_eq!(
        first_of(&yaml),
        (
            1,
            "error: capacity provider `FARGATE_SPOT` is not associated with the cluster\n\
             = help: add FARGATE_SPOT to ecs.cluster.capacityProviders"
                .to_string()
        )
    );
}

#[test]
fn a_mistake_in_a_yaml_alias_used_twice_is_one_error() {
    let yaml = REFERRED_TO.replacen(
        "      deploymentConfiguration: {alarms:",
        "      deploymentConfiguration: &dc {maximumPercnt: 200, alarms:",
        1,
    ) + "  - at: 40m\n    updateService: {service: web, deploymentConfiguration: *dc}\n";
    assert_eq!(
        first_of(&yaml),
        (
            1,
            "error: unknown field `maximumPercnt`\n= help: did you mean `maximumPercent`?".to_string()
        )
    );
}

/// `eventBridge` (issue 17): every error of schedules, rules, targets, patterns and their
/// `load` entries at once, with AWS's limits (TaskCount 1-10, MaximumRetryAttempts 0-185,
/// MaximumEventAgeInSeconds 60-86400, MaximumWindowInMinutes 1-1440, 1-5 targets).
#[test]
fn event_bridge_schedules_rules_and_targets() {
    check(
        r#"
duration: 1d
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}
  taskDefinitions:
    - {family: batch, cpu: "256", memory: "512", networkMode: awsvpc, requiresCompatibilities: [FARGATE], containerDefinitions: [{name: a, image: x, essential: true}]}
  services:
    - {serviceName: web, taskDefinition: batch, desiredCount: 1, launchType: FARGATE}
eventBridge:
  schedules:
    - Name: nightly
      ScheduleExpression: cron(0 2 * * *)
      FlexibleTimeWindow: {Mode: FLEXIBLE}
      Target:
        Arn: arn:aws:ecs:us-east-1:123456789012:cluster/other
        RoleArn: r
        EcsParameters: {TaskDefinitionArn: "batch:2", TaskCount: 11}
        RetryPolicy: {MaximumRetryAttempts: 200, MaximumEventAgeInSeconds: 30}
    - Name: bad name!
      ScheduleExpression: at(2026-03-08T02:30:00)
      ScheduleExpressionTimezone: America/New_York
      FlexibleTimeWindow: {Mode: "OFF", MaximumWindowInMinutes: 5}
      Target: {Arn: "arn:aws:lambda:us-east-1:1:function:f", RoleArn: r, EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE, CapacityProviderStrategy: [{capacityProvider: FARGATE, weight: 1}]}}
    - Name: no-ec2
      ScheduleExpression: rate(1 hour)
      FlexibleTimeWindow: {Mode: "OFF"}
      Target: {Arn: "arn:aws:ecs:us-east-1:1:cluster/demo", RoleArn: r, EcsParameters: {TaskDefinitionArn: batch, LaunchType: EC2}}
  rules:
    - Name: never
      EventPattern: {source: [aws.s3], detail: {size: [{numeric: [">", 5, "<", 3]}]}}
      Targets: [{Id: t, Arn: "arn:aws:ecs:us-east-1:1:cluster/demo", EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE}}]
    - Name: typo
      EventPattern: {source: [aws.s3], detail: {key: [{prefx: img/}]}}
      Targets: [{Id: t, Arn: "arn:aws:ecs:us-east-1:1:cluster/demo", EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE}}]
    - Name: wrong-event
      EventPattern: "{\"source\": [\"aws.s3\"]}"
      Targets: [{Id: t, Arn: "arn:aws:ecs:us-east-1:1:cluster/demo", EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE}}]
    - Name: no-load
      EventPattern: {source: [aws.sqs]}
      ScheduleExpression: rate(5 minutes)
      Targets: []
load:
  never: {eventsPerSecond: [{constant: 1}]}
  typo: {eventsPerSecond: [{constant: 1}]}
  wrong-event: {eventsPerSecond: [{constant: 1}], event: {source: aws.sqs}}
  nevr: {eventsPerSecond: [{constant: 1}]}
"#,
        r#"
error: invalid schedule: cron needs 6 fields (minutes hours day-of-month month day-of-week year), found 5
  --> bad.yaml:11:41
   |
11 |       ScheduleExpression: cron(0 2 * * *)
   |                                         ^
   = field: eventBridge.schedules[0].ScheduleExpression
   = help: AWS cron has six fields: minutes hours day-of-month month day-of-week year, e.g. cron(0 8 ? * MON-FRI *)

error: missing required field `MaximumWindowInMinutes` (Mode FLEXIBLE needs the window, 1 to 1440 minutes)
  --> bad.yaml:12:27
   |
12 |       FlexibleTimeWindow: {Mode: FLEXIBLE}
   |                           ^^^^^
   = field: eventBridge.schedules[0].FlexibleTimeWindow.MaximumWindowInMinutes
   = help: e.g. MaximumWindowInMinutes: 15

error: cluster `other` is not the scenario's cluster `demo`
  --> bad.yaml:14:9
   |
14 |         Arn: arn:aws:ecs:us-east-1:123456789012:cluster/other
   |         ^^^
   = field: eventBridge.schedules[0].Target.Arn
   = help: use arn:aws:ecs:us-east-1:123456789012:cluster/demo

error: the tasks run on the EC2 launch type (no LaunchType, CapacityProviderStrategy or cluster default strategy) but the scenario has no Auto Scaling group
  --> bad.yaml:16:24
   |
16 |         EcsParameters: {TaskDefinitionArn: "batch:2", TaskCount: 11}
   |                        ^^^^^^^^^^^^^^^^^^
   = field: eventBridge.schedules[0].Target.EcsParameters
   = help: set LaunchType: FARGATE or a CapacityProviderStrategy, or add ec2AutoScaling.autoScalingGroups

error: task definition `batch:2` is not defined in ecs.taskDefinitions
  --> bad.yaml:16:44
   |
16 |         EcsParameters: {TaskDefinitionArn: "batch:2", TaskCount: 11}
   |                                            ^^^^^^^^^
   = field: eventBridge.schedules[0].Target.EcsParameters.TaskDefinitionArn
   = help: did you mean `batch:1`?

error: 11 is out of range: expected 1 to 10
  --> bad.yaml:16:66
   |
16 |         EcsParameters: {TaskDefinitionArn: "batch:2", TaskCount: 11}
   |                                                                  ^^
   = field: eventBridge.schedules[0].Target.EcsParameters.TaskCount

error: 200 is out of range: expected 0 to 185
  --> bad.yaml:17:45
   |
17 |         RetryPolicy: {MaximumRetryAttempts: 200, MaximumEventAgeInSeconds: 30}
   |                                             ^^^
   = field: eventBridge.schedules[0].Target.RetryPolicy.MaximumRetryAttempts

error: 30 is out of range: expected 60 to 86400
  --> bad.yaml:17:76
   |
17 |         RetryPolicy: {MaximumRetryAttempts: 200, MaximumEventAgeInSeconds: 30}
   |                                                                            ^^
   = field: eventBridge.schedules[0].Target.RetryPolicy.MaximumEventAgeInSeconds

error: `bad name!` is not a valid name: 1 to 64 letters, digits, `.`, `-` or `_`
  --> bad.yaml:18:7
   |
18 |     - Name: bad name!
   |       ^^^^
   = field: eventBridge.schedules[1].Name
   = help: e.g. `nightly-batch`

error: this local time does not exist: a daylight-saving change skips it, so the one-time schedule would never run
  --> bad.yaml:19:7
   |
19 |       ScheduleExpression: at(2026-03-08T02:30:00)
   |       ^^^^^^^^^^^^^^^^^^
   = field: eventBridge.schedules[1].ScheduleExpression
   = help: pick a time outside the skipped hour, or set ScheduleExpressionTimezone: UTC

error: MaximumWindowInMinutes applies to Mode FLEXIBLE only
  --> bad.yaml:21:41
   |
21 |       FlexibleTimeWindow: {Mode: "OFF", MaximumWindowInMinutes: 5}
   |                                         ^^^^^^^^^^^^^^^^^^^^^^
   = field: eventBridge.schedules[1].FlexibleTimeWindow.MaximumWindowInMinutes
   = help: remove it, or set Mode: FLEXIBLE

error: `arn:aws:lambda:us-east-1:1:function:f` is not an ECS cluster ARN; only ECS RunTask targets are simulated
  --> bad.yaml:22:16
   |
22 |       Target: {Arn: "arn:aws:lambda:us-east-1:1:function:f", RoleArn: r, EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE, CapacityProviderStrategy: [{capacityProvider: FARGATE, weight: 1}]}}
   |                ^^^
   = field: eventBridge.schedules[1].Target.Arn
   = help: use arn:aws:ecs:us-east-1:123456789012:cluster/demo

error: LaunchType and CapacityProviderStrategy cannot both be set
  --> bad.yaml:22:116
   |
22 |       Target: {Arn: "arn:aws:lambda:us-east-1:1:function:f", RoleArn: r, EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE, CapacityProviderStrategy: [{capacityProvider: FARGATE, weight: 1}]}}
   |                                                                                                                    ^^^^^^^^^^
   = field: eventBridge.schedules[1].Target.EcsParameters.LaunchType
   = help: keep one of them

error: the tasks run on the EC2 launch type (no LaunchType, CapacityProviderStrategy or cluster default strategy) but the scenario has no Auto Scaling group
  --> bad.yaml:26:115
   |
26 |       Target: {Arn: "arn:aws:ecs:us-east-1:1:cluster/demo", RoleArn: r, EcsParameters: {TaskDefinitionArn: batch, LaunchType: EC2}}
   |                                                                                                                   ^^^^^^^^^^
   = field: eventBridge.schedules[2].Target.EcsParameters
   = help: set LaunchType: FARGATE or a CapacityProviderStrategy, or add ec2AutoScaling.autoScalingGroups

error: no value can match `detail.size`, so the rule would never run a task
  --> bad.yaml:29:21
   |
29 |       EventPattern: {source: [aws.s3], detail: {size: [{numeric: [">", 5, "<", 3]}]}}
   |                     ^^^^^^^
   = field: eventBridge.rules[0].EventPattern.detail.size
   = help: check the numeric bounds and anything-but lists of that field

error: unknown matcher `prefx`
  --> bad.yaml:32:56
   |
32 |       EventPattern: {source: [aws.s3], detail: {key: [{prefx: img/}]}}
   |                                                        ^^^^^
   = field: eventBridge.rules[1].EventPattern.detail.key[0].prefx
   = help: did you mean `prefix`?

error: rule `no-load` receives no events: `load` has no entry `no-load`
  --> bad.yaml:37:7
   |
37 |     - Name: no-load
   |       ^^^^
   = field: load.no-load
   = help: add load.no-load: {eventsPerSecond: [{constant: 0.5}], noise: poisson}

error: scheduled rules are not simulated; EventBridge Scheduler replaces them
  --> bad.yaml:39:7
   |
39 |       ScheduleExpression: rate(5 minutes)
   |       ^^^^^^^^^^^^^^^^^^
   = field: eventBridge.rules[3].ScheduleExpression
   = help: move the schedule to eventBridge.schedules (CreateSchedule)

error: a rule has 1 to 5 targets, found 0
  --> bad.yaml:40:7
   |
40 |       Targets: []
   |       ^^^^^^^
   = field: eventBridge.rules[3].Targets

error: rule `wrong-event`'s EventPattern does not match this event, so the rule would never run a task
  --> bad.yaml:44:58
   |
44 |   wrong-event: {eventsPerSecond: [{constant: 1}], event: {source: aws.sqs}}
   |                                                          ^^^^^^^
   = field: load.wrong-event.event
   = help: change the event or the pattern; without `event`, the event the pattern describes is used

error: no service or event rule named `nevr`
  --> bad.yaml:45:3
   |
45 |   nevr: {eventsPerSecond: [{constant: 1}]}
   |   ^^^^
   = field: load.nevr
   = help: did you mean `never`?

21 errors found; nothing was simulated.
"#,
    );
}

/// `eventBridge`: an EndDate before the StartDate, an empty task group, a target Id used twice.
#[test]
fn event_bridge_dates_groups_and_target_ids() {
    check(
        r#"
duration: 1d
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}
  taskDefinitions:
    - {family: batch, cpu: "256", memory: "512", networkMode: awsvpc, requiresCompatibilities: [FARGATE], containerDefinitions: [{name: a, image: x, essential: true}]}
  services:
    - {serviceName: web, taskDefinition: batch, desiredCount: 1, launchType: FARGATE}
eventBridge:
  schedules:
    - Name: backwards
      ScheduleExpression: rate(1 hour)
      StartDate: 2026-03-02T00:00:00Z
      EndDate: 2026-03-01T00:00:00Z
      FlexibleTimeWindow: {Mode: "OFF"}
      Target: {Arn: "arn:aws:ecs:us-east-1:1:cluster/demo", RoleArn: r, EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE, Group: ""}}
    - Name: backwards
      ScheduleExpression: rate(1 hour)
      FlexibleTimeWindow: {Mode: "OFF"}
      Target: {Arn: "arn:aws:ecs:us-east-1:1:cluster/demo", RoleArn: r, EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE}}
  rules:
    - Name: twice
      EventPattern: {source: [aws.s3]}
      Targets:
        - {Id: t, Arn: "arn:aws:ecs:us-east-1:1:cluster/demo", EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE}}
        - {Id: t, Arn: "arn:aws:ecs:us-east-1:1:cluster/demo", EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE}}
load:
  twice: {eventsPerSecond: [{constant: 1}]}
"#,
        r#"
error: EndDate is before StartDate, so the schedule never runs
  --> bad.yaml:13:7
   |
13 |       EndDate: 2026-03-01T00:00:00Z
   |       ^^^^^^^
   = field: eventBridge.schedules[0].EndDate
   = help: swap them, or remove EndDate

error: a task group name has 1 to 255 characters, found 0
  --> bad.yaml:15:136
   |
15 |       Target: {Arn: "arn:aws:ecs:us-east-1:1:cluster/demo", RoleArn: r, EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE, Group: ""}}
   |                                                                                                                                        ^^^^^
   = field: eventBridge.schedules[0].Target.EcsParameters.Group
   = help: e.g. `family:batch`

error: target Id `t` is used twice in this rule
  --> bad.yaml:25:11
   |
25 |         - {Id: t, Arn: "arn:aws:ecs:us-east-1:1:cluster/demo", EcsParameters: {TaskDefinitionArn: batch, LaunchType: FARGATE}}
   |           ^^^
   = field: eventBridge.rules[0].Targets[1].Id
   = help: give each target its own Id

3 errors found; nothing was simulated.
"#,
    );
}

#[test]
fn daemon_service_with_a_desired_count_a_default_strategy_and_maximum_percent_200() {
    // DAEMON (reference 8.8): AWS's own errors, one per refused field.
    check(
        r#"
duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: ecs-m5, InstanceType: m5.large, MinSize: 1, MaxSize: 4}
ecs:
  capacityProviders: [{name: cp, autoScalingGroupProvider: {autoScalingGroupArn: ecs-m5}}]
  cluster:
    clusterName: demo
    capacityProviders: [cp]
    defaultCapacityProviderStrategy: [{capacityProvider: cp, weight: 1}]
  taskDefinitions:
    - {family: agent, containerDefinitions: [{name: a, image: a, memory: 128}]}
  services:
    - serviceName: agent
      taskDefinition: agent
      schedulingStrategy: DAEMON
      desiredCount: 3
      deploymentConfiguration: {maximumPercent: 200}
"#,
        r#"
error: Specifying a capacity provider strategy is not supported when you create a service using the DAEMON scheduling strategy.
  --> bad.yaml:14:7
   |
14 |     - serviceName: agent
   |       ^^^^^^^^^^^
   = field: ecs.services[0].capacityProviderStrategy
   = help: the cluster has a default capacity provider strategy: set launchType: EC2 on the service

error: The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again
  --> bad.yaml:17:7
   |
17 |       desiredCount: 3
   |       ^^^^^^^^^^^^
   = field: ecs.services[0].desiredCount
   = help: a DAEMON service runs one task on each container instance: remove desiredCount

error: The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, and try again
  --> bad.yaml:18:49
   |
18 |       deploymentConfiguration: {maximumPercent: 200}
   |                                                 ^^^
   = field: ecs.services[0].deploymentConfiguration.maximumPercent

3 errors found; nothing was simulated.
"#,
    );
}

#[test]
fn eks_unknown_field_suggests_the_nearest_field() {
    check(
        r#"
duration: 1h
eks:
  nodegroups:
    - nodegroupName: general
      instanceType: [m5.large]
      scalingConfig: {minSize: 1, maxSize: 3}
"#,
        r#"
error: unknown field `instanceType`
  --> bad.yaml:5:7
  |
5 |       instanceType: [m5.large]
  |       ^^^^^^^^^^^^
  = field: eks.nodegroups[0].instanceType
  = help: did you mean `instanceTypes`?

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn eks_bad_quantities_say_how_kubernetes_writes_them() {
    check(
        r#"
duration: 1h
eks:
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
              - name: app
                resources: {requests: {cpu: 500mc, memory: 512MiB}}
"#,
        r#"
error: `500mc` is not a valid CPU quantity
  --> bad.yaml:14:45
   |
14 |                 resources: {requests: {cpu: 500mc, memory: 512MiB}}
   |                                             ^^^^^
   = field: eks.objects[0].spec.template.spec.containers[0].resources.requests.cpu
   = help: write a number with an optional suffix (m, k, M, G, T, Ki, Mi, Gi, Ti) or exponent (1e9), e.g. `500m` (half a vCPU), `1` or `0.25`

error: `512MiB` is not a valid memory quantity
  --> bad.yaml:14:60
   |
14 |                 resources: {requests: {cpu: 500mc, memory: 512MiB}}
   |                                                            ^^^^^^
   = field: eks.objects[0].spec.template.spec.containers[0].resources.requests.memory
   = help: write a number with an optional suffix (m, k, M, G, T, Ki, Mi, Gi, Ti) or exponent (1e9), e.g. `512Mi`, `1Gi`, `1G` (10^9 bytes) or `128974848`

2 errors found; nothing was simulated.
"#,
    );
}

#[test]
fn eks_max_surge_and_max_unavailable_both_zero_is_kubernetes_error() {
    check(
        r#"
duration: 1h
eks:
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        selector: {matchLabels: {app: web}}
        strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0%}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: app}]}
"#,
        r#"
error: may not be 0 when `maxSurge` is 0
  --> bad.yaml:9:49
  |
9 |         strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0%}}
  |                                                 ^^^^^^^^^^^^^^
  = field: eks.objects[0].spec.strategy.rollingUpdate.maxUnavailable
  = help: let one of them be at least 1 (or 1%), e.g. maxUnavailable: 1

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn eks_hpa_target_that_is_not_a_deployment_of_the_file() {
    check(
        r#"
duration: 1h
eks:
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: app}]}
    - apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: {name: web}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: webb}
        maxReplicas: 10
"#,
        r#"
error: no Deployment `webb` in namespace `default` among eks.objects
  --> bad.yaml:16:65
   |
16 |         scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: webb}
   |                                                                 ^^^^
   = field: eks.objects[1].spec.scaleTargetRef.name
   = help: did you mean `web`?

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn eks_unknown_instance_type_names_the_closest() {
    check(
        r#"
duration: 1h
eks:
  nodegroups:
    - nodegroupName: general
      instanceTypes: [m5.larg]
      scalingConfig: {minSize: 1, maxSize: 3}
"#,
        r#"
error: unknown instance type `m5.larg`
  --> bad.yaml:5:23
  |
5 |       instanceTypes: [m5.larg]
  |                       ^^^^^^^
  = field: eks.nodegroups[0].instanceTypes[0]
  = help: did you mean `m5.large`?

1 error found; nothing was simulated.
"#,
    );
}
