//! Engine benchmarks: raw event-queue throughput, and whole runs of a large cluster.
//!
//! `large_scenario_*` simulate 300 m5.xlarge instances running 2,000 bridge-mode tasks under a
//! diurnal, Poisson-noised load, for 7 and 30 simulated days. Throughput is reported in engine
//! events per second (`RunTotals::events_processed`, counted once before measuring: runs are
//! deterministic, so every iteration processes the same number). `managed_scaling_1d` runs
//! `benches/scenarios/large-30d-managed-scaling.yaml`, loaded from the file as `ecsim run` loads
//! it, for one simulated day: CPU target tracking on the service and ECS managed scaling on its
//! group, so placement, scale-in choice and the reservation metric are all in it.
//! `eks_2000_pods_1d` and `ecs_2000_tasks_1d` run a day of `eks-30d-2000-pods.yaml` (HPAs and
//! Cluster Autoscaler) and of its ECS counterpart `ecs-30d-2000-tasks.yaml`. Run with
//! `cargo bench -p ecsim-bench --bench engine`; memory is measured separately with the CLI.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ecsim::engine::{self, RunOptions};
use ecsim::output::charts::{ChartFormat, RunData, RunTexts, render_charts};
use ecsim::output::report::render_report;
use ecsim::output::{CsvSink, RunFiles, SummaryBuilder};
use ecsim::scenario::{self, SourceLoader};
use ecsim::sim::{EventQueue, ProviderIdx, SimDuration, SimTime};
use ecsim::spec::{
    AutoScalingGroupSpec, Behavior, CapacityProviderSpec, ContainerSpec, NetworkMode, PortMapping, ServiceSpec, Spec,
    StrategyItem, TaskDefinitionSpec,
};
use ecsim::trace::{AlarmRow, ClusterRow, EventRecord, RunTotals, ServiceRow, SinkError, TaskRecord, TraceSink};
use ecsim::workload::{DEFAULT_START_EPOCH_MS, LoadProfile, LoadShape, Noise};

const QUEUE_EVENTS: u64 = 1_000_000;
const MS_PER_DAY: u64 = 86_400_000;

/// A sink that counts rows and throws them away, so the benchmark measures the engine, not I/O.
#[derive(Default)]
struct CountingSink {
    rows: u64,
}

impl TraceSink for CountingSink {
    fn service_row(&mut self, row: &ServiceRow<'_>) -> Result<(), SinkError> {
        black_box(row);
        self.rows += 1;
        Ok(())
    }
    fn cluster_row(&mut self, row: &ClusterRow<'_>) -> Result<(), SinkError> {
        black_box(row);
        self.rows += 1;
        Ok(())
    }
    fn event(&mut self, record: &EventRecord) -> Result<(), SinkError> {
        black_box(record);
        self.rows += 1;
        Ok(())
    }
    fn alarm_row(&mut self, row: &AlarmRow<'_>) -> Result<(), SinkError> {
        black_box(row);
        self.rows += 1;
        Ok(())
    }
    fn task(&mut self, record: &TaskRecord<'_>) -> Result<(), SinkError> {
        black_box(record);
        self.rows += 1;
        Ok(())
    }
    fn finish(&mut self, totals: &RunTotals) -> Result<(), SinkError> {
        black_box(totals);
        Ok(())
    }
}

