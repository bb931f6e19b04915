//! `shard.json`: what a shard ran (the sweep's definition, the run count, which shard) and a
//! fingerprint of the scenario text and the arguments, so a merge can tell shards of one sweep
//! from shards of another.

use serde::{Deserialize, Serialize};

use super::definition::Definition;
use super::shard::Shard;

/// Version of the manifest format.
pub const FORMAT: u32 = 1;

/// A shard's manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// The sweep's definition.
    pub definition: Definition,
    /// Runs of the whole sweep.
    pub runs: usize,
    /// Which shard this is.
    pub shard: Shard,
    /// FNV-1a (64-bit, hex) of the scenario file's text.
    pub scenario_fingerprint: String,
    /// FNV-1a of the scenario's fingerprint and the definition: equal for every shard of a sweep.
    pub fingerprint: String,
}

/// FNV-1a, 64 bits: a fixed, platform-independent hash.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Manifest {
    /// The manifest of `shard` of a sweep of `definition` over the scenario `scenario_text`.
    pub fn new(definition: Definition, runs: usize, shard: Shard, scenario_text: &str) -> Manifest {
        let scenario_fingerprint = format!("{:016x}", fnv1a(scenario_text.as_bytes()));
        let arguments = serde_json::to_string(&definition).expect("a definition serializes");
        let fingerprint = format!(
            "{:016x}",
            fnv1a(format!("{scenario_fingerprint}\n{arguments}\n{runs}").as_bytes())
        );
        Manifest {
            format: FORMAT,
            definition,
            runs,
            shard,
            scenario_fingerprint,
            fingerprint,
        }
    }

    /// `shard.json` text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a manifest serializes") + "\n"
    }

    /// Reads `shard.json` text.
    pub fn from_json(text: &str) -> Result<Manifest, String> {
        let m: Manifest = serde_json::from_str(text).map_err(|e| format!("not a shard manifest: {e}"))?;
        if m.format != FORMAT {
            return Err(format!(
                "manifest format {} is not {FORMAT}, the one this ecsim reads",
                m.format
            ));
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::definition::ObjectiveSpec;

    fn definition() -> Definition {
        Definition {
            scenario: "s".into(),
            axes: Vec::new(),
            replicas: 2,
            seed: 1,
            sample: None,
            objective: ObjectiveSpec::default_cost(),
            constraints: Vec::new(),
            figures: vec!["cost_usd".into()],
        }
    }

    #[test]
    fn reads_back_and_fingerprints_text_and_arguments() {
        let m = Manifest::new(definition(), 2, Shard { index: 0, count: 2 }, "seed: 1\n");
        assert_eq!(Manifest::from_json(&m.to_json()), Ok(m.clone()));
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let other_shard = Manifest::new(definition(), 2, Shard { index: 1, count: 2 }, "seed: 1\n");
        assert_eq!(m.fingerprint, other_shard.fingerprint);
        let other_text = Manifest::new(definition(), 2, Shard { index: 0, count: 2 }, "seed: 2\n");
        assert_ne!(m.fingerprint, other_text.fingerprint);
        assert_ne!(m.scenario_fingerprint, other_text.scenario_fingerprint);
        let mut d = definition();
        d.replicas = 3;
        assert_ne!(m.fingerprint, Manifest::new(d, 3, m.shard, "seed: 1\n").fingerprint);
        assert!(Manifest::from_json("{}").is_err());
    }
}
