//! `ecsim check` judges a run from the columns its expectations read, as the run is written;
//! `ecsim run` judges it from the files. Both must give the same verdicts.

use super::*;

/// Every scenario of the repository, loaded as `ecsim check` loads it.
fn scenarios() -> Vec<(PathBuf, scenario::LoadedScenario, Vec<ParsedExpectation>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files = collect_scenario_files(&[dir]).expect("scenarios/ reads");
    assert!(files.len() > 20, "found {} scenarios", files.len());
    let allowed = AllowPathArgs::default();
    files
        .into_iter()
        .map(|path| {
            let text = read_scenario(&path).expect("reads");
            let loader = FsLoader::for_scenario(&path, &allowed);
            let loaded = scenario::load(&path.display().to_string(), &text, &loader, &[])
                .unwrap_or_else(|e| panic!("{}", e.rendered));
            let expectations = parse_expectations(&loaded).expect("expectations parse");
            (path, loaded, expectations)
        })
        .collect()
}

#[test]
fn check_in_columns_gives_the_verdicts_run_gives_from_the_whole_files() {
    let mut judged = 0;
    for (path, loaded, expectations) in scenarios() {
        let in_columns = run_in_columns(&loaded, &expectations, u64::MAX, &StopWatch::inert()).expect("runs");
        // `ecsim run`'s way: the whole texts, every column read.
        let spec = &loaded.spec;
        let builder = SummaryBuilder::new(spec).with_provenance(&loaded.provenance);
        let mut sink = CsvSink::new(RunFiles::in_memory(), spec.start_epoch_ms, builder).expect("sink");
        engine::run(spec, &mut sink, RunOptions::default()).expect("runs");
        let (files, mut summary) = sink.into_inner().expect("flushes");
        let text = |b: &Option<Vec<u8>>| String::from_utf8(b.clone().unwrap_or_default()).expect("utf-8");
        let (services, cluster, events) = (text(&files.services), text(&files.cluster), text(&files.events));
        let tables = RunTables::from_texts(&services, &cluster, &events, &summary.to_json()).expect("reads");
        let whole = judge_tables(&expectations, &tables, &mut summary);
        assert_eq!(in_columns, whole, "{}", path.display());
        assert_eq!(in_columns.len(), expectations.len());
        judged += in_columns.len();
    }
    assert!(judged > 100, "{judged} expectations");
}
