//! Deployment alarms (reference 8.3), the restart throttle (reference 8.5) and task scale-in
//! protection (reference 8.6, case 41), end to end.

use crate::support::{column, load_text, run_to_strings};

/// A Fargate service `web` of `desired` tasks (web:1 serves 100 requests/s at full CPU), a user
/// alarm `web-cpu-high` (CPU > 90 % for one minute), the deployment `config` and `rest` appended.
fn service(desired: u32, config: &str, rest: &str) -> String {
    format!(
        "duration: 1h
traceInterval: 10s
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: web, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: app, image: \"web:1\"}}]}}
    - {{family: web, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: app, image: \"web:2\"}}]}}
  services:
    - {{serviceName: web, taskDefinition: \"web:1\", desiredCount: {desired}, launchType: FARGATE,
       deploymentConfiguration: {config}}}
cloudWatch:
  alarms:
    - {{AlarmName: web-cpu-high, Namespace: AWS/ECS, MetricName: CPUUtilization,
       Dimensions: [{{Name: ClusterName, Value: demo}}, {{Name: ServiceName, Value: web}}],
       Statistic: Average, Period: 60, EvaluationPeriods: 1, Threshold: 90, ComparisonOperator: GreaterThanThreshold}}
{rest}"
    )
}

/// The time in seconds of the first `events.csv` row containing every one of `needles`.
fn first_time(events: &str, needles: &[&str]) -> Option<f64> {
    events
        .lines()
        .find(|l| needles.iter().all(|n| l.contains(n)))
        .map(|l| l.split(',').next().expect("time").parse().expect("number"))
}

/// Times (s) of the `events.csv` rows containing `needle`.
fn times(events: &str, needle: &str) -> Vec<f64> {
    events
        .lines()
        .filter(|l| l.contains(needle))
        .map(|l| l.split(',').next().expect("time").parse().expect("number"))
        .collect()
}

#[test]
fn reference_8_3_an_alarm_that_goes_to_alarm_fails_the_deployment_and_rolls_back() {
    // Reference 8.3: 300 requests/s over 4 tasks is 75 % CPU. A 50/100 deployment stops two
    // old tasks before the slow web:2 tasks run, so two tasks carry the load (CPU 100 %): the
    // alarm goes to ALARM, the deployment fails, and rollback: true goes back to web:1. The alarm
    // is then in ALARM when the rollback starts, so the rollback ignores it.
    let text = service(
        4,
        "{minimumHealthyPercent: 50, maximumPercent: 100,
         alarms: {alarmNames: [web-cpu-high], enable: true, rollback: true}}",
        "behavior:
  taskDefinitions:
    web: {requestsPerSecondAtFullCpu: 100, idleCpuPercent: 1}
    \"web:2\": {startTime: 10m}
load:
  web:
    requestsPerSecond: [{constant: 300}]
events:
  - {at: 10m, updateService: {service: web, taskDefinition: \"web:2\"}}
",
    );
    let out = run_to_strings(&load_text("alarm-rollback.yaml", &text).expect("valid"));
    let e = &out.events;
    let alarm_at = first_time(e, &["web-cpu-high: OK -> ALARM"]).expect("the alarm fires");
    let failed_at = first_time(
        e,
        &[
            "deployment_failed",
            "deployment ecs-svc/2 failed: CloudWatch alarm web-cpu-high went to ALARM",
        ],
    )
    .expect("the alarm fails the deployment");
    assert!(
        alarm_at > 600.0,
        "the alarm fires during the deployment, not before:\n{e}"
    );
    assert_eq!(failed_at, alarm_at);
    assert_eq!(first_time(e, &["rollback_started"]), Some(failed_at));
    assert!(e.contains("already in ALARM: deployment alarms are ignored for this deployment"));
    assert!(e.contains("rollback ecs-svc/3 completed"), "{e}");
    assert_eq!(e.matches(",deployment_failed,").count(), 1);
    // Every task running at the end is web:1 again.
    let primary: Vec<String> = column(&out.services, "primary_running", None);
    assert_eq!(primary.last().map(String::as_str), Some("4"));
}

#[test]
fn reference_8_3_an_alarm_already_in_alarm_at_the_start_is_ignored_for_that_deployment() {
    // Reference 8.3: a spike puts the alarm in ALARM before the deployment starts at 10m; it
    // recovers, then a second spike puts it in ALARM again while the deployment is in progress.
    // The deployment ignores alarms and completes.
    let text = service(
        4,
        "{alarms: {alarmNames: [web-cpu-high], enable: true, rollback: true}}",
        "behavior:
  taskDefinitions:
    web: {requestsPerSecondAtFullCpu: 100, idleCpuPercent: 1}
    \"web:2\": {startTime: 15m}
load:
  web:
    requestsPerSecond:
      - constant: 300
      - spike: {at: 4m, duration: 8m, add: 300}
      - spike: {at: 16m, duration: 5m, add: 300}
events:
  - {at: 10m, updateService: {service: web, taskDefinition: \"web:2\"}}
",
    );
    let out = run_to_strings(&load_text("alarm-ignored.yaml", &text).expect("valid"));
    let e = &out.events;
    let entered = times(e, "web-cpu-high: OK -> ALARM");
    let completed_at = first_time(e, &["deployment_completed"]).expect("the deployment completes");
    assert!(entered.len() >= 2, "{e}");
    assert!(entered[0] < 600.0, "ALARM before the deployment: {entered:?}");
    assert!(
        entered.iter().any(|t| *t > 600.0 && *t < completed_at),
        "ALARM again during the deployment: {entered:?}, completed at {completed_at}"
    );
    assert!(e.contains("CloudWatch alarm web-cpu-high already in ALARM: deployment alarms are ignored"));
    assert!(!e.contains("deployment_failed"), "{e}");
}

#[test]
fn reference_8_5_the_restart_throttle_waits_longer_up_to_fifteen_minutes() {
    // Reference 8.5: a revision whose essential container always exits before RUNNING, no circuit
    // breaker: after each failed start the scheduler waits 30 s, 1m, 2m, 4m, 8m, then 15m at
    // most. A new deployment (web:1 again at 1h40m) resets the throttle: it starts at once.
    let text = service(
        1,
        "{minimumHealthyPercent: 100, maximumPercent: 200}",
        "behavior:
  taskDefinitions:
    \"web:2\": {startFailureProbability: 1}
events:
  - {at: 10m, updateService: {service: web, taskDefinition: \"web:2\"}}
  - {at: 1h40m, updateService: {service: web, taskDefinition: \"web:1\"}}
",
    )
    .replace("duration: 1h", "duration: 2h");
    let out = run_to_strings(&load_text("throttle.yaml", &text).expect("valid"));
    let e = &out.events;
    let waits: Vec<&str> = e
        .lines()
        .filter(|l| l.contains(",task_start_throttled,"))
        .map(|l| {
            l.split("the scheduler waits ")
                .nth(1)
                .and_then(|r| r.split(' ').next())
                .expect("a wait")
        })
        .collect();
    assert!(waits.len() >= 8, "{e}");
    assert_eq!(waits[..8], ["30s", "1m", "2m", "4m", "8m", "15m", "15m", "15m"]);
    assert!(e.contains("(service web) is unable to consistently start tasks successfully"));
    // The gaps between failed starts grow, then hold at 15 minutes plus the start time.
    let at = times(e, ",task_start_throttled,");
    let gaps: Vec<f64> = at.windows(2).map(|w| w[1] - w[0]).collect();
    for w in gaps.windows(2).take(4) {
        assert!(w[1] > w[0], "gaps grow: {gaps:?}");
    }
    for g in &gaps[5..7] {
        assert!((900.0..960.0).contains(g), "capped at 15 minutes: {gaps:?}");
    }
    // The throttle was running at 1h40m (6000 s), yet web:1 starts at once and completes.
    let last_throttle = *at.iter().rfind(|t| **t < 6000.0).expect("throttled");
    assert!(last_throttle + 900.0 > 6000.0);
    let completed = first_time(e, &["deployment_completed", "ecs-svc/3"]).expect("web:1 completes");
    assert!(completed < 6000.0 + 180.0, "completed at {completed}:\n{e}");
}

/// Case 41: a service of 5, `protected` of them protected at 5m for 10 minutes, desired
/// `after` at 6m.
fn protection(protected: u32, after: u32) -> String {
    service(
        5,
        "{}",
        &format!(
            "events:
  - {{at: 5m, updateTaskProtection: {{service: web, count: {protected}, protectionEnabled: true, expiresInMinutes: 10}}}}
  - {{at: 6m, updateService: {{service: web, desiredCount: {after}}}}}
"
        ),
    )
    .replace("duration: 1h", "duration: 30m")
}

/// `running` of web at time `t` seconds (the last row at or before it).
fn running_at(services_csv: &str, t: f64) -> u32 {
    let time = column(services_csv, "time_s", None);
    let running = column(services_csv, "running", None);
    time.iter()
        .zip(&running)
        .rfind(|(at, _)| at.parse::<f64>().expect("time") <= t)
        .map(|(_, r)| r.parse().expect("count"))
        .expect("rows")
}

#[test]
fn case_41_row_1_only_unprotected_tasks_stop() {
    // Case 41, 5 -> 3 with 2 of 5 protected: 2 unprotected tasks stop.
    let out = run_to_strings(&load_text("case41a.yaml", &protection(2, 3)).expect("valid"));
    let e = &out.events;
    assert!(
        e.contains("UpdateTaskProtection: protectionEnabled true for 2 tasks, expiring in 10m: (task t-1) (task t-2)."),
        "{e}"
    );
    let stopped = e
        .lines()
        .find(|l| l.contains("has stopped 2 running tasks"))
        .expect("two tasks stop");
    assert!(
        !stopped.contains("(task t-1)") && !stopped.contains("(task t-2)"),
        "{stopped}"
    );
    assert_eq!(running_at(&out.services, 1200.0), 3);
    assert!(!e.contains("scale_in_blocked"));
}

#[test]
fn case_41_row_2_protected_tasks_above_desired_stop_scale_in_until_they_expire() {
    // Case 41, 5 -> 2 with 3 of 5 protected: only the 2 unprotected stop, 3 remain, and ECS says
    // "protected tasks are more than the desired count" (once). When the protection expires at
    // 15m the scheduler stops one more.
    let out = run_to_strings(&load_text("case41b.yaml", &protection(3, 2)).expect("valid"));
    let e = &out.events;
    let stopped = e
        .lines()
        .find(|l| l.contains("has stopped 2 running tasks"))
        .expect("two tasks stop");
    for t in ["(task t-1)", "(task t-2)", "(task t-3)"] {
        assert!(!stopped.contains(t), "{stopped}");
    }
    assert_eq!(
        e.matches(
            "(service web) was unable to scale in due to a reason: protected tasks are more than the desired count."
        )
        .count(),
        1,
        "{e}"
    );
    assert_eq!(running_at(&out.services, 840.0), 3);
    let expired = e
        .lines()
        .find(|l| l.contains("has stopped 1 running tasks"))
        .expect("one more stops at the expiry");
    let at: f64 = expired.split(',').next().expect("time").parse().expect("number");
    assert_eq!(at, 900.0);
    assert_eq!(running_at(&out.services, 1700.0), 2);
}

#[test]
fn unknown_deployment_alarm_names_are_located_errors() {
    let text = service(
        2,
        "{alarms: {alarmNames: [web-cpu-hgih], enable: true, rollback: false}}",
        "",
    );
    let err = load_text("bad-alarm.yaml", &text)
        .expect_err("unknown alarm")
        .to_string();
    assert!(err.contains("no CloudWatch alarm named `web-cpu-hgih`"), "{err}");
    assert!(err.contains("did you mean `web-cpu-high`?"), "{err}");
    assert!(
        err.contains("ecs.services[0].deploymentConfiguration.alarms.alarmNames[0]"),
        "{err}"
    );
}

#[test]
fn task_protection_expiry_is_bounded() {
    let text = protection(2, 3).replace("expiresInMinutes: 10", "expiresInMinutes: 2881");
    let err = load_text("bad-protection.yaml", &text)
        .expect_err("too long")
        .to_string();
    assert!(err.contains("expiresInMinutes"), "{err}");
}

#[test]
fn a_deployment_waits_for_protected_tasks() {
    // AWS UpdateTaskProtection: protection holds against deployments too. web:1's oldest task is
    // protected until 15m; the deployment at 7m starts its new tasks but stops that one only at
    // 15m, and completes then.
    let text = service(
        2,
        "{}",
        "events:
  - {at: 5m, updateTaskProtection: {service: web, count: 1, protectionEnabled: true, expiresInMinutes: 10}}
  - {at: 7m, updateService: {service: web, taskDefinition: \"web:2\"}}
",
    )
    .replace("duration: 1h", "duration: 30m");
    let out = run_to_strings(&load_text("protected-deploy.yaml", &text).expect("valid"));
    let e = &out.events;
    let stop_t1 = e
        .lines()
        .find(|l| l.contains("has stopped") && l.contains("(task t-1)"))
        .expect("t-1 stops");
    let at: f64 = stop_t1.split(',').next().expect("time").parse().expect("number");
    assert_eq!(at, 900.0, "{e}");
    let completed = first_time(e, &["deployment_completed", "ecs-svc/2"]).expect("completes");
    assert!(completed >= 900.0, "{e}");
}

/// Reference 8.3, A24: a rolling deployment with deployment alarms bakes after its last task is
/// replaced, for the longest `Period x EvaluationPeriods` of its alarms (here 60 s x 1), and only
/// then completes.
#[test]
fn reference_8_3_a_rolling_deployment_with_alarms_bakes_before_it_completes() {
    let run = |config: &str, extra: &str| {
        let text = service(
            4,
            config,
            &format!(
                "behavior:
  taskDefinitions:
    web: {{requestsPerSecondAtFullCpu: 100, idleCpuPercent: 1}}
{extra}load:
  web:
    requestsPerSecond:
      - constant: 100
      - spike: {{at: 20m, duration: 10m, add: 400}}
events:
  - {{at: 10m, updateService: {{service: web, taskDefinition: \"web:2\"}}}}
"
            ),
        );
        run_to_strings(&load_text("bake.yaml", &text).expect("valid")).events
    };
    let alarms = "{alarms: {alarmNames: [web-cpu-high], enable: true, rollback: true}}";
    let e = run(alarms, "");
    let bake_at = first_time(&e, &["for a bake time of 1m before COMPLETED"]).expect("it bakes");
    let completed_at = first_time(&e, &["deployment_completed"]).expect("it completes");
    assert!(bake_at > 600.0 && bake_at < 1200.0, "{e}");
    assert_eq!(completed_at, bake_at + 60.0, "{e}");
    // The bake is a typed stage row, which the deployment chart shades.
    assert_eq!(column(&e, "cause", Some(("kind", "deployment_stage"))), ["ROLLING"]);
    assert_eq!(column(&e, "name", Some(("kind", "deployment_stage"))), ["BAKE_TIME"]);
    // Without alarms there is nothing to watch: no bake.
    let plain = run("{}", "");
    assert!(!plain.contains("bake time"), "{plain}");
    let replaced_at = first_time(&plain, &["deployment_completed"]).expect("completes");
    assert_eq!(replaced_at, bake_at, "the bake starts when the tasks are replaced");
    // A bake of 20 minutes (behavior.deployments.rollingAlarmBakeTime) is still watching when the
    // spike at 20m sends CPU above 90 %: the late alarm fails the deployment and rolls it back.
    let late = run(alarms, "  deployments: {rollingAlarmBakeTime: 20m}\n");
    let failed_at = first_time(&late, &["deployment_failed", "went to ALARM"]).expect("a late alarm fails it");
    assert!(failed_at > 1200.0, "{late}");
    assert_eq!(first_time(&late, &["rollback_started"]), Some(failed_at));
    assert!(!late.contains("deployment ecs-svc/2 completed"), "{late}");
}
