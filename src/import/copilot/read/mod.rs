//! A manifest merged for one environment, read into a typed `Manifest`, every problem collected.

pub mod containers;
pub mod count;
pub mod fields;
pub mod nlb;
pub mod service;

use self::fields::{Ctx, Problem};
use super::count::{Count, Keyed};
use super::manifest::{Deployment, Manifest, WorkloadType};
use super::tree::{Node, Value};

/// Top-level fields every workload may have and ecsim does not model.
const IGNORED: &[&str] = &[
    "entrypoint",
    "command",
    "exec",
    "network",
    "variables",
    "env_file",
    "secrets",
    "storage",
    "logging",
    "observability",
    "taskdef_overrides",
    "publish",
];

/// Reads the merged manifest `root` (its environment is `ctx.env`).
pub fn read_manifest(root: &Node, ctx: &mut Ctx) -> Result<Manifest, Vec<Problem>> {
    let name = root.get("name").and_then(|n| {
        let name = ctx.string(n, "name")?;
        if !is_copilot_name(&name) {
            let shown: String = name.chars().take(40).collect();
            let cut = if shown.len() < name.len() { "..." } else { "" };
            ctx.error(
                n,
                "name",
                format!("`{}{cut}` is not a name Copilot accepts", shown.escape_debug()),
                Some("a name starts with a letter, has only lower-case letters, digits and hyphens (no two in a row, none at the end) and at most 255 characters".into()),
            );
            return None;
        }
        Some(name)
    });
    let kind = read_type(root, ctx);
    let (Some(name), Some(kind)) = (name, kind) else {
        if root.get("name").is_none() {
            ctx.error(root, "name", "a manifest needs a `name`", None);
        }
        return Err(std::mem::take(&mut ctx.problems));
    };
    let mut modelled = vec!["name", "type", "image", "cpu", "memory", "platform", "sidecars"];
    let mut ignored = IGNORED.to_vec();
    match kind {
        WorkloadType::ScheduledJob => modelled.extend(["on", "retries", "timeout"]),
        WorkloadType::WorkerService => {
            modelled.extend(["count", "deployment"]);
            ignored.push("subscribe");
        }
        WorkloadType::LoadBalancedWebService => modelled.extend(["count", "deployment", "http", "nlb"]),
        WorkloadType::BackendService => modelled.extend(["count", "deployment", "http"]),
    }
    ctx.keys(root, "", &modelled, &ignored);
    let windows = root
        .get("platform")
        .is_some_and(|p| format!("{:?}", p.value).to_lowercase().contains("windows"));
    let cpu = size(root, "cpu", if windows { 1024 } else { 256 }, ctx);
    let memory = size(root, "memory", if windows { 2048 } else { 512 }, ctx);
    let platform = containers::read_platform(root, ctx);
    let main = containers::read_main(root, &name, ctx);
    let sidecars = containers::read_sidecars(root, ctx);
    let http = if kind.is_service() {
        service::read_http(root, ctx)
    } else {
        None
    };
    let nlb = if kind == WorkloadType::LoadBalancedWebService {
        nlb::read_nlb(root, ctx)
    } else {
        None
    };
    if kind == WorkloadType::LoadBalancedWebService && http.is_none() && nlb.is_none() && root.get("nlb").is_none() {
        ctx.error(
            root,
            "http",
            "a Load Balanced Web Service needs `http` (an Application Load Balancer) or `nlb` (a Network Load Balancer)",
            Some("add http.path, or nlb.port".into()),
        );
    }
    let count = if kind.is_service() {
        count::read_count(root.get("count"), kind, http.is_some(), ctx)
    } else {
        Some(Count::Fixed(Keyed::new(1, "a Scheduled Job runs one task")))
    };
    let deployment = if kind.is_service() {
        service::read_deployment(root, ctx)
    } else {
        Deployment::default()
    };
    let job = (kind == WorkloadType::ScheduledJob)
        .then(|| service::read_job(root, ctx))
        .flatten();
    let topic_queues = if kind == WorkloadType::WorkerService {
        topic_queues(root)
    } else {
        Vec::new()
    };
    if !ctx.problems.is_empty() {
        return Err(std::mem::take(&mut ctx.problems));
    }
    let Some(count) = count else {
        return Err(std::mem::take(&mut ctx.problems));
    };
    Ok(Manifest {
        name,
        kind,
        cpu,
        memory,
        platform,
        main,
        sidecars,
        count,
        deployment,
        http,
        nlb,
        job,
        topic_queues,
        ignored: std::mem::take(&mut ctx.ignored),
        guesses: std::mem::take(&mut ctx.guesses),
    })
}

