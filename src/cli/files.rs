//! Filesystem adapters: reading scenarios and the files they name, writing outputs atomically.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::output::RunFiles;
use crate::scenario::SourceLoader;
use crate::trace::columns::{alarms, cluster, events, services, tasks};

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

/// Creates `dir` and opens a run directory's five trace files in it, each under a temporary name
/// renamed into place when committed.
pub fn create_run_files(dir: &Path) -> std::io::Result<RunFiles<AtomicFile>> {
    create_dir(dir)?;
    let open = |n: &str| AtomicFile::create(dir, n);
    Ok(RunFiles {
        alarms: open(alarms::FILE)?,
        services: open(services::FILE)?,
        cluster: open(cluster::FILE)?,
        events: open(events::FILE)?,
        tasks: open(tasks::FILE)?,
    })
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
