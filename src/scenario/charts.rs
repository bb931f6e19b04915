//! `charts`: how the run's charts are drawn. Only `window` for now: the stretch of the run every
//! chart zooms to, which `ecsim run --from/--to` and `ecsim plot --from/--to` override.
//!
//! ```yaml
//! charts:
//!   window: {from: 11h30m, to: 12h30m}
//! ```

use super::diag::Diagnostics;
use super::reader::object;
use super::yaml::Node;
use crate::sim::time::SimDuration;

/// The `charts` block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartSettings {
    /// `window`: from and to, since the start of the run.
    pub window: Option<(SimDuration, SimDuration)>,
}

/// Reads `charts`, if present; `duration` is the run's, which the window must lie within.
pub fn read_charts(node: Option<&Node>, duration: Option<SimDuration>, d: &mut Diagnostics) -> ChartSettings {
    let Some(mut o) = node.and_then(|n| object(n, "charts", d)) else {
        return ChartSettings::default();
    };
    let window = o.field("window").and_then(|n| {
        let mut w = object(n, "charts.window", d)?;
        let from = w.duration("from", d).unwrap_or(SimDuration::ZERO);
        let to = w.duration("to", d).or(duration)?;
        let (to_loc, to_path) = (w.key_loc("to"), w.child("to"));
        w.finish(d);
        if to <= from {
            d.error(
                to_loc,
                &to_path,
                format!("the window must end after it starts ({from}); found to: {to}"),
                Some("e.g. `window: {from: 11h30m, to: 12h30m}`".into()),
            );
            return None;
        }
        if let Some(duration) = duration.filter(|&run| to > run) {
            d.error(
                to_loc,
                &to_path,
                format!("the window ends after the run does ({duration})"),
                Some(format!("end it at {duration} or earlier")),
            );
            return None;
        }
        Some((from, to))
    });
    o.finish(d);
    ChartSettings { window }
}
