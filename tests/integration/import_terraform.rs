//! `ecsim import terraform` (issue 18, scope 3): `terraform show -json` of plans and states,
//! written by hand in the documented format under `tests/fixtures/import/terraform/`, import
//! into scenarios that load and run deterministically; each resource type maps to its AWS
//! shape; unknown references of a plan resolve through its configuration; bad input fails
//! clearly with exit 2.

use ecsim::import::terraform::import;
use ecsim::import::{ImportError, Imported};

use super::support::{TempDir, ecsim, load_text, root, run_to_strings};

const FIXTURES: &[&str] = &[
    "fargate-target-tracking.state.json",
    "ec2-step-scaling.plan.json",
    "module-nesting.plan.json",
];

fn fixture(name: &str) -> String {
    let path = root().join("tests/fixtures/import/terraform").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn imported(name: &str) -> (String, Imported) {
    let imported = import(&fixture(name), name).unwrap_or_else(|e| panic!("{name}: {e}"));
    (imported.scenario.to_yaml("imported in a test"), imported)
}

fn import_error(text: &str) -> ImportError {
    import(text, "input.json").expect_err("the import fails")
}

/// The guesses about the input, without the two every import makes (the placeholders of
/// `load:` and `behavior:`, checked on their own).
fn input_guesses(imported: &Imported) -> Vec<String> {
    lines(&imported.report.guesses)
        .into_iter()
        .filter(|l| !l.contains(" (scenario): "))
        .collect()
}

/// The entries of one group of the report, as `source (kind): sentence` lines.
fn lines(entries: &[ecsim::import::report::ReportEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| format!("{} ({}): {}", e.source, e.kind, e.sentence))
        .collect()
}

#[test]
fn each_fixture_imports_loads_and_runs_twice_to_the_same_bytes() {
    for name in FIXTURES {
        let (text, _) = imported(name);
        let (again, _) = imported(name);
        assert_eq!(text, again, "{name}: the import is deterministic");
        let loaded = load_text(name, &text).unwrap_or_else(|e| panic!("{name} does not load:\n{}\n{text}", e.rendered));
        let first = run_to_strings(&loaded);
        let second = run_to_strings(&loaded);
        assert_eq!(first.services, second.services, "{name}");
        assert_eq!(first.events, second.events, "{name}");
        assert_eq!(first.cluster, second.cluster, "{name}");
        assert!(first.services.lines().count() > 100, "{name}: a day of rows");
    }
}

#[test]
fn a_state_maps_the_fargate_service_its_target_group_and_its_target_tracking_policy() {
    let (text, imported) = imported("fargate-target-tracking.state.json");
    for expected in [
        // The cluster and its providers (aws_ecs_cluster_capacity_providers).
        "  # from aws_ecs_cluster.main, aws_ecs_cluster_capacity_providers.main\n  cluster:\n    clusterName: shop\n    capacityProviders:\n      - FARGATE\n      - FARGATE_SPOT\n    defaultCapacityProviderStrategy:\n      - capacityProvider: FARGATE\n        weight: 1\n",
        // The task definition, with container_definitions parsed from its JSON string.
        "    # from aws_ecs_task_definition.web\n    - family: web\n      cpu: \"512\"\n      memory: \"1024\"\n      networkMode: awsvpc\n",
        "          image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:2.4.1\n",
        // The service: the task definition's ARN becomes its family, the target group's ARN its name.
        "    # from aws_ecs_service.web\n    - serviceName: web\n      taskDefinition: web\n      desiredCount: 4\n      launchType: FARGATE\n",
        "        deploymentCircuitBreaker:\n          enable: true\n          rollback: true\n",
        "      loadBalancers:\n        - targetGroupArn: web\n          containerName: web\n          containerPort: 8080\n      healthCheckGracePeriodSeconds: 60\n",
        // The target group: health check and the three attributes ecsim models.
        "    - TargetGroupName: web\n      HealthCheckIntervalSeconds: 15\n      HealthyThresholdCount: 3\n      UnhealthyThresholdCount: 2\n",
        "        - Key: deregistration_delay.timeout_seconds\n          Value: \"30\"\n",
        "        - Key: load_balancing.algorithm.type\n          Value: least_outstanding_requests\n",
        // The scalable target and the policy.
        "      ResourceId: service/shop/web\n      ScalableDimension: ecs:service:DesiredCount\n      MinCapacity: 2\n      MaxCapacity: 20\n",
        "      TargetTrackingScalingPolicyConfiguration:\n        TargetValue: 60\n        PredefinedMetricSpecification:\n          PredefinedMetricType: ECSServiceAverageCPUUtilization\n        ScaleOutCooldown: 60\n        ScaleInCooldown: 300\n",
    ] {
        assert!(text.contains(expected), "missing:\n{expected}\nin:\n{text}");
    }
    let ignored = lines(&imported.report.ignored);
    for expected in [
        "aws_cloudwatch_log_group.web (aws_cloudwatch_log_group): a resource type ecsim does not model",
        "aws_iam_role.execution (aws_iam_role): a resource type ecsim does not model",
        "data.aws_iam_policy_document.assume (aws_iam_policy_document): a data source",
        "aws_ecs_task_definition.web (attributes): set, but not modelled: execution_role_arn",
        "aws_ecs_service.web (attributes): set, but not modelled: availability_zone_rebalancing, iam_role, network_configuration, platform_version, propagate_tags",
    ] {
        assert!(
            ignored.contains(&expected.to_string()),
            "{expected}\nnot in {ignored:#?}"
        );
    }
    assert!(input_guesses(&imported).is_empty(), "{:?}", imported.report.guesses);
    // What Terraform cannot say is written as a guess to replace: 4 tasks near 50 % CPU.
    assert_eq!(
        lines(&imported.report.guesses),
        [
            "behavior.taskDefinitions.web (scenario): requestsPerSecondAtFullCpu is not in Terraform: 100 assumed, replace it",
            "load.web (scenario): a placeholder load of 200 requests/s (the desired count near 50 % CPU): replace it with the real traffic",
        ]
    );
    assert!(text.contains("behavior:\n  taskDefinitions:\n    # GUESS: not in Terraform; what one task serves at 100 % CPU (ecsim's default): replace it\n    web:\n      requestsPerSecondAtFullCpu: 100\n"), "{text}");
    assert!(
        text.contains("  web:\n    requestsPerSecond:\n      - constant: 200\n"),
        "{text}"
    );
}

#[test]
fn a_plan_resolves_the_arns_it_does_not_know_through_its_configuration() {
    let (text, imported) = imported("ec2-step-scaling.plan.json");
    for expected in [
        // The group's instance type comes from its launch template, found through the reference.
        "    # from aws_autoscaling_group.ecs\n    - AutoScalingGroupName: ecs-m5\n      InstanceType: m5.large\n      MinSize: 0\n      MaxSize: 10\n      DesiredCapacity: 2\n      NewInstancesProtectedFromScaleIn: true\n",
        // The capacity provider's group (an unknown ARN) by name, with managed scaling.
        "    - name: cp-m5\n      autoScalingGroupProvider:\n        autoScalingGroupArn: ecs-m5\n        managedScaling:\n          status: ENABLED\n          targetCapacity: 90\n          minimumScalingStepSize: 1\n          maximumScalingStepSize: 10\n          instanceWarmupPeriod: 300\n        managedTerminationProtection: ENABLED\n",
        "      capacityProviderStrategy:\n        - capacityProvider: cp-m5\n          weight: 1\n",
        "      placementStrategy:\n        - type: spread\n          field: attribute:ecs.availability-zone\n        - type: binpack\n          field: memory\n      placementConstraints:\n        - type: memberOf\n          expression: attribute:ecs.instance-type =~ m5.*\n",
        // Step bounds are strings in the provider; an empty one is an open interval.
        "        StepAdjustments:\n          - MetricIntervalLowerBound: 0\n            MetricIntervalUpperBound: 20\n            ScalingAdjustment: 1\n          - MetricIntervalLowerBound: 20\n            ScalingAdjustment: 3\n",
        "          - MetricIntervalUpperBound: 0\n            ScalingAdjustment: -1\n",
        // The scheduled action's capacities are strings in the provider too.
        "      Schedule: cron(0 22 * * ? *)\n      Timezone: Europe/Paris\n      ScalableTargetAction:\n        MinCapacity: 1\n        MaxCapacity: 4\n",
        // The alarms invoke the policies their unknown alarm_actions reference.
        "      AlarmActions:\n        - worker-scale-out\n",
        "      AlarmActions:\n        - worker-scale-in\n",
    ] {
        assert!(text.contains(expected), "missing:\n{expected}\nin:\n{text}");
    }
    let resolved: Vec<&str> = imported
        .report
        .imported
        .iter()
        .filter(|e| e.kind == "reference")
        .map(|e| e.sentence.as_str())
        .collect();
    let prefix = "unknown in the plan, resolved through its configuration: ";
    for expected in [
        "launch_template[0].id = aws_launch_template.ecs.id",
        "cluster = aws_ecs_cluster.main.id",
        "auto_scaling_group_provider[0].auto_scaling_group_arn = aws_autoscaling_group.ecs.arn",
        "task_definition = aws_ecs_task_definition.worker.arn",
        "alarm_actions = aws_appautoscaling_policy.scale_out.arn",
        "alarm_actions = aws_appautoscaling_policy.scale_in.arn",
    ] {
        assert!(
            resolved.contains(&format!("{prefix}{expected}").as_str()),
            "{expected}\nnot in {resolved:#?}"
        );
    }
    let guesses = input_guesses(&imported);
    assert_eq!(
        guesses,
        [
            "aws_autoscaling_group.ecs (Availability Zones): 3 subnets in vpc_zone_identifier; assumed one Availability Zone each: eu-west-3a, eu-west-3b, eu-west-3c"
        ]
    );
    let ignored = lines(&imported.report.ignored);
    for expected in [
        "aws_cloudwatch_metric_alarm.instances_cpu (aws_cloudwatch_metric_alarm): an alarm on AWS/EC2 CPUUtilization (ecsim imports alarms on AWS/ECS CPUUtilization and MemoryUtilization)",
        "aws_cloudwatch_metric_alarm.cpu_high.alarm_actions (alarm action): aws_sns_topic.alerts: only Application Auto Scaling policies are simulated",
        "aws_sns_topic.alerts (aws_sns_topic): a resource type ecsim does not model",
    ] {
        assert!(
            ignored.contains(&expected.to_string()),
            "{expected}\nnot in {ignored:#?}"
        );
    }
}

#[test]
fn resources_of_child_modules_are_imported_with_their_addresses_and_module_variables_followed() {
    let (text, imported) = imported("module-nesting.plan.json");
    for expected in [
        "    # from module.service.aws_ecs_service.this\n    - serviceName: api\n",
        // `target_group_arn = var.target_group_arn`, passed by the root module.
        "      loadBalancers:\n        - targetGroupArn: api\n",
        "    # from module.service.module.schedule[\"weekend\"].aws_appautoscaling_scheduled_action.this\n    - ScheduledActionName: api-weekend\n      ServiceNamespace: ecs\n      ResourceId: service/api/api\n",
        "          PredefinedMetricType: ALBRequestCountPerTarget\n          ResourceLabel: app/api-alb/0000000000000000/targetgroup/api/0000000000000000\n",
        "    - AlarmName: api-memory-high\n      Namespace: AWS/ECS\n      MetricName: MemoryUtilization\n",
        "      DatapointsToAlarm: 3\n",
        "      Dimensions:\n        - Name: ClusterName\n          Value: api\n        - Name: ServiceName\n          Value: api\n",
    ] {
        assert!(text.contains(expected), "missing:\n{expected}\nin:\n{text}");
    }
    let resolved: Vec<String> = lines(&imported.report.imported)
        .into_iter()
        .filter(|l| l.contains("(reference)"))
        .collect();
    let prefix = "(reference): unknown in the plan, resolved through its configuration: ";
    for expected in [
        // Built from the cluster's id (an ARN the plan does not know): rebuilt from the service.
        "module.service.aws_appautoscaling_target.this {p}resource_id = service/api/api (from module.service.aws_ecs_service.this.name)",
        "module.service.aws_appautoscaling_policy.requests {p}resource_id = module.service.aws_appautoscaling_target.this.resource_id (service/api/api)",
        "module.service.module.schedule[\"weekend\"].aws_appautoscaling_scheduled_action.this {p}resource_id = module.service.aws_appautoscaling_target.this.resource_id (service/api/api)",
        // Through two module calls' variables.
        "module.service.module.schedule[\"weekend\"].aws_cloudwatch_metric_alarm.memory {p}dimensions.ClusterName = aws_ecs_cluster.main.id (api)",
        "module.service.module.schedule[\"weekend\"].aws_cloudwatch_metric_alarm.memory {p}dimensions.ServiceName = module.service.aws_ecs_service.this.name (api)",
    ] {
        let expected = expected.replace("{p}", prefix);
        assert!(resolved.contains(&expected), "{expected}\nnot in {resolved:#?}");
    }
    assert_eq!(resolved.len(), 8, "each resolution once: {resolved:#?}");
    assert!(
        resolved.contains(&"module.service.aws_ecs_service.this (reference): unknown in the plan, resolved through its configuration: load_balancer[0].target_group_arn = aws_lb_target_group.api.arn".to_string()),
        "{resolved:#?}"
    );
    let guesses = lines(&imported.report.guesses);
    assert!(
        guesses
            .iter()
            .any(|g| g.starts_with("aws_lb_target_group.api (aws_lb_target_group): no name known")),
        "{guesses:#?}"
    );
    assert!(
        guesses
            .iter()
            .any(|g| g.contains("resource_label not known in the plan")),
        "{guesses:#?}"
    );
}

/// A state with the resources given as JSON objects, for one mapping at a time.
fn state(resources: &str) -> String {
    format!(r#"{{"format_version": "1.0", "values": {{"root_module": {{"resources": [{resources}]}}}}}}"#)
}

const FARGATE_SERVICE: &str = r#"
  {"address": "aws_ecs_cluster.c", "mode": "managed", "type": "aws_ecs_cluster", "name": "c", "values": {"name": "c"}},
  {"address": "aws_ecs_task_definition.t", "mode": "managed", "type": "aws_ecs_task_definition", "name": "t",
   "values": {"family": "t", "cpu": "256", "memory": "512", "network_mode": "awsvpc", "requires_compatibilities": ["FARGATE"],
              "container_definitions": "[{\"name\":\"app\",\"image\":\"example/app:1\"}]"}},
  {"address": "aws_ecs_service.s", "mode": "managed", "type": "aws_ecs_service", "name": "s",
   "values": {"name": "s", "cluster": "c", "task_definition": "t:1", "desired_count": 2, "launch_type": "FARGATE"}}"#;

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
        "aws_ecs_service.daemon (aws_ecs_service): a DAEMON service (ecsim simulates REPLICA services)",
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
fn input_that_is_not_what_terraform_show_json_prints_is_refused_with_what_to_run() {
    let e = import_error("resource \"aws_ecs_service\" \"web\" {}\n");
    assert!(e.message.starts_with("is not JSON"), "{e}");
    assert_eq!((e.line, e.column), (1, 1));
    assert!(
        e.help.as_deref().unwrap_or_default().contains("terraform show -json"),
        "{e}"
    );

    let cloudformation = r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}"#;
    let e = import_error(cloudformation);
    assert_eq!(
        e.message,
        "the file has no `format_version`, so it is not `terraform show -json` output"
    );

    let e = import_error(&state(
        r#"{"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs", "values": {"bucket": "logs"}}"#,
    ));
    assert_eq!(
        e.message,
        "nothing to simulate: none of its 1 resources is an aws_ecs_service"
    );

    let broken = FARGATE_SERVICE.replace(r#"[{\"name\":\"app\",\"image\":\"example/app:1\"}]"#, r#"[{\"name\":"#);
    let e = import_error(&state(&broken));
    assert_eq!(e.path, "aws_ecs_task_definition.t.container_definitions");
    assert_eq!(
        e.message,
        "is not JSON: EOF while parsing a value at line 1 column 9 of the string"
    );

    let wrong_type = FARGATE_SERVICE.replace(r#""desired_count": 2"#, r#""desired_count": "two""#);
    let e = import_error(&state(&wrong_type));
    assert_eq!(e.path, "aws_ecs_service.s.desired_count");
    assert_eq!(e.message, "expected a number, found the string \"two\"");
}

#[test]
fn the_command_writes_a_scenario_that_validates_and_reports_on_stderr() {
    let dir = TempDir::new("import-terraform");
    let out = dir.0.join("scenario.yaml");
    let input = "tests/fixtures/import/terraform/ec2-step-scaling.plan.json";
    let o = ecsim(&["import", "terraform", input, "--out", out.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("imported: 18\n"), "{stderr}");
    assert!(
        stderr.contains("guessed (check these in the scenario): 3\n"),
        "{stderr}"
    );
    let written = std::fs::read_to_string(&out).expect("written");
    assert!(written.contains("# from aws_ecs_service.worker\n"), "{written}");
    let v = ecsim(&["validate", out.to_str().expect("utf-8 path")]);
    assert_eq!(v.status.code(), Some(0), "{}", String::from_utf8_lossy(&v.stderr));

    let bad = dir.0.join("not-terraform.json");
    std::fs::write(&bad, "{\"Resources\": {}}").expect("written");
    let o = ecsim(&["import", "terraform", bad.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: the file has no `format_version`"),
        "{stderr}"
    );
    assert!(stderr.contains("not-terraform.json"), "{stderr}");
}
