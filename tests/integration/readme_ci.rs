//! The CI snippets of README.md's "Use in CI" work as written (issue 15, item 15): each is YAML,
//! every `ecsim ...` command in them parses with the real command line, and every file or folder
//! they name is in the repository.
//!
//! The snippets are taken from README.md itself, so a renamed flag or a moved folder fails here
//! before a user's pipeline fails.

use clap::Parser;
use ecsim::cli::Cli;

use crate::support::root;

/// The fenced `yaml` blocks of the README section under `heading`, each with the line it starts on.
fn yaml_blocks_in_section(heading: &str) -> Vec<(usize, Vec<String>)> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let lines: Vec<&str> = readme.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == heading)
        .expect("the heading is in README.md");
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with("## "))
        .map_or(lines.len(), |i| start + 1 + i);
    let mut blocks = Vec::new();
    let mut open: Option<(usize, Vec<String>)> = None;
    for (i, line) in lines.iter().enumerate().take(end).skip(start) {
        match (&mut open, *line) {
            (None, "```yaml") => open = Some((i + 2, Vec::new())),
            (Some(_), "```") => blocks.extend(open.take()),
            (Some((_, body)), _) => body.push(line.to_string()),
            (None, _) => {}
        }
    }
    blocks
}

/// The shell command of a snippet line (`- run: X`, `- X` or `X` under `script:`), without a
/// trailing comment.
fn command_of(line: &str) -> &str {
    let line = line.trim_start();
    let line = line.strip_prefix("- ").unwrap_or(line);
    let line = line.strip_prefix("run: ").unwrap_or(line);
    line.split(" #").next().unwrap_or(line).trim()
}

/// Options of `ecsim` whose value names a file or folder the command reads.
const READ: &[&str] = &["--allow-path"];

/// Checks one `ecsim ...` command: clap accepts it, and every path it reads exists.
#[track_caller]
fn check_ecsim_command(command: &str, at: usize) {
    let args: Vec<&str> = command.split_whitespace().collect();
    if let Err(e) = Cli::try_parse_from(&args) {
        panic!("README.md line {at}: `{command}` does not parse:\n{e}");
    }
    // After the subcommand, an argument that is neither an option nor an option's value is a
    // scenario file or folder, relative to the repository root where CI runs it; so is the value
    // of an option that reads a folder.
    let mut i = 2;
    while i < args.len() {
        let arg = args[i];
        if arg.starts_with('-') {
            let value = args.get(i + 1).filter(|v| !arg.contains('=') && !v.starts_with('-'));
            if let (Some(value), true) = (value, READ.contains(&arg)) {
                assert_exists(value, command, at);
            }
            i += 1 + usize::from(value.is_some());
            continue;
        }
        assert_exists(arg, command, at);
        i += 1;
    }
}

#[track_caller]
fn assert_exists(path: &str, command: &str, at: usize) {
    assert!(
        root().join(path).exists(),
        "README.md line {at}: `{command}` reads `{path}`, which is not in the repository"
    );
}

#[test]
fn the_ci_snippets_parse_and_name_what_the_repository_has() {
    let blocks = yaml_blocks_in_section("## Use in CI");
    assert_eq!(blocks.len(), 2, "the GitHub Actions and the GitLab CI snippets");
    let mut ecsim_commands = 0;
    for (first_line, body) in &blocks {
        let text = body.join("\n") + "\n";
        if let Err(e) = ecsim::scenario::yaml::parse(&text, 0) {
            panic!("README.md's snippet at line {first_line} is not YAML: {e:?}");
        }
        assert!(
            text.contains("Cargo.lock"),
            "the snippet at line {first_line} caches by Cargo.lock"
        );
        for (i, line) in body.iter().enumerate() {
            let at = first_line + i;
            let command = command_of(line);
            if command.starts_with("ecsim ") {
                check_ecsim_command(command, at);
                ecsim_commands += 1;
            } else if command.starts_with("cargo install") {
                // The build installs from a folder of the checkout: here the repository itself.
                let path = command
                    .split_whitespace()
                    .skip_while(|a| *a != "--path")
                    .nth(1)
                    .unwrap_or_else(|| panic!("README.md line {at}: `{command}` names no --path"));
                assert!(
                    root().join(path).join("Cargo.toml").is_file(),
                    "README.md line {at}: `--path {path}` holds no Cargo.toml"
                );
                assert!(
                    command.contains("--locked"),
                    "README.md line {at}: builds with Cargo.lock"
                );
            }
        }
    }
    assert_eq!(ecsim_commands, 2, "one `ecsim check` in each snippet");
    assert!(root().join("Cargo.lock").is_file(), "the cache key's Cargo.lock");
}

/// The checker can fail: a misspelt flag and a folder that is not there are caught.
#[test]
fn the_ci_snippet_checker_rejects_a_bad_flag_and_a_missing_folder() {
    let bad_flag = std::panic::catch_unwind(|| check_ecsim_command("ecsim check scenarios/ --junitt x.xml", 1));
    assert!(bad_flag.is_err(), "`--junitt` is not a flag");
    let missing = std::panic::catch_unwind(|| check_ecsim_command("ecsim check scenario/ --junit x.xml", 1));
    assert!(missing.is_err(), "`scenario/` is not in the repository");
    check_ecsim_command("ecsim check scenarios/ --junit x.xml --report r", 1);
    assert_eq!(command_of("      - run: ecsim check a  # why"), "ecsim check a");
    assert_eq!(command_of("    - ecsim check b"), "ecsim check b");
}
