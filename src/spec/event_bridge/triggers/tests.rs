//! Tests of the merge of schedule firings and rule events into RunTask requests.

use super::super::{EventRuleSpec, RuleTarget, RunTaskTarget, ScheduleTrigger};
use super::*;
use crate::policy::schedule::{ScheduleSpec, SchedulerExpression, parse_schedule};
use crate::workload::{LoadProfile, LoadShape, Noise};

/// 2026-03-02T00:00:00Z, a Monday.
const START: i64 = 1_772_409_600_000;
const HOUR: u64 = 3_600_000;
const DAY: u64 = 24 * HOUR;

fn clock(seed: u64) -> TriggerClock {
    TriggerClock {
        seed,
        start_epoch_ms: START,
        load_step_ms: 60_000,
    }
}

fn target(task_count: u32) -> RunTaskTarget {
    RunTaskTarget {
        task_definition: 0,
        task_count,
        launch_type: None,
        strategy: Vec::new(),
        uses_launch_type: false,
        placement_constraints: Vec::new(),
        placement_strategy: Vec::new(),
        group: None,
        retry: Default::default(),
    }
}

fn schedule(name: &str, expression: &str, timezone: &str, window_minutes: u32) -> ScheduleTrigger {
    ScheduleTrigger {
        name: name.into(),
        expression_text: expression.into(),
        expression: SchedulerExpression::new(ScheduleSpec {
            schedule: parse_schedule(expression).expect("valid"),
            timezone: timezone.parse().expect("zone"),
            start_ms: None,
            end_ms: None,
        }),
        enabled: true,
        flexible_window_minutes: window_minutes,
        target: target(10),
    }
}

fn rule(name: &str, events_per_second: f64, targets: &[&str]) -> EventRuleSpec {
    EventRuleSpec {
        name: name.into(),
        enabled: true,
        pattern: Default::default(),
        event: Default::default(),
        arrivals: LoadProfile {
            shapes: vec![LoadShape::Constant { rps: events_per_second }],
            noise: Noise::None,
        },
        targets: targets
            .iter()
            .map(|id| RuleTarget {
                id: (*id).into(),
                run_task: target(1),
            })
            .collect(),
    }
}

#[test]
fn a_nightly_schedule_fires_at_local_time() {
    // 02:00 in Seoul is 17:00Z the day before: 17h, 41h, 65h from a midnight-UTC start.
    let nightly = schedule("nightly", "cron(0 2 * * ? *)", "Asia/Seoul", 0);
    let firings: Vec<(u64, u64)> = schedule_firings(&nightly, clock(1), 3 * DAY).collect();
    assert_eq!(
        firings,
        [(17 * HOUR, 17 * HOUR), (41 * HOUR, 41 * HOUR), (65 * HOUR, 65 * HOUR)]
    );
    let disabled = ScheduleTrigger {
        enabled: false,
        ..nightly
    };
    assert_eq!(schedule_firings(&disabled, clock(1), 3 * DAY).count(), 0);
}

#[test]
fn flexible_windows_delay_within_bounds_by_a_stream_of_their_own() {
    let flexible = schedule("hourly", "rate(1 hour)", "UTC", 15);
    let firings: Vec<(u64, u64)> = schedule_firings(&flexible, clock(7), 10 * DAY).collect();
    assert_eq!(firings.len(), 240, "an invocation delayed past the horizon is left out");
    assert!(firings.iter().all(|(due, at)| *at >= *due && *at < due + 15 * 60_000));
    assert!(firings.iter().any(|(due, at)| at - due > 10 * 60_000));
    assert!(firings.iter().any(|(due, at)| at - due < 5 * 60_000));
    let again: Vec<(u64, u64)> = schedule_firings(&flexible, clock(7), 10 * DAY).collect();
    assert_eq!(firings, again, "same seed, same delays");
    let other_seed: Vec<(u64, u64)> = schedule_firings(&flexible, clock(8), 10 * DAY).collect();
    assert_ne!(firings, other_seed);
    let renamed = ScheduleTrigger {
        name: "other".into(),
        ..flexible
    };
    let other_name: Vec<(u64, u64)> = schedule_firings(&renamed, clock(7), 10 * DAY).collect();
    assert_ne!(firings, other_name, "each schedule draws from its own stream");
}

#[test]
fn rule_events_follow_the_load_and_stop_when_disabled() {
    let uploads = rule("on-upload", 0.5, &["t"]);
    let events: Vec<u64> = rule_events(&uploads, clock(1), 10_000).collect();
    assert_eq!(events, [2_000, 4_000, 6_000, 8_000, 10_000]);
    let disabled = EventRuleSpec {
        enabled: false,
        ..uploads
    };
    assert_eq!(rule_events(&disabled, clock(1), 10_000).count(), 0);
}

#[test]
fn requests_come_in_time_order_with_ties_in_file_order() {
    let spec = EventBridgeSpec {
        schedules: vec![
            schedule("every-10-minutes", "rate(10 minutes)", "UTC", 0),
            schedule("flexible", "rate(1 hour)", "UTC", 30),
        ],
        rules: vec![rule("uploads", 1.0 / 300.0, &["a", "b"])],
    };
    let requests: Vec<TriggeredRunTask<'_>> = TriggeredRunTasks::new(&spec, clock(3), DAY).collect();
    let keys: Vec<(u64, &str, Option<&str>)> = requests
        .iter()
        .map(|r| (r.at_ms, r.trigger_name, r.target_id))
        .collect();
    assert!(keys.windows(2).all(|w| w[0].0 <= w[1].0), "in time order");
    // 145 ten-minute firings (0 to 24h inclusive), hourly ones delayed up to 30 minutes, and
    // 288 events with two targets each.
    let count = |name: &str| requests.iter().filter(|r| r.trigger_name == name).count();
    assert_eq!(count("every-10-minutes"), 145);
    assert!((24..=25).contains(&count("flexible")), "{}", count("flexible"));
    assert_eq!(count("uploads"), 2 * 288);
    // At 300 s the schedule (written first) comes before the rule's two targets, in target order.
    let at_300: Vec<_> = keys.iter().filter(|k| k.0 == 600_000).collect();
    assert_eq!(
        at_300,
        [
            &(600_000, "every-10-minutes", None),
            &(600_000, "uploads", Some("a")),
            &(600_000, "uploads", Some("b"))
        ]
    );
    let rule_request = requests
        .iter()
        .find(|r| r.trigger_kind == TriggerKind::Rule)
        .expect("a rule request");
    assert_eq!(
        (rule_request.firing_ms, rule_request.target.task_count),
        (rule_request.at_ms, 1)
    );
    let flexible = requests
        .iter()
        .find(|r| r.trigger_name == "flexible")
        .expect("a flexible request");
    assert_eq!(flexible.firing_ms, 0);
    assert!(flexible.at_ms < 30 * 60_000);
    let again: Vec<TriggeredRunTask<'_>> = TriggeredRunTasks::new(&spec, clock(3), DAY).collect();
    assert_eq!(requests, again, "deterministic");
}
