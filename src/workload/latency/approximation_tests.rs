//! The G/G/c approximations against Latency A2's table, and the estimate's behaviour over the
//! whole range of pools and utilizations.

use super::*;
use crate::workload::latency::normal::Z_95;
use crate::workload::latency::response::PERCENTILE_RELATIVE_TOLERANCE;
use crate::workload::latency::test_support::check_printed;

const MEAN_MS: f64 = 1_000.0;

/// A lognormal service with mean 1 000 ms and squared coefficient of variation `cs2`.
fn lognormal(cs2: f64) -> ServiceTime {
    let sigma = (1.0 + cs2).ln().sqrt();
    let median_ms = MEAN_MS / (1.0 + cs2).sqrt();
    ServiceTime::Lognormal {
        median_ms,
        p95_ms: median_ms * (sigma * Z_95).exp(),
    }
}

fn wait(service: &ServiceTime, servers: u64, rho: f64, approximation: Approximation) -> WaitTime {
    let model = QueueModel {
        approximation,
        ..QueueModel::poisson(servers as f64 * rho, servers, service)
    };
    match model.wait() {
        Ok(Stability::Stable(w)) => w,
        other => panic!("c={servers} rho={rho}: {other:?}"),
    }
}

#[test]
fn a2_table_allen_cunneen_and_whitt() {
    // Latency A2, "Which is most accurate": case, c, ρ, AC Wq, Whitt Wq, Erlang C (units of E[S]).
    let constant = ServiceTime::Constant { value_ms: MEAN_MS };
    let rows: [(&str, ServiceTime, u64, f64, &str, &str, &str); 7] = [
        ("M/D/1", constant.clone(), 1, 0.9, "4.500", "4.500", ".900"),
        ("M/D/10", constant.clone(), 10, 0.8, "0.1023", "0.1100", ".409"),
        ("M/D/10", constant.clone(), 10, 0.9, "0.3344", "0.3455", ".669"),
        ("M/D/50", constant, 50, 0.95, "0.1258", "0.1315", ".629"),
        ("M/LN(.25)/10", lognormal(0.25), 10, 0.9, "0.4180", "0.4289", ".669"),
        ("M/LN(.5)/50", lognormal(0.5), 50, 0.9, "0.0546", "0.0578", ".364"),
        ("M/LN(2)/10", lognormal(2.0), 10, 0.9, "1.003", "0.970", ".669"),
    ];
    for (case, service, c, rho, ac, whitt, erlang) in rows {
        let w = wait(&service, c, rho, Approximation::AllenCunneen);
        check_printed(
            &format!("Latency A2 {case} rho={rho} AC Wq"),
            w.mean_ms() / MEAN_MS,
            ac,
            1e-12,
        );
        check_printed(
            &format!("Latency A2 {case} Erlang C"),
            w.probability_of_waiting,
            erlang,
            0.0,
        );
        let w = wait(&service, c, rho, Approximation::Whitt);
        check_printed(
            &format!("Latency A2 {case} rho={rho} Whitt Wq"),
            w.mean_ms() / MEAN_MS,
            whitt,
            1e-12,
        );
    }
}

#[test]
fn a2_wait_percentiles_with_exponential_tails() {
    // Latency A2, "Wait percentiles for G/G/c": P(Wq > t) ≈ C exp(-t 2(cμ-λ)/(ca²+cs²)).
    let constant = ServiceTime::Constant { value_ms: MEAN_MS };
    let rows = [
        ("M/D/10", constant.clone(), 10, 0.9, "1.297", "2.101"),
        ("M/LN(2)/10", lognormal(2.0), 10, 0.9, "3.890", "6.304"),
        ("M/D/50", constant, 50, 0.95, "0.506", "0.828"),
    ];
    for (case, service, c, rho, p95, p99) in rows {
        let w = wait(&service, c, rho, Approximation::AllenCunneen);
        let got95 = w.percentile_ms(0.95).expect("q") / MEAN_MS;
        let got99 = w.percentile_ms(0.99).expect("q") / MEAN_MS;
        check_printed(&format!("Latency A2 {case} Wq p95"), got95, p95, 1e-12);
        check_printed(&format!("Latency A2 {case} Wq p99"), got99, p99, 1e-12);
    }
}

