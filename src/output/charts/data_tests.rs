//! Reading a run's files into chart data: columns, payloads, alarm datapoints and the errors of malformed files.

use super::*;
use crate::output::{CsvSink, RunFiles, SummaryBuilder};
use crate::trace::{
    AlarmRow, ClusterRow, EventKind, EventRecord, RunTotals, ServiceRow, TraceSink, TrackingAlarm, every_detail,
};

/// Records written through `CsvSink` read back through `RunData` as the same typed values: the
/// trace columns, an event of every payload variant and cause, the alarm roles and the summary.
#[test]
fn what_the_csv_sink_writes_reads_back_as_the_same_values() {
    let files = RunFiles::in_memory();
    let mut sink = CsvSink::new(files, 1_767_571_200_000, SummaryBuilder::default()).expect("headers");
    let service = ServiceRow {
        time_ms: 60_500,
        service: "web",
        desired: 4,
        running: 3,
        pending: 3,
        healthy: 3,
        primary_running: 2,
        active_running: 1,
        cpu_utilization: 61.25,
        memory_utilization: 40.5,
        demand_rps: 300.0,
        served_rps: 280.125,
        unserved_rps: 19.875,
        min_capacity: 2,
        max_capacity: 10,
        unserved_requests: 1192.5,
        queue_depth: None,
        oldest_message_age_s: None,
        latency: None,
        provisioning: 2,
        new_revision_weight_pct: 100.0,
        new_revision_served_requests: 0.0,
        target_5xx_requests: 0.0,
    };
    sink.service_row(&service).expect("row");
    let provider = ClusterRow {
        time_ms: 60_500,
        capacity_provider: "cp-m5",
        instances: 3,
        instances_pending: 1,
        cpu_reserved_pct: 75.5,
        memory_reserved_pct: 50.0,
        capacity_provider_reservation: Some(133.333),
        tasks_provisioning: 2,
        tasks: 6,
        cost_usd: 0.012345,
        desired_capacity: Some(4),
        target_capacity: None,
    };
    sink.cluster_row(&provider).expect("row");
    let kind_of = |detail: &EventDetail| match detail {
        EventDetail::DesiredChange { .. } => EventKind::ScalingActivity,
        EventDetail::Deployment { .. } => EventKind::DeploymentStarted,
        EventDetail::DeploymentFailed { .. } => EventKind::DeploymentFailed,
        EventDetail::Fault { .. } => EventKind::Fault,
        EventDetail::TaskProtection { .. } => EventKind::ServiceUpdate,
        EventDetail::Stage { .. } => EventKind::DeploymentStage,
        EventDetail::Hook { .. } => EventKind::LifecycleHook,
    };
    let mut records: Vec<EventRecord> = every_detail()
        .into_iter()
        .enumerate()
        .map(|(i, detail)| EventRecord {
            time_ms: 1000 * i as u64 + 1,
            kind: kind_of(&detail),
            subject: "web".into(),
            message: format!("a \"quoted\", two-line\nmessage {i}"),
            detail: Some(detail),
        })
        .collect();
    records.push(EventRecord {
        time_ms: 99_000,
        kind: EventKind::SteadyState,
        subject: "web".into(),
        message: "(service web) has reached a steady state.".into(),
        detail: None,
    });
    for r in &records {
        sink.event(r).expect("event");
    }
    for (alarm, tracking) in [
        (
            "TargetTracking-service/c/web-AlarmLow-cpu60",
            Some(TrackingAlarm {
                policy: "cpu60",
                role: AlarmRole::Low,
            }),
        ),
        ("web-cpu-high", None),
    ] {
        let row = AlarmRow {
            time_ms: 120_000,
            alarm,
            service: "web",
            metric: "CPUUtilization",
            value: Some(47.5),
            threshold: 54.0,
            comparison: crate::metrics::Comparison::LessThan,
            state: "ALARM",
            previous_state: "OK",
            datapoints: &[],
            datapoints_to_alarm: 15,
            evaluation_periods: 15,
            tracking,
        };
        sink.alarm_row(&row).expect("alarm");
    }
    sink.finish(&RunTotals {
        simulated_ms: 120_000,
        ..Default::default()
    })
    .expect("finish");
    let (files, summary) = sink.into_inner().expect("flush");
    let text = |b: Option<Vec<u8>>| String::from_utf8(b.expect("written")).expect("utf-8");
    let run = RunData::from_texts(RunTexts {
        services_csv: &text(files.services),
        cluster_csv: &text(files.cluster),
        events_csv: &text(files.events),
        summary_json: &summary.to_json(),
    })
    .and_then(|run| run.with_alarms(&text(files.alarms)))
    .expect("the sink's own files load");

    let web = &run.services[0];
    assert_eq!((web.name.as_str(), web.time_s.as_slice()), ("web", &[60.5][..]));
    assert_eq!(
        [web.desired[0], web.running[0], web.pending[0], web.healthy[0]],
        [4.0, 3.0, 3.0, 3.0]
    );
    assert_eq!(
        [web.provisioning[0], web.starting[0]],
        [2.0, 1.0],
        "2 of 3 pending wait for capacity"
    );
    assert_eq!([web.primary_running[0], web.active_running[0]], [2.0, 1.0]);
    assert_eq!(
        [web.cpu_utilization[0], web.memory_utilization[0]],
        [service.cpu_utilization, service.memory_utilization]
    );
    assert_eq!(
        [web.demand_rps[0], web.served_rps[0], web.unserved_rps[0]],
        [service.demand_rps, service.served_rps, service.unserved_rps]
    );
    assert_eq!([web.min_capacity[0], web.max_capacity[0]], [2.0, 10.0]);
    let cp = &run.providers[0];
    assert_eq!(
        [
            cp.instances[0],
            cp.instances_pending[0],
            cp.tasks[0],
            cp.desired_capacity[0]
        ],
        [3.0, 1.0, 6.0, 4.0]
    );
    assert_eq!(
        [cp.capacity_provider_reservation[0], cp.cost_usd[0]],
        [133.333, 0.012345]
    );
    assert!(cp.target_capacity[0].is_nan(), "an empty cell");
    assert_eq!(cp.tasks_provisioning, [f64::from(provider.tasks_provisioning)]);

    let kept: Vec<&EventRecord> = records
        .iter()
        .filter(|r| KEPT_EVENT_KINDS.contains(&r.kind.as_str()))
        .collect();
    assert_eq!(run.events.len(), kept.len());
    for (row, record) in run.events.iter().zip(kept) {
        assert_eq!(row.time_s, record.time_ms as f64 / 1000.0);
        assert_eq!(
            (row.kind.as_str(), row.subject.as_str(), row.message.as_str()),
            (record.kind.as_str(), record.subject.as_str(), record.message.as_str())
        );
        assert_eq!(row.detail, record.detail, "{}", row.message);
    }
    assert_eq!(run.events[0].timestamp, "2026-01-05T00:00:00Z");

    let roles: Vec<(&str, Option<AlarmRole>)> = run.alarms.iter().map(|a| (a.policy.as_str(), a.role)).collect();
    assert_eq!(roles, [("cpu60", Some(AlarmRole::Low)), ("", None)]);
    assert_eq!(
        (
            run.alarms[0].value[0],
            run.alarms[0].threshold,
            run.alarms[0].in_alarm[0]
        ),
        (47.5, 54.0, true)
    );
    assert_eq!(&run.summary, summary.summary());
    assert_eq!(run.summary.simulated_ms(), 120_000);
}

