//! Charts of a finished run, drawn from the run's files (never from the engine), as PNG and SVG
//! with an embedded font.
//!
//! The CLI reads `services.csv`, `cluster.csv`, `events.csv`, `summary.json` and `alarms.csv` into
//! [`RunData`] and calls [`render_charts`]; `ecsim run` and `ecsim plot RUN_DIR` take the same
//! path, so they produce the same bytes. One file per concern: `data` (loading), `figure` (what a
//! chart shows), `draw` and `encode` (how), `downsample`, `palette` (which colours mean what),
//! `style`, `timeline`, `annotations` (with `faults` and `deployment_events`), `log_axis` (when a
//! y axis is logarithmic), `deadlines` (the jobs chart's), `legend` (what each panel's legend lists), `scaling` (target lines, alarm periods and the datapoints
//! the alarms saw), and one file per chart kind (`load`, `tasks`, `utilization`, `deployments`,
//! `latency`, `capacity`, `cost`, `worker` for queue workers, `comparison` for alternatives,
//! `jobs` for standalone tasks).

pub mod annotations;
pub mod capacity;
pub mod comparison;
pub mod cost;
pub mod data;
pub mod deadlines;
mod deployment_events;
pub mod deployments;
pub mod downsample;
mod draw;
mod encode;
pub mod faults;
pub mod figure;
pub mod forecast;
pub mod jobs;
pub mod latency;
pub mod legend;
pub mod load;
pub mod log_axis;
pub mod palette;
pub mod revisions;
pub mod scaling;
mod services_data;
pub mod style;
pub mod sweep;
mod table;
pub mod tasks;
pub mod timeline;
pub mod traffic;
pub mod utilization;
pub mod worker;

pub use data::{DataError, RunData, RunSources, RunTexts, Source};

use figure::Figure;
use timeline::{Clock, TimeAxis, Window, describe_duration, describe_start_in};

/// Which files to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartFormat {
    /// `*.png` only.
    Png,
    /// `*.svg` only.
    Svg,
    /// Both.
    Both,
}

impl ChartFormat {
    fn png(self) -> bool {
        matches!(self, ChartFormat::Png | ChartFormat::Both)
    }
    fn svg(self) -> bool {
        matches!(self, ChartFormat::Svg | ChartFormat::Both)
    }
}

/// One rendered chart file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartFile {
    /// File name with extension, e.g. `service-web-load.png`.
    pub name: String,
    /// Chart title (for the report).
    pub title: String,
    /// File contents.
    pub bytes: Vec<u8>,
}

/// A chart that could not be drawn.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ChartError {
    /// The embedded font did not load (a broken build).
    #[error("the embedded chart font could not be registered")]
    Font,
    /// Plotters or the PNG encoder failed.
    #[error("cannot draw chart {chart}: {message}")]
    Draw {
        /// File name.
        chart: String,
        /// What failed.
        message: String,
    },
}

/// Facts every chart of a run shares.
pub struct ChartContext<'a> {
    /// The run.
    pub run: &'a RunData,
    /// The time axis.
    pub axis: TimeAxis,
    /// `Mon 2026-01-05 00:00 UTC start · 4 h simulated · seed 21`.
    pub subtitle: String,
}

impl<'a> ChartContext<'a> {
    /// The context of `run`.
    pub fn new(run: &'a RunData) -> Self {
        let s = &run.summary;
        let mut facts = Vec::new();
        if !s.start.is_empty() {
            facts.push(format!("starts {}", describe_start_in(&s.start, &s.time_zone)));
        }
        facts.push(format!("{} simulated", describe_duration(run.end_s())));
        facts.push(format!("seed {}", s.seed));
        ChartContext {
            run,
            axis: TimeAxis::for_duration(run.end_s()).with_clock(Clock::new(&s.start, &s.time_zone)),
            subtitle: facts.join(" · "),
        }
    }

    /// A title naming what is shown and the scenario.
    /// `service web` or, for an EKS Deployment, `Deployment web`: how a chart title names it.
    pub fn service_noun(&self, name: &str) -> String {
        let eks = self
            .run
            .summary
            .services
            .iter()
            .any(|s| s.service == name && s.eks_deployment);
        match eks {
            true => format!("Deployment {name}"),
            false => format!("service {name}"),
        }
    }

    pub fn title(&self, what: &str) -> String {
        if self.run.summary.scenario.is_empty() {
            what.to_string()
        } else {
            format!("{what} — {}", self.run.summary.scenario)
        }
    }
}

/// The figures of a run, in report order: per service load (when it gets requests), tasks, utilization and (when it
/// deploys) deployments; per capacity provider its capacity; then the whole run's cost.
fn figures<'a>(ctx: &ChartContext<'a>, total_cost: Option<&'a (Vec<f64>, Vec<f64>)>) -> Vec<Figure<'a>> {
    let mut figures = Vec::new();
    for service in &ctx.run.services {
        // A queue worker's messages wait in its queue: its own chart instead of requests served.
        // A service that gets no requests at all (no `load:` for it) would draw an empty chart.
        match worker::figure(ctx, service) {
            Some(figure) => figures.push(figure),
            None if load::has_requests(service) => figures.push(load::figure(ctx, service)),
            None => {}
        }
        figures.push(tasks::figure(ctx, service));
        figures.push(utilization::figure(
            ctx,
            service,
            scaling::utilization_overlays(ctx, service),
        ));
        // Only for a service that deploys, so runs without deployments draw what they always did;
        // then each deployment zoomed.
        figures.extend(deployments::figure(ctx, service));
        figures.extend(deployments::zoomed(ctx, service));
        // Only for a service with a service model (issue 14).
        figures.extend(latency::figure(ctx, service));
    }
    // Standalone tasks, in runs that have them.
    figures.extend(ctx.run.jobs.as_ref().map(|jobs| jobs::figure(ctx, jobs)));
    // The alternatives of `charts.compare` on shared axes.
    figures.extend(comparison::figure(ctx));
    // A provider no task ever used (FARGATE_SPOT beside FARGATE) would be an empty chart.
    for provider in ctx.run.providers.iter().filter(|p| capacity::has_data(p)) {
        figures.push(capacity::figure(ctx, provider));
    }
    // An outage touches the whole cluster: every chart of a service or provider shades it.
    // Drawn first, so the panel's own tints (alarms, deployments) sit over the outage's.
    let outages = annotations::outage_spans(ctx.run, ctx.axis.end_s);
    for figure in &mut figures {
        for panel in &mut figure.panels {
            let own = std::mem::take(&mut panel.spans);
            panel.spans = outages.iter().filter(|o| !own.contains(o)).cloned().collect();
            panel.spans.extend(own);
        }
    }
    if !ctx.run.providers.is_empty() {
        figures.push(cost::figure(ctx, total_cost));
    }
    figures
}

