//! Run outputs: CSV traces and `summary.json`, written from trace records (never from the world).

pub mod charts;
mod csv_sink;
mod format;
pub mod report;
mod summary;

pub use csv_sink::{CsvSink, RunFiles};
pub use format::timestamp;
pub use summary::{ExpectationRecord, Summary, SummaryBuilder};
