//! ECS cluster auto scaling (managed scaling of a capacity provider): the
//! CapacityProviderReservation metric, the instances its waiting tasks need, and the Auto Scaling
//! group size the provider's target tracking policy sets (reference 6.3 to 6.5, cases 22 to 25).

use super::rounding::tracking_capacity;
use crate::model::TaskResources;

/// What an instance type offers a task, after the agent's reservation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceCapacity {
    /// CPU units registered with ECS.
    pub cpu_units: u32,
    /// Memory registered with ECS, MiB.
    pub memory_mib: u64,
    /// awsvpc tasks it can host.
    pub awsvpc_tasks: u32,
}

impl InstanceCapacity {
    /// How many tasks needing `r` fit on one empty instance of this capacity (0 if none does).
    /// Static host ports allow one task per instance; dynamic ports are plentiful.
    pub fn tasks_per_instance(&self, r: &TaskResources) -> u64 {
        let limits = [
            self.cpu_units.checked_div(r.cpu_units).map(u64::from),
            self.memory_mib.checked_div(r.memory_mib),
            self.awsvpc_tasks.checked_div(r.enis).map(u64::from),
        ];
        let mut fit = limits.into_iter().flatten().min().unwrap_or(u64::MAX);
        if !r.static_ports.is_empty() {
            fit = fit.min(1);
        }
        if fit == u64::MAX { 1 } else { fit }
    }
}

/// A group of tasks waiting in PROVISIONING with identical resource requirements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingTaskGroup {
    /// What each task of the group reserves.
    pub resources: TaskResources,
    /// How many tasks wait.
    pub tasks: u64,
}

/// `managedScaling` of a capacity provider, as the estimate needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScalingSteps {
    /// `minimumScalingStepSize`.
    pub minimum: u32,
    /// `maximumScalingStepSize`.
    pub maximum: u32,
}

/// Instances to add for the waiting tasks (reference 6.4): each group is binpacked onto the
/// largest instance type; a group that does not fit the smallest type is not compatible and is
/// left out; the count is the maximum over groups (A9), then bounded by the step sizes.
/// `None` when tasks wait but no group is compatible (scaling stops, CPR stays at 100).
pub fn additional_instances(
    groups: &[WaitingTaskGroup],
    smallest: &InstanceCapacity,
    largest: &InstanceCapacity,
    steps: ScalingSteps,
) -> Option<u32> {
    if groups.iter().all(|g| g.tasks == 0) {
        return Some(0);
    }
    let needed = groups
        .iter()
        .filter(|g| g.tasks > 0 && smallest.tasks_per_instance(&g.resources) > 0)
        .map(|g| g.tasks.div_ceil(largest.tasks_per_instance(&g.resources).max(1)))
        .max()?;
    let needed = u32::try_from(needed).unwrap_or(u32::MAX);
    Some(if needed == 0 {
        0
    } else {
        needed.min(steps.maximum).max(steps.minimum)
    })
}

/// CapacityProviderReservation in percent: `M / N x 100`, with 200 when the group is empty but
/// tasks need an instance and 100 when both are zero (reference 6.3, case 25, A10).
pub fn capacity_provider_reservation(n: u32, m: u32) -> f64 {
    match (n, m) {
        (0, 0) => 100.0,
        (0, _) => 200.0,
        _ => f64::from(m) * 100.0 / f64::from(n),
    }
}

/// The group size the provider's target tracking policy asks for when its alarm fires:
/// `ceil(N x CPR / targetCapacity)` (reference 6.4 step 6), rounded like every target tracking
/// policy; it is `ceil(M x 100 / targetCapacity)`. From an empty group the 200 % value launches
/// two instances (case 25).
pub fn desired_for_reservation(n: u32, m: u32, target_capacity: u32) -> u32 {
    if n == 0 {
        return if m == 0 { 0 } else { 2 };
    }
    let reservation = capacity_provider_reservation(n, m);
    let target = f64::from(target_capacity.max(1));
    u32::try_from(tracking_capacity(n, reservation, target)).unwrap_or(u32::MAX)
}

/// How far one scale-in step may go from `n` instances toward `wanted`: at least one and at most
/// half of the group per step (reference 6.5).
pub fn scale_in_step_target(n: u32, wanted: u32) -> u32 {
    if wanted >= n {
        return n;
    }
    let most = (n / 2).max(1);
    n - (n - wanted).min(most)
}

