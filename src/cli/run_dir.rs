//! A run's output directory, replaced whole: the run writes into a fresh staging directory beside
//! the target and renames it into place at the end. An interrupted or failed run leaves the
//! previous directory (or nothing); two runs into one `--out` never mix their files; a symbolic
//! link planted in the output path is replaced, never followed; no file of an earlier run stays
//! beside the new ones.
//!
//! `ecsim sweep --keep-runs` writes its directory (the runs under `runs/`, the report beside
//! them) the same way, so a sweep and a run, or two sweeps, into one `--out` never mix either;
//! a directory a sweep or a shard of one wrote may be replaced like a run's.
//!
//! Two runs into one `--out` at once: the first takes a lock file beside the target,
//! `.NAME.lock` (created with `create_new`, holding its process id, removed when the run ends,
//! however it ends but a SIGKILL); the second fails at once and names the first's process. A lock
//! left by a process that no longer exists (killed) is taken over; where the system cannot tell
//! (no `/proc`), the message says which file to remove.

use std::fs;
use std::path::{Path, PathBuf};

use crate::sweep::{BEST_JSON, SHARD_JSON};
use crate::trace::summary;

/// A staging directory that becomes the run directory on `publish`, or is removed when dropped.
pub struct StagedRunDir {
    staging: PathBuf,
    target: PathBuf,
    published: bool,
    /// Held until the run directory is published or discarded (dropped after the fields above).
    _lock: OutLock,
}