/// Calls `inspect` with the figures of `run`, in report order, before any window cuts them: what
/// each chart shows, for tests that check a chart's data rather than its pixels.
pub fn inspect_figures<R>(run: &RunData, inspect: impl FnOnce(&[Figure<'_>]) -> R) -> R {
    let ctx = ChartContext::new(run);
    let total = cost::total_cost(run);
    inspect(&figures(&ctx, total.as_ref()))
}

/// Renders every chart of `run` at the default size.
pub fn render_charts(run: &RunData, format: ChartFormat) -> Result<Vec<ChartFile>, ChartError> {
    render_charts_sized(run, format, (style::WIDTH, style::HEIGHT))
}

/// Renders every chart of `run` at `size` pixels.
pub fn render_charts_sized(run: &RunData, format: ChartFormat, size: (u32, u32)) -> Result<Vec<ChartFile>, ChartError> {
    if !style::ensure_font_registered() {
        return Err(ChartError::Font);
    }
    let ctx = ChartContext::new(run);
    let total = cost::total_cost(run);
    let run_window = run_window(run);
    let mut files = Vec::new();
    let mut stems = std::collections::BTreeSet::new();
    for figure in figures(&ctx, total.as_ref()) {
        if !stems.insert(figure.file_stem.clone()) {
            return Err(ChartError::Draw {
                chart: figure.file_stem.clone(),
                message: "two charts would be written to the same file; rename one of the services or providers".into(),
            });
        }
        let (figure, axis) = match drawn_window(figure.window, run_window) {
            Some(window) => {
                let mut zoomed = figure.within(window);
                let axis = TimeAxis::for_window(window).with_clock(ctx.axis.clock);
                zoomed.subtitle = format!("{} · window {}", zoomed.subtitle, axis.describe_window(window));
                (zoomed, axis)
            }
            None => (figure, ctx.axis.clone()),
        };
        let failed = |ext: &str| {
            let chart = format!("{}.{ext}", figure.file_stem);
            move |message: String| ChartError::Draw { chart, message }
        };
        if format.png() {
            let bytes = encode::png(&figure, &axis, size).map_err(failed("png"))?;
            files.push(ChartFile {
                name: format!("{}.png", figure.file_stem),
                title: figure.title.clone(),
                bytes,
            });
        }
        if format.svg() {
            let text = encode::svg(&figure, &axis, size).map_err(failed("svg"))?;
            files.push(ChartFile {
                name: format!("{}.svg", figure.file_stem),
                title: figure.title.clone(),
                bytes: text.into_bytes(),
            });
        }
    }
    Ok(files)
}

/// The window `figure` is drawn over: its own (a deployment's zoom), else the run's chart
/// window; `None` for the whole run. Tests cut a figure with it to see what its file shows.
pub fn window_of(run: &RunData, figure: &Figure<'_>) -> Option<Window> {
    drawn_window(figure.window, run_window(run))
}

fn drawn_window(own: Option<Window>, run: Option<Window>) -> Option<Window> {
    own.or(run)
}

/// The window every chart of `run` is drawn over (`summary.json`'s `chart_window`), unless it
/// covers the whole run.
fn run_window(run: &RunData) -> Option<Window> {
    let w = run.summary.chart_window?;
    let whole = w.from_s <= 0.0 && w.to_s >= run.end_s();
    (!whole && w.to_s > w.from_s).then_some(Window {
        from_s: w.from_s,
        to_s: w.to_s,
    })
}

/// The longest part of a file name a name becomes; longer ones are shortened with a hash.
const MAX_FILE_SAFE_BYTES: usize = 150;

/// A name as part of a file name, one to one: ASCII letters, digits, `-` and `_` kept, every
/// other byte written `%XX` (`a/b` is `a%2Fb`, `a_b` stays `a_b`, `a%2Fb` is `a%252Fb`). A result
/// longer than 150 bytes keeps its first 133 and ends in `~` and 16 hex digits of a hash (FNV-1a)
/// of the whole name, so a chart's file name stays under the 255 bytes file systems allow; `~` is
/// never kept from a name, so a shortened result never equals a whole one. (Two charts that
/// would still share a file are refused by `render_charts_sized`.)
pub fn file_safe(name: &str) -> String {
    let mut safe = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            safe.push(char::from(b));
        } else {
            safe.push_str(&format!("%{b:02X}"));
        }
    }
    if safe.len() <= MAX_FILE_SAFE_BYTES {
        return safe;
    }
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    // `safe` is ASCII, so any byte index is a character boundary.
    safe.truncate(MAX_FILE_SAFE_BYTES - 17);
    format!("{safe}~{hash:016x}")
}
