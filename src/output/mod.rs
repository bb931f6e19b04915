//! Run outputs: CSV traces and `summary.json`, written from trace records (never from the world).

pub mod charts;
mod csv_sink;
mod deployment_summary;
mod job_summary;
mod percentiles;
mod policy_summary;
pub mod report;
mod report_activities;
mod report_deployments;
mod report_events;
mod report_jobs;
mod summary;
mod summary_sink;
pub mod sweep_report;

pub use crate::trace::format::timestamp;
pub use crate::trace::summary::{ExpectationRecord, Summary};
pub use csv_sink::{AlarmRows, ByteBudget, CsvSink, RunFiles};
pub use summary::SummaryBuilder;
pub use summary_sink::SummarySink;
