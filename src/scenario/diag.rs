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
    /// Mappings (location, path) with a misspelt key: what the mapping lacks or gets wrong as a
    /// whole is most likely that key's doing, so only the misspelling is reported for it.
    pub misspelt_in: Vec<(Loc, String)>,
    /// The fields misspelt keys meant (`memory` for `memor:`): an error elsewhere that names one
    /// (a container that "needs `memory`", a strategy that "needs a weight") is that key's doing.
    pub misspelt_meant: Vec<&'static str>,
}

/// Where the simulator's behaviour of each task definition is written: an entry that failed to
/// read leaves its task definition looking unmodelled to every later check.
pub const BEHAVIOR_TASK_DEFINITIONS: &str = "behavior.taskDefinitions";

/// How the message of an unknown key starts.
pub const UNKNOWN_FIELD_PREFIX: &str = "unknown field ";

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
    /// An `ec2AutoScaling.autoScalingGroups` entry, by `AutoScalingGroupName`.
    AutoScalingGroup,
    /// An `ecs.capacityProviders` entry, by `name`.
    CapacityProvider,
    /// An `elasticLoadBalancing.targetGroups` entry, by `TargetGroupName`.
    TargetGroup,
    /// An `applicationAutoScaling.scalableTargets` entry, by the service it scales.
    ScalableTarget,
    /// `ecs.cluster`, by `clusterName`.
    Cluster,
    /// A capacity provider of `ecs.cluster.capacityProviders`, by name.
    ClusterCapacityProvider,
    /// An `ec2AutoScaling.scalingPolicies` entry, by `PolicyName`.
    GroupScalingPolicy,
    /// An `eks.objects` Deployment, by `metadata.name`.
    Deployment,
}

impl Declared {
    /// Where definitions of this kind are written.
    pub fn block(self) -> &'static str {
        match self {
            Declared::Service => "ecs.services",
            Declared::TaskDefinitionFamily => "ecs.taskDefinitions",
            Declared::ScalingPolicy => "applicationAutoScaling.scalingPolicies",
            Declared::Alarm => "cloudWatch.alarms",
            Declared::AutoScalingGroup => "ec2AutoScaling.autoScalingGroups",
            Declared::CapacityProvider => "ecs.capacityProviders",
            Declared::TargetGroup => "elasticLoadBalancing.targetGroups",
            Declared::ScalableTarget => "applicationAutoScaling.scalableTargets",
            Declared::Cluster => "ecs.cluster",
            Declared::ClusterCapacityProvider => "ecs.cluster.capacityProviders",
            Declared::GroupScalingPolicy => "ec2AutoScaling.scalingPolicies",
            Declared::Deployment => "eks.objects",
        }
    }
}

/// The blocks that hold definitions, by parent: a misspelt one (`servics:`) leaves every
/// definition in it unread.
const DEFINITION_BLOCKS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "ecs",
            "ec2AutoScaling",
            "applicationAutoScaling",
            "cloudWatch",
            "elasticLoadBalancing",
            "eks",
        ],
    ),
    ("ecs", &["services", "taskDefinitions", "capacityProviders", "cluster"]),
    ("ecs.cluster", &["capacityProviders", "clusterName"]),
    ("ec2AutoScaling", &["autoScalingGroups", "scalingPolicies"]),
    ("applicationAutoScaling", &["scalableTargets", "scalingPolicies"]),
    ("cloudWatch", &["alarms"]),
    ("elasticLoadBalancing", &["targetGroups"]),
    ("eks", &["objects"]),
];

