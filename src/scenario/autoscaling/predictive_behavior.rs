//! `behavior.predictiveScaling`: which forecaster makes the predictive policies' forecasts
//! (reference 15.4, 15.5). `forecaster: seasonal` (the default) is ecsim's approximation with
//! `weeklyWeight` and `levelWindow`; `forecaster: replay` reads, for each predictive policy by
//! `PolicyName`, the JSON that `aws application-autoscaling get-predictive-scaling-forecast`
//! prints (`forecasts: {<PolicyName>: <file>}`), or the same forecast as a CSV file.

use super::super::SourceLoader;
use super::super::diag::Sources;
use super::super::reader::as_number;
use super::super::yaml::{self, Value};
use super::*;
use crate::policy::predictive::replay::{Replay, ReplayPoint};
use crate::policy::predictive::seasonal::Seasonal;
use crate::policy::predictive::{HOUR_MS, LOOK_BACK_HOURS};
use crate::spec::ForecasterSpec;

const PATH: &str = "behavior.predictiveScaling";

/// Sets the forecaster of every predictive policy of `spec` from `node`
/// (`behavior.predictiveScaling`, if written).
pub fn read_predictive_behavior(
    node: Option<&Node>,
    spec: &mut AutoScalingSpec,
    loader: &dyn SourceLoader,
    sources: &mut Sources,
    d: &mut Diagnostics,
) {
    let Some(node) = node else { return };
    let Some(mut o) = object(node, PATH, d) else { return };
    let forecaster = o.one_of("forecaster", &["seasonal", "replay"], d);
    let mut seasonal = Seasonal::default();
    if let Some(w) = o.number("weeklyWeight", 0.0, 1.0, d) {
        seasonal.weekly_weight = w;
    }
    let level_loc = o.key_loc("levelWindow");
    if let Some(w) = o.duration("levelWindow", d) {
        let hours = w.as_millis() / HOUR_MS as u64;
        if w.as_millis() % HOUR_MS as u64 != 0 || hours == 0 || hours > LOOK_BACK_HOURS as u64 {
            d.error(
                level_loc,
                &format!("{PATH}.levelWindow"),
                format!("levelWindow must be whole hours from 1h to {}d", LOOK_BACK_HOURS / 24),
                Some("write e.g. 24h".into()),
            );
        } else {
            seasonal.level_hours = hours as usize;
        }
    }
    let forecasts_loc = o.key_loc("forecasts");
    let forecasts = o.field("forecasts");
    o.finish(d);
    let replay = forecaster == Some("replay");
    let mut files: BTreeMap<String, (String, Loc)> = BTreeMap::new();
    if let Some(n) = forecasts {
        if !replay {
            d.error(
                forecasts_loc,
                &format!("{PATH}.forecasts"),
                "forecasts are replayed only with forecaster: replay",
                Some("add forecaster: replay, or remove forecasts".into()),
            );
        }
        files = read_forecast_files(n, spec, d);
    }
    for policy in &mut spec.scaling_policies {
        let PolicyKind::PredictiveScaling(p) = &mut policy.kind else {
            continue;
        };
        if !replay {
            p.forecaster = ForecasterSpec::Seasonal(seasonal);
            continue;
        }
        match files.get(&policy.name) {
            Some((file, loc)) => {
                if let Some(r) = read_forecast_file(file, *loc, &policy.name, loader, sources, d) {
                    p.forecaster = ForecasterSpec::Replay(r);
                }
            }
            None => d.error(
                forecasts_loc,
                &format!("{PATH}.forecasts"),
                format!("predictive policy {} has no forecast to replay", policy.name),
                Some(format!(
                    "add `{}: <file>`, the JSON of aws application-autoscaling get-predictive-scaling-forecast",
                    policy.name
                )),
            ),
        }
    }
}

/// `forecasts`: a file per predictive policy, by `PolicyName`.
fn read_forecast_files(node: &Node, spec: &AutoScalingSpec, d: &mut Diagnostics) -> BTreeMap<String, (String, Loc)> {
    let path = format!("{PATH}.forecasts");
    let mut files = BTreeMap::new();
    let Value::Map(entries) = &node.value else {
        d.error(
            node.loc,
            &path,
            format!(
                "expected a mapping from PolicyName to a forecast file, found {}",
                node.kind_words()
            ),
            None,
        );
        return files;
    };
    let predictive = || {
        spec.scaling_policies
            .iter()
            .filter(|p| matches!(p.kind, PolicyKind::PredictiveScaling(_)))
            .map(|p| p.name.as_str())
    };
    for (key, value) in entries {
        let entry_path = format!("{path}.{}", key.name);
        if !predictive().any(|n| n == key.name) {
            if !d.unread.covers(Declared::ScalingPolicy, &key.name) {
                d.error(
                    key.loc,
                    &entry_path,
                    format!("no PredictiveScaling policy named `{}`", key.name),
                    closest(&key.name, predictive()).map(|c| format!("did you mean `{c}`?")),
                );
            }
            continue;
        }
        if let Some(file) = as_string(value, &entry_path, d) {
            files.insert(key.name.clone(), (file, value.loc));
        }
    }
    files
}

