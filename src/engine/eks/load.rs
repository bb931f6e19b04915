//! Requests on Deployments: demand sampled per load step, divided evenly among Ready pods (as
//! kube-proxy and an ALB in IP mode do), and the CPU and memory that gives each pod; the
//! metrics-server samples the HPA reads are the window means of that utilization. A queue
//! worker's Ready pods take messages from its queue instead (`queue.rs`).

use crate::engine::world::World;

impl World<'_> {
    /// Samples every Deployment's demand for the load step starting now.
    pub(crate) fn on_eks_load_step(&mut self) {
        let step = self.spec.behavior.load_step.as_millis();
        for deployment in 0..self.eks.deployments.len() {
            self.accumulate_eks_load(deployment);
            let Some(profile) = self.spec.eks.deployments[deployment].load.as_ref() else {
                continue;
            };
            let mean = profile.mean_rps(self.now.0, self.spec.start_epoch_ms);
            let d = &mut self.eks.deployments[deployment];
            d.demand_rps = profile.noise.sample(mean, step, &mut d.load_rng);
        }
    }

    /// Closes the stretch of time since the Deployment's load was last accumulated: its pods and
    /// demand were constant since then.
    pub(super) fn accumulate_eks_load(&mut self, deployment: usize) {
        let now = self.now;
        let since = self.eks.deployments[deployment].accumulated_until;
        let elapsed = now.since(since).as_millis();
        if elapsed == 0 {
            return;
        }
        let spec = &self.spec.eks.deployments[deployment];
        let d = &mut self.eks.deployments[deployment];
        let ready: u32 = d.replica_sets.iter().map(|rs| rs.ready).sum();
        let running: u32 = d.replica_sets.iter().map(|rs| rs.ready + rs.running_not_ready).sum();
        let demand = d.demand_rps.max(0.0);
        let per_pod = if ready == 0 { 0.0 } else { demand / f64::from(ready) };
        d.requests.add(elapsed, demand, per_pod);
        // A queue worker's pods take messages at one busy share: (processed, capacity).
        let worker = super::queue::drain_queue(spec, d, elapsed, self.spec.behavior.load_step);
        let (mut served, mut cpu_sum, mut memory_sum) = (0.0, 0.0, 0.0);
        for revision in 0..d.replica_sets.len() {
            let (r, starting) = (
                &d.replica_sets[revision].ready,
                &d.replica_sets[revision].running_not_ready,
            );
            let model = &spec.revisions[revision].serving;
            let capacity = model.requests_per_second_at_full_cpu.max(0.0);
            let share = if capacity > 0.0 {
                (per_pod / capacity).min(1.0)
            } else {
                1.0
            };
            let share = match worker {
                _ if *r == 0 => 0.0,
                Some((processed, total)) if total > 0.0 => (processed / total).min(1.0),
                Some(_) => 0.0,
                None => share,
            };
            served += f64::from(*r) * per_pod.min(capacity);
            let (cpu, memory) = (model.cpu_percent(share), model.memory_percent(share));
            cpu_sum += f64::from(*r) * cpu + f64::from(*starting) * model.cpu_percent(0.0);
            memory_sum += f64::from(*r) * memory + f64::from(*starting) * model.memory_percent(0.0);
            d.cpu_pct_ms[revision] += cpu * elapsed as f64;
            d.memory_pct_ms[revision] += memory * elapsed as f64;
        }
        // Messages wait in the queue instead of going unserved.
        let (served, unserved) = match worker {
            Some((processed, _)) => (processed, 0.0),
            None => (served, (demand - served).max(0.0)),
        };
        let utilization = (running > 0).then(|| (cpu_sum / f64::from(running), memory_sum / f64::from(running)));
        d.accumulator
            .add_measured(elapsed, demand, served, unserved, utilization);
        d.accumulated_until = now;
    }

    /// metrics-server scrapes: each revision's sample is the mean utilization of a Ready pod over
    /// the window since the last scrape.
    pub(super) fn scrape_eks_metrics(&mut self) {
        let window = self.now.since(self.eks.last_scrape).as_millis();
        for deployment in 0..self.eks.deployments.len() {
            self.accumulate_eks_load(deployment);
            let d = &mut self.eks.deployments[deployment];
            for revision in 0..d.cpu_pct_ms.len() {
                if window > 0 {
                    d.cpu_sample_pct[revision] = d.cpu_pct_ms[revision] / window as f64;
                    d.memory_sample_pct[revision] = d.memory_pct_ms[revision] / window as f64;
                }
                d.cpu_pct_ms[revision] = 0.0;
                d.memory_pct_ms[revision] = 0.0;
            }
            d.requests.scrape(window);
        }
        self.eks.last_scrape = self.now;
    }
}
