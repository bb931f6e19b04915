//! Tests of the ALB metrics: percentile statistics as CloudWatch spells them, the statistics of a
//! period, missing datapoints, and the percentile of a merged period (a mixture, Latency A1).

use super::*;
use crate::workload::latency::{QueueModel, Stability};

#[track_caller]
fn close(got: f64, want: f64, relative: f64) {
    assert!((got - want).abs() <= relative * want.abs(), "got {got}, want {want}");
}

#[test]
fn percentiles_are_p0_to_p100_with_at_most_two_decimals() {
    #[rustfmt::skip]
    let good = [
        ("p99", 9_900, "p99"), ("p99.9", 9_990, "p99.9"), ("p95.45", 9_545, "p95.45"),
        ("p50", 5_000, "p50"), ("p0", 0, "p0"), ("p0.0", 0, "p0"), ("p100", 10_000, "p100"),
        ("p99.90", 9_990, "p99.9"), ("p0.01", 1, "p0.01"), ("p9", 900, "p9"),
    ];
    for (text, hundredths, shown) in good {
        let p = Percentile::parse(text).unwrap_or_else(|| panic!("{text} is valid"));
        assert_eq!(p, Percentile(hundredths), "{text}");
        assert_eq!(p.to_string(), shown, "{text}");
    }
    for text in [
        "p", "p101", "p100.01", "p99.999", "99", "P99", "p-1", "p99.", "p.5", "p1000", "p9a", "pp9",
    ] {
        assert_eq!(Percentile::parse(text), None, "{text}");
    }
    assert!(Percentile::parse("p100").is_some_and(Percentile::is_extreme));
    assert!(Percentile::parse("p0").is_some_and(Percentile::is_extreme));
    assert!(!Percentile::parse("p99.99").is_some_and(Percentile::is_extreme));
    assert_eq!(AlbStatistic::parse("Sum"), Some(AlbStatistic::Sum));
    assert_eq!(AlbStatistic::parse("Maximum"), None);
    assert_eq!(
        AlbStatistic::parse("p90"),
        Some(AlbStatistic::Percentile(Percentile(9_000)))
    );
}

#[test]
fn metric_names_are_cloudwatch_names() {
    for m in AlbMetric::ALL {
        assert_eq!(AlbMetric::from_name(m.name()), Some(m));
    }
    assert_eq!(AlbMetric::from_name("TargetResponseTimes"), None);
    assert!(AlbMetric::TargetResponseTime.needs_service_model() && !AlbMetric::TargetResponseTime.is_count());
    assert!(!AlbMetric::RequestCount.needs_service_model() && AlbMetric::RequestCount.is_count());
}

/// The M/M/c wait at `rho` with `servers` slots of an exponential service of mean 1 s.
fn mmc_wait(servers: u64, rho: f64, service: &ServiceTime) -> WaitTime {
    let model = QueueModel::poisson(rho * servers as f64, servers, service);
    match model.wait() {
        Ok(Stability::Stable(w)) => w,
        other => panic!("stable expected: {other:?}"),
    }
}

/// A period of `served` requests with `wait`, shifted by `shift_ms`, of `service`.
fn period(served: f64, shift_ms: f64, wait: WaitTime, service: &ServiceTime) -> RequestPeriod {
    RequestPeriod {
        requests: served,
        served,
        timed_out: 0.0,
        response_ms_sum: served * (shift_ms + wait.mean_ms() + service.mean_ms()),
        components: vec![ResponseComponent { served, shift_ms, wait }],
        ..RequestPeriod::default()
    }
}

