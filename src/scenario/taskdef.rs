//! `ecs.taskDefinitions`: RegisterTaskDefinition shapes, inline or from a file the AWS CLI printed.

use super::diag::Diagnostics;
use super::reader::{Obj, as_int, object};
use super::yaml::{Loc, Node};
use crate::model::fargate::{FargateOs, validate_fargate_size};
use crate::spec::{ContainerSpec, HealthCheckSpec, NetworkMode, PortMapping, TaskDefinitionSpec};

/// A task definition read from the scenario, with the locations validation needs.
pub struct ParsedTaskDefinition {
    /// The typed task definition.
    pub spec: TaskDefinitionSpec,
    /// Where the definition starts.
    pub loc: Loc,
    /// Its field path.
    pub path: String,
}

const TASK_IGNORED: &[&str] = &[
    "taskDefinitionArn",
    "status",
    "taskRoleArn",
    "executionRoleArn",
    "volumes",
    "tags",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "inferenceAccelerators",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
    "enableFaultInjection",
];

const CONTAINER_IGNORED: &[&str] = &[
    "command",
    "entryPoint",
    "environment",
    "environmentFiles",
    "secrets",
    "logConfiguration",
    "mountPoints",
    "volumesFrom",
    "links",
    "dockerLabels",
    "ulimits",
    "workingDirectory",
    "user",
    "hostname",
    "privileged",
    "readonlyRootFilesystem",
    "linuxParameters",
    "dnsServers",
    "dnsSearchDomains",
    "extraHosts",
    "dockerSecurityOptions",
    "interactive",
    "pseudoTerminal",
    "systemControls",
    "resourceRequirements",
    "firelensConfiguration",
    "repositoryCredentials",
    "disableNetworking",
    "credentialSpecs",
    "restartPolicy",
    "versionConsistency",
];

/// Reads one task definition node (already unwrapped from `{"taskDefinition": ...}`).
pub fn read_task_definition(node: &Node, path: &str, d: &mut Diagnostics) -> Option<ParsedTaskDefinition> {
    let mut o = object(node, path, d)?;
    let ctx = Ctx::of(&o, path);
    let family = o.required_string("family", "the task definition family", d);
    let revision = o.int("revision", 1, i64::from(u32::MAX), d).map(|r| r as u32);
    let cpu = o.int_or_string("cpu", 128, 196_608, d).map(|v| v as u32);
    let memory = o.int_or_string("memory", 6, 1_048_576, d).map(|v| v as u64);
    let network_mode = read_network_mode(&mut o, d);
    let requires = read_requires_compatibilities(&mut o, d);
    let cpu_architecture = read_runtime_platform(&mut o, d);
    let placement_constraints =
        super::placement::read_placement_constraints(&mut o, super::placement::ConstraintOwner::TaskDefinition, d);
    let ephemeral_storage_gib = read_ephemeral_storage(&mut o, d);
    let container_nodes = o.required_list("containerDefinitions", "at least one container", d);
    let (containers, written_dependencies): (Vec<ContainerSpec>, Vec<_>) = container_nodes
        .iter()
        .filter_map(|(p, n)| read_container(n, p, network_mode, d))
        .unzip();
    // An entry is inline or a `file:` (read elsewhere): `fie:` is a misspelling of the latter,
    // not an inline task definition missing everything.
    o.suggest_also(&["file"]);
    o.ignore(TASK_IGNORED);
    o.finish(d);
    let mut spec = TaskDefinitionSpec {
        family: family?,
        revision: revision.unwrap_or(0),
        network_mode,
        requires_compatibilities: requires,
        cpu_units: cpu,
        memory_mib: memory,
        cpu_architecture,
        containers,
        placement_constraints,
        ephemeral_storage_gib,
    };
    let all_read = spec.containers.len() == container_nodes.len();
    super::container_order::resolve_dependencies(&mut spec, written_dependencies, all_read, d);
    validate(&spec, &ctx, &container_nodes, d);
    Some(ParsedTaskDefinition {
        spec,
        loc: ctx.loc,
        path: path.to_string(),
    })
}

