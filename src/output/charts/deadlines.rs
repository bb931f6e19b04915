//! The deadlines of standalone tasks on the jobs chart, derived from the scenario's own `expect:`
//! lines: `jobs.nightly.makespan_s < 1h` says each batch of `nightly` must end within an hour of
//! its firing, so a line stands at every firing of `nightly` plus one hour, labelled `deadline
//! (expect makespan < 1h)`. A lower bound (`> 1h`, as a scenario that pins a miss writes it)
//! is drawn at the same place, labelled `1h after firing (expect makespan > 1h)`.
//!
//! The firings come from `jobs.csv` (`trigger_name`, `fired_s`): a schedule's firing, not the
//! RunTask call a flexible time window delays, is where a makespan starts. The bounds come from
//! `summary.json`'s expectation records, parsed by the caller (`check::makespan_bounds`), since
//! charts do not read the `expect:` language.

use std::collections::BTreeMap;

use super::data::{DataError, Source};
use super::figure::{Marker, MarkerShape};
use super::style;
use super::table::{column, number, open_table};
use crate::sim::SimDuration;
use crate::trace::jobs::job_runs;

/// Legend of a deadline line.
pub const DEADLINE_LEGEND: &str = "deadline (from expect:)";

/// Firings beyond which a trigger's deadlines are not drawn: an event rule firing every few
/// seconds would cover the chart with lines.
const MOST_FIRINGS: usize = 24;

/// One `expect:` line that bounds the makespan of a trigger's batches by a constant.
#[derive(Clone, Debug, PartialEq)]
pub struct MakespanBound {
    /// The trigger it names (`jobs.nightly.makespan_s`); `None` for `jobs.makespan_s`, which
    /// bounds every trigger.
    pub trigger: Option<String>,
    /// The bound, seconds.
    pub seconds: f64,
    /// Whether the makespan must stay below it (`<`, `<=`: a deadline) or above it.
    pub upper: bool,
    /// The comparison as written, with the makespan on the left: `<`, `<=`, `>`, `>=`.
    pub operator: &'static str,
}

/// The distinct firing times of each trigger, seconds, from `jobs.csv`.
pub fn parse_job_firings(source: Source<'_>) -> Result<BTreeMap<String, Vec<f64>>, DataError> {
    let file = job_runs::FILE;
    let (header, mut reader) = open_table(file, source)?;
    let name = column(file, &header, job_runs::TRIGGER_NAME)?;
    let fired = column(file, &header, job_runs::FIRED_S)?;
    let mut firings: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut row = csv::StringRecord::new();
    let mut line = 1;
    while reader.read_record(&mut row).map_err(|e| DataError {
        file,
        message: e.to_string(),
    })? {
        line += 1;
        let time_s = number(file, &row, fired, line)?;
        if time_s.is_finite() {
            firings
                .entry(row.get(name).unwrap_or("").to_string())
                .or_default()
                .push(time_s);
        }
    }
    for times in firings.values_mut() {
        times.sort_by(f64::total_cmp);
        times.dedup();
    }
    Ok(firings)
}

/// A line at each firing plus each bound, for the triggers with at most [`MOST_FIRINGS`]
/// firings, labelled with the expectation it comes from (`nightly deadline (expect makespan <
/// 1h)` when the run has several triggers).
pub fn deadline_markers(firings: &BTreeMap<String, Vec<f64>>, bounds: &[MakespanBound]) -> Vec<Marker> {
    let mut markers = Vec::new();
    for bound in bounds {
        let bound_text = describe_seconds(bound.seconds);
        let expectation = format!("expect makespan {} {bound_text}", bound.operator);
        for (trigger, times) in firings {
            if bound.trigger.as_ref().is_some_and(|t| t != trigger) || times.len() > MOST_FIRINGS {
                continue;
            }
            let what = if bound.upper {
                "deadline".to_string()
            } else {
                format!("{bound_text} after firing")
            };
            let who = if firings.len() > 1 {
                format!("{trigger} ")
            } else {
                String::new()
            };
            for &fired_s in times {
                markers.push(Marker {
                    time_s: fired_s + bound.seconds,
                    label: format!("{who}{what} ({expectation})"),
                    legend: DEADLINE_LEGEND.to_string(),
                    stroke: style::DEADLINE,
                    shape: MarkerShape::VerticalLine,
                    label_priority: 90_000,
                });
            }
        }
    }
    markers
}

/// `1h`, `45m`, `1800.5s`: a bound as a duration when it is whole milliseconds.
fn describe_seconds(seconds: f64) -> String {
    let ms = seconds * 1000.0;
    if ms >= 0.0 && ms.fract() == 0.0 && ms < u64::MAX as f64 {
        SimDuration(ms as u64).to_string()
    } else {
        format!("{seconds} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(trigger: Option<&str>, seconds: f64, upper: bool) -> MakespanBound {
        MakespanBound {
            trigger: trigger.map(str::to_string),
            seconds,
            upper,
            operator: if upper { "<" } else { ">" },
        }
    }

    #[test]
    fn a_deadline_stands_at_each_firing_plus_the_bound() {
        let text = "job_id,trigger,trigger_name,fired_s\n\
                    j-1,runTask,nightly,7200\n\
                    j-2,runTask,nightly,7200\n\
                    j-3,schedule,nightly,93600\n\
                    j-4,rule,uploads,10.5\n";
        let firings = parse_job_firings(Source::Text(text)).expect("parses");
        assert_eq!(firings["nightly"], [7200.0, 93_600.0]);
        let markers = deadline_markers(&firings, &[bound(Some("nightly"), 3600.0, true)]);
        let at: Vec<(f64, &str)> = markers.iter().map(|m| (m.time_s, m.label.as_str())).collect();
        assert_eq!(
            at,
            [
                (10_800.0, "nightly deadline (expect makespan < 1h)"),
                (97_200.0, "nightly deadline (expect makespan < 1h)")
            ]
        );
        assert!(markers.iter().all(|m| m.legend == DEADLINE_LEGEND));
        // `jobs.makespan_s` bounds every trigger; a lower bound is not called a deadline.
        let markers = deadline_markers(&firings, &[bound(None, 1800.0, false)]);
        assert_eq!(markers.len(), 3);
        assert_eq!(markers[2].label, "uploads 30m after firing (expect makespan > 30m)");
    }

    #[test]
    fn a_trigger_that_fires_all_the_time_gets_no_lines() {
        let mut firings = BTreeMap::new();
        firings.insert("uploads".to_string(), (0..100).map(f64::from).collect::<Vec<_>>());
        assert!(deadline_markers(&firings, &[bound(None, 60.0, true)]).is_empty());
    }
}
