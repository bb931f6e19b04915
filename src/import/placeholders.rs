//! What no deployment description says and a scenario needs: how much one task of each family
//! serves, and each service's traffic. The CloudFormation and Terraform importers write both as
//! guesses to replace, the same way.

use super::doc::{Doc, LoadRate, Map};

/// What one task serves at 100 % CPU when nothing says (ecsim's default).
pub const ASSUMED_RPS_AT_FULL_CPU: i64 = 100;

/// A service of the imported scenario, as its placeholders need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceholderService {
    /// Service name.
    pub name: String,
    /// Its task definition's family.
    pub family: String,
    /// Its desired count (at least 1 is assumed).
    pub desired_count: i64,
    /// Whether something reads its response time (a policy or an alarm on TargetResponseTime).
    pub response_time: bool,
    /// The queue it consumes, when it is a queue worker (a policy tracks its backlog).
    pub queue: Option<String>,
}

/// What one task of a queue worker processes per second when nothing says.
pub const ASSUMED_MESSAGES_PER_SECOND_PER_TASK: i64 = 10;

/// Where the guesses come from, for their comments and report sentences.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'a> {
    /// What the input is: `the template`, `Terraform`.
    pub input: &'a str,
    /// Why a family needs a service model: `scaled on TargetResponseTime`.
    pub response_time_reason: &'a str,
}

/// Writes `behavior.taskDefinitions` (a serving rate per family, or a service model where a
/// response time is read) and a placeholder `load:` per service that keeps its desired count near
/// 50 % CPU; returns each guess as (source, sentence) for the import report, in writing order.
pub fn write(doc: &mut Doc, services: &[PlaceholderService], origin: Origin<'_>) -> Vec<(String, String)> {
    let mut guesses = Vec::new();
    let mut families: Vec<(&str, bool, bool)> = Vec::new();
    for s in services {
        match families.iter_mut().find(|(f, _, _)| *f == s.family) {
            Some(entry) => {
                entry.1 |= s.response_time;
                entry.2 |= s.queue.is_some();
            }
            None => families.push((&s.family, s.response_time, s.queue.is_some())),
        }
    }
    let Origin {
        input,
        response_time_reason,
    } = origin;
    if !families.is_empty() {
        let behavior = doc.block("behavior").map_mut("taskDefinitions");
        for (family, response_time, worker) in families {
            let source = format!("behavior.taskDefinitions.{family}");
            if worker {
                behavior.insert_commented(
                    family,
                    Map::new().with("messagesPerSecondPerTask", ASSUMED_MESSAGES_PER_SECOND_PER_TASK),
                    format!("GUESS: not in {input}; how many messages one task processes per second: replace it"),
                );
                guesses.push((
                    source,
                    format!("messagesPerSecondPerTask is not in {input}: {ASSUMED_MESSAGES_PER_SECOND_PER_TASK} assumed, replace it"),
                ));
            } else if response_time {
                // A response time needs requests served as a queue: 10 slots of 100 ms serve the
                // same 100 requests/s at full load.
                let model = Map::new()
                    .with(
                        "serviceTime",
                        Map::new().with("distribution", "exponential").with("mean", "100ms"),
                    )
                    .with("concurrency", 10i64);
                behavior.insert_commented(
                    family,
                    model,
                    format!("GUESS: not in {input}; {response_time_reason}, which needs a service model: replace it with measured times"),
                );
                guesses.push((
                    source,
                    format!("{response_time_reason}: a service time (exponential, mean 100ms) and concurrency 10 assumed, replace them"),
                ));
            } else {
                behavior.insert_commented(
                    family,
                    Map::new().with("requestsPerSecondAtFullCpu", ASSUMED_RPS_AT_FULL_CPU),
                    format!("GUESS: not in {input}; what one task serves at 100 % CPU (ecsim's default): replace it"),
                );
                guesses.push((
                    source,
                    format!(
                        "requestsPerSecondAtFullCpu is not in {input}: {ASSUMED_RPS_AT_FULL_CPU} assumed, replace it"
                    ),
                ));
            }
        }
    }
    for s in services {
        let source = format!("load.{}", s.name);
        if let Some(queue) = &s.queue {
            let rate = s.desired_count.max(1) * ASSUMED_MESSAGES_PER_SECOND_PER_TASK / 2;
            doc.add_placeholder_load(&s.name, LoadRate::MessagesPerSecond, rate);
            if let Some(super::doc::Value::Map(load)) = doc.block("load").get_mut(&s.name) {
                load.insert("queueName", queue.as_str());
            }
            guesses.push((
                source,
                format!("a placeholder load of {rate} messages/s on queue `{queue}` (the desired count half busy): replace it with the real traffic"),
            ));
            continue;
        }
        let rate = s.desired_count.max(1) * ASSUMED_RPS_AT_FULL_CPU / 2;
        doc.add_placeholder_load(&s.name, LoadRate::RequestsPerSecond, rate);
        guesses.push((
            source,
            format!("a placeholder load of {rate} requests/s (the desired count near 50 % CPU): replace it with the real traffic"),
        ));
    }
    guesses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_family_read_for_its_response_time_gets_a_service_model_and_every_service_a_load() {
        let service = |name: &str, family: &str, desired_count, response_time| PlaceholderService {
            name: name.to_string(),
            family: family.to_string(),
            desired_count,
            response_time,
            queue: None,
        };
        let services = [
            service("api", "web", 4, false),
            service("api-canary", "web", 0, true),
            service("worker", "batch", 2, false),
        ];
        let mut doc = Doc::new();
        let origin = Origin {
            input: "the template",
            response_time_reason: "scaled on TargetResponseTime",
        };
        let guesses = write(&mut doc, &services, origin);
        let sources: Vec<&str> = guesses.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            sources,
            [
                "behavior.taskDefinitions.web",
                "behavior.taskDefinitions.batch",
                "load.api",
                "load.api-canary",
                "load.worker"
            ]
        );
        assert!(
            guesses[0].1.starts_with("scaled on TargetResponseTime: a service time"),
            "{}",
            guesses[0].1
        );
        assert_eq!(
            guesses[1].1,
            "requestsPerSecondAtFullCpu is not in the template: 100 assumed, replace it"
        );
        // Half of what the desired count serves at full CPU; a desired count of 0 counts as 1.
        assert!(guesses[2].1.starts_with("a placeholder load of 200 requests/s"));
        assert!(guesses[3].1.starts_with("a placeholder load of 50 requests/s"));
        let yaml = doc.to_yaml("");
        assert!(yaml.contains("    web:\n      serviceTime:"), "{yaml}");
        assert!(
            yaml.contains("    batch:\n      requestsPerSecondAtFullCpu: 100\n"),
            "{yaml}"
        );
    }
}