/// The large scenario for `days` simulated days: 300 x m5.xlarge over three AZs behind `cp-m5`,
/// service `web` with 2,000 bridge tasks (256 CPU units, 512 MiB, dynamic host port), demand
/// 100,000 rps + a diurnal 80,000 peaking at 14:00 UTC, with Poisson noise.
pub fn large_spec(days: u64) -> Spec {
    let container = ContainerSpec {
        name: "app".into(),
        cpu_units: 256,
        memory_mib: Some(512),
        memory_reservation_mib: None,
        essential: true,
        port_mappings: vec![PortMapping {
            container_port: 80,
            host_port: Some(0),
        }],
        stop_timeout_s: None,
        start_timeout_s: None,
        depends_on: Vec::new(),
        health_check: None,
    };
    let load = LoadProfile {
        shapes: vec![
            LoadShape::Constant { rps: 100_000.0 },
            LoadShape::Diurnal {
                amplitude: 80_000.0,
                peak_second_of_day: 14 * 3600,
                timezone: Tz::UTC,
            },
        ],
        noise: Noise::Poisson,
    };
    let mut behavior = Behavior::with_task_definitions(1);
    behavior.task_definitions[0].requests_per_second_at_full_cpu = 100.0;
    Spec {
        name: format!("large-{days}d"),
        description: "300 m5.xlarge, 2000 bridge tasks, diurnal load".into(),
        seed: 1,
        start_epoch_ms: DEFAULT_START_EPOCH_MS,
        duration: SimDuration(days * MS_PER_DAY),
        trace_interval: SimDuration::from_secs(60),
        availability_zones: ["us-east-1a", "us-east-1b", "us-east-1c"].map(String::from).to_vec(),
        auto_scaling_groups: vec![AutoScalingGroupSpec::new(
            "asg-m5",
            "m5.xlarge",
            (300, 300, 300),
            vec![0, 1, 2],
        )],
        capacity_providers: vec![CapacityProviderSpec::auto_scaling_group("cp-m5", 0)],
        cluster_name: "bench".into(),
        target_groups: Vec::new(),
        task_definitions: vec![TaskDefinitionSpec {
            family: "web".into(),
            revision: 1,
            network_mode: NetworkMode::Bridge,
            requires_compatibilities: vec!["EC2".into()],
            cpu_units: None,
            memory_mib: None,
            cpu_architecture: "X86_64".into(),
            containers: vec![container],
            placement_constraints: vec![],
            ephemeral_storage_gib: None,
        }],
        services: vec![ServiceSpec {
            name: "web".into(),
            task_definition: 0,
            desired_count: 2000,
            strategy: vec![StrategyItem {
                provider: ProviderIdx(0),
                base: 0,
                weight: 1,
            }],
            load: Some(load),
            queue: None,
            request_mode: ecsim::spec::RequestMode::Estimate,
            replayed_arrivals: None,
            uses_launch_type: false,
            deployment: Default::default(),
            target_groups: Vec::new(),
            advanced_configurations: Vec::new(),
            health_check_grace_period: ecsim::sim::SimDuration::from_secs(0),
            placement_strategy: vec![],
            placement_constraints: vec![],
            daemon: false,
            az_rebalancing: false,
        }],
        behavior,
        auto_scaling: Default::default(),
        instance_attributes: Vec::new(),
        awsvpc_trunking: false,
        timeline: Vec::new(),
        run_tasks: Vec::new(),
        ignored_fields: Vec::new(),
        eks: Default::default(),
        not_yet_simulated: Vec::new(),
        event_bridge: Default::default(),
    }
}

/// Reads the files a scenario names (replayed load, task definitions) next to it.
struct DirLoader(PathBuf);

impl SourceLoader for DirLoader {
    fn read_relative(&self, relative: &str) -> Result<(String, String), String> {
        let path = self.0.join(relative);
        std::fs::read_to_string(&path)
            .map(|text| (path.display().to_string(), text))
            .map_err(|e| e.to_string())
    }
}

/// A scenario of `benches/scenarios/` with `--set` overrides, as `ecsim run` loads it.
fn bench_scenario(file: &str, sets: &[(&str, &str)]) -> Spec {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let text = std::fs::read_to_string(dir.join(file)).expect("the scenario is readable");
    let sets: Vec<(String, String)> = sets.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    match scenario::load(file, &text, &DirLoader(dir), &sets) {
        Ok(loaded) => loaded.spec,
        Err(e) => panic!("{file} does not load:\n{}", e.rendered),
    }
}

fn run_once(spec: &Spec) -> RunTotals {
    let mut sink = CountingSink::default();
    let totals = engine::run(spec, &mut sink, RunOptions::default()).expect("the large scenario runs");
    black_box(sink.rows);
    totals
}

/// 1,000,000 pushes at pseudo-random times, then 1,000,000 pops.
fn event_queue(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue");
    // One iteration takes most of a second; 20 samples keep a full run near half a minute.
    group.sample_size(20);
    group.throughput(Throughput::Elements(QUEUE_EVENTS));
    group.bench_function("push_pop_1m", |b| {
        b.iter(|| {
            let mut queue = EventQueue::new();
            // Knuth's MMIX LCG: deterministic and cheap, so the queue dominates the cost.
            let mut state: u64 = 0x853c_49e6_748f_ea9b;
            for i in 0..QUEUE_EVENTS {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                // Times within 30 days, like the large scenario's horizon.
                queue.push(SimTime((state >> 33) % (30 * MS_PER_DAY)), i);
            }
            let mut checksum = 0u64;
            while let Some((time, event)) = queue.pop() {
                checksum = checksum.wrapping_add(time.0 ^ event);
            }
            black_box(checksum)
        });
    });
    // The classic "hold" model of discrete-event simulation: a steady population of pending
    // events, each step pops the earliest and schedules a new one a little later.
    group.bench_function("hold_10k_pending_1m_steps", |b| {
        b.iter(|| {
            let mut queue = EventQueue::new();
            let mut state: u64 = 0x853c_49e6_748f_ea9b;
            let next = |state: &mut u64| {
                *state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (*state >> 33) % 60_000
            };
            for i in 0..10_000u64 {
                queue.push(SimTime(next(&mut state)), i);
            }
            let mut checksum = 0u64;
            for _ in 0..QUEUE_EVENTS {
                let (time, event) = queue.pop().expect("population is steady");
                checksum = checksum.wrapping_add(time.0 ^ event);
                queue.push(SimTime(time.0 + next(&mut state)), event);
            }
            black_box(checksum)
        });
    });
    group.finish();
}