/// Names of definitions that failed to read, and the kinds of which one failed before its name
/// could be read (a task definition file that cannot be opened: any family may be in it).
#[derive(Clone, Debug, Default)]
pub struct Unread {
    names: std::collections::BTreeSet<(Declared, String)>,
    nameless: std::collections::BTreeSet<Declared>,
    /// Paths of definition blocks written under a misspelt key (`ecs.services` for `servics:`).
    blocks: std::collections::BTreeSet<String>,
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
        let block = kind.block();
        self.nameless.contains(&kind)
            || self.names.contains(&(kind, name.to_string()))
            || self
                .blocks
                .iter()
                .any(|b| block == b || block.strip_prefix(b.as_str()).is_some_and(|r| r.starts_with('.')))
    }

    /// Whether nothing failed to read (when something did, its error is reported).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.nameless.is_empty() && self.blocks.is_empty()
    }

    /// Whether any definition of `kind` failed to read.
    pub fn any(&self, kind: Declared) -> bool {
        self.names.iter().any(|(k, _)| *k == kind) || self.covers(kind, "")
    }

    /// Finds the definition blocks of `tree` written under a misspelt key: a key two edits or
    /// fewer from a block's name, where that block is absent. Run before any block is read, so
    /// every reference to what they define is covered.
    pub fn find_misspelt_blocks(&mut self, tree: &super::yaml::Node) {
        use super::yaml::Value;
        for (parent, children) in DEFINITION_BLOCKS {
            let node = parent
                .split('.')
                .filter(|s| !s.is_empty())
                .try_fold(tree, |n, k| n.get(k));
            let Some(Value::Map(entries)) = node.map(|n| &n.value) else {
                continue;
            };
            for child in *children {
                let present = entries.iter().any(|(k, _)| k.name == *child);
                // A key misspells the blocks nearest it (`ek:` is `eks`, not `ecs`).
                let misspelt = entries.iter().any(|(k, _)| {
                    let distance = edit_distance(&k.name, child);
                    !children.contains(&k.name.as_str())
                        && distance <= 2
                        && children.iter().all(|c| edit_distance(&k.name, c) >= distance)
                });
                if !present && misspelt {
                    let path = if parent.is_empty() {
                        child.to_string()
                    } else {
                        format!("{parent}.{child}")
                    };
                    self.blocks.insert(path);
                }
            }
        }
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

    /// Whether an error was recorded at `path` or under it (`""`: anywhere): a definition there
    /// failed to read, so a check elsewhere that needs what it would have said is that error's
    /// consequence, not a second mistake.
    pub fn failed_under(&self, path: &str) -> bool {
        self.errors
            .iter()
            .any(|e| path.is_empty() || is_at_or_under(&e.path, path))
    }

    /// The errors to show, sorted by location: one per place and message (a YAML alias read in
    /// several places is one mistake). Around a misspelt key, only what the key did not cause:
    /// - nothing about its mapping as a whole, nor about a block that holds it (a strategy
    ///   item's `capacityProvide:` leaves its service "on the EC2 launch type");
    /// - nothing about the mapping's other fields (a `MetricName` that is not one of the
    ///   `Namespace` meant), and in a definition (a list item) nothing about anything in it (the
    ///   `Dimensions` the meant `Namespace` takes);
    /// - nothing about the list it is an item of (a list of steps that "needs at least one"),
    ///   and nothing that names the field it meant (in the message or the help).
    ///
    /// Another misspelling beside it, with its own "did you mean", is still shown.
    pub fn shown(&self) -> Vec<Diagnostic> {
        let mut errors: Vec<Diagnostic> = self
            .errors
            .iter()
            .filter(|e| {
                let suggests = e.help.as_deref().is_some_and(|h| h.starts_with("did you mean"));
                if e.message.starts_with(UNKNOWN_FIELD_PREFIX) && suggests {
                    return true;
                }
                let sibling = self.misspelt_in.iter().any(|(_, path)| {
                    is_field_of(&e.path, path) || path.contains('[') && e.path != *path && is_at_or_under(&e.path, path)
                });
                if e.message.starts_with(UNKNOWN_FIELD_PREFIX) {
                    return !sibling;
                }
                !(sibling
                    || self.misspelt_in.iter().any(|(loc, path)| {
                        e.loc == *loc && is_at_or_under(&e.path, path)
                            || !e.path.is_empty() && e.path != *path && is_at_or_under(path, &e.path)
                    })
                    || self.misspelt_in.iter().any(|(_, path)| is_item_of(path, &e.path))
                    || self.misspelt_meant.iter().any(|field| {
                        names_word(&e.message, field) || e.help.as_deref().is_some_and(|h| names_word(h, field))
                    }))
            })
            .cloned()
            .collect();
        errors.sort();
        let mut seen = std::collections::BTreeSet::new();
        errors.retain(|e| seen.insert((e.loc, e.message.clone())));
        errors
    }

    /// Renders every error, sorted by location, like a compiler does.
    pub fn render(&self, sources: &Sources) -> String {
        let errors = self.shown();
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

/// Whether `path` is `block` or a path inside it (`a.b[0].c` is inside `a.b`, `a.bc` is not).
fn is_at_or_under(path: &str, block: &str) -> bool {
    path.strip_prefix(block)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Whether `path` is a field of the mapping at `mapping` (`a.b.c` of `a.b`; not `a.b.c.d`).
fn is_field_of(path: &str, mapping: &str) -> bool {
    let rest = match mapping {
        "" => Some(path),
        _ => path.strip_prefix(mapping).and_then(|rest| rest.strip_prefix('.')),
    };
    rest.is_some_and(|name| !name.is_empty() && !name.contains(['.', '[']))
}

/// Whether `item` is the path of an item of the list at `list` (`a.b[2]` of `a.b`).
fn is_item_of(item: &str, list: &str) -> bool {
    item.strip_prefix(list)
        .and_then(|rest| rest.strip_prefix('['))
        .and_then(|rest| rest.strip_suffix(']'))
        .is_some_and(|index| index.chars().all(|c| c.is_ascii_digit()))
}

/// Whether `message` has `word` in it as a whole word (not inside a longer name).
fn names_word(message: &str, word: &str) -> bool {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    message.match_indices(word).any(|(at, _)| {
        let before = message[..at].chars().next_back();
        let after = message[at + word.len()..].chars().next();
        !before.is_some_and(is_name) && !after.is_some_and(is_name)
    })
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
    fn a_misspelt_block_is_the_one_nearest_it() {
        let unread = |yaml: &str| {
            let mut u = Unread::default();
            u.find_misspelt_blocks(&super::super::yaml::parse(yaml, 0).expect("yaml"));
            u.blocks.into_iter().collect::<Vec<_>>()
        };
        // `eks:` is a block of its own, not a misspelt `ecs:`; `ek:` is a misspelt `eks:`.
        assert!(unread("eks: {objects: []}\n").is_empty());
        assert_eq!(unread("ek: {objects: []}\n"), vec!["eks"]);
        assert_eq!(unread("ec: {}\n"), vec!["ecs"]);
        assert_eq!(unread("eks: {object: []}\n"), vec!["eks.objects"]);
        let mut u = Unread::default();
        u.find_misspelt_blocks(&super::super::yaml::parse("ek: {}\n", 0).expect("yaml"));
        assert!(u.covers(Declared::Deployment, "web") && !u.covers(Declared::Service, "web"));
    }

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