/// On-Demand instances in a group of `size` under a mixed instances policy: the base, then
/// `OnDemandPercentageAboveBaseCapacity` of the rest, rounded up in favour of On-Demand (AWS does
/// not document the rounding; this is the conservative choice).
pub fn on_demand_count(size: u32, on_demand_base: u32, percentage_above_base: u32) -> u32 {
    let base = size.min(on_demand_base);
    let above = u64::from(size - base) * u64::from(percentage_above_base.min(100));
    base + above.div_ceil(100) as u32
}

/// Whether the next instance a group launches is Spot, given its live On-Demand count and size.
pub fn next_launch_is_spot(live_on_demand: u32, live: u32, on_demand_base: u32, percentage_above_base: u32) -> bool {
    live_on_demand >= on_demand_count(live + 1, on_demand_base, percentage_above_base)
}

#[cfg(test)]
mod tests {
    use super::*;

    const M5_LARGE: InstanceCapacity = InstanceCapacity {
        cpu_units: 2048,
        memory_mib: 7680,
        awsvpc_tasks: 2,
    };
    const M5_XLARGE: InstanceCapacity = InstanceCapacity {
        cpu_units: 4096,
        memory_mib: 15_360,
        awsvpc_tasks: 3,
    };

    fn task(cpu: u32, memory: u64) -> TaskResources {
        TaskResources {
            cpu_units: cpu,
            memory_mib: memory,
            ..Default::default()
        }
    }

    fn group(cpu: u32, memory: u64, tasks: u64) -> WaitingTaskGroup {
        WaitingTaskGroup {
            resources: task(cpu, memory),
            tasks,
        }
    }

    const UNBOUNDED: ScalingSteps = ScalingSteps {
        minimum: 1,
        maximum: 10_000,
    };

    #[test]
    fn case_22_scale_in_reservation() {
        // Case 22: N 10, 9 busy, target 100: CPR 90, the group goes to 9.
        assert_eq!(capacity_provider_reservation(10, 9), 90.0);
        assert_eq!(desired_for_reservation(10, 9, 100), 9);
    }

    #[track_caller]
    fn check_scale_out(busy: u32, waiting: u64, steps: (u32, u32), m: u32, cpr: f64) {
        // One task per instance: 2048 CPU units on an m5.large.
        let steps = ScalingSteps {
            minimum: steps.0,
            maximum: steps.1,
        };
        let extra =
            additional_instances(&[group(2048, 1024, waiting)], &M5_LARGE, &M5_LARGE, steps).expect("compatible");
        assert_eq!(busy + extra, m);
        assert_eq!(capacity_provider_reservation(busy, busy + extra), cpr);
        assert_eq!(desired_for_reservation(busy, busy + extra, 100), m);
    }

    #[test]
    fn case_23_scale_out_with_step_bounds() {
        // Case 23: N 10 all busy, 5 tasks needing one instance each.
        check_scale_out(10, 5, (1, 10_000), 15, 150.0);
        check_scale_out(10, 5, (1, 2), 12, 120.0);
        check_scale_out(10, 1, (3, 10_000), 13, 130.0);
    }

    #[test]
    fn rounding_through_the_reservation_is_the_exact_integer_ceiling() {
        // N x (M x 100 / N) / T in floats, rounded with the noise guard, is ceil(M x 100 / T)
        // computed in integers, over every group a scenario can plausibly build.
        for n in 1..=150u32 {
            for m in 0..=300u32 {
                for target in 1..=100u32 {
                    let exact = (m * 100).div_ceil(target);
                    assert_eq!(desired_for_reservation(n, m, target), exact, "N {n} M {m} T {target}");
                }
            }
        }
        for (n, m, target) in [(10_000, 20_000, 100), (9_999, 10_000, 99), (5_000, 7_777, 3)] {
            assert_eq!(desired_for_reservation(n, m, target), (m * 100).div_ceil(target));
        }
    }

    #[test]
    fn case_24_spare_capacity() {
        // Case 24: target 80: 10 busy of 10 -> 13; then 10 busy of 13 (76.9 %) -> 13, stable.
        assert_eq!(desired_for_reservation(10, 10, 80), 13);
        assert!((capacity_provider_reservation(13, 10) - 76.923).abs() < 0.001);
        assert_eq!(desired_for_reservation(13, 10, 80), 13);
    }

