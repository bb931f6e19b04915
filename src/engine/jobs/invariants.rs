//! The invariants of standalone tasks: every run is in exactly one place and ends exactly once.

use super::JobPhase;
use crate::engine::world::World;

impl World<'_> {
    /// Panics if a job run is lost, counted twice, or holds capacity it should not.
    pub(in crate::engine) fn check_jobs(&self) {
        let mut live = [0u32; 5];
        for (i, r) in self.jobs.runs.iter().enumerate() {
            let waiting = self.jobs.waiting[r.provider.index()].contains(&i);
            assert_eq!(
                waiting,
                r.phase == JobPhase::Waiting,
                "job run {i}: waiting list disagrees with its phase"
            );
            let on_instance = r
                .instance
                .and_then(|id| self.capacity.instances.get(id))
                .is_some_and(|inst| inst.jobs.contains(&(i as u64)));
            let holds = r.instance.is_some() && !matches!(r.phase, JobPhase::Ended | JobPhase::Waiting);
            assert_eq!(
                on_instance, holds,
                "job run {i} ({:?}): instance listing disagrees",
                r.phase
            );
            match r.phase {
                JobPhase::Waiting => live[0] += 1,
                JobPhase::Provisioning => live[1] += 1,
                JobPhase::Pending => live[2] += 1,
                JobPhase::Running => live[3] += 1,
                JobPhase::Stopping => live[4] += 1,
                JobPhase::Ended => {}
            }
        }
        assert_eq!(live, self.jobs.live, "live job counts drifted");
        let live_total: u64 = live.iter().map(|n| u64::from(*n)).sum();
        assert_eq!(
            self.jobs.ended + live_total,
            self.jobs.runs.len() as u64,
            "every job run is live or ended exactly once"
        );
    }
}
