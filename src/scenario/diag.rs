//! Diagnostics of scenario files: location, field path, message, suggestion, and their rendering.

use std::fmt::Write as _;

use super::names::{clip, clip_echoes};
use super::schema::recorder::SchemaRecorder;
use super::yaml::Loc;

/// The files read while loading one scenario (the scenario, task definitions, replay CSVs).
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<(String, String)>,
}

impl Sources {
    /// Adds a file and returns its index.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> usize {
        self.files.push((name.into(), text.into()));
        self.files.len() - 1
    }

    /// The display name of file `i`.
    pub fn name(&self, i: usize) -> &str {
        &self.files[i].0
    }

    /// The text of file `i`.
    pub fn text(&self, i: usize) -> &str {
        &self.files[i].1
    }
}

/// One problem found in a scenario.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Where (file, line, column).
    pub loc: Loc,
    /// Field path such as `ecs.services[0].desiredCount`.
    pub path: String,
    /// What is wrong, as a lowercase fragment.
    pub message: String,
    /// A suggestion, if there is one.
    pub help: Option<String>,
}

/// Collects diagnostics while a scenario is read; nothing stops at the first one.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    /// Errors found.
    pub errors: Vec<Diagnostic>,
    /// AWS fields accepted but not modelled: (path, loc).
    pub ignored: Vec<(String, Loc)>,
    /// Blocks parsed but not simulated yet, as sentences.
    pub not_yet_simulated: Vec<String>,
    /// When set, the reader records what it accepts at each path (for `ecsim schema`).
    pub schema: Option<SchemaRecorder>,
    /// Definitions the scenario declares but that failed to read: a reference to one is not
    /// reported as a second error, since the definition's own error says what is wrong.
    pub unread: Unread,
}

/// The kinds of definitions that other blocks refer to by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Declared {
    /// An `ecs.services` entry, by `serviceName`.
    Service,
    /// An `ecs.taskDefinitions` entry, by `family`.
    TaskDefinitionFamily,
    /// An `applicationAutoScaling.scalingPolicies` entry, by `PolicyName`.
    ScalingPolicy,
    /// A `cloudWatch.alarms` entry, by `AlarmName`.
    Alarm,
}

/// Names of definitions that failed to read, and the kinds of which one failed before its name
/// could be read (a task definition file that cannot be opened: any family may be in it).
#[derive(Clone, Debug, Default)]
pub struct Unread {
    names: std::collections::BTreeSet<(Declared, String)>,
    nameless: std::collections::BTreeSet<Declared>,
}

impl Unread {
    /// Records that a definition of `kind` named `name` (`None`: its name is unknown) failed to read.
    pub fn add(&mut self, kind: Declared, name: Option<&str>) {
        match name {
            Some(n) => {
                self.names.insert((kind, n.to_string()));
            }
            None => {
                self.nameless.insert(kind);
            }
        }
    }

    /// Whether a reference to `name` may be to a definition that failed to read.
    pub fn covers(&self, kind: Declared, name: &str) -> bool {
        self.nameless.contains(&kind) || self.names.contains(&(kind, name.to_string()))
    }
}

impl Diagnostics {
    /// Records an error.
    pub fn error(&mut self, loc: Loc, path: &str, message: impl Into<String>, help: Option<String>) {
        self.errors.push(Diagnostic {
            loc,
            path: path.to_string(),
            message: message.into(),
            help,
        });
    }

    /// True if any error was recorded.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Renders every error, sorted by location, like a compiler does.
    pub fn render(&self, sources: &Sources) -> String {
        let mut errors = self.errors.clone();
        errors.sort();
        errors.dedup();
        let mut out = String::new();
        for d in &errors {
            render_one(&mut out, d, sources);
        }
        let n = errors.len();
        let _ = writeln!(
            out,
            "{n} error{} found; nothing was simulated.",
            if n == 1 { "" } else { "s" }
        );
        out
    }
}

