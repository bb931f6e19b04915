//! Latency benchmark: the per-interval queueing estimate for a pool of 4,000 servers (Erlang C
//! by the B recursion, then p50/p95/p99 by bisection), for exponential service (closed-form
//! tail) and lognormal service (the tail by quadrature, and on the grid the engine uses), and
//! quantile-sketch inserts. Throughput
//! is estimates, or inserted values, per second. Run with
//! `cargo bench -p ecsim-bench --bench latency`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ecsim::workload::latency::grid::ServiceGrid;
use ecsim::workload::latency::{QuantileSketch, QueueModel, ServiceTime, Stability, estimate};
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

/// What the engine does per interval for a lognormal service: Erlang C, then the response tail
/// on the service's 1 % grid and p50, p95, p99 read from it (the grid is built once per service).
fn bench_lognormal_grid(c: &mut Criterion) {
    let service = ServiceTime::Lognormal {
        median_ms: 150.0,
        p95_ms: 400.0,
    };
    let grid = ServiceGrid::new(&service);
    let rate_per_s = SERVERS as f64 * UTILIZATION * 1_000.0 / service.mean_ms();
    let mut group = c.benchmark_group("latency_estimate");
    group.throughput(Throughput::Elements(1));
    group.bench_function("c4000_lognormal_grid", |b| {
        b.iter(|| {
            let model = QueueModel::poisson(black_box(rate_per_s), SERVERS, &service);
            let Ok(Stability::Stable(wait)) = model.wait() else {
                return [0.0; 3];
            };
            let curve = grid.response(&wait);
            [0.5, 0.95, 0.99].map(|q| curve.percentile_ms(q))
        });
    });
    group.finish();
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

criterion_group!(benches, bench_estimate, bench_lognormal_grid, bench_sketch);
criterion_main!(benches);
