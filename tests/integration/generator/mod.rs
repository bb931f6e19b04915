//! A generator of random *valid* scenarios (issue 16, item 8), one per seed.
//!
//! A scenario is built as JSON (YAML's subset, which `scenario::load` reads the same way):
//! Availability Zones, Auto Scaling groups of several instance types (some mixed On-Demand and
//! Spot) with capacity providers (managed scaling on or off), Fargate, FARGATE_SPOT and EC2
//! services with their strategies, placement and deployment settings, every kind of scaling
//! (target tracking, step scaling with its alarms, scheduled actions, EC2 Auto Scaling policies),
//! load shapes with noise, queue workers, request latency, and a timeline of deployments,
//! desired-count changes, task protection and faults. Durations are short (at most 3 hours of
//! simulated time) so hundreds run in seconds. The same seed gives the same text.

mod cluster;
mod scaling;
mod timeline;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// What the parts of a scenario need to know of each other.
pub struct Gen {
    /// The scenario's random stream.
    pub rng: ChaCha8Rng,
    /// Simulated duration, minutes.
    pub minutes: u64,
    /// The Availability Zones.
    pub zones: Vec<&'static str>,
    /// Auto Scaling groups and their capacity providers.
    pub groups: Vec<cluster::Group>,
    /// The services.
    pub services: Vec<cluster::Service>,
}

impl Gen {
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// A whole number in `low..=high`.
    pub fn int(&mut self, low: u64, high: u64) -> u64 {
        self.rng.random_range(low..=high)
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    /// A time inside the run, as a duration string (from a minute to the end).
    pub fn at(&mut self) -> String {
        format!("{}m", self.int(1, self.minutes.saturating_sub(1).max(1)))
    }
}

/// The scenario of `seed`, as JSON text.
pub fn generate(seed: u64) -> String {
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
        minutes: 0,
        zones: Vec::new(),
        groups: Vec::new(),
        services: Vec::new(),
    };
    g.minutes = g.pick(&[15, 30, 45, 60, 120]);
    let all_zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    g.zones = all_zones[..g.int(1, 3) as usize].to_vec();
    let trace = g.pick(&["20s", "60s", "60s", "5m"]);
    let mut scenario = json!({
        "name": format!("generated {seed}"),
        "seed": g.int(0, u64::from(u32::MAX)),
        "duration": format!("{}m", g.minutes),
        "traceInterval": trace,
        "availabilityZones": g.zones,
    });
    let top = scenario.as_object_mut().expect("an object");
    cluster::generate(&mut g, top);
    scaling::generate(&mut g, top);
    timeline::generate(&mut g, top);
    serde_json::to_string_pretty(&scenario).expect("JSON")
}

/// Puts `value` at `key` of `object`, unless it is an empty list or mapping.
pub fn put(object: &mut serde_json::Map<String, Value>, key: &str, value: Value) {
    let empty = match &value {
        Value::Array(items) => items.is_empty(),
        Value::Object(entries) => entries.is_empty(),
        _ => false,
    };
    if !empty {
        object.insert(key.to_string(), value);
    }
}
