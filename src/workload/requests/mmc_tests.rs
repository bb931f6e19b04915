//! Validation against M/M/c: one target with c slots (one FIFO queue shared by c servers),
//! exponential service and Poisson arrivals at a constant rate reproduce Erlang C's mean wait
//! and response-time percentiles of Latency A3's computed grid.
//!
//! Method (batch means): after a warm-up stretch that is thrown away, the run is `BATCHES`
//! stretches of equal length. The estimate is over all of them pooled; its standard error is
//! the spread of the per-stretch estimates over sqrt(BATCHES). A figure passes when it is within
//! 4 standard errors plus the sketch's 1 % relative accuracy plus the reference's printing of
//! the value, and the standard error is itself at most `max_relative_se` of the value, so a
//! noisy run cannot pass by being noisy. At 4 standard errors a correct model fails a given
//! figure with probability about 6e-5; the seeds are fixed, so each test is deterministic.
//!
//! Units: μ = 1 per second (mean service 1 000 ms), so the table's times, in units of 1/μ, are
//! our milliseconds over 1 000. The long runs (about 30 million requests in all) take minutes in
//! the unoptimised test profile and are `#[ignore]`d; `cargo test --release -- --ignored mmc`
//! runs them. The always-on variants use fewer requests and a looser standard-error cap.

use super::Routing;
use super::test_support::{NO_TIMEOUT_MS, Totals, exponential, model, streams, stretch};
use crate::workload::latency::test_support::printed;

const MEAN_SERVICE_MS: f64 = 1_000.0;
const BATCHES: usize = 20;
/// Standard errors allowed between the estimate and the reference.
const SIGMAS: f64 = 4.0;
/// The sketch's relative accuracy (`QuantileSketch::default`).
const SKETCH_ACCURACY: f64 = 0.01;

/// One row of Latency A3's grid: c, ρ, and Wq, T p50, T p95, T p99 as printed.
struct Row {
    row: u32,
    servers: u32,
    utilization: f64,
    printed: [&'static str; 4],
}

const ROW_1: Row = Row {
    row: 1,
    servers: 1,
    utilization: 0.50,
    printed: ["1", "1.386", "5.991", "9.210"],
};
const ROW_7: Row = Row {
    row: 7,
    servers: 2,
    utilization: 0.80,
    printed: ["1.77778", "2.040", "7.911", "11.94"],
};
const ROW_13: Row = Row {
    row: 13,
    servers: 10,
    utilization: 0.90,
    printed: ["0.668732", "1.329", "4.361", "6.250"],
};
const ROW_14: Row = Row {
    row: 14,
    servers: 10,
    utilization: 0.95,
    printed: ["1.65117", "2.091", "6.970", "10.21"],
};
const ROW_19: Row = Row {
    row: 19,
    servers: 50,
    utilization: 0.95,
    printed: ["0.251638", "0.972", "3.344", "4.955"],
};

/// The four figures of one stretch (or of the pooled run), in units of the mean service time.
fn figures(t: &Totals) -> [f64; 4] {
    [
        t.mean_wait_ms(),
        t.response_quantile_ms(0.50),
        t.response_quantile_ms(0.95),
        t.response_quantile_ms(0.99),
    ]
    .map(|ms| ms / MEAN_SERVICE_MS)
}

/// Simulates `row` for `requests_per_batch` requests per batch and checks its four figures.
#[track_caller]
fn check(row: &Row, requests_per_batch: u64, max_relative_se: f64, seed: u64) {
    let rate_per_s = f64::from(row.servers) * row.utilization * 1_000.0 / MEAN_SERVICE_MS;
    let length_ms = (requests_per_batch as f64 / rate_per_s * 1_000.0) as u64;
    let mut m = model(
        Routing::RoundRobin,
        0,
        NO_TIMEOUT_MS,
        &[(row.servers, exponential(MEAN_SERVICE_MS))],
    );
    let mut rngs = streams(seed);
    stretch(&mut m, rate_per_s, length_ms, &mut rngs); // warm-up, thrown away
    let mut pooled = Totals::default();
    let mut batches = Vec::with_capacity(BATCHES);
    for _ in 0..BATCHES {
        let report = stretch(&mut m, rate_per_s, length_ms, &mut rngs);
        let mut one = Totals::default();
        one.add(&report);
        batches.push(figures(&one));
        pooled.add(&report);
    }
    let estimate = figures(&pooled);
    let names = ["mean wait", "response p50", "response p95", "response p99"];
    for k in 0..4 {
        let (want, printing) = printed(row.printed[k]);
        let values: Vec<f64> = batches.iter().map(|b| b[k]).collect();
        let se = standard_error(&values);
        let sketch = if k == 0 { 0.0 } else { SKETCH_ACCURACY * want };
        let allowed = SIGMAS * se + sketch + printing;
        let what = format!(
            "Latency A3 row {} (c={}, ρ={}) {}",
            row.row, row.servers, row.utilization, names[k]
        );
        assert!(
            se <= max_relative_se * want,
            "{what}: standard error {se} too large for a test"
        );
        let got = estimate[k];
        eprintln!("{what}: got {got:.4} want {want} se {se:.4} allowed {allowed:.4}");
        assert!(
            (got - want).abs() <= allowed,
            "{what}: simulated {got}, Erlang C {want}, allowed ±{allowed} (se {se})"
        );
    }
}

/// The standard error of the mean of `values` (sample standard deviation over sqrt(n)).
fn standard_error(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (variance / n).sqrt()
}

#[test]
fn mm1_at_half_load_matches_latency_a3_row_1() {
    check(&ROW_1, 50_000, 0.03, 1);
}

#[test]
fn mm10_at_ninety_percent_matches_latency_a3_row_13() {
    check(&ROW_13, 50_000, 0.04, 13);
}

#[test]
fn mm50_at_ninety_five_percent_matches_latency_a3_row_19() {
    check(&ROW_19, 50_000, 0.06, 19);
}

#[test]
#[ignore = "about 30 million requests: run with --release -- --ignored"]
fn long_runs_match_latency_a3_rows_1_7_13_14_19() {
    for (row, seed) in [
        (&ROW_1, 101),
        (&ROW_7, 107),
        (&ROW_13, 113),
        (&ROW_14, 114),
        (&ROW_19, 119),
    ] {
        check(row, 300_000, 0.03, seed);
    }
}