/// Whether `name` is a workload name Copilot accepts (`basicNameValidation`): at most 255
/// characters, a letter first, then lower-case letters, digits and single hyphens, not last.
fn is_copilot_name(name: &str) -> bool {
    name.len() <= 255
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.contains("--")
        && !name.ends_with('-')
}

/// `type`, one of the four ecsim imports.
fn read_type(root: &Node, ctx: &mut Ctx) -> Option<WorkloadType> {
    let Some(node) = root.get("type") else {
        let help = Some("Load Balanced Web Service, Backend Service, Worker Service or Scheduled Job".into());
        ctx.error(root, "type", "a manifest needs a `type`", help);
        return None;
    };
    let text = ctx.string(node, "type")?;
    let kind = WorkloadType::from_manifest(&text);
    if kind.is_none() {
        let names: Vec<&str> = WorkloadType::ALL.iter().map(|(t, _)| *t).collect();
        let help = match crate::import::closest(&text, &names) {
            Some(c) => format!("did you mean `{c}`?"),
            None => "ecsim imports Load Balanced Web Service, Backend Service, Worker Service and Scheduled Job".into(),
        };
        ctx.error(
            node,
            "type",
            format!("`{text}` is not a workload type ecsim imports"),
            Some(help),
        );
    }
    kind
}

/// `cpu` or `memory`, or Copilot's default.
fn size(root: &Node, key: &str, default: u32, ctx: &mut Ctx) -> Keyed<u32> {
    match root.get(key) {
        Some(n) => Keyed::new(
            ctx.uint(n, key, 1, 1_048_576).unwrap_or(u64::from(default)) as u32,
            ctx.origin(n, key),
        ),
        None => Keyed::new(default, format!("{key} (Copilot's default)")),
    }
}

/// `subscribe.topics[i]` with a `queue` of its own: the logical id Copilot's template gives that
/// queue, `<service><name>EventsQueue` with only letters and digits kept (`logicalIDSafe`), the
/// name of a FIFO topic ending in `fifo` (its SNS topic is `<name>.fifo`).
fn topic_queues(root: &Node) -> Vec<Keyed<String>> {
    let Some(Value::Seq(topics)) = root.get("subscribe").and_then(|s| s.get("topics")).map(|t| &t.value) else {
        return Vec::new();
    };
    let safe = |text: &str| text.chars().filter(char::is_ascii_alphanumeric).collect::<String>();
    topics
        .iter()
        .enumerate()
        .filter_map(|(i, topic)| {
            let queue = topic.get("queue")?;
            let fifo = queue
                .get("fifo")
                .is_some_and(|f| !matches!(f.text(), Some("false" | "False" | "FALSE")));
            let name = topic.get("name").and_then(Node::text).unwrap_or("");
            let service = topic.get("service").and_then(Node::text).unwrap_or("");
            let suffix = if fifo { "fifo" } else { "" };
            let id = format!("{}{}{suffix}EventsQueue", safe(service), safe(name));
            Some(Keyed::new(id, format!("subscribe.topics[{i}].queue")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::copilot::tree::parse;

    #[test]
    fn a_topic_with_its_own_queue_names_it_as_copilots_template_does() {
        let root = parse(
            "subscribe:\n  topics:\n    - {name: gives-dogs, service: dog_svc}\n    - {name: huskies, service: dogsvc, queue: {timeout: 1s}}\n    - {name: mytopic, service: mytopic, queue: {fifo: true}}\n    - {name: yours, service: y, queue: {fifo: {high_throughput: true}}}\n    - {name: plain, service: p, queue: {fifo: false}}\n",
        )
        .expect("valid");
        let queues: Vec<(String, String)> = topic_queues(&root).into_iter().map(|k| (k.value, k.key)).collect();
        let expected = [
            ("dogsvchuskiesEventsQueue", "subscribe.topics[1].queue"),
            ("mytopicmytopicfifoEventsQueue", "subscribe.topics[2].queue"),
            ("yyoursfifoEventsQueue", "subscribe.topics[3].queue"),
            ("pplainEventsQueue", "subscribe.topics[4].queue"),
        ];
        let expected: Vec<(String, String)> = expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        assert_eq!(queues, expected);
        assert!(topic_queues(&parse("name: w\n").expect("valid")).is_empty());
    }

    #[test]
    fn names_follow_copilots_rule() {
        for good in ["fe", "dogworker", "http-autoscaling", "a1-b2"] {
            assert!(is_copilot_name(good), "{good}");
        }
        let long = "a".repeat(256);
        for bad in ["", "1api", "Api", "api-", "a--b", "api_v2", "dog\u{1d}", long.as_str()] {
            assert!(!is_copilot_name(bad), "{bad}");
        }
    }
}
