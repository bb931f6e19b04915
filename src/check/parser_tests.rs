//! Parsing `expect:` lines: the grammar, its errors and their columns.

use super::*;

/// Parses `text` and checks its canonical form, then that the canonical form parses to the same.
#[track_caller]
fn check_valid(text: &str, canonical: &str) {
    let parsed = parse_expectation(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"));
    assert_eq!(parsed.to_string(), canonical, "input {text:?}");
    assert_eq!(
        parse_expectation(canonical),
        Ok(parsed),
        "canonical {canonical:?} reparses"
    );
}

#[track_caller]
fn check_invalid(text: &str, column: usize, message: &str) {
    assert_eq!(
        parse_expectation(text),
        Err(ParseError::new(column, message)),
        "input {text:?}"
    );
}

#[test]
fn valid_expressions_round_trip_to_their_canonical_form() {
    check_valid("max(web.running) <= 60", "max(web.running) <= 60");
    check_valid("max( web.running )<=60", "max(web.running) <= 60");
    check_valid(
        "min(web.healthy during deployment) >= 4",
        "min(web.healthy during deployment) >= 4",
    );
    check_valid(
        "min(web.healthy during deployment(api)) >= 4",
        "min(web.healthy during deployment(api)) >= 4",
    );
    check_valid(
        "mean(web.cpu_utilization during [1d, 1d6h]) == 60 +- 2",
        "mean(web.cpu_utilization during [1d, 1d6h]) == 60 +- 2",
    );
    check_valid(
        "mean(web.cpu_utilization during [24h,30h])==60±2.5",
        "mean(web.cpu_utilization during [1d, 1d6h]) == 60 +- 2.5",
    );
    check_valid(
        "p95(web.cpu_utilization after steady_state(web)) < 80",
        "p95(web.cpu_utilization after steady_state(web)) < 80",
    );
    check_valid("p75(web.running after 90m) > 0.5", "p75(web.running after 1h30m) > 0.5");
    check_valid(
        "sum(shop.unserved_rps before 2h) != 0",
        "sum(shop.unserved_rps before 2h) != 0",
    );
    check_valid("first(cp-m5.instances) == 3", "first(cp-m5.instances) == 3");
    check_valid("jobs_interrupted>=1", "jobs.interrupted >= 1");
    check_valid("jobs_interrupted( on-upload ) >= 1", "jobs.on-upload.interrupted >= 1");
    check_valid("jobs_abandoned(nightly) == 0", "jobs.nightly.abandoned == 0");
    check_valid(
        "last(FARGATE_SPOT.cost_usd) < 1.50",
        "last(FARGATE_SPOT.cost_usd) < 1.5",
    );
    check_valid("count(my_svc-2.running) >= 360", "count(my_svc-2.running) >= 360");
    check_valid("p50(5xx-api.running) > -1", "p50(5xx-api.running) > -1");
    check_valid("cost_usd < 120", "cost_usd < 120");
    check_valid("cost_usd(FARGATE) <= 0.25", "cost_usd(FARGATE) <= 0.25");
    check_valid("unserved_requests == 0", "unserved_requests == 0");
    check_valid("unserved_requests(web) == 0", "unserved_requests(web) == 0");
    check_valid("placement_failures == 0", "placement_failures == 0");
    check_valid("tasks_started >= 6", "tasks_started >= 6");
    check_valid("steady_state_s(web) < 300s", "steady_state_s(web) < 5m");
    check_valid("scaling_activities <= 10", "scaling_activities <= 10");
    check_valid("scaling_activities(web) <= 10", "scaling_activities(web) <= 10");
    check_valid("deployments(web) == 1", "deployments(web) == 1");
    check_valid("deployment_duration_s(web) < 15m", "deployment_duration_s(web) < 15m");
    check_valid("count_events(fault) == 1", "count_events(fault) == 1");
    check_valid(
        "count_events(instance , cluster) >= 2",
        "count_events(instance, cluster) >= 2",
    );
    check_valid(
        "last(web.running) == last(web.desired)",
        "last(web.running) == last(web.desired)",
    );
    check_valid(
        "max(web.running) <= max(web.max_capacity) +- 1",
        "max(web.running) <= max(web.max_capacity) +- 1",
    );
    check_valid("steady_state_s(web) == 60 +- 30s", "steady_state_s(web) == 60 +- 30s");
    check_valid(
        "max(web.running during [0, 90s]) == 4",
        "max(web.running during [0s, 1m30s]) == 4",
    );
}

#[test]
fn invalid_expressions_report_the_column_and_what_was_expected() {
    check_invalid(
        "",
        1,
        "expected an expectation like `max(web.running) <= 10`, found nothing",
    );
    check_invalid("max(web.running <= 3", 17, "expected `)` after the column, found `<=`");
    check_invalid(
        "max() <= 3",
        5,
        "expected a column like `web.running` inside `max(...)`, found `)`",
    );
    check_invalid(
        "max(web) <= 3",
        5,
        "expected a column `SUBJECT.FIELD` such as `web.running`, found `web`",
    );
    check_invalid(
        "max(web.) <= 3",
        5,
        "expected a column `SUBJECT.FIELD` such as `web.running`, found `web.`",
    );
    check_invalid(
        "max(web.running) 3",
        18,
        "expected a comparison (<, <=, >, >=, ==, !=) after `max(web.running)`, found `3`",
    );
    check_invalid("max(web.running) = 3", 18, "`=` is not a comparison; use `==`");
    check_invalid(
        "max(web.running) <=",
        20,
        "expected a number, a duration or a value after `<=`, found the end",
    );
    check_invalid(
        "max(web.running) <= 3 +-",
        25,
        "expected a number or a duration after `+-`, found the end",
    );
    check_invalid("max(web.running) <= 3 +- -1", 26, "the tolerance must not be negative");
    check_invalid(
        "max(web.running) <= 3 extra",
        23,
        "expected the end of the expectation, found `extra`",
    );
    check_invalid(
        "max(web.running)) <= 3",
        17,
        "expected a comparison (<, <=, >, >=, ==, !=) after `max(web.running)`, found `)`",
    );
    check_invalid(
        "maxx(web.running) <= 3",
        1,
        "unknown aggregate or summary figure `maxx`; did you mean `max`?",
    );
    check_invalid(
        "MAX(web.running) <= 3",
        1,
        "unknown aggregate or summary figure `MAX`; did you mean `max`?",
    );
    check_invalid("max web.running <= 3", 1, "`max` needs a column: `max(web.running)`");
    // A bare column on the left holds on every row (`every_row`); on the right it needs an
    // aggregate.
    check_invalid(
        "3 <= web.running",
        6,
        "`web.running` is a trace column; wrap it in an aggregate such as `max(web.running)`",
    );
    check_invalid(
        "p100(web.running) <= 3",
        1,
        "percentiles go from `p1` to `p99`, found `p100`",
    );
    check_invalid(
        "cost <= 3",
        1,
        "unknown summary figure `cost`; did you mean `cost_usd`?",
    );
    check_invalid(
        "steady_state_s <= 60",
        1,
        "`steady_state_s` needs a service: `steady_state_s(...)`",
    );
    check_invalid("tasks_started(web) > 1", 14, "`tasks_started` takes no argument");
    check_invalid(
        "count_events() > 0",
        14,
        "expected an event kind inside `count_events(...)`, found `)`",
    );
    check_invalid(
        "count_events(fault web) > 0",
        20,
        "expected `)` or `, SUBJECT` after the event kind, found `web`",
    );
    check_invalid(
        "cost_usd(web.running) > 0",
        10,
        "expected a capacity provider inside `cost_usd(...)`, found `web.running`",
    );
    check_invalid(
        "max(web.running during 1h) < 3",
        24,
        "expected `[` or `deployment` after `during`, found `1h`",
    );
    check_invalid(
        "max(web.running during [2h, 1h]) < 3",
        24,
        "the window `[2h, 1h]` must end after it starts",
    );
    check_invalid(
        "max(web.running during [1h 2h]) < 3",
        28,
        "expected `,` between the start and the end of the window, found `2h`",
    );
    check_invalid(
        "max(web.running during [1h, 2h) < 3",
        31,
        "expected `]` after the end of the window, found `)`",
    );
    check_invalid(
        "max(web.running during [1x, 2h]) < 3",
        25,
        "unknown unit `x` in duration `1x`; units are d, h, m, s and ms (e.g. `90s`, `1d2h`)",
    );
    check_invalid(
        "max(web.running during [1.5h, 2h]) < 3",
        25,
        "fractions are not allowed in duration `1.5h`; use smaller units, e.g. `1h30m` or `1500ms`",
    );
    check_invalid(
        "max(web.running after soon) < 3",
        23,
        "expected a duration or `steady_state(SERVICE)` after `after`, found `soon`",
    );
    check_invalid(
        "max(web.running after steady_state) < 3",
        35,
        "expected `(SERVICE)` after `steady_state`, found `)`",
    );
    check_invalid(
        "max(web.running before deployment) < 3",
        24,
        "expected a duration after `before`, found `deployment`",
    );
    check_invalid(
        "max(web.running durng [1h, 2h]) < 3",
        17,
        "unknown window `durng`; did you mean `during`?",
    );
    check_invalid(
        "max(web.running during deployment(web) <= 3",
        40,
        "expected `)` after the window, found `<=`",
    );
    check_invalid("max(web.running) < 1.2.3", 20, "`1.2.3` is not a number or a duration");
    check_invalid(
        "max(web.running) < -5m",
        20,
        "a duration cannot be negative, found `-5m`",
    );
    check_invalid("max(web.running) < 10 # note", 23, "unexpected character `#`");
}

#[test]
fn standalone_task_figures_read_in_the_dotted_and_the_call_form() {
    // The forms, with durations on the right.
    check_valid("jobs.nightly.makespan_s < 4h", "jobs.nightly.makespan_s < 4h");
    check_valid("p95(jobs.wait_s) < 300", "p95(jobs.wait_s) < 300");
    check_valid("p50( jobs.wait_s ) <= 1m", "p50(jobs.wait_s) <= 1m");
    check_valid("jobs.completed >= 18", "jobs.completed >= 18");
    check_valid("jobs.on-upload.failed == 0", "jobs.on-upload.failed == 0");
    check_valid("jobs.makespan_s < 1h", "jobs.makespan_s < 1h");
    check_valid("jobs.cost_per_job_usd < 0.05", "jobs.cost_per_job_usd < 0.05");
    // A trigger's name may hold dots: the field follows the last one.
    check_valid("jobs.etl.v2.completed > 0", "jobs.etl.v2.completed > 0");
    // The call forms are the same figures, written the dotted way.
    check_valid("jobs_completed(nightly) >= 18", "jobs.nightly.completed >= 18");
    check_valid("job_makespan_s(nightly) < 4h", "jobs.nightly.makespan_s < 4h");
    check_valid("job_wait_p95_s < 300", "p95(jobs.wait_s) < 300");
    check_valid("cost_per_job_usd < 1", "jobs.cost_per_job_usd < 1");
    let dotted = parse_expectation("jobs.nightly.makespan_s < 4h").expect("parses");
    assert_eq!(dotted.left, Value::Figure(Figure::JobMakespanS(Some("nightly".into()))));
    assert_eq!(dotted.right, Value::Literal(Literal::Duration(SimDuration(14_400_000))));
    assert_eq!(
        parse_expectation("p95(jobs.wait_s) < 300").map(|e| e.left),
        Ok(Value::Figure(Figure::JobWaitP95S))
    );
    // On either side.
    check_valid("jobs.failed < jobs.completed", "jobs.failed < jobs.completed");
    // `jobs.FIELD` with FIELD a trace column is the column of a service named `jobs`.
    check_valid("max(jobs.running) <= 4", "max(jobs.running) <= 4");
    check_valid("jobs.running <= 4", "max(jobs.running) <= 4");
}

#[test]
fn misspelt_or_misplaced_job_figures_say_what_to_write() {
    check_invalid(
        "jobs.nightly.makespan < 4h",
        1,
        "unknown job figure `makespan` in `jobs.nightly.makespan`; did you mean `makespan_s`? \
         (jobs.nightly.FIELD: completed, failed, interrupted, abandoned, makespan_s; p50/p95 of jobs.wait_s)",
    );
    check_invalid(
        "jobs.complted > 1",
        1,
        "unknown job figure `complted` in `jobs.complted`; did you mean `completed`? \
         (jobs.FIELD: completed, failed, interrupted, abandoned, makespan_s, cost_per_job_usd; p50/p95 of jobs.wait_s)",
    );
    check_invalid(
        "1 < jobs.wait_s",
        5,
        "`jobs.wait_s` is a distribution: write `p50(jobs.wait_s)` or `p95(jobs.wait_s)`",
    );
    check_invalid(
        "jobs.wait_s < 300",
        1,
        "`jobs.wait_s` is a distribution: write `p50(jobs.wait_s)` or `p95(jobs.wait_s)`",
    );
    check_invalid(
        "p99(jobs.wait_s) < 300",
        5,
        "summary.json has the p50 and p95 of `jobs.wait_s`: write `p50(jobs.wait_s)` or `p95(jobs.wait_s)`, not `p99(...)`",
    );
    check_invalid(
        "max(jobs.nightly.makespan_s) < 4h",
        5,
        "`jobs.nightly.makespan_s` is one figure of the run: write it without `max(...)`",
    );
    check_invalid(
        "p95(jobs.wait_s during [0s, 1h]) < 300",
        17,
        "`p95(jobs.wait_s)` is a figure of the whole run and takes no window",
    );
    check_invalid(
        "jobs.nightly.cost_per_job_usd < 1",
        1,
        "`cost_per_job_usd` is a figure of all the jobs, not of one trigger: write \
         `jobs.cost_per_job_usd` instead of `jobs.nightly.cost_per_job_usd`",
    );
    check_invalid(
        "jobs..completed > 1",
        1,
        "`jobs..completed` has an empty trigger name: write `jobs.TRIGGER.completed`",
    );
}
