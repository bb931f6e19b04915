//! `engine::Simulation`: a run built, stepped, inspected part-way and finished gives the same
//! bytes as `engine::run`, and what it shows part-way agrees with the trace.

use ecsim::engine::{ServiceView, Simulation};
use ecsim::output::{CsvSink, RunFiles, SummaryBuilder};
use ecsim::sim::SimTime;

use crate::support::{column, load_file, root, run_to_strings};

#[test]
fn stepping_a_run_gives_the_bytes_of_a_whole_run_and_can_be_inspected_on_the_way() {
    let loaded = load_file(&root().join("scenarios/target-tracking-cpu.yaml"), &[]).expect("loads");
    let spec = &loaded.spec;
    let whole = run_to_strings(&loaded);

    let builder = SummaryBuilder::new(spec).with_provenance(&loaded.provenance);
    let mut sink = CsvSink::new(RunFiles::in_memory(), spec.start_epoch_ms, builder).expect("headers");
    let mut simulation = Simulation::new(spec, &mut sink, true).expect("builds");
    let at_start = simulation.service("web").expect("the scenario has a service `web`");
    assert_eq!(at_start.desired, 4, "desiredCount before any event");
    assert_eq!(simulation.service("no-such-service"), None);

    // Noon of the simulated day: the service has scaled out from its 4 tasks.
    let noon = SimTime(12 * 3_600_000);
    simulation.run_until(noon).expect("runs to noon");
    assert!(simulation.now() <= noon && simulation.events_processed() > 0);
    let ServiceView { desired, running, .. } = simulation.service("web").expect("web");
    assert!(desired > 4, "scaled out by noon: desired {desired}");
    // The services.csv row written at noon shows the same desired count.
    let noon_rows: Vec<String> = {
        let services = &whole.services;
        let times = column(services, "time_s", None);
        let desired = column(services, "desired", None);
        times
            .into_iter()
            .zip(desired)
            .filter(|(t, _)| t == "43200")
            .map(|(_, d)| d)
            .collect()
    };
    assert_eq!(noon_rows, vec![desired.to_string()], "running {running}");

    simulation.finish().expect("finishes");
    let (files, summary) = sink.into_inner().expect("flush");
    assert_eq!(
        String::from_utf8(files.services.expect("written")).expect("utf-8"),
        whole.services
    );
    assert_eq!(
        String::from_utf8(files.events.expect("written")).expect("utf-8"),
        whole.events
    );
    assert_eq!(
        String::from_utf8(files.tasks.expect("written")).expect("utf-8"),
        whole.tasks
    );
    assert_eq!(summary.to_json(), whole.summary);
}
