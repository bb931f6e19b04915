//! Filesystem adapters: reading scenarios and the files they name, writing outputs atomically.

use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::traces::{Destination, Trace};
use crate::output::RunFiles;
use crate::scenario::SourceLoader;

/// The largest file a scenario may name (a task definition, a replayed series): 64 MiB.
pub const MAX_INCLUDED_FILE_BYTES: u64 = 64 << 20;

/// Where the files a scenario names may be, beyond its own folder.
#[derive(Args, Debug, Default, Clone)]
pub struct AllowPathArgs {
    /// Let scenarios read files under DIR too (repeatable). By default a file a scenario names
    /// (`file:` of a task definition or a replayed series) must be inside the scenario's own
    /// folder once `..` and symbolic links are resolved.
    #[arg(long = "allow-path", value_name = "DIR")]
    pub allow_path: Vec<PathBuf>,
}

/// Reads the files a scenario names, relative to its folder and confined to it (and to the
/// `--allow-path` folders): scenarios come from pull requests in CI, so they are untrusted.
pub struct FsLoader {
    base: PathBuf,
    allowed: Vec<PathBuf>,
}

impl FsLoader {
    /// A loader for the scenario at `scenario_path`, which may also read under `allowed`.
    pub fn for_scenario(scenario_path: &Path, allowed: &AllowPathArgs) -> Self {
        FsLoader {
            base: scenario_path.parent().map(Path::to_path_buf).unwrap_or_default(),
            allowed: allowed.allow_path.clone(),
        }
    }

    /// The folders files may come from, with symbolic links resolved.
    fn roots(&self) -> Vec<PathBuf> {
        let base = if self.base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &self.base
        };
        std::iter::once(base)
            .chain(self.allowed.iter().map(PathBuf::as_path))
            .filter_map(|p| fs::canonicalize(p).ok())
            .collect()
    }
}

impl SourceLoader for FsLoader {
    fn read_relative(&self, relative: &str) -> Result<(String, String), String> {
        let path = self.base.join(relative);
        let real = fs::canonicalize(&path).map_err(|e| e.to_string())?;
        if !self.roots().iter().any(|root| real.starts_with(root)) {
            return Err(format!(
                "it resolves to {}, outside the scenario's folder; a scenario may only read files inside its own folder (after resolving `..` and symbolic links): move the file there, or allow its folder with --allow-path DIR",
                real.display()
            ));
        }
        let system = ["/proc", "/sys", "/dev"].iter().any(|dir| real.starts_with(dir));
        let meta = fs::metadata(&real).map_err(|e| e.to_string())?;
        if system || !meta.is_file() {
            return Err("it is not a regular file (a scenario may only read regular files, not devices or files under /proc, /sys or /dev)".to_string());
        }
        if meta.len() > MAX_INCLUDED_FILE_BYTES {
            return Err(format!(
                "it is {} bytes, more than the {MAX_INCLUDED_FILE_BYTES} a scenario may read",
                meta.len()
            ));
        }
        let mut text = String::new();
        fs::File::open(&real)
            .and_then(|f| f.take(MAX_INCLUDED_FILE_BYTES + 1).read_to_string(&mut text))
            .map_err(|e| e.to_string())?;
        if text.len() as u64 > MAX_INCLUDED_FILE_BYTES {
            return Err(format!(
                "it is more than the {MAX_INCLUDED_FILE_BYTES} bytes a scenario may read"
            ));
        }
        Ok((path.display().to_string(), text))
    }
}

/// A file written under a temporary name and renamed into place by `commit`.
pub struct AtomicFile {
    temp: PathBuf,
    target: PathBuf,
    writer: BufWriter<fs::File>,
}

impl AtomicFile {
    /// Creates `<dir>/.<name>.partial`, to become `<dir>/<name>`.
    pub fn create(dir: &Path, name: &str) -> std::io::Result<Self> {
        let temp = dir.join(format!(".{name}.partial"));
        let target = dir.join(name);
        // A leftover (or planted) entry at the temporary name is removed, never written through:
        // `create_new` refuses to open anything that exists, a symbolic link included.
        match fs::symlink_metadata(&temp) {
            Ok(m) if m.is_dir() => fs::remove_dir_all(&temp)?,
            Ok(_) => fs::remove_file(&temp)?,
            Err(_) => {}
        }
        let file = fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        let writer = BufWriter::with_capacity(1 << 18, file);
        Ok(AtomicFile { temp, target, writer })
    }

    /// Flushes and renames the file into place.
    pub fn commit(mut self) -> std::io::Result<()> {
        self.writer.flush()?;
        fs::rename(&self.temp, &self.target)
    }

    /// Removes the temporary file (the run failed).
    pub fn discard(self) {
        let _ = fs::remove_file(&self.temp);
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

/// Reads a scenario file; the error is a one-line message.
pub fn read_scenario(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("error: cannot read scenario {}: {e}", path.display()))
}

/// Creates the output directory.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)
}

/// Writes a small file atomically.
pub fn write_atomic(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    let mut f = AtomicFile::create(dir, name)?;
    f.write_all(text.as_bytes())?;
    f.commit()
}

