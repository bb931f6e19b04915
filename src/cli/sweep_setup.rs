//! The setup of `ecsim sweep` before anything runs: the scenario read, the grid from `--vary`
//! (or the scenario's `sweep:` block), every path and every combination checked by loading the
//! scenario with it, and the sweep's definition. Every mistake found here exits 2 with nothing
//! written.

use std::path::Path;

use super::files::{FsLoader, read_scenario};
use super::run::report_notes;
use super::sweep::{Failure, SweepArgs};
use crate::scenario::{self, LoadedScenario, SweepBlock};
use crate::spec::budget::{Budget, TraceCost};
use crate::sweep::decision::Direction;
use crate::sweep::figures::{latency_services_of, services_of};
use crate::sweep::grid::{Axis, Grid, axis, parse_vary};
use crate::sweep::plan::Plan;
use crate::sweep::{Definition, FigureSet, ObjectiveSpec, Sweep};

/// What the runs need: the scenario as read, and the checked sweep.
pub(super) struct Setup {
    /// The scenario's name in messages (its path as given).
    pub name: String,
    /// The scenario file's text.
    pub text: String,
    /// Reads the files the scenario names.
    pub loader: FsLoader,
    /// The scenario file's stem, for the default output directory.
    pub stem: String,
    /// The sweep.
    pub sweep: Sweep,
    /// The resource budget of each run (`--budget`), and the traces each run makes.
    pub budget: (Budget, TraceCost),
}

fn bad(message: impl std::fmt::Display) -> Failure {
    Failure::BadInput(format!("error: {message}"))
}

/// The axes: from `--vary` if given, else from the scenario's `sweep.vary`.
fn axes(args: &SweepArgs, base: &LoadedScenario) -> Result<Vec<Axis>, Failure> {
    if !args.vary.is_empty() {
        return args.vary.iter().map(|v| parse_vary(v).map_err(bad)).collect();
    }
    let Some(block) = &base.sweep else {
        return Ok(Vec::new());
    };
    block
        .vary
        .iter()
        .map(|v| axis(&v.path, &v.items).map_err(|e| bad(format!("{}: sweep.vary: {e}", base.locate(v.loc)))))
        .collect()
}

/// The objective: `--minimize`/`--maximize`, else the block's, else minimize `cost_usd`.
fn objective(args: &SweepArgs, block: Option<&SweepBlock>) -> ObjectiveSpec {
    let spec = |direction, figure: &str| ObjectiveSpec {
        direction,
        figure: figure.to_string(),
    };
    match (&args.minimize, &args.maximize, block.and_then(|b| b.objective.as_ref())) {
        (Some(f), _, _) => spec(Direction::Minimize, f),
        (None, Some(f), _) => spec(Direction::Maximize, f),
        (None, None, Some(("maximize", f))) => spec(Direction::Maximize, f),
        (None, None, Some((_, f))) => spec(Direction::Minimize, f),
        (None, None, None) => ObjectiveSpec::default_cost(),
    }
}

/// Loads the scenario with `sets`; an error is the scenario's own located message.
fn load(setup: &(String, String, FsLoader), sets: &[(String, String)]) -> Result<LoadedScenario, String> {
    let (name, text, loader) = setup;
    scenario::load(name, text, loader, sets).map_err(|e| e.rendered)
}

/// Reads the scenario and the arguments into a checked sweep.
pub(super) fn prepare(args: &SweepArgs) -> Result<Setup, Failure> {
    let path = args.scenario.as_deref().unwrap_or(Path::new(""));
    let text = read_scenario(path).map_err(Failure::BadInput)?;
    let source = (
        path.display().to_string(),
        text,
        FsLoader::for_scenario(path, &args.files),
    );
    let seed_set: Vec<(String, String)> = args.seed.map(|s| ("seed".into(), s.to_string())).into_iter().collect();
    let base = load(&source, &seed_set).map_err(Failure::BadInput)?;
    report_notes(&base);
    let block = base.sweep.as_ref();
    let axes = axes(args, &base)?;
    // Every path at once, as `--set` checks it: the scenario with each path's first value.
    let firsts: Vec<(String, String)> = axes.iter().map(|a| (a.path.clone(), a.values[0].clone())).collect();
    load(&source, &[seed_set.clone(), firsts].concat()).map_err(Failure::BadInput)?;
    let grid = Grid::new(axes.clone()).map_err(bad)?;
    let replicas = args.replicas.or(block.and_then(|b| b.replicas)).unwrap_or(1);
    let sample = args.sample.or(block.and_then(|b| b.sample));
    let seed = base.spec.seed;
    let plan = Plan::new(grid.len(), replicas, seed, sample).map_err(bad)?;
    // Every combination that will run must load (a value may be wrong for its field).
    let mut services = Vec::new();
    let mut latency: Vec<String> = Vec::new();
    let mut jobs = false;
    let budget = (
        args.budget.budget(),
        if args.keep_runs {
            TraceCost::TRACES
        } else {
            TraceCost::NONE
        },
    );
    for (k, &c) in plan.combinations().iter().enumerate() {
        let combination = || {
            format!(
                "combination {} of {} ({})",
                k + 1,
                plan.combinations().len(),
                grid.describe(c)
            )
        };
        let loaded = load(&source, &[seed_set.clone(), grid.overrides(c)].concat())
            .map_err(|e| Failure::BadInput(format!("error: {} is not a valid scenario:\n{e}", combination())))?;
        // Each run is checked against the budget, before any of them runs.
        budget
            .0
            .check(&loaded.spec, budget.1)
            .map_err(|e| bad(format!("{}: {}: {e}", source.0, combination())))?;
        services.extend(services_of(&loaded.spec));
        latency.extend(latency_services_of(&loaded.spec));
        jobs |= loaded.spec.has_jobs();
    }
    let constraints = if args.constraints.is_empty() {
        block.map(|b| b.constraints.clone()).unwrap_or_default()
    } else {
        args.constraints.clone()
    };
    let definition = Definition {
        scenario: base.spec.name.clone(),
        axes,
        replicas,
        seed,
        sample,
        objective: objective(args, block),
        constraints,
        figures: FigureSet::with_latency(&services, &latency).with_jobs(jobs).names(),
    };
    let from_block = block.filter(|b| {
        (args.minimize.is_none() && args.maximize.is_none() && b.objective.is_some())
            || (args.constraints.is_empty() && !b.constraints.is_empty())
    });
    let sweep = Sweep::new(definition).map_err(|e| match from_block {
        Some(b) => bad(format!("{e} (in the sweep: block at {})", base.locate(b.loc))),
        None => bad(e),
    })?;
    let (name, text, loader) = source;
    Ok(Setup {
        name,
        text,
        loader,
        stem: path
            .file_stem()
            .map_or_else(|| "sweep".into(), |s| s.to_string_lossy().into_owned()),
        sweep,
        budget,
    })
}
