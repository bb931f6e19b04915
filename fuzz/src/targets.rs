//! The fuzz targets as plain functions: one per parser of untrusted input (issue 16, item 7).
//!
//! Each takes arbitrary bytes and must return without panicking, hanging or exhausting memory,
//! whatever the bytes. `cargo fuzz` calls them from `fuzz_targets/*.rs`; the integration test
//! `fuzz_smoke` includes this file with `#[path]` and calls them on the seed corpus and on
//! seeded mutations of it, so `cargo test` exercises them without cargo-fuzz. Where a parser has
//! a canonical form, the target also checks that the form parses back to the same value.

use std::collections::BTreeMap;

use ecsim::check::parse_expectation;
use ecsim::import::{self, Imported};
use ecsim::policy::placement::cql::{self, InstanceView};
use ecsim::policy::schedule::{ScheduleSpec, parse_schedule};
use ecsim::scenario::{self, SourceLoader};
use ecsim::sim::time::parse_duration;

/// A fuzz target: takes any bytes, must not panic.
pub type Target = fn(&[u8]);

/// Every target, by the name of its `fuzz_targets/` file and its corpus folder.
pub const TARGETS: &[(&str, Target)] = &[
    ("scenario_yaml", scenario_yaml),
    ("scenario_json", scenario_json),
    ("expectation", expectation),
    ("cql", cql),
    ("schedule", schedule),
    ("duration", duration),
    ("set_path", set_path),
    ("import_cloudformation", import_cloudformation),
    ("import_copilot", import_copilot),
    ("import_terraform", import_terraform),
];

/// The files a fuzzed scenario may name, held in memory: nothing is read from the disk.
pub struct MemoryLoader(BTreeMap<&'static str, &'static str>);

impl MemoryLoader {
    /// The example scenarios' task definition and replayed series, under their relative names.
    pub fn examples() -> MemoryLoader {
        MemoryLoader(BTreeMap::from([
            (
                "taskdefs/web-fargate.json",
                include_str!("../../scenarios/taskdefs/web-fargate.json"),
            ),
            (
                "data/alb-requests.csv",
                include_str!("../../scenarios/data/alb-requests.csv"),
            ),
            (
                "data/office-week.csv",
                include_str!("../../scenarios/data/office-week.csv"),
            ),
        ]))
    }
}

impl SourceLoader for MemoryLoader {
    fn read_relative(&self, relative: &str) -> Result<(String, String), String> {
        self.0
            .get(relative)
            .map(|text| (relative.to_string(), text.to_string()))
            .ok_or_else(|| format!("no file `{relative}` in the fuzzer's folder"))
    }
}

/// Loads `text` as a scenario named `name` the way `ecsim validate` does, and parses the
/// `expect:` lines of a scenario that loads, as `ecsim check` would next.
fn load(name: &str, text: &str, overrides: &[(String, String)]) {
    if let Ok(loaded) = scenario::load(name, text, &MemoryLoader::examples(), overrides) {
        for expectation in &loaded.expectations {
            let _ = parse_expectation(&expectation.text);
        }
    }
}

/// The scenario loader on YAML text.
pub fn scenario_yaml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        load("fuzz.yaml", text, &[]);
    }
}

/// The scenario loader on JSON text (the same entry; a JSON corpus steers it to JSON shapes).
pub fn scenario_json(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        load("fuzz.json", text, &[]);
    }
}

/// The expectation language; a parsed expectation's canonical form parses to the same value.
pub fn expectation(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(parsed) = parse_expectation(text) {
        let canonical = parsed.to_string();
        let again = parse_expectation(&canonical)
            .unwrap_or_else(|e| panic!("canonical form `{canonical}` of `{text}` does not parse: {e}"));
        assert_eq!(again, parsed, "`{text}` and its canonical form `{canonical}` differ");
    }
}

/// A fixed container instance for evaluating cluster query language expressions.
struct Instance;

impl InstanceView for Instance {
    fn attribute(&self, name: &str) -> Option<&str> {
        match name {
            "ecs.availability-zone" => Some("us-east-1a"),
            "ecs.instance-type" => Some("m5.large"),
            "ecs.os-type" => Some("linux"),
            "stack" => Some("prod"),
            "weight" => Some("12.5"),
            _ => None,
        }
    }
    fn ec2_instance_id(&self) -> &str {
        "i-00000000000000001"
    }
    fn running_tasks_count(&self) -> u64 {
        3
    }
    fn registered_at_epoch_ms(&self) -> Option<i64> {
        Some(1_529_360_908_000)
    }
    fn agent_version(&self) -> &str {
        cql::DEFAULT_AGENT_VERSION
    }
    fn agent_connected(&self) -> bool {
        true
    }
    fn any_task_group(&self, f: &mut dyn FnMut(&str) -> bool) -> bool {
        ["service:web", "family:web"].into_iter().any(f)
    }
}

