//! Tidy checks of the source tree, made on its syntax: every `.rs` file under `src/` is parsed
//! with `syn`, and every `use` tree, path and macro token sequence is resolved to what it names.
//!
//! The rules (each violation is reported as file:line:column, the path as written, the rule and
//! a detail naming the layers involved):
//! - `layer`: a module uses only its own top-level module and modules of a lower layer. The
//!   layers are [`LAYERS`], from ARCHITECTURE.md's "Code map" (and, for `check`, which the code
//!   map does not list, from the layer table of DESIGN.md). `lib.rs`, the crate root that
//!   declares the modules, has no layer.
//! - `crate-root`: a crate path must name a module of that table: `crate::Foo` (a re-export at the
//!   root would hide a layer), a glob of the crate root and `super::` past it are reported.
//! - `io`: only `cli` names `std::fs`, `std::net` or `std::process` (whose `ExitCode` is a type
//!   that does nothing, so `main.rs` may return one), or `File::open`, `File::create`,
//!   `fs::read*`, `fs::write*` however imported (ARCHITECTURE.md: nothing below `cli` touches
//!   `std::fs`). `std::io` stays allowed: `output` writes through `std::io::Write`.
//! - `clock`: only `cli` reads the wall clock: `std::time::{SystemTime, Instant}`,
//!   `chrono::Local`, `chrono::Utc::now`/`today`, and unqualified `Instant::now`, `Utc::now`,
//!   `Local::now`, `SystemTime` (the engine runs on `SimTime`).
//! - `env`: only `cli` reads the environment: `std::env`, and unqualified `env::var*`/`env::args*`.
//! - `randomness` (everywhere, `cli` too): `thread_rng`, `rand::rng`, `rand::random*`, `OsRng`,
//!   `from_entropy`, `from_os_rng`; randomness comes from the seeded streams of `sim`.
//! - `hash-order` (everywhere): `HashMap` and `HashSet`, whose iteration order varies by run.
//! - every file starts with a `//!` line; [`LAYERS`] names exactly the top-level modules of
//!   `src/` (no planned module that does not exist, no module without a layer) and agrees with
//!   every module ARCHITECTURE.md's code map lists.
//!
//! How paths resolve: `crate::` (and `$crate::`, and `ecsim::` in `main.rs`) from the root;
//! `self::` and `super::` from the module the code is in, which is the file's module path
//! (`src/engine/x.rs` is `engine::x`, `src/engine/scaling/mod.rs` is `engine::scaling`) plus
//! any inline `mod`; a first segment brought in by a `use` (grouped, nested, renamed or `self`)
//! is replaced by what it imports, so `use crate as root; root::engine::World` names `engine`
//! (a path through an import already reported is not reported again). Macro arguments, which
//! syn leaves as tokens, are scanned for `a::b::c` sequences. A `use` inside a function counts
//! for its whole module. Not checked, as before: `println!` and `eprintln!`, `env!` and
//! `option_env!` (read at compile time), `std::io::{stdin, stdout, stderr}`.
//!
//! `tests/fixtures/tidy/bad/` holds one snippet per way of breaking a rule, each reported as its
//! `// expect:` lines say; `tests/fixtures/tidy/good/` holds allowed patterns, none reported.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use proc_macro2::{Spacing, Span, TokenStream, TokenTree};
use syn::visit::{self, Visit};

use crate::support::root;

/// Layer of each top-level module of `src/` (ARCHITECTURE.md's code map; `check` from DESIGN.md).
/// A name here must exist under `src/`: modules DESIGN.md plans (`import`) join the table when
/// they join the tree.
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
    ("import", 5),
    ("cli", 6),
    ("main", 7),
];

/// The one module that touches files, clocks, processes and the environment.
const IO_MODULE: &str = "cli";

/// How many `use` imports deep a path's first segment is followed.
const ALIAS_DEPTH: u32 = 8;

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rule {
    Layer,
    CrateRoot,
    Io,
    Clock,
    Env,
    Randomness,
    HashOrder,
}

