//! Service auto scaling end to end: alarm timing, cooldowns, bounds, and the documented sequences.

use crate::support::{activities, column, load_text, root, run_to_strings};

/// A Fargate service of 4 tasks (100 rps each at full CPU, no idle CPU) with a 60 % CPU target.
fn tracked(load: &str, extra_policy: &str) -> String {
    format!(
        "duration: 3h
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: web, cpu: \"512\", memory: \"1024\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: app, image: example/web}}]}}
  services:
    - {{serviceName: web, taskDefinition: web, desiredCount: 4, launchType: FARGATE}}
applicationAutoScaling:
  scalableTargets:
    - {{ServiceNamespace: ecs, ResourceId: service/demo/web, ScalableDimension: \"ecs:service:DesiredCount\", MinCapacity: 2, MaxCapacity: 20}}
  scalingPolicies:
    - PolicyName: cpu60
      ServiceNamespace: ecs
      ResourceId: service/demo/web
      ScalableDimension: \"ecs:service:DesiredCount\"
      PolicyType: TargetTrackingScaling
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 60
        PredefinedMetricSpecification: {{PredefinedMetricType: ECSServiceAverageCPUUtilization}}
{extra_policy}
behavior:
  taskDefinitions:
    web: {{requestsPerSecondAtFullCpu: 100, idleCpuPercent: 0}}
load:
  web:
    requestsPerSecond:
{load}
"
    )
}

#[test]
fn first_scale_out_comes_when_the_third_breaching_datapoint_is_evaluated() {
    // 240 rps on 4 tasks is 60 % (not > 60); at 10m demand becomes 360 rps = 90 %.
    let yaml = tracked("      - constant: 240\n      - step: {at: 10m, rps: 120}", "");
    let out = run_to_strings(&load_text("tt.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    let acts = activities(&out.events);
    // Datapoints for the minutes ending 11m, 12m and 13m breach; the third comes through the
    // 180 s pipeline at 16m: 6 minutes after the surge (reference 2.8: about 363 s).
    let (t, message) = &acts[0];
    assert_eq!(*t, 960.0, "{message}");
    assert!(
        message.contains("CPUUtilization 90 > 60 for 3 of 3 datapoints; desired 4 -> 6 = ceil(4 x 90 / 60) = 6"),
        "{message}"
    );
}

#[test]
fn scale_in_waits_for_fifteen_low_datapoints_and_keeps_the_cooldown() {
    // 480 rps on 8 tasks (60 %) from the start, then at 30m demand halves to 30 % per task.
    let yaml = tracked("      - constant: 480\n      - step: {at: 30m, rps: -240}", "")
        .replace("desiredCount: 4", "desiredCount: 8");
    let out = run_to_strings(&load_text("tt.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    let acts = activities(&out.events);
    let (t, message) = &acts[0];
    // Fifteen low minutes end at 45m; through the pipeline at 48m.
    assert_eq!(*t, 2880.0, "{message}");
    assert!(
        message.contains("< 54 for 15 of 15 datapoints; desired 8 -> 4 = ceil(8 x 30 / 60) = 4"),
        "{message}"
    );
    // Every later scale-in respects the default 300 s ScaleInCooldown.
    let ins: Vec<f64> = acts
        .iter()
        .filter(|(_, m)| m.contains("< 54"))
        .map(|(t, _)| *t)
        .collect();
    for pair in ins.windows(2) {
        assert!(pair[1] - pair[0] >= 300.0, "scale-ins at {pair:?}");
    }
    let desired = column(&out.services, "desired", None);
    assert!(
        desired.iter().all(|d| d.parse::<u32>().expect("number") >= 2),
        "never below MinCapacity"
    );
}

#[test]
fn capacity_is_clamped_to_max_and_reported_at_max() {
    let yaml = tracked("      - constant: 5000", "");
    let out = run_to_strings(&load_text("tt.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    let desired = column(&out.services, "desired", None);
    assert_eq!(desired.last().map(String::as_str), Some("20"));
    assert!(out.events.contains("clamped by MaxCapacity 20"), "{}", out.events);
    assert!(
        out.events.contains("not scaled: AlreadyAtMaxCapacity"),
        "{}",
        out.events
    );
    assert_eq!(
        column(&out.services, "max_capacity", None).last().map(String::as_str),
        Some("20")
    );
}

#[test]
fn registering_a_target_clamps_the_desired_count() {
    // Case 21: desired 4 with MinCapacity 5 becomes 5 at once.
    let yaml = tracked("      - constant: 100", "").replace("MinCapacity: 2", "MinCapacity: 5");
    let out = run_to_strings(&load_text("tt.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    assert!(
        out.events.contains("RegisterScalableTarget: desired 4 -> 5"),
        "{}",
        out.events
    );
}

#[test]
fn the_documented_step_sequence_is_reproduced() {
    let path = root().join("scenarios/step-scaling-doc-sequence.yaml");
    let out = run_to_strings(&crate::support::load_file(&path, &[]).unwrap_or_else(|e| panic!("{e}")));
    let changes: Vec<String> = activities(&out.events)
        .into_iter()
        .map(|(_, m)| {
            m.split("desired ")
                .nth(1)
                .expect("desired")
                .split(" =")
                .next()
                .expect("arrow")
                .to_string()
        })
        .collect();
    // Case 12: 10 -> 11 -> 14 -> 13 -> 10.
    assert_eq!(changes, vec!["10 -> 11", "11 -> 14", "14 -> 13", "13 -> 10"]);
}

#[test]
fn suspended_scale_in_never_removes_tasks() {
    // Case 20: DynamicScalingInSuspended keeps the capacity however low the metric goes.
    let yaml = tracked("      - constant: 40", "").replace(
        "MaxCapacity: 20}",
        "MaxCapacity: 20, SuspendedState: {DynamicScalingInSuspended: true}}",
    );
    let out = run_to_strings(&load_text("tt.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    assert!(activities(&out.events).is_empty(), "{}", out.events);
    assert!(column(&out.services, "desired", None).iter().all(|d| d == "4"));
}

/// A scheduled action at 10m (start is 2026-01-05T00:00:00Z) with the given target action.
fn scheduled(action: &str) -> String {
    tracked("      - constant: 480", "")
        .replace("desiredCount: 4", "desiredCount: 8")
        .replace(
            "PolicyName: cpu60",
            "PolicyName: cpu60\n      # (a scheduled action follows the policies)",
        )
        .replace(
            "behavior:",
            &format!(
                "  scheduledActions:
    - ScheduledActionName: morning
      ServiceNamespace: ecs
      ResourceId: service/demo/web
      ScalableDimension: \"ecs:service:DesiredCount\"
      Schedule: at(2026-01-05T00:10:00)
      ScalableTargetAction: {action}
behavior:"
            ),
        )
}

#[test]
fn case_17_scheduled_actions_move_desired_into_the_new_bounds_at_once() {
    for (action, expected) in [
        ("{MinCapacity: 10, MaxCapacity: 20}", "desired 8 -> 10"),
        ("{MinCapacity: 1, MaxCapacity: 5}", "desired 8 -> 5"),
        ("{MinCapacity: 4, MaxCapacity: 12}", "desired 8 is within them"),
    ] {
        let yaml = scheduled(action);
        let out = run_to_strings(&load_text("s.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
        let line = out
            .events
            .lines()
            .find(|l| l.contains("morning: scheduled action"))
            .expect("the action fired");
        assert!(line.starts_with("600,"), "fires at 10m: {line}");
        assert!(line.contains(expected), "{action}: {line}");
    }
}

#[test]
fn an_invalid_cron_points_at_its_field() {
    let yaml =
        scheduled("{MinCapacity: 10}").replace("Schedule: at(2026-01-05T00:10:00)", "Schedule: cron(0 18 * * * *)");
    let err = load_text("s.yaml", &yaml).expect_err("both day fields set");
    assert!(
        err.rendered
            .contains("error: invalid schedule: day-of-month and day-of-week cannot both be set; use ? in one of them"),
        "{}",
        err.rendered
    );
    // `Schedule: ` starts the value at column 17; the offending `*` is column 11 of the expression.
    assert!(err.rendered.contains("s.yaml:28:27"), "{}", err.rendered);
}
