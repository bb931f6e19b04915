//! Filesystem adapters: reading scenarios and the files they name, writing outputs atomically.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::traces::{Destination, Trace};
use crate::output::RunFiles;
use crate::scenario::SourceLoader;

/// Reads files relative to a scenario's directory.
pub struct FsLoader {
    base: PathBuf,
}

impl FsLoader {
    /// A loader for the scenario at `scenario_path`.
    pub fn for_scenario(scenario_path: &Path) -> Self {
        FsLoader {
            base: scenario_path.parent().map(Path::to_path_buf).unwrap_or_default(),
        }
    }
}

impl SourceLoader for FsLoader {
    fn read_relative(&self, relative: &str) -> Result<(String, String), String> {
        let path = self.base.join(relative);
        fs::read_to_string(&path)
            .map(|text| (path.display().to_string(), text))
            .map_err(|e| e.to_string())
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
        let writer = BufWriter::with_capacity(1 << 18, fs::File::create(&temp)?);
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
/// under a temporary name renamed into place when committed, or a buffer, or nothing.
pub fn create_run_files(dir: &Path, destination: impl Fn(Trace) -> Destination) -> std::io::Result<RunFiles<TraceOut>> {
    create_dir(dir)?;
    let open = |trace: Trace| -> std::io::Result<Option<TraceOut>> {
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

fn by_trace(files: RunFiles<TraceOut>) -> [(Trace, Option<TraceOut>); 5] {
    [
        (Trace::Services, files.services),
        (Trace::Cluster, files.cluster),
        (Trace::Tasks, files.tasks),
        (Trace::Events, files.events),
        (Trace::Alarms, files.alarms),
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
        if path.is_dir() {
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
    fs::read_to_string(path)
        .ok()
        .and_then(|text| crate::scenario::yaml::parse(&text, 0).ok())
        .is_some_and(|tree| tree.get("duration").is_some())
}

/// Reads a file of a run directory back as text.
pub fn read_text(dir: &Path, name: &str) -> std::io::Result<String> {
    fs::read_to_string(dir.join(name))
}
