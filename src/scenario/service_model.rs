//! `behavior.taskDefinitions.<td>.serviceTime` and `concurrency` (a task as a queue with
//! slots, issue 14) and `behavior.latency` (the request timeout).

use super::diag::Diagnostics;
use super::reader::{Obj, object};
use crate::spec::{Behavior, ServiceModel, TaskBehavior};
use crate::workload::latency::{Histogram, ServiceTime};

/// The `distribution` values of `serviceTime`.
const DISTRIBUTIONS: &[&str] = &["exponential", "lognormal", "constant", "histogram"];

/// Reads `serviceTime` and `concurrency` of one `behavior.taskDefinitions` entry into `tb`.
///
/// Precedence: within one entry, `serviceTime` and `requestsPerSecondAtFullCpu` together are an
/// error (two capacities for one task); across entries the later one (a `family:revision` entry
/// over its family's) decides, so a revision's `requestsPerSecondAtFullCpu` drops a service model
/// it inherited and a revision's `serviceTime` replaces an inherited request rate.
pub fn read_service_model(o: &mut Obj<'_>, tb: &mut TaskBehavior, rps_given: bool, d: &mut Diagnostics) {
    let time_loc = o.key_loc("serviceTime");
    let concurrency_loc = o.key_loc("concurrency");
    let concurrency = o.int("concurrency", 1, 1_000_000, d);
    let path = o.child("serviceTime");
    let service_time = o.field("serviceTime").and_then(|n| {
        let mut m = object(n, &path, d)?;
        let read = read_service_time(&mut m, d);
        m.finish(d);
        read
    });
    let (has_time, has_concurrency) = (o.has("serviceTime"), o.has("concurrency"));
    if has_time && rps_given {
        d.error(
            o.key_loc("requestsPerSecondAtFullCpu"),
            &o.child("requestsPerSecondAtFullCpu"),
            "requestsPerSecondAtFullCpu and serviceTime both give the task's capacity",
            Some("keep one: with serviceTime, capacity is concurrency / mean service time".into()),
        );
    }
    match (has_time, has_concurrency) {
        (true, false) => d.error(
            time_loc,
            &path,
            "serviceTime needs concurrency: how many requests one task serves at once",
            Some("add concurrency: 1 for a single-threaded server".into()),
        ),
        (false, true) => d.error(
            concurrency_loc,
            &o.child("concurrency"),
            "concurrency needs serviceTime: how long one request takes",
            Some("add serviceTime: {distribution: exponential, mean: 100ms}".into()),
        ),
        _ => {}
    }
    if let (Some(service_time), Some(concurrency)) = (service_time, concurrency) {
        tb.service_model = Some(ServiceModel {
            service_time,
            concurrency: concurrency as u32,
        });
    } else if rps_given {
        tb.service_model = None;
    }
}

/// The parameters each distribution takes, in the order they are read.
const PARAMETERS: &[(&str, &[&str])] = &[
    ("exponential", &["mean"]),
    ("lognormal", &["median", "p95"]),
    ("constant", &["value"]),
    ("histogram", &["buckets"]),
];

/// One `serviceTime` mapping: `{distribution: exponential, mean}`, `{distribution: lognormal,
/// median, p95}`, `{distribution: constant, value}` or `{distribution: histogram, buckets:
/// [{le, count}, ...]}`. Every parameter is read (so each is checked and known to the schema);
/// one that the distribution does not take is an error, as is a missing one.
pub(super) fn read_service_time(m: &mut Obj<'_>, d: &mut Diagnostics) -> Option<ServiceTime> {
    let kind = m.required_one_of("distribution", DISTRIBUTIONS, "the distribution of service times", d);
    let mut ms = |m: &mut Obj<'_>, name: &'static str| {
        let (loc, path) = (m.key_loc(name), m.child(name));
        let v = m.duration(name, d)?;
        if v.as_millis() == 0 {
            d.error(loc, &path, "a service time must be at least 1ms", None);
            return None;
        }
        Some(v.as_millis() as f64)
    };
    let [mean, median, p95, value] = ["mean", "median", "p95", "value"].map(|name| ms(m, name));
    let histogram = read_histogram(m, d);
    let kind = kind?;
    let takes = PARAMETERS.iter().find(|(k, _)| *k == kind).map_or(&[][..], |(_, p)| *p);
    let mut complete = true;
    for (_, names) in PARAMETERS {
        for name in names.iter().filter(|n| !takes.contains(n)).filter(|n| m.has(n)) {
            let message = format!("the {kind} distribution takes no `{name}`");
            let help = format!("it takes {}", takes.join(" and "));
            d.error(m.key_loc(name), &m.child(name), message, Some(help));
        }
    }
    // Reported directly, not through `Obj::missing`: the schema cannot say "required for this
    // distribution only", so it must not record the parameter as always required.
    for name in takes.iter().filter(|n| !m.has(n)) {
        let message = format!(
            "missing field `{name}`: the {kind} distribution needs {}",
            takes.join(" and ")
        );
        d.error(m.loc, &m.child(name), message, None);
        complete = false;
    }
    if !complete {
        return None;
    }
    match kind {
        "exponential" => Some(ServiceTime::Exponential { mean_ms: mean? }),
        "constant" => Some(ServiceTime::Constant { value_ms: value? }),
        "lognormal" => {
            let (median_ms, p95_ms) = (median?, p95?);
            if p95_ms < median_ms {
                let message = format!("p95 ({p95_ms}ms) must not be below the median ({median_ms}ms)");
                d.error(m.loc, &m.path, message, None);
                return None;
            }
            Some(ServiceTime::Lognormal { median_ms, p95_ms })
        }
        _ => histogram,
    }
}

/// `buckets: [{le: 50ms, count: 120}, ...]`: upper bounds increasing, some count positive
/// (`None` when absent).
fn read_histogram(m: &mut Obj<'_>, d: &mut Diagnostics) -> Option<ServiceTime> {
    let loc = m.key_loc("buckets");
    let path = m.child("buckets");
    let items = m.list("buckets", d);
    if !m.has("buckets") {
        return None;
    }
    let mut buckets = Vec::with_capacity(items.len());
    for (item_path, node) in &items {
        let mut b = object(node, item_path, d)?;
        let le = b.required_duration("le", "the bucket's upper bound, e.g. 50ms", d);
        let count = b.required_int("count", 0, i64::MAX, "requests in the bucket", d);
        b.finish(d);
        buckets.push((le?.as_millis() as f64, count? as u64));
    }
    match Histogram::new(&buckets) {
        Ok(h) => Some(ServiceTime::Histogram(h)),
        Err(e) => {
            d.error(loc, &path, e.to_string(), None);
            None
        }
    }
}

/// `behavior.latency`: `timeout`, the longest a request waits before it times out.
pub fn read_latency(node: &super::yaml::Node, b: &mut Behavior, d: &mut Diagnostics) {
    let Some(mut o) = object(node, "behavior.latency", d) else {
        return;
    };
    let loc = o.key_loc("timeout");
    if let Some(v) = o.duration("timeout", d) {
        if v.as_millis() == 0 {
            d.error(loc, "behavior.latency.timeout", "timeout must be at least 1ms", None);
        } else {
            b.latency.timeout = v;
        }
    }
    o.finish(d);
}