impl Rule {
    const ALL: [Rule; 7] = [
        Rule::Layer,
        Rule::CrateRoot,
        Rule::Io,
        Rule::Clock,
        Rule::Env,
        Rule::Randomness,
        Rule::HashOrder,
    ];

    fn name(self) -> &'static str {
        match self {
            Rule::Layer => "layer",
            Rule::CrateRoot => "crate-root",
            Rule::Io => "io",
            Rule::Clock => "clock",
            Rule::Env => "env",
            Rule::Randomness => "randomness",
            Rule::HashOrder => "hash-order",
        }
    }
}

/// One broken rule, located.
struct Violation {
    file: String,
    line: usize,
    column: usize,
    path: String,
    rule: Rule,
    detail: String,
}

impl Violation {
    /// `line:column rule path`, the form of a fixture's `// expect:` line.
    fn short(&self) -> String {
        format!("{}:{} {} {}", self.line, self.column, self.rule.name(), self.path)
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Violation {
            file,
            line,
            column,
            path,
            rule,
            detail,
        } = self;
        write!(f, "{file}:{line}:{column}: `{path}`: {}: {detail}", rule.name())
    }
}

/// Where a path leads once `crate`, `self`, `super` and imports are resolved.
#[derive(Clone, Debug)]
enum Target {
    /// A path in this crate, from its root: `crate::engine::World` is `["engine", "World"]`.
    Crate(Vec<String>),
    /// `super::` past the crate root.
    AboveRoot,
    /// Another crate's path (`std::fs::read`), or a local name no `use` explains.
    Other(Vec<String>),
}

impl Target {
    fn join(self, rest: &[String]) -> Target {
        match self {
            Target::Crate(p) => Target::Crate([p.as_slice(), rest].concat()),
            Target::Other(p) => Target::Other([p.as_slice(), rest].concat()),
            Target::AboveRoot => Target::AboveRoot,
        }
    }
}

/// `self` and `super` segments applied to the module path `scope`.
fn relative(segments: &[String], scope: &[String]) -> Target {
    let mut module = scope.to_vec();
    let mut rest = segments;
    if rest.first().is_some_and(|s| s == "self") {
        rest = &rest[1..];
    }
    while rest.first().is_some_and(|s| s == "super") {
        if module.pop().is_none() {
            return Target::AboveRoot;
        }
        rest = &rest[1..];
    }
    Target::Crate([module.as_slice(), rest].concat())
}

/// The file a check is about: its module path and the top-level module whose rules it follows.
struct FileModule {
    /// As reported: `src/engine/x.rs`.
    file: String,
    /// `["engine", "x"]`; empty for `lib.rs` and `main.rs`, the roots of their crates.
    path: Vec<String>,
    /// `engine`; `lib` for the library's root, `main` for the binary.
    top: String,
}

impl FileModule {
    fn new(file: &str) -> FileModule {
        let rel = file.strip_prefix("src/").unwrap_or(file).trim_end_matches(".rs");
        let mut path: Vec<String> = rel.split('/').map(String::from).collect();
        let top = path[0].clone();
        if path.last().is_some_and(|s| s == "mod") || rel == "lib" || rel == "main" {
            path.pop();
        }
        FileModule {
            file: file.to_string(),
            path,
            top,
        }
    }

    fn layer(&self) -> Option<u32> {
        layer(&self.top)
    }

    fn describe(&self) -> String {
        match self.layer() {
            Some(l) => format!("{} (L{l})", self.top),
            None if self.top == "lib" => "the crate root (lib.rs)".to_string(),
            None => format!("{} (no layer)", self.top),
        }
    }
}

/// One imported path of a `use` tree: `use crate::{sim::SimTime, engine as eng};` has two.
struct Leaf {
    /// `["crate", "engine"]`; a leading `::` is an empty first segment.
    segments: Vec<String>,
    /// The name the import binds, if any (not for globs and `as _`).
    alias: Option<String>,
    glob: bool,
    written: String,
    /// The start of the innermost group item, so each leaf of a multi-line group has its line.
    span: Span,
}

