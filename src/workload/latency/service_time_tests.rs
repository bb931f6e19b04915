//! Tests of the service-time distributions: moments, tails, seeded draws and validation.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;

fn histogram() -> ServiceTime {
    ServiceTime::Histogram(Histogram::new(&[(50.0, 10), (100.0, 30), (200.0, 0), (400.0, 10)]).expect("valid"))
}

#[track_caller]
fn close(got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * want.abs().max(1e-300),
        "got {got}, want {want}"
    );
}

#[test]
fn moments_of_each_distribution() {
    close(ServiceTime::Exponential { mean_ms: 180.0 }.mean_ms(), 180.0, 0.0);
    close(ServiceTime::Exponential { mean_ms: 180.0 }.scv(), 1.0, 0.0);
    assert_eq!(ServiceTime::Constant { value_ms: 50.0 }.scv(), 0.0);
    // Buckets (0,50] x10, (50,100] x30, (200,400] x10: mean (250 + 2250 + 3000)/50 = 110.
    close(histogram().mean_ms(), 110.0, 1e-12);
    let second = (10.0 * 2_500.0 / 3.0 + 30.0 * 17_500.0 / 3.0 + 10.0 * 280_000.0 / 3.0) / 50.0;
    close(histogram().scv(), second / 110.0 / 110.0 - 1.0, 1e-12);
}

#[test]
fn lognormal_coefficients_of_variation() {
    // Latency A2, "Coefficients of variation": σ → CV (cs²), printed to three digits.
    let rows = [
        (0.25, "0.254", "0.0645"),
        (0.5, "0.533", "0.284"),
        (0.75, "0.869", "0.755"),
        (1.0, "1.311", "1.718"),
        (1.5, "2.913", "8.488"),
    ];
    for (sigma, cv, cs2) in rows {
        let service = ServiceTime::Lognormal {
            median_ms: 100.0,
            p95_ms: 100.0 * (sigma * Z_95).exp(),
        };
        let scv = service.scv();
        use crate::workload::latency::test_support::check_printed;
        check_printed(&format!("Latency A2 lognormal sigma {sigma} CV"), scv.sqrt(), cv, 1e-12);
        check_printed(&format!("Latency A2 lognormal sigma {sigma} cs2"), scv, cs2, 1e-12);
        // E[S] = exp(μ_ln + σ²/2) with the median exp(μ_ln).
        close(service.mean_ms(), 100.0 * (sigma * sigma / 2.0).exp(), 1e-12);
    }
}

#[test]
fn tails_of_each_distribution() {
    close(
        ServiceTime::Exponential { mean_ms: 100.0 }.exceeds(100.0),
        (-1.0f64).exp(),
        1e-15,
    );
    let constant = ServiceTime::Constant { value_ms: 100.0 };
    assert_eq!((constant.exceeds(99.9), constant.exceeds(100.0)), (1.0, 0.0));
    let lognormal = ServiceTime::Lognormal {
        median_ms: 100.0,
        p95_ms: 300.0,
    };
    close(lognormal.exceeds(100.0), 0.5, 1e-12);
    close(lognormal.exceeds(300.0), 0.05, 1e-12);
    close(histogram().exceeds(75.0), (15.0 + 10.0) / 50.0, 1e-15);
    close(histogram().exceeds(150.0), 10.0 / 50.0, 1e-15);
    assert_eq!(histogram().exceeds(-1.0), 1.0);
}

#[test]
fn seeded_samples_match_the_moments_and_repeat() {
    let services = [
        ServiceTime::Exponential { mean_ms: 180.0 },
        ServiceTime::Lognormal {
            median_ms: 100.0,
            p95_ms: 250.0,
        },
        ServiceTime::Constant { value_ms: 42.0 },
        histogram(),
    ];
    for service in &services {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 200_000;
        let draws: Vec<f64> = (0..n).map(|_| service.sample_ms(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n as f64;
        close(mean, service.mean_ms(), 0.01);
        assert!(
            (var / (mean * mean) - service.scv()).abs() <= 0.03 * service.scv().max(1.0),
            "{service:?}"
        );
        let mut again = ChaCha8Rng::seed_from_u64(7);
        assert_eq!(service.sample_ms(&mut again).to_bits(), draws[0].to_bits());
    }
}

#[test]
fn invalid_parameters_are_refused() {
    assert!(ServiceTime::Exponential { mean_ms: 0.0 }.validate().is_err());
    assert!(ServiceTime::Exponential { mean_ms: f64::NAN }.validate().is_err());
    assert!(ServiceTime::Constant { value_ms: -1.0 }.validate().is_err());
    assert!(
        ServiceTime::Lognormal {
            median_ms: 100.0,
            p95_ms: 90.0
        }
        .validate()
        .is_err()
    );
    assert!(
        ServiceTime::Lognormal {
            median_ms: 100.0,
            p95_ms: 100.0
        }
        .validate()
        .is_ok()
    );
    assert_eq!(Histogram::new(&[]), Err(LatencyError::EmptyHistogram));
    assert_eq!(Histogram::new(&[(10.0, 0)]), Err(LatencyError::EmptyHistogram));
    let unsorted = Histogram::new(&[(10.0, 1), (10.0, 1)]);
    assert_eq!(
        unsorted,
        Err(LatencyError::UnsortedHistogram {
            previous_ms: 10.0,
            upper_ms: 10.0
        })
    );
    assert!(Histogram::new(&[(f64::INFINITY, 1)]).is_err());
}
