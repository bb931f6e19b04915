//! Routing, slow start, timeouts, draining, removal, determinism and conservation.

use super::test_support::{NO_TIMEOUT_MS, Totals, exponential, model, streams, stretch};
use super::{
    Arrivals, RateStep, RequestConfig, RequestError, RequestModel, Routing, TargetId, TargetSpec, TargetState,
};
use crate::sim::time::SimTime;
use crate::workload::latency::ServiceTime;

/// Totals of `stretches` stretches of `length_ms` at `rate_per_s`.
fn run(model: &mut RequestModel, rate_per_s: f64, length_ms: u64, stretches: usize, seed: u64) -> Totals {
    let mut rngs = streams(seed);
    let mut totals = Totals::default();
    let mut held = model.in_system();
    for _ in 0..stretches {
        let report = stretch(model, rate_per_s, length_ms, &mut rngs);
        assert_eq!(
            report.in_system_at_start, held,
            "a stretch starts with what the last one ended"
        );
        held = report.in_system_at_end;
        totals.add(&report);
    }
    totals
}

fn spec(concurrency: u32, service: ServiceTime) -> TargetSpec {
    TargetSpec { concurrency, service }
}

#[test]
fn least_outstanding_requests_beats_round_robin_with_one_slow_target() {
    // Latency A4: LOR suits targets that vary in processing capability. Three targets serve in
    // 100 ms on average, one in 300 ms; 2 slots each. Round robin sends the slow one a quarter
    // of 24 requests/s, 90 % of its capacity; least outstanding requests sends it less.
    let targets = [
        (2, exponential(100.0)),
        (2, exponential(100.0)),
        (2, exponential(300.0)),
        (2, exponential(100.0)),
    ];
    let mut rr = model(Routing::RoundRobin, 0, NO_TIMEOUT_MS, &targets);
    let mut lor = model(Routing::LeastOutstandingRequests, 0, NO_TIMEOUT_MS, &targets);
    let (rr, lor) = (run(&mut rr, 24.0, 60_000, 60, 7), run(&mut lor, 24.0, 60_000, 60, 7));
    assert_eq!(rr.arrived, lor.arrived, "the same arrivals (common random numbers)");
    let (rr_p99, lor_p99) = (rr.response_quantile_ms(0.99), lor.response_quantile_ms(0.99));
    assert!(
        lor_p99 < 0.5 * rr_p99,
        "p99 {lor_p99} ms with LOR, {rr_p99} ms with round robin"
    );
    assert!(
        4 * lor.routed[2] < 3 * rr.routed[2],
        "LOR {:?}, round robin {:?}",
        lor.routed,
        rr.routed
    );
}

#[test]
fn least_outstanding_requests_waits_as_latency_a4_joins_the_shortest_queue() {
    // Latency A4's simulation: 10 targets of 1 slot, exponential service, ρ = 0.9: join the
    // shortest queue waits 0.91 mean service times on average (p99 6.28), round robin 4.48, the
    // pooled M/M/10 0.669. A single-run [D] figure: 12 % either side, far from round robin's.
    // Mean service 1 s, 9 requests/s, 500 000 requests.
    let targets = vec![(1, exponential(1_000.0)); 10];
    let mut lor = model(Routing::LeastOutstandingRequests, 0, NO_TIMEOUT_MS, &targets);
    let totals = run(&mut lor, 9.0, 55_555_000 / 20, 20, 4);
    let wait = totals.mean_wait_ms() / 1_000.0;
    assert!((0.80..=1.02).contains(&wait), "mean wait {wait} mean service times");
}

#[test]
fn unhealthy_and_draining_targets_receive_nothing_and_finish_what_they_hold() {
    for routing in [Routing::RoundRobin, Routing::LeastOutstandingRequests] {
        let targets = [
            (2, exponential(200.0)),
            (2, exponential(200.0)),
            (2, exponential(200.0)),
        ];
        let mut m = model(routing, 0, NO_TIMEOUT_MS, &targets);
        let mut rngs = streams(3);
        let busy = stretch(&mut m, 40.0, 10_000, &mut rngs); // over capacity: queues build
        assert!(busy.targets[2].queued > 0);
        m.set_state(TargetId(1), TargetState::Unhealthy).expect("registered");
        m.set_state(TargetId(2), TargetState::Draining).expect("registered");
        let mut served_by_draining = 0;
        for _ in 0..20 {
            let r = stretch(&mut m, 5.0, 10_000, &mut rngs);
            assert_eq!((r.targets[1].routed, r.targets[2].routed), (0, 0), "{routing:?}");
            served_by_draining += r.targets[2].served;
        }
        let last = stretch(&mut m, 5.0, 10_000, &mut rngs);
        assert_eq!(last.targets[2].in_service as u64 + last.targets[2].queued, 0, "drained");
        assert!(served_by_draining > 0);
    }
}

