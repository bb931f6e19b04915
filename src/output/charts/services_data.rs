//! `services.csv` read into each service's columns for the charts: the counts and rates every
//! service has, then the latency, queue, provisioning and traffic-weight columns a run has only
//! when some service needs them. Rows are grouped by service in order of first appearance.

use super::data::{DataError, LatencySeries, ServiceSeries};
use super::revisions::RevisionLayers;
use super::table::{Source, column, number, open_table};
use super::table::{csv_error, optional_column};
use super::worker::QueueSeries;
use crate::trace::columns::services;

type NamedColumns = (String, Vec<Vec<f64>>);

/// Rows grouped by the value of a key column, in order of first appearance, with the named
/// number columns parsed.
pub(super) fn grouped_columns(
    file: &'static str,
    source: Source<'_>,
    key: &str,
    names: &[&str],
) -> Result<Vec<NamedColumns>, DataError> {
    let (header, mut reader) = open_table(file, source)?;
    let key_index = column(file, &header, key)?;
    let indices = names
        .iter()
        .map(|n| column(file, &header, n))
        .collect::<Result<Vec<_>, _>>()?;
    let mut groups: Vec<NamedColumns> = Vec::new();
    let mut row = csv::StringRecord::new();
    let mut line = 1;
    while reader.read_record(&mut row).map_err(csv_error(file))? {
        line += 1;
        let name = row.get(key_index).unwrap_or("");
        let position = match groups.iter().position(|(g, _)| g == name) {
            Some(p) => p,
            None => {
                groups.push((name.to_string(), vec![Vec::new(); names.len()]));
                groups.len() - 1
            }
        };
        for (column_values, &index) in groups[position].1.iter_mut().zip(&indices) {
            column_values.push(number(file, &row, index, line)?);
        }
    }
    Ok(groups)
}

const SERVICE_COLUMNS: &[&str] = &[
    services::TIME_S,
    services::DESIRED,
    services::RUNNING,
    services::PENDING,
    services::HEALTHY,
    services::PRIMARY_RUNNING,
    services::ACTIVE_RUNNING,
    services::CPU_UTILIZATION,
    services::MEMORY_UTILIZATION,
    services::DEMAND_RPS,
    services::SERVED_RPS,
    services::UNSERVED_RPS,
    services::MIN_CAPACITY,
    services::MAX_CAPACITY,
];

pub(super) fn parse_services(source: Source<'_>) -> Result<Vec<ServiceSeries>, DataError> {
    let groups = grouped_columns(services::FILE, source, services::SERVICE, SERVICE_COLUMNS)?;
    Ok(groups
        .into_iter()
        .map(|(name, columns)| {
            let mut c = columns.into_iter();
            let mut next = || c.next().unwrap_or_default();
            let mut service = ServiceSeries {
                name,
                time_s: next(),
                desired: next(),
                running: next(),
                pending: next(),
                provisioning: Vec::new(),
                starting: Vec::new(),
                healthy: next(),
                primary_running: next(),
                active_running: next(),
                cpu_utilization: next(),
                memory_utilization: next(),
                demand_rps: next(),
                served_rps: next(),
                unserved_rps: next(),
                served_and_unserved: Vec::new(),
                min_capacity: next(),
                max_capacity: next(),
                requests_per_target: Vec::new(),
                revisions: RevisionLayers::default(),
                latency: None,
                queue: None,
                traffic: None,
                traffic_weights: None,
            };
            service.served_and_unserved = service
                .served_rps
                .iter()
                .zip(&service.unserved_rps)
                .map(|(served, unserved)| served + unserved)
                .collect();
            service.requests_per_target = service
                .served_rps
                .iter()
                .zip(&service.healthy)
                .map(|(served, healthy)| {
                    if *healthy > 0.0 {
                        served * 60.0 / healthy
                    } else {
                        f64::NAN
                    }
                })
                .collect();
            service
        })
        .collect())
}

