//! The order in which a task's containers start and stop (`dependsOn`, `startTimeout`,
//! `stopTimeout`; reference 8.5): how long the start waits for dependencies, when a dependency's
//! `startTimeout` stops the task instead, and how long the stop takes when the dependencies
//! stop in reverse order.

use super::task_definition::{ContainerSpec, DependencyCondition, TaskDefinitionSpec};
use crate::policy::deployment::container_healthy_after_ms;

/// Seconds between SIGTERM and SIGKILL without `stopTimeout` (ECS's default on Fargate and EC2).
pub const DEFAULT_STOP_TIMEOUT_S: u32 = 30;

/// How the start of a task's containers resolves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DependencyStart {
    /// Every container starts, the last `wait_ms` after the first ones.
    Ready {
        /// From the start of the containers without dependencies to the last container's start.
        wait_ms: u64,
    },
    /// `container` gave up on `dependency`, which did not reach the condition within its
    /// `startTimeout`: the task stops `after_ms` after its containers began to start.
    TimedOut {
        /// Index of the container that gave up.
        container: usize,
        /// Index of the container it waited for.
        dependency: usize,
        /// When it gave up.
        after_ms: u64,
    },
}

/// From a container's start to its reaching `condition`: its first passing health check for
/// HEALTHY (one interval, as the health model has it); 0 for START, and for COMPLETE and SUCCESS,
/// whose run time is not modelled.
fn condition_delay_ms(container: &ContainerSpec, condition: DependencyCondition) -> u64 {
    match (condition, container.health_check) {
        (DependencyCondition::Healthy, Some(h)) => {
            let secs = |d: crate::sim::SimDuration| (d.as_millis() / 1000) as u32;
            container_healthy_after_ms(secs(h.interval), secs(h.start_period))
        }
        _ => 0,
    }
}

impl TaskDefinitionSpec {
    /// When each container starts and whether a `startTimeout` ends the start (reference 8.5,
    /// case 46). The dependencies must not form a cycle (the reader rejects one); a container
    /// starts once every container it depends on has reached its condition.
    pub fn start_dependencies(&self) -> DependencyStart {
        let n = self.containers.len();
        let mut start = vec![0u64; n];
        // Longest paths in an acyclic graph of n nodes settle within n rounds.
        for _ in 0..n {
            for (c, container) in self.containers.iter().enumerate() {
                start[c] = container
                    .depends_on
                    .iter()
                    .map(|d| start[d.container] + condition_delay_ms(&self.containers[d.container], d.condition))
                    .max()
                    .unwrap_or(0);
            }
        }
        let mut first_timeout: Option<DependencyStart> = None;
        for (c, container) in self.containers.iter().enumerate() {
            for d in &container.depends_on {
                let dependency = &self.containers[d.container];
                let Some(timeout_s) = dependency.start_timeout_s else {
                    continue;
                };
                if d.condition == DependencyCondition::Start {
                    continue;
                }
                let timeout_ms = u64::from(timeout_s) * 1000;
                if condition_delay_ms(dependency, d.condition) <= timeout_ms {
                    continue;
                }
                let after_ms = start[d.container] + timeout_ms;
                let earlier = match first_timeout {
                    Some(DependencyStart::TimedOut { after_ms: t, .. }) => after_ms < t,
                    _ => true,
                };
                if earlier {
                    first_timeout = Some(DependencyStart::TimedOut {
                        container: c,
                        dependency: d.container,
                        after_ms,
                    });
                }
            }
        }
        first_timeout.unwrap_or(DependencyStart::Ready {
            wait_ms: start.iter().copied().max().unwrap_or(0),
        })
    }

    /// How long STOPPING lasts when every container takes `exit_ms` to exit after SIGTERM: each
    /// is killed at its `stopTimeout` (default 30 s), and a container others depend on gets
    /// SIGTERM only once they have stopped (dependencies stop in reverse; reference 8.5).
    pub fn stopping_ms(&self, exit_ms: u64) -> u64 {
        let n = self.containers.len();
        let own = |c: &ContainerSpec| exit_ms.min(u64::from(c.stop_timeout_s.unwrap_or(DEFAULT_STOP_TIMEOUT_S)) * 1000);
        // end[c]: when container c has stopped, counted from the task's SIGTERM.
        let mut end: Vec<u64> = self.containers.iter().map(own).collect();
        for _ in 0..n {
            for (c, container) in self.containers.iter().enumerate() {
                let after_dependents = self
                    .containers
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.depends_on.iter().any(|d| d.container == c))
                    .map(|(a, _)| end[a])
                    .max()
                    .unwrap_or(0);
                end[c] = after_dependents + own(container);
            }
        }
        end.into_iter().max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimDuration;
    use crate::spec::{ContainerDependency, HealthCheckSpec, NetworkMode};