#[test]
fn with_no_healthy_target_requests_fail() {
    let mut m = model(Routing::RoundRobin, 0, NO_TIMEOUT_MS, &[(1, exponential(100.0))]);
    m.set_state(TargetId(0), TargetState::Unhealthy).expect("registered");
    let t = run(&mut m, 10.0, 10_000, 1, 1);
    assert!(t.arrived > 50 && t.failed == t.arrived, "{t:?}");
}

#[test]
fn slow_start_sends_a_new_target_less_than_its_share_at_first() {
    let service = exponential(100.0);
    // Registered together into an empty group: no slow start (Latency A4), equal shares.
    let mut m = model(
        Routing::RoundRobin,
        30_000,
        NO_TIMEOUT_MS,
        &vec![(4, service.clone()); 4],
    );
    let first = run(&mut m, 100.0, 10_000, 1, 11);
    assert!(
        first.routed.iter().all(|&n| n.abs_diff(first.arrived / 4) <= 1),
        "{:?}",
        first.routed
    );
    m.add_target(TargetId(9), spec(4, service), TargetState::Healthy)
        .expect("new");
    // Weight rises from 0 to 1/3 over the first 10 s: about 1/6 of a full share on average.
    let ramp = run(&mut m, 100.0, 10_000, 1, 12);
    let fair = ramp.arrived as f64 / 5.0;
    let new = ramp.routed[4] as f64;
    assert!(
        new < 0.25 * fair && new > 0.1 * fair,
        "new target got {new} of a fair {fair}"
    );
    run(&mut m, 100.0, 20_000, 1, 13); // the slow start ends at 30 s
    let after = run(&mut m, 100.0, 10_000, 1, 14);
    assert!(
        after.routed.iter().all(|&n| n.abs_diff(after.arrived / 5) <= 1),
        "{:?}",
        after.routed
    );
}

#[test]
fn slow_start_with_least_outstanding_requests_is_refused() {
    let config = RequestConfig {
        routing: Routing::LeastOutstandingRequests,
        slow_start_ms: 30_000,
        timeout_ms: 60_000,
    };
    let refused = RequestModel::new(config, SimTime::ZERO).err();
    assert_eq!(refused, Some(RequestError::SlowStartWithLeastOutstanding));
}

#[test]
fn the_same_seed_gives_the_same_reports_and_another_seed_does_not() {
    let targets = [(3, exponential(150.0)), (3, exponential(250.0))];
    let reports = |seed| {
        let mut m = model(Routing::LeastOutstandingRequests, 0, 2_000, &targets);
        let mut rngs = streams(seed);
        (0..5)
            .map(|_| stretch(&mut m, 30.0, 7_000, &mut rngs))
            .collect::<Vec<_>>()
    };
    assert_eq!(reports(5), reports(5));
    assert_ne!(reports(5), reports(6));
}

#[test]
fn requests_are_conserved_through_timeouts_removals_and_additions() {
    let mut m = model(
        Routing::LeastOutstandingRequests,
        0,
        1_000,
        &vec![(2, exponential(400.0)); 3],
    );
    let mut rngs = streams(21);
    let overloaded = stretch(&mut m, 40.0, 20_000, &mut rngs);
    assert!(overloaded.timed_out > 0);
    let p100 = overloaded.response_ms.quantile(1.0).unwrap_or(0.0);
    assert!(p100 <= 1_000.0 * 1.01, "served within the timeout, not {p100} ms");
    let dropped = m.remove_target(TargetId(1)).expect("registered");
    assert!(dropped > 0);
    let next = stretch(&mut m, 40.0, 5_000, &mut rngs);
    assert_eq!(next.in_system_at_start, overloaded.in_system_at_end);
    assert_eq!(next.failed, dropped);
    m.add_target(TargetId(7), spec(2, exponential(400.0)), TargetState::Healthy)
        .expect("new");
    let later = stretch(&mut m, 40.0, 5_000, &mut rngs);
    assert_eq!(later.targets.iter().map(|t| t.id.0).collect::<Vec<_>>(), [0, 2, 7]);
}

