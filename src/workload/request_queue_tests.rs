//! Tests of the request queue: Erlang C reproduced per interval (Latency A3), overload with
//! backlog and timeouts, conservation of requests, and the run's percentiles.

use super::*;

const MINUTE_MS: u64 = 60_000;

/// One interval of `demand_rps` on `tasks` tasks for a minute.
fn one_minute(queue: &mut RequestQueue, demand_rps: f64, tasks: u32) -> IntervalLatency {
    queue.advance(MINUTE_MS, demand_rps, tasks);
    queue.finish_interval()
}

#[track_caller]
fn close(got: f64, want: f64, relative: f64) {
    assert!((got - want).abs() <= relative * want.abs(), "got {got}, want {want}");
}

#[test]
fn a_stable_interval_reproduces_erlang_c() {
    // Latency A3 (mean service 1 s, so its times read in seconds), rows (c, ρ) with E[Wq],
    // T p50, p95, p99. The table gives four digits: tolerance 5e-4 relative (and 1e-6 on Wq,
    // given to six).
    #[rustfmt::skip]
    let rows = [
        (10u32, 1u32, 0.90, 0.668732, [1.329, 4.361, 6.250]),
        (1, 2, 0.80, 1.77778, [2.040, 7.911, 11.94]),
        (25, 2, 0.95, 0.251638, [0.9722, 3.344, 4.955]),
        (1, 1, 0.50, 1.0, [1.386, 5.991, 9.210]),
        (5, 2, 0.99, 9.63738, [7.615, 30.64, 46.74]),
    ];
    for (tasks, concurrency, rho, wait_s, percentiles_s) in rows {
        let service = ServiceTime::Exponential { mean_ms: 1_000.0 };
        let mut queue = RequestQueue::new(service, concurrency, 60_000);
        let servers = f64::from(tasks * concurrency);
        let got = one_minute(&mut queue, rho * servers, tasks);
        let percentiles = got.percentiles_ms.expect("tasks are healthy");
        for (got_ms, want_s) in percentiles.iter().zip(percentiles_s) {
            close(*got_ms, want_s * 1_000.0, 5e-4);
        }
        close(got.queue_wait_ms_mean.expect("healthy"), wait_s * 1_000.0, 1e-5);
        assert_eq!(got.timed_out_rps, 0.0);
        assert_eq!(queue.backlog(), 0.0);
    }
}

#[test]
fn capacity_and_busy_fraction_come_from_the_model() {
    // 14 slots of 180 ms: 77.8 requests/s a task; 55.5 rps on one task keeps 71 % busy.
    let mut queue = RequestQueue::new(ServiceTime::Exponential { mean_ms: 180.0 }, 14, 60_000);
    close(queue.capacity_per_task_rps(), 14.0 / 0.18, 1e-12);
    let served = queue.advance(MINUTE_MS, 55.5, 1);
    close(served.load_share, 55.5 / (14.0 / 0.18), 1e-12);
    close(served.served_rps, 55.5, 1e-12);
    assert_eq!(served.unserved_rps, 0.0);
}

#[test]
fn overload_builds_a_backlog_then_times_out() {
    // 10 slots of 100 ms serve 100 rps; 200 rps arrive. The timeout (5 s) lets 500 queue.
    let mut queue = RequestQueue::new(ServiceTime::Constant { value_ms: 100.0 }, 1, 5_000);
    let first = one_minute(&mut queue, 200.0, 10);
    close(queue.backlog(), 500.0, 1e-9);
    // 12 000 arrive, 6 000 are served, 500 wait at the end: 5 500 time out, 91.7 a second.
    close(first.timed_out_rps, 5_500.0 / 60.0, 1e-9);
    let p50 = first.percentiles_ms.expect("healthy")[0];
    assert!(
        p50 > 4_000.0 && p50 < 5_100.0,
        "p50 {p50}: most requests wait nearly the timeout"
    );
    // Demand falls to 50 rps: the backlog drains in 10 s, then nobody waits long.
    let second = one_minute(&mut queue, 50.0, 10);
    assert_eq!(second.timed_out_rps, 0.0);
    assert_eq!(queue.backlog(), 0.0);
    let wait = second.queue_wait_ms_mean.expect("healthy");
    assert!(
        wait > 0.0 && wait < first.queue_wait_ms_mean.expect("healthy"),
        "wait {wait}"
    );
    // With no task at all, there is no latency to report and everything times out.
    let none = one_minute(&mut queue, 50.0, 0);
    assert_eq!(none.percentiles_ms, None);
    close(none.timed_out_rps, 50.0, 1e-12);
}

#[test]
fn requests_are_conserved() {
    let mut queue = RequestQueue::new(ServiceTime::Exponential { mean_ms: 250.0 }, 4, 10_000);
    let mut arrived = 0.0;
    let mut left = 0.0;
    for (demand, tasks) in [(30.0, 2), (90.0, 2), (90.0, 3), (10.0, 0), (5.0, 4)] {
        let served = queue.advance(20_000, demand, tasks);
        arrived += demand * 20.0;
        left += (served.served_rps + served.unserved_rps) * 20.0;
    }
    close(left + queue.backlog(), arrived, 1e-12);
}

#[test]
fn the_run_percentiles_are_those_of_every_request() {
    // A quiet minute: 1 200 requests served in their 100 ms. Then an overloaded one on a single
    // slot: 1 200 arrive, 600 are served, each after the mean backlog wait of 30 s (the queue
    // grows from 0 to 600 at 10 served a second). The run's p50 is the quiet 100 ms and its p95
    // and p99 the 30.1 s of the overload, each within the sketch's 1 %.
    let mut queue = RequestQueue::new(ServiceTime::Constant { value_ms: 100.0 }, 1, 60_000);
    one_minute(&mut queue, 20.0, 10);
    let overloaded = one_minute(&mut queue, 20.0, 1);
    close(overloaded.queue_wait_ms_mean.expect("healthy"), 30_000.0, 1e-9);
    let run = queue.run_latency().expect("requests were served");
    assert_eq!(run.relative_accuracy, 0.01);
    close(run.percentiles_ms[0], 100.0, 0.0101);
    close(run.percentiles_ms[1], 30_100.0, 0.0101);
    close(run.percentiles_ms[2], 30_100.0, 0.0101);
    close(run.timed_out_requests, 0.0, 0.0);
    // A run that served nothing has no percentiles.
    let idle = RequestQueue::new(ServiceTime::Constant { value_ms: 100.0 }, 1, 60_000);
    assert_eq!(idle.run_latency(), None);
}