fn large_scenario(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine_run");
    group.sample_size(10);
    for days in [7, 30] {
        let spec = large_spec(days);
        let events = run_once(&spec).events_processed;
        println!("large_scenario_{days}d processes {events} events per run");
        group.throughput(Throughput::Elements(events));
        group.bench_function(format!("large_scenario_{days}d"), |b| {
            b.iter(|| run_once(black_box(&spec)))
        });
    }
    group.finish();
}

/// One simulated day of the managed-scaling benchmark scenario through the engine.
fn managed_scaling(c: &mut Criterion) {
    let spec = bench_scenario("large-30d-managed-scaling.yaml", &[("duration", "1d")]);
    let events = run_once(&spec).events_processed;
    println!("managed_scaling_1d processes {events} events per run");
    let mut group = c.benchmark_group("engine_run");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events));
    group.bench_function("managed_scaling_1d", |b| b.iter(|| run_once(black_box(&spec))));
    group.finish();
}

/// One simulated day of the EKS benchmark (issue 20: ten Deployments with CPU HPAs, up to 2,000
/// pods on about 300 m5.xlarge nodes with Cluster Autoscaler) and of its ECS counterpart (the
/// same workloads as services with target tracking and managed scaling), side by side.
fn eks_and_ecs_2000(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine_run");
    group.sample_size(10);
    for (name, file) in [
        ("eks_2000_pods_1d", "eks-30d-2000-pods.yaml"),
        ("ecs_2000_tasks_1d", "ecs-30d-2000-tasks.yaml"),
    ] {
        let spec = bench_scenario(file, &[("duration", "1d")]);
        let events = run_once(&spec).events_processed;
        println!("{name} processes {events} events per run");
        group.throughput(Throughput::Elements(events));
        group.bench_function(name, |b| b.iter(|| run_once(black_box(&spec))));
    }
    group.finish();
}

/// Renders every chart (PNG and SVG) and the report of the 30-day large run, from its CSV texts,
/// as `ecsim run` and `ecsim plot` do: issue 3 asks for well under a second.
fn charts_of_the_30_day_run(c: &mut Criterion) {
    let spec = large_spec(30);
    let files = RunFiles::in_memory();
    let mut sink = CsvSink::new(files, spec.start_epoch_ms, SummaryBuilder::new(&spec)).expect("headers");
    engine::run(&spec, &mut sink, RunOptions::default()).expect("the large scenario runs");
    let (files, summary) = sink.into_inner().expect("flush");
    let text = |b: &Option<Vec<u8>>| String::from_utf8(b.clone().expect("written")).expect("utf-8");
    let (services, cluster, events, alarms) = (
        text(&files.services),
        text(&files.cluster),
        text(&files.events),
        text(&files.alarms),
    );
    let summary = summary.to_json();
    let mut group = c.benchmark_group("charts");
    group.sample_size(10);
    group.bench_function("render_30d_one_minute_png_and_svg", |b| {
        b.iter(|| {
            let texts = RunTexts {
                services_csv: &services,
                cluster_csv: &cluster,
                events_csv: &events,
                summary_json: &summary,
            };
            let data = RunData::from_texts(texts)
                .expect("parses")
                .with_alarms(&alarms)
                .expect("alarms parse");
            let charts = render_charts(&data, ChartFormat::Both).expect("renders");
            black_box(render_report(&data, &charts))
        });
    });
    group.finish();
}

criterion_group!(
    benches,
    event_queue,
    large_scenario,
    managed_scaling,
    eks_and_ecs_2000,
    charts_of_the_30_day_run
);
criterion_main!(benches);