fn render_one(out: &mut String, d: &Diagnostic, sources: &Sources) {
    let file = sources.name(d.loc.file);
    // Values from the scenario are clipped where they are echoed: a 1 MB value must not be
    // printed whole (issue 16, finding 11).
    let _ = writeln!(out, "error: {}", clip_echoes(&d.message));
    let _ = writeln!(out, "  --> {file}:{}:{}", d.loc.line, d.loc.col);
    let full_line = sources
        .text(d.loc.file)
        .lines()
        .nth(d.loc.line.saturating_sub(1))
        .unwrap_or("");
    let (line_text, col) = source_window(full_line, d.loc.col);
    let number = d.loc.line.to_string();
    let pad = " ".repeat(number.len());
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{number} | {line_text}");
    let caret_at = line_text.chars().take(col.saturating_sub(1)).count();
    let width = token_width(&line_text, col).min(SOURCE_WINDOW_CHARS);
    let _ = writeln!(out, "{pad} | {}{}", " ".repeat(caret_at), "^".repeat(width.max(1)));
    if !d.path.is_empty() {
        let _ = writeln!(out, "{pad} = field: {}", clip(&d.path));
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} = help: {}", clip_echoes(help));
    }
    out.push('\n');
}

/// The most characters of a source line shown under an error (a long flow mapping fits whole).
const SOURCE_WINDOW_CHARS: usize = 400;

/// The part of `line` shown for an error at 1-based column `col`, and the column within it: the
/// whole line if short, else `SOURCE_WINDOW_CHARS` characters from a little before `col`, with
/// `…` where it was cut.
fn source_window(line: &str, col: usize) -> (String, usize) {
    let chars = line.chars().count();
    if chars <= SOURCE_WINDOW_CHARS {
        return (line.to_string(), col);
    }
    let start = col.saturating_sub(1).saturating_sub(SOURCE_WINDOW_CHARS / 2).min(chars);
    let body: String = line.chars().skip(start).take(SOURCE_WINDOW_CHARS).collect();
    let head = if start > 0 { "…" } else { "" };
    let tail = if start + SOURCE_WINDOW_CHARS < chars { "…" } else { "" };
    (format!("{head}{body}{tail}"), col - start + head.chars().count())
}

/// Width of the token starting at 1-based column `col`: up to `:`, `,`, `]`, `}` or the end.
fn token_width(line: &str, col: usize) -> usize {
    let rest: String = line.chars().skip(col.saturating_sub(1)).collect();
    let rest = rest.trim_end();
    if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
        return rest[1..].find(q).map_or(rest.len(), |i| i + 2);
    }
    rest.find([':', ',', ']', '}', '#']).unwrap_or(rest.len()).max(1)
}

/// Levenshtein distance, case-insensitive.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.len() / 3).clamp(1, 4);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_source_line_is_shown_around_the_error() {
        assert_eq!(source_window("a: 1", 4), ("a: 1".to_string(), 4));
        let line = format!("k: {}", "x".repeat(1_000_000));
        let (shown, col) = source_window(&line, 500_000);
        assert_eq!(shown.chars().count(), SOURCE_WINDOW_CHARS + 2, "the window and two `…`");
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(
            col,
            SOURCE_WINDOW_CHARS / 2 + 2,
            "the caret stays on the error's column"
        );
    }

    #[track_caller]
    fn check(word: &str, candidates: &[&str], expected: Option<&str>) {
        assert_eq!(closest(word, candidates.iter().copied()), expected);
    }

    #[test]
    fn suggests_near_keys() {
        check(
            "maximumPercnt",
            &["maximumPercent", "minimumHealthyPercent"],
            Some("maximumPercent"),
        );
        check("desiredcount", &["desiredCount", "serviceName"], Some("desiredCount"));
        check("zzz", &["desiredCount"], None);
    }

    #[test]
    fn renders_with_caret_path_and_help() {
        let mut sources = Sources::default();
        let f = sources.add("s.yaml", "a:\n  maximumPercnt: 200\n");
        let mut d = Diagnostics::default();
        d.error(
            Loc {
                file: f,
                line: 2,
                col: 3,
            },
            "a.maximumPercnt",
            "unknown field `maximumPercnt`",
            Some("did you mean `maximumPercent`?".into()),
        );
        assert_eq!(
            d.render(&sources),
            "error: unknown field `maximumPercnt`\n  --> s.yaml:2:3\n  |\n2 |   maximumPercnt: 200\n  |   ^^^^^^^^^^^^^\n  = field: a.maximumPercnt\n  = help: did you mean `maximumPercent`?\n\n1 error found; nothing was simulated.\n"
        );
    }
}
