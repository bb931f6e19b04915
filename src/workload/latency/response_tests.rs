//! Tests of the response-time distribution: the limit form at δ = μ, general service times
//! against seeded simulation, and the wait quantiles.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::workload::latency::service_time::Histogram;

#[test]
fn equal_rates_use_the_limit_form() {
    // Latency A1: for δ = μ, P(T > t) = (1-C) e^{-μt} + C (1+μt) e^{-μt}.
    let service = ServiceTime::Exponential { mean_ms: 1.0 };
    let c = 0.3;
    let response = ResponseTime {
        wait: WaitTime {
            probability_of_waiting: c,
            rate_per_ms: 1.0,
        },
        service: &service,
    };
    for t in [0.1f64, 1.0, 4.0, 20.0] {
        let want = (1.0 - c) * (-t).exp() + c * (1.0 + t) * (-t).exp();
        assert!((response.exceeds(t) - want).abs() <= 1e-14, "t {t}");
    }
    // And a hair away from δ = μ the general form agrees with it.
    let near = ResponseTime {
        wait: WaitTime {
            probability_of_waiting: c,
            rate_per_ms: 1.0 + 1e-9,
        },
        ..response
    };
    assert!((near.exceeds(2.0) - response.exceeds(2.0)).abs() <= 1e-8);
}

/// The q-quantiles of wait + service by simulation, `n` seeded draws.
fn simulated(wait: WaitTime, service: &ServiceTime, n: usize, quantiles: &[f64]) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut draws: Vec<f64> = (0..n)
        .map(|_| {
            let waits = rng.random::<f64>() < wait.probability_of_waiting;
            let w = if waits {
                -(1.0 - rng.random::<f64>()).ln() / wait.rate_per_ms
            } else {
                0.0
            };
            w + service.sample_ms(&mut rng)
        })
        .collect();
    draws.sort_by(f64::total_cmp);
    quantiles.iter().map(|q| draws[(q * (n - 1) as f64) as usize]).collect()
}

#[test]
fn general_service_percentiles_agree_with_simulation() {
    let services = [
        ServiceTime::Lognormal {
            median_ms: 100.0,
            p95_ms: 400.0,
        },
        ServiceTime::Lognormal {
            median_ms: 100.0,
            p95_ms: 120.0,
        },
        ServiceTime::Constant { value_ms: 100.0 },
        ServiceTime::Histogram(Histogram::new(&[(50.0, 10), (100.0, 30), (200.0, 0), (400.0, 10)]).expect("valid")),
    ];
    let waits = [
        WaitTime {
            probability_of_waiting: 0.67,
            rate_per_ms: 1.0 / 150.0,
        },
        WaitTime {
            probability_of_waiting: 0.2,
            rate_per_ms: 1.0 / 5.0,
        },
        WaitTime {
            probability_of_waiting: 0.9,
            rate_per_ms: 0.5,
        },
    ];
    let quantiles = [0.5, 0.95, 0.99];
    for service in &services {
        for wait in waits {
            let want = simulated(wait, service, 400_000, &quantiles);
            let response = ResponseTime { wait, service };
            for (q, want) in quantiles.iter().zip(want) {
                let got = response.percentile_ms(*q).expect("q");
                assert!(
                    (got - want).abs() <= 0.015 * want,
                    "{service:?} {wait:?} p{q}: {got} vs simulated {want}"
                );
            }
        }
    }
}

#[test]
fn wait_quantiles_and_bad_quantiles() {
    let wait = WaitTime {
        probability_of_waiting: 0.5,
        rate_per_ms: 0.01,
    };
    assert_eq!(wait.percentile_ms(0.4), Ok(0.0));
    assert!((wait.percentile_ms(0.99).expect("q") - 50f64.ln() / 0.01).abs() <= 1e-9);
    assert!((wait.exceeds(100.0) - 0.5 * (-1.0f64).exp()).abs() <= 1e-15);
    assert_eq!(WaitTime::NONE.mean_ms(), 0.0);
    let service = ServiceTime::Exponential { mean_ms: 10.0 };
    let response = ResponseTime {
        wait,
        service: &service,
    };
    for q in [1.0, -0.1, f64::NAN] {
        assert!(response.percentile_ms(q).is_err(), "q {q}");
        assert!(wait.percentile_ms(q).is_err(), "q {q}");
    }
    assert_eq!(response.percentile_ms(0.0), Ok(0.0));
}
