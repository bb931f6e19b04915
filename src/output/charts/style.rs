//! The look shared by every chart: one stroke per series and per marker kind (colours from
//! `palette`), sizes and the embedded font.
//!
//! A series keeps its colour on every chart (running is always blue, pending always orange, what
//! was asked for is always black, a shortfall is always vermillion), and markers and shaded spans
//! use dark inks no series uses (a fault is crimson, a scheduled action purple), so a reader learns
//! the colours once and never mistakes an event for data.

use std::sync::OnceLock;

use plotters::style::{FontStyle, RGBColor, register_font};

/// The family name the embedded font is registered under; every text style uses it.
pub const FONT_FAMILY: &str = "sans-serif";

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/LICENSE-DejaVu.txt`), compiled into the
/// binary so charts need no fontconfig, freetype or system font.
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font once per process. Plotters looks fonts up by family name; without
/// this the bitmap backend cannot draw text at all.
pub fn ensure_font_registered() -> bool {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    *REGISTERED.get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES).is_ok())
}

/// Default chart width in pixels: reads on a laptop screen and fills a 16:9 slide.
pub const WIDTH: u32 = 1200;
/// Default chart height in pixels.
pub const HEIGHT: u32 = 600;
/// Width of the right-hand column that holds the legend, outside the plot area.
pub const LEGEND_WIDTH: u32 = 240;
/// Height of the title block (title and subtitle).
pub const HEADER_HEIGHT: i32 = 66;
/// Height of one row of annotation labels above the plot.
pub const LABEL_ROW_HEIGHT: i32 = 17;
/// At most this many rows of annotation labels; further labels are dropped, their lines stay.
pub const MAX_LABEL_ROWS: usize = 3;

/// Font sizes in pixels.
pub const TITLE_SIZE: f64 = 24.0;
/// Subtitle (scenario facts) size.
pub const SUBTITLE_SIZE: f64 = 15.0;
/// Axis description size.
pub const AXIS_DESC_SIZE: f64 = 16.0;
/// Tick label size.
pub const TICK_SIZE: f64 = 14.0;
/// Legend text size.
pub const LEGEND_SIZE: f64 = 15.0;
/// Annotation label size.
pub const ANNOTATION_SIZE: f64 = 13.0;

/// Okabe-Ito: distinguishable with the common colour-vision deficiencies. The series colours of
/// [`palette`](super::palette), by their usual names.
pub mod okabe_ito {
    pub use super::super::palette::series::{
        BLACK, BLUE, BLUISH_GREEN, ORANGE, REDDISH_PURPLE, SKY_BLUE, VERMILLION, YELLOW,
    };
}

use super::palette::{marker, series::*};

/// Greys for text, grid and neutral bands.
pub const TEXT_GREY: RGBColor = RGBColor(80, 80, 80);
/// Light grid lines.
pub const GRID_GREY: RGBColor = RGBColor(232, 232, 232);
/// Major grid lines.
pub const GRID_GREY_BOLD: RGBColor = RGBColor(205, 205, 205);
/// Neutral band fill (min-max capacity).
pub const BAND_GREY: RGBColor = super::palette::series::BAND_GREY;
/// Generic event markers (deployments) of kinds without their own colour.
pub const MARKER_GREY: RGBColor = marker::DARK_GREY;

/// How one series is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    /// Line colour.
    pub color: RGBColor,
    /// Line width in pixels.
    pub width: u32,
    /// Dashed (targets and asks) or solid (measurements).
    pub dashed: bool,
}

const fn solid(color: RGBColor, width: u32) -> Stroke {
    Stroke {
        color,
        width,
        dashed: false,
    }
}

const fn dashed(color: RGBColor, width: u32) -> Stroke {
    Stroke {
        color,
        width,
        dashed: true,
    }
}

/// Requests arriving: what was asked for (black).
pub const DEMAND: Stroke = solid(BLACK, 2);
/// Requests served (green: delivered).
pub const SERVED: Stroke = solid(BLUISH_GREEN, 2);
/// Demand above what was served (vermillion: shortfall), drawn as a fill.
pub const UNSERVED: Stroke = solid(VERMILLION, 1);
/// desiredCount: what was asked for (black, dashed like a target).
pub const DESIRED: Stroke = dashed(BLACK, 2);
/// RUNNING tasks (blue: running).
pub const RUNNING: Stroke = solid(BLUE, 2);
/// Predictive scaling's capacity forecast, dashed like a target: vermillion, a colour the tasks
/// chart uses for nothing else.
pub const FORECAST_CAPACITY: Stroke = dashed(VERMILLION, 2);
/// Tasks starting (orange: pending).
pub const PENDING: Stroke = solid(ORANGE, 2);
/// Healthy tasks (green), drawn wider under RUNNING so both stay visible when equal.
pub const HEALTHY: Stroke = solid(BLUISH_GREEN, 5);
/// The scalable target's MinCapacity-MaxCapacity band, drawn as a fill.
pub const CAPACITY_BAND: Stroke = solid(BAND_GREY, 1);
/// CPU utilization.
pub const CPU: Stroke = solid(REDDISH_PURPLE, 2);
/// Memory utilization.
pub const MEMORY: Stroke = solid(SKY_BLUE, 2);
/// Registered container instances (blue: running).
pub const INSTANCES: Stroke = solid(BLUE, 2);
/// Instances launched, not yet registered (orange: pending).
pub const INSTANCES_PENDING: Stroke = solid(ORANGE, 2);
/// CapacityProviderReservation.
pub const RESERVATION: Stroke = solid(REDDISH_PURPLE, 2);
/// Total cost when there are several providers.
pub const COST_TOTAL: Stroke = dashed(BLACK, 2);
/// Faults (crimson: something broke).
pub const FAULT: Stroke = solid(marker::CRIMSON, 2);
/// A fault ends (a zone recovers): the crimson of the fault, dashed, so the end of an outage is
/// not read as a second failure.
pub const FAULT_RECOVERED: Stroke = dashed(marker::CRIMSON, 2);
/// An Availability Zone outage, shaded from its start to its recovery.
pub const OUTAGE: Stroke = solid(marker::OLIVE, 2);
/// Spot interruptions, drawn as small triangles on the bottom edge (crimson: a fault).
pub const SPOT_INTERRUPTION: Stroke = solid(marker::CRIMSON, 1);
/// Service updates (desiredCount changed by an operator), purple like a scheduled action.
pub const SERVICE_UPDATE: Stroke = dashed(marker::PURPLE, 1);
/// `UpdateTaskProtection` calls: forest green, a colour of their own (not UpdateService's
/// purple: protection changes no desired count).
pub const TASK_PROTECTION: Stroke = solid(marker::FOREST, 2);
/// A deadline of standalone tasks (a makespan expectation's bound after a firing): magenta,
/// dashed like a target.
pub const DEADLINE: Stroke = dashed(marker::MAGENTA, 2);
/// Placement failures, drawn as small triangles on the bottom edge (olive: no room).
pub const PLACEMENT_FAILURE: Stroke = solid(marker::OLIVE, 1);
/// Other timeline events (deployments, rollbacks).
pub const OTHER_EVENT: Stroke = dashed(MARKER_GREY, 1);
/// RUNNING tasks while no deployment is in progress (the current revision), a stacked area: a
/// lighter blue than the new revision it becomes.
pub const CURRENT_TASKS: Stroke = solid(SKY_BLUE, 1);
/// RUNNING tasks of the service's PRIMARY deployment (the new revision), a stacked area.
pub const PRIMARY_TASKS: Stroke = solid(BLUE, 1);
/// RUNNING tasks of its ACTIVE deployments (the old revision), stacked on the primary ones.
pub const ACTIVE_TASKS: Stroke = solid(YELLOW, 1);
/// Tasks of the revision a rollback in progress returns to.
pub const ROLLBACK_TASKS: Stroke = solid(REDDISH_PURPLE, 1);
/// A deployment in progress, shaded from its start to its end.
pub const DEPLOYMENT_SPAN: Stroke = solid(MARKER_GREY, 1);
/// A rollback in progress, shaded from its start to its end: navy (a rollback is a deployment),
/// not plum, whose tint was the pink of the rollback's own tasks stacked on it.
pub const ROLLBACK_SPAN: Stroke = solid(marker::NAVY, 1);
/// A deployment starts (navy).
pub const DEPLOYMENT_STARTED: Stroke = solid(marker::NAVY, 1);
/// A deployment completes (dark grey, heavier than its start).
pub const DEPLOYMENT_COMPLETED: Stroke = solid(MARKER_GREY, 2);
/// A deployment fails (circuit breaker or alarm): plum, near the crimson of a fault.
pub const DEPLOYMENT_FAILED: Stroke = solid(marker::PLUM, 2);
/// A rollback starts: plum, dashed.
pub const ROLLBACK_STARTED: Stroke = dashed(marker::PLUM, 2);
/// A rollback event of the service scheduler: crimson, dashed.
pub const ROLLBACK: Stroke = dashed(marker::CRIMSON, 2);
/// A deployment is stuck (unable to stop or start tasks): olive, like placements that find no room.
pub const DEPLOYMENT_STALLED: Stroke = dashed(marker::OLIVE, 2);
/// A scaling activity that raised desiredCount (brown, like the high alarm that caused it).
pub const SCALE_OUT: Stroke = dashed(marker::BROWN, 1);
/// A scaling activity that lowered desiredCount (dark teal, like the low alarm that caused it).
pub const SCALE_IN: Stroke = dashed(marker::DARK_TEAL, 1);
/// A scheduled action that moved desiredCount into its new bounds (purple: an operator's hand).
pub const SCHEDULED_ACTION: Stroke = solid(marker::PURPLE, 2);
/// A predictive scaling policy raised desiredCount to its forecast minimum (magenta: a forecast,
/// not an alarm; solid like a scheduled action, which it resembles).
pub const PREDICTIVE_SCALING: Stroke = solid(marker::MAGENTA, 1);
/// Periods a high alarm (`>`, `>=`) was in ALARM, drawn as a tint.
pub const ALARM_HIGH: Stroke = solid(marker::BROWN, 1);
/// Periods a low alarm (`<`, `<=`) was in ALARM, drawn as a tint.
pub const ALARM_LOW: Stroke = solid(marker::DARK_TEAL, 1);
/// Periods two or more alarms of one chart were in ALARM at once, drawn as one tint of its own
/// (named in the legend) instead of overlapping tints that would blend into an unnamed colour.
pub const ALARMS_TOGETHER: Stroke = solid(marker::DARK_GREY, 1);
/// The threshold of a user alarm on high values.
pub const ALARM_HIGH_THRESHOLD: Stroke = dashed(marker::BROWN, 2);
/// The threshold of a user alarm on low values.
pub const ALARM_LOW_THRESHOLD: Stroke = dashed(marker::DARK_TEAL, 2);
/// A target tracking policy's `TargetValue`.
pub const TARGET_VALUE: Stroke = dashed(BLACK, 2);
/// Median response time.
pub const LATENCY_P50: Stroke = solid(BLUISH_GREEN, 2);
/// 95th percentile of the response time.
pub const LATENCY_P95: Stroke = solid(ORANGE, 2);
/// 99th percentile of the response time.
pub const LATENCY_P99: Stroke = solid(VERMILLION, 2);
/// The request timeout (`behavior.latency.timeout`).
pub const TIMEOUT: Stroke = dashed(BLACK, 2);
/// RequestCountPerTarget as the alarms saw it.
pub const REQUESTS_PER_TARGET: Stroke = solid(BLUISH_GREEN, 2);

/// The datapoints alarms evaluated, drawn as dots beside the per-interval metric.
pub const ALARM_DATAPOINTS: Stroke = solid(BLACK, 2);
/// Standalone tasks interrupted so far: a series colour, not the crimson of the fault that
/// interrupted them.
pub const JOBS_INTERRUPTED: Stroke = solid(REDDISH_PURPLE, 2);
/// Tasks waiting for capacity (PROVISIONING), apart from those starting (PENDING).
pub const PROVISIONING: Stroke = dashed(ORANGE, 2);

/// The strokes of data series (lines, bands, stacked areas, points): series colours only.
pub const SERIES_STROKES: &[(&str, Stroke)] = &[
    ("DEMAND", DEMAND),
    ("SERVED", SERVED),
    ("UNSERVED", UNSERVED),
    ("DESIRED", DESIRED),
    ("RUNNING", RUNNING),
    ("PENDING", PENDING),
    ("HEALTHY", HEALTHY),
    ("CAPACITY_BAND", CAPACITY_BAND),
    ("CPU", CPU),
    ("MEMORY", MEMORY),
    ("INSTANCES", INSTANCES),
    ("INSTANCES_PENDING", INSTANCES_PENDING),
    ("RESERVATION", RESERVATION),
    ("COST_TOTAL", COST_TOTAL),
    ("CURRENT_TASKS", CURRENT_TASKS),
    ("PRIMARY_TASKS", PRIMARY_TASKS),
    ("ACTIVE_TASKS", ACTIVE_TASKS),
    ("TARGET_VALUE", TARGET_VALUE),
    ("LATENCY_P50", LATENCY_P50),
    ("LATENCY_P95", LATENCY_P95),
    ("LATENCY_P99", LATENCY_P99),
    ("TIMEOUT", TIMEOUT),
    ("REQUESTS_PER_TARGET", REQUESTS_PER_TARGET),
    ("ALARM_DATAPOINTS", ALARM_DATAPOINTS),
    ("PROVISIONING", PROVISIONING),
    ("JOBS_INTERRUPTED", JOBS_INTERRUPTED),
];

/// The strokes of timeline markers, shaded spans and alarm thresholds: marker colours only.
pub const MARKER_STROKES: &[(&str, Stroke)] = &[
    ("FAULT", FAULT),
    ("OUTAGE", OUTAGE),
    ("SPOT_INTERRUPTION", SPOT_INTERRUPTION),
    ("SERVICE_UPDATE", SERVICE_UPDATE),
    ("TASK_PROTECTION", TASK_PROTECTION),
    ("DEADLINE", DEADLINE),
    ("PLACEMENT_FAILURE", PLACEMENT_FAILURE),
    ("OTHER_EVENT", OTHER_EVENT),
    ("DEPLOYMENT_SPAN", DEPLOYMENT_SPAN),
    ("ROLLBACK_SPAN", ROLLBACK_SPAN),
    ("DEPLOYMENT_STARTED", DEPLOYMENT_STARTED),
    ("DEPLOYMENT_COMPLETED", DEPLOYMENT_COMPLETED),
    ("DEPLOYMENT_FAILED", DEPLOYMENT_FAILED),
    ("ROLLBACK_STARTED", ROLLBACK_STARTED),
    ("ROLLBACK", ROLLBACK),
    ("DEPLOYMENT_STALLED", DEPLOYMENT_STALLED),
    ("SCALE_OUT", SCALE_OUT),
    ("SCALE_IN", SCALE_IN),
    ("SCHEDULED_ACTION", SCHEDULED_ACTION),
    ("PREDICTIVE_SCALING", PREDICTIVE_SCALING),
    ("ALARM_HIGH", ALARM_HIGH),
    ("ALARM_LOW", ALARM_LOW),
    ("ALARMS_TOGETHER", ALARMS_TOGETHER),
    ("ALARM_HIGH_THRESHOLD", ALARM_HIGH_THRESHOLD),
    ("ALARM_LOW_THRESHOLD", ALARM_LOW_THRESHOLD),
];

/// Cost lines, one colour per capacity provider in provider order.
const PROVIDER_COLORS: [RGBColor; 6] = [BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE, SKY_BLUE, VERMILLION];

/// The cost line of the `index`-th capacity provider.
pub fn provider_cost(index: usize) -> Stroke {
    solid(PROVIDER_COLORS[index % PROVIDER_COLORS.len()], 2)
}

/// Fill opacity of bands (unserved demand, capacity band).
pub const BAND_ALPHA: f64 = 0.35;
/// Fill opacity of stacked areas (tasks per deployment): stronger than a band, as they are the
/// data itself.
pub const STACK_ALPHA: f64 = 0.55;
/// Fill opacity of shaded time spans (alarm periods, deployments, outages).
pub const SPAN_ALPHA: f64 = 0.2;
/// Fill opacity of a bar along the top of the plot (a fault until steady state): nearly solid,
/// so it reads over any tint.
pub const BAR_ALPHA: f64 = 0.8;
