//! The three fixtures: each imports, loads and runs twice to the same bytes, and maps what it
//! holds (a state's known values; a plan's unknown ones through its configuration; modules).

use ecsim::import::Imported;
use ecsim::import::terraform::import;

use super::super::support::{load_text, run_to_strings};
use super::{fixture, input_guesses, lines};

pub(super) const FIXTURES: &[&str] = &[
    "fargate-target-tracking.state.json",
    "ec2-step-scaling.plan.json",
    "module-nesting.plan.json",
];

fn imported(name: &str) -> (String, Imported) {
    let imported = import(&fixture(name), name).unwrap_or_else(|e| panic!("{name}: {e}"));
    (imported.scenario.to_yaml("imported in a test"), imported)
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
        // An alarm on the target group's 5xx count (an unset datapoints_to_alarm, 0, left out).
        "    - AlarmName: web-5xx\n      Namespace: AWS/ApplicationELB\n      MetricName: HTTPCode_Target_5XX_Count\n      Dimensions:\n        - Name: LoadBalancer\n          Value: app/shop/50dc6c495c0c9188\n        - Name: TargetGroup\n          Value: targetgroup/web/6d0ecf831eec9f09\n      Statistic: Sum\n      Period: 60\n      EvaluationPeriods: 2\n      Threshold: 10\n",
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
        "aws_cloudwatch_metric_alarm.instances_cpu (aws_cloudwatch_metric_alarm): an alarm on AWS/EC2 CPUUtilization, a metric ecsim does not produce",
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
        // A response-time alarm on the service's target group, watched by its deployments: the
        // service gets a service model to replace.
        "    - AlarmName: api-p99-latency\n      Namespace: AWS/ApplicationELB\n      MetricName: TargetResponseTime\n      Dimensions:\n        - Name: LoadBalancer\n          Value: app/api-alb/0000000000000000\n        - Name: TargetGroup\n          Value: targetgroup/api/0000000000000000\n      ExtendedStatistic: p99\n",
        "        alarms:\n          alarmNames:\n            - api-p99-latency\n          enable: true\n          rollback: true\n",
        "    api:\n      serviceTime:\n        distribution: exponential\n        mean: 100ms\n      concurrency: 10\n",
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
        // A target group's and a load balancer's arn_suffix: their names, placeholder ids.
        "module.service.aws_cloudwatch_metric_alarm.latency {p}dimensions.TargetGroup = aws_lb_target_group.api.arn_suffix (targetgroup/api/0000000000000000, its id a placeholder)",
        // Through two module calls' variables.
        "module.service.module.schedule[\"weekend\"].aws_cloudwatch_metric_alarm.memory {p}dimensions.ClusterName = aws_ecs_cluster.main.id (api)",
        "module.service.module.schedule[\"weekend\"].aws_cloudwatch_metric_alarm.memory {p}dimensions.ServiceName = module.service.aws_ecs_service.this.name (api)",
    ] {
        let expected = expected.replace("{p}", prefix);
        assert!(resolved.contains(&expected), "{expected}\nnot in {resolved:#?}");
    }
    assert_eq!(resolved.len(), 10, "each resolution once: {resolved:#?}");
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
