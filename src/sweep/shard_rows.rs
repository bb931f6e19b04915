//! `runs.csv` of a shard: its runs' figures with the run index, written exactly (the shortest
//! decimal that reads back as the same `f64`), so a merge computes the same statistics, bit for
//! bit, as a sweep on one machine.

use super::definition::Sweep;
use super::figures::RunFigures;

/// The run index column.
pub const RUN: &str = "run";

/// The figures of each run, by run index.
pub type RunRows = Vec<(usize, RunFigures)>;

fn header(sweep: &Sweep) -> Vec<String> {
    let mut h = vec![RUN.to_string()];
    h.extend(sweep.grid.axes().iter().map(|a| a.path.clone()));
    h.extend(["replica".to_string(), "seed".to_string()]);
    h.extend(sweep.figures.names());
    h
}

/// The cells before the figures of run `index`: index, setting, replica, seed.
fn run_cells(sweep: &Sweep, index: usize) -> Vec<String> {
    let run = sweep.run(index);
    let mut cells = vec![index.to_string()];
    cells.extend(
        sweep
            .grid
            .setting(run.combination)
            .into_iter()
            .map(|(_, v)| v.to_string()),
    );
    cells.extend([run.replica.to_string(), run.seed.to_string()]);
    cells
}

/// `runs.csv` of `rows`.
pub fn write_runs(sweep: &Sweep, rows: &[(usize, RunFigures)]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut write = |row: Vec<String>| w.write_record(&row).expect("writing to memory cannot fail");
    write(header(sweep));
    for (index, values) in rows {
        let mut row = run_cells(sweep, *index);
        row.extend(values.iter().map(|v| v.map(|v| v.to_string()).unwrap_or_default()));
        write(row);
    }
    String::from_utf8(w.into_inner().expect("writing to memory cannot fail")).expect("CSV of strings is UTF-8")
}

/// Reads `runs.csv` back; every row must be a run of `sweep` as `write_runs` wrote it.
pub fn read_runs(sweep: &Sweep, text: &str) -> Result<RunRows, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let expected = header(sweep);
    let found: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(str::to_string).collect(),
        Some(Err(e)) => return Err(format!("line 1: {e}")),
        None => return Err("the file is empty".into()),
    };
    if found != expected {
        return Err(format!(
            "the header is `{}`, expected `{}`",
            found.join(","),
            expected.join(",")
        ));
    }
    let prefix = expected.len() - sweep.figures.len();
    let mut rows = Vec::new();
    for (line, record) in records.enumerate() {
        let line = line + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let cells: Vec<&str> = record.iter().collect();
        let index: usize = cells[0]
            .parse()
            .ok()
            .filter(|i| *i < sweep.run_count())
            .ok_or_else(|| format!("line {line}: `{}` is not a run of this sweep", cells[0]))?;
        if cells[..prefix] != run_cells(sweep, index)[..] {
            return Err(format!(
                "line {line}: run {index}'s setting, replica or seed differ from the sweep's"
            ));
        }
        let values = cells[prefix..]
            .iter()
            .map(|c| match *c {
                "" => Ok(None),
                c => c
                    .parse::<f64>()
                    .map(Some)
                    .map_err(|_| format!("line {line}: `{c}` is not a number")),
            })
            .collect::<Result<Vec<_>, String>>()?;
        rows.push((index, values));
    }
    Ok(rows)
}
