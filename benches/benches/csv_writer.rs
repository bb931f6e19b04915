//! The trace writer's throughput: rows of `services.csv`, `cluster.csv` and `events.csv`
//! formatted through their column tables (`ecsim::trace::columns`) into one reusable
//! `RowWriter`, as `output::CsvSink` does, and appended to a `Vec<u8>`. Reported in rows per
//! second. Run with `cargo bench -p ecsim-bench --bench csv_writer`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ecsim::trace::columns::{CellOf, Column, cluster, events, services};
use ecsim::trace::format::RowWriter;
use ecsim::trace::{ClusterRow, DesiredCause, EventDetail, EventKind, EventRecord, ServiceRow};
use ecsim::workload::DEFAULT_START_EPOCH_MS;

/// Rows per iteration: 100 ticks of 10 rows sharing their instant, like a trace interval.
const ROWS: u64 = 1_000;
const ROWS_PER_TICK: u64 = 10;

/// Writes one row as `CsvSink` does.
fn write_row<R>(out: &mut Vec<u8>, row: &mut RowWriter, columns: &[Column<CellOf<R>>], record: &R) {
    row.clear();
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            row.delimiter();
        }
        (column.cell)(record, row);
    }
    row.end_record();
    out.extend_from_slice(row.as_bytes());
}

fn time_ms(i: u64) -> u64 {
    (i / ROWS_PER_TICK) * 60_000
}

fn service_row(i: u64, name: &str) -> ServiceRow<'_> {
    let f = i as f64;
    ServiceRow {
        time_ms: time_ms(i),
        service: name,
        desired: 20 + (i % 7) as u32,
        running: 19 + (i % 5) as u32,
        pending: (i % 3) as u32,
        healthy: 18 + (i % 5) as u32,
        primary_running: 19,
        active_running: (i % 2) as u32,
        cpu_utilization: 37.0 + (f * 0.731) % 50.0,
        memory_utilization: 41.25 + (f * 0.17) % 30.0,
        demand_rps: 1200.0 + (f * 3.3331) % 400.0,
        served_rps: 1190.0 + (f * 2.71) % 400.0,
        unserved_rps: (f * 0.013) % 3.0,
        min_capacity: 2,
        max_capacity: 100,
        unserved_requests: 0.0,
        queue_depth: i.is_multiple_of(4).then_some(f * 1.5),
        oldest_message_age_s: i.is_multiple_of(4).then_some(f * 0.25),
        latency: None,
        provisioning: (i % 3).min(1) as u32,
        new_revision_weight_pct: 100.0,
        new_revision_served_requests: 0.0,
        target_5xx_requests: 0.0,
    }
}

fn cluster_row(i: u64, name: &str) -> ClusterRow<'_> {
    let f = i as f64;
    ClusterRow {
        time_ms: time_ms(i),
        capacity_provider: name,
        instances: 300,
        instances_pending: (i % 3) as u32,
        cpu_reserved_pct: 60.0 + (f * 0.37) % 30.0,
        memory_reserved_pct: 55.0 + (f * 0.29) % 30.0,
        capacity_provider_reservation: Some(100.0 + (f * 0.11) % 5.0),
        tasks_provisioning: (i % 5) as u32,
        tasks: 2000 + (i % 13) as u32,
        cost_usd: f * 0.0461234,
        desired_capacity: Some(300),
        target_capacity: Some(100),
    }
}

fn event(i: u64) -> EventRecord {
    EventRecord {
        time_ms: time_ms(i),
        kind: EventKind::ScalingActivity,
        subject: format!("web-{}", i % 10),
        message: format!(
            "Successfully set desired count to {}. Change successfully fulfilled, \"cpu\" policy",
            i % 50
        ),
        detail: Some(EventDetail::DesiredChange {
            from: (i % 50) as u32,
            to: (i % 50 + 1) as u32,
            cause: DesiredCause::ALL[0],
            name: "cpu-target-tracking".to_string(),
        }),
    }
}

fn bench_writer(c: &mut Criterion) {
    let names: Vec<String> = (0..ROWS_PER_TICK).map(|i| format!("service-{i}")).collect();
    let name = |i: u64| names[(i % ROWS_PER_TICK) as usize].as_str();
    let service_rows: Vec<ServiceRow<'_>> = (0..ROWS).map(|i| service_row(i, name(i))).collect();
    let cluster_rows: Vec<ClusterRow<'_>> = (0..ROWS).map(|i| cluster_row(i, name(i))).collect();
    let events: Vec<EventRecord> = (0..ROWS).map(event).collect();

    let mut group = c.benchmark_group("csv_writer");
    group.throughput(Throughput::Elements(ROWS));
    let mut out = Vec::with_capacity(1 << 20);
    group.bench_function("services_rows", |b| {
        b.iter(|| {
            out.clear();
            let mut row = RowWriter::new(DEFAULT_START_EPOCH_MS);
            for r in &service_rows {
                write_row(&mut out, &mut row, services::COLUMNS, r);
            }
            black_box(out.len())
        })
    });
    group.bench_function("cluster_rows", |b| {
        b.iter(|| {
            out.clear();
            let mut row = RowWriter::new(DEFAULT_START_EPOCH_MS);
            for r in &cluster_rows {
                write_row(&mut out, &mut row, cluster::COLUMNS, r);
            }
            black_box(out.len())
        })
    });
    group.bench_function("events_rows", |b| {
        b.iter(|| {
            out.clear();
            let mut row = RowWriter::new(DEFAULT_START_EPOCH_MS);
            for e in &events {
                write_row(&mut out, &mut row, events::COLUMNS, e);
            }
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench_writer);
criterion_main!(benches);
