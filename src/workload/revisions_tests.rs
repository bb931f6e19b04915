//! Serving demand with revisions that serve differently: round robin against least outstanding
//! requests, and the single-model rule kept for one revision.

use super::*;

fn model(rps: f64, idle_cpu: f64) -> ServingModel {
    ServingModel {
        requests_per_second_at_full_cpu: rps,
        idle_cpu_percent: idle_cpu,
        idle_memory_percent: 20.0,
        memory_percent_at_full_cpu: 60.0,
    }
}

fn group(rps: f64, healthy: u32) -> RevisionGroup {
    RevisionGroup {
        model: model(rps, 0.0),
        healthy,
    }
}

#[test]
fn round_robin_saturates_the_slower_revision_first() {
    // 5 tasks at 100 rps and 5 at 50 rps; 600 rps sent evenly is 60 a task: the fast ones serve
    // 60 (60 % busy), the slow ones 50 (saturated), 50 rps go unserved though 750 could be served.
    let groups = [group(100.0, 5), group(50.0, 5)];
    let s = serve_revisions(600.0, &groups, DemandSplit::EvenPerTask);
    assert_eq!((s.served_rps, s.unserved_rps), (550.0, 50.0));
    assert_eq!(s.load_share(&groups[0].model), 0.6);
    assert_eq!(s.load_share(&groups[1].model), 1.0);
    let (cpu, _) = utilization(&s, &groups, 10, &groups[0].model).expect("tasks run");
    assert!((cpu - 80.0).abs() < 1e-9, "{cpu}");
}

#[test]
fn least_outstanding_requests_keeps_every_task_equally_busy() {
    // The same fleet by capacity: 600 of 750 rps is 80 % for every task, nothing unserved.
    let groups = [group(100.0, 5), group(50.0, 5)];
    let s = serve_revisions(600.0, &groups, DemandSplit::ByCapacity);
    assert_eq!((s.served_rps, s.unserved_rps), (600.0, 0.0));
    assert_eq!(s.load_share(&groups[0].model), 0.8);
    assert_eq!(s.load_share(&groups[1].model), 0.8);
    assert_eq!(capacity_rps(&groups), 750.0);
}

#[test]
fn one_revision_serves_as_the_single_model_does() {
    // The single-model rule of `ServingModel::serve`, case by case.
    for (demand, healthy) in [(150.0, 4), (400.0, 4), (500.0, 3), (80.0, 0), (0.0, 2), (-5.0, 2)] {
        let single = model(100.0, 0.0).serve(demand, healthy);
        for split in [DemandSplit::EvenPerTask, DemandSplit::ByCapacity] {
            let groups = [group(100.0, healthy)];
            let s = serve_revisions(demand, &groups, split);
            assert_eq!((s.served_rps, s.unserved_rps), (single.served_rps, single.unserved_rps));
            assert!((s.load_share(&groups[0].model) - single.load_share).abs() < 1e-12);
        }
    }
}

#[test]
fn starting_tasks_idle_and_a_revision_that_serves_nothing_is_saturated() {
    let groups = [
        RevisionGroup {
            model: model(100.0, 10.0),
            healthy: 2,
        },
        group(0.0, 2),
    ];
    let s = serve_revisions(100.0, &groups, DemandSplit::EvenPerTask);
    // 25 rps a task: the first revision serves 50 in all, the second nothing.
    assert_eq!((s.served_rps, s.unserved_rps), (50.0, 50.0));
    assert_eq!(s.load_share(&groups[1].model), 1.0);
    // Two more tasks running but not healthy idle at 10 %: (2*(10+90*0.25) + 2*100 + 2*10) / 6.
    let (cpu, _) = utilization(&s, &groups, 6, &groups[0].model).expect("tasks run");
    assert!((cpu - (2.0 * 32.5 + 200.0 + 20.0) / 6.0).abs() < 1e-9, "{cpu}");
    assert_eq!(utilization(&s, &[], 0, &groups[0].model), None);
}