fn use_leaves(item: &syn::ItemUse) -> Vec<Leaf> {
    let mut prefix = Vec::new();
    if item.leading_colon.is_some() {
        prefix.push(String::new());
    }
    let mut out = Vec::new();
    collect_leaves(&item.tree, &mut prefix, None, &mut out);
    out
}

fn collect_leaves(tree: &syn::UseTree, prefix: &mut Vec<String>, start: Option<Span>, out: &mut Vec<Leaf>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            collect_leaves(&p.tree, prefix, start.or(Some(p.ident.span())), out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => out.push(named_leaf(prefix, &n.ident, None, start)),
        syn::UseTree::Rename(r) => out.push(named_leaf(prefix, &r.ident, Some(&r.rename), start)),
        syn::UseTree::Glob(g) => out.push(Leaf {
            segments: prefix.clone(),
            alias: None,
            glob: true,
            written: format!("{}::*", prefix.join("::")),
            span: start.unwrap_or(g.star_token.spans[0]),
        }),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                collect_leaves(item, prefix, None, out);
            }
        }
    }
}

/// A leaf that binds a name; `self` imports the prefix itself (`use crate::engine::{self}`).
fn named_leaf(prefix: &[String], ident: &syn::Ident, rename: Option<&syn::Ident>, start: Option<Span>) -> Leaf {
    let mut written = [prefix, &[ident.to_string()]].concat().join("::");
    let mut segments = prefix.to_vec();
    if ident != "self" {
        segments.push(ident.to_string());
    }
    if let Some(r) = rename {
        written = format!("{written} as {r}");
    }
    let alias = rename
        .map(ToString::to_string)
        .or_else(|| segments.last().cloned())
        .filter(|a| a != "_");
    Leaf {
        segments,
        alias,
        glob: false,
        written,
        span: start.unwrap_or(ident.span()),
    }
}

/// The names `use` items bind in each module of a file (inline `mod`s included): (module path,
/// name) to the imported path, as written.
#[derive(Default)]
struct Aliases(BTreeMap<(Vec<String>, String), Vec<String>>);

impl Aliases {
    /// The import of `name` seen from `scope`, looking outwards (an inline `mod tests` sees its
    /// parent's imports through `use super::*`), with the module it was written in.
    fn lookup<'a>(&'a self, scope: &'a [String], name: &str) -> Option<(&'a [String], &'a [String])> {
        (0..=scope.len()).rev().find_map(|depth| {
            let key = (scope[..depth].to_vec(), name.to_string());
            self.0.get(&key).map(|target| (target.as_slice(), &scope[..depth]))
        })
    }
}

/// First pass: collects the imports, so that a path can be resolved wherever its `use` is.
struct AliasCollector {
    scope: Vec<String>,
    aliases: Aliases,
}

impl<'ast> Visit<'ast> for AliasCollector {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let inline = m.content.is_some();
        if inline {
            self.scope.push(m.ident.to_string());
        }
        visit::visit_item_mod(self, m);
        if inline {
            self.scope.pop();
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        for leaf in use_leaves(u) {
            if let Some(alias) = leaf.alias {
                self.aliases.0.insert((self.scope.clone(), alias), leaf.segments);
            }
        }
    }
}

/// Second pass: resolves every use leaf, path and macro token path and applies the rules.
struct Checker<'a> {
    file: &'a FileModule,
    aliases: &'a Aliases,
    scope: Vec<String>,
    violations: Vec<Violation>,
}

