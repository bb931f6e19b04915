//! Serving demand split between two revisions by listener-rule weights (a BLUE_GREEN, LINEAR or
//! CANARY deployment, reference 8.7): blue's healthy tasks get `1 - w` of the requests, green's
//! `w`, each side divided among its tasks as the target group does. A side without a healthy
//! task leaves its share unserved.

use super::revisions::{DemandSplit, RevisionGroup, serve_revisions};
use super::serving::ServingModel;

/// What weighted serving gave over an interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedServed {
    /// Requests per second served, both revisions.
    pub served_rps: f64,
    /// Requests per second not served.
    pub unserved_rps: f64,
    /// Requests per second blue's tasks served.
    pub blue_served_rps: f64,
    /// Requests per second green's tasks served.
    pub green_served_rps: f64,
    /// Mean CPU and memory utilization over the running tasks, percent (`None`: none running).
    pub utilization: Option<(f64, f64)>,
}

/// Serves `demand_rps` with `blue` and `green` healthy tasks, green receiving `green_share`
/// (0..=1) of the requests; `running` tasks in all, those not healthy idling as `starting`.
pub fn serve_weighted(
    demand_rps: f64,
    blue: &[RevisionGroup],
    green: &[RevisionGroup],
    green_share: f64,
    split: DemandSplit,
    running: u32,
    starting: &ServingModel,
) -> WeightedServed {
    let demand = demand_rps.max(0.0);
    let share = green_share.clamp(0.0, 1.0);
    let green_demand = demand * share;
    let blue_served = serve_revisions(demand - green_demand, blue, split);
    let green_served = serve_revisions(green_demand, green, split);
    let healthy: u32 = blue.iter().chain(green).map(|g| g.healthy).sum();
    let running = running.max(healthy);
    let utilization = (running > 0).then(|| {
        let idle = f64::from(running - healthy);
        let (mut cpu, mut memory) = (idle * starting.cpu_percent(0.0), idle * starting.memory_percent(0.0));
        for (groups, served) in [(blue, &blue_served), (green, &green_served)] {
            for g in groups {
                let load = served.load_share(&g.model);
                cpu += f64::from(g.healthy) * g.model.cpu_percent(load);
                memory += f64::from(g.healthy) * g.model.memory_percent(load);
            }
        }
        (cpu / f64::from(running), memory / f64::from(running))
    });
    WeightedServed {
        served_rps: blue_served.served_rps + green_served.served_rps,
        unserved_rps: blue_served.unserved_rps + green_served.unserved_rps,
        blue_served_rps: blue_served.served_rps,
        green_served_rps: green_served.served_rps,
        utilization,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(rps: f64, healthy: u32) -> RevisionGroup {
        RevisionGroup {
            model: ServingModel {
                requests_per_second_at_full_cpu: rps,
                idle_cpu_percent: 0.0,
                idle_memory_percent: 0.0,
                memory_percent_at_full_cpu: 0.0,
            },
            healthy,
        }
    }

    #[test]
    fn a_canary_weight_sends_its_share_to_green_only() {
        // 10 blue and 10 green tasks of 100 rps; 10 % of 500 rps to green.
        let served = serve_weighted(
            500.0,
            &[group(100.0, 10)],
            &[group(100.0, 10)],
            0.1,
            DemandSplit::EvenPerTask,
            20,
            &group(100.0, 0).model,
        );
        assert!((served.green_served_rps - 50.0).abs() < 1e-9);
        assert!((served.blue_served_rps - 450.0).abs() < 1e-9);
        assert_eq!(served.unserved_rps, 0.0);
        // CPU: blue at 45 %, green at 5 %, averaged over 20 tasks.
        let (cpu, _) = served.utilization.expect("running");
        assert!((cpu - 25.0).abs() < 1e-9, "{cpu}");
    }

    #[test]
    fn a_side_without_healthy_tasks_leaves_its_share_unserved() {
        let served = serve_weighted(
            1000.0,
            &[group(100.0, 10)],
            &[],
            0.2,
            DemandSplit::EvenPerTask,
            10,
            &group(100.0, 0).model,
        );
        assert!((served.unserved_rps - 200.0).abs() < 1e-9);
        assert!((served.served_rps - 800.0).abs() < 1e-9);
        let none = serve_weighted(10.0, &[], &[], 0.5, DemandSplit::ByCapacity, 0, &group(1.0, 0).model);
        assert_eq!(none.utilization, None);
        assert_eq!(none.unserved_rps, 10.0);
    }
}