/// `networkMode`; bridge when absent.
fn read_network_mode(o: &mut Obj<'_>, d: &mut Diagnostics) -> NetworkMode {
    match o.one_of("networkMode", &["bridge", "host", "awsvpc", "none"], d) {
        Some("host") => NetworkMode::Host,
        Some("awsvpc") => NetworkMode::Awsvpc,
        Some("none") => NetworkMode::None,
        _ => NetworkMode::Bridge,
    }
}

/// `requiresCompatibilities`: the launch types the task definition is checked against.
fn read_requires_compatibilities(o: &mut Obj<'_>, d: &mut Diagnostics) -> Vec<String> {
    o.list("requiresCompatibilities", d)
        .into_iter()
        .filter_map(|(p, n)| super::reader::as_one_of(n, &p, &["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"], d))
        .map(str::to_string)
        .collect()
}

fn read_runtime_platform(o: &mut Obj<'_>, d: &mut Diagnostics) -> String {
    let path = o.child("runtimePlatform");
    let Some(n) = o.field("runtimePlatform") else {
        return "X86_64".into();
    };
    let Some(mut rp) = object(n, &path, d) else {
        return "X86_64".into();
    };
    let arch = rp
        .one_of("cpuArchitecture", &["X86_64", "ARM64"], d)
        .unwrap_or("X86_64");
    if let Some(os) = rp.string("operatingSystemFamily", d) {
        if os != "LINUX" {
            d.not_yet_simulated.push(format!("{path}.operatingSystemFamily: {os} is simulated as LINUX (Windows pricing and sizes are not modelled yet)"));
        }
    }
    rp.finish(d);
    arch.to_string()
}

/// `ephemeralStorage.sizeInGiB`: 21 to 200 GiB (RegisterTaskDefinition); Fargate bills what is
/// above the 20 GiB every task has.
fn read_ephemeral_storage(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<u32> {
    let path = o.child("ephemeralStorage");
    let mut e = object(o.field("ephemeralStorage")?, &path, d)?;
    let size = e.required_int("sizeInGiB", 21, 200, "GiB, 21 to 200", d);
    e.finish(d);
    size.map(|v| v as u32)
}

/// A container and its `dependsOn` as written (resolved once every container is read).
type ReadContainer = (ContainerSpec, Vec<super::container_order::WrittenDependency>);

fn read_container(node: &Node, path: &str, mode: NetworkMode, d: &mut Diagnostics) -> Option<ReadContainer> {
    let mut o = object(node, path, d)?;
    let name = o.required_string("name", "the container name", d);
    let _image = o.required_string("image", "the container image", d);
    let cpu = o.int("cpu", 0, 196_608, d).unwrap_or(0) as u32;
    let memory = o.int("memory", 6, 1_048_576, d).map(|v| v as u64);
    let reservation = o.int("memoryReservation", 4, 1_048_576, d).map(|v| v as u64);
    let essential = o.boolean("essential", d).unwrap_or(true);
    let stop_timeout = o.int("stopTimeout", 0, 86_400, d).map(|v| v as u32);
    let start_timeout = o.int("startTimeout", 0, 86_400, d).map(|v| v as u32);
    let depends_on = super::container_order::read_depends_on(&mut o, d);
    let health_check = o
        .field("healthCheck")
        .and_then(|n| read_health_check(n, &o.child("healthCheck"), d));
    let mut port_mappings = Vec::new();
    for (p, n) in o.list("portMappings", d) {
        let Some(mut pm) = object(n, &p, d) else { continue };
        let container_port = pm
            .required_int("containerPort", 0, 65_535, "the port inside the container", d)
            .map(|v| v as u16);
        let host_port_node = pm.field("hostPort");
        let host_port = host_port_node
            .and_then(|n| as_int(n, &format!("{p}.hostPort"), 0, 65_535, false, d))
            .map(|v| v as u16);
        pm.one_of("protocol", &["tcp", "udp"], d);
        pm.ignore(&["name", "appProtocol", "containerPortRange", "hostPortRange", "hostIp"]);
        pm.finish(d);
        let Some(container_port) = container_port else { continue };
        if mode == NetworkMode::Awsvpc {
            if let (Some(h), Some(n)) = (host_port, host_port_node) {
                if h != container_port {
                    d.error(
                        n.loc,
                        &format!("{p}.hostPort"),
                        format!("in awsvpc network mode hostPort must equal containerPort ({container_port}) or be omitted, found {h}"),
                        Some(format!("remove hostPort or set it to {container_port}; ECS rejects this task definition")),
                    );
                }
            }
        }
        port_mappings.push(PortMapping {
            container_port,
            host_port,
        });
    }
    o.ignore(CONTAINER_IGNORED);
    o.finish(d);
    let container = ContainerSpec {
        name: name?,
        cpu_units: cpu,
        memory_mib: memory,
        memory_reservation_mib: reservation,
        essential,
        port_mappings,
        stop_timeout_s: stop_timeout,
        start_timeout_s: start_timeout,
        depends_on: Vec::new(),
        health_check,
    };
    Some((container, depends_on))
}

/// Where a task definition's fields are, for the errors of `validate`.
struct Ctx<'a> {
    path: &'a str,
    compat_path: String,
    cpu_loc: Loc,
    memory_loc: Loc,
    mode_loc: Loc,
    loc: Loc,
}

