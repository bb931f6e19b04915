//! `ecsim sweep merge`: the shards of one sweep back into the runs of the whole sweep, checked:
//! the manifests must agree, every shard must be there once, and each must hold exactly its runs.

use super::definition::Sweep;
use super::figures::RunFigures;
use super::manifest::Manifest;
use super::shard_rows::read_runs;

/// One shard's files, as read from its directory.
#[derive(Clone, Debug)]
pub struct ShardFiles {
    /// The directory, for messages.
    pub dir: String,
    /// `shard.json`.
    pub manifest: String,
    /// `runs.csv`.
    pub runs: String,
}

/// Why shards do not merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeError {
    /// Shards are missing: their indices, and the shard count.
    Missing {
        /// The missing shards' indices.
        indices: Vec<u32>,
        /// How many shards the sweep has.
        count: u32,
    },
    /// Anything else: a message naming the directory.
    Invalid(String),
}

impl std::fmt::Display for MergeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MergeError::Missing { indices, count } => {
                let list: Vec<String> = indices.iter().map(u32::to_string).collect();
                write!(
                    f,
                    "missing shard(s) {} of {count} (numbered 0 to {}): run them, then merge every shard",
                    list.join(", "),
                    count - 1
                )
            }
            MergeError::Invalid(m) => f.write_str(m),
        }
    }
}

/// The first field in which two manifests of different sweeps differ, for the message.
fn difference(a: &Manifest, b: &Manifest) -> &'static str {
    let (x, y) = (&a.definition, &b.definition);
    if a.scenario_fingerprint != b.scenario_fingerprint {
        "the scenario file's text"
    } else if x.scenario != y.scenario {
        "the scenario"
    } else if x.axes != y.axes {
        "the varied paths or values (--vary)"
    } else if x.replicas != y.replicas {
        "--replicas"
    } else if x.seed != y.seed {
        "the seed"
    } else if x.sample != y.sample {
        "--sample"
    } else if x.objective != y.objective {
        "the objective (--minimize/--maximize)"
    } else if x.constraints != y.constraints {
        "the constraints (--where)"
    } else if a.shard.count != b.shard.count {
        "the number of shards"
    } else {
        "the figures or run count"
    }
}

/// Merges `shards` into the sweep and the figures of every run, by run index.
pub fn merge(shards: &[ShardFiles]) -> Result<(Sweep, Vec<RunFigures>), MergeError> {
    let invalid = |dir: &str, m: String| MergeError::Invalid(format!("{dir}: {m}"));
    let Some(first) = shards.first() else {
        return Err(MergeError::Invalid("no shard directory given".into()));
    };
    let manifests = shards
        .iter()
        .map(|s| Manifest::from_json(&s.manifest).map_err(|e| invalid(&s.dir, format!("shard.json: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let reference = &manifests[0];
    for (s, m) in shards.iter().zip(&manifests).skip(1) {
        if m.fingerprint != reference.fingerprint || m.shard.count != reference.shard.count {
            return Err(MergeError::Invalid(format!(
                "{} and {} are shards of different sweeps: {} differs",
                first.dir,
                s.dir,
                difference(reference, m)
            )));
        }
    }
    let count = reference.shard.count;
    let mut seen: Vec<Option<&str>> = vec![None; count as usize];
    for (s, m) in shards.iter().zip(&manifests) {
        let slot = seen
            .get_mut(m.shard.index as usize)
            .ok_or_else(|| invalid(&s.dir, format!("shard {} does not exist", m.shard)))?;
        if let Some(other) = slot {
            return Err(MergeError::Invalid(format!(
                "shard {} is given twice: {other} and {}",
                m.shard, s.dir
            )));
        }
        *slot = Some(&s.dir);
    }
    let missing: Vec<u32> = (0..count).filter(|i| seen[*i as usize].is_none()).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            indices: missing,
            count,
        });
    }
    let sweep =
        Sweep::new(reference.definition.clone()).map_err(|e| invalid(&first.dir, format!("shard.json: {e}")))?;
    if sweep.run_count() != reference.runs {
        return Err(invalid(
            &first.dir,
            format!(
                "shard.json says {} runs, its definition makes {}",
                reference.runs,
                sweep.run_count()
            ),
        ));
    }
    let mut runs: Vec<Option<RunFigures>> = vec![None; sweep.run_count()];
    for (s, m) in shards.iter().zip(&manifests) {
        let rows = read_runs(&sweep, &s.runs).map_err(|e| invalid(&s.dir, format!("runs.csv: {e}")))?;
        let indices: Vec<usize> = rows.iter().map(|(i, _)| *i).collect();
        if !indices.iter().copied().eq(m.shard.runs(sweep.run_count())) {
            return Err(invalid(
                &s.dir,
                format!("runs.csv does not hold exactly the runs of shard {}", m.shard),
            ));
        }
        for (i, values) in rows {
            runs[i] = Some(values);
        }
    }
    let runs = runs
        .into_iter()
        .map(|r| r.expect("every shard is there and holds its runs"))
        .collect();
    Ok((sweep, runs))
}
