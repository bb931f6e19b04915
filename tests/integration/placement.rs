//! Placement through the engine: strategies, constraints, custom attributes, ENI trunking and
//! scale-in choice, on small scenarios run in memory with invariants checked after every event.
//! Case numbers refer to `docs/aws-behaviour.md`.

use std::collections::BTreeMap;

use crate::support::{column, load_text, run_to_strings};

/// A cluster of `count` `itype` instances over three zones, one service of `desired` tasks of
/// 512 CPU units and 2048 MiB (bridge, no ports), with `service_extra` appended to the service
/// and `ecs_extra` to the `ecs` block.
fn scenario(itype: &str, count: u32, desired: u32, service_extra: &str, ecs_extra: &str, tail: &str) -> String {
    format!(
        r#"name: placement test
seed: 3
duration: 30m
availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
ec2AutoScaling:
  autoScalingGroups:
    - {{AutoScalingGroupName: asg, InstanceType: {itype}, MinSize: {count}, MaxSize: {count}, DesiredCapacity: {count},
       AvailabilityZones: [us-east-1a, us-east-1b, us-east-1c]}}
ecs:
  capacityProviders:
    - {{name: cp, autoScalingGroupProvider: {{autoScalingGroupArn: asg}}}}
  cluster:
    clusterName: test
    capacityProviders: [cp]
    defaultCapacityProviderStrategy: [{{capacityProvider: cp, weight: 1}}]
{ecs_extra}  taskDefinitions:
    - family: web
      networkMode: bridge
      containerDefinitions: [{{name: app, image: x, cpu: 512, memory: 2048}}]
    - family: vpc
      networkMode: awsvpc
      containerDefinitions: [{{name: app, image: x, cpu: 64, memory: 128}}]
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: {desired}
{service_extra}
{tail}"#
    )
}

/// Alive `web` tasks per instance id, at the end of the run.
fn tasks_per_instance(text: &str) -> BTreeMap<String, usize> {
    let loaded = load_text("placement.yaml", text).unwrap_or_else(|e| panic!("{}", e.rendered));
    let out = run_to_strings(&loaded);
    let instances = column(&out.tasks, "instance_id", None);
    let stopped = column(&out.tasks, "stopped_s", None);
    let mut counts = BTreeMap::new();
    for (i, s) in instances.iter().zip(&stopped) {
        if s.is_empty() && !i.is_empty() {
            *counts.entry(i.clone()).or_insert(0) += 1;
        }
    }
    counts
}

fn shape(counts: &BTreeMap<String, usize>) -> Vec<usize> {
    counts.values().copied().collect()
}

#[test]
fn strategies_shape_the_fleet_differently() {
    // Three m5.large (2048 CPU units, ~7.5 GiB): 3 tasks of 512/2048 fit on one instance by memory.
    let default = tasks_per_instance(&scenario("m5.large", 3, 4, "", "", ""));
    assert_eq!(shape(&default), [2, 1, 1]);
    // Case 34: binpack(memory) fills the first instance before using the next.
    let binpack = "      placementStrategy: [{type: binpack, field: memory}]\n";
    assert_eq!(
        shape(&tasks_per_instance(&scenario("m5.large", 3, 4, binpack, "", ""))),
        [3, 1]
    );
    let spread = "      placementStrategy: [{type: spread, field: instanceId}]\n";
    assert_eq!(
        shape(&tasks_per_instance(&scenario("m5.large", 3, 4, spread, "", ""))),
        [2, 1, 1]
    );
    let distinct = "      placementConstraints: [{type: distinctInstance}]\n";
    assert_eq!(
        shape(&tasks_per_instance(&scenario("m5.large", 3, 4, distinct, "", ""))),
        [1, 1, 1]
    );
}

#[test]
fn member_of_reads_custom_attributes() {
    let attrs = "  attributes: [{name: stack, value: prod, autoScalingGroup: asg}]\n";
    let yes = "      placementConstraints: [{type: memberOf, expression: \"attribute:stack == prod\"}]\n";
    assert_eq!(
        shape(&tasks_per_instance(&scenario("m5.large", 3, 3, yes, attrs, ""))),
        [1, 1, 1]
    );
    let no = "      placementConstraints: [{type: memberOf, expression: \"attribute:stack == dev\"}]\n";
    let text = scenario("m5.large", 3, 3, no, attrs, "");
    let loaded = load_text("placement.yaml", &text).unwrap_or_else(|e| panic!("{}", e.rendered));
    let out = run_to_strings(&loaded);
    assert!(out.events.contains("Reason: MemberOf."), "{}", out.events);
    assert!(
        out.events.contains("encountered error \"\"MemberOf\"\""),
        "{}",
        out.events
    );
}

