//! `load.<service>.arrivals: {file}`: request arrivals replayed one by one in exact mode
//! (issue 14), read from a file of one timestamp per line beside the scenario.

use std::sync::Arc;

use super::SourceLoader;
use super::diag::{Diagnostics, Sources};
use super::load::RunWindow;
use super::reader::object;
use super::yaml::{Loc, Node};
use crate::workload::{Interpolation, LoadShape, ReplaySeries, demand_of_arrivals, parse_arrival_times};

/// Replayed arrivals and the demand they make.
pub struct ReplayedArrivals {
    /// Arrival times, ms since the start, sorted, within the run.
    pub times_ms: Arc<[f64]>,
    /// The arrivals per load step as requests per second: the service's demand (the
    /// `demand_rps` column, target tracking on request counts, the peak check of exact mode).
    pub demand: LoadShape,
}

/// Reads `arrivals: {file}` at `path`; the file is confined to the scenario's folder and
/// limited in size like every file a scenario names.
pub fn read_arrivals(
    node: &Node,
    path: &str,
    window: &RunWindow,
    loader: &dyn SourceLoader,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> Option<ReplayedArrivals> {
    let mut o = object(node, path, d)?;
    let what = "a file of one arrival timestamp per line, relative to the scenario";
    let file = o.required_string("file", what, d);
    let file_loc = o.key_loc("file");
    o.finish(d);
    let file = file?;
    let file_path = format!("{path}.file");
    let (name, text) = match loader.read_relative(&file) {
        Ok(v) => v,
        Err(e) => {
            d.error(file_loc, &file_path, format!("cannot read `{file}`: {e}"), None);
            return None;
        }
    };
    let duration_ms = window.duration_ms.unwrap_or(u64::MAX);
    match parse_arrival_times(&text, window.start_epoch_ms, duration_ms) {
        Ok(times) => {
            let points = demand_of_arrivals(&times, window.load_step_ms);
            Some(ReplayedArrivals {
                times_ms: times.into(),
                demand: LoadShape::Replay(ReplaySeries {
                    points,
                    interpolation: Interpolation::Step,
                    scale: 1.0,
                }),
            })
        }
        Err(e) => {
            // Errors of a row start with `line N:`; the others are about the whole file.
            let line = e
                .strip_prefix("line ")
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse().ok());
            let loc = match line {
                Some(line) => Loc {
                    file: sources.add(name, text),
                    line,
                    col: 1,
                },
                None => file_loc,
            };
            let help = line.is_none().then(|| {
                "the timestamps are read against the scenario's `start` and `duration`: check both".to_string()
            });
            d.error(loc, &file_path, e, help);
            None
        }
    }
}
