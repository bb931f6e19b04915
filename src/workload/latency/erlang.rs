//! Erlang B and Erlang C for c identical servers offered `a` Erlangs (Latency A1).

use super::{LatencyError, Stability, check_at_least};

/// Standard deviations of the offered load below which the recursion starts (see [`erlang_b`]).
const SKIPPED_DEVIATIONS: f64 = 10.0;

/// Erlang B, the blocking probability of c servers offered `offered_load` Erlangs (a = λ/μ).
///
/// Computed by the recursion `B_0 = 1, B_k = a B_{k-1} / (k + a B_{k-1})` of Latency A1, run on
/// `1/B` (`1/B_k = 1 + (k/a) / B_{k-1}`: every term positive, a multiply-add a step, and 1/B past
/// `f64::MAX` means B is 0). For a large load it starts at `k0 = min(a, c) - 10 sqrt(a)` from
/// `B_k0 ≈ 1 - k0/a` instead of at 0: an error in the start value shrinks by the factors
/// `j / a` of the steps that follow, below `exp(-10²/2) ≈ 2e-22` relative over those steps, so
/// the result keeps full precision (tested to 1e-12 against the recursion from 0) in
/// O((c - a) + 10 sqrt(a)) steps instead of O(c).
pub fn erlang_b(servers: u64, offered_load: f64) -> Result<f64, LatencyError> {
    let a = check_at_least("offered load (Erlangs)", offered_load, 0.0, true)?;
    let skip = (a.min(servers as f64) - SKIPPED_DEVIATIONS * a.sqrt()).floor();
    let start = if skip >= 1.0 { (skip as u64).min(servers) } else { 0 };
    let b = if start == 0 { 1.0 } else { 1.0 - start as f64 / a };
    if a == 0.0 {
        return Ok(if servers == 0 { 1.0 } else { 0.0 });
    }
    // The same recursion on 1/B: `1/B_k = 1 + (k/a) / B_{k-1}`, a multiply-add a step instead of a
    // division (every term positive, so nothing cancels); 1/B past f64::MAX means B is 0.
    let inverse_load = 1.0 / a;
    let mut inverse = 1.0 / b;
    for k in start + 1..=servers {
        inverse = 1.0 + k as f64 * inverse_load * inverse;
        if inverse == f64::INFINITY {
            return Ok(0.0); // it stays 0 from here on
        }
    }
    Ok(1.0 / inverse)
}

/// An upper bound on Erlang C that costs O(1): `2 P(N = c) / (1 - ρ)` for N Poisson(a), valid
/// when `c >= a + 1` (then P(N <= c) >= 1/2, so B <= 2 P(N = c), and C <= B / (1 - ρ)); 1
/// otherwise. Used to skip the recursion when nobody measurably waits.
pub fn erlang_c_upper_bound(servers: u64, offered_load: f64) -> f64 {
    let (c, a) = (servers as f64, offered_load);
    if !(a > 0.0 && c >= a + 1.0) {
        return 1.0;
    }
    let ln_pmf = c * a.ln() - a - ln_factorial(c);
    (2.0 * ln_pmf.exp() / (1.0 - a / c)).min(1.0)
}

/// ln(n!) by Stirling's series with three correction terms (relative error below 1e-12 for
/// n >= 1; exact 0 at 0). Only the bound above uses it.
fn ln_factorial(n: f64) -> f64 {
    if n < 1.0 {
        return 0.0;
    }
    if n < 20.0 {
        return (1..=n as u64).map(|k| (k as f64).ln()).sum();
    }
    let inv = 1.0 / n;
    let inv2 = inv * inv;
    n * n.ln() - n + 0.5 * (std::f64::consts::TAU * n).ln() + inv / 12.0 - inv * inv2 / 360.0
        + inv * inv2 * inv2 / 1260.0
}

