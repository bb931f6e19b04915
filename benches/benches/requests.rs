//! Exact per-request mode benchmark (issue 14): one simulated hour of Poisson arrivals at
//! 5,000 requests/s over 40 targets of 14 slots, exponential service with a 180 ms mean, least
//! outstanding requests, 60 s timeout, in stretches of one minute (a trace interval). That
//! offers 900 Erlangs to 560 slots (utilization 1.6), so queues fill to the timeout and about
//! 38 % of requests time out; a second case with 72 targets (utilization 0.89) is the stable
//! counterpart. Throughput is requests (arrivals) simulated per second of wall time. Run with
//! `cargo bench -p ecsim-bench --bench requests`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ecsim::sim::time::SimTime;
use ecsim::workload::latency::ServiceTime;
use ecsim::workload::requests::{
    Arrivals, DEFAULT_TIMEOUT_MS, RateStep, RequestConfig, RequestModel, Routing, TargetId, TargetSpec, TargetState,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const RATE_PER_S: f64 = 5_000.0;
const HOUR_MS: u64 = 3_600_000;
const STRETCH_MS: u64 = 60_000;
const CONCURRENCY: u32 = 14;
const MEAN_SERVICE_MS: f64 = 180.0;

/// Arrivals, served and timed-out requests of one simulated hour over `targets` targets.
fn one_hour(targets: u64) -> (u64, u64, u64) {
    let config = RequestConfig {
        routing: Routing::LeastOutstandingRequests,
        slow_start_ms: 0,
        timeout_ms: DEFAULT_TIMEOUT_MS,
    };
    let Ok(mut model) = RequestModel::new(config, SimTime::ZERO) else {
        return (0, 0, 0);
    };
    for id in 0..targets {
        let spec = TargetSpec {
            concurrency: CONCURRENCY,
            service: ServiceTime::Exponential {
                mean_ms: MEAN_SERVICE_MS,
            },
        };
        let _ = model.add_target(TargetId(id), spec, TargetState::Healthy);
    }
    let mut arrival_rng = ChaCha8Rng::seed_from_u64(1);
    let mut service_rng = ChaCha8Rng::seed_from_u64(2);
    let (mut arrived, mut served, mut timed_out) = (0, 0, 0);
    for start_ms in (0..HOUR_MS).step_by(STRETCH_MS as usize) {
        let steps = [RateStep {
            from: SimTime(start_ms),
            requests_per_s: RATE_PER_S,
        }];
        let until = SimTime(start_ms + STRETCH_MS);
        if let Ok(report) = model.run(until, Arrivals::Poisson(&steps), &mut arrival_rng, &mut service_rng) {
            arrived += report.arrived;
            served += report.served;
            timed_out += report.timed_out;
            black_box(report.response_ms.quantile(0.99));
        }
    }
    (arrived, served, timed_out)
}

fn bench_one_hour(c: &mut Criterion) {
    let mut group = c.benchmark_group("requests");
    group.sample_size(10);
    for (name, targets) in [
        ("one_hour_5000rps_40x14_lor", 40),
        ("one_hour_5000rps_72x14_lor_stable", 72),
    ] {
        let (arrived, served, timed_out) = one_hour(targets);
        eprintln!("{name}: {arrived} requests, {served} served, {timed_out} timed out");
        group.throughput(Throughput::Elements(arrived));
        group.bench_function(name, |b| b.iter(|| black_box(one_hour(black_box(targets)))));
    }
    group.finish();
}

criterion_group!(benches, bench_one_hour);
criterion_main!(benches);