impl Checker<'_> {
    fn check(&mut self, segments: &[String], written: &str, span: Span, glob: bool) {
        if segments.is_empty() {
            return;
        }
        let (target, via_import) = self.resolve(segments, &self.scope, ALIAS_DEPTH);
        if via_import.is_some_and(|imported| !self.rules(&imported, false).is_empty()) {
            return; // the `use` itself is reported
        }
        let start = span.start();
        for (rule, detail) in self.rules(&target, glob) {
            self.violations.push(Violation {
                file: self.file.file.clone(),
                line: start.line,
                column: start.column + 1,
                path: written.to_string(),
                rule,
                detail,
            });
        }
    }

    /// What `segments` names from `scope`, and what its first segment was imported as, if it was.
    fn resolve(&self, segments: &[String], scope: &[String], depth: u32) -> (Target, Option<Target>) {
        let rest = &segments[1..];
        match segments[0].as_str() {
            "" => (Target::Other(rest.to_vec()), None),
            "crate" | "$crate" | "ecsim" => (Target::Crate(rest.to_vec()), None),
            "self" | "super" => (relative(segments, scope), None),
            name => match self.aliases.lookup(scope, name) {
                Some((imported, home)) if depth > 0 => {
                    let (target, _) = self.resolve(imported, home, depth - 1);
                    (target.clone().join(rest), Some(target))
                }
                // In the crate root, `engine::World` needs no `crate::`.
                _ if scope.is_empty() && layer(name).is_some() => (Target::Crate(segments.to_vec()), None),
                _ => (Target::Other(segments.to_vec()), None),
            },
        }
    }

    fn rules(&self, target: &Target, glob: bool) -> Vec<(Rule, String)> {
        let mut found = match target {
            Target::AboveRoot => return vec![(Rule::CrateRoot, "`super` climbs above the crate root".to_string())],
            Target::Crate(path) => self.layer_rule(path, glob).into_iter().collect(),
            Target::Other(_) if self.file.top == IO_MODULE => Vec::new(),
            Target::Other(path) => outside_world(path, &self.file.describe()),
        };
        found.extend(determinism(target_path(target)));
        found
    }

    fn layer_rule(&self, path: &[String], glob: bool) -> Option<(Rule, String)> {
        let Some(top) = path.first() else {
            let detail = "a glob of the crate root brings every module into scope unchecked";
            return glob.then(|| (Rule::CrateRoot, detail.to_string()));
        };
        let Some(theirs) = layer(top) else {
            return Some((
                Rule::CrateRoot,
                format!("`crate::{top}` is not a module of the layer table"),
            ));
        };
        let mine = self.file.layer()?;
        if *top == self.file.top || theirs < mine {
            return None;
        }
        let own = &self.file.top;
        Some((
            Rule::Layer,
            format!("{own} (L{mine}) may use only itself and lower layers, not {top} (L{theirs})"),
        ))
    }
}

fn target_path(target: &Target) -> &[String] {
    match target {
        Target::Crate(p) | Target::Other(p) => p,
        Target::AboveRoot => &[],
    }
}

impl<'ast> Visit<'ast> for Checker<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let inline = m.content.is_some();
        if inline {
            self.scope.push(m.ident.to_string());
        }
        visit::visit_item_mod(self, m);
        if inline {
            self.scope.pop();
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        for leaf in use_leaves(u) {
            self.check(&leaf.segments, &leaf.written, leaf.span, leaf.glob);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let (segments, span) = path_segments(path);
        self.check(&segments, &segments.join("::"), span, false);
        visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        visit::visit_macro(self, mac);
        for (segments, span) in token_paths(mac.tokens.clone()) {
            self.check(&segments, &segments.join("::"), span, false);
        }
    }
}

fn path_segments(path: &syn::Path) -> (Vec<String>, Span) {
    let mut segments = Vec::new();
    let mut span = None;
    if let Some(colons) = &path.leading_colon {
        segments.push(String::new());
        span = Some(colons.spans[0]);
    }
    for s in &path.segments {
        span.get_or_insert(s.ident.span());
        segments.push(s.ident.to_string());
    }
    (segments, span.unwrap_or_else(Span::call_site))
}