const LATENCY_COLUMNS: &[&str] = &[
    services::LATENCY_P50_MS,
    services::LATENCY_P95_MS,
    services::LATENCY_P99_MS,
    services::TIMED_OUT_RPS,
];

/// Adds the latency columns to the services that have them, when `services.csv` has them.
pub(super) fn parse_latency(
    source: Source<'_>,
    header: &csv::StringRecord,
    series: &mut [ServiceSeries],
) -> Result<(), DataError> {
    if optional_column(header, services::LATENCY_P50_MS).is_none() {
        return Ok(());
    }
    for (name, columns) in grouped_columns(services::FILE, source, services::SERVICE, LATENCY_COLUMNS)? {
        // A service without a service model has only empty cells.
        if columns.iter().all(|c| c.iter().all(|v| v.is_nan())) {
            continue;
        }
        let Some(service) = series.iter_mut().find(|s| s.name == name) else {
            continue;
        };
        let mut c = columns.into_iter();
        let mut next = || c.next().unwrap_or_default();
        let (p50_ms, p95_ms, p99_ms, timed_out_rps) = (next(), next(), next(), next());
        service.latency = Some(LatencySeries {
            zero: vec![0.0; timed_out_rps.len()],
            p50_ms,
            p95_ms,
            p99_ms,
            timed_out_rps,
        });
    }
    Ok(())
}

/// Adds the queue columns to the queue workers, when `services.csv` has them.
pub(super) fn parse_queue(
    source: Source<'_>,
    header: &csv::StringRecord,
    series: &mut [ServiceSeries],
) -> Result<(), DataError> {
    if optional_column(header, services::QUEUE_DEPTH).is_none() {
        return Ok(());
    }
    let names = [services::QUEUE_DEPTH, services::OLDEST_MESSAGE_AGE_S];
    for (name, columns) in grouped_columns(services::FILE, source, services::SERVICE, &names)? {
        let Some(service) = series.iter_mut().find(|s| s.name == name) else {
            continue;
        };
        let mut c = columns.into_iter();
        let (depth, age_s) = (c.next().unwrap_or_default(), c.next().unwrap_or_default());
        service.queue = QueueSeries::of(service, depth, age_s);
    }
    Ok(())
}

/// Adds the `provisioning` column, and `starting` from it, to every service; a file written
/// before the column existed counts every pending task as starting.
pub(super) fn parse_provisioning(
    source: Source<'_>,
    header: &csv::StringRecord,
    series: &mut [ServiceSeries],
) -> Result<(), DataError> {
    for service in series.iter_mut() {
        service.provisioning = vec![0.0; service.pending.len()];
    }
    if optional_column(header, services::PROVISIONING).is_some() {
        for (name, columns) in grouped_columns(services::FILE, source, services::SERVICE, &[services::PROVISIONING])? {
            if let Some(service) = series.iter_mut().find(|s| s.name == name) {
                service.provisioning = columns.into_iter().next().unwrap_or_default();
            }
        }
    }
    for service in series.iter_mut() {
        service.starting = service
            .pending
            .iter()
            .zip(&service.provisioning)
            .map(|(pending, provisioning)| pending - provisioning)
            .collect();
    }
    Ok(())
}

/// Adds `new_revision_weight_pct` to every service, when the file has it.
pub(super) fn parse_traffic(
    source: Source<'_>,
    header: &csv::StringRecord,
    series: &mut [ServiceSeries],
) -> Result<(), DataError> {
    if optional_column(header, services::NEW_REVISION_WEIGHT_PCT).is_none() {
        return Ok(());
    }
    let columns = grouped_columns(
        services::FILE,
        source,
        services::SERVICE,
        &[services::NEW_REVISION_WEIGHT_PCT],
    )?;
    for (name, columns) in columns {
        if let Some(service) = series.iter_mut().find(|s| s.name == name) {
            let weights = columns.into_iter().next().unwrap_or_default();
            service.traffic_weights = Some(weights);
        }
    }
    Ok(())
}