#[test]
fn scale_in_with_binpack_stops_where_the_most_memory_is_free() {
    // Case 34, second line: six tasks spread 2/2/2 by instanceId; desired 6 -> 3 with binpack.
    let strategy = "      placementStrategy: [{type: binpack, field: memory}]\n";
    let events = "events:\n  - at: 10m\n    updateService: {service: web, desiredCount: 4}\n";
    let counts = tasks_per_instance(&scenario("m5.large", 3, 6, strategy, "", events));
    // binpack placed 3/3 on two instances; scale-in stops two tasks from one of them (the stop
    // leaves that one with the most free memory), not one from each.
    assert_eq!(shape(&counts), [3, 1]);
}

/// Running `vpc` tasks at the end with `desired` awsvpc tasks on one instance.
fn awsvpc_running(itype: &str, trunking: &str, desired: u32) -> usize {
    let ecs_extra = format!("  accountSettings: {{awsvpcTrunking: {trunking}}}\n");
    let service = format!(
        "      launchType: EC2\n    - {{serviceName: vpc, taskDefinition: vpc, desiredCount: {desired}, networkConfiguration: {{awsvpcConfiguration: {{subnets: [s]}}}}}}\n"
    );
    let text = scenario(itype, 1, 0, &service, &ecs_extra, "");
    let loaded = load_text("placement.yaml", &text).unwrap_or_else(|e| panic!("{}", e.rendered));
    let out = run_to_strings(&loaded);
    let stopped = column(&out.tasks, "stopped_s", Some(("service", "vpc")));
    let instances = column(&out.tasks, "instance_id", Some(("service", "vpc")));
    stopped
        .iter()
        .zip(&instances)
        .filter(|(s, i)| s.is_empty() && !i.is_empty())
        .count()
}

#[test]
fn awsvpc_trunking_raises_the_task_limit_case_37() {
    // Case 37: c5.large holds 2 awsvpc tasks without trunking, 10 with; m5.xlarge 20 with.
    assert_eq!(awsvpc_running("c5.large", "disabled", 12), 2);
    assert_eq!(awsvpc_running("c5.large", "enabled", 12), 10);
    assert_eq!(awsvpc_running("m5.xlarge", "enabled", 25), 20);
    // t3 does not support trunking: it keeps its limit without it.
    assert_eq!(awsvpc_running("t3.large", "enabled", 5), 2);
}

#[track_caller]
fn check_error(service_extra: &str, ecs_extra: &str, expected: &[&str]) {
    let text = scenario("m5.large", 3, 3, service_extra, ecs_extra, "");
    let err = load_text("bad.yaml", &text).expect_err("invalid scenario");
    for e in expected {
        assert!(err.rendered.contains(e), "missing `{e}` in:\n{}", err.rendered);
    }
}

#[test]
fn bad_placement_input_is_located() {
    // The column points inside the expression: the string starts at column 60 of line 27.
    check_error(
        "      placementConstraints: [{type: memberOf, expression: \"attribute:stack == prod and runningTaskCount < 2\"}]\n",
        "",
        &[
            "error: invalid memberOf expression at column 29: unknown subject `runningTaskCount`",
            "--> bad.yaml:27:88",
            "= help: did you mean `runningTasksCount`?",
            "field: ecs.services[0].placementConstraints[0].expression",
        ],
    );
    check_error(
        "      placementStrategy: [{type: binpack, field: disk}]\n",
        "",
        &["`binpack` packs on cpu or memory, not `disk`"],
    );
    check_error(
        "      placementStrategy: [{type: random}, {type: random}, {type: random}, {type: random}, {type: random}, {type: random}]\n",
        "",
        &["a service has at most 5 placement strategy rules, found 6"],
    );
    check_error(
        "",
        "  attributes: [{name: ecs.stack, value: \" prod\", autoScalingGroup: asgg}]\n",
        &[
            "names starting with `ecs.` are reserved",
            "an attribute value cannot start or end with whitespace",
            "no Auto Scaling group is called `asgg`",
            "did you mean `asg`?",
        ],
    );
    check_error(
        "      placementConstraints: [{type: distinctInstance, expression: \"x == y\"}]\n",
        "  accountSettings: {awsvpcTrunking: on}\n",
        &["`distinctInstance` takes no expression", "`on` is not a valid value"],
    );
}

#[test]
fn distinct_instance_is_rejected_in_a_task_definition() {
    let text = scenario("m5.large", 3, 3, "", "", "").replace(
        "      networkMode: bridge\n",
        "      networkMode: bridge\n      placementConstraints: [{type: distinctInstance}]\n",
    );
    let err = load_text("bad.yaml", &text).expect_err("invalid");
    assert!(
        err.rendered
            .contains("`distinctInstance` is not allowed in a task definition"),
        "{}",
        err.rendered
    );
}