#[test]
fn one_period_gives_the_erlang_c_percentiles_in_seconds() {
    // Latency A3, c = 10, ρ = 0.9, mean service 1 s: E[T] 1.66873 s, p50 1.329, p95 4.361, p99
    // 6.250 (four digits: 5e-4 relative).
    let service = ServiceTime::Exponential { mean_ms: 1_000.0 };
    let p = period(540.0, 0.0, mmc_wait(10, 0.9, &service), &service);
    let model = ResponseModel {
        service: &service,
        grid: None,
    };
    let read = |s: &str| {
        p.value(
            AlbMetric::TargetResponseTime,
            AlbStatistic::parse(s).expect("valid"),
            Some(model),
        )
    };
    close(read("Average").expect("served"), 1.66873, 1e-5);
    close(read("p50").expect("served"), 1.329, 5e-4);
    close(read("p95").expect("served"), 4.361, 5e-4);
    close(read("p99").expect("served"), 6.250, 5e-4);
    close(read("Sum").expect("served"), 540.0 * 1.66873, 1e-5);
    assert_eq!(read("SampleCount"), Some(540.0));
    // Without the service model (and no sketch of simulated requests) there is no percentile
    // to give; the Average needs only the sum.
    let p99 = AlbStatistic::parse("p99").expect("valid");
    assert_eq!(p.value(AlbMetric::TargetResponseTime, p99, None), None);
    close(
        p.value(AlbMetric::TargetResponseTime, AlbStatistic::Average, None)
            .expect("served"),
        1.66873,
        1e-5,
    );
}

#[test]
fn a_merged_period_is_the_mixture_weighted_by_requests_served() {
    let service = ServiceTime::Exponential { mean_ms: 1_000.0 };
    let model = ResponseModel {
        service: &service,
        grid: None,
    };
    let (calm, busy) = (mmc_wait(10, 0.5, &service), mmc_wait(10, 0.95, &service));
    // Two equal halves of one distribution are that distribution.
    let mut twice = period(300.0, 0.0, busy, &service);
    twice.merge(period(300.0, 0.0, busy, &service));
    let once = period(600.0, 0.0, busy, &service);
    for q in [0.5, 0.9, 0.99, 0.999] {
        close(
            twice.percentile_ms(q, model).expect("served"),
            once.percentile_ms(q, model).expect("served"),
            1e-9,
        );
    }
    // A quiet minute of 900 requests and a busy one of 100 (shifted by a 2 s backlog): the p99
    // of the 1 000 is where 1 % of them are slower, not the mean of the two p99s.
    let mut merged = period(900.0, 0.0, calm, &service);
    merged.merge(period(100.0, 2_000.0, busy, &service));
    let p99 = merged.percentile_ms(0.99, model).expect("served");
    let slower = |wait: WaitTime, shift: f64| {
        ResponseTime {
            wait,
            service: &service,
        }
        .exceeds(p99 - shift)
    };
    close(900.0 * slower(calm, 0.0) + 100.0 * slower(busy, 2_000.0), 10.0, 1e-6);
    let (calm_p99, busy_p99) = (
        period(1.0, 0.0, calm, &service)
            .percentile_ms(0.99, model)
            .expect("served"),
        period(1.0, 2_000.0, busy, &service)
            .percentile_ms(0.99, model)
            .expect("served"),
    );
    assert!(calm_p99 < p99 && p99 < busy_p99, "{calm_p99} < {p99} < {busy_p99}");
    assert!(
        (p99 - (calm_p99 + busy_p99) / 2.0).abs() > 100.0,
        "not the mean of the p99s"
    );
    // Average over the merged period weighs each request once.
    let average = merged.value(AlbMetric::TargetResponseTime, AlbStatistic::Average, Some(model));
    let want = (900.0 * (calm.mean_ms() + 1_000.0) + 100.0 * (2_000.0 + busy.mean_ms() + 1_000.0)) / 1_000.0;
    close(average.expect("served"), want / 1_000.0, 1e-12);
    assert_eq!(merged.requests, 1_000.0);
}

#[test]
fn a_lognormal_mixture_reads_the_grid() {
    // The grid's percentile of one lognormal component agrees with the quadrature within the
    // grid's 0.2 % (grid.rs), and a merged period on the grid keeps the defining equation.
    let service = ServiceTime::Lognormal {
        median_ms: 80.0,
        p95_ms: 250.0,
    };
    let grid = ServiceGrid::new(&service);
    let wait = mmc_wait(16, 0.9, &service);
    let on_grid = ResponseModel {
        service: &service,
        grid: Some(&grid),
    };
    let exact = ResponseModel {
        service: &service,
        grid: None,
    };
    let one = period(1_000.0, 0.0, wait, &service);
    for q in [0.5, 0.95, 0.99] {
        let (g, e) = (
            one.percentile_ms(q, on_grid).expect("served"),
            one.percentile_ms(q, exact).expect("served"),
        );
        close(g, e, 2e-3);
    }
    let mut merged = one.clone();
    merged.merge(period(500.0, 300.0, WaitTime::NONE, &service));
    let p95 = merged.percentile_ms(0.95, on_grid).expect("served");
    let slower = grid.response(&wait).exceeds(p95) * 1_000.0 + service.exceeds(p95 - 300.0) * 500.0;
    close(slower, 0.05 * 1_500.0, 1e-6);
}

