//! The big example of README.md's "The scenario format" validates as written (issue 15, item 11).
//!
//! The YAML is taken from README.md itself, so the README and this test cannot drift apart. The
//! files it names (`taskdefs/web-v2.json`, `data/requests.csv`) are in `docs/example/`.

use crate::support::{DirLoader, root};
use ecsim::scenario;

/// The first fenced `yaml` block after the heading `heading` in README.md, with the line it
/// starts on.
fn yaml_block_after(heading: &str) -> (String, usize) {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let lines: Vec<&str> = readme.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == heading)
        .expect("the heading is in README.md");
    let open = at + lines[at..].iter().position(|l| *l == "```yaml").expect("a yaml block") + 1;
    let close = open
        + lines[open..]
            .iter()
            .position(|l| *l == "```")
            .expect("the block closes");
    (lines[open..close].join("\n") + "\n", open + 1)
}

#[test]
fn the_scenario_format_example_validates_as_written() {
    let (yaml, first_line) = yaml_block_after("## The scenario format");
    assert!(yaml.lines().count() > 150, "the big example, not a fragment");
    let loaded = scenario::load(
        "README.md's example",
        &yaml,
        &DirLoader(root().join("docs/example")),
        &[],
    );
    let loaded = match loaded {
        Ok(l) => l,
        Err(e) => panic!(
            "README.md's example (from line {first_line}) does not validate:\n{}",
            e.rendered
        ),
    };
    let services: Vec<&str> = loaded.spec.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(services, ["web", "api", "worker"]);
    let revisions: Vec<String> = loaded.spec.task_definitions.iter().map(|t| t.arn_suffix()).collect();
    assert_eq!(revisions, ["web:1", "web:2", "api:1", "worker:1"]);
    assert!(
        loaded.spec.ignored_fields.is_empty(),
        "the example uses no field it would have to call ignored: {:?}",
        loaded.spec.ignored_fields
    );
}
