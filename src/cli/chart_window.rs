//! `--from` and `--to` of `ecsim run` and `ecsim plot`: the stretch of the run the charts zoom
//! to, overriding the scenario's `charts.window`.

use clap::Args;

use crate::sim::time::parse_duration;
use crate::trace::summary::ChartWindow;

/// The zoom flags.
#[derive(Args, Debug, Default, Clone)]
pub struct ChartWindowArgs {
    /// Draw the charts from this time since the start (e.g. `11h30m`); without `--to`, to the end.
    /// `--from 0` draws the whole run whatever the scenario's `charts.window` says.
    #[arg(long, value_name = "DURATION")]
    pub from: Option<String>,
    /// Draw the charts up to this time since the start (e.g. `12h30m`); without `--from`, from
    /// the start.
    #[arg(long, value_name = "DURATION")]
    pub to: Option<String>,
}

impl ChartWindowArgs {
    /// The window to draw: the flags' if either is given, else `default`; `None` for the whole
    /// run. `end_s` is the run's length; the window must lie inside it.
    pub fn resolve(&self, default: Option<ChartWindow>, end_s: f64) -> Result<Option<ChartWindow>, String> {
        if self.from.is_none() && self.to.is_none() {
            return Ok(default);
        }
        let seconds = |flag: &str, text: &Option<String>| -> Result<Option<f64>, String> {
            text.as_deref()
                .map(|t| {
                    parse_duration(t)
                        .map(|d| d.as_millis() as f64 / 1000.0)
                        .map_err(|e| format!("--{flag} {t}: {e}"))
                })
                .transpose()
        };
        let from_s = seconds("from", &self.from)?.unwrap_or(0.0);
        let to_s = seconds("to", &self.to)?.unwrap_or(end_s);
        if to_s <= from_s {
            return Err(format!(
                "the chart window must end after it starts: --from {} --to {}",
                self.from.as_deref().unwrap_or("0"),
                self.to.as_deref().unwrap_or("(the end)")
            ));
        }
        if to_s > end_s || from_s >= end_s {
            return Err(format!(
                "the chart window {}..{} s lies beyond the run, which is {end_s} s long",
                from_s, to_s
            ));
        }
        let whole = from_s == 0.0 && to_s >= end_s;
        Ok((!whole).then_some(ChartWindow { from_s, to_s }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(from: Option<&str>, to: Option<&str>) -> ChartWindowArgs {
        ChartWindowArgs {
            from: from.map(str::to_string),
            to: to.map(str::to_string),
        }
    }

    #[test]
    fn flags_override_the_scenario_and_zero_means_the_whole_run() {
        let scenario = Some(ChartWindow {
            from_s: 60.0,
            to_s: 120.0,
        });
        assert_eq!(args(None, None).resolve(scenario, 3600.0), Ok(scenario));
        assert_eq!(
            args(Some("30m"), None).resolve(scenario, 3600.0),
            Ok(Some(ChartWindow {
                from_s: 1800.0,
                to_s: 3600.0
            }))
        );
        assert_eq!(args(Some("0"), None).resolve(scenario, 3600.0), Ok(None));
        assert_eq!(
            args(None, Some("10m")).resolve(None, 3600.0),
            Ok(Some(ChartWindow {
                from_s: 0.0,
                to_s: 600.0
            }))
        );
    }

    #[test]
    fn a_window_outside_the_run_or_backwards_is_refused() {
        assert!(args(Some("2h"), None).resolve(None, 3600.0).is_err());
        assert!(args(Some("20m"), Some("10m")).resolve(None, 3600.0).is_err());
        assert!(args(None, Some("2h")).resolve(None, 3600.0).is_err());
        let e = args(Some("soon"), None)
            .resolve(None, 3600.0)
            .expect_err("not a duration");
        assert!(e.starts_with("--from soon:"), "{e}");
    }
}