/// The cluster query language: parse, then evaluate on a fixed instance.
pub fn cql(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(expr) = cql::parse(text) {
        let _ = expr.matches(&Instance);
        let _ = expr.is_static();
    }
}

/// Scheduled actions' `at`, `rate` and `cron`: parse, then find the next fire times in three
/// time zones (one with daylight saving, one that skipped a day) from two instants.
pub fn schedule(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(parsed) = parse_schedule(text) else { return };
    for timezone in [chrono_tz::UTC, chrono_tz::America::New_York, chrono_tz::Pacific::Apia] {
        let spec = ScheduleSpec {
            schedule: parsed.clone(),
            timezone,
            start_ms: None,
            end_ms: Some(1_900_000_000_000),
        };
        // 2026-03-08T06:00:00Z (New York's spring-forward night) and 2011-12-29T00:00:00Z.
        for from in [1_772_949_600_000_i64, 1_325_116_800_000] {
            let mut after = from;
            for _ in 0..4 {
                match spec.next_after(after, from) {
                    Some(next) => {
                        assert!(next > after, "`{text}` fired at {next}, not after {after}");
                        after = next;
                    }
                    None => break,
                }
            }
        }
    }
}

/// Duration strings; a parsed duration's display parses back to the same duration.
pub fn duration(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(d) = parse_duration(text) {
        let shown = d.to_string();
        assert_eq!(parse_duration(&shown), Ok(d), "`{text}` displays as `{shown}`");
    }
}

/// The base scenario `--set` paths are applied to.
const SET_BASE: &str = include_str!("../../scenarios/web-ec2-fixed.yaml");

/// `--set PATH=VALUE` pairs, one a line, applied to an example scenario before it is read.
pub fn set_path(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let overrides: Vec<(String, String)> = text
        .lines()
        .take(8)
        .map(|line| {
            // As `ecsim validate --set` splits and trims them.
            let (path, value) = line.split_once('=').unwrap_or((line, ""));
            (path.trim().to_string(), value.to_string())
        })
        .collect();
    load("set.yaml", SET_BASE, &overrides);
}

/// The nested stacks of the reference architecture, which its `master.yaml` names.
const NESTED_STACKS: &[(&str, &str)] = &[
    (
        "infrastructure-ecs-cluster.yaml",
        include_str!("../../tests/fixtures/import/cloudformation/infrastructure-ecs-cluster.yaml"),
    ),
    (
        "infrastructure-load-balancers.yaml",
        include_str!("../../tests/fixtures/import/cloudformation/infrastructure-load-balancers.yaml"),
    ),
    (
        "services-product-service-service.yaml",
        include_str!("../../tests/fixtures/import/cloudformation/services-product-service-service.yaml"),
    ),
    (
        "services-website-service-service.yaml",
        include_str!("../../tests/fixtures/import/cloudformation/services-website-service-service.yaml"),
    ),
];

/// What every import must hold whatever its input: importing is deterministic (the same text
/// and report twice), and the scenario it writes is YAML that the scenario reader parses (what
/// `ecsim import` then validates; a scenario that does not validate is refused there, not here).
fn check_import(text: &str, import: impl Fn() -> Result<Imported, import::ImportError>) {
    let first = import();
    let second = import();
    match (first, second) {
        (Ok(a), Ok(b)) => {
            let yaml = a.scenario.to_yaml("fuzz");
            assert_eq!(yaml, b.scenario.to_yaml("fuzz"), "two imports of {text:?} differ");
            assert_eq!(a.report.render(), b.report.render(), "two reports of {text:?} differ");
            if let Err(e) = scenario::yaml::parse(&yaml, 0) {
                panic!("the scenario imported from {text:?} is not YAML ({e:?}):\n{yaml}");
            }
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "two errors for {text:?} differ"),
        _ => panic!("one import of {text:?} failed and the other did not"),
    }
}

/// `ecsim import cloudformation` on a template; nested stacks come from the reference
/// architecture's files, held in memory.
pub fn import_cloudformation(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let beside = |_: &str, relative: &str| {
        let name = relative.rsplit('/').next().unwrap_or(relative);
        NESTED_STACKS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .ok_or_else(|| format!("no file `{relative}` in the fuzzer's folder"))
    };
    check_import(text, || {
        import::cloudformation::import(text, "fuzz.yaml", None, &beside)
    });
}

/// `ecsim import copilot` on a manifest, with the `test` environment's overrides.
pub fn import_copilot(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    check_import(text, || import::copilot::import(text, "manifest.yml", Some("test")));
}

/// `ecsim import terraform` on `terraform show -json` output.
pub fn import_terraform(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    check_import(text, || import::terraform::import(text, "fuzz.json"));
}