/// The JSON of `get-predictive-scaling-forecast` in `file` (or, for a `.csv` file, its
/// columns: `predictive_csv`), into hourly points.
fn read_forecast_file(
    file: &str,
    loc: Loc,
    policy: &str,
    loader: &dyn SourceLoader,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> Option<Replay> {
    let path = format!("{PATH}.forecasts.{policy}");
    let (display, text) = match loader.read_relative(file) {
        Ok(v) => v,
        Err(e) => {
            d.error(loc, &path, format!("cannot read `{file}`: {e}"), None);
            return None;
        }
    };
    let index = sources.add(display, text);
    if file.to_ascii_lowercase().ends_with(".csv") {
        return match super::predictive_csv::parse_forecast_csv(sources.text(index)) {
            Ok(points) => Some(Replay { points }),
            Err(e) => {
                let at = Loc {
                    file: index,
                    line: e.line,
                    col: e.col,
                };
                let help =
                    "a header `Timestamp,CapacityForecast,LoadForecast` (one or both forecasts), then one row per hour";
                d.error(at, &path, e.message, Some(help.into()));
                None
            }
        };
    }
    let tree = match yaml::parse(sources.text(index), index) {
        Ok(t) => t,
        Err(e) => {
            d.error(e.loc, &path, format!("invalid JSON: {}", e.message), None);
            return None;
        }
    };
    let mut o = object(&tree, &path, d)?;
    let mut load = None;
    if let Some((p, n)) = o.list("LoadForecast", d).into_iter().next() {
        load = read_series(n, &p, d, &["MetricSpecification"]);
    }
    let capacity = o
        .field("CapacityForecast")
        .and_then(|n| read_series(n, &format!("{path}.CapacityForecast"), d, &[]));
    o.ignore(&["UpdateTime"]);
    let top = o.loc;
    o.finish(d);
    if load.is_none() && capacity.is_none() {
        d.error(
            top,
            &path,
            "the forecast file has neither LoadForecast nor CapacityForecast",
            Some("write the output of aws application-autoscaling get-predictive-scaling-forecast".into()),
        );
        return None;
    }
    let mut points: BTreeMap<i64, ReplayPoint> = BTreeMap::new();
    let blank = |hour_epoch_ms| ReplayPoint {
        hour_epoch_ms,
        load: None,
        capacity: None,
    };
    for (t, v) in load.unwrap_or_default() {
        points.entry(t).or_insert_with(|| blank(t)).load = Some(v);
    }
    for (t, v) in capacity.unwrap_or_default() {
        points.entry(t).or_insert_with(|| blank(t)).capacity = Some(v);
    }
    Some(Replay {
        points: points.into_values().collect(),
    })
}

/// `{Timestamps, Values}`: hourly RFC 3339 timestamps on the hour, one value each.
fn read_series(node: &Node, path: &str, d: &mut Diagnostics, ignored: &[&'static str]) -> Option<Vec<(i64, f64)>> {
    let mut o = object(node, path, d)?;
    let times = o.required_list("Timestamps", "the hours, RFC 3339", d);
    let values_loc = o.key_loc("Values");
    let values = o.required_list("Values", "one number per timestamp", d);
    o.ignore(ignored);
    o.finish(d);
    if times.len() != values.len() {
        d.error(
            values_loc,
            &format!("{path}.Values"),
            format!("{} values for {} timestamps", values.len(), times.len()),
            None,
        );
        return None;
    }
    let mut out = Vec::with_capacity(times.len());
    let mut ok = true;
    for ((tp, tn), (vp, vn)) in times.into_iter().zip(values) {
        let text = as_string(tn, &tp, d);
        let value = as_number(vn, &vp, -1e15, 1e15, d);
        let (Some(text), Some(value)) = (text, value) else {
            ok = false;
            continue;
        };
        match chrono::DateTime::parse_from_rfc3339(&text) {
            Ok(t) if t.timestamp_millis().rem_euclid(HOUR_MS) == 0 => out.push((t.timestamp_millis(), value)),
            Ok(_) => {
                d.error(
                    tn.loc,
                    &tp,
                    format!("`{text}` is not on the hour: forecasts are hourly"),
                    None,
                );
                ok = false;
            }
            Err(_) => {
                d.error(
                    tn.loc,
                    &tp,
                    format!("`{text}` is not an RFC 3339 timestamp"),
                    Some("write it as AWS prints it, e.g. 2026-03-02T08:00:00+00:00".into()),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}
