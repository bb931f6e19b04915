//! Whether one task fits on one container instance: CPU, memory, host ports, ENIs (reference 9.1).

use crate::model::ContainerInstance;
use crate::model::TaskResources;

/// The resource an instance lacks for a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortfall {
    /// Not enough free CPU units.
    Cpu,
    /// Not enough free memory.
    Memory,
    /// A static host port is taken, or no dynamic port is free.
    Ports,
    /// No ENI left for an awsvpc task.
    Eni,
}

impl Shortfall {
    /// The ECS placement failure reason.
    pub fn reason_code(self) -> &'static str {
        match self {
            Shortfall::Cpu => "RESOURCE:CPU",
            Shortfall::Memory => "RESOURCE:MEMORY",
            Shortfall::Ports => "RESOURCE:PORTS",
            Shortfall::Eni => "RESOURCE:ENI",
        }
    }
}

/// `Ok` if the task fits; otherwise how many checks passed (to find the closest instance) and the
/// first resource that is short, checked in the order CPU, memory, ports, ENI.
pub fn check_fit(
    resources: &TaskResources,
    instance: &ContainerInstance,
    dynamic_port_range: (u16, u16),
) -> Result<(), (usize, Shortfall)> {
    if resources.cpu_units > instance.free_cpu_units() {
        return Err((0, Shortfall::Cpu));
    }
    if resources.memory_mib > instance.free_memory_mib() {
        return Err((1, Shortfall::Memory));
    }
    let static_conflict = resources.static_ports.iter().any(|p| instance.ports_in_use.contains(p));
    let dynamic_free = free_dynamic_port_count(instance, dynamic_port_range);
    if static_conflict || dynamic_free < resources.dynamic_ports {
        return Err((2, Shortfall::Ports));
    }
    if resources.enis > 0 && instance.used_enis + resources.enis > instance.max_awsvpc_tasks {
        return Err((3, Shortfall::Eni));
    }
    Ok(())
}

fn free_dynamic_port_count(instance: &ContainerInstance, (lo, hi): (u16, u16)) -> u32 {
    let range = u32::from(hi) - u32::from(lo) + 1;
    // Fast path: even if every port in use were in the range, enough would be free.
    let used = instance.ports_in_use.len() as u32;
    if used < range / 2 {
        return range - used;
    }
    let in_range = instance.ports_in_use.range(lo..=hi).count() as u32;
    (u32::from(hi) - u32::from(lo) + 1).saturating_sub(in_range)
}

/// The lowest `count` free ports of the dynamic range on `instance`.
pub fn pick_dynamic_ports(instance: &ContainerInstance, count: u32, (lo, hi): (u16, u16)) -> Vec<u16> {
    (lo..=hi)
        .filter(|p| !instance.ports_in_use.contains(p))
        .take(count as usize)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::instance_type;
    use crate::model::{InstanceId, InstanceState};
    use crate::sim::{ProviderIdx, SimTime};

    fn instance(free_cpu: u32, free_memory: u64, ports: &[u16], enis_used: u32) -> ContainerInstance {
        ContainerInstance {
            id: InstanceId(0),
            ec2_instance_id: "i-0".into(),
            instance_type: instance_type("c5.large").expect("in catalog"),
            auto_scaling_group: 0,
            capacity_provider: Some(ProviderIdx(0)),
            availability_zone: 0,
            state: InstanceState::Active,
            spot: false,
            registered_cpu_units: 2048,
            registered_memory_mib: 8000,
            max_awsvpc_tasks: 2,
            used_cpu_units: 2048 - free_cpu,
            used_memory_mib: 8000 - free_memory,
            used_enis: enis_used,
            ports_in_use: ports.iter().copied().collect(),
            tasks: vec![],
            jobs: vec![],
            daemon_tasks: 0,
            launched_at: SimTime::ZERO,
            registered_at: Some(SimTime::ZERO),
            terminated_at: None,
            attributes: vec![],
        }
    }

    fn task(cpu: u32, memory: u64, static_ports: &[u16], dynamic: u32, enis: u32) -> TaskResources {
        TaskResources {
            cpu_units: cpu,
            memory_mib: memory,
            static_ports: static_ports.to_vec(),
            dynamic_ports: dynamic,
            enis,
        }
    }

    const RANGE: (u16, u16) = (32768, 60999);

    #[track_caller]
    fn check(t: TaskResources, i: ContainerInstance, expected: Result<(), Shortfall>) {
        assert_eq!(check_fit(&t, &i, RANGE).map_err(|(_, s)| s), expected);
    }

    #[test]
    fn filters_by_resources() {
        check(task(512, 1024, &[], 0, 0), instance(512, 1024, &[], 0), Ok(()));
        check(
            task(513, 1024, &[], 0, 0),
            instance(512, 4000, &[], 0),
            Err(Shortfall::Cpu),
        );
        check(
            task(256, 1025, &[], 0, 0),
            instance(512, 1024, &[], 0),
            Err(Shortfall::Memory),
        );
        // Case 38: a static hostPort taken by another task on the instance.
        check(
            task(256, 256, &[8080], 0, 0),
            instance(2048, 3000, &[8080], 0),
            Err(Shortfall::Ports),
        );
        check(task(256, 256, &[8080], 0, 0), instance(2048, 3000, &[8081], 0), Ok(()));
        // Case 37: c5.large without trunking holds 2 awsvpc tasks; the third does not fit.
        check(task(256, 256, &[], 0, 1), instance(2048, 3000, &[], 1), Ok(()));
        check(
            task(256, 256, &[], 0, 1),
            instance(2048, 3000, &[], 2),
            Err(Shortfall::Eni),
        );
    }

    #[test]
    fn dynamic_ports_come_from_the_ephemeral_range() {
        // Case 38: bridge, hostPort 0: a host port in 32768-60999.
        let i = instance(2048, 3000, &[22, 32768, 32770], 0);
        assert_eq!(pick_dynamic_ports(&i, 2, RANGE), vec![32769, 32771]);
        let full: Vec<u16> = (10..=12).collect();
        let tiny = instance(2048, 3000, &full, 0);
        assert_eq!(
            check_fit(&task(1, 1, &[], 1, 0), &tiny, (10, 12)).map_err(|(_, s)| s),
            Err(Shortfall::Ports)
        );
    }
}