/// The `a::b::c` sequences of a macro's tokens, which syn leaves unparsed, so that
/// `format!("{}", crate::engine::X)` names `engine` too. An identifier after `'` is a lifetime
/// or label and one after `$` a metavariable, except `$crate`.
fn token_paths(tokens: TokenStream) -> Vec<(Vec<String>, Span)> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(g) => out.extend(token_paths(g.stream())),
            TokenTree::Ident(ident) if !after_punct(&tokens, i, '\'') => {
                let dollar = after_punct(&tokens, i, '$');
                let start = if dollar { tokens[i - 1].span() } else { ident.span() };
                let mut segments = vec![if dollar { format!("${ident}") } else { ident.to_string() }];
                while let (true, Some(TokenTree::Ident(next))) = (path_sep_at(&tokens, i + 1), tokens.get(i + 3)) {
                    segments.push(next.to_string());
                    i += 3;
                }
                if !dollar || ident == "crate" {
                    out.push((segments, start));
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn after_punct(tokens: &[TokenTree], i: usize, c: char) -> bool {
    i > 0 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == c)
}

fn path_sep_at(tokens: &[TokenTree], i: usize) -> bool {
    matches!(
        (tokens.get(i), tokens.get(i + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
    )
}

/// Paths (of another crate, or unqualified) that only `cli` may name.
const CLOCK_PATHS: &[&[&str]] = &[
    &["std", "time", "SystemTime"],
    &["std", "time", "Instant"],
    &["chrono", "Local"],
    &["chrono", "offset", "Local"],
    &["chrono", "Utc", "now"],
    &["chrono", "Utc", "today"],
    &["chrono", "offset", "Utc", "now"],
    &["chrono", "offset", "Utc", "today"],
];
const IO_PATHS: &[&[&str]] = &[&["std", "fs"], &["std", "net"], &["std", "process"]];
const IO_ALLOWED: &[&[&str]] = &[&["std", "process", "ExitCode"]];

fn starts_with(path: &[String], prefix: &[&str]) -> bool {
    path.len() >= prefix.len() && path.iter().zip(prefix).all(|(a, b)| a == b)
}

/// Whether two consecutive segments are `first::second`, `second` matching by prefix.
fn has_pair(path: &[String], first: &[&str], second: &[&str]) -> bool {
    path.windows(2)
        .any(|w| first.contains(&w[0].as_str()) && second.iter().any(|s| w[1].starts_with(s)))
}

/// The clock, environment and I/O rules for code outside `cli`.
fn outside_world(path: &[String], who: &str) -> Vec<(Rule, String)> {
    let clock = CLOCK_PATHS.iter().any(|p| starts_with(path, p))
        || path.iter().any(|s| s == "SystemTime")
        || has_pair(path, &["Instant", "Utc", "Local"], &["now", "today"]);
    let env = starts_with(path, &["std", "env"]) || has_pair(path, &["env"], &["var", "args"]);
    let io = (IO_PATHS.iter().any(|p| starts_with(path, p)) && !IO_ALLOWED.iter().any(|p| starts_with(path, p)))
        || has_pair(path, &["File"], &["open", "create"])
        || has_pair(path, &["fs"], &["read", "write"]);
    let only = format!("only {IO_MODULE} (L{}) may", layer(IO_MODULE).unwrap_or_default());
    let mut found = Vec::new();
    if clock {
        found.push((Rule::Clock, format!("{who} may not read the wall clock; {only}")));
    }
    if env {
        found.push((Rule::Env, format!("{who} may not read the environment; {only}")));
    }
    if io {
        found.push((
            Rule::Io,
            format!("{who} may not touch files, the network or processes; {only}"),
        ));
    }
    found
}

/// Unseeded randomness and hash-ordered collections, banned everywhere.
fn determinism(path: &[String]) -> Vec<(Rule, String)> {
    let random = path
        .iter()
        .any(|s| matches!(s.as_str(), "thread_rng" | "OsRng" | "from_entropy" | "from_os_rng"))
        || (path.len() >= 2 && path[0] == "rand" && (path[1] == "rng" || path[1].starts_with("random")));
    let hashed = path.iter().any(|s| s == "HashMap" || s == "HashSet");
    let mut found = Vec::new();
    if random {
        let detail = "unseeded randomness; draw from a named stream of `sim::RngStreams`";
        found.push((Rule::Randomness, detail.to_string()));
    }
    if hashed {
        let detail = "hash-ordered collections iterate differently from run to run; use BTreeMap or BTreeSet";
        found.push((Rule::HashOrder, detail.to_string()));
    }
    found
}

/// The violations in `text`, read as the file `file` (`src/engine/x.rs`).
fn check_source(file: &str, text: &str) -> Result<Vec<Violation>, String> {
    let ast = syn::parse_file(text).map_err(|e| {
        let at = e.span().start();
        format!("{file}:{}:{}: does not parse: {e}", at.line, at.column + 1)
    })?;
    let module = FileModule::new(file);
    let mut collector = AliasCollector {
        scope: module.path.clone(),
        aliases: Aliases::default(),
    };
    collector.visit_file(&ast);
    let mut checker = Checker {
        file: &module,
        aliases: &collector.aliases,
        scope: module.path.clone(),
        violations: Vec::new(),
    };
    checker.visit_file(&ast);
    let mut found = checker.violations;
    found.sort_by_key(|v| (v.line, v.column, v.rule));
    Ok(found)
}

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

/// Every source file as (`src/...` path, text), sorted.
fn sources() -> Vec<(String, String)> {
    let dir = root();
    let mut files = Vec::new();
    rust_files(&dir.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&dir).expect("under the root").display().to_string();
            let text = std::fs::read_to_string(&p).expect("readable");
            (rel, text)
        })
        .collect()
}

#[test]
fn every_source_file_starts_with_a_module_doc_line() {
    let missing: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text)| !text.starts_with("//!"))
        .map(|(rel, _)| rel)
        .collect();
    assert!(missing.is_empty(), "files without a leading `//!` line: {missing:?}");
}

