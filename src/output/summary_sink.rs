//! `SummarySink`: a `TraceSink` that writes nothing and only folds the records into a
//! `SummaryBuilder`, for runs whose traces nobody reads (the runs of a sweep).

use super::summary::SummaryBuilder;
use crate::trace::{AlarmRow, ClusterRow, EventRecord, RunTotals, ServiceRow, SinkError, TaskRecord, TraceSink};

/// Feeds every record to a `SummaryBuilder`; keeps no rows, so memory stays constant.
pub struct SummarySink {
    /// The summary being built.
    pub summary: SummaryBuilder,
}

impl SummarySink {
    /// A sink feeding `summary`.
    pub fn new(summary: SummaryBuilder) -> Self {
        SummarySink { summary }
    }

    /// The summary built.
    pub fn into_summary(self) -> SummaryBuilder {
        self.summary
    }
}

impl TraceSink for SummarySink {
    fn service_row(&mut self, r: &ServiceRow<'_>) -> Result<(), SinkError> {
        self.summary.service_row(r);
        Ok(())
    }

    fn cluster_row(&mut self, r: &ClusterRow<'_>) -> Result<(), SinkError> {
        self.summary.cluster_row(r);
        Ok(())
    }

    fn event(&mut self, e: &EventRecord) -> Result<(), SinkError> {
        self.summary.event(e);
        Ok(())
    }

    fn alarm_row(&mut self, r: &AlarmRow<'_>) -> Result<(), SinkError> {
        self.summary.alarm_row(r);
        Ok(())
    }

    fn task(&mut self, t: &TaskRecord<'_>) -> Result<(), SinkError> {
        self.summary.task(t);
        Ok(())
    }

    fn job(&mut self, j: &crate::trace::JobRecord<'_>) -> Result<(), SinkError> {
        self.summary.job(j);
        Ok(())
    }

    fn forecast(&mut self, r: &crate::trace::ForecastMade<'_>) -> Result<(), SinkError> {
        self.summary.forecast(r);
        Ok(())
    }

    fn forecast_row(&mut self, r: &crate::trace::ForecastRow<'_>) -> Result<(), SinkError> {
        self.summary.forecast_row(r);
        Ok(())
    }

    fn finish(&mut self, totals: &RunTotals) -> Result<(), SinkError> {
        self.summary.finish(totals);
        Ok(())
    }
}
