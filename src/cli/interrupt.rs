//! Stopping a run on request: SIGINT or SIGTERM, or a wall-clock `--timeout`. The engine asks at
//! event boundaries (every few thousand events) whether to go on; a stopped run writes nothing
//! (its staging directory is removed), says why, and exits 130 (SIGINT), 143 (SIGTERM) or 2 (the
//! timeout, a limit the user set).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};

/// Why a run should stop now, if it should.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM.
    Terminate,
    /// The `--timeout` passed.
    Timeout(Duration),
}

impl StopReason {
    /// The process exit code: 128 + the signal's number, or 2 for the timeout.
    pub fn exit_code(self) -> u8 {
        match self {
            StopReason::Interrupt => 130,
            StopReason::Terminate => 143,
            StopReason::Timeout(_) => super::EXIT_BAD_INPUT,
        }
    }

    /// What stopped the run, for its message.
    pub fn describe(self) -> String {
        match self {
            StopReason::Interrupt => "interrupted (SIGINT)".to_string(),
            StopReason::Terminate => "terminated (SIGTERM)".to_string(),
            StopReason::Timeout(limit) => format!(
                "stopped by --timeout after {} s of wall-clock time; raise --timeout, or shorten the scenario",
                limit.as_secs_f64()
            ),
        }
    }
}

/// Watches for SIGINT and SIGTERM (from `install` on) and for a deadline.
pub struct StopWatch {
    signal: Arc<AtomicUsize>,
    deadline: Option<(Instant, Duration)>,
}

impl StopWatch {
    /// Registers the signal handlers; `timeout` is the wall-clock limit of the run, if any.
    pub fn install(timeout: Option<Duration>) -> StopWatch {
        let signal = Arc::new(AtomicUsize::new(0));
        // If a handler cannot be registered the signal keeps its default action (the process
        // ends): no worse than before, so the error is not fatal.
        for number in [SIGINT, SIGTERM] {
            let _ = signal_hook::flag::register_usize(number, Arc::clone(&signal), number as usize);
        }
        StopWatch {
            signal,
            deadline: timeout.map(|t| (Instant::now() + t, t)),
        }
    }

    /// A watch that never stops a run: no handlers, no deadline (for tests).
    #[cfg(test)]
    pub fn inert() -> StopWatch {
        StopWatch {
            signal: Arc::new(AtomicUsize::new(0)),
            deadline: None,
        }
    }

    /// Why to stop now, if anything asks for it.
    pub fn reason(&self) -> Option<StopReason> {
        match self.signal.load(Ordering::SeqCst) {
            n if n == SIGINT as usize => return Some(StopReason::Interrupt),
            n if n == SIGTERM as usize => return Some(StopReason::Terminate),
            _ => {}
        }
        let (at, limit) = self.deadline?;
        (Instant::now() >= at).then_some(StopReason::Timeout(limit))
    }
}
