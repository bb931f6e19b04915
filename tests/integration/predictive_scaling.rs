//! Predictive scaling in whole runs (issue 21, reference 15): the first forecast after 24 hours
//! of data, one every 6 hours, the minimum capacity raised `SchedulingBufferTime` before each
//! hour, never a scale-in, ForecastOnly changing nothing, and the same bytes twice.

use crate::support::{RunOutput, column, load_text, run_to_strings};

const HOUR_S: f64 = 3600.0;

/// A Fargate service with a daily load and CPU target tracking for `days` days from a Monday
/// 00:00 UTC, plus a predictive policy with `mode` and `buffer_s` when `mode` is given.
pub(crate) fn scenario(mode: Option<&str>, buffer_s: u32, days: u32) -> String {
    let predictive = match mode {
        Some(mode) => format!(
            "
    - PolicyName: forecast
      ServiceNamespace: ecs
      ResourceId: service/c/web
      ScalableDimension: ecs:service:DesiredCount
      PolicyType: PredictiveScaling
      PredictiveScalingPolicyConfiguration:
        MetricSpecifications:
          - TargetValue: 60
            PredefinedMetricPairSpecification: {{PredefinedMetricType: ECSServiceCPUUtilization}}
        Mode: {mode}
        SchedulingBufferTime: {buffer_s}"
        ),
        None => String::new(),
    };
    format!(
        "
name: predictive
start: 2026-03-02T00:00:00Z
duration: {days}d
traceInterval: 5m
ecs:
  cluster: {{clusterName: c, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: web, cpu: '512', memory: '1024', networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: web, image: web, portMappings: [{{containerPort: 80}}]}}]}}
  services:
    - {{serviceName: web, taskDefinition: web, desiredCount: 2, launchType: FARGATE}}
applicationAutoScaling:
  scalableTargets:
    - {{ServiceNamespace: ecs, ResourceId: service/c/web, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1, MaxCapacity: 30}}
  scalingPolicies:
    - PolicyName: cpu60
      ServiceNamespace: ecs
      ResourceId: service/c/web
      ScalableDimension: ecs:service:DesiredCount
      PolicyType: TargetTrackingScaling
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 60
        PredefinedMetricSpecification: {{PredefinedMetricType: ECSServiceAverageCPUUtilization}}{predictive}
behavior:
  taskDefinitions:
    web: {{requestsPerSecondAtFullCpu: 50, idleCpuPercent: 3}}
load:
  web:
    requestsPerSecond:
      - constant: 20
      - diurnal: {{amplitude: 500, peakAt: '12:00', timezone: UTC}}
"
    )
}

fn run(mode: Option<&str>, buffer_s: u32, days: u32) -> RunOutput {
    let loaded = load_text("predictive.yaml", &scenario(mode, buffer_s, days)).expect("loads");
    run_to_strings(&loaded)
}

