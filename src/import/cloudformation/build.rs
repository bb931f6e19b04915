//! The scenario being built from the stacks: shared state of the resource converters, value
//! conversion (CloudFormation's text scalars into the scenario's numbers and booleans, property
//! names into the ECS API's camelCase), and the report kept in input order.

use std::collections::BTreeMap;

use super::intrinsics::Evaluator;
use super::stack::Resource;
use super::value::{Unresolved, Val};
use crate::import::ImportError;
use crate::import::doc::{Map, Seq, Value};
use crate::import::report::ImportReport;

/// How property names are written in the scenario block a value goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// ECS API blocks: `DeploymentConfiguration` -> `deploymentConfiguration`.
    Camel,
    /// Application Auto Scaling, EC2 Auto Scaling, CloudWatch, ELB: as CloudFormation has them.
    Keep,
}

/// A CloudFormation property name in the ECS API's spelling.
pub fn camel(key: &str) -> String {
    match key {
        "PlacementStrategies" => "placementStrategy".into(),
        _ => {
            let mut chars = key.chars();
            match chars.next() {
                Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        }
    }
}

/// A resolved value as the scenario writes it: numbers and booleans typed, keys in `case`.
pub fn to_doc(val: &Val, case: Case) -> Value {
    match val {
        Val::Scalar(text) => typed_scalar(text),
        Val::List(items) => {
            let mut seq = Seq::new();
            for item in items {
                seq.push(to_doc(item, case));
            }
            Value::Seq(seq)
        }
        Val::Map(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let key = if case == Case::Camel { camel(key) } else { key.clone() };
                map.insert(&key, to_doc(value, case));
            }
            Value::Map(map)
        }
        Val::NoValue => Value::Str(String::new()),
    }
}

/// A scalar typed as the API has it: a whole number, a number, a boolean, or a string.
pub fn typed_scalar(text: &str) -> Value {
    if let Ok(n) = text.parse::<i64>() {
        return Value::Int(n);
    }
    if let Ok(x) = text.parse::<f64>() {
        if x.is_finite() && text.chars().any(|c| c.is_ascii_digit()) {
            return Value::Float(x);
        }
    }
    match text.to_ascii_lowercase().as_str() {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::Str(text.to_string()),
    }
}

/// Which group of the report an entry goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Written into the scenario.
    Imported,
    /// Not modelled.
    Ignored,
    /// A value assumed.
    Guess,
}

/// The state shared by the converters.
pub struct Build<'a> {
    /// The evaluator over the stacks.
    pub e: &'a Evaluator<'a>,
    /// Report entries with the input position they belong to.
    entries: Vec<(usize, Group, String, String, String)>,
    /// The input position of the resource being converted.
    pub position: usize,
    /// `ecs.cluster.clusterName`.
    pub cluster: String,
    /// Where the cluster's name came from, for its `# from` comment.
    pub cluster_comment: String,
    /// Imported services: name -> task definition reference.
    pub services: BTreeMap<String, String>,
    /// ARNs of imported scaling policies, for alarms' actions.
    pub policies: Vec<String>,
    /// The scenario's blocks, filled as resources are read.
    pub task_definitions: Seq,
    /// `ecs.services`.
    pub service_items: Seq,
    /// `ecs.capacityProviders`.
    pub capacity_providers: Seq,
    /// `ecs.cluster.capacityProviders`, from the cluster or its associations.
    pub cluster_providers: Option<Val>,
    /// `ecs.cluster.defaultCapacityProviderStrategy`.
    pub default_strategy: Option<Val>,
    /// `elasticLoadBalancing.targetGroups`.
    pub target_groups: Seq,
    /// ARNs of the imported target groups.
    pub target_group_arns: Vec<String>,
    /// `ec2AutoScaling.autoScalingGroups`.
    pub auto_scaling_groups: Seq,
    /// `applicationAutoScaling.scalableTargets`.
    pub scalable_targets: Seq,
    /// `applicationAutoScaling.scalingPolicies`.
    pub scaling_policies: Seq,
    /// `applicationAutoScaling.scheduledActions`.
    pub scheduled_actions: Seq,
    /// `cloudWatch.alarms`.
    pub alarms: Seq,
    /// Availability Zones the input names.
    pub zones: Vec<String>,
    /// Whether any service or task definition runs on Fargate.
    pub fargate: bool,
    /// Services scaled on the load balancer's response time: their tasks need a service model.
    pub latency_services: Vec<String>,
    /// `eventBridge.schedules`.
    pub schedules: Seq,
    /// Names of the imported alarms.
    pub alarm_names: Vec<String>,
    /// (service, queue): the queue each worker consumes, from its Copilot backlog policies.
    pub worker_queues: Vec<(String, String)>,
    /// The cluster to simulate (`--cluster`), when chosen.
    pub chosen_cluster: Option<String>,
    /// Clusters whose services were left out, with how many.
    pub other_clusters: Vec<(String, usize)>,
}