const SERVICES: &str = "time_s,timestamp,service,desired,running,pending,healthy,primary_running,\
active_running,cpu_utilization,memory_utilization,demand_rps,served_rps,unserved_rps,min_capacity,max_capacity
60,t,web,2,2,0,2,2,0,50,40,100,100,0,2,2
60,t,api,1,1,0,1,1,0,10,30,5,5,0,1,1
120,t,web,3,2,1,2,2,0,99.5,41,300,200,100,2,2
";
const CLUSTER: &str = "time_s,timestamp,capacity_provider,instances,instances_pending,cpu_reserved_pct,\
memory_reserved_pct,capacity_provider_reservation,tasks_provisioning,tasks,cost_usd,desired_capacity,target_capacity
60,t,FARGATE,0,0,0,0,,0,2,0.01,,
";
const EVENTS: &str = "time_s,timestamp,kind,subject,message
0,t,run,sim,started
7200,t,fault,cluster,\"Availability Zone us-east-1b fails: 2 instance(s) terminated.\"
";

fn load(summary: &str) -> Result<RunData, DataError> {
    RunData::from_texts(RunTexts {
        services_csv: SERVICES,
        cluster_csv: CLUSTER,
        events_csv: EVENTS,
        summary_json: summary,
    })
}

#[test]
fn groups_rows_by_service_in_order_of_appearance() {
    let run = load("{}").expect("loads");
    let names: Vec<&str> = run.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["web", "api"]);
    assert_eq!(run.services[0].time_s, [60.0, 120.0]);
    assert_eq!(run.services[0].unserved_rps, [0.0, 100.0]);
    assert_eq!(
        (
            run.services[0].provisioning.as_slice(),
            run.services[0].starting.as_slice()
        ),
        (&[0.0, 0.0][..], &[0.0, 1.0][..]),
        "a file without the `provisioning` column counts every pending task as starting"
    );
    assert!(run.providers[0].capacity_provider_reservation[0].is_nan());
    assert_eq!(run.events.len(), 1, "the `run` row is not kept");
    assert_eq!(
        run.end_s(),
        120.0,
        "without summary.json's duration, the last row ends the axis"
    );
}

