//! `count`: a number, `spot`, or `range` with scaling fields and cooldowns (reference B1-B3),
//! with Copilot's validation rules.

use super::fields::{Ctx, join};
use crate::import::copilot::count::{Autoscaling, Cooldown, Count, Keyed, Range, ScalingField, ScalingMetric};
use crate::import::copilot::manifest::WorkloadType;
use crate::import::copilot::tree::{Node, Value};

/// The scaling fields in the order Copilot's template writes their policies.
const SCALING_FIELDS: &[&str] = &[
    "cpu_percentage",
    "memory_percentage",
    "requests",
    "response_time",
    "queue_delay",
];

/// Reads `count` (`node` is `None` when the manifest has none: one task).
pub fn read_count(node: Option<&Node>, kind: WorkloadType, has_http: bool, ctx: &mut Ctx) -> Option<Count> {
    let Some(node) = node else {
        return Some(Count::Fixed(Keyed::new(1, "count (Copilot's default)")));
    };
    if let Value::Scalar { .. } = node.value {
        let n = ctx.uint(node, "count", 0, 100_000)?;
        return Some(Count::Fixed(Keyed::new(n as u32, ctx.origin(node, "count"))));
    }
    let mut modelled = vec!["spot", "range", "cooldown"];
    modelled.extend_from_slice(SCALING_FIELDS);
    if !ctx.keys(node, "count", &modelled, &[]) {
        return None;
    }
    let fields: Vec<&str> = SCALING_FIELDS
        .iter()
        .copied()
        .filter(|f| node.get(f).is_some())
        .collect();
    if let Some(spot) = node.get("spot") {
        if node.get("range").is_some() || !fields.is_empty() || node.get("cooldown").is_some() {
            let help = Some("keep `spot: N` for a fixed count on Spot, or `range` with `spot_from`".into());
            ctx.error(
                spot,
                "count.spot",
                "`spot` cannot be combined with `range`, `cooldown` or scaling fields",
                help,
            );
            return None;
        }
        let n = ctx.uint(spot, "count.spot", 0, 100_000)?;
        return Some(Count::Spot(Keyed::new(n as u32, ctx.origin(spot, "count.spot"))));
    }
    let Some(range_node) = node.get("range") else {
        let help = Some("add `range: 1-10` (min-max)".into());
        ctx.error(node, "count", "a scaling field or `cooldown` needs `range`", help);
        return None;
    };
    if fields.is_empty() {
        let help = Some("add one of cpu_percentage, memory_percentage, requests, response_time, queue_delay".into());
        ctx.error(
            range_node,
            "count.range",
            "`range` needs at least one scaling field",
            help,
        );
        return None;
    }
    let range = read_range(range_node, ctx);
    let cooldown = node
        .get("cooldown")
        .map(|c| read_cooldown(c, "count.cooldown", ctx))
        .unwrap_or_default();
    let mut policies = Vec::new();
    let mut ok = true;
    for field in fields {
        let value = node.get(field).expect("listed as present");
        let path = join("count", field);
        if !allowed(field, kind, has_http, value, &path, ctx) {
            ok = false;
            continue;
        }
        match read_field(field, value, &path, ctx) {
            Some(p) => policies.push(p),
            None => ok = false,
        }
    }
    let range = range?;
    ok.then(|| {
        Count::Autoscaling(Autoscaling {
            range: Keyed::new(range, ctx.origin(range_node, "count.range")),
            cooldown,
            policies,
        })
    })
}

/// Whether `field` may scale a workload of `kind` (B3).
fn allowed(field: &str, kind: WorkloadType, has_http: bool, node: &Node, path: &str, ctx: &mut Ctx) -> bool {
    let worker = kind == WorkloadType::WorkerService;
    let refused = match field {
        "queue_delay" if !worker => Some("`queue_delay` scales a Worker Service only"),
        "requests" | "response_time" if worker => Some("a Worker Service has no load balancer to scale on"),
        "requests" | "response_time" if !has_http => {
            Some("scaling on requests or response time needs `http` (an Application Load Balancer)")
        }
        _ => None,
    };
    if let Some(message) = refused {
        ctx.error(node, path, message, None);
    }
    refused.is_none()
}