#[test]
fn counts_and_missing_datapoints_follow_the_reporting_criteria() {
    let quiet = RequestPeriod::default();
    // RequestCount is always reported; the 5XX counts only when there is one.
    assert_eq!(quiet.value(AlbMetric::RequestCount, AlbStatistic::Sum, None), Some(0.0));
    assert_eq!(quiet.value(AlbMetric::ElbHttp5xx, AlbStatistic::Sum, None), None);
    assert_eq!(
        quiet.value(AlbMetric::TargetResponseTime, AlbStatistic::Average, None),
        None
    );
    let busy = RequestPeriod {
        requests: 1_200.0,
        served: 1_000.0,
        timed_out: 150.0,
        ..RequestPeriod::default()
    };
    assert_eq!(
        busy.value(AlbMetric::RequestCount, AlbStatistic::Sum, None),
        Some(1_200.0)
    );
    assert_eq!(
        busy.value(AlbMetric::RequestCount, AlbStatistic::SampleCount, None),
        Some(1_200.0)
    );
    assert_eq!(
        busy.value(AlbMetric::RequestCount, AlbStatistic::Average, None),
        Some(1.0)
    );
    assert_eq!(busy.value(AlbMetric::ElbHttp5xx, AlbStatistic::Sum, None), Some(150.0));
    // Targets answer no 5XX without a requestErrorRate: no datapoint, however busy.
    assert_eq!(busy.value(AlbMetric::TargetHttp5xx, AlbStatistic::Sum, None), None);
    let erring = RequestPeriod {
        target_errors: 12.0,
        ..busy.clone()
    };
    assert_eq!(
        erring.value(AlbMetric::TargetHttp5xx, AlbStatistic::Sum, None),
        Some(12.0)
    );
}

#[test]
fn exact_periods_merge_their_sketches_and_count_the_load_balancers_own_errors() {
    // Exact mode: two minutes of simulated requests, 1..=100 ms then 101..=200 ms. The merged
    // period's p50 is the 100th of the 200 values (100 ms, within the sketch's 1 %), its
    // Average the mean of all 200; 502/503s count as ELB 5XX beside the 504s.
    let minute = |values: std::ops::RangeInclusive<u32>, timed_out: f64, failed: f64| {
        let mut sketch = QuantileSketch::default();
        let mut sum = 0.0;
        for v in values {
            sketch.insert(f64::from(v)).expect("finite");
            sum += f64::from(v);
        }
        RequestPeriod {
            requests: sketch.count() as f64 + timed_out + failed,
            served: sketch.count() as f64,
            timed_out,
            failed,
            response_ms_sum: sum,
            response_ms: Some(sketch),
            ..RequestPeriod::default()
        }
    };
    let mut merged = RequestPeriod::default();
    merged.merge(minute(1..=100, 2.0, 0.0));
    merged.merge(minute(101..=200, 0.0, 3.0));
    let p50 = merged
        .value(
            AlbMetric::TargetResponseTime,
            AlbStatistic::Percentile(Percentile::parse("p50").expect("p50")),
            None,
        )
        .expect("served");
    assert!((p50 - 0.100).abs() <= 0.100 * 0.01, "{p50}");
    let p99 = merged
        .value(
            AlbMetric::TargetResponseTime,
            AlbStatistic::Percentile(Percentile::parse("p99").expect("p99")),
            None,
        )
        .expect("served");
    assert!((p99 - 0.198).abs() <= 0.198 * 0.01, "{p99}");
    let average = merged.value(AlbMetric::TargetResponseTime, AlbStatistic::Average, None);
    assert_eq!(average, Some(100.5 / 1_000.0));
    assert_eq!(merged.value(AlbMetric::ElbHttp5xx, AlbStatistic::Sum, None), Some(5.0));
    assert_eq!(
        merged.value(AlbMetric::RequestCount, AlbStatistic::Sum, None),
        Some(205.0)
    );
}
