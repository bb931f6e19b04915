//! One mapping at a time, from small states: mixed instances policies and launch
//! configurations, identifiers of a state, what is left out and why.

use ecsim::import::terraform::import;

use super::super::support::load_text;
use super::{FARGATE_SERVICE, input_guesses, lines, state};

#[test]
fn an_auto_scaling_group_with_a_mixed_instances_policy_keeps_its_types_and_split() {
    let text = state(&format!(
        r#"{FARGATE_SERVICE},
        {{"address": "aws_autoscaling_group.spot", "mode": "managed", "type": "aws_autoscaling_group", "name": "spot",
          "values": {{"name": "spot", "min_size": 0, "max_size": 8, "desired_capacity": 1, "availability_zones": ["us-east-1a", "us-east-1b"],
            "mixed_instances_policy": [{{
              "instances_distribution": [{{"on_demand_base_capacity": 1, "on_demand_percentage_above_base_capacity": 0, "spot_allocation_strategy": "price-capacity-optimized", "spot_instance_pools": 0}}],
              "launch_template": [{{"launch_template_specification": [{{"launch_template_id": "lt-0abc", "version": "$Latest"}}],
                                    "override": [{{"instance_type": "m5.large"}}, {{"instance_type": "m6i.large", "weighted_capacity": ""}}]}}]}}]}}}},
        {{"address": "aws_autoscaling_group.lc", "mode": "managed", "type": "aws_autoscaling_group", "name": "lc",
          "values": {{"name": "lc", "min_size": 1, "max_size": 1, "launch_configuration": "old-lc", "availability_zones": ["us-east-1a"]}}}},
        {{"address": "aws_launch_configuration.old", "mode": "managed", "type": "aws_launch_configuration", "name": "old",
          "values": {{"name": "old-lc", "instance_type": "c5.xlarge"}}}}"#
    ));
    let imported = import(&text, "state.json").expect("imports");
    let yaml = imported.scenario.to_yaml("");
    assert!(
        yaml.contains("    - AutoScalingGroupName: spot\n      MixedInstancesPolicy:\n        LaunchTemplate:\n          Overrides:\n            - InstanceType: m5.large\n            - InstanceType: m6i.large\n        InstancesDistribution:\n          OnDemandBaseCapacity: 1\n          OnDemandPercentageAboveBaseCapacity: 0\n          SpotAllocationStrategy: price-capacity-optimized\n      MinSize: 0\n      MaxSize: 8\n      DesiredCapacity: 1\n      AvailabilityZones:\n        - us-east-1a\n        - us-east-1b\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("    - AutoScalingGroupName: lc\n      InstanceType: c5.xlarge\n"),
        "{yaml}"
    );
    // Its scenario zones are the groups' zones, in order.
    assert!(
        yaml.contains("availabilityZones:\n  - us-east-1a\n  - us-east-1b\n"),
        "{yaml}"
    );
    load_text("state.yaml", &yaml).unwrap_or_else(|e| panic!("{}\n{yaml}", e.rendered));
    assert_eq!(
        input_guesses(&imported),
        [
            "aws_autoscaling_group.lc (aws_autoscaling_group): desired_capacity not known (computed); the group starts at min_size 1"
        ]
    );
}

#[test]
fn in_a_state_arns_and_ids_name_the_resources_they_point_at() {
    let text = state(
        r#"
      {"address": "aws_ecs_cluster.c", "mode": "managed", "type": "aws_ecs_cluster", "name": "c",
       "values": {"name": "c", "arn": "arn:aws:ecs:ap-northeast-2:123456789012:cluster/c", "capacity_providers": ["cp"],
                  "default_capacity_provider_strategy": [{"capacity_provider": "cp", "weight": 1, "base": 1}]}},
      {"address": "aws_launch_template.lt", "mode": "managed", "type": "aws_launch_template", "name": "lt",
       "values": {"id": "lt-0abc", "name": "ecs", "instance_type": "c6i.large"}},
      {"address": "aws_autoscaling_group.g", "mode": "managed", "type": "aws_autoscaling_group", "name": "g",
       "values": {"name": "ecs-c6i", "arn": "arn:aws:autoscaling:ap-northeast-2:123456789012:autoScalingGroup:0a1b:autoScalingGroupName/ecs-c6i",
                  "min_size": 1, "max_size": 6, "desired_capacity": 2, "protect_from_scale_in": true,
                  "launch_template": [{"id": "lt-0abc", "name": "ecs", "version": "$Latest"}], "vpc_zone_identifier": ["subnet-1", "subnet-2"]}},
      {"address": "aws_ecs_capacity_provider.cp", "mode": "managed", "type": "aws_ecs_capacity_provider", "name": "cp",
       "values": {"name": "cp", "auto_scaling_group_provider": [{
         "auto_scaling_group_arn": "arn:aws:autoscaling:ap-northeast-2:123456789012:autoScalingGroup:0a1b:autoScalingGroupName/ecs-c6i",
         "managed_termination_protection": "ENABLED", "managed_scaling": [{"status": "ENABLED", "target_capacity": 100}]}]}},
      {"address": "aws_ecs_task_definition.t", "mode": "managed", "type": "aws_ecs_task_definition", "name": "t",
       "values": {"family": "t", "arn": "arn:aws:ecs:ap-northeast-2:123456789012:task-definition/t:4", "network_mode": "bridge",
                  "requires_compatibilities": ["EC2"], "container_definitions": "[{\"name\":\"app\",\"image\":\"a\",\"cpu\":512,\"memory\":1024}]"}},
      {"address": "aws_ecs_service.s", "mode": "managed", "type": "aws_ecs_service", "name": "s",
       "values": {"name": "s", "cluster": "arn:aws:ecs:ap-northeast-2:123456789012:cluster/c", "launch_type": "",
                  "task_definition": "arn:aws:ecs:ap-northeast-2:123456789012:task-definition/t:4", "desired_count": 2,
                  "alarms": [{"alarm_names": ["elsewhere", "high"], "enable": true, "rollback": true}]}},
      {"address": "aws_appautoscaling_target.s", "mode": "managed", "type": "aws_appautoscaling_target", "name": "s",
       "values": {"resource_id": "service/c/s", "scalable_dimension": "ecs:service:DesiredCount", "service_namespace": "ecs",
                  "min_capacity": 1, "max_capacity": 8}},
      {"address": "aws_appautoscaling_policy.up", "mode": "managed", "type": "aws_appautoscaling_policy", "name": "up",
       "values": {"name": "up", "arn": "arn:aws:autoscaling:ap-northeast-2:123456789012:scalingPolicy:1:resource/ecs/service/c/s:policyName/up",
                  "resource_id": "service/c/s", "scalable_dimension": "ecs:service:DesiredCount", "service_namespace": "ecs",
                  "step_scaling_policy_configuration": [{"adjustment_type": "ChangeInCapacity", "cooldown": 60,
                    "step_adjustment": [{"metric_interval_lower_bound": "0", "metric_interval_upper_bound": "", "scaling_adjustment": 2}]}]}},
      {"address": "aws_cloudwatch_metric_alarm.high", "mode": "managed", "type": "aws_cloudwatch_metric_alarm", "name": "high",
       "values": {"alarm_name": "high", "namespace": "AWS/ECS", "metric_name": "CPUUtilization", "statistic": "Average", "period": 60,
                  "evaluation_periods": 2, "threshold": 75, "comparison_operator": "GreaterThanThreshold",
                  "dimensions": {"ClusterName": "c", "ServiceName": "s"},
                  "alarm_actions": ["arn:aws:autoscaling:ap-northeast-2:123456789012:scalingPolicy:1:resource/ecs/service/c/s:policyName/up",
                                    "arn:aws:sns:ap-northeast-2:123456789012:pager"]}}"#,
    );
    let imported = import(&text, "state.json").expect("imports");
    let yaml = imported.scenario.to_yaml("");
    for expected in [
        // The launch template by its id; the zones from the region of the ARNs.
        "    - AutoScalingGroupName: ecs-c6i\n      InstanceType: c6i.large\n",
        "      AvailabilityZones:\n        - ap-northeast-2a\n        - ap-northeast-2b\n",
        // The group by its ARN; the providers set on the cluster (provider versions before 5.0).
        "        autoScalingGroupArn: ecs-c6i\n",
        "    capacityProviders:\n      - cp\n    defaultCapacityProviderStrategy:\n      - capacityProvider: cp\n        base: 1\n        weight: 1\n",
        // The task definition by its ARN; an empty launch_type is none.
        "    - serviceName: s\n      taskDefinition: t\n      desiredCount: 2\n    # from",
        // Deployment alarms: those the scenario has.
        "        alarms:\n          alarmNames:\n            - high\n          enable: true\n          rollback: true\n",
        // The policy by its ARN; the SNS topic is not a policy.
        "      AlarmActions:\n        - up\n",
    ] {
        let expected = expected.replace("\n    # from", "\n");
        assert!(yaml.contains(&expected), "missing:\n{expected}\nin:\n{yaml}");
    }
    assert!(!yaml.contains("launchType"), "{yaml}");
    load_text("state.yaml", &yaml).unwrap_or_else(|e| panic!("{}\n{yaml}", e.rendered));
    let ignored = lines(&imported.report.ignored);
    assert!(
        ignored.contains(&"aws_ecs_service.s.alarms (deployment alarm): alarm `elsewhere` is not imported, so the deployment does not watch it".to_string()),
        "{ignored:#?}"
    );
    assert!(
        ignored.contains(&"aws_cloudwatch_metric_alarm.high.alarm_actions (alarm action): arn:aws:sns:ap-northeast-2:123456789012:pager: only Application Auto Scaling policies are simulated".to_string()),
        "{ignored:#?}"
    );
}

#[test]
fn services_of_other_clusters_and_scaling_of_other_namespaces_are_listed_as_ignored() {
    let text = state(&format!(
        r#"{FARGATE_SERVICE},
        {{"address": "aws_ecs_service.other", "mode": "managed", "type": "aws_ecs_service", "name": "other",
          "values": {{"name": "other", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/elsewhere", "task_definition": "t", "desired_count": 1}}}},
        {{"address": "aws_appautoscaling_target.table", "mode": "managed", "type": "aws_appautoscaling_target", "name": "table",
          "values": {{"service_namespace": "dynamodb", "scalable_dimension": "dynamodb:table:ReadCapacityUnits", "resource_id": "table/orders", "min_capacity": 5, "max_capacity": 50}}}},
        {{"address": "aws_appautoscaling_scheduled_action.lonely", "mode": "managed", "type": "aws_appautoscaling_scheduled_action", "name": "lonely",
          "values": {{"name": "lonely", "service_namespace": "ecs", "scalable_dimension": "ecs:service:DesiredCount", "resource_id": "service/c/other",
                     "schedule": "rate(1 hour)", "scalable_target_action": [{{"min_capacity": "1"}}]}}}},
        {{"address": "aws_appautoscaling_target.s", "mode": "managed", "type": "aws_appautoscaling_target", "name": "s",
          "values": {{"service_namespace": "ecs", "scalable_dimension": "ecs:service:DesiredCount", "resource_id": "service/c/s", "min_capacity": 1, "max_capacity": 4}}}},
        {{"address": "aws_appautoscaling_policy.custom", "mode": "managed", "type": "aws_appautoscaling_policy", "name": "custom",
          "values": {{"name": "custom", "policy_type": "TargetTrackingScaling", "service_namespace": "ecs", "scalable_dimension": "ecs:service:DesiredCount", "resource_id": "service/c/s",
                     "target_tracking_scaling_policy_configuration": [{{"target_value": 10, "customized_metric_specification": [{{"metric_name": "QueueDepth", "namespace": "MyApp", "statistic": "Average"}}]}}]}}}},
        {{"address": "aws_ecs_service.daemon", "mode": "managed", "type": "aws_ecs_service", "name": "daemon",
          "values": {{"name": "agent", "cluster": "c", "task_definition": "t", "scheduling_strategy": "DAEMON"}}}}"#
    ));
    let imported = import(&text, "state.json").expect("imports");
    let ignored = lines(&imported.report.ignored);
    for expected in [
        "aws_ecs_service.other (aws_ecs_service): runs in cluster `elsewhere`, not the simulated `c`",
        "aws_appautoscaling_target.table (aws_appautoscaling_target): scales dynamodb dynamodb:table:ReadCapacityUnits (ecsim scales ECS services' ecs:service:DesiredCount)",
        "aws_ecs_service.daemon (aws_ecs_service): a DAEMON service: not imported; ecsim runs DAEMON services, so add it to the scenario by hand (schedulingStrategy: DAEMON, launchType: EC2, no desiredCount)",
        "aws_appautoscaling_policy.custom (aws_appautoscaling_policy): target tracking on MyApp QueueDepth, a metric ecsim does not produce: the policy is left out",
        "aws_appautoscaling_scheduled_action.lonely (aws_appautoscaling_scheduled_action): scales service/c/other, not a service of the scenario",
    ] {
        assert!(
            ignored.contains(&expected.to_string()),
            "{expected}\nnot in {ignored:#?}"
        );
    }
    let yaml = imported.scenario.to_yaml("");
    load_text("state.yaml", &yaml).unwrap_or_else(|e| panic!("{}\n{yaml}", e.rendered));
}

#[test]
fn load_balancer_alarms_need_one_service_behind_their_target_group_and_a_statistic_ecsim_computes() {
    let alarm = |name: &str, metric: &str, statistic: &str, group: &str| {
        format!(
            r#"{{"address": "aws_cloudwatch_metric_alarm.{name}", "mode": "managed", "type": "aws_cloudwatch_metric_alarm", "name": "{name}",
                "values": {{"alarm_name": "{name}", "namespace": "AWS/ApplicationELB", "metric_name": "{metric}", {statistic},
                           "period": 60, "evaluation_periods": 1, "threshold": 1, "comparison_operator": "GreaterThanThreshold",
                           "dimensions": {{"TargetGroup": "targetgroup/{group}/0123456789abcdef"}}}}}}"#
        )
    };
    let service = FARGATE_SERVICE.replace(
        r#""launch_type": "FARGATE"}"#,
        r#""launch_type": "FARGATE", "load_balancer": [{"target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/0123456789abcdef", "container_name": "app", "container_port": 80}]}"#,
    );
    let text = state(&[
        service,
        r#"{"address": "aws_lb_target_group.tg", "mode": "managed", "type": "aws_lb_target_group", "name": "tg",
            "values": {"name": "tg", "arn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/0123456789abcdef"}}"#
            .to_string(),
        alarm("requests", "RequestCount", r#""statistic": "Sum""#, "tg"),
        alarm("peak", "RequestCount", r#""statistic": "Maximum""#, "tg"),
        alarm("extreme", "TargetResponseTime", r#""extended_statistic": "p100""#, "tg"),
        alarm("elsewhere", "RequestCount", r#""statistic": "Sum""#, "other"),
    ]
    .join(","));
    let imported = import(&text, "state.json").expect("imports");
    let yaml = imported.scenario.to_yaml("");
    assert!(yaml.contains("    - AlarmName: requests\n"), "{yaml}");
    assert!(
        !yaml.contains("serviceTime"),
        "no alarm on a response time was imported: {yaml}"
    );
    let ignored = lines(&imported.report.ignored);
    for expected in [
        "aws_cloudwatch_metric_alarm.peak (aws_cloudwatch_metric_alarm): the statistic Maximum of RequestCount is not one ecsim computes (counts: Sum or SampleCount; TargetResponseTime: not Minimum, Maximum, p0 or p100)",
        "aws_cloudwatch_metric_alarm.extreme (aws_cloudwatch_metric_alarm): the statistic p100 of TargetResponseTime is not one ecsim computes (counts: Sum or SampleCount; TargetResponseTime: not Minimum, Maximum, p0 or p100)",
        "aws_cloudwatch_metric_alarm.elsewhere (aws_cloudwatch_metric_alarm): watches target group other, which 0 services of the scenario register in (ecsim needs exactly one)",
    ] {
        assert!(
            ignored.contains(&expected.to_string()),
            "{expected}\nnot in {ignored:#?}"
        );
    }
    load_text("state.yaml", &yaml).unwrap_or_else(|e| panic!("{}\n{yaml}", e.rendered));
}

#[test]
fn scaling_without_its_scalable_target_is_left_out_as_application_auto_scaling_would_refuse_it() {
    let text = state(&format!(
        r#"{FARGATE_SERVICE},
        {{"address": "aws_appautoscaling_scheduled_action.early", "mode": "managed", "type": "aws_appautoscaling_scheduled_action", "name": "early",
          "values": {{"name": "early", "service_namespace": "ecs", "scalable_dimension": "ecs:service:DesiredCount", "resource_id": "service/c/s",
                     "schedule": "at(2026-03-02T07:00:00)", "scalable_target_action": [{{"min_capacity": "4", "max_capacity": ""}}]}}}}"#
    ));
    let imported = import(&text, "state.json").expect("imports");
    assert_eq!(
        lines(&imported.report.ignored),
        [
            "aws_appautoscaling_scheduled_action.early (aws_appautoscaling_scheduled_action): no aws_appautoscaling_target for service/c/s in the document"
        ]
    );
    let yaml = imported.scenario.to_yaml("");
    assert!(!yaml.contains("applicationAutoScaling"), "{yaml}");
    load_text("state.yaml", &yaml).unwrap_or_else(|e| panic!("{}\n{yaml}", e.rendered));
}

#[test]
fn a_reference_to_a_resource_with_several_instances_takes_the_first_and_says_so() {
    let text = r#"{
      "format_version": "1.2",
      "planned_values": {"root_module": {"resources": [
        {"address": "aws_ecs_cluster.c", "mode": "managed", "type": "aws_ecs_cluster", "name": "c", "values": {"name": "c"}},
        {"address": "aws_lb_target_group.tg[0]", "mode": "managed", "type": "aws_lb_target_group", "name": "tg", "index": 0, "values": {"name": "blue"}},
        {"address": "aws_lb_target_group.tg[1]", "mode": "managed", "type": "aws_lb_target_group", "name": "tg", "index": 1, "values": {"name": "green"}},
        {"address": "aws_ecs_task_definition.t", "mode": "managed", "type": "aws_ecs_task_definition", "name": "t",
         "values": {"family": "t", "cpu": "256", "memory": "512", "network_mode": "awsvpc", "requires_compatibilities": ["FARGATE"],
                    "container_definitions": "[{\"name\":\"app\",\"image\":\"example/app:1\",\"portMappings\":[{\"containerPort\":80}]}]"}},
        {"address": "aws_ecs_service.s", "mode": "managed", "type": "aws_ecs_service", "name": "s",
         "values": {"name": "s", "cluster": "c", "desired_count": 2, "launch_type": "FARGATE",
                    "load_balancer": [{"container_name": "app", "container_port": 80}]}}]}},
      "configuration": {"root_module": {"resources": [
        {"address": "aws_ecs_service.s", "expressions": {
          "task_definition": {"references": ["aws_ecs_task_definition.t.arn", "aws_ecs_task_definition.t"]},
          "load_balancer": [{"target_group_arn": {"references": ["aws_lb_target_group.tg[0].arn", "aws_lb_target_group.tg"]}}]}}]}}
    }"#;
    let imported = import(text, "plan.json").expect("imports");
    let yaml = imported.scenario.to_yaml("");
    assert!(
        yaml.contains("      loadBalancers:\n        - targetGroupArn: blue\n"),
        "{yaml}"
    );
    assert_eq!(
        input_guesses(&imported),
        [
            "aws_ecs_service.s (aws_ecs_service): load_balancer[0].target_group_arn refers to one of 2 instances (count or for_each); the first, aws_lb_target_group.tg[0], was taken"
        ]
    );
    load_text("plan.yaml", &yaml).unwrap_or_else(|e| panic!("{}\n{yaml}", e.rendered));
}
