//! Run outputs: CSV traces and `summary.json`, written from trace records (never from the world).

mod csv_sink;
mod format;
mod summary;

pub use csv_sink::{CsvSink, RunFiles};
pub use format::timestamp;
pub use summary::{ExpectationRecord, Summary, SummaryBuilder};