impl<'a> Ctx<'a> {
    fn of(o: &Obj<'_>, path: &'a str) -> Ctx<'a> {
        Ctx {
            path,
            compat_path: o.child("requiresCompatibilities"),
            cpu_loc: o.key_loc("cpu"),
            memory_loc: o.key_loc("memory"),
            mode_loc: o.key_loc("networkMode"),
            loc: o.loc,
        }
    }
}

/// Cross-field rules of RegisterTaskDefinition.
fn validate(td: &TaskDefinitionSpec, ctx: &Ctx<'_>, container_nodes: &[(String, &Node)], d: &mut Diagnostics) {
    if td.requires_compatibilities.iter().any(|c| c == "FARGATE") {
        validate_fargate(td, ctx, d);
        validate_fargate_timeouts(td, container_nodes, d);
    }
    let container_cpu: u32 = td.containers.iter().map(|c| c.cpu_units).sum();
    if let Some(cpu) = td.cpu_units {
        if container_cpu > cpu {
            d.error(
                ctx.cpu_loc,
                &format!("{}.cpu", ctx.path),
                format!("the containers reserve {container_cpu} CPU units in total, more than the task's {cpu}"),
                None,
            );
        }
    }
    // The containers that were read, beside the first as many container nodes.
    for (c, (p, n)) in td.containers.iter().zip(container_nodes) {
        validate_container_memory(c, td.memory_mib, p, n, d);
    }
    if let Some(task_memory) = td.memory_mib {
        let reserved: u64 = td
            .containers
            .iter()
            .map(|c| c.memory_reservation_mib.unwrap_or(0))
            .sum();
        if reserved > task_memory {
            d.error(ctx.memory_loc, &format!("{}.memory", ctx.path), format!("the containers' memoryReservation adds up to {reserved} MiB, more than the task's {task_memory} MiB"), None);
        }
    }
}

/// Fargate takes `startTimeout` and `stopTimeout` of 2 to 120 seconds (reference 8.5).
fn validate_fargate_timeouts(td: &TaskDefinitionSpec, container_nodes: &[(String, &Node)], d: &mut Diagnostics) {
    for (c, (p, n)) in td.containers.iter().zip(container_nodes) {
        for (field, value) in [("startTimeout", c.start_timeout_s), ("stopTimeout", c.stop_timeout_s)] {
            let Some(v) = value.filter(|v| !(2..=120).contains(v)) else {
                continue;
            };
            let loc = n.get(field).map_or(n.loc, |f| f.loc);
            d.error(
                loc,
                &format!("{p}.{field}"),
                format!("{field} {v} is outside the 2 to 120 seconds Fargate allows"),
                Some(format!("set {field} between 2 and 120")),
            );
        }
    }
}