#[test]
fn the_source_keeps_the_layers_and_touches_no_file_clock_environment_or_hash_order() {
    let mut violations = Vec::new();
    for (rel, text) in sources() {
        match check_source(&rel, &text) {
            Ok(found) => violations.extend(found.iter().map(ToString::to_string)),
            Err(e) => violations.push(e),
        }
    }
    assert!(
        violations.is_empty(),
        "{} tidy violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// The top-level modules of `src/`: its directories and its files but `lib.rs`.
fn top_level_modules() -> BTreeSet<String> {
    let src = root().join("src");
    std::fs::read_dir(&src)
        .expect("src/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().expect("name").to_string_lossy().into_owned())
        .filter(|m| m != "lib")
        .collect()
}

#[test]
fn the_layer_table_names_exactly_the_top_level_modules() {
    let modules = top_level_modules();
    let unlisted: Vec<&String> = modules.iter().filter(|m| layer(m).is_none()).collect();
    let missing: Vec<&str> = LAYERS
        .iter()
        .map(|(m, _)| *m)
        .filter(|m| !modules.contains(*m))
        .collect();
    assert!(
        unlisted.is_empty(),
        "give these modules of src/ a layer in LAYERS and ARCHITECTURE.md: {unlisted:?}"
    );
    assert!(
        missing.is_empty(),
        "LAYERS names modules that src/ does not have: {missing:?}"
    );
}

/// The `- `name/` (Ln)` entries of ARCHITECTURE.md's code map.
fn architecture_layers() -> Vec<(String, u32)> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let map = text.split("## Code map").nth(1).expect("a `## Code map` section");
    let map = map.split("\n## ").next().unwrap_or(map);
    map.lines()
        .filter_map(|line| {
            let (name, rest) = line.strip_prefix("- `")?.split_once('`')?;
            let digits = rest.trim_start().strip_prefix("(L")?.split_once(')')?.0;
            let name = name.trim_end_matches('/').trim_end_matches(".rs");
            Some((name.to_string(), digits.parse().ok()?))
        })
        .collect()
}

#[test]
fn the_layer_table_agrees_with_the_code_map_of_architecture_md() {
    let documented = architecture_layers();
    assert!(
        documented.len() >= 5,
        "ARCHITECTURE.md's code map no longer reads as `- `name/` (Ln)`: {documented:?}"
    );
    let disagree: Vec<String> = documented
        .iter()
        .filter(|(m, l)| layer(m) != Some(*l))
        .map(|(m, l)| format!("{m}: L{l} in ARCHITECTURE.md, {:?} in LAYERS", layer(m)))
        .collect();
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}

/// A snippet under `tests/fixtures/tidy/`, checked as if it were the file its `// as:` names.
struct Fixture {
    name: String,
    pretend: String,
    expected: BTreeSet<String>,
    text: String,
}

fn fixtures(kind: &str) -> Vec<Fixture> {
    let mut files = Vec::new();
    rust_files(&root().join("tests/fixtures/tidy").join(kind), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable fixture");
            let name = format!("{kind}/{}", p.file_name().expect("name").to_string_lossy());
            let pretend = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("// as: "))
                .unwrap_or_default();
            let expected = text
                .lines()
                .filter_map(|l| l.strip_prefix("// expect: "))
                .map(String::from)
                .collect();
            Fixture {
                name,
                pretend: pretend.trim().to_string(),
                expected,
                text,
            }
        })
        .collect()
}

