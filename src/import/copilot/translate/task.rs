//! The task definition Copilot deploys: Fargate, `awsvpc`, task-level `cpu` and `memory`, the
//! runtime platform, the main container and the sidecars.

use super::from;
use crate::import::copilot::manifest::{Container, Manifest};
use crate::import::doc::{Map, Seq};
use crate::import::report::ImportReport;

/// `ecs.taskDefinitions[0]`.
pub fn task_definition(m: &Manifest, report: &mut ImportReport) -> Map {
    let mut td = Map::new();
    td.insert("family", m.name.as_str());
    td.insert_commented("cpu", m.cpu.value.to_string(), from(&[&m.cpu.key]));
    td.insert_commented("memory", m.memory.value.to_string(), from(&[&m.memory.key]));
    td.insert("networkMode", "awsvpc");
    td.insert("requiresCompatibilities", Seq::new().with("FARGATE"));
    if let Some(p) = &m.platform {
        let platform = Map::new()
            .with("operatingSystemFamily", p.value.operating_system_family.as_str())
            .with("cpuArchitecture", p.value.cpu_architecture.as_str());
        td.insert_commented("runtimePlatform", platform, from(&[&p.key]));
        if p.value.operating_system_family != "LINUX" {
            let sentence = format!(
                "{} is simulated as Linux (Windows pricing and sizes are not modelled)",
                p.value.operating_system_family
            );
            report.ignored(&p.key, "platform", sentence);
        }
    }
    let mut containers = Seq::new();
    containers.push_commented(container(&m.main), from(&[&m.main.key]));
    for sidecar in &m.sidecars {
        containers.push_commented(container(sidecar), from(&[&sidecar.key]));
    }
    td.insert("containerDefinitions", containers);
    let sizes = format!("{} CPU units, {} MiB", m.cpu.value, m.memory.value);
    let sidecars = match m.sidecars.len() {
        0 => String::new(),
        n => format!(", {n} sidecar(s)"),
    };
    report.imported(
        "image, cpu, memory",
        "task definition",
        format!("Fargate task definition `{}` ({sizes}{sidecars})", m.name),
    );
    td
}

/// One container definition.
fn container(c: &Container) -> Map {
    let mut map = Map::new().with("name", c.name.as_str()).with("image", c.image.as_str());
    map.insert("essential", c.essential);
    if let Some(port) = &c.port {
        let mapping = Map::new().with("containerPort", u32::from(port.value));
        map.insert_commented("portMappings", Seq::new().with(mapping), from(&[&port.key]));
    }
    if let Some(check) = &c.health_check {
        let h = &check.value;
        let mut command = Seq::new();
        for part in &h.command {
            command.push(part.as_str());
        }
        let health = Map::new()
            .with("command", command)
            .with("interval", h.interval_s as i64)
            .with("retries", h.retries)
            .with("timeout", h.timeout_s as i64)
            .with("startPeriod", h.start_period_s as i64);
        map.insert_commented("healthCheck", health, from(&[&check.key]));
    }
    map
}
