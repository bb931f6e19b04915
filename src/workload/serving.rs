//! How healthy tasks serve demand, and time-weighted averages of it over one trace interval.

const MS_PER_S: f64 = 1_000.0;

/// How a service's healthy tasks serve demand in one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServingModel {
    /// Requests per second one task serves when its CPU reservation is fully used.
    pub requests_per_second_at_full_cpu: f64,
    /// CPU utilization (% of reservation) of a task serving nothing.
    pub idle_cpu_percent: f64,
    /// Memory utilization (% of reservation) of a task serving nothing.
    pub idle_memory_percent: f64,
    /// Memory utilization (% of reservation) of a task serving at full CPU.
    pub memory_percent_at_full_cpu: f64,
}

/// The outcome of serving one demand level with a fixed number of healthy tasks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Served {
    /// Requests per second the healthy tasks served.
    pub served_rps: f64,
    /// Requests per second beyond capacity: counted as unserved, not queued.
    pub unserved_rps: f64,
    /// share of one task's capacity in use, 0..=1
    pub load_share: f64,
}

impl ServingModel {
    /// Shares demand evenly among healthy tasks, each serving up to its full-CPU rate; the rest is
    /// unserved. With 0 healthy tasks everything is unserved and the share is 0.
    pub fn serve(&self, demand_rps: f64, healthy_tasks: u32) -> Served {
        // `max` also maps a NaN demand to 0.
        let demand = demand_rps.max(0.0);
        let capacity = f64::from(healthy_tasks) * self.requests_per_second_at_full_cpu.max(0.0);
        if capacity <= 0.0 {
            // Tasks that can serve nothing are saturated by any demand.
            let saturated = healthy_tasks > 0 && demand > 0.0;
            return Served {
                served_rps: 0.0,
                unserved_rps: demand,
                load_share: if saturated { 1.0 } else { 0.0 },
            };
        }
        let served = demand.min(capacity);
        Served {
            served_rps: served,
            unserved_rps: demand - served,
            load_share: served / capacity,
        }
    }

    /// CPU utilization (% of the task's CPU reservation) of a task at `load_share`: idle + (100 - idle) * share.
    pub fn cpu_percent(&self, load_share: f64) -> f64 {
        let share = load_share.clamp(0.0, 1.0);
        self.idle_cpu_percent + (100.0 - self.idle_cpu_percent) * share
    }

    /// Memory utilization (% of reservation): idle_memory + (at_full - idle_memory) * share.
    pub fn memory_percent(&self, load_share: f64) -> f64 {
        let share = load_share.clamp(0.0, 1.0);
        self.idle_memory_percent + (self.memory_percent_at_full_cpu - self.idle_memory_percent) * share
    }
}

/// Time-weighted means over one trace interval, as `IntervalAccumulator::finish` reports them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IntervalAverages {
    /// Mean demand, requests per second.
    pub demand_rps: f64,
    /// Mean served rate, requests per second.
    pub served_rps: f64,
    /// Mean unserved rate, requests per second.
    pub unserved_rps: f64,
    /// Mean CPU utilization (%) over running tasks, weighted over time when any task ran.
    pub cpu_utilization: f64,
    /// Mean memory utilization (%) over running tasks, weighted over time when any task ran.
    pub memory_utilization: f64,
    /// Requests left unserved during the interval.
    pub unserved_requests: f64,
}

/// Time-weighted accumulator for one trace interval, fed sub-intervals of constant state.
///
/// Exact when task counts change inside an interval, because the caller splits the interval at
/// each change and calls `add` once per piece.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntervalAccumulator {
    total_ms: u64,
    running_ms: u64,
    /// Integrals over time, in (unit) x milliseconds.
    demand_rps_ms: f64,
    served_rps_ms: f64,
    unserved_rps_ms: f64,
    cpu_percent_ms: f64,
    memory_percent_ms: f64,
}

impl IntervalAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `duration_ms` during which demand, service and task counts were all constant.
    ///
    /// Healthy tasks run at `cpu_percent(share)`; running tasks that are not yet healthy idle. A
    /// `healthy_tasks` above `running_tasks` counts those tasks as running too.
    pub fn add(
        &mut self,
        duration_ms: u64,
        demand_rps: f64,
        served: &Served,
        running_tasks: u32,
        healthy_tasks: u32,
        model: &ServingModel,
    ) {
        let weight = duration_ms as f64;
        self.total_ms += duration_ms;
        self.demand_rps_ms += demand_rps.max(0.0) * weight;
        self.served_rps_ms += served.served_rps * weight;
        self.unserved_rps_ms += served.unserved_rps * weight;
        let running = running_tasks.max(healthy_tasks);
        if running == 0 || duration_ms == 0 {
            return;
        }
        let healthy = f64::from(healthy_tasks);
        let starting = f64::from(running - healthy_tasks);
        let running = f64::from(running);
        let cpu = (healthy * model.cpu_percent(served.load_share) + starting * model.cpu_percent(0.0)) / running;
        let memory =
            (healthy * model.memory_percent(served.load_share) + starting * model.memory_percent(0.0)) / running;
        self.running_ms += duration_ms;
        self.cpu_percent_ms += cpu * weight;
        self.memory_percent_ms += memory * weight;
    }

    /// Records `duration_ms` of constant state whose utilization the caller worked out (healthy
    /// tasks of revisions that serve differently): `utilization` is the mean (CPU %, memory %)
    /// over running tasks, `None` when no task ran.
    pub fn add_measured(
        &mut self,
        duration_ms: u64,
        demand_rps: f64,
        served_rps: f64,
        unserved_rps: f64,
        utilization: Option<(f64, f64)>,
    ) {
        let weight = duration_ms as f64;
        self.total_ms += duration_ms;
        self.demand_rps_ms += demand_rps.max(0.0) * weight;
        self.served_rps_ms += served_rps * weight;
        self.unserved_rps_ms += unserved_rps * weight;
        let Some((cpu, memory)) = utilization.filter(|_| duration_ms > 0) else {
            return;
        };
        self.running_ms += duration_ms;
        self.cpu_percent_ms += cpu * weight;
        self.memory_percent_ms += memory * weight;
    }

    /// The averages over everything added since the last reset; all 0 for an empty interval.
    pub fn finish(&self) -> IntervalAverages {
        let per_total = |integral: f64| mean(integral, self.total_ms);
        let per_running = |integral: f64| mean(integral, self.running_ms);
        IntervalAverages {
            demand_rps: per_total(self.demand_rps_ms),
            served_rps: per_total(self.served_rps_ms),
            unserved_rps: per_total(self.unserved_rps_ms),
            cpu_utilization: per_running(self.cpu_percent_ms),
            memory_utilization: per_running(self.memory_percent_ms),
            unserved_requests: self.unserved_rps_ms / MS_PER_S,
        }
    }

    /// Clears the accumulator to start the next interval.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// `integral / duration_ms`, or 0 over an empty duration.