/// Where a trace file's rows are written: its file, or a buffer in memory.
pub enum TraceOut {
    /// The file in the run directory.
    File(AtomicFile),
    /// A buffer: the file is not written, but the run reads it back (expectations, charts).
    Memory(Vec<u8>),
}

impl Write for TraceOut {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            TraceOut::File(f) => f.write(buf),
            TraceOut::Memory(b) => b.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            TraceOut::File(f) => f.write_all(buf),
            TraceOut::Memory(b) => b.write_all(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            TraceOut::File(f) => f.flush(),
            TraceOut::Memory(_) => Ok(()),
        }
    }
}

/// Creates `dir` and opens the run's trace files where `destination` sends them: each file
/// under a temporary name renamed into place when committed, or a buffer, or nothing. The jobs
/// files exist only in runs with standalone tasks, `forecast.csv` only in runs with predictive
/// scaling policies.
pub fn create_run_files(
    dir: &Path,
    spec: &crate::spec::Spec,
    destination: impl Fn(Trace) -> Destination,
) -> std::io::Result<RunFiles<TraceOut>> {
    create_dir(dir)?;
    let (has_jobs, has_forecast) = (spec.has_jobs(), spec.has_predictive_scaling());
    let open = |trace: Trace| -> std::io::Result<Option<TraceOut>> {
        if trace.is_jobs() && !has_jobs || trace == Trace::Forecast && !has_forecast {
            return Ok(None);
        }
        Ok(match destination(trace) {
            Destination::File => Some(TraceOut::File(AtomicFile::create(dir, trace.file())?)),
            Destination::Memory => Some(TraceOut::Memory(Vec::new())),
            Destination::Skip => None,
        })
    };
    Ok(RunFiles {
        alarms: open(Trace::Alarms)?,
        services: open(Trace::Services)?,
        cluster: open(Trace::Cluster)?,
        events: open(Trace::Events)?,
        tasks: open(Trace::Tasks)?,
        jobs: open(Trace::Jobs)?,
        job_trace: open(Trace::JobsPerInterval)?,
        forecast: open(Trace::Forecast)?,
    })
}

/// The traces a run kept in memory instead of writing them, by trace.
#[derive(Default)]
pub struct KeptTraces(Vec<(Trace, String)>);

impl KeptTraces {
    /// The text of `trace`, if it was kept in memory.
    pub fn get(&self, trace: Trace) -> Option<&str> {
        self.0.iter().find(|(t, _)| *t == trace).map(|(_, text)| text.as_str())
    }
}

fn by_trace(files: RunFiles<TraceOut>) -> [(Trace, Option<TraceOut>); 8] {
    [
        (Trace::Services, files.services),
        (Trace::Cluster, files.cluster),
        (Trace::Tasks, files.tasks),
        (Trace::Events, files.events),
        (Trace::Alarms, files.alarms),
        (Trace::Jobs, files.jobs),
        (Trace::JobsPerInterval, files.job_trace),
        (Trace::Forecast, files.forecast),
    ]
}

/// Renames every written file into place; returns the texts kept in memory.
pub fn commit_run_files(files: RunFiles<TraceOut>) -> std::io::Result<KeptTraces> {
    let mut kept = KeptTraces::default();
    for (trace, out) in by_trace(files) {
        match out {
            Some(TraceOut::File(f)) => f.commit()?,
            Some(TraceOut::Memory(bytes)) => kept.0.push((trace, String::from_utf8_lossy(&bytes).into_owned())),
            None => {}
        }
    }
    Ok(kept)
}

/// Removes the temporary files of a failed run.
pub fn discard_run_files(files: RunFiles<TraceOut>) {
    for (_, out) in by_trace(files) {
        if let Some(TraceOut::File(f)) = out {
            f.discard();
        }
    }
}

/// Scenario files named by `paths`: files as given; directories searched recursively for
/// `*.yaml`, `*.yml` and `*.json` files whose top level has a `duration` (so task definition JSON
/// and other data files beside the scenarios are skipped). Sorted, for a deterministic order.
pub fn collect_scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(format!("{} does not exist", p.display()));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        // Symbolic links are not followed: two links to `.` would make the walk exponential, and
        // one to `/` would read files all over the machine.
        let kind = fs::symlink_metadata(&path)?.file_type();
        if kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            walk(&path, out)?;
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"))
            && looks_like_scenario(&path)
        {
            out.push(path);
        }
    }
    Ok(())
}

fn looks_like_scenario(path: &Path) -> bool {
    let small = fs::metadata(path).is_ok_and(|m| m.len() <= MAX_INCLUDED_FILE_BYTES);
    small
        .then(|| fs::read_to_string(path).ok())
        .flatten()
        .and_then(|text| crate::scenario::yaml::parse(&text, 0).ok())
        .is_some_and(|tree| tree.get("duration").is_some())
}

/// Reads a file of a run directory back as text.
pub fn read_text(dir: &Path, name: &str) -> std::io::Result<String> {
    fs::read_to_string(dir.join(name))
}