#[test]
fn replayed_arrivals_are_served_exactly() {
    // One slot, 100 ms each: answers at 100, 200 and 300 ms after arrivals at 0, 10 and 20.
    let mut m = model(
        Routing::RoundRobin,
        0,
        NO_TIMEOUT_MS,
        &[(1, ServiceTime::Constant { value_ms: 100.0 })],
    );
    let mut rngs = streams(1);
    let times = [0.0, 10.0, 20.0];
    let r = m
        .run(SimTime(1_000), Arrivals::Replayed(&times), &mut rngs.0, &mut rngs.1)
        .expect("valid");
    assert_eq!((r.arrived, r.served, r.in_system_at_end), (3, 3, 0));
    assert!((r.response_ms_sum - (100.0 + 190.0 + 280.0)).abs() < 1e-9);
    assert!((r.wait_ms_sum - (0.0 + 90.0 + 180.0)).abs() < 1e-9);
    assert!((r.targets[0].busy_fraction - 0.3).abs() < 1e-12);
}

#[test]
fn a_stretch_carries_a_request_in_service_into_the_next() {
    let mut m = model(
        Routing::RoundRobin,
        0,
        NO_TIMEOUT_MS,
        &[(1, ServiceTime::Constant { value_ms: 800.0 })],
    );
    let mut rngs = streams(1);
    let first = m.run(SimTime(500), Arrivals::Replayed(&[100.0]), &mut rngs.0, &mut rngs.1);
    let first = first.expect("valid");
    assert_eq!(
        (first.served, first.in_system_at_end, first.targets[0].in_service),
        (0, 1, 1)
    );
    assert!((first.targets[0].busy_fraction - 0.8).abs() < 1e-12);
    let second = m.run(SimTime(1_000), Arrivals::Replayed(&[]), &mut rngs.0, &mut rngs.1);
    let second = second.expect("valid");
    assert_eq!(second.served, 1);
    assert!((second.response_ms_sum - 800.0).abs() < 1e-9);
    assert!((second.targets[0].busy_fraction - 0.8).abs() < 1e-12);
}

#[test]
fn bad_inputs_are_errors() {
    let mut m = model(Routing::RoundRobin, 0, NO_TIMEOUT_MS, &[(1, exponential(100.0))]);
    let (mut a, mut s) = streams(1);
    let step = |from, requests_per_s| RateStep {
        from: SimTime(from),
        requests_per_s,
    };
    let bad = [
        m.run(
            SimTime(1_000),
            Arrivals::Poisson(&[step(500, 1.0), step(100, 1.0)]),
            &mut a,
            &mut s,
        ),
        m.run(SimTime(1_000), Arrivals::Poisson(&[step(0, f64::NAN)]), &mut a, &mut s),
        m.run(SimTime(1_000), Arrivals::Replayed(&[5.0, 1.0]), &mut a, &mut s),
        m.run(SimTime(1_000), Arrivals::Replayed(&[1_000.0]), &mut a, &mut s),
    ];
    assert!(
        bad.iter().all(|r| matches!(r, Err(RequestError::BadArrivals { .. }))),
        "{bad:?}"
    );
    m.run(SimTime(2_000), Arrivals::Poisson(&[]), &mut a, &mut s)
        .expect("no arrivals");
    let back = m.run(SimTime(1_000), Arrivals::Poisson(&[]), &mut a, &mut s).err();
    assert!(matches!(back, Some(RequestError::StretchBackwards { .. })));
    let zero = m
        .add_target(TargetId(5), spec(0, exponential(1.0)), TargetState::Healthy)
        .err();
    assert!(matches!(zero, Some(RequestError::OutOfRange { .. })));
    let negative = m
        .add_target(TargetId(5), spec(1, exponential(-1.0)), TargetState::Healthy)
        .err();
    assert!(matches!(negative, Some(RequestError::Service(_))));
    let twice = m
        .add_target(TargetId(0), spec(1, exponential(1.0)), TargetState::Healthy)
        .err();
    assert_eq!(twice, Some(RequestError::DuplicateTarget(0)));
    assert_eq!(
        m.remove_target(TargetId(42)).err(),
        Some(RequestError::UnknownTarget(42))
    );
    let no_timeout = RequestConfig {
        routing: Routing::RoundRobin,
        slow_start_ms: 0,
        timeout_ms: 0,
    };
    assert!(RequestModel::new(no_timeout, SimTime::ZERO).is_err());
}
