//! Seed sweeps of generated scenarios (issue 16, item 8): each seed's scenario (`generator`) must
//! load, and run to its end with the engine's invariants checked after every event.
//!
//! `cargo test` runs [`DEFAULT_SEEDS`] of them; `ECSIM_SEEDS=100000` runs more and
//! `ECSIM_SEED_START=N` starts elsewhere. A failure names the seed and the one-line command that
//! repeats it, and writes the scenario under `target/generated-scenarios/` for `ecsim run`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ecsim::engine::{RunOptions, run};
use ecsim::output::{CsvSink, RunFiles, SummaryBuilder};
use ecsim::scenario::{self, SourceLoader};

use crate::generator::generate;
use crate::support::root;

/// Seeds `cargo test` runs: a few hundred short scenarios, some seconds in a debug build.
const DEFAULT_SEEDS: u64 = 250;

/// Generated scenarios name no file.
struct NoFiles;

impl SourceLoader for NoFiles {
    fn read_relative(&self, relative: &str) -> Result<(String, String), String> {
        Err(format!(
            "a generated scenario names no file, yet it asked for `{relative}`"
        ))
    }
}

/// A whole number from the environment variable `name`, or `default`.
fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text} is not a whole number")),
        Err(_) => default,
    }
}

/// Loads and runs the scenario of `seed` with invariants checked; why it failed, if it did.
fn run_seed(seed: u64) -> Result<(), String> {
    let text = generate(seed);
    let name = format!("generated-{seed}.json");
    let loaded = scenario::load(&name, &text, &NoFiles, &[])
        .map_err(|e| format!("the generator made an invalid scenario:\n{e}"))?;
    let spec = &loaded.spec;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut sink =
            CsvSink::new(RunFiles::in_memory(), spec.start_epoch_ms, SummaryBuilder::new(spec)).expect("headers");
        let options = RunOptions {
            check_invariants: true,
            progress: None,
        };
        run(spec, &mut sink, options).map(|_| ())
    }));
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("the run failed: {e}")),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic without a message".into());
            Err(format!("panicked (an invariant or an assertion): {message}"))
        }
    }
}

/// Writes the scenario of `seed` where `ecsim run` can read it; returns the path.
fn keep_scenario(seed: u64) -> String {
    let dir = root().join("target/generated-scenarios");
    let path = dir.join(format!("seed-{seed}.json"));
    let written = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, generate(seed)));
    match written {
        Ok(()) => path.display().to_string(),
        Err(e) => format!("(not written: {e})"),
    }
}

#[test]
fn generated_scenarios_load_and_keep_every_invariant() {
    let count = env_number("ECSIM_SEEDS", DEFAULT_SEEDS);
    let start = env_number("ECSIM_SEED_START", 0);
    let mut failures = Vec::new();
    for seed in start..start.saturating_add(count) {
        if let Err(why) = run_seed(seed) {
            failures.push(format!(
                "seed {seed}: {why}\n  repeat: ECSIM_SEEDS=1 ECSIM_SEED_START={seed} cargo test --test integration generated\n  scenario: {}",
                keep_scenario(seed)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} generated scenarios failed (seeds {start}..{}):\n{}",
        failures.len(),
        start + count,
        failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_generator_is_deterministic_and_varied() {
    assert_eq!(generate(7), generate(7));
    let texts: Vec<String> = (0..50).map(generate).collect();
    let has = |needle: &str| texts.iter().filter(|t| t.contains(needle)).count();
    for feature in [
        "\"FARGATE_SPOT\"",
        "MixedInstancesPolicy",
        "managedScaling",
        "TargetTrackingScaling",
        "StepScaling",
        "ScheduledActionName",
        "ASGAverageCPUUtilization",
        "taskDefinition\": \"svc",
        "failInstances",
        "azOutage",
        "spotInterruption",
        "messagesPerSecond",
        "serviceTime",
        "placementConstraints",
    ] {
        assert!(
            has(feature) >= 2,
            "only {} of 50 generated scenarios have {feature}",
            has(feature)
        );
    }
}