#[test]
fn reads_the_summary_through_its_types() {
    let run = load(
        r#"{"scenario": "s", "expectations": [
            {"expression": "b > 2", "line": 7, "measured": 3.5, "passed": true}]}"#,
    )
    .expect("loads");
    let e = &run.summary.expectations;
    assert_eq!((e[0].line, e[0].measured, e[0].passed), (7, Some(3.5), true));
    let err = load(r#"{"seed": "seven"}"#).expect_err("a seed is a number");
    assert!(err.to_string().starts_with("summary.json: invalid type"), "{err}");
}

#[test]
fn reports_the_file_and_the_missing_column() {
    let err = RunData::from_texts(RunTexts {
        services_csv: "time_s,service\n",
        cluster_csv: CLUSTER,
        events_csv: EVENTS,
        summary_json: "{}",
    })
    .expect_err("fails");
    assert_eq!(err.to_string(), "services.csv: missing column `desired`");
}

#[test]
fn tolerates_columns_added_at_the_end_and_skips_not_scaled_events() {
    let services = "time_s,timestamp,service,desired,running,pending,healthy,primary_running,active_running,\
cpu_utilization,memory_utilization,demand_rps,served_rps,unserved_rps,min_capacity,max_capacity,queue_depth,\
oldest_message_age_s
60,t,worker,2,2,0,2,2,0,50,40,0,0,0,1,10,1500,42.5
";
    let events = "time_s,timestamp,kind,subject,message
60,t,not_scaled,worker,cpu60: not scaled
120,t,scaling_activity,worker,cpu60: desired 2 -> 3
";
    let run = RunData::from_texts(RunTexts {
        services_csv: services,
        cluster_csv: CLUSTER,
        events_csv: events,
        summary_json: "{}",
    })
    .expect("loads");
    assert_eq!(run.services[0].max_capacity, [10.0]);
    let kinds: Vec<&str> = run.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["scaling_activity"]);
}

#[test]
fn the_datapoints_an_alarm_evaluated_are_collected_once_per_period() {
    let alarms = "time_s,timestamp,alarm,service,metric,value,comparison,threshold,state,datapoints
300,t,high,web,CPUUtilization,61,>,60,ALARM,62@120;@180;61@240
420,t,high,web,CPUUtilization,59,>,60,OK,61@240;58.5@300;59@360
";
    let run = load("{}").and_then(|run| run.with_alarms(alarms)).expect("loads");
    let high = &run.alarms[0];
    assert_eq!(
        high.datapoint_time_s,
        [120.0, 240.0, 300.0, 360.0],
        "the missing 180 left out"
    );
    assert_eq!(high.datapoint_values, [62.0, 61.0, 58.5, 59.0]);
    let bad = alarms.replace("58.5@300", "58.5at300");
    let err = load("{}").and_then(|run| run.with_alarms(&bad)).expect_err("bad cell");
    assert_eq!(
        err.to_string(),
        "alarms.csv: row 3: datapoint `58.5at300` is not VALUE@TIME_S"
    );
}

#[test]
fn reads_alarms_and_policies() {
    let alarms = "time_s,timestamp,alarm,service,metric,value,comparison,threshold,state
60,t,high,web,CPUUtilization,70,>,60,OK
60,t,low,web,CPUUtilization,70,<,54,OK
120,t,high,web,CPUUtilization,,>,60,ALARM
";
    let run = load(
        r#"{"scaling_policies": [{"policy": "cpu60", "service": "web", "scaling_activities": 4,
            "policy_type": "TargetTrackingScaling", "metric": "CPUUtilization", "target_value": 60.0},
            {"policy": "old", "service": "web", "scaling_activities": 1}]}"#,
    )
    .and_then(|run| run.with_alarms(alarms))
    .expect("loads");
    let high = &run.alarms[0];
    assert_eq!(
        (high.alarm.as_str(), high.comparison.as_str(), high.threshold),
        ("high", ">", 60.0)
    );
    assert_eq!(high.time_s, [60.0, 120.0]);
    assert_eq!(high.in_alarm, [false, true]);
    assert!(high.value[1].is_nan());
    assert_eq!(run.alarms.len(), 2);
    assert!(high.datapoint_time_s.is_empty(), "a file without the column has none");
    let p = &run.summary.scaling_policies;
    assert!(p[0].is_target_tracking() && !p[1].is_target_tracking());
    assert_eq!((p[0].target_value, p[1].scaling_activities), (Some(60.0), 1));
}
