//! Sharding: shard `i` of `n` runs the runs whose index is `i` modulo `n` (round robin, so
//! every shard gets a share of each part of the grid and they take about as long).
//!
//! The shard comes from `--shard i/n`, or else from the environment of an array job
//! ([`resolve`] takes the variables as a map; only `cli` reads the process environment).

use std::collections::BTreeMap;

/// Kubernetes Indexed Job: the pod's index (the count is the Job's `completions`: `--shards N`).
pub const JOB_COMPLETION_INDEX: &str = "JOB_COMPLETION_INDEX";
/// AWS Batch array job: the child's index.
pub const AWS_BATCH_JOB_ARRAY_INDEX: &str = "AWS_BATCH_JOB_ARRAY_INDEX";
/// AWS Batch array job: the array size, where set.
pub const AWS_BATCH_JOB_ARRAY_SIZE: &str = "AWS_BATCH_JOB_ARRAY_SIZE";
/// Slurm job array: the task's id.
pub const SLURM_ARRAY_TASK_ID: &str = "SLURM_ARRAY_TASK_ID";
/// Slurm job array: how many tasks.
pub const SLURM_ARRAY_TASK_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";
/// Slurm job array: the first task id (`--array=1-8` starts at 1).
pub const SLURM_ARRAY_TASK_MIN: &str = "SLURM_ARRAY_TASK_MIN";

/// Every variable [`resolve`] reads, in the order the schedulers are tried.
pub const ENV_VARS: &[&str] = &[
    JOB_COMPLETION_INDEX,
    AWS_BATCH_JOB_ARRAY_INDEX,
    AWS_BATCH_JOB_ARRAY_SIZE,
    SLURM_ARRAY_TASK_ID,
    SLURM_ARRAY_TASK_COUNT,
    SLURM_ARRAY_TASK_MIN,
];

/// Shard `index` of `count` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard, from 0.
    pub index: u32,
    /// How many shards.
    pub count: u32,
}

