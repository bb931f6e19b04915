//! A fuzz smoke without cargo-fuzz (issue 16, item 7): every fuzz target (`fuzz/src/targets.rs`)
//! is fed its whole seed corpus and a few thousand seeded mutations of it, and must not panic.
//!
//! The mutations are deterministic (ChaCha8 from a fixed seed), so a failure names the target,
//! the mutation number and the input, and repeats on every run. `cargo fuzz` explores far more
//! (`fuzz/README.md`); this keeps the targets compiling and catches a regression in CI.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::support::root;

#[path = "../../fuzz/src/seeds.rs"]
mod seeds;
#[path = "../../fuzz/src/targets.rs"]
mod targets;

/// Mutations per target; the scenario targets are slower, so they get fewer.
fn mutations(target: &str) -> usize {
    match target {
        "scenario_yaml" | "scenario_json" | "set_path" => 300,
        "import_cloudformation" | "import_copilot" | "import_terraform" => 300,
        _ => 3_000,
    }
}

/// Pieces of syntax spliced into inputs: YAML structure, CQL, schedule and expectation tokens.
const TOKENS: &[&str] = &[
    "\n",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    ",",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!str ",
    "#",
    "|\n",
    "null",
    "~",
    "-1",
    "0",
    "1e309",
    "18446744073709551616",
    "NaN",
    "and ",
    "or ",
    "not ",
    "!",
    "==",
    "=~",
    " in ",
    "*",
    "?",
    "L",
    "W",
    "#",
    "/",
    "-",
    "ms",
    "d",
    "h",
    "m",
    "s",
    "during ",
    "deployment",
    "max(",
    "p99(",
    ".running",
    "+-",
    ".",
    "[0]",
    "=",
    "\u{e9}",
    "\u{1b}",
    "\t",
    "\r\n",
];

/// One seeded mutation of `seed`: a byte flip, an insertion or deletion, a token splice, a
/// duplicated chunk, or a splice with another seed, one to four times over.
fn mutate(rng: &mut ChaCha8Rng, seed: &[u8], others: &[String]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let at = rng.random_range(0..=data.len());
        match rng.random_range(0..6) {
            0 if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] ^= 1 << rng.random_range(0..8);
            }
            1 => data.insert(at, rng.random()),
            2 if at < data.len() => {
                let end = (at + rng.random_range(1..=16)).min(data.len());
                data.drain(at..end);
            }
            3 => {
                let token = TOKENS[rng.random_range(0..TOKENS.len())];
                data.splice(at..at, token.bytes());
            }
            4 if at < data.len() => {
                let end = (at + rng.random_range(1..=64)).min(data.len());
                let chunk = data[at..end].to_vec();
                data.splice(end..end, chunk);
            }
            _ if !others.is_empty() => {
                let other = others[rng.random_range(0..others.len())].as_bytes();
                let from = rng.random_range(0..=other.len());
                let to = (from + rng.random_range(0..=128)).min(other.len());
                data.splice(at..at, other[from..to].iter().copied());
            }
            _ => {}
        }
    }
    data
}

/// Runs `target` on `input`; a panic fails the test with the target, the label and the input.
fn run_one(name: &str, target: fn(&[u8]), label: &str, input: &[u8]) {
    if catch_unwind(AssertUnwindSafe(|| target(input))).is_err() {
        panic!(
            "fuzz target `{name}` panicked on {label}; reproduce with `cargo fuzz run {name} FILE` on this input:\n{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn every_fuzz_target_survives_its_corpus_and_seeded_mutations() {
    let corpus = seeds::all(&root());
    for (name, target) in targets::TARGETS {
        let seeds = &corpus
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no seeds for target {name}"))
            .1;
        assert!(seeds.len() >= 3, "target {name} has only {} seed(s)", seeds.len());
        for (i, seed) in seeds.iter().enumerate() {
            run_one(name, *target, &format!("seed {i}"), seed.as_bytes());
        }
        let mut rng = ChaCha8Rng::seed_from_u64(16);
        for m in 0..mutations(name) {
            let seed = &seeds[rng.random_range(0..seeds.len())];
            let input = mutate(&mut rng, seed.as_bytes(), seeds);
            run_one(name, *target, &format!("mutation {m}"), &input);
        }
    }
}

/// The seeds reach what they should: the example scenarios load, and the extracted
/// expectations, expressions and schedules are mostly valid (so mutations start from real syntax).
#[test]
fn the_seed_corpus_holds_valid_inputs_of_every_kind() {
    let corpus = seeds::all(&root());
    let count = |name: &str| corpus.iter().find(|(n, _)| *n == name).map_or(0, |(_, s)| s.len());
    assert!(count("scenario_yaml") >= 60, "{}", count("scenario_yaml"));
    assert!(count("scenario_json") >= 40, "{}", count("scenario_json"));
    assert!(count("expectation") >= 50, "{}", count("expectation"));
    assert!(count("cql") >= 8 && count("schedule") >= 10 && count("duration") >= 20);
    assert!(
        count("import_cloudformation") >= 10,
        "{}",
        count("import_cloudformation")
    );
    assert!(count("import_copilot") >= 4 && count("import_terraform") >= 3);
    let json = &corpus.iter().find(|(n, _)| *n == "scenario_json").expect("json").1;
    let loaded = json
        .iter()
        .filter(|t| ecsim::scenario::load("s.json", t, &targets::MemoryLoader::examples(), &[]).is_ok())
        .count();
    assert!(loaded >= 20, "only {loaded} JSON seeds load");
}

/// Writes the seed corpus to `fuzz/corpus/<target>/` for `cargo fuzz` (run on demand).
#[test]
#[ignore = "writes fuzz/corpus/ for cargo fuzz; run with --ignored"]
fn write_fuzz_seed_corpus() {
    for (name, seeds) in seeds::all(&root()) {
        let dir = root().join("fuzz/corpus").join(name);
        std::fs::create_dir_all(&dir).expect("corpus folder");
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i:04}")), seed).expect("seed written");
        }
    }
}
