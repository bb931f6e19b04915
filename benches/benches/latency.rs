//! Latency benchmark: the per-interval queueing estimate for a pool of 4,000 servers (Erlang C
//! by the B recursion, then p50/p95/p99 by bisection), for exponential service (closed-form
//! tail) and lognormal service (the tail by quadrature), and quantile-sketch inserts. Throughput
//! is estimates, or inserted values, per second. Run with
//! `cargo bench -p ecsim-bench --bench latency`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ecsim::workload::latency::{QuantileSketch, QueueModel, ServiceTime, estimate};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SERVERS: u64 = 4_000;
const UTILIZATION: f64 = 0.9;
const SKETCH_INSERTS: usize = 100_000;

fn estimate_for(c: &mut Criterion, name: &str, service: &ServiceTime) {
    let rate_per_s = SERVERS as f64 * UTILIZATION * 1_000.0 / service.mean_ms();
    let mut group = c.benchmark_group("latency_estimate");
    group.throughput(Throughput::Elements(1));
    group.bench_function(name, |b| {
        b.iter(|| estimate(black_box(&QueueModel::poisson(rate_per_s, SERVERS, service))));
    });
    group.finish();
}

fn bench_estimate(c: &mut Criterion) {
    estimate_for(c, "c4000_exponential", &ServiceTime::Exponential { mean_ms: 180.0 });
    estimate_for(
        c,
        "c4000_lognormal",
        &ServiceTime::Lognormal {
            median_ms: 150.0,
            p95_ms: 400.0,
        },
    );
}

fn bench_sketch(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let values: Vec<f64> = (0..SKETCH_INSERTS)
        .map(|_| -(1.0 - rng.random::<f64>()).ln() * 180.0)
        .collect();
    let mut group = c.benchmark_group("quantile_sketch");
    group.throughput(Throughput::Elements(SKETCH_INSERTS as u64));
    group.bench_function("insert", |b| {
        b.iter(|| {
            let mut sketch = QuantileSketch::default();
            for v in &values {
                let _ = sketch.insert(*v);
            }
            black_box(sketch.quantile(0.99))
        });
    });
    group.finish();
}

criterion_group!(benches, bench_estimate, bench_sketch);
criterion_main!(benches);