#[test]
fn exponential_service_is_exact_under_both_approximations() {
    let service = ServiceTime::Exponential { mean_ms: MEAN_MS };
    for (c, rho) in [(1, 0.5), (10, 0.9), (50, 0.99)] {
        let ac = wait(&service, c, rho, Approximation::AllenCunneen);
        let whitt = wait(&service, c, rho, Approximation::Whitt);
        assert_eq!(ac, whitt, "c={c} rho={rho}");
        let exact_rate = (c as f64 - c as f64 * rho) / MEAN_MS;
        assert!((ac.rate_per_ms - exact_rate).abs() <= 1e-12 * exact_rate);
    }
}

#[test]
fn p99_rises_with_utilization() {
    let services = [
        ServiceTime::Exponential { mean_ms: 180.0 },
        ServiceTime::Constant { value_ms: 180.0 },
        lognormal(1.5),
    ];
    for service in &services {
        for servers in [1u64, 14, 400, 4_000] {
            let mut previous = 0.0;
            for step in 1..=200 {
                let rho = f64::from(step) * 0.005 - 0.001; // 0.004 .. 0.999
                let rate = servers as f64 * rho * 1_000.0 / service.mean_ms();
                let Ok(Stability::Stable(e)) = estimate(&QueueModel::poisson(rate, servers, service)) else {
                    panic!("c={servers} rho={rho}");
                };
                // Monotone up to the bisection's tolerance: where ρ barely moves p99 (C ~ 1e-10),
                // the bracket's start moves the last bits.
                let floor = previous * (1.0 - 2.0 * PERCENTILE_RELATIVE_TOLERANCE);
                assert!(
                    e.p99_ms >= floor,
                    "{service:?} c={servers} rho={rho}: {} < {previous}",
                    e.p99_ms
                );
                assert!(e.p50_ms <= e.p95_ms && e.p95_ms <= e.p99_ms, "{e:?}");
                previous = e.p99_ms;
            }
        }
    }
}

#[test]
fn large_pools_near_saturation_stay_finite() {
    let service = ServiceTime::Exponential { mean_ms: 180.0 };
    for servers in [1_000u64, 4_000, 10_000, 50_000] {
        for rho in [0.001, 0.5, 0.9, 0.99, 0.995, 0.999] {
            let rate = servers as f64 * rho * 1_000.0 / 180.0;
            let Ok(Stability::Stable(e)) = estimate(&QueueModel::poisson(rate, servers, &service)) else {
                panic!("c={servers} rho={rho}");
            };
            let all = [
                e.probability_of_waiting,
                e.mean_wait_ms,
                e.mean_response_ms,
                e.p50_ms,
                e.p95_ms,
                e.p99_ms,
            ];
            assert!(
                all.iter().all(|v| v.is_finite() && *v >= 0.0),
                "c={servers} rho={rho}: {e:?}"
            );
            assert!((e.utilization - rho).abs() <= 1e-9, "{e:?}");
        }
    }
}

#[test]
fn overload_is_explicit_and_bad_input_an_error() {
    let service = ServiceTime::Exponential { mean_ms: 100.0 };
    let at = |rate: f64, servers: u64| estimate(&QueueModel::poisson(rate, servers, &service));
    assert_eq!(at(40.0, 4), Ok(Stability::Overloaded { utilization: 1.0 }));
    assert_eq!(at(80.0, 4), Ok(Stability::Overloaded { utilization: 2.0 }));
    assert_eq!(
        at(1.0, 0),
        Ok(Stability::Overloaded {
            utilization: f64::INFINITY
        })
    );
    let Ok(Stability::Stable(idle)) = at(0.0, 4) else {
        panic!("idle")
    };
    assert_eq!(
        (idle.probability_of_waiting, idle.mean_wait_ms, idle.mean_response_ms),
        (0.0, 0.0, 100.0)
    );
    assert!(at(f64::NAN, 4).is_err());
    assert!(at(-1.0, 4).is_err());
    let bad = ServiceTime::Exponential { mean_ms: 0.0 };
    assert!(estimate(&QueueModel::poisson(1.0, 4, &bad)).is_err());
    let scv = QueueModel {
        arrival_scv: f64::NAN,
        ..QueueModel::poisson(1.0, 4, &service)
    };
    assert!(estimate(&scv).is_err());
}

#[test]
fn deterministic_arrivals_and_service_never_wait() {
    let service = ServiceTime::Constant { value_ms: 100.0 };
    let model = QueueModel {
        arrival_scv: 0.0,
        ..QueueModel::poisson(35.0, 4, &service)
    };
    let Ok(Stability::Stable(e)) = estimate(&model) else {
        panic!("stable")
    };
    assert_eq!(e.mean_wait_ms, 0.0);
    assert!((e.p99_ms - 100.0).abs() <= 1e-6, "{e:?}");
}