/// Fargate needs task-level cpu and memory of a supported size, and awsvpc.
fn validate_fargate(td: &TaskDefinitionSpec, ctx: &Ctx<'_>, d: &mut Diagnostics) {
    match (td.cpu_units, td.memory_mib) {
        (Some(cpu), Some(memory)) => {
            if let Err(message) = validate_fargate_size(cpu, memory, FargateOs::Linux) {
                d.error(ctx.cpu_loc, &format!("{}.cpu", ctx.path), message, None);
            }
        }
        _ => d.error(
            ctx.loc,
            &ctx.compat_path,
            "a task definition that requires FARGATE needs task-level `cpu` and `memory`",
            Some("add e.g. cpu: \"256\" and memory: \"512\"".into()),
        ),
    }
    if td.network_mode != NetworkMode::Awsvpc {
        d.error(
            ctx.mode_loc,
            &format!("{}.networkMode", ctx.path),
            format!(
                "Fargate requires networkMode awsvpc, found {}",
                td.network_mode.as_str()
            ),
            Some("set networkMode: awsvpc".into()),
        );
    }
}

/// A container's memory against its reservation and the task's memory (`task_memory`); without
/// task-level memory, a container needs one of them. `p` and `n` are the container's path and node.
fn validate_container_memory(c: &ContainerSpec, task_memory: Option<u64>, p: &str, n: &Node, d: &mut Diagnostics) {
    if let (Some(m), Some(r)) = (c.memory_mib, c.memory_reservation_mib) {
        if r > m {
            d.error(
                n.loc,
                &format!("{p}.memoryReservation"),
                format!("memoryReservation ({r} MiB) must not exceed memory ({m} MiB)"),
                None,
            );
        }
    }
    match task_memory {
        Some(task_memory) => {
            if let Some(m) = c.memory_mib.filter(|m| *m > task_memory) {
                d.error(
                    n.loc,
                    &format!("{p}.memory"),
                    format!("container memory ({m} MiB) exceeds the task's memory ({task_memory} MiB)"),
                    None,
                );
            }
        }
        // Checked on the node: a memory of the wrong type has its own error and is not missing.
        None if ["memory", "memoryReservation"]
            .iter()
            .all(|k| n.get(k).is_none_or(Node::is_null)) =>
        {
            d.error(
                n.loc,
                p,
                format!(
                    "container `{}` needs `memory` or `memoryReservation` because the task has no task-level memory",
                    c.name
                ),
                Some("add memory (a hard limit in MiB) or memoryReservation (a soft limit)".into()),
            )
        }
        None => {}
    }
}

/// A container `healthCheck` (reference 8.5): `command` is required; the interval, retries and
/// start period drive the simulated health, the timeout is accepted (a check either passes or
/// fails within its interval in the model).
fn read_health_check(node: &Node, path: &str, d: &mut Diagnostics) -> Option<HealthCheckSpec> {
    let mut h = object(node, path, d)?;
    if h.list("command", d).is_empty() {
        h.missing("command", "e.g. [CMD-SHELL, curl -f http://localhost/ || exit 1]", d);
    }
    let interval = h.int("interval", 5, 300, d).unwrap_or(30) as u64;
    h.int("timeout", 2, 60, d);
    let retries = h.int("retries", 1, 10, d).unwrap_or(3) as u32;
    let start_period = h.int("startPeriod", 0, 300, d).unwrap_or(0) as u64;
    h.finish(d);
    Some(HealthCheckSpec {
        interval: crate::sim::SimDuration::from_secs(interval),
        retries,
        start_period: crate::sim::SimDuration::from_secs(start_period),
    })
}