    #[test]
    fn case_25_from_zero_and_empty() {
        // Case 25: N 0 with waiting tasks: 200 %, two instances; N 0, M 0: 100 %, no action.
        assert_eq!(capacity_provider_reservation(0, 1), 200.0);
        assert_eq!(desired_for_reservation(0, 1, 100), 2);
        assert_eq!(capacity_provider_reservation(0, 0), 100.0);
        assert_eq!(desired_for_reservation(0, 0, 80), 0);
        // N 4, M 0: 0 %, scale in at most half per step: 4 -> 2 -> 1 -> 0.
        assert_eq!(capacity_provider_reservation(4, 0), 0.0);
        assert_eq!(scale_in_step_target(4, 0), 2);
        assert_eq!(scale_in_step_target(2, 0), 1);
        assert_eq!(scale_in_step_target(1, 0), 0);
        assert_eq!(scale_in_step_target(10, 9), 9);
        assert_eq!(scale_in_step_target(334, 34), 167);
        assert_eq!(scale_in_step_target(5, 7), 5);
    }

    #[test]
    fn m_packs_each_group_on_the_largest_type_and_takes_the_maximum() {
        // 10 tasks of 1 vCPU / 2 GiB: 4 per m5.xlarge -> 3 instances; 3 tasks of 3 vCPU: 1 each -> 3.
        let groups = [group(1024, 2048, 10), group(3072, 1024, 3), group(512, 512, 1)];
        assert_eq!(additional_instances(&groups, &M5_LARGE, &M5_XLARGE, UNBOUNDED), Some(3));
        // Memory binds: 7 tasks of 4 GiB: 3 per m5.xlarge -> 3 instances.
        assert_eq!(
            additional_instances(&[group(256, 4096, 7)], &M5_LARGE, &M5_XLARGE, UNBOUNDED),
            Some(3)
        );
        // A group too big for the smallest type is not compatible and left out.
        let groups = [group(4096, 1024, 6), group(1024, 1024, 1)];
        assert_eq!(additional_instances(&groups, &M5_LARGE, &M5_XLARGE, UNBOUNDED), Some(1));
        // Nothing compatible: no estimate.
        assert_eq!(
            additional_instances(&[group(8192, 1024, 2)], &M5_LARGE, &M5_XLARGE, UNBOUNDED),
            None
        );
        assert_eq!(additional_instances(&[], &M5_LARGE, &M5_XLARGE, UNBOUNDED), Some(0));
    }

    #[test]
    fn awsvpc_and_static_ports_limit_tasks_per_instance() {
        // Case 37: two awsvpc tasks per c5.large / m5.large without trunking.
        let awsvpc = TaskResources {
            cpu_units: 256,
            memory_mib: 512,
            enis: 1,
            ..Default::default()
        };
        assert_eq!(M5_LARGE.tasks_per_instance(&awsvpc), 2);
        let static_port = TaskResources {
            cpu_units: 256,
            memory_mib: 512,
            static_ports: vec![80],
            ..Default::default()
        };
        assert_eq!(M5_XLARGE.tasks_per_instance(&static_port), 1);
    }

    #[test]
    fn on_demand_base_then_percentage_rounded_toward_on_demand() {
        assert_eq!(on_demand_count(10, 0, 100), 10);
        assert_eq!(on_demand_count(10, 0, 0), 0);
        assert_eq!(on_demand_count(10, 2, 0), 2);
        assert_eq!(on_demand_count(1, 2, 0), 1);
        assert_eq!(on_demand_count(10, 2, 50), 6);
        assert_eq!(on_demand_count(11, 2, 50), 7);
        assert_eq!(on_demand_count(3, 0, 20), 1);
        // Launching one by one from empty with base 2 and 50 %: OD, OD, OD, Spot, OD, Spot ...
        let mut on_demand = 0;
        let mut kinds = String::new();
        for live in 0..6 {
            if next_launch_is_spot(on_demand, live, 2, 50) {
                kinds.push('S');
            } else {
                kinds.push('O');
                on_demand += 1;
            }
        }
        assert_eq!(kinds, "OOOSOS");
    }
}