/// Erlang C, the probability that an arrival waits in M/M/c, `B / (1 - ρ (1 - B))`.
///
/// Overloaded when `offered_load >= servers` (utilization at least 1); no arrivals never wait.
pub fn erlang_c(servers: u64, offered_load: f64) -> Result<Stability<f64>, LatencyError> {
    let a = check_at_least("offered load (Erlangs)", offered_load, 0.0, true)?;
    if a == 0.0 {
        return Ok(Stability::Stable(0.0));
    }
    if servers == 0 {
        return Ok(Stability::Overloaded {
            utilization: f64::INFINITY,
        });
    }
    let rho = a / servers as f64;
    if rho >= 1.0 {
        return Ok(Stability::Overloaded { utilization: rho });
    }
    let b = erlang_b(servers, a)?;
    Ok(Stability::Stable(b / (1.0 - rho * (1.0 - b))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stable(c: u64, a: f64) -> f64 {
        match erlang_c(c, a) {
            Ok(Stability::Stable(p)) => p,
            other => panic!("c={c} a={a}: {other:?}"),
        }
    }

    /// The factorial form of Latency A1, term by term (fine in f64 for c <= 50).
    fn erlang_c_by_factorials(c: u64, a: f64) -> f64 {
        let mut term = 1.0; // a^k / k!
        let mut sum = 0.0;
        for k in 0..c {
            sum += term;
            term *= a / (k + 1) as f64;
        }
        let top = term * c as f64 / (c as f64 - a);
        top / (sum + top)
    }

    #[test]
    fn erlang_c_for_one_server_is_the_utilization() {
        for rho in [0.0, 0.1, 0.5, 0.8, 0.9, 0.99, 0.999] {
            assert!((stable(1, rho) - rho).abs() <= 1e-15, "rho {rho}");
        }
    }

    #[test]
    fn recursion_agrees_with_the_factorial_form() {
        // Latency A1, "[D] Check": the grid c in {1, 2, 10, 50} x rho in 0.5..0.99, to 1e-9.
        for c in [1u64, 2, 10, 50] {
            for rho in [0.5, 0.8, 0.9, 0.95, 0.99] {
                let a = c as f64 * rho;
                let want = erlang_c_by_factorials(c, a);
                assert!((stable(c, a) - want).abs() <= 1e-9 * want, "c={c} rho={rho}");
            }
        }
    }

    #[test]
    fn two_servers_in_closed_form() {
        // For c = 2, C = 2ρ²/(1+ρ); Latency A3's c = 2 rows follow from it.
        for rho in [0.5, 0.8, 0.9, 0.95, 0.99] {
            let want = 2.0 * rho * rho / (1.0 + rho);
            assert!((stable(2, 2.0 * rho) - want).abs() <= 1e-12 * want, "rho {rho}");
        }
    }

    #[test]
    fn large_pools_do_not_overflow() {
        // Latency A1: c = 100 000 at ρ = 0.995 gives C = 0.0709.
        let c = stable(100_000, 99_500.0);
        assert!((c - 0.0709).abs() <= 0.000_05, "C = {c}");
        for servers in [1_000u64, 4_000, 10_000] {
            for rho in [0.5, 0.9, 0.99, 0.999] {
                let p = stable(servers, servers as f64 * rho);
                assert!(p.is_finite() && (0.0..=1.0).contains(&p), "c={servers} rho={rho}: {p}");
            }
        }
    }

    /// The plain recursion from k = 0, as Latency A1 writes it.
    fn erlang_b_from_zero(c: u64, a: f64) -> f64 {
        let mut b = 1.0;
        for k in 1..=c {
            b = a * b / (k as f64 + a * b);
        }
        b
    }

    #[test]
    fn starting_late_loses_nothing() {
        // The shortened recursion agrees with the full one to 1e-12 relative wherever B is
        // above the smallest normal number.
        for servers in [50u64, 200, 1_000, 4_000, 20_000] {
            for rho in [0.3, 0.7, 0.9, 0.99, 0.999, 1.2] {
                let a = servers as f64 * rho;
                let (fast, full) = (erlang_b(servers, a).expect("valid"), erlang_b_from_zero(servers, a));
                if full > f64::MIN_POSITIVE {
                    assert!(
                        (fast - full).abs() <= 1e-12 * full,
                        "c={servers} rho={rho}: {fast} vs {full}"
                    );
                } else {
                    assert!(fast <= f64::MIN_POSITIVE * 4.0, "c={servers} rho={rho}: {fast}");
                }
            }
        }
    }

    #[test]
    fn the_cheap_bound_is_above_erlang_c() {
        for servers in [10u64, 100, 1_000, 20_000] {
            for rho in [0.1, 0.5, 0.8, 0.9, 0.97] {
                let a = servers as f64 * rho;
                let bound = erlang_c_upper_bound(servers, a);
                assert!(bound >= stable(servers, a), "c={servers} rho={rho}");
            }
        }
        // Far from the load, the bound is tiny: 20 000 servers at 60 % cannot make anyone wait.
        assert!(erlang_c_upper_bound(20_000, 12_000.0) < 1e-300);
        assert_eq!(erlang_c_upper_bound(4, 4.0), 1.0);
        assert!((super::ln_factorial(30.0) - 74.658_236_348_830_16).abs() < 1e-10);
    }

    #[test]
    fn overload_and_bad_input_are_explicit() {
        assert_eq!(erlang_c(4, 4.0), Ok(Stability::Overloaded { utilization: 1.0 }));
        assert_eq!(erlang_c(4, 8.0), Ok(Stability::Overloaded { utilization: 2.0 }));
        assert_eq!(
            erlang_c(0, 1.0),
            Ok(Stability::Overloaded {
                utilization: f64::INFINITY
            })
        );
        assert_eq!(erlang_c(0, 0.0), Ok(Stability::Stable(0.0)));
        assert!(erlang_c(4, f64::NAN).is_err());
        assert!(erlang_c(4, -1.0).is_err());
        assert!(erlang_b(3, f64::INFINITY).is_err());
        assert_eq!(erlang_b(0, 2.0), Ok(1.0));
    }
}
