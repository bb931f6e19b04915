//! Filesystem adapters: reading scenarios and the files they name, writing outputs atomically.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

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
        let writer = BufWriter::with_capacity(1 << 16, fs::File::create(&temp)?);
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
