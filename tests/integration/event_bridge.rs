//! The `eventBridge` section (issue 17): read from a scenario, turned into RunTask requests in
//! time order, and run as standalone tasks (jobs.csv) beside the scenario's `runTask` events.

use ecsim::policy::event_pattern::{EventValue, Scalar, matches};
use ecsim::spec::event_bridge::{LaunchType, TriggerKind};

use crate::support::{load_text, root};

const FIXTURE: &str = "tests/fixtures/event-bridge/nightly-and-uploads.yaml";
const HOUR: u64 = 3_600_000;

fn fixture() -> String {
    std::fs::read_to_string(root().join(FIXTURE)).expect("fixture")
}

#[test]
fn the_section_is_read_with_aws_defaults_and_limits() {
    let loaded = load_text("nightly-and-uploads.yaml", &fixture()).expect("loads");
    let spec = &loaded.spec;
    let eb = &spec.event_bridge;
    let nightly = &eb.schedules[0];
    assert_eq!(
        (nightly.name.as_str(), nightly.enabled, nightly.flexible_window_minutes),
        ("nightly", true, 15)
    );
    assert_eq!(nightly.expression.spec.timezone, chrono_tz::Asia::Seoul);
    let target = &nightly.target;
    assert_eq!(spec.task_definitions[target.task_definition].arn_suffix(), "batch:1");
    assert_eq!((target.task_count, target.launch_type), (10, Some(LaunchType::Fargate)));
    assert_eq!(target.group.as_deref(), Some("family:batch"));
    assert_eq!(
        (target.retry.maximum_retry_attempts, target.retry.maximum_event_age_s),
        (3, 3600)
    );
    let fargate = &spec.capacity_providers[target.strategy[0].provider.0];
    assert_eq!(fargate.name, "FARGATE");
    let rule = &eb.rules[0];
    let upload = &rule.targets[0];
    assert_eq!(
        (
            upload.id.as_str(),
            upload.run_task.task_count,
            upload.run_task.launch_type
        ),
        ("t", 1, None)
    );
    assert_eq!(
        spec.capacity_providers[upload.run_task.strategy[0].provider.0].name,
        "FARGATE_SPOT"
    );
    // RetryPolicy defaults: 185 attempts, 24 hours.
    assert_eq!(
        (
            upload.run_task.retry.maximum_retry_attempts,
            upload.run_task.retry.maximum_event_age_s
        ),
        (185, 86_400)
    );
    // The synthetic event is the one the pattern describes, and it matches.
    assert_eq!(
        rule.event["source"],
        EventValue::Scalar(Scalar::String("aws.s3".into()))
    );
    assert!(matches(&rule.pattern, &rule.event));
    assert_eq!(
        spec.ignored_fields,
        [
            "eventBridge.schedules[0].Target.EcsParameters.PlatformVersion",
            "eventBridge.schedules[0].GroupName",
            "eventBridge.rules[0].Targets[0].RoleArn",
        ]
    );
    assert!(spec.not_yet_simulated.is_empty(), "{:?}", spec.not_yet_simulated);
}

#[test]
fn a_run_gets_every_request_in_time_order() {
    let loaded = load_text("nightly-and-uploads.yaml", &fixture()).expect("loads");
    let requests: Vec<_> = loaded.spec.triggered_run_tasks().collect();
    assert!(requests.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    // 02:00 in Seoul is 17:00Z: two nightly firings in two days from midnight UTC, each invoked
    // within 15 minutes.
    let nightly: Vec<(u64, u64)> = requests
        .iter()
        .filter(|r| r.trigger_kind == TriggerKind::Schedule)
        .map(|r| (r.firing_ms, r.at_ms))
        .collect();
    assert_eq!(
        nightly.iter().map(|(due, _)| *due).collect::<Vec<_>>(),
        [17 * HOUR, 41 * HOUR]
    );
    assert!(nightly.iter().all(|(due, at)| (*due..due + 15 * 60_000).contains(at)));
    // Uploads: 0.5/s for two days, ten times that for 30 minutes: about 86,400 + 8,100.
    let uploads = requests.iter().filter(|r| r.trigger_kind == TriggerKind::Rule).count();
    assert!((93_500..95_500).contains(&uploads), "{uploads}");
    let in_spike = requests
        .iter()
        .filter(|r| r.trigger_kind == TriggerKind::Rule && (9 * HOUR..9 * HOUR + 1_800_000).contains(&r.at_ms))
        .count();
    assert!((8_600..9_400).contains(&in_spike), "{in_spike}");
    // Another seed moves the flexible-window delays and the Poisson arrivals.
    let reseeded = load_text("nightly-and-uploads.yaml", &fixture().replace("seed: 7", "seed: 8")).expect("loads");
    let other: Vec<u64> = reseeded.spec.triggered_run_tasks().map(|r| r.at_ms).take(100).collect();
    assert_ne!(other, requests.iter().map(|r| r.at_ms).take(100).collect::<Vec<_>>());
}

/// eventbridge-nightly-and-uploads: the schedule's and the rule's calls are the run's jobs. The
/// nightly firing (17:00Z) is invoked within its 15-minute window with its target's retry
/// policy, and each upload event starts one FARGATE_SPOT task; jobs.csv names each trigger.
#[test]
fn schedules_and_rules_run_their_tasks() {
    let path = root().join("scenarios/eventbridge-nightly-and-uploads.yaml");
    let loaded = crate::support::load_file(&path, &[]).expect("loads");
    let spec = &loaded.spec;
    let triggered = spec.triggered_run_tasks().count();
    assert_eq!(
        spec.run_tasks.len(),
        triggered,
        "every triggered call is a request of the run"
    );
    assert!(spec.run_tasks.windows(2).all(|w| w[0].at <= w[1].at));
    let nightly: Vec<_> = spec.run_tasks.iter().filter(|r| r.trigger.name == "nightly").collect();
    assert_eq!(nightly.len(), 1);
    let n = nightly[0];
    assert_eq!((n.count, n.trigger.fired_at.as_millis()), (10, 17 * HOUR));
    assert!((17 * HOUR..17 * HOUR + 15 * 60_000).contains(&n.at.as_millis()));
    assert_eq!(n.retry.maximum_retry_attempts, 3);
    assert!(n.capacity.uses_launch_type, "LaunchType: FARGATE");
    let upload = spec
        .run_tasks
        .iter()
        .find(|r| r.trigger.name == "on-upload")
        .expect("uploads");
    assert_eq!((upload.count, upload.capacity.uses_launch_type), (1, false));
    assert_eq!(upload.group, "family:thumb");
    let out = crate::support::run_to_strings(&loaded);
    let (jobs, _) = out.jobs.clone().expect("a run with jobs writes jobs.csv");
    let rows: Vec<&str> = jobs.lines().skip(1).collect();
    let of = |name: &str| rows.iter().filter(|r| r.split(',').nth(2) == Some(name)).count();
    assert_eq!(of("nightly"), 10);
    assert_eq!(of("on-upload"), triggered - 1);
    assert!(rows.iter().all(|r| r.contains(",schedule,") || r.contains(",rule,")));
    assert!(out.summary.contains("\"jobs\""));
}
