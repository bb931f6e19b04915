//! `ecsim sweep merge DIR... --out DIR`: the shards of a sweep into the files one machine would
//! have written, byte for byte. A DIR is a shard's directory (it holds `shard.json`) or a
//! directory whose sub-directories are shards (the `shard-I-of-N/` a sharded sweep makes).

use std::fs;
use std::path::{Path, PathBuf};

use clap::Args;

use super::sweep::{Dir, Failure, write_report};
use super::sweep_charts::SweepChartArgs;
use crate::sweep::merge::{ShardFiles, merge as merge_shards};
use crate::sweep::report::report;
use crate::sweep::{RUNS_CSV, SHARD_JSON};

/// Arguments of `ecsim sweep merge`.
#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Shard directories, or directories holding them.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Where to write sweep.csv, sweep_summary.csv, best.json, charts/ and report.html.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    charts: SweepChartArgs,
}

/// The shard directories `dir` names: itself if it holds `shard.json`, else its sub-directories
/// that do, sorted.
fn shard_dirs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if dir.join(SHARD_JSON).is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(SHARD_JSON).is_file())
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(format!(
            "{} holds no {SHARD_JSON}, nor any directory that does: is it a shard of a sweep?",
            dir.display()
        ));
    }
    Ok(found)
}

fn read_shard(dir: &Path) -> Result<ShardFiles, String> {
    let read = |name: &str| {
        fs::read_to_string(dir.join(name)).map_err(|e| format!("cannot read {}: {e}", dir.join(name).display()))
    };
    Ok(ShardFiles {
        dir: dir.display().to_string(),
        manifest: read(SHARD_JSON)?,
        runs: read(RUNS_CSV)?,
    })
}

/// Runs the command; returns the exit code. Nothing is written unless every shard is there
/// and they agree.
pub fn merge(args: MergeArgs) -> u8 {
    let bad = |m: String| Failure::BadInput(format!("error: {m}"));
    let shards = args
        .dirs
        .iter()
        .map(|d| shard_dirs(d))
        .collect::<Result<Vec<_>, _>>()
        .and_then(|dirs| {
            dirs.concat()
                .iter()
                .map(|d| read_shard(d))
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(bad);
    let merged = shards.and_then(|shards| merge_shards(&shards).map_err(|e| bad(format!("{e}; nothing was written"))));
    let written =
        merged.and_then(|(sweep, runs)| write_report(&report(&sweep, &runs), &Dir::in_place(&args.out), &args.charts));
    written.map_or_else(Failure::report, |()| 0)
}