impl<'a> Build<'a> {
    /// An empty build over `e`'s stacks.
    pub fn new(e: &'a Evaluator<'a>) -> Build<'a> {
        Build {
            e,
            entries: Vec::new(),
            position: 0,
            cluster: String::new(),
            cluster_comment: String::new(),
            services: BTreeMap::new(),
            policies: Vec::new(),
            task_definitions: Seq::new(),
            service_items: Seq::new(),
            capacity_providers: Seq::new(),
            cluster_providers: None,
            default_strategy: None,
            target_groups: Seq::new(),
            target_group_arns: Vec::new(),
            auto_scaling_groups: Seq::new(),
            scalable_targets: Seq::new(),
            scaling_policies: Seq::new(),
            scheduled_actions: Seq::new(),
            alarms: Seq::new(),
            zones: Vec::new(),
            fargate: false,
            latency_services: Vec::new(),
            schedules: Seq::new(),
            alarm_names: Vec::new(),
            worker_queues: Vec::new(),
            chosen_cluster: None,
            other_clusters: Vec::new(),
        }
    }

    /// Adds a report entry at the current input position.
    pub fn report(&mut self, group: Group, source: String, kind: &str, sentence: impl Into<String>) {
        self.entries
            .push((self.position, group, source, kind.to_string(), sentence.into()));
    }

    /// The report, each group in input order.
    pub fn into_report(mut self) -> ImportReport {
        self.entries.sort_by_key(|e| e.0);
        let mut report = ImportReport::default();
        for (_, group, source, kind, sentence) in self.entries {
            match group {
                Group::Imported => report.imported(&source, &kind, sentence),
                Group::Ignored => report.ignored(&source, &kind, sentence),
                Group::Guess => report.guess(&source, &kind, sentence),
            }
        }
        report
    }

    /// An unresolvable value as an error of the file it is in.
    pub fn error(&self, u: Unresolved) -> ImportError {
        self.e.stacks[u.stack]
            .source
            .error_at(u.line, u.column, &u.path, u.message, u.help)
    }

    /// The report's name of a resource (`Resources.Service`, `ECS:Resources.ECSCluster`).
    pub fn source_of(&self, s: usize, resource: &Resource) -> String {
        self.e.stacks[s].source_name(&format!("Resources.{}", resource.id))
    }

    /// The `# from` comment of a resource.
    pub fn comment_of(&self, s: usize, resource: &Resource) -> String {
        let name = &self.e.stacks[s].source.name;
        // The file's name without its folder: the scenario reads the same on every machine.
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        format!("from {} ({}) in {file}", self.source_of(s, resource), resource.kind)
    }

    /// The property path of a resource's property.
    pub fn path_of(resource: &Resource, property: &str) -> String {
        format!("Resources.{}.Properties.{property}", resource.id)
    }

    /// A property, evaluated; `None` when absent or `AWS::NoValue`.
    pub fn value(&self, s: usize, resource: &Resource, property: &str) -> Result<Option<Val>, ImportError> {
        let Some(node) = resource.properties().and_then(|p| p.get(property)) else {
            return Ok(None);
        };
        match self.e.eval(s, node, &Self::path_of(resource, property)) {
            Ok(Val::NoValue) => Ok(None),
            Ok(v) => Ok(Some(v)),
            Err(u) => Err(self.error(u)),
        }
    }

    /// A property that must be a whole number in `range`.
    pub fn int(&self, s: usize, resource: &Resource, property: &str) -> Result<Option<i64>, ImportError> {
        let Some(v) = self.value(s, resource, property)? else {
            return Ok(None);
        };
        match v.as_int() {
            Some(n) => Ok(Some(n)),
            None => Err(self.wrong(s, resource, property, "a whole number", &v)),
        }
    }

    /// A property that must be a string.
    pub fn string(&self, s: usize, resource: &Resource, property: &str) -> Result<Option<String>, ImportError> {
        let Some(v) = self.value(s, resource, property)? else {
            return Ok(None);
        };
        match v {
            Val::Scalar(text) => Ok(Some(text)),
            other => Err(self.wrong(s, resource, property, "a string", &other)),
        }
    }

    /// An error: a property resolved to the wrong kind of value.
    pub fn wrong(&self, s: usize, resource: &Resource, property: &str, expected: &str, found: &Val) -> ImportError {
        let node = resource
            .properties()
            .and_then(|p| p.get(property))
            .unwrap_or(&resource.node);
        self.e.stacks[s].source.error(
            node,
            &Self::path_of(resource, property),
            format!("expected {expected}, found {}", found.kind_words()),
            None,
        )
    }

    /// Reports the properties of `resource` that are not among `read`, as not modelled.
    pub fn report_unread(&mut self, s: usize, resource: &Resource, read: &[&str]) {
        let unread: Vec<&str> = resource
            .properties()
            .map(|p| {
                p.entries()
                    .iter()
                    .map(|(k, _)| k.name.as_str())
                    .filter(|k| !read.contains(k))
                    .collect()
            })
            .unwrap_or_default();
        if !unread.is_empty() {
            let source = self.source_of(s, resource);
            let kind = resource.kind.clone();
            self.report(
                Group::Ignored,
                source,
                &kind,
                format!("properties not modelled: {}", unread.join(", ")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_take_the_ecs_api_spelling() {
        assert_eq!(camel("DeploymentConfiguration"), "deploymentConfiguration");
        assert_eq!(camel("AwsvpcConfiguration"), "awsvpcConfiguration");
        assert_eq!(camel("PlacementStrategies"), "placementStrategy");
    }

    #[test]
    fn scalars_get_their_api_types() {
        assert_eq!(typed_scalar("60"), Value::Int(60));
        assert_eq!(typed_scalar("0.5"), Value::Float(0.5));
        assert_eq!(typed_scalar("True"), Value::Bool(true));
        assert_eq!(typed_scalar("ENABLED"), Value::Str("ENABLED".into()));
        assert_eq!(typed_scalar("inf"), Value::Str("inf".into()));
    }
}
