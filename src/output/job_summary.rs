//! The jobs part of `summary.json`: counts by outcome, the wait for capacity, cost per job, and
//! each trigger's makespan, folded from `jobs.csv`'s records.

use std::collections::{BTreeMap, BTreeSet};

use crate::trace::summary::{JobsSummary, TriggerSummary};
use crate::trace::{JobOutcome, JobRecord};

/// Aggregates of the job records seen so far.
#[derive(Clone, Debug, Default)]
pub struct JobAccumulator {
    summary: JobsSummary,
    jobs: BTreeSet<u64>,
    waits_s: Vec<f64>,
    /// Per (kind, name).
    triggers: BTreeMap<(String, String), TriggerAccumulator>,
}

/// One trigger's figures, its jobs, and per firing time the latest end of its batch.
#[derive(Clone, Debug, Default)]
struct TriggerAccumulator {
    figures: TriggerSummary,
    jobs: BTreeSet<u64>,
    batch_end_ms: BTreeMap<u64, u64>,
}

impl JobAccumulator {
    /// Folds in one attempt (`end_ms`: the run's end, for attempts still going).
    pub fn add(&mut self, j: &JobRecord<'_>, end_ms: u64) {
        let s = &mut self.summary;
        s.attempts += 1;
        match j.outcome {
            JobOutcome::Completed => s.completed += 1,
            JobOutcome::Failed => s.failed += 1,
            JobOutcome::Interrupted => s.interrupted += 1,
            JobOutcome::Abandoned => s.abandoned += 1,
            JobOutcome::Unfinished => s.unfinished += 1,
        }
        s.cost_usd += j.cost_usd;
        self.jobs.insert(j.job_id);
        self.waits_s.push(j.wait_s());
        let key = (j.trigger_kind.to_string(), j.trigger_name.to_string());
        let acc = self.triggers.entry(key).or_default();
        let (t, jobs, ends) = (&mut acc.figures, &mut acc.jobs, &mut acc.batch_end_ms);
        t.kind = j.trigger_kind.to_string();
        t.name = j.trigger_name.to_string();
        jobs.insert(j.job_id);
        t.completed += u64::from(j.outcome == JobOutcome::Completed);
        t.failed += u64::from(j.outcome == JobOutcome::Failed);
        t.interrupted += u64::from(j.outcome == JobOutcome::Interrupted);
        t.abandoned += u64::from(j.outcome == JobOutcome::Abandoned);
        t.cost_usd += j.cost_usd;
        let ended = j.ended_ms.unwrap_or(end_ms);
        let latest = ends.entry(j.fired_ms).or_insert(ended);
        *latest = (*latest).max(ended);
    }

    /// The figures.
    pub fn summary(&self) -> JobsSummary {
        let mut s = self.summary.clone();
        s.jobs = self.jobs.len() as u64;
        let mut waits = self.waits_s.clone();
        waits.sort_by(f64::total_cmp);
        s.wait_p50_s = round3(nearest_rank(&waits, 50.0));
        s.wait_p95_s = round3(nearest_rank(&waits, 95.0));
        s.wait_max_s = round3(waits.last().copied().unwrap_or(0.0));
        s.cost_usd = round6(s.cost_usd);
        s.cost_per_job_usd = match s.jobs {
            0 => 0.0,
            n => round6(self.summary.cost_usd / n as f64),
        };
        s.triggers = self
            .triggers
            .values()
            .map(|acc| TriggerSummary {
                firings: acc.batch_end_ms.len() as u64,
                jobs: acc.jobs.len() as u64,
                makespan_s: round3(
                    acc.batch_end_ms
                        .iter()
                        .map(|(fired, end)| end.saturating_sub(*fired) as f64 / 1000.0)
                        .fold(0.0, f64::max),
                ),
                cost_usd: round6(acc.figures.cost_usd),
                ..acc.figures.clone()
            })
            .collect();
        s
    }
}

/// The nearest-rank percentile `q` of sorted `values` (0 when empty).
fn nearest_rank(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn round3(v: f64) -> f64 {
    (v * 1e3).round() / 1e3
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(
        job_id: u64,
        fired_ms: u64,
        placed_ms: u64,
        ended_ms: u64,
        outcome: JobOutcome,
        cost: f64,
    ) -> JobRecord<'static> {
        JobRecord {
            job_id,
            trigger_kind: "runTask",
            trigger_name: "nightly",
            fired_ms,
            attempt: 1,
            task_definition: "batch:1",
            group: "family:batch",
            capacity_provider: "cp",
            created_ms: fired_ms,
            placed_ms: Some(placed_ms),
            started_ms: Some(placed_ms + 10_000),
            ended_ms: Some(ended_ms),
            instance: "i-1",
            outcome,
            exit_code: Some(0),
            reason: "",
            cost_usd: cost,
        }
    }

    #[test]
    fn counts_waits_cost_per_job_and_makespan() {
        let mut acc = JobAccumulator::default();
        acc.add(&record(1, 0, 0, 600_000, JobOutcome::Completed, 0.25), 0);
        acc.add(&record(2, 0, 300_000, 1_200_000, JobOutcome::Failed, 0.75), 0);
        acc.add(
            &record(3, 3_600_000, 3_600_000, 3_700_000, JobOutcome::Completed, 0.5),
            0,
        );
        let s = acc.summary();
        assert_eq!((s.jobs, s.attempts, s.completed, s.failed), (3, 3, 2, 1));
        assert_eq!(s.cost_usd, 1.5);
        assert_eq!(s.cost_per_job_usd, 0.5);
        // Waits 0, 300, 0 s: the median is 0, the 95th percentile 300.
        assert_eq!((s.wait_p50_s, s.wait_p95_s, s.wait_max_s), (0.0, 300.0, 300.0));
        let t = &s.triggers[0];
        assert_eq!((t.firings, t.jobs), (2, 3));
        // The first firing's batch ends at 1,200 s; the second's takes 100 s.
        assert_eq!(t.makespan_s, 1200.0);
    }
}
