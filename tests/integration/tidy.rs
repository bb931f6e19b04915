//! Tidy checks of the source tree: the layering of ARCHITECTURE.md, I/O and clocks only where
//! allowed, no unseeded randomness or hash-ordered collections, and a `//!` line on every file.

use std::path::{Path, PathBuf};

use crate::support::root;

/// Layer of each top-level module (ARCHITECTURE.md): a module may use only lower layers.
const LAYERS: &[(&str, u32)] = &[
    ("sim", 0),
    ("model", 1),
    ("workload", 1),
    ("metrics", 1),
    ("policy", 2),
    ("spec", 3),
    ("trace", 3),
    ("engine", 4),
    ("scenario", 5),
    ("output", 5),
    ("check", 5),
    ("sweep", 5),
    ("cli", 6),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(String, String, String)> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&src).expect("under src").display().to_string();
            let module = rel.split('/').next().expect("path").trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(&p).expect("readable");
            (rel, module, text)
        })
        .collect()
}

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// Code without comments, so that prose mentioning a module does not count as a use.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l))
}

#[test]
fn every_source_file_starts_with_a_module_doc_line() {
    let missing: Vec<String> = sources()
        .into_iter()
        .filter(|(_, _, text)| !text.starts_with("//!"))
        .map(|(rel, _, _)| rel)
        .collect();
    assert!(missing.is_empty(), "files without a leading `//!` line: {missing:?}");
}

#[test]
fn modules_use_only_lower_layers() {
    let mut violations = Vec::new();
    for (rel, module, text) in sources() {
        let Some(own) = layer(&module) else { continue };
        for (line_no, line) in code_lines(&text) {
            for (other, other_layer) in LAYERS {
                let uses = line.contains(&format!("crate::{other}::"))
                    || line.contains(&format!("crate::{other};"))
                    || line.contains(&format!("crate::{{{other}"));
                if uses && *other != module && *other_layer >= own {
                    violations.push(format!(
                        "src/{rel}:{line_no}: {module} (L{own}) uses {other} (L{other_layer})"
                    ));
                }
            }
        }
    }
    assert!(violations.is_empty(), "layering violations:\n{}", violations.join("\n"));
}

#[test]
fn only_the_cli_touches_files_and_clocks_and_nothing_uses_unseeded_randomness() {
    let mut violations = Vec::new();
    for (rel, module, text) in sources() {
        for (line_no, line) in code_lines(&text) {
            let io = [
                "std::fs",
                "fs::read",
                "File::create",
                "File::open",
                "SystemTime",
                "Instant::now",
                "std::env::var",
            ];
            if module != "cli" {
                for needle in io {
                    if line.contains(needle) {
                        violations.push(format!("src/{rel}:{line_no}: `{needle}` outside cli/"));
                    }
                }
            }
            for needle in [
                "thread_rng",
                "rand::rng()",
                "OsRng",
                "from_entropy",
                "from_os_rng",
                "HashMap",
                "HashSet",
            ] {
                if line.contains(needle) {
                    violations.push(format!("src/{rel}:{line_no}: `{needle}` breaks determinism"));
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_layer_table_names_every_top_level_module() {
    let unknown: Vec<String> = sources()
        .into_iter()
        .map(|(_, module, _)| module)
        .filter(|m| !matches!(m.as_str(), "lib" | "main") && layer(m).is_none())
        .collect();
    assert!(
        unknown.is_empty(),
        "add these modules to LAYERS and ARCHITECTURE.md: {unknown:?}"
    );
}