impl StagedRunDir {
    /// Creates a fresh staging directory beside `target`. Refuses a target that exists and is
    /// neither an ecsim run directory (it holds `summary.json`), an empty directory, nor a
    /// symbolic link: `--out .` or `--out ~` must never be replaced.
    pub fn create(target: &Path) -> Result<StagedRunDir, String> {
        let name = target
            .file_name()
            .ok_or_else(|| {
                format!(
                    "--out {} names no directory; give a folder name such as output/web",
                    target.display()
                )
            })?
            .to_string_lossy()
            .into_owned();
        check_replaceable(target)?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        let lock = OutLock::take(&parent.join(format!(".{name}.lock")), target)?;
        for attempt in 0..1000 {
            let staging = parent.join(format!(".{name}.staging-{}-{attempt}", std::process::id()));
            // `create_dir` fails if anything (a planted link included) is already there.
            match fs::create_dir(&staging) {
                Ok(()) => {
                    return Ok(StagedRunDir {
                        staging,
                        target: target.to_path_buf(),
                        published: false,
                        _lock: lock,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(format!("cannot create a directory in {}: {e}", parent.display())),
            }
        }
        Err(format!("cannot create a staging directory in {}", parent.display()))
    }

    /// Where the run writes its files now.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Where the files end up.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the staging directory into place, replacing the previous run directory whole.
    pub fn publish(mut self) -> Result<(), String> {
        let shown = self.target.display().to_string();
        check_replaceable(&self.target)?;
        let previous = fs::symlink_metadata(&self.target).ok();
        let parked = self.staging.with_file_name(format!(
            "{}.replaced",
            self.staging
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ));
        if previous.is_some() {
            fs::rename(&self.target, &parked).map_err(|e| format!("cannot replace {shown}: {e}"))?;
        }
        fs::rename(&self.staging, &self.target).map_err(|e| format!("cannot move the run into {shown}: {e}"))?;
        self.published = true;
        match previous {
            Some(meta) if meta.is_dir() => fs::remove_dir_all(&parked),
            Some(_) => fs::remove_file(&parked),
            None => Ok(()),
        }
        .map_err(|e| format!("the run is in {shown}, but the previous one could not be removed: {e}"))
    }
}

impl Drop for StagedRunDir {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// `Ok` if `target` may be replaced: absent, a symbolic link (replaced, not followed), an empty
/// directory, or a directory holding a run's `summary.json`.
fn check_replaceable(target: &Path) -> Result<(), String> {
    let Ok(meta) = fs::symlink_metadata(target) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    if !meta.is_dir() {
        return Err(format!("--out {} is a file, not a directory", target.display()));
    }
    let empty = fs::read_dir(target).map(|mut d| d.next().is_none()).unwrap_or(false);
    let ecsim_wrote = |(file, fields): &(&str, [&str; 3])| holds_ecsim_json(target, file, fields);
    if empty || ECSIM_FILES.iter().any(ecsim_wrote) {
        Ok(())
    } else {
        Err(format!(
            "--out {} exists and is not an ecsim run or sweep directory (it has no {}, {} or {} written by ecsim); a run replaces its directory whole, so choose a new or empty folder",
            target.display(),
            summary::FILE,
            BEST_JSON,
            SHARD_JSON
        ))
    }
}

/// The JSON files that mark a directory ecsim wrote, each with fields every such file has: a
/// run's `summary.json`, a sweep's `best.json`, a shard's `shard.json`.
const ECSIM_FILES: [(&str, [&str; 3]); 3] = [
    (summary::FILE, ["scenario", "seed", "events_processed"]),
    (BEST_JSON, ["objective", "replicas", "combinations"]),
    (SHARD_JSON, ["format", "scenario_fingerprint", "fingerprint"]),
];

/// The largest `summary.json` read to tell whether a folder is a run directory.
const MAX_SUMMARY_BYTES: u64 = 64 << 20;

/// Whether `dir` holds a `file` that ecsim wrote: a regular file holding a JSON object with
/// `fields`. A folder of the user's that happens to hold some other `summary.json` is not
/// replaced.
fn holds_ecsim_json(dir: &Path, file: &str, fields: &[&str]) -> bool {
    let path = dir.join(file);
    let small_file = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= MAX_SUMMARY_BYTES);
    let Some(text) = small_file.then(|| fs::read_to_string(&path).ok()).flatten() else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| fields.iter().all(|field| v.get(field).is_some()))
}

/// Takes the lock of `--out target` alone (`.NAME.lock` beside it), for a command that writes
/// files into the directory rather than replacing it whole (a sweep without `--keep-runs`):
/// held until dropped, it keeps a run or another sweep out meanwhile.
pub fn lock_out(target: &Path) -> Result<OutLock, String> {
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    OutLock::take(&parent.join(format!(".{name}.lock")), target)
}

/// The lock file of one `--out`, removed when dropped.
pub struct OutLock {
    path: PathBuf,
}

impl OutLock {
    /// Creates `path` holding this process's id; fails if another live process holds it.
    fn take(path: &Path, target: &Path) -> Result<OutLock, String> {
        use std::io::Write;
        // Two attempts: the second after removing a lock whose process is gone.
        for _ in 0..2 {
            match fs::OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut file) => {
                    let _ = writeln!(file, "{} {}", std::process::id(), this_command());
                    return Ok(OutLock {
                        path: path.to_path_buf(),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(path).ok().and_then(|t| Holder::parse(&t));
                    match holder {
                        Some(Holder { pid, .. }) if process_is_gone(pid) => {
                            let _ = fs::remove_file(path);
                        }
                        _ => return Err(locked_message(path, target, holder)),
                    }
                }
                Err(e) => return Err(format!("cannot create the lock file {}: {e}", path.display())),
            }
        }
        Err(locked_message(path, target, None))
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// True only when the system says process `pid` does not exist (Linux: no `/proc/PID`).
fn process_is_gone(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

/// The ecsim commands that take an output lock, as the lock file names them.
const LOCKING_COMMANDS: [&str; 3] = ["run", "sweep", "check"];

/// The command of this process (`run`, `sweep` or `check`), written into its lock files so that
/// a second command can say what holds the directory.
fn this_command() -> &'static str {
    let first = std::env::args().nth(1).unwrap_or_default();
    LOCKING_COMMANDS.into_iter().find(|c| *c == first).unwrap_or("command")
}

/// What a lock file says of the process that holds it: `PID [COMMAND]`.
#[derive(Debug, PartialEq, Eq)]
struct Holder {
    pid: u32,
    /// One of `LOCKING_COMMANDS`, when the file names one.
    command: Option<&'static str>,
}

impl Holder {
    fn parse(text: &str) -> Option<Holder> {
        let mut words = text.split_whitespace();
        let pid = words.next()?.parse().ok()?;
        let command = words
            .next()
            .and_then(|w| LOCKING_COMMANDS.into_iter().find(|c| *c == w));
        Some(Holder { pid, command })
    }
}

fn locked_message(lock: &Path, target: &Path, holder: Option<Holder>) -> String {
    let who = match holder {
        None => "another ecsim command".to_string(),
        Some(Holder { pid, command: None }) => format!("another ecsim command (process {pid})"),
        Some(Holder {
            pid,
            command: Some(command),
        }) => format!("another `ecsim {command}` (process {pid})"),
    };
    format!(
        "{who} is writing into --out {}; wait for it to finish or choose another --out (if no ecsim command is going on, remove {})",
        target.display(),
        lock.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_file_names_its_process_and_command() {
        assert_eq!(
            Holder::parse("41 sweep\n"),
            Some(Holder {
                pid: 41,
                command: Some("sweep")
            })
        );
        // Lock files of earlier versions hold the process id alone.
        assert_eq!(Holder::parse("41\n"), Some(Holder { pid: 41, command: None }));
        assert_eq!(Holder::parse("41 rm -rf\n"), Some(Holder { pid: 41, command: None }));
        assert_eq!(Holder::parse("x"), None);
        let message = locked_message(Path::new(".web.lock"), Path::new("web"), Holder::parse("41 sweep"));
        assert!(
            message.starts_with("another `ecsim sweep` (process 41) is writing into --out web"),
            "{message}"
        );
    }
}
