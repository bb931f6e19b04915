//! A Scheduled Job: Copilot's EventBridge rule starts a Step Functions state machine that runs
//! one Fargate task, retries it and stops it at the timeout. ecsim runs the task from an
//! EventBridge schedule with the same expression.

use super::{Names, from};
use crate::import::copilot::manifest::Manifest;
use crate::import::doc::Map;
use crate::import::report::ImportReport;

/// EventBridge's longest MaximumEventAgeInSeconds.
const MAX_EVENT_AGE_S: u64 = 86_400;

/// `eventBridge.schedules[0]` for the job, and its `behavior` entry.
pub fn schedule(m: &Manifest, names: &Names, report: &mut ImportReport) -> (Map, Map) {
    let mut behavior = Map::new();
    let Some(job) = &m.job else {
        return (Map::new(), behavior);
    };
    let mut s = Map::new().with("Name", m.name.as_str());
    match &job.schedule.value {
        Some(expression) => {
            s.insert_commented("ScheduleExpression", expression.as_str(), from(&[&job.schedule.key]));
            report.imported(
                &job.schedule.key,
                "schedule",
                format!("`{expression}`, one Fargate task each time"),
            );
        }
        None => {
            s.insert_commented(
                "ScheduleExpression",
                "rate(1 day)",
                "on.schedule is `none`: the job is disabled",
            );
            s.insert("State", "DISABLED");
            report.imported(&job.schedule.key, "schedule", "`none`: written as a disabled schedule");
        }
    }
    s.insert("FlexibleTimeWindow", Map::new().with("Mode", "OFF"));
    let ecs = Map::new()
        .with("TaskDefinitionArn", format!("{}:1", m.name))
        .with("TaskCount", 1u32)
        .with("LaunchType", "FARGATE");
    let retries = job.retries.as_ref().map_or(0, |r| r.value);
    let age = job
        .timeout_s
        .as_ref()
        .map_or(MAX_EVENT_AGE_S, |t| t.value.clamp(60, MAX_EVENT_AGE_S));
    let retry = Map::new()
        .with("MaximumRetryAttempts", retries)
        .with("MaximumEventAgeInSeconds", age as i64);
    let mut target = Map::new()
        .with(
            "Arn",
            format!("arn:aws:ecs:us-east-1:123456789012:cluster/{}", names.cluster),
        )
        .with("RoleArn", "arn:aws:iam::123456789012:role/copilot-job-events")
        .with("EcsParameters", ecs);
    target.insert_commented("RetryPolicy", retry, "from retries and timeout");
    s.insert("Target", target);
    if let Some(r) = &job.retries {
        report.guess(
            &r.key,
            "retries",
            format!(
                "Step Functions retries the task {} time(s) after any failure; ecsim retries a task only when it is interrupted (MaximumRetryAttempts {})",
                r.value, r.value
            ),
        );
    }
    if let Some(t) = &job.timeout_s {
        report.ignored(
            &t.key,
            "timeout",
            format!("Step Functions stops the task after {} s; ecsim does not stop a running task (no retry starts after it)", t.value),
        );
    }
    let run_time = Map::new()
        .with("distribution", "lognormal")
        .with("median", "5m")
        .with("p95", "15m");
    behavior.insert_commented(
        "runTime",
        run_time,
        "GUESS: the manifest does not say how long the job runs; replace with measured times",
    );
    report.guess(
        "on.schedule",
        "run time",
        "each run takes a median 5 m (p95 15 m): replace with measured times",
    );
    (s, behavior)
}
