//! Task definitions as the engine needs them: network mode, sizes, containers and ports.

use crate::model::TaskResources;
use crate::policy::placement::PlacementConstraint;

/// ECS network mode of a task definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkMode {
    /// Docker bridge: host ports static or dynamic.
    Bridge,
    /// Host networking: the container port is the host port.
    Host,
    /// Each task gets its own ENI.
    Awsvpc,
    /// No external networking.
    None,
}

impl NetworkMode {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkMode::Bridge => "bridge",
            NetworkMode::Host => "host",
            NetworkMode::Awsvpc => "awsvpc",
            NetworkMode::None => "none",
        }
    }
}

/// One port mapping of a container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortMapping {
    /// Port inside the container.
    pub container_port: u16,
    /// Host port; `None` or `Some(0)` in bridge mode means a dynamic port.
    pub host_port: Option<u16>,
}

/// One container definition (only the fields the simulator uses).
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerSpec {
    /// Container name.
    pub name: String,
    /// Container CPU units (0 when unset).
    pub cpu_units: u32,
    /// Hard memory limit, MiB.
    pub memory_mib: Option<u64>,
    /// Soft memory reservation, MiB.
    pub memory_reservation_mib: Option<u64>,
    /// Whether the task stops when this container stops.
    pub essential: bool,
    /// Port mappings.
    pub port_mappings: Vec<PortMapping>,
    /// Seconds between SIGTERM and SIGKILL (default 30).
    pub stop_timeout_s: Option<u32>,
    /// `startTimeout`: seconds a container that others depend on may take to reach their
    /// condition before they give up and the task stops (none: no limit).
    pub start_timeout_s: Option<u32>,
    /// `dependsOn`: the containers this one waits for, and for what.
    pub depends_on: Vec<ContainerDependency>,
    /// `healthCheck`, if the container has one.
    pub health_check: Option<super::HealthCheckSpec>,
}

/// What a container waits for in another (`dependsOn[].condition`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DependencyCondition {
    /// `START`: the other container has started.
    Start,
    /// `COMPLETE`: the other container has exited (its run time is not modelled).
    Complete,
    /// `SUCCESS`: the other container has exited with 0 (its run time is not modelled).
    Success,
    /// `HEALTHY`: the other container passes its health check.
    Healthy,
}

/// One `dependsOn` entry of a container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContainerDependency {
    /// Index of the container waited for in the task definition's containers.
    pub container: usize,
    /// `condition`.
    pub condition: DependencyCondition,
}

/// One revision of a task definition.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskDefinitionSpec {
    /// Family name.
    pub family: String,
    /// Revision number (1 for the first entry of a family).
    pub revision: u32,
    /// Network mode.
    pub network_mode: NetworkMode,
    /// `requiresCompatibilities` (EC2, FARGATE, EXTERNAL).
    pub requires_compatibilities: Vec<String>,
    /// Task-level CPU units.
    pub cpu_units: Option<u32>,
    /// Task-level memory, MiB.
    pub memory_mib: Option<u64>,
    /// Runtime CPU architecture (`X86_64` or `ARM64`).
    pub cpu_architecture: String,
    /// Containers.
    pub containers: Vec<ContainerSpec>,
    /// `placementConstraints` (only `memberOf` is allowed in a task definition).
    pub placement_constraints: Vec<PlacementConstraint>,
    /// `ephemeralStorage.sizeInGiB` (21-200; Fargate includes 20 GiB, billed beyond).
    pub ephemeral_storage_gib: Option<u32>,
}

impl TaskDefinitionSpec {
    /// `family:revision`.
    pub fn arn_suffix(&self) -> String {
        format!("{}:{}", self.family, self.revision)
    }