    fn container(
        name: &str,
        interval_s: Option<u64>,
        start_timeout_s: Option<u32>,
        stop_timeout_s: Option<u32>,
    ) -> ContainerSpec {
        ContainerSpec {
            name: name.into(),
            cpu_units: 0,
            memory_mib: Some(256),
            memory_reservation_mib: None,
            essential: true,
            port_mappings: vec![],
            stop_timeout_s,
            start_timeout_s,
            depends_on: vec![],
            health_check: interval_s.map(|s| HealthCheckSpec {
                interval: SimDuration::from_secs(s),
                retries: 3,
                start_period: SimDuration::from_secs(0),
            }),
        }
    }

    fn task(containers: Vec<ContainerSpec>) -> TaskDefinitionSpec {
        TaskDefinitionSpec {
            family: "f".into(),
            revision: 1,
            network_mode: NetworkMode::Awsvpc,
            requires_compatibilities: vec![],
            cpu_units: None,
            memory_mib: None,
            cpu_architecture: "X86_64".into(),
            containers,
            placement_constraints: vec![],
            ephemeral_storage_gib: None,
        }
    }

    fn on(container: usize, condition: DependencyCondition) -> ContainerDependency {
        ContainerDependency { container, condition }
    }

    #[test]
    fn case_46_healthy_dependency_delays_the_start_or_times_out() {
        // app waits for proxy HEALTHY; proxy's first passing check is one interval (20 s) in.
        let mut app = container("app", None, None, None);
        app.depends_on = vec![on(1, DependencyCondition::Healthy)];
        let t = task(vec![app.clone(), container("proxy", Some(20), Some(30), None)]);
        assert_eq!(t.start_dependencies(), DependencyStart::Ready { wait_ms: 20_000 });
        // startTimeout 10 on proxy: app gives up 10 s in and the task stops.
        let t = task(vec![app.clone(), container("proxy", Some(20), Some(10), None)]);
        assert_eq!(
            t.start_dependencies(),
            DependencyStart::TimedOut {
                container: 0,
                dependency: 1,
                after_ms: 10_000
            }
        );
        // START does not wait and startTimeout does not apply to it.
        app.depends_on = vec![on(1, DependencyCondition::Start)];
        let t = task(vec![app, container("proxy", Some(20), Some(10), None)]);
        assert_eq!(t.start_dependencies(), DependencyStart::Ready { wait_ms: 0 });
    }

    #[test]
    fn chains_add_up_and_no_dependency_waits_nothing() {
        let t = task(vec![container("a", None, None, None)]);
        assert_eq!(t.start_dependencies(), DependencyStart::Ready { wait_ms: 0 });
        // c waits for b HEALTHY (10 s), b waits for a HEALTHY (15 s): c starts 25 s in.
        let mut b = container("b", Some(10), None, None);
        b.depends_on = vec![on(0, DependencyCondition::Healthy)];
        let mut c = container("c", None, None, None);
        c.depends_on = vec![on(1, DependencyCondition::Healthy)];
        let t = task(vec![container("a", Some(15), None, None), b, c]);
        assert_eq!(t.start_dependencies(), DependencyStart::Ready { wait_ms: 25_000 });
    }

    #[test]
    fn stop_waits_for_dependents_then_each_container_until_its_stop_timeout() {
        // No dependencies: the longest of min(exit, stopTimeout), as before.
        let t = task(vec![
            container("a", None, None, Some(10)),
            container("b", None, None, None),
        ]);
        assert_eq!(t.stopping_ms(20_000), 20_000);
        assert_eq!(t.stopping_ms(45_000), 30_000);
        // app depends on proxy: app stops first (killed at 10 s), then proxy (killed at 30 s).
        let mut app = container("app", None, None, Some(10));
        app.depends_on = vec![on(1, DependencyCondition::Healthy)];
        let t = task(vec![app, container("proxy", Some(5), None, None)]);
        assert_eq!(t.stopping_ms(45_000), 40_000);
        assert_eq!(t.stopping_ms(4_000), 8_000);
    }
}
