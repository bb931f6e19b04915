//! Every reference value of Latency A3 (the M/M/c grid, the published Lq table, the M/M/1
//! closed forms), each to the tolerance its printing implies, through the public API.
//!
//! Units: μ = 1 per second (mean service 1 000 ms), so the table's times, in units of 1/μ, are
//! our milliseconds divided by 1 000.

use super::response::PERCENTILE_RELATIVE_TOLERANCE;
use super::test_support::check_printed;
use super::{QueueModel, ResponseTime, ServiceTime, Stability};

const MEAN_SERVICE_MS: f64 = 1_000.0;
const SERVICE: ServiceTime = ServiceTime::Exponential {
    mean_ms: MEAN_SERVICE_MS,
};

/// Latency A3, "Computed grid": c, ρ, then C, Wq, Wq p95, Wq p99, E[T], T p50, T p95, T p99
/// as printed (the λ column is c·ρ).
const GRID: &[(u64, f64, [&str; 8])] = &[
    (1, 0.50, ["0.5", "1", "4.605", "7.824", "2", "1.386", "5.991", "9.210"]),
    (1, 0.80, ["0.8", "4", "13.86", "21.91", "5", "3.466", "14.98", "23.03"]),
    (1, 0.90, ["0.9", "9", "28.90", "45.00", "10", "6.931", "29.96", "46.05"]),
    (
        1,
        0.95,
        ["0.95", "19", "58.89", "91.08", "20", "13.86", "59.91", "92.10"],
    ),
    (
        1,
        0.99,
        ["0.99", "99", "298.6", "459.5", "100", "69.31", "299.6", "460.5"],
    ),
    (
        2,
        0.50,
        [
            "0.333333", "0.333333", "1.897", "3.507", "1.33333", "0.9744", "3.816", "5.666",
        ],
    ),
    (
        2,
        0.80,
        [
            "0.711111", "1.77778", "6.637", "10.66", "2.77778", "2.040", "7.911", "11.94",
        ],
    ),
    (
        2,
        0.90,
        [
            "0.852632", "4.26316", "14.18", "22.23", "5.26316", "3.769", "15.30", "23.34",
        ],
    ),
    (
        2,
        0.95,
        [
            "0.925641", "9.25641", "29.18", "45.28", "10.2564", "7.212", "30.24", "46.33",
        ],
    ),
    (
        2,
        0.99,
        [
            "0.985025", "49.2513", "149.0", "229.5", "50.2513", "34.91", "150.0", "230.5",
        ],
    ),
    (
        10,
        0.50,
        [
            "0.0361054",
            "0.00722107",
            "0",
            "0.2568",
            "1.00722",
            "0.7016",
            "3.005",
            "4.614",
        ],
    ),
    (
        10,
        0.80,
        [
            "0.409180", "0.204590", "1.051", "1.856", "1.20459", "0.9121", "3.328", "4.946",
        ],
    ),
    (
        10,
        0.90,
        [
            "0.668732", "0.668732", "2.593", "4.203", "1.66873", "1.329", "4.361", "6.250",
        ],
    ),
    (
        10,
        0.95,
        [
            "0.825586", "1.65117", "5.608", "8.827", "2.65117", "2.091", "6.970", "10.21",
        ],
    ),
    (
        10,
        0.99,
        [
            "0.963738", "9.63738", "29.59", "45.68", "10.6374", "7.615", "30.64", "46.74",
        ],
    ),
    (
        50,
        0.50,
        [
            "7.20433e-06",
            "2.88173e-07",
            "0",
            "0",
            "1.0000003",
            "0.6931",
            "2.996",
            "4.605",
        ],
    ),
    (
        50,
        0.80,
        [
            "0.0869525",
            "0.00869525",
            "0.05533",
            "0.2163",
            "1.00870",
            "0.7027",
            "3.005",
            "4.615",
        ],
    ),
    (
        50,
        0.90,
        [
            "0.363864",
            "0.0727729",
            "0.3970",
            "0.7188",
            "1.07277",
            "0.7765",
            "3.083",
            "4.692",
        ],
    ),
    (
        50,
        0.95,
        [
            "0.629095", "0.251638", "1.013", "1.657", "1.25164", "0.9722", "3.344", "4.955",
        ],
    ),
    (
        50,
        0.99,
        [
            "0.916859", "1.83372", "5.818", "9.037", "2.83372", "2.286", "7.179", "10.42",
        ],
    ),
];

