//! `AWS::ECS::TaskDefinition` into `ecs.taskDefinitions`: the task size in the API's units and
//! the container fields ecsim reads, each evaluated on its own.

use super::build::{Build, Case, Group, camel, to_doc};
use super::resources;
use super::stack::Resource;
use super::value::Val;
use crate::import::ImportError;
use crate::import::doc::{Map, Seq};

/// `1 vCPU` -> `1024`, `2 GB` -> `2048`: the task size as the API's units (CPU units, MiB).
pub fn task_size(text: &str, unit: u32) -> String {
    let lower = text.trim().to_ascii_lowercase();
    for suffix in ["vcpu", "gb"] {
        if let Some(number) = lower.strip_suffix(suffix) {
            if let Ok(x) = number.trim().parse::<f64>() {
                return format!("{}", (x * f64::from(unit)).round() as i64);
            }
        }
    }
    text.trim().to_string()
}

const TASK_READ: &[&str] = &[
    "Family",
    "Cpu",
    "Memory",
    "NetworkMode",
    "RequiresCompatibilities",
    "RuntimePlatform",
    "PlacementConstraints",
    "ContainerDefinitions",
];

const CONTAINER_FIELDS: &[(&str, Kind)] = &[
    ("Name", Kind::Text),
    ("Image", Kind::Text),
    ("Cpu", Kind::Typed),
    ("Memory", Kind::Typed),
    ("MemoryReservation", Kind::Typed),
    ("Essential", Kind::Typed),
    ("StopTimeout", Kind::Typed),
    ("StartTimeout", Kind::Typed),
    ("HealthCheck", Kind::Typed),
    ("PortMappings", Kind::Typed),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Typed,
}

/// One container's fields: its name and, for a field ecsim reads, its value.
type ContainerFields = Vec<(String, Option<Val>)>;

/// Each container's fields in template order; only the fields ecsim reads are evaluated (an
/// environment variable may name a load balancer's DNS name, known only once AWS creates it).
fn container_fields(b: &Build<'_>, s: usize, r: &Resource) -> Result<Vec<ContainerFields>, ImportError> {
    let path = Build::path_of(r, "ContainerDefinitions");
    let Some(node) = r.properties().and_then(|p| p.get("ContainerDefinitions")) else {
        return Ok(Vec::new());
    };
    let eval = |n: &crate::import::source::Node, p: &str| b.e.eval(s, n, p).map_err(|u| b.error(u));
    let mut out = Vec::new();
    if node.tag.is_some() || !node.is_seq() {
        // A list made by a function: evaluated whole.
        let v = eval(node, &path)?;
        for item in v.items() {
            let Val::Map(entries) = item else {
                return Err(b.wrong(s, r, "ContainerDefinitions", "a list of containers", &v));
            };
            out.push(entries.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect());
        }
        return Ok(out);
    }
    for (i, item) in node.items().iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        if item.tag.is_some()
            || !item.is_map()
            || item.entries().len() == 1 && item.entries()[0].0.name.starts_with("Fn::")
        {
            match eval(item, &item_path)? {
                Val::Map(entries) => out.push(entries.into_iter().map(|(k, v)| (k, Some(v))).collect()),
                Val::NoValue => {}
                other => return Err(b.wrong(s, r, "ContainerDefinitions", "a list of containers", &other)),
            }
            continue;
        }
        let mut fields = Vec::new();
        for (key, value) in item.entries() {
            let read = CONTAINER_FIELDS.iter().any(|(k, _)| *k == key.name);
            let v = if read {
                match eval(value, &format!("{item_path}.{}", key.name))? {
                    Val::NoValue => continue,
                    v => Some(v),
                }
            } else {
                None
            };
            fields.push((key.name.clone(), v));
        }
        out.push(fields);
    }
    Ok(out)
}

/// `AWS::ECS::TaskDefinition` -> `ecs.taskDefinitions` (revisions in import order).
pub fn task_definition(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<String, ImportError> {
    let reference = resources::task_definition_reference(b.e, s, r).map_err(|u| b.error(u))?;
    let family = reference
        .rsplit_once(':')
        .map_or(reference.as_str(), |(f, _)| f)
        .to_string();
    let source = b.source_of(s, r);
    let mut item = Map::new();
    item.insert("family", family.as_str());
    if let Some(cpu) = b.string(s, r, "Cpu")? {
        item.insert("cpu", task_size(&cpu, 1024));
    }
    if let Some(memory) = b.string(s, r, "Memory")? {
        item.insert("memory", task_size(&memory, 1024));
    }
    if let Some(mode) = b.string(s, r, "NetworkMode")? {
        item.insert("networkMode", mode);
    }
    if let Some(v) = b.value(s, r, "RequiresCompatibilities")? {
        if v.items().iter().any(|i| i.as_str() == Some("FARGATE")) {
            b.fargate = true;
        }
        item.insert("requiresCompatibilities", to_doc(&v, Case::Camel));
    }
    for (property, key) in [
        ("RuntimePlatform", "runtimePlatform"),
        ("PlacementConstraints", "placementConstraints"),
    ] {
        if let Some(v) = b.value(s, r, property)? {
            item.insert(key, to_doc(&v, Case::Camel));
        }
    }
    let mut seq = Seq::new();
    let mut unread: Vec<String> = Vec::new();
    for (i, fields) in container_fields(b, s, r)?.into_iter().enumerate() {
        let mut c = Map::new();
        for (key, value) in fields {
            match CONTAINER_FIELDS.iter().find(|(k, _)| *k == key) {
                Some((_, Kind::Text)) => {
                    let text = value.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    if key == "Image" && text.is_empty() {
                        b.report(Group::Guess, source.clone(), &r.kind, format!("ContainerDefinitions[{i}].Image is empty here (set at deploy time): `unknown` written; ecsim does not use the image"));
                        c.insert("image", "unknown");
                    } else {
                        c.insert(&camel(&key), text);
                    }
                }
                Some((_, Kind::Typed)) => {
                    if let Some(v) = value {
                        c.insert(&camel(&key), to_doc(&v, Case::Camel));
                    }
                }
                None => {
                    if !unread.contains(&key) {
                        unread.push(key);
                    }
                }
            }
        }
        if c.get("image").is_none() {
            c.insert("image", "unknown");
        }
        seq.push(c);
    }
    item.insert("containerDefinitions", seq);
    let comment = b.comment_of(s, r);
    b.task_definitions.push_commented(item, comment);
    b.report(
        Group::Imported,
        source.clone(),
        &r.kind,
        format!("task definition `{reference}` -> ecs.taskDefinitions"),
    );
    b.report_unread(s, r, TASK_READ);
    if !unread.is_empty() {
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            format!("container fields not modelled: {}", unread.join(", ")),
        );
    }
    Ok(reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_sizes_take_api_units() {
        assert_eq!(task_size("256", 1024), "256");
        assert_eq!(task_size("1 vCPU", 1024), "1024");
        assert_eq!(task_size("0.5 vCPU", 1024), "512");
        assert_eq!(task_size("2 GB", 1024), "2048");
        assert_eq!(task_size("2GB", 1024), "2048");
    }
}
