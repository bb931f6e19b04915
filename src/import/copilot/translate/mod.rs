//! A typed manifest as the scenario Copilot would deploy, and the report of what was imported,
//! ignored and guessed.

pub mod job;
pub mod scaling;
pub mod service;
pub mod task;

use super::count::Count;
use super::manifest::{Manifest, WorkloadType};
use crate::import::doc::{Doc, LoadRate, Map, Seq};
use crate::import::report::ImportReport;

/// A `# from` comment naming manifest keys.
pub fn from(keys: &[&str]) -> String {
    format!("from {}", keys.join(", "))
}

/// The names the scenario gives what Copilot names in the environment's stack.
#[derive(Clone, Debug)]
pub struct Names {
    /// The cluster (`<app>-<env>` in Copilot's environment stack).
    pub cluster: String,
    /// The target group of `http`.
    pub target_group: String,
    /// The load balancer's CloudWatch dimension value, `app/<name>/<id>`.
    pub load_balancer: String,
}

impl Names {
    /// The names for the workload `name` in environment `env`.
    pub fn new(name: &str, env: Option<&str>) -> Names {
        let cluster = match env {
            Some(e) => format!("copilot-{e}"),
            None => "copilot".to_string(),
        };
        Names {
            load_balancer: format!("app/{cluster}-alb/0123456789abcdef"),
            cluster,
            target_group: format!("{name}-tg"),
        }
    }

    /// The target group's CloudWatch dimension value, `targetgroup/<name>/<id>`.
    pub fn target_group_label(&self) -> String {
        format!("targetgroup/{}/0123456789abcdef", self.target_group)
    }
}

/// The scenario and report for `m`, deployed to `env`.
pub fn translate(m: &Manifest, env: Option<&str>, report: &mut ImportReport) -> Doc {
    let names = Names::new(&m.name, env);
    let mut doc = Doc::new();
    let kind = WorkloadType::ALL
        .iter()
        .find(|(_, k)| *k == m.kind)
        .map_or("", |(t, _)| *t);
    let where_to = env.map_or("its top level, no environment".to_string(), |e| {
        format!("environment `{e}`")
    });
    doc.set_name(&format!("{} ({kind})", m.name));
    doc.set_description(&format!(
        "Imported from the Copilot manifest of `{}`, {where_to}.",
        m.name
    ));
    doc.set_seed(1);
    let job = m.kind == WorkloadType::ScheduledJob;
    doc.set_duration(if job { "7d" } else { "1d" });
    doc.root.insert("traceInterval", "60s");
    if job {
        // A Monday, so that weekly schedules fire in the first week.
        doc.root.insert("start", "2026-03-02T00:00:00Z");
    }
    let cluster = Map::new()
        .with("clusterName", names.cluster.as_str())
        .with("capacityProviders", Seq::new().with("FARGATE").with("FARGATE_SPOT"));
    let mut target_groups = Seq::new();
    let mut alarms = Seq::new();
    let ecs = doc.block("ecs");
    ecs.insert_commented(
        "cluster",
        cluster,
        "the environment's cluster, with Fargate and Fargate Spot",
    );
    let td = task::task_definition(m, report);
    let mut tds = Seq::new();
    tds.push_commented(td, "from name, image, cpu, memory, platform, sidecars");
    ecs.insert("taskDefinitions", tds);
    let mut behavior = Map::new();
    if job {
        let (schedule, job_behavior) = job::schedule(m, &names, report);
        let mut schedules = Seq::new();
        schedules.push_commented(schedule, "from on, retries, timeout");
        doc.block("eventBridge").insert("schedules", schedules);
        behavior.insert_commented(m.name.as_str(), job_behavior, "from type: Scheduled Job");
    } else {
        let svc = service::service(m, &names, &mut target_groups, &mut alarms, report);
        let mut services = Seq::new();
        services.push_commented(svc, "from name, type, count, deployment, http");
        doc.block("ecs").insert("services", services);
        let mut queue_name = None;
        if let Count::Autoscaling(a) = &m.count {
            let (block, extras) = scaling::scaling(m, a, &names, report);
            doc.root.insert("applicationAutoScaling", block);
            for entry in extras.behavior.entries() {
                behavior.insert(&entry.key, entry.value.clone());
                if let Some(c) = &entry.comment {
                    behavior.insert_commented(&entry.key, entry.value.clone(), c.clone());
                }
            }
            queue_name = extras.queue_name;
        }
        placeholder_load(&mut doc, m, queue_name, &mut behavior);
    }
    if !target_groups.is_empty() {
        doc.block("elasticLoadBalancing").insert("targetGroups", target_groups);
    }
    if !alarms.is_empty() {
        doc.block("cloudWatch").insert("alarms", alarms);
    }
    if !behavior.is_empty() {
        doc.block("behavior").insert("taskDefinitions", behavior);
    }
    for key in &m.ignored {
        report.ignored(key, "manifest field", "not modelled by ecsim");
    }
    for guess in &m.guesses {
        report.guess("manifest", "guess", guess.as_str());
    }
    doc
}

/// The placeholder `load` of a service: requests for a service, messages (on the queue its
/// policy reads) for a worker.
fn placeholder_load(doc: &mut Doc, m: &Manifest, queue_name: Option<String>, behavior: &mut Map) {
    if m.kind != WorkloadType::WorkerService {
        doc.add_placeholder_load(&m.name, LoadRate::RequestsPerSecond, 50);
        return;
    }
    doc.add_placeholder_load(&m.name, LoadRate::MessagesPerSecond, 5);
    let queue = queue_name.unwrap_or_else(|| format!("{}-events", m.name));
    if let Some(crate::import::doc::Value::Map(load)) = doc.block("load").get_mut(&m.name) {
        load.insert("queueName", queue.as_str());
    }
    if behavior.get(&m.name).is_none() {
        behavior.insert_commented(
            m.name.as_str(),
            Map::new().with("messagesPerSecondPerTask", 10.0),
            "GUESS: the manifest does not say how fast a task processes messages",
        );
    }
}