/// `range`: `"min-max"` or `{min, max, spot_from}`.
fn read_range(node: &Node, ctx: &mut Ctx) -> Option<Range> {
    let path = "count.range";
    let (min, max, spot_from) = match &node.value {
        Value::Scalar { text, .. } => {
            let parsed = text
                .split_once('-')
                .and_then(|(a, b)| Some((a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?)));
            let Some((min, max)) = parsed else {
                let message = format!("`{text}` is not a range such as 1-10");
                ctx.error(node, path, message, Some("write min-max, or {min: 1, max: 10}".into()));
                return None;
            };
            (min, max, None)
        }
        _ => {
            if !ctx.keys(node, path, &["min", "max", "spot_from"], &[]) {
                return None;
            }
            let get = |key: &str, ctx: &mut Ctx| {
                let n = node.get(key)?;
                ctx.uint(n, &join(path, key), 0, 100_000).map(|v| v as u32)
            };
            let min = get("min", ctx);
            let max = get("max", ctx);
            let spot_from = get("spot_from", ctx);
            if node.get("min").is_none() || node.get("max").is_none() {
                ctx.error(node, path, "a range needs both `min` and `max`", None);
                return None;
            }
            (min?, max?, spot_from)
        }
    };
    if min > max {
        let message = format!("the range's min {min} is above its max {max}");
        ctx.error(node, path, message, None);
        return None;
    }
    Some(Range { min, max, spot_from })
}

/// `cooldown: {in, out}`.
fn read_cooldown(node: &Node, path: &str, ctx: &mut Ctx) -> Cooldown {
    if !ctx.keys(node, path, &["in", "out"], &[]) {
        return Cooldown::default();
    }
    let read = |key: &str, ctx: &mut Ctx| {
        let n = node.get(key)?;
        let key_path = join(path, key);
        let seconds = ctx.seconds(n, &key_path)?;
        Some(Keyed::new(seconds, ctx.origin(n, &key_path)))
    };
    let scale_in = read("in", ctx);
    let scale_out = read("out", ctx);
    Cooldown { scale_in, scale_out }
}

/// One scaling field: a value, or `{value, cooldown}` (`queue_delay`: its two durations).
fn read_field(field: &str, node: &Node, path: &str, ctx: &mut Ctx) -> Option<ScalingField> {
    let key = ctx.origin(node, path);
    if field == "queue_delay" {
        return read_queue_delay(node, path, key, ctx);
    }
    let (value_node, value_path, cooldown) = match &node.value {
        Value::Map(_) => {
            if !ctx.keys(node, path, &["value", "cooldown"], &[]) {
                return None;
            }
            let cooldown = node
                .get("cooldown")
                .map(|c| read_cooldown(c, &join(path, "cooldown"), ctx));
            let Some(value) = node.get("value") else {
                ctx.error(node, path, format!("`{field}` needs a `value`"), None);
                return None;
            };
            (value, join(path, "value"), cooldown.unwrap_or_default())
        }
        _ => (node, path.to_string(), Cooldown::default()),
    };
    let metric = match field {
        "cpu_percentage" => ScalingMetric::CpuPercentage(ctx.uint(value_node, &value_path, 0, 100)? as u32),
        "memory_percentage" => ScalingMetric::MemoryPercentage(ctx.uint(value_node, &value_path, 0, 100)? as u32),
        "requests" => ScalingMetric::Requests(ctx.uint(value_node, &value_path, 1, 1_000_000_000)? as u32),
        _ => {
            let ms = ctx.duration_ms(value_node, &value_path)?;
            if ms == 0 {
                ctx.error(value_node, &value_path, "a response time target must be above 0", None);
                return None;
            }
            ScalingMetric::ResponseTime(ms)
        }
    };
    Some(ScalingField { metric, cooldown, key })
}

