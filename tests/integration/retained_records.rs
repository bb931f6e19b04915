//! Memory follows what is alive, not how long a run is (issue 13, item 5): a run that launches
//! and terminates many more instances than it ever holds at once keeps no record of the gone
//! ones. Counted in records, not bytes or seconds, so the test cannot flake.

use ecsim::engine::Simulation;
use ecsim::output::{CsvSink, RunFiles, SummaryBuilder};

use crate::support::{load_file, root};

#[test]
fn terminated_instances_and_stopped_tasks_leave_no_record() {
    // The benchmark month, a week of it: managed scaling launches and terminates hundreds of
    // m5.xlarge instances a day as the service follows its diurnal load.
    let loaded = load_file(
        &root().join("benches/scenarios/large-30d-managed-scaling.yaml"),
        &[("duration", "7d")],
    )
    .expect("loads");
    let spec = &loaded.spec;
    let mut sink =
        CsvSink::new(RunFiles::in_memory(), spec.start_epoch_ms, SummaryBuilder::new(spec)).expect("headers");
    let mut simulation = Simulation::new(spec, &mut sink, false).expect("builds");
    let (mut most_instances, mut most_tasks) = (0, 0);
    while simulation.step().expect("steps") {
        let held = simulation.retained();
        most_instances = most_instances.max(held.live_instances);
        most_tasks = most_tasks.max(held.live_tasks);
        assert!(held.indexed_instances <= held.live_instances, "{held:?}");
    }
    let held = simulation.retained();
    // The fleet churned: far more launches than instances alive at any one moment.
    assert!(
        held.instances_launched > 2 * most_instances as u64,
        "the scenario no longer churns instances: {held:?}, at most {most_instances} at once"
    );
    assert!(held.tasks_started > 2 * most_tasks as u64, "{held:?}");
    // A terminated instance's record slot is reused by a later launch: never more records than
    // the most instances alive at once.
    assert_eq!(
        held.instance_slots, most_instances,
        "instance records held for at most {most_instances} live instances"
    );
    simulation.finish().expect("finishes");
}