fn response(servers: u64, rho: f64) -> ResponseTime<'static> {
    match QueueModel::poisson(servers as f64 * rho, servers, &SERVICE).response() {
        Ok(Stability::Stable(response)) => response,
        other => panic!("c={servers} rho={rho}: {other:?}"),
    }
}

fn seconds(ms: Result<f64, super::LatencyError>) -> f64 {
    ms.expect("a valid quantile") / MEAN_SERVICE_MS
}

#[test]
fn a3_grid_every_row_and_column() {
    let slack = 10.0 * PERCENTILE_RELATIVE_TOLERANCE;
    for (row, (c, rho, printed)) in GRID.iter().enumerate() {
        let r = response(*c, *rho);
        let got = [
            r.wait.probability_of_waiting,
            r.wait.mean_ms() / MEAN_SERVICE_MS,
            seconds(r.wait.percentile_ms(0.95)),
            seconds(r.wait.percentile_ms(0.99)),
            r.mean_ms() / MEAN_SERVICE_MS,
            seconds(r.percentile_ms(0.50)),
            seconds(r.percentile_ms(0.95)),
            seconds(r.percentile_ms(0.99)),
        ];
        let columns = ["C", "Wq", "Wq p95", "Wq p99", "E[T]", "T p50", "T p95", "T p99"];
        for ((column, value), text) in columns.iter().zip(got).zip(printed) {
            check_printed(
                &format!("Latency A3 row {}, c={c} rho={rho}, {column}", row + 1),
                value,
                text,
                slack,
            );
        }
    }
}

#[test]
fn a3_published_queue_lengths() {
    // Latency A3, "Published cross-checks": Lq = λ Wq for c = 1 and c = 2.
    let table: &[(u64, f64, &str)] = &[
        (1, 0.5, "0.5"),
        (1, 0.8, "3.2"),
        (1, 0.9, "8.1"),
        (1, 0.99, "98.01"),
        (2, 0.5, "0.333333"),
        (2, 0.8, "2.844444"),
        (2, 0.9, "7.673684"),
        (2, 0.99, "97.517487"),
    ];
    for (c, rho, printed) in table {
        let lambda = *c as f64 * rho;
        let lq = lambda * response(*c, *rho).wait.mean_ms() / MEAN_SERVICE_MS;
        check_printed(&format!("Latency A3 Lq, c={c} rho={rho}"), lq, printed, 0.0);
    }
}

#[test]
fn a3_single_server_closed_forms() {
    // Latency A3: M/M/1 Wq = λ/(μ(μ-λ)), Lq = ρ²/(1-ρ); and T ~ Exp(μ-λ) (A1), to 1e-9.
    for rho in [0.1, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999] {
        let r = response(1, rho);
        let close = |got: f64, want: f64| (got - want).abs() <= 1e-9 * want;
        assert!(close(r.wait.probability_of_waiting, rho), "C at rho {rho}");
        let wq = r.wait.mean_ms() / MEAN_SERVICE_MS;
        assert!(close(wq, rho / (1.0 - rho)), "Wq at rho {rho}: {wq}");
        assert!(close(rho * wq, rho * rho / (1.0 - rho)), "Lq at rho {rho}");
        for q in [0.5f64, 0.95, 0.99] {
            let want = -(1.0 - q).ln() / (1.0 - rho);
            assert!(close(seconds(r.percentile_ms(q)), want), "T p{q} at rho {rho}");
        }
    }
}

#[test]
fn a1_quantiles_do_not_add() {
    // Latency A1, "Do not add quantiles", c = 10, ρ = 0.9: Wq p99 + S p99 = 8.81 is too high and
    // Wq p99 + 1/μ = 5.20 too low; the true T p99 is 6.250.
    let r = response(10, 0.9);
    let wait_p99 = seconds(r.wait.percentile_ms(0.99));
    let service_p99 = 100f64.ln();
    check_printed("Wq p99 + S p99", wait_p99 + service_p99, "8.81", 0.0);
    check_printed("Wq p99 + 1/mu", wait_p99 + 1.0, "5.20", 0.0);
    check_printed("T p99", seconds(r.percentile_ms(0.99)), "6.250", 1e-9);
}