/// `queue_delay: {acceptable_latency, msg_processing_time, cooldown}` (B2).
fn read_queue_delay(node: &Node, path: &str, key: String, ctx: &mut Ctx) -> Option<ScalingField> {
    let fields = ["acceptable_latency", "msg_processing_time", "cooldown"];
    if !ctx.keys(node, path, &fields, &[]) {
        return None;
    }
    let duration = |name: &str, ctx: &mut Ctx| {
        let Some(n) = node.get(name) else {
            ctx.error(node, path, format!("`queue_delay` needs `{name}`"), None);
            return None;
        };
        let ms = ctx.duration_ms(n, &join(path, name))?;
        if ms == 0 {
            ctx.error(n, &join(path, name), format!("`{name}` must be above 0"), None);
            return None;
        }
        Some((ms, n))
    };
    let latency = duration("acceptable_latency", ctx);
    let processing = duration("msg_processing_time", ctx);
    let cooldown = node
        .get("cooldown")
        .map(|c| read_cooldown(c, &join(path, "cooldown"), ctx));
    let ((acceptable_latency_ms, _), (msg_processing_time_ms, processing_node)) = (latency?, processing?);
    if msg_processing_time_ms > acceptable_latency_ms {
        let message = "`msg_processing_time` must not exceed `acceptable_latency`";
        ctx.error(processing_node, &join(path, "msg_processing_time"), message, None);
        return None;
    }
    Some(ScalingField {
        metric: ScalingMetric::QueueDelay {
            acceptable_latency_ms,
            msg_processing_time_ms,
        },
        cooldown: cooldown.unwrap_or_default(),
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::copilot::tree::parse;

    fn count(text: &str, kind: WorkloadType) -> (Option<Count>, Vec<String>) {
        let tree = parse(text).expect("valid");
        let mut ctx = Ctx::default();
        let count = read_count(tree.get("count"), kind, true, &mut ctx);
        let problems = ctx
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
        (count, problems)
    }

    #[test]
    fn each_form_reads() {
        let web = WorkloadType::LoadBalancedWebService;
        let (c, _) = count("count: 3\n", web);
        assert_eq!(c, Some(Count::Fixed(Keyed::new(3, "count"))));
        let (c, _) = count("name: x\n", web);
        assert_eq!(c.map(|c| c.desired_count().value), Some(1));
        let (c, _) = count("count: {spot: 5}\n", web);
        assert_eq!(c, Some(Count::Spot(Keyed::new(5, "count.spot"))));
        let (c, problems) = count(
            "count:\n  range: {min: 3, max: 12, spot_from: 6}\n  cooldown: {in: 30s, out: 1m30s}\n  requests: 256\n  cpu_percentage: {value: 70, cooldown: {out: 2m30s}}\n  memory_percentage: 80\n  response_time: 2s\n",
            web,
        );
        assert_eq!(problems, Vec::<String>::new());
        let Some(Count::Autoscaling(a)) = c else {
            panic!("autoscaling")
        };
        assert_eq!(
            a.range.value,
            Range {
                min: 3,
                max: 12,
                spot_from: Some(6)
            }
        );
        let metrics: Vec<ScalingMetric> = a.policies.iter().map(|p| p.metric).collect();
        assert_eq!(
            metrics,
            [
                ScalingMetric::CpuPercentage(70),
                ScalingMetric::MemoryPercentage(80),
                ScalingMetric::Requests(256),
                ScalingMetric::ResponseTime(2000)
            ]
        );
        let (i, o) = a.cooldowns(&a.policies[0]);
        assert_eq!((i.seconds, o.seconds), (30, 150));
        assert_eq!(o.key.as_deref(), Some("count.cpu_percentage.cooldown.out"));
        let (c, _) = count(
            "count:\n  range: 1-10\n  queue_delay: {acceptable_latency: 15m, msg_processing_time: 1s, cooldown: {in: 5m}}\n",
            WorkloadType::WorkerService,
        );
        let Some(Count::Autoscaling(a)) = c else {
            panic!("autoscaling")
        };
        assert_eq!(a.policies[0].metric.target_value(), 900.0);
        assert_eq!(a.cooldowns(&a.policies[0]).0.seconds, 300);
    }

    #[test]
    fn copilots_rules_refuse_what_it_refuses() {
        let web = WorkloadType::LoadBalancedWebService;
        let worker = WorkloadType::WorkerService;
        let cases = [
            (
                "count: {range: 1-10}\n",
                web,
                "count.range: `range` needs at least one scaling field",
            ),
            (
                "count: {cpu_percentage: 50}\n",
                web,
                "count: a scaling field or `cooldown` needs `range`",
            ),
            (
                "count: {spot: 2, range: 1-4, cpu_percentage: 50}\n",
                web,
                "count.spot: `spot` cannot be combined with `range`, `cooldown` or scaling fields",
            ),
            (
                "count: {range: 5-2, cpu_percentage: 50}\n",
                web,
                "count.range: the range's min 5 is above its max 2",
            ),
            (
                "count: {range: 1-4, cpu_percentage: 150}\n",
                web,
                "count.cpu_percentage: expected a whole number from 0 to 100, found `150`",
            ),
            (
                "count: {range: 1-4, queue_delay: {acceptable_latency: 1m, msg_processing_time: 1s}}\n",
                web,
                "count.queue_delay: `queue_delay` scales a Worker Service only",
            ),
            (
                "count: {range: 1-4, requests: 100}\n",
                worker,
                "count.requests: a Worker Service has no load balancer to scale on",
            ),
            (
                "count: {range: 1-4, queue_delay: {acceptable_latency: 1s, msg_processing_time: 2s}}\n",
                worker,
                "count.queue_delay.msg_processing_time: `msg_processing_time` must not exceed `acceptable_latency`",
            ),
            (
                "count: {range: 1-4, cpu_percentage: {value: 50, cooldown: {in: 1.5s}}}\n",
                web,
                "count.cpu_percentage.cooldown.in: `1.5s` is not a whole number of seconds",
            ),
            (
                "count: {rnage: 1-4}\n",
                web,
                "count.rnage: `rnage` is not a Copilot manifest field here",
            ),
        ];
        for (text, kind, expected) in cases {
            // Any problem fails the import; the first one is the one the user reads first.
            let (_, problems) = count(text, kind);
            assert_eq!(problems.first().map(String::as_str), Some(expected), "{text}");
        }
    }
}
