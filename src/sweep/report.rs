//! The files of a finished sweep, made from its runs' figures: the same function for a sweep on
//! one machine and for a merge of shards, so both write the same bytes.

use super::best::{best_json, stdout_text};
use super::decision::decide;
use super::definition::Sweep;
use super::figures::RunFigures;
use super::tables::{CombinationStats, combination_stats, summary_csv, sweep_csv};

/// The texts a sweep writes.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// `sweep.csv`.
    pub sweep_csv: String,
    /// `sweep_summary.csv`.
    pub summary_csv: String,
    /// `best.json`.
    pub best_json: String,
    /// What stdout shows.
    pub stdout: String,
}

/// The report of `sweep` from `runs[i]`, the figures of run `i` (every run, in run order).
pub fn report(sweep: &Sweep, runs: &[RunFigures]) -> Report {
    assert_eq!(runs.len(), sweep.run_count(), "a report needs every run");
    let stats: Vec<CombinationStats> = combination_stats(sweep, runs);
    let means: Vec<Vec<Option<f64>>> = stats.iter().map(CombinationStats::means).collect();
    let decision = decide(&means, &sweep.objective, &sweep.constraints);
    Report {
        sweep_csv: sweep_csv(sweep, runs),
        summary_csv: summary_csv(sweep, &stats, &decision),
        best_json: best_json(sweep, &stats, &decision),
        stdout: stdout_text(sweep, &stats, &decision),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::definition::{Definition, ObjectiveSpec};
    use crate::sweep::figures::FigureSet;
    use crate::sweep::grid::axis;
    use crate::sweep::seeds::replicate_seed;

    fn sweep(constraints: &[&str]) -> Sweep {
        let figures = FigureSet::for_services(&[("web".into(), false)]);
        Sweep::new(Definition {
            scenario: "s".into(),
            axes: vec![axis("ecs.services[0].desiredCount", &["2".into(), "4".into()]).expect("axis")],
            replicas: 2,
            seed: 42,
            sample: None,
            objective: ObjectiveSpec::default_cost(),
            constraints: constraints.iter().map(|c| c.to_string()).collect(),
            figures: figures.names(),
        })
        .expect("valid")
    }

    /// Runs with the given cost and unserved fraction; other figures 0.
    fn runs(values: &[(f64, f64)]) -> Vec<Vec<Option<f64>>> {
        values
            .iter()
            .map(|(cost, unserved)| {
                let mut r = vec![Some(0.0); 10];
                r[0] = Some(*cost);
                r[3] = Some(*unserved);
                r
            })
            .collect()
    }

    #[test]
    fn tables_and_best_on_a_known_table() {
        let s = sweep(&["unserved_fraction < 0.01"]);
        let r = report(&s, &runs(&[(1.0, 0.02), (3.0, 0.04), (5.0, 0.0), (7.0, 0.01)]));
        let seed1 = replicate_seed(42, 1);
        let sweep_lines: Vec<&str> = r.sweep_csv.lines().collect();
        assert_eq!(
            sweep_lines[0],
            "ecs.services[0].desiredCount,replica,seed,cost_usd,demand_requests,unserved_requests,unserved_fraction,\
             peak_running,mean_cpu_utilization,max_cpu_utilization,scaling_activities,peak_instances,placement_failures"
        );
        assert_eq!(sweep_lines[2], format!("2,1,{seed1},3,0,0,0.04,0,0,0,0,0,0"));
        let summary: Vec<&str> = r.summary_csv.lines().collect();
        assert!(
            summary[0]
                .starts_with("ecs.services[0].desiredCount,replicas,cost_usd_mean,cost_usd_ci_low,cost_usd_ci_high,")
        );
        assert!(summary[0].ends_with(",placement_failures_ci_high,feasible"));
        // Costs 1 and 3: mean 2, s = √2, s/√2 = 1, t(1) = 12.7062.
        assert!(summary[1].starts_with("2,2,2,-10.7062,14.7062,"), "{}", summary[1]);
        assert!(summary[1].ends_with(",false") && summary[2].ends_with(",true"));
        // Mean unserved fraction 0.005 < 0.01: the second combination, mean cost 6.
        assert!(r.best_json.contains("\"minimize\": \"cost_usd\""), "{}", r.best_json);
        assert!(r.best_json.contains("\"ecs.services[0].desiredCount\": \"4\""));
        assert!(r.best_json.contains("\"mean\": 6.0"));
        assert!(r.stdout.starts_with(
            "Best setting (2 combination(s) x 2 replica(s), minimize cost_usd where unserved_fraction < 0.01):\n  ecs.services[0].desiredCount = 4\n"
        ), "{}", r.stdout);
        assert!(
            r.stdout.contains("  cost_usd              6  (95% interval "),
            "{}",
            r.stdout
        );
    }

    #[test]
    fn an_objective_no_run_has_gives_null_with_a_reason() {
        let figures = FigureSet::for_services(&[("web".into(), true)]);
        let s = Sweep::new(Definition {
            scenario: "s".into(),
            axes: Vec::new(),
            replicas: 2,
            seed: 1,
            sample: None,
            objective: ObjectiveSpec {
                direction: crate::sweep::decision::Direction::Minimize,
                figure: "deployment_duration_s".into(),
            },
            constraints: Vec::new(),
            figures: figures.names(),
        })
        .expect("valid");
        let never_completed = vec![Some(1.0); 8]
            .into_iter()
            .chain([None])
            .chain(vec![Some(0.0); 4 + 2])
            .collect::<Vec<_>>();
        assert_eq!(never_completed.len(), figures.len());
        let r = report(&s, &[never_completed.clone(), never_completed]);
        assert!(
            r.summary_csv.contains(",deployment_duration_s_mean,"),
            "{}",
            r.summary_csv
        );
        assert!(
            r.summary_csv.lines().nth(1).expect("a row").contains(",,,"),
            "{}",
            r.summary_csv
        );
        assert_eq!(
            r.stdout,
            "No best setting (1 combination(s) x 2 replica(s), minimize deployment_duration_s): no combination has a \
             value of deployment_duration_s (a deployment that never completed has no duration).\n"
        );
    }

    #[test]
    fn no_feasible_combination_gives_null_with_a_reason() {
        let s = sweep(&["unserved_fraction < 0.001"]);
        let r = report(&s, &runs(&[(1.0, 0.02), (3.0, 0.04), (5.0, 0.0), (7.0, 0.01)]));
        let best: serde_json::Value = serde_json::from_str(&r.best_json).expect("JSON");
        assert_eq!(best["best"], serde_json::Value::Null);
        assert_eq!(
            best["reason"],
            "no combination meets unserved_fraction < 0.001; the closest is ecs.services[0].desiredCount=4 \
             (meets 0 of 1: unserved_fraction = 0.005, needs < 0.001)"
        );
        assert_eq!(best["closest"]["setting"]["ecs.services[0].desiredCount"], "4");
        assert_eq!(best["combinations"], 2);
        assert!(r.stdout.starts_with("No best setting ("), "{}", r.stdout);
        // Keys keep their order: objective, where, replicas, combinations, best.
        let keys: Vec<usize> = [
            "\"objective\"",
            "\"where\"",
            "\"replicas\"",
            "\"combinations\"",
            "\"best\"",
        ]
        .iter()
        .map(|k| r.best_json.find(k).expect("key"))
        .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
    }
}
