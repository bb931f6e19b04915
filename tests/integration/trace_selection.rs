//! What `alarms.csv` holds: the alarm history (one row per change of state), or every
//! evaluation with `AlarmRows::Evaluations`.

use ecsim::output::AlarmRows;

use crate::support::{column, load_file, root, run_to_strings, run_to_strings_with};

#[test]
fn the_alarm_history_is_the_evaluations_that_changed_state() {
    for name in ["target-tracking-cpu.yaml", "step-scaling-doc-sequence.yaml"] {
        let loaded = load_file(&root().join("scenarios").join(name), &[]).expect("loads");
        let history = run_to_strings(&loaded);
        let every = run_to_strings_with(&loaded, AlarmRows::Evaluations);
        assert_eq!(
            history.summary, every.summary,
            "{name}: the summary counts every evaluation"
        );
        assert_eq!(history.events, every.events, "{name}");
        let header = every.alarms.lines().next().expect("header");
        let state = header.split(',').position(|c| c == "state").expect("state");
        let previous = header
            .split(',')
            .position(|c| c == "previous_state")
            .expect("previous_state");
        let changes: Vec<&str> = every
            .alarms
            .lines()
            .skip(1)
            .filter(|line| {
                let cells: Vec<&str> = line.split(',').collect();
                cells[state] != cells[previous]
            })
            .collect();
        let rows: Vec<&str> = history.alarms.lines().skip(1).collect();
        assert!(
            rows.len() >= 4 && rows.len() * 10 < every.alarms.lines().count(),
            "{name}"
        );
        assert_eq!(rows, changes, "{name}");
        // Every change names where it came from, with the datapoints and the reason.
        let from = column(&history.alarms, "previous_state", None);
        assert_eq!(
            from[0], "INSUFFICIENT_DATA",
            "{name}: the first change leaves INSUFFICIENT_DATA"
        );
        // The reason is quoted (it holds commas) and last: `column` gives its first piece.
        let reasons = column(&history.alarms, "reason", None);
        assert!(
            reasons
                .iter()
                .all(|r| r.trim_start_matches('"').starts_with("Threshold Crossed: ")),
            "{name}: {reasons:?}"
        );
        let datapoints = column(&history.alarms, "datapoints", None);
        assert!(datapoints.iter().all(|d| d.contains('@')), "{name}");
    }
}