impl Shard {
    /// Reads `i/n`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard expects I/N with 0 <= I < N, e.g. --shard 0/4; found `{text}`");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        Shard::new(index, count).map_err(|_| bad())
    }

    /// Shard `index` of `count`, checked.
    pub fn new(index: u32, count: u32) -> Result<Shard, String> {
        if count == 0 || index >= count {
            return Err(format!(
                "shard {index} of {count} does not exist: shards are numbered 0 to N-1"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Whether run `index` belongs to this shard.
    pub fn contains(&self, run_index: usize) -> bool {
        run_index % self.count as usize == self.index as usize
    }

    /// The runs of this shard among `run_count`, in order.
    pub fn runs(&self, run_count: usize) -> impl Iterator<Item = usize> + use<> {
        (self.index as usize..run_count).step_by(self.count as usize)
    }

    /// The directory a shard writes into under the sweep's output directory: `shard-1-of-4`.
    pub fn dir_name(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The shard to run and where it came from (`--shard`, or the variables that gave it), or
/// `None` to run everything.
///
/// `--shard i/n` wins. Without it, the first scheduler whose index variable is set gives it:
/// Kubernetes (`JOB_COMPLETION_INDEX`, with `--shards N`), AWS Batch
/// (`AWS_BATCH_JOB_ARRAY_INDEX`, with `AWS_BATCH_JOB_ARRAY_SIZE` or `--shards N`), Slurm
/// (`SLURM_ARRAY_TASK_ID` minus `SLURM_ARRAY_TASK_MIN`, with `SLURM_ARRAY_TASK_COUNT` or
/// `--shards N`). A count given both ways must agree.
pub fn resolve(
    flag: Option<&str>,
    shards: Option<u32>,
    env: &BTreeMap<String, String>,
) -> Result<Option<(Shard, String)>, String> {
    if let Some(text) = flag {
        let shard = Shard::parse(text)?;
        if let Some(n) = shards.filter(|n| *n != shard.count) {
            return Err(format!(
                "--shard {text} and --shards {n} disagree on the number of shards"
            ));
        }
        return Ok(Some((shard, "--shard".into())));
    }
    let var = |name: &str| env.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let number = |name: &str| -> Result<Option<u32>, String> {
        var(name)
            .map(|v| {
                v.parse::<u32>()
                    .map_err(|_| format!("{name}=`{v}` is not a whole number"))
            })
            .transpose()
    };
    let count = |index_var: &str, size_var: Option<&str>| -> Result<u32, String> {
        let from_env = match size_var {
            Some(s) => number(s)?.map(|n| (n, s)),
            None => None,
        };
        match (from_env, shards) {
            (Some((n, s)), Some(m)) if n != m => Err(format!("{s}={n} and --shards {m} disagree")),
            (Some((n, _)), _) => Ok(n),
            (None, Some(m)) => Ok(m),
            (None, None) => Err(format!(
                "{index_var} is set, so this is one shard of a sweep: give the number of shards with --shards N"
            )),
        }
    };
    let found = if let Some(i) = number(JOB_COMPLETION_INDEX)? {
        Some((i, count(JOB_COMPLETION_INDEX, None)?, JOB_COMPLETION_INDEX.to_string()))
    } else if let Some(i) = number(AWS_BATCH_JOB_ARRAY_INDEX)? {
        let n = count(AWS_BATCH_JOB_ARRAY_INDEX, Some(AWS_BATCH_JOB_ARRAY_SIZE))?;
        Some((i, n, AWS_BATCH_JOB_ARRAY_INDEX.to_string()))
    } else if let Some(id) = number(SLURM_ARRAY_TASK_ID)? {
        let min = number(SLURM_ARRAY_TASK_MIN)?.unwrap_or(0);
        let i = id
            .checked_sub(min)
            .ok_or_else(|| format!("{SLURM_ARRAY_TASK_ID}={id} is below {SLURM_ARRAY_TASK_MIN}={min}"))?;
        let n = count(SLURM_ARRAY_TASK_ID, Some(SLURM_ARRAY_TASK_COUNT))?;
        let source = if min == 0 {
            SLURM_ARRAY_TASK_ID.to_string()
        } else {
            format!("{SLURM_ARRAY_TASK_ID} - {SLURM_ARRAY_TASK_MIN}")
        };
        Some((i, n, source))
    } else {
        None
    };
    match (found, shards) {
        (Some((i, n, source)), _) => {
            let shard = Shard::new(i, n).map_err(|e| format!("{source} gives {e}"))?;
            Ok(Some((shard, source)))
        }
        (None, Some(n)) => Err(format!(
            "--shards {n} needs this shard's index: --shard I/{n}, or {JOB_COMPLETION_INDEX}, \
             {AWS_BATCH_JOB_ARRAY_INDEX} or {SLURM_ARRAY_TASK_ID} in the environment"
        )),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> BTreeMap<String, String> {
        vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[track_caller]
    fn shard(flag: Option<&str>, shards: Option<u32>, vars: &[(&str, &str)]) -> Result<Option<Shard>, String> {
        resolve(flag, shards, &env(vars)).map(|r| r.map(|(s, _)| s))
    }

    #[test]
    fn round_robin_membership() {
        let s = Shard::parse("1/3").expect("valid");
        assert_eq!(s.runs(8).collect::<Vec<_>>(), [1, 4, 7]);
        assert!(s.contains(4) && !s.contains(5));
        assert_eq!(s.dir_name(), "shard-1-of-3");
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_flag_wins_and_must_agree_with_shards() {
        let slurm = [(SLURM_ARRAY_TASK_ID, "1"), (SLURM_ARRAY_TASK_COUNT, "2")];
        assert_eq!(shard(Some("2/4"), None, &slurm), Ok(Some(Shard { index: 2, count: 4 })));
        assert!(
            shard(Some("2/4"), Some(5), &[])
                .expect_err("disagree")
                .contains("disagree")
        );
        assert_eq!(shard(None, None, &[]), Ok(None));
    }

    #[test]
    fn kubernetes_needs_shards() {
        let k8s = [(JOB_COMPLETION_INDEX, "3")];
        assert_eq!(shard(None, Some(4), &k8s), Ok(Some(Shard { index: 3, count: 4 })));
        assert!(shard(None, None, &k8s).expect_err("no count").contains("--shards N"));
        assert!(
            shard(None, Some(3), &k8s)
                .expect_err("out of range")
                .contains("JOB_COMPLETION_INDEX gives shard 3 of 3")
        );
    }

    #[test]
    fn aws_batch_takes_the_size_or_shards() {
        let batch = [(AWS_BATCH_JOB_ARRAY_INDEX, "0"), (AWS_BATCH_JOB_ARRAY_SIZE, "5")];
        assert_eq!(shard(None, None, &batch), Ok(Some(Shard { index: 0, count: 5 })));
        assert_eq!(shard(None, Some(5), &batch), Ok(Some(Shard { index: 0, count: 5 })));
        assert!(shard(None, Some(6), &batch).expect_err("disagree").contains("disagree"));
        assert_eq!(
            shard(None, Some(2), &[(AWS_BATCH_JOB_ARRAY_INDEX, "1")]),
            Ok(Some(Shard { index: 1, count: 2 }))
        );
    }

    #[test]
    fn slurm_ids_count_from_the_array_minimum() {
        let slurm = [
            (SLURM_ARRAY_TASK_ID, "5"),
            (SLURM_ARRAY_TASK_MIN, "4"),
            (SLURM_ARRAY_TASK_COUNT, "3"),
        ];
        let (s, source) = resolve(None, None, &env(&slurm)).expect("valid").expect("a shard");
        assert_eq!(
            (s, source.as_str()),
            (
                Shard { index: 1, count: 3 },
                "SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN"
            )
        );
        assert_eq!(
            shard(None, None, &[(SLURM_ARRAY_TASK_ID, "2"), (SLURM_ARRAY_TASK_COUNT, "3")]),
            Ok(Some(Shard { index: 2, count: 3 }))
        );
        assert!(
            shard(None, None, &[(SLURM_ARRAY_TASK_ID, "x")])
                .expect_err("nan")
                .contains("not a whole number")
        );
        assert!(
            shard(
                None,
                None,
                &[
                    (SLURM_ARRAY_TASK_ID, "1"),
                    (SLURM_ARRAY_TASK_MIN, "2"),
                    (SLURM_ARRAY_TASK_COUNT, "2")
                ]
            )
            .expect_err("below")
            .contains("is below")
        );
    }

    #[test]
    fn shards_without_an_index_is_an_error() {
        assert!(
            shard(None, Some(4), &[])
                .expect_err("no index")
                .contains("needs this shard's index")
        );
    }
}
