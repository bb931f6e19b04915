//! Scale-in benchmark: choosing 100 tasks to stop among 2,000 on 500 instances in 3 Availability
//! Zones, as the service scheduler does on a scale-in.
//!
//! `no_strategy` is ECS's default choice (balance zones, then instances); `spread_binpack` is
//! `spread(attribute:ecs.availability-zone)` then `binpack(memory)`, which keeps its cells in
//! heaps; `random` is a strategy that still takes the scanning path (each pick goes over every
//! remaining task, as every strategy did before the incremental choice). Throughput is tasks chosen per second. Run with
//! `cargo bench -p ecsim-bench --bench scale_in`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ecsim::policy::task_selection::{
    RankedStopCandidate, StopCandidate, StopRule, choose_tasks_to_stop, choose_tasks_to_stop_by_strategy,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const INSTANCES: u32 = 500;
const TASKS: usize = 2_000;
const ZONES: usize = 3;
const STOPS: usize = 100;
const MEMORY_MIB: u64 = 15_700;

/// Where each task runs, in creation order: instances drawn at random (4 tasks each on average).
fn placements() -> Vec<u32> {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    (0..TASKS).map(|_| rng.random_range(0..INSTANCES)).collect()
}

fn plain_candidates(on: &[u32]) -> Vec<StopCandidate> {
    on.iter()
        .enumerate()
        .map(|(index, inst)| StopCandidate {
            index,
            not_yet_running: false,
            availability_zone: *inst as usize % ZONES,
            instance: Some(*inst),
            created_seq: index as u64,
        })
        .collect()
}

fn ranked_candidates(on: &[u32], rules: usize) -> Vec<RankedStopCandidate> {
    let mut tasks_on = vec![0u64; INSTANCES as usize];
    for inst in on {
        tasks_on[*inst as usize] += 1;
    }
    on.iter()
        .enumerate()
        .map(|(index, inst)| {
            let memory = [512u64, 1024, 2048][index % 3];
            let free = MEMORY_MIB.saturating_sub(tasks_on[*inst as usize] * 2048);
            RankedStopCandidate {
                index,
                not_yet_running: false,
                created_seq: index as u64,
                instance: Some(*inst),
                keys: [*inst as u64 % ZONES as u64, free][..rules].into(),
                amounts: [0, memory][..rules].into(),
            }
        })
        .collect()
}

fn scale_in(c: &mut Criterion) {
    let on = placements();
    let plain = plain_candidates(&on);
    let ranked = ranked_candidates(&on, 2);
    let random = ranked_candidates(&on, 1);
    let spread_binpack = [StopRule::Spread, StopRule::Binpack];
    let mut group = c.benchmark_group("scale_in");
    group.throughput(Throughput::Elements(STOPS as u64));
    group.bench_function("no_strategy_100_of_2k_tasks_on_500_instances", |b| {
        b.iter(|| black_box(choose_tasks_to_stop(black_box(&plain), STOPS)))
    });
    group.bench_function("spread_binpack_100_of_2k_tasks_on_500_instances", |b| {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        b.iter(|| {
            black_box(choose_tasks_to_stop_by_strategy(
                black_box(&ranked),
                &spread_binpack,
                STOPS,
                &mut rng,
            ))
        })
    });
    group.bench_function("random_100_of_2k_tasks_on_500_instances", |b| {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        b.iter(|| {
            black_box(choose_tasks_to_stop_by_strategy(
                black_box(&random),
                &[StopRule::Random],
                STOPS,
                &mut rng,
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, scale_in);
criterion_main!(benches);