/// `(time_s, kind, message, cause, desired_from, desired_to)` of the rows of `events.csv` that
/// predictive scaling wrote.
fn predictive_events(out: &RunOutput) -> Vec<(f64, String, String, String, u32, u32)> {
    let times = column(&out.events, "time_s", None);
    let kinds = column(&out.events, "kind", None);
    let messages = column(&out.events, "message", None);
    let causes = column(&out.events, "cause", None);
    let from = column(&out.events, "desired_from", None);
    let to = column(&out.events, "desired_to", None);
    (0..times.len())
        .filter(|&i| messages[i].starts_with("forecast:"))
        .map(|i| {
            (
                times[i].parse().expect("time"),
                kinds[i].clone(),
                messages[i].clone(),
                causes[i].clone(),
                from[i].parse().unwrap_or(0),
                to[i].parse().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn the_first_forecast_comes_after_24_hours_then_one_every_6_hours() {
    let out = run(Some("ForecastAndScale"), 300, 3);
    let events = predictive_events(&out);
    let forecasts: Vec<(f64, bool)> = events
        .iter()
        .filter(|e| e.1 == "forecast")
        .map(|e| (e.0 / HOUR_S, !e.2.contains("no forecast")))
        .collect();
    let expected: Vec<(f64, bool)> = (0..=12).map(|k| (6.0 * k as f64, k >= 4)).collect();
    assert_eq!(
        forecasts, expected,
        "none on day 1, then every 6 h from 24 h to the end at 72 h"
    );
    // Nothing changes capacity before the first forecast.
    assert!(events.iter().all(|e| e.1 == "forecast" || e.0 >= 24.0 * HOUR_S));
    let summary: serde_json::Value = serde_json::from_str(&out.summary).expect("json");
    let p = &summary["scaling_policies"][1]["predictive"];
    assert_eq!(p["forecasts"], 9);
    assert_eq!(p["mode"], "ForecastAndScale");
    assert_eq!(p["forecaster"], "seasonal");
    // A pure daily load is forecast closely by the daily profile.
    let mape = p["load_mape_percent"].as_f64().expect("hours compared");
    assert!(mape < 10.0, "MAPE {mape}");
    // forecast.csv: one row per whole hour with a forecast in force (from 25 h: the 24 h forecast's
    // first hour acted 5 minutes before it was made).
    let forecast = out.forecast.expect("forecast.csv");
    let hours = column(&forecast, "time_s", None);
    assert_eq!(hours.first().map(String::as_str), Some("90000"));
    assert_eq!(hours.len(), 47, "hours 25 to 71");
}

#[test]
fn the_minimum_rises_at_each_hour_start_less_the_buffer_and_never_scales_in() {
    for buffer_s in [0u32, 600, 3599] {
        let out = run(Some("ForecastAndScale"), buffer_s, 3);
        let actions: Vec<_> = predictive_events(&out)
            .into_iter()
            .filter(|e| e.1 != "forecast")
            .collect();
        assert!(actions.len() > 10, "buffer {buffer_s}: {} actions", actions.len());
        for (time_s, kind, message, cause, from, to) in &actions {
            let into_hour = (*time_s as u64) % 3600;
            assert_eq!(into_hour, (3600 - u64::from(buffer_s)) % 3600, "{message}");
            match kind.as_str() {
                // A desired change is a scale-out to the new minimum, never a scale-in.
                "scaling_activity" => {
                    assert_eq!(cause, "predictive_scaling");
                    assert!(to > from, "{message}");
                }
                "predictive_capacity" => assert!(message.contains("is at or above it"), "{message}"),
                other => panic!("unexpected kind {other}: {message}"),
            }
        }
        // The floor also falls in the evening, without lowering desired.
        assert!(
            actions.iter().any(|e| e.1 == "predictive_capacity"),
            "buffer {buffer_s}: the floor never fell"
        );
    }
    // min_capacity in services.csv is the floor in force, above the target's own 1.
    let out = run(Some("ForecastAndScale"), 300, 3);
    let mins = column(&out.services, "min_capacity", None);
    assert!(mins.iter().any(|m| m.parse::<u32>().expect("int") > 5));
}

#[test]
fn forecast_only_writes_forecasts_and_changes_nothing() {
    let only = run(Some("ForecastOnly"), 300, 3);
    let none = run(None, 300, 3);
    for name in ["desired", "running", "min_capacity", "max_capacity"] {
        assert_eq!(
            column(&only.services, name, None),
            column(&none.services, name, None),
            "{name}"
        );
    }
    let forecasts = predictive_events(&only);
    assert!(forecasts.iter().all(|e| e.1 == "forecast"));
    assert_eq!(forecasts.iter().filter(|e| !e.2.contains("no forecast")).count(), 9);
    let forecast = only.forecast.expect("forecast.csv");
    assert!(column(&forecast, "min_capacity", None).iter().all(String::is_empty));
    assert!(column(&forecast, "capacity_forecast", None).len() > 40);
}

#[test]
fn the_same_run_twice_gives_the_same_bytes() {
    let a = run(Some("ForecastAndScale"), 300, 2);
    let b = run(Some("ForecastAndScale"), 300, 2);
    assert_eq!(a.forecast, b.forecast);
    assert_eq!(a.events, b.events);
    assert_eq!(a.services, b.services);
}

#[test]
fn a_replayed_aws_forecast_is_used_from_the_start() {
    // scenarios/data/predictive-forecast-example.json: AWS's capacity forecast, 10 tasks from
    // 08:00 to 18:00 UTC on weekdays, 2 otherwise, from Monday 2 March 2026 00:00.
    let text = scenario(Some("ForecastAndScale"), 300, 2).replace(
        "behavior:\n",
        "behavior:\n  predictiveScaling:\n    forecaster: replay\n    forecasts: {forecast: data/predictive-forecast-example.json}\n",
    );
    let out = run_to_strings(&load_text("predictive.yaml", &text).expect("loads"));
    let events = predictive_events(&out);
    // No 24-hour wait: the replayed forecast is AWS's own.
    let first = events.iter().find(|e| e.1 == "forecast").expect("a forecast");
    assert_eq!(first.0, 0.0);
    assert!(first.2.contains("replay forecast of 48 hours"), "{}", first.2);
    // 07:55 on Monday: the minimum rises to the replayed 10 for the hour from 08:00.
    let at_0755: Vec<_> = events.iter().filter(|e| e.0 == 7.0 * HOUR_S + 55.0 * 60.0).collect();
    assert_eq!(at_0755.len(), 1, "{events:?}");
    assert!(
        at_0755[0]
            .2
            .contains("forecast capacity 10 for the hour from 2026-03-02T08:00:00Z"),
        "{}",
        at_0755[0].2
    );
    let summary: serde_json::Value = serde_json::from_str(&out.summary).expect("json");
    assert_eq!(summary["scaling_policies"][1]["predictive"]["forecaster"], "replay");
}

/// The same forecast as CSV columns (scenarios/data/predictive-forecast-example.csv) gives the
/// same run as the JSON `get-predictive-scaling-forecast` prints.
#[test]
fn a_replayed_forecast_as_csv_gives_the_same_run_as_the_json() {
    let with = |file: &str| {
        let text = scenario(Some("ForecastAndScale"), 300, 2).replace(
            "behavior:\n",
            &format!("behavior:\n  predictiveScaling:\n    forecaster: replay\n    forecasts: {{forecast: {file}}}\n"),
        );
        run_to_strings(&load_text("predictive.yaml", &text).expect("loads"))
    };
    let (json, csv) = (
        with("data/predictive-forecast-example.json"),
        with("data/predictive-forecast-example.csv"),
    );
    let rows = json.forecast.as_deref().expect("forecast.csv").lines().count();
    assert!(rows > 24, "{rows} rows");
    assert_eq!(json.forecast, csv.forecast);
    assert_eq!(json.events, csv.events);
    assert_eq!(json.services, csv.services);
}

#[test]
fn the_tasks_chart_draws_the_hourly_capacity_forecast() {
    let out = run(Some("ForecastAndScale"), 300, 3);
    let run = crate::support::chart_data(&out);
    ecsim::output::charts::inspect_figures(&run, |figures| {
        let tasks = figures
            .iter()
            .find(|f| f.file_stem == "service-web-tasks")
            .expect("tasks chart");
        let line = tasks.panels[0]
            .lines
            .iter()
            .find(|l| l.legend == "forecast capacity (forecast)")
            .expect("the forecast line");
        // Steps: each hour of forecast.csv from its start to its end, 25 h to 72 h.
        assert_eq!(line.time_s.first(), Some(&90_000.0));
        assert_eq!(line.time_s.last(), Some(&(72.0 * HOUR_S)));
        assert!(line.values.iter().any(|&v| v > 5.0));
    });
}

#[test]
fn the_resource_budget_counts_predictive_scaling_events() {
    use ecsim::spec::budget::{Estimate, TraceCost};
    let cost = TraceCost {
        traces: true,
        alarm_evaluations: false,
    };
    let with = load_text("predictive.yaml", &scenario(Some("ForecastOnly"), 300, 3)).expect("loads");
    let without = load_text("predictive.yaml", &scenario(None, 300, 3)).expect("loads");
    let (a, b) = (
        Estimate::of_spec(&with.spec, cost),
        Estimate::of_spec(&without.spec, cost),
    );
    // A measurement a minute for 3 days, 13 forecasts, up to 47 hourly actions each.
    assert_eq!(a.events - b.events, 3 * 1440 + 13 + 13 * 47);
    // And a forecast.csv row per hour.
    assert_eq!(a.rows - b.rows, 72);
    let out = run_to_strings(&with);
    let summary: serde_json::Value = serde_json::from_str(&out.summary).expect("json");
    let processed = summary["events_processed"].as_u64().expect("events");
    assert!(
        a.events <= processed,
        "the estimate {} is a floor of {processed}",
        a.events
    );
}

#[test]
fn max_capacity_is_honoured_or_raised_by_the_buffer() {
    // The daily peak needs some 9 tasks at 60 % CPU; MaxCapacity is 5.
    let with = |breach: &str| {
        let text = scenario(Some("ForecastAndScale"), 300, 2)
            .replace("MaxCapacity: 30", "MaxCapacity: 5")
            .replace(
                "SchedulingBufferTime: 300",
                &format!("SchedulingBufferTime: 300\n        {breach}"),
            );
        run_to_strings(&load_text("predictive.yaml", &text).expect("loads"))
    };
    let max_of = |out: &RunOutput, name: &str| {
        column(&out.services, name, None)
            .iter()
            .map(|v| v.parse::<u32>().expect("int"))
            .max()
            .expect("rows")
    };
    let honour = with("MaxCapacityBreachBehavior: HonorMaxCapacity");
    assert_eq!(max_of(&honour, "min_capacity"), 5);
    assert_eq!(max_of(&honour, "max_capacity"), 5);
    let forecast = honour.forecast.as_ref().expect("forecast.csv");
    let peak: u32 = column(forecast, "capacity_forecast", None)
        .iter()
        .map(|v| v.parse::<u32>().expect("int"))
        .max()
        .expect("rows");
    assert!(peak > 5, "the forecast passes the maximum: {peak}");
    // IncreaseMaxCapacity with a 10 % buffer: the floor is the forecast, the maximum its 110 %.
    let raise = with("MaxCapacityBreachBehavior: IncreaseMaxCapacity\n        MaxCapacityBuffer: 10");
    let raised_peak: u32 = column(
        raise.forecast.as_ref().expect("forecast.csv"),
        "capacity_forecast",
        None,
    )
    .iter()
    .map(|v| v.parse::<u32>().expect("int"))
    .max()
    .expect("rows");
    assert_eq!(max_of(&raise, "min_capacity"), raised_peak);
    assert_eq!(max_of(&raise, "max_capacity"), (raised_peak * 110).div_ceil(100));
    // The raised maximum lasts for its hour: at night it is back to 5.
    assert!(column(&raise.services, "max_capacity", None).iter().any(|v| v == "5"));
}

#[test]
fn one_sweep_compares_forecast_only_with_forecast_and_scale() {
    let dir = crate::support::TempDir::new("predictive-sweep");
    let out = dir.0.display().to_string();
    let scenario = "scenarios/predictive-weekday-business-load.yaml";
    let vary = "applicationAutoScaling.scalingPolicies[name=pred-forecast].PredictiveScalingPolicyConfiguration.Mode=ForecastOnly,ForecastAndScale";
    let result = crate::support::ecsim(&["sweep", scenario, "--vary", vary, "--out", &out, "--no-charts"]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let summary = std::fs::read_to_string(dir.0.join("sweep_summary.csv")).expect("sweep_summary.csv");
    let unserved = column(&summary, "pred.unserved_requests_mean", None);
    let cost = column(&summary, "cost_usd_mean", None);
    let number = |v: &str| v.parse::<f64>().expect("number");
    assert_eq!(
        column(&summary, &vary[..vary.rfind('=').expect("=")], None),
        ["ForecastOnly", "ForecastAndScale"]
    );
    assert!(number(&unserved[1]) < number(&unserved[0]) / 5.0, "{unserved:?}");
    assert!(
        number(&cost[1]) > number(&cost[0]),
        "more tasks ahead of the peaks cost more: {cost:?}"
    );
}