fn mean(integral: f64, duration_ms: u64) -> f64 {
    if duration_ms == 0 {
        0.0
    } else {
        integral / duration_ms as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: ServingModel = ServingModel {
        requests_per_second_at_full_cpu: 100.0,
        idle_cpu_percent: 10.0,
        idle_memory_percent: 30.0,
        memory_percent_at_full_cpu: 70.0,
    };

    #[track_caller]
    fn check_serve(demand_rps: f64, healthy_tasks: u32, expected: (f64, f64, f64)) {
        let (served_rps, unserved_rps, load_share) = expected;
        let expected = Served {
            served_rps,
            unserved_rps,
            load_share,
        };
        assert_eq!(MODEL.serve(demand_rps, healthy_tasks), expected);
    }

    #[test]
    fn serve_shares_demand_among_healthy_tasks() {
        check_serve(150.0, 4, (150.0, 0.0, 0.375)); // enough tasks
        check_serve(400.0, 4, (400.0, 0.0, 1.0)); // exactly full
        check_serve(500.0, 3, (300.0, 200.0, 1.0)); // insufficient
        check_serve(80.0, 0, (0.0, 80.0, 0.0)); // no healthy task
        check_serve(0.0, 2, (0.0, 0.0, 0.0)); // no demand
        check_serve(-5.0, 2, (0.0, 0.0, 0.0)); // negative demand is none
    }

    #[test]
    fn cpu_and_memory_follow_the_load_share() {
        #[rustfmt::skip]
        let cases = [(0.0, 10.0, 30.0), (0.5, 55.0, 50.0), (1.0, 100.0, 70.0), (1.5, 100.0, 70.0), (-1.0, 10.0, 30.0)];
        for (share, cpu, memory) in cases {
            assert_eq!(MODEL.cpu_percent(share), cpu, "cpu at {share}");
            assert_eq!(MODEL.memory_percent(share), memory, "memory at {share}");
        }
    }

    /// One sub-interval: (duration_ms, demand_rps, running_tasks, healthy_tasks).
    type Piece = (u64, f64, u32, u32);

    #[track_caller]
    fn check_interval(pieces: &[Piece], expected: IntervalAverages) {
        let mut accumulator = IntervalAccumulator::new();
        for &(duration_ms, demand_rps, running_tasks, healthy_tasks) in pieces {
            let served = MODEL.serve(demand_rps, healthy_tasks);
            accumulator.add(duration_ms, demand_rps, &served, running_tasks, healthy_tasks, &MODEL);
        }
        assert_eq!(accumulator.finish(), expected);
        accumulator.reset();
        assert_eq!(accumulator.finish(), IntervalAverages::default());
    }

    #[test]
    fn accumulator_weights_sub_intervals_by_time() {
        // 30 s with 2 healthy tasks (300 demand, 100 unserved, cpu 100, memory 70), then 30 s with
        // 4 (all served at share 0.75: cpu 77.5, memory 60).
        #[rustfmt::skip]
        check_interval(&[(30_000, 300.0, 2, 2), (30_000, 300.0, 4, 4)], IntervalAverages {
            demand_rps: 300.0, served_rps: 250.0, unserved_rps: 50.0,
            cpu_utilization: 88.75, memory_utilization: 65.0, unserved_requests: 3_000.0,
        });
        // 2 healthy at share 0.5 (cpu 55) beside 2 starting at idle (10), then nothing running:
        // utilization covers only the time when tasks ran.
        #[rustfmt::skip]
        check_interval(&[(30_000, 100.0, 4, 2), (30_000, 100.0, 0, 0)], IntervalAverages {
            demand_rps: 100.0, served_rps: 50.0, unserved_rps: 50.0,
            cpu_utilization: 32.5, memory_utilization: 40.0, unserved_requests: 3_000.0,
        });
        #[rustfmt::skip]
        check_interval(&[(60_000, 20.0, 0, 0)], IntervalAverages {
            demand_rps: 20.0, served_rps: 0.0, unserved_rps: 20.0,
            cpu_utilization: 0.0, memory_utilization: 0.0, unserved_requests: 1_200.0,
        });
        check_interval(&[], IntervalAverages::default());
    }
}