/// Why `fixture` does not give exactly its `// expect:` lines, if it does not.
fn fixture_mismatch(fixture: &Fixture, negative: bool) -> Option<String> {
    let name = &fixture.name;
    if fixture.pretend.is_empty() {
        return Some(format!("{name}: the first line must be `// as: src/<path>.rs`"));
    }
    if negative == fixture.expected.is_empty() {
        return Some(format!(
            "{name}: bad/ fixtures need `// expect:` lines, good/ fixtures none"
        ));
    }
    let found = match check_source(&fixture.pretend, &fixture.text) {
        Ok(found) => found,
        Err(e) => return Some(format!("{name}: {e}")),
    };
    let got: BTreeSet<String> = found.iter().map(Violation::short).collect();
    (got != fixture.expected).then(|| {
        let missed: Vec<&String> = fixture.expected.difference(&got).collect();
        let unexpected: Vec<&String> = got.difference(&fixture.expected).collect();
        let full: Vec<String> = found.iter().map(ToString::to_string).collect();
        format!(
            "{name}: not reported: {missed:?}; not expected: {unexpected:?}\n  reported:\n    {}",
            full.join("\n    ")
        )
    })
}

#[test]
fn every_bad_fixture_is_reported_as_expected_and_no_good_one_is() {
    let bad = fixtures("bad");
    let good = fixtures("good");
    assert!(
        !bad.is_empty() && !good.is_empty(),
        "tests/fixtures/tidy/{{bad,good}}/ hold the fixtures"
    );
    let mut failures: Vec<String> = bad.iter().filter_map(|f| fixture_mismatch(f, true)).collect();
    failures.extend(good.iter().filter_map(|f| fixture_mismatch(f, false)));
    let expected = bad.iter().flat_map(|f| &f.expected).collect::<Vec<_>>();
    for rule in Rule::ALL {
        if !expected.iter().any(|e| e.split(' ').nth(1) == Some(rule.name())) {
            failures.push(format!("no bad fixture breaks the `{}` rule", rule.name()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_violation_says_where_what_which_rule_and_which_layers() {
    let text = "//! A policy that reaches up.\n\nuse crate::{sim::SimTime, engine::World};\n";
    let found = check_source("src/policy/x.rs", text).expect("parses");
    let messages: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "src/policy/x.rs:3:27: `crate::engine::World`: layer: policy (L2) may use only itself and lower layers, \
          not engine (L4)"
        ]
    );
}

#[test]
fn the_real_engine_read_as_if_it_were_in_sim_breaks_the_layer_rule() {
    // Guards against a check that passes because it sees nothing: the engine's files name
    // policy, spec and trace, all above sim (L0).
    let engine = sources().into_iter().filter(|(rel, _)| rel.starts_with("src/engine/"));
    let layer_violations = engine
        .map(|(rel, text)| check_source(&rel.replacen("src/engine/", "src/sim/", 1), &text).expect("parses"))
        .flat_map(|found| found.into_iter().filter(|v| v.rule == Rule::Layer))
        .count();
    assert!(
        layer_violations > 10,
        "only {layer_violations} layer violations in the engine read as sim"
    );
}