    /// Resources reserved on an instance: task-level sizes when set, else the sum over containers
    /// (memoryReservation when set, else memory), as ECS places tasks.
    pub fn resources(&self) -> TaskResources {
        let container_cpu: u32 = self.containers.iter().map(|c| c.cpu_units).sum();
        let container_memory: u64 = self
            .containers
            .iter()
            .map(|c| c.memory_reservation_mib.or(c.memory_mib).unwrap_or(0))
            .sum();
        let mut static_ports = Vec::new();
        let mut dynamic_ports = 0;
        for mapping in self.containers.iter().flat_map(|c| &c.port_mappings) {
            match self.network_mode {
                NetworkMode::Bridge => match mapping.host_port {
                    Some(p) if p != 0 => static_ports.push(p),
                    _ => dynamic_ports += 1,
                },
                NetworkMode::Host => static_ports.push(mapping.host_port.unwrap_or(mapping.container_port)),
                NetworkMode::Awsvpc | NetworkMode::None => {}
            }
        }
        static_ports.sort_unstable();
        TaskResources {
            cpu_units: self.cpu_units.unwrap_or(container_cpu),
            memory_mib: self.memory_mib.unwrap_or(container_memory),
            static_ports,
            dynamic_ports,
            enis: u32::from(self.network_mode == NetworkMode::Awsvpc),
        }
    }

    /// The stop timeout of the task: the longest of its containers' (default 30 s).
    pub fn stop_timeout_ms(&self) -> u64 {
        let s = self
            .containers
            .iter()
            .map(|c| c.stop_timeout_s.unwrap_or(30))
            .max()
            .unwrap_or(30);
        u64::from(s) * 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(
        cpu: u32,
        memory: Option<u64>,
        reservation: Option<u64>,
        ports: &[(u16, Option<u16>)],
    ) -> ContainerSpec {
        ContainerSpec {
            name: "c".into(),
            cpu_units: cpu,
            memory_mib: memory,
            memory_reservation_mib: reservation,
            essential: true,
            port_mappings: ports
                .iter()
                .map(|(c, h)| PortMapping {
                    container_port: *c,
                    host_port: *h,
                })
                .collect(),
            stop_timeout_s: None,
            start_timeout_s: None,
            depends_on: Vec::new(),
            health_check: None,
        }
    }

    fn task(
        mode: NetworkMode,
        cpu: Option<u32>,
        memory: Option<u64>,
        containers: Vec<ContainerSpec>,
    ) -> TaskDefinitionSpec {
        TaskDefinitionSpec {
            family: "f".into(),
            revision: 1,
            network_mode: mode,
            requires_compatibilities: vec![],
            cpu_units: cpu,
            memory_mib: memory,
            cpu_architecture: "X86_64".into(),
            containers,
            placement_constraints: vec![],
            ephemeral_storage_gib: None,
        }
    }

    #[track_caller]
    fn check(td: TaskDefinitionSpec, cpu: u32, memory: u64, static_ports: &[u16], dynamic: u32, enis: u32) {
        let r = td.resources();
        assert_eq!(
            (
                r.cpu_units,
                r.memory_mib,
                r.static_ports.as_slice(),
                r.dynamic_ports,
                r.enis
            ),
            (cpu, memory, static_ports, dynamic, enis)
        );
    }

    #[test]
    fn resources_follow_ecs_placement_rules() {
        // Task-level sizes win over container sizes.
        check(
            task(
                NetworkMode::Awsvpc,
                Some(512),
                Some(1024),
                vec![container(128, Some(256), None, &[(80, None)])],
            ),
            512,
            1024,
            &[],
            0,
            1,
        );
        // Container sums; memoryReservation is what placement reserves when set.
        check(
            task(
                NetworkMode::Bridge,
                None,
                None,
                vec![
                    container(128, Some(256), Some(64), &[(80, Some(0))]),
                    container(256, Some(512), None, &[(443, Some(8443))]),
                ],
            ),
            384,
            576,
            &[8443],
            1,
            0,
        );
        // Host mode: the container port is the host port.
        check(
            task(
                NetworkMode::Host,
                None,
                None,
                vec![container(10, Some(300), None, &[(8500, None), (8300, None)])],
            ),
            10,
            300,
            &[8300, 8500],
            0,
            0,
        );
        // Bridge with hostPort absent is dynamic.
        check(
            task(
                NetworkMode::Bridge,
                None,
                None,
                vec![container(256, Some(256), None, &[(80, None)])],
            ),
            256,
            256,
            &[],
            1,
            0,
        );
    }
}
