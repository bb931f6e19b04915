//! Invariants of the world, checked after every event in tests: a broken one is a bug, so it panics.

use super::world::World;
use crate::model::task::TASK_STATE_COUNT;
use crate::model::{InstanceState, TaskState};

impl World<'_> {
    /// Panics with a description if the world is inconsistent.
    pub fn check_invariants(&self) {
        self.check_service_counters();
        self.check_instances();
        self.check_task_homes();
        self.check_draining();
        for queue in self.services.iter().filter_map(|s| s.queue.as_ref()) {
            queue.check_invariants();
        }
    }

    fn check_service_counters(&self) {
        for (i, s) in self.services.iter().enumerate() {
            let mut counts = [0u32; TASK_STATE_COUNT];
            let mut healthy = 0;
            let mut unplaced = Vec::new();
            for id in &s.tasks {
                let t = self
                    .tasks
                    .get(id)
                    .unwrap_or_else(|| panic!("service {i} lists missing task {id:?}"));
                assert_eq!(t.service, i, "task {id:?} listed under the wrong service");
                counts[t.state.index()] += 1;
                healthy += u32::from(t.healthy);
                assert!(
                    !t.healthy || t.state == TaskState::Running,
                    "task {id:?} healthy while {:?}",
                    t.state
                );
                let waiting = t.state == TaskState::Provisioning
                    && t.instance.is_none()
                    && !self.provider_is_fargate(t.capacity_provider);
                if waiting {
                    unplaced.push(*id);
                }
            }
            assert_eq!(counts, s.counts, "service {i}: per-state counts drifted");
            assert_eq!(healthy, s.healthy, "service {i}: healthy count drifted");
            assert_eq!(
                unplaced, s.unplaced,
                "service {i}: the list of tasks waiting for placement drifted"
            );
            let listed: usize = self.services.iter().map(|s| s.tasks.len()).sum();
            assert_eq!(listed, self.tasks.len(), "every task is counted once");
        }
    }

    fn check_instances(&self) {
        for inst in &self.instances {
            if inst.state == InstanceState::Terminated {
                assert!(
                    inst.tasks.is_empty(),
                    "terminated instance {} still holds tasks",
                    inst.ec2_instance_id
                );
                continue;
            }
            let (mut cpu, mut mem, mut enis, mut ports) = (0u32, 0u64, 0u32, 0usize);
            for id in &inst.tasks {
                let t = &self.tasks[id];
                assert_eq!(
                    t.instance,
                    Some(inst.id),
                    "task {id:?} placement disagrees with its instance"
                );
                let r = self.spec.task_definitions[t.task_definition].resources();
                cpu += r.cpu_units;
                mem += r.memory_mib;
                enis += r.enis;
                ports += t.host_ports.len();
            }
            assert_eq!(
                (cpu, mem, enis),
                (inst.used_cpu_units, inst.used_memory_mib, inst.used_enis),
                "instance {} accounting drifted",
                inst.ec2_instance_id
            );
            assert_eq!(
                ports,
                inst.ports_in_use.len(),
                "instance {} port accounting drifted",
                inst.ec2_instance_id
            );
            assert!(
                inst.used_cpu_units <= inst.registered_cpu_units,
                "instance {} over-committed on CPU",
                inst.ec2_instance_id
            );
            assert!(
                inst.used_memory_mib <= inst.registered_memory_mib,
                "instance {} over-committed on memory",
                inst.ec2_instance_id
            );
            assert!(
                inst.used_enis <= inst.max_awsvpc_tasks,
                "instance {} over-committed on ENIs",
                inst.ec2_instance_id
            );
        }
    }

    /// Every task placed on an instance is listed by that instance, which is not terminated: no
    /// task outlives its host or is lost by it.
    fn check_task_homes(&self) {
        for t in self.tasks.values() {
            let Some(i) = t.instance else { continue };
            let inst = &self.instances[i.0 as usize];
            assert!(
                inst.state != InstanceState::Terminated,
                "task {:?} is on terminated instance {}",
                t.id,
                inst.ec2_instance_id
            );
            assert!(
                inst.tasks.contains(&t.id),
                "task {:?} is not listed by its instance {}",
                t.id,
                inst.ec2_instance_id
            );
        }
    }

    /// A DRAINING instance holds only tasks it had when it started draining, and none of them is
    /// still starting (they stop at once).
    fn check_draining(&self) {
        for d in &self.faults.draining {
            let inst = &self.instances[d.instance.0 as usize];
            if inst.state != InstanceState::Draining {
                continue;
            }
            for id in &inst.tasks {
                assert!(
                    d.tasks_at_drain.contains(id),
                    "task {id:?} was placed on DRAINING instance {}",
                    inst.ec2_instance_id
                );
                let state = self.tasks[id].state;
                assert!(
                    state >= TaskState::Running,
                    "task {id:?} is still starting ({state:?}) on DRAINING instance {}",
                    inst.ec2_instance_id
                );
            }
        }
    }
}
