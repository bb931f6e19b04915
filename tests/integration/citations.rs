//! Every citation of the AWS behaviour summary in the repository ("reference 8.1", "cases 29 and 30",
//! "(A7)") has a heading in `docs/aws-behaviour.md`, so that a citation never leads nowhere.
//!
//! A small hand-written scanner finds the citations (the crate has no regex engine):
//!
//! * `reference`, `references`, `ref`, `refs` or `§`, then an optional `section`, then a list of
//!   section numbers (`6.3, 6.5`, `8.1 and 8.5`, `6.3 to 6.5`, `2.4-2.6`), items of section 12
//!   (`A7`) and `case N` entries;
//! * `cases` and a list of case numbers (`27, 28 and 40`, `22 to 25`, `22-25`);
//! * `case` and one case number (`Case 41, 5 -> 3` cites case 41 only) or one item (`case A3`);
//! * `(` directly followed by an item of section 12 (`(A9)`, `(A7; ...`).
//!
//! A number of more than two digits is not a section (`reference 10.3, 2021-2026`), and a list
//! ends at anything that is not a separator (`,`, `and`) followed by another entry. Comment
//! markers at the start of a line are skipped and lines are joined, so a citation broken over two
//! comment lines is still found.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::support::root;

/// The summary every citation points into.
const DOC: &str = "docs/aws-behaviour.md";

/// What the repository cites, relative to the root: directories are walked, files read as they are.
const SCANNED: &[&str] = &["src", "tests", "scenarios", "benches", "README.md", "ARCHITECTURE.md"];

/// Not scanned: third-party data, this file (its examples are not citations), build output.
const SKIPPED: &[&str] = &[
    "tests/fixtures",
    "tests/integration/citations.rs",
    "target",
    "benches/target",
];

/// One thing a citation points to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Citation {
    /// A section, as its numbers: `[8, 1]` for "reference 8.1", `[6]` for "reference 6".
    Section(Vec<u32>),
    /// A worked case of section 13.
    Case(u32),
    /// An item of section 12 (`A7` is 7).
    Item(u32),
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Citation::Section(parts) => {
                let parts: Vec<String> = parts.iter().map(u32::to_string).collect();
                write!(f, "reference {}", parts.join("."))
            }
            Citation::Case(n) => write!(f, "case {n}"),
            Citation::Item(n) => write!(f, "A{n}"),
        }
    }
}

/// Which numbers a list holds: sections or cases (items of section 12 may appear in either).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Section,
    Case,
}

/// Scans one file's text: each citation with the (1-based) line of its number.
struct Scanner {
    chars: Vec<char>,
    lines: Vec<usize>,
    found: Vec<(usize, Citation)>,
}

impl Scanner {
    fn new(text: &str) -> Self {
        let mut chars = Vec::new();
        let mut lines = Vec::new();
        for (i, line) in text.lines().enumerate() {
            // Skip indentation and comment markers so that a list continued on the next comment
            // line joins the previous one with a single space.
            let body = line.trim_start().trim_start_matches(['/', '!', '#', '*', '>']);
            for c in body.chars().chain([' ']) {
                chars.push(c);
                lines.push(i + 1);
            }
        }
        Scanner {
            chars,
            lines,
            found: Vec::new(),
        }
    }

    fn scan(mut self) -> Vec<(usize, Citation)> {
        let mut i = 0;
        while i < self.chars.len() {
            let next = if let Some(end) = self.keyword(i, &["references", "reference", "refs", "ref"]) {
                let end = if self.chars.get(end) == Some(&'.') {
                    end + 1
                } else {
                    end
                };
                self.reference_list(end)
            } else if self.chars[i] == '§' {
                self.reference_list(i + 1)
            } else if let Some(end) = self.keyword(i, &["cases"]) {
                self.case_list(end, true)
            } else if let Some(end) = self.keyword(i, &["case"]) {
                self.case_list(end, false)
            } else if self.chars[i] == '(' && self.item(i + 1).is_some() {
                self.reference_list(i + 1)
            } else {
                i + 1
            };
            i = next.max(i + 1);
        }
        self.found
    }

    fn is_word_char(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }

    /// If one of `words` (ASCII, any case) starts a word at `pos`, the position after it.
    fn keyword(&self, pos: usize, words: &[&str]) -> Option<usize> {
        if pos > 0 && Self::is_word_char(self.chars[pos - 1]) {
            return None;
        }
        words.iter().find_map(|w| {
            let end = pos + w.len();
            let matches = end <= self.chars.len()
                && self.chars[pos..end]
                    .iter()
                    .zip(w.chars())
                    .all(|(a, b)| a.eq_ignore_ascii_case(&b))
                && self.chars.get(end).is_none_or(|c| !Self::is_word_char(*c));
            matches.then_some(end)
        })
    }

    fn skip_spaces(&self, mut pos: usize) -> usize {
        while self.chars.get(pos).is_some_and(|c| c.is_whitespace()) {
            pos += 1;
        }
        pos
    }

    /// Digits at `pos`: their value and the position after them (at most `max_digits` of them).
    fn digits(&self, pos: usize, max_digits: usize) -> Option<(u32, usize)> {
        let mut end = pos;
        while self.chars.get(end).is_some_and(char::is_ascii_digit) {
            end += 1;
        }
        if end == pos || end - pos > max_digits {
            return None;
        }
        let value = self.chars[pos..end].iter().collect::<String>().parse().ok()?;
        Some((value, end))
    }

    /// Whether a number ending at `end` is a whole word (not the `10` of `10x`).
    fn ends_word(&self, end: usize) -> bool {
        self.chars.get(end).is_none_or(|c| !Self::is_word_char(*c))
    }

    /// `A` and one or two digits, as a word: an item of section 12.
    fn item(&self, pos: usize) -> Option<(u32, usize)> {
        if self.chars.get(pos) != Some(&'A') || (pos > 0 && Self::is_word_char(self.chars[pos - 1])) {
            return None;
        }
        let (n, end) = self.digits(pos + 1, 2)?;
        self.ends_word(end).then_some((n, end))
    }

    /// A section number such as `8`, `8.1` or `6.4.2`: parts of one or two digits.
    fn section(&self, pos: usize) -> Option<(Vec<u32>, usize)> {
        let mut parts = Vec::new();
        let mut at = pos;
        loop {
            let (n, end) = self.digits(at, 2)?;
            parts.push(n);
            at = end;
            let more = self.chars.get(at) == Some(&'.') && self.chars.get(at + 1).is_some_and(char::is_ascii_digit);
            if !more {
                break;
            }
            at += 1;
        }
        self.ends_word(at).then_some((parts, at))
    }

    /// A case number: up to three digits, not the start of a decimal.
    fn case_number(&self, pos: usize) -> Option<(u32, usize)> {
        let (n, end) = self.digits(pos, 3)?;
        let decimal = self.chars.get(end) == Some(&'.') && self.chars.get(end + 1).is_some_and(char::is_ascii_digit);
        (self.ends_word(end) && !decimal).then_some((n, end))
    }

    fn push(&mut self, pos: usize, citation: Citation) {
        self.found.push((self.lines[pos], citation));
    }

    /// After an entry ending at `end`: ` to X`, `-X` or `–X` closes a range; the range's end,
    /// where it starts and the position after it.
    fn range_end(&self, end: usize, kind: Kind) -> Option<(Citation, usize, usize)> {
        let after_spaces = self.skip_spaces(end);
        let start = if let Some(e) = self.keyword(after_spaces, &["to"]) {
            self.skip_spaces(e)
        } else if matches!(self.chars.get(end), Some('-' | '–')) {
            end + 1
        } else {
            return None;
        };
        match kind {
            Kind::Section => self.section(start).map(|(p, e)| (Citation::Section(p), start, e)),
            Kind::Case => self.case_number(start).map(|(n, e)| (Citation::Case(n), start, e)),
        }
    }

    /// Records `first` and, if `last` closes a range with it, everything in between and `last`.
    fn push_range(&mut self, pos: usize, first: Citation, last: Option<(usize, Citation)>) {
        let Some((last_pos, last)) = last else {
            self.push(pos, first);
            return;
        };
        match (&first, &last) {
            (Citation::Section(a), Citation::Section(b))
                if a.len() == b.len() && a[..a.len() - 1] == b[..b.len() - 1] && a.last() < b.last() =>
            {
                let prefix = &a[..a.len() - 1];
                for n in *a.last().expect("a part")..=*b.last().expect("a part") {
                    let mut parts = prefix.to_vec();
                    parts.push(n);
                    self.push(pos, Citation::Section(parts));
                }
            }
            (Citation::Case(a), Citation::Case(b)) if a < b && b - a <= 50 => {
                for n in *a..=*b {
                    self.push(pos, Citation::Case(n));
                }
            }
            _ => {
                self.push(pos, first);
                self.push(last_pos, last);
            }
        }
    }

    /// One entry of a list of `kind` at `pos`, recorded with a range if one follows; the
    /// position after it.
    fn entry(&mut self, pos: usize, kind: Kind) -> Option<usize> {
        if let Some((n, end)) = self.item(pos) {
            self.push(pos, Citation::Item(n));
            return Some(end);
        }
        let (first, end) = match kind {
            Kind::Section => self.section(pos).map(|(p, e)| (Citation::Section(p), e))?,
            Kind::Case => self.case_number(pos).map(|(n, e)| (Citation::Case(n), e))?,
        };
        match self.range_end(end, kind) {
            Some((last, last_pos, after)) => {
                self.push_range(pos, first, Some((last_pos, last)));
                Some(after)
            }
            None => {
                self.push_range(pos, first, None);
                Some(end)
            }
        }
    }

    /// After an entry ending at `end`: `,`, `, and` or ` and`, and the position of the next entry.
    fn separator(&self, end: usize) -> Option<usize> {
        let mut at = end;
        let comma = self.chars.get(at) == Some(&',');
        if comma {
            at += 1;
        }
        at = self.skip_spaces(at);
        if let Some(e) = self.keyword(at, &["and"]) {
            return Some(self.skip_spaces(e));
        }
        comma.then_some(at)
    }

    /// Sections, items and `case` entries after `reference` (or `§`, or `(` before an item).
    fn reference_list(&mut self, pos: usize) -> usize {
        let mut at = self.skip_spaces(pos);
        if let Some(e) = self.keyword(at, &["sections", "section"]) {
            at = self.skip_spaces(e);
        }
        if self.chars.get(at) == Some(&'§') {
            at = self.skip_spaces(at + 1);
        }
        let mut last_end = pos;
        loop {
            let end = if let Some(e) = self.keyword(at, &["cases"]) {
                self.case_list(e, true)
            } else if let Some(e) = self.keyword(at, &["case"]) {
                self.case_list(e, false)
            } else {
                match self.entry(at, Kind::Section) {
                    Some(e) => e,
                    None => return last_end,
                }
            };
            if end <= at {
                return last_end;
            }
            last_end = end;
            match self.separator(end) {
                Some(next) => at = next,
                None => return end,
            }
        }
    }

    /// Case numbers after `case` (one) or `cases` (a list); the position after the last.
    fn case_list(&mut self, pos: usize, many: bool) -> usize {
        let mut at = self.skip_spaces(pos);
        let mut last_end = pos;
        loop {
            let Some(end) = self.entry(at, Kind::Case) else {
                return last_end;
            };
            last_end = end;
            if !many {
                return end;
            }
            match self.separator(end) {
                Some(next) => at = next,
                None => return end,
            }
        }
    }
}

/// The citations in `text`, each with its line.
fn citations(text: &str) -> Vec<(usize, Citation)> {
    Scanner::new(text).scan()
}

/// What the headings of the summary define: `## 8. ...` and `### 8.1 ...` sections,
/// `### Case 32: ...` cases and `### A7: ...` items.
fn anchors(doc: &str) -> BTreeSet<Citation> {
    let mut out = BTreeSet::new();
    for line in doc.lines() {
        if !line.starts_with('#') {
            continue;
        }
        let Some(title) = line.trim_start_matches('#').strip_prefix(' ') else {
            continue;
        };
        let mut words = title.split_whitespace();
        let Some(first) = words.next() else { continue };
        let label = |w: &str| w.trim_end_matches([':', '.']).to_string();
        let first = label(first);
        if first.eq_ignore_ascii_case("case") {
            if let Some(n) = words.next().and_then(|w| label(w).parse().ok()) {
                out.insert(Citation::Case(n));
            }
        } else if let Some(n) = first.strip_prefix('A').and_then(|d| d.parse().ok()) {
            out.insert(Citation::Item(n));
        } else if let Ok(parts) = first.split('.').map(str::parse).collect::<Result<Vec<u32>, _>>() {
            out.insert(Citation::Section(parts));
        }
    }
    out
}

/// `file:line: citation` for every citation without an anchor.
fn unresolved(cited: &[(String, usize, Citation)], anchors: &BTreeSet<Citation>) -> Vec<String> {
    cited
        .iter()
        .filter(|(_, _, c)| !anchors.contains(c))
        .map(|(file, line, c)| format!("{file}:{line}: {c}"))
        .collect()
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) {
    if SKIPPED.contains(&rel) {
        return;
    }
    if dir.is_file() {
        out.push((rel.to_string(), dir.to_path_buf()));
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().expect("a name").to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        walk(&path, &format!("{rel}/{name}"), out);
    }
}

/// Every citation in the scanned part of the repository: (file, line, citation).
fn repository_citations() -> Vec<(String, usize, Citation)> {
    let mut files = Vec::new();
    for top in SCANNED {
        walk(&root().join(top), top, &mut files);
    }
    files.sort();
    let mut out = Vec::new();
    for (rel, path) in files {
        // Binary files (images) are not text and cite nothing.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        out.extend(citations(&text).into_iter().map(|(line, c)| (rel.clone(), line, c)));
    }
    out
}

#[test]
fn every_citation_has_a_heading_in_the_aws_behaviour_summary() {
    let doc = std::fs::read_to_string(root().join(DOC)).expect("docs/aws-behaviour.md is readable");
    let anchors = anchors(&doc);
    let cited = repository_citations();
    // A scanner that finds nothing would pass vacuously: the repository has hundreds.
    assert!(
        cited.len() > 50,
        "only {} citations found: is the scanner broken?",
        cited.len()
    );
    let missing = unresolved(&cited, &anchors);
    assert!(
        missing.is_empty(),
        "{} citation(s) with no heading in {DOC} (add `### X.Y Title`, `### Case N: Title` or \
         `### AN: Title`):\n{}",
        missing.len(),
        missing.join("\n")
    );
}

fn scanned(text: &str) -> Vec<String> {
    citations(text).into_iter().map(|(_, c)| c.to_string()).collect()
}

#[test]
fn the_scanner_reads_lists_and_ranges() {
    assert_eq!(scanned("(reference 6.3, 6.5)"), ["reference 6.3", "reference 6.5"]);
    assert_eq!(scanned("cases 29 and 30"), ["case 29", "case 30"]);
    assert_eq!(scanned("cases 27, 28 and 40)"), ["case 27", "case 28", "case 40"]);
    assert_eq!(scanned("cases 29, 30, and 31"), ["case 29", "case 30", "case 31"]);
    assert_eq!(
        scanned("(reference 8.1, 8.2, 8.5)"),
        ["reference 8.1", "reference 8.2", "reference 8.5"]
    );
    assert_eq!(
        scanned("Task health (reference 8.1 and 8.5, case 30)"),
        ["reference 8.1", "reference 8.5", "case 30"]
    );
    assert_eq!(
        scanned("(reference 6.3 to 6.5, cases 22 to 25)"),
        [
            "reference 6.3",
            "reference 6.4",
            "reference 6.5",
            "case 22",
            "case 23",
            "case 24",
            "case 25"
        ]
    );
    assert_eq!(
        scanned("Target tracking (reference 2.4-2.6): proportional"),
        ["reference 2.4", "reference 2.5", "reference 2.6"]
    );
    assert_eq!(
        scanned("(reference 6, cases 22-25)"),
        ["reference 6", "case 22", "case 23", "case 24", "case 25"]
    );
    assert_eq!(
        scanned("(reference 6.3, case 25, A10)"),
        ["reference 6.3", "case 25", "A10"]
    );
    assert_eq!(
        scanned("(reference section 12, A11; case 26)"),
        ["reference 12", "A11", "case 26"]
    );
    assert_eq!(
        scanned("Reference section 9.6 and ref 10.1; Ref. 9.5 and §8.4"),
        ["reference 9.6", "reference 10.1", "reference 9.5", "reference 8.4"]
    );
    assert_eq!(
        scanned("max(1, Min) (reference A2, A3); // case A3"),
        ["A2", "A3", "A3"]
    );
    assert_eq!(scanned("groups (A9), then (A7; default true)"), ["A9", "A7"]);
    assert_eq!(scanned("(reference case 12)"), ["case 12"]);
}

#[test]
fn the_scanner_stops_where_the_citation_ends() {
    assert_eq!(
        scanned("(reference 8.1: the same bounds govern draining)"),
        ["reference 8.1"]
    );
    assert_eq!(scanned("see reference 8.1."), ["reference 8.1"]);
    assert_eq!(
        scanned("# prices: us-east-1 list prices (reference 10.3, 2021-2026)"),
        ["reference 10.3"]
    );
    assert_eq!(scanned("// Case 41, 5 -> 3 with 2 of 5 protected"), ["case 41"]);
    assert_eq!(scanned("// Case 34, second line: 1000 / 3000"), ["case 34"]);
    assert_eq!(scanned("(reference 6.4 step 2 and 9)"), ["reference 6.4"]);
    assert_eq!(scanned("Reference 2.3 / case 1: 3 of 3"), ["reference 2.3", "case 1"]);
    assert_eq!(scanned("// case 2: ceil(4.2)"), ["case 2"]);
    // Prose that only looks like a citation.
    for text in [
        "references to it are resolved",
        "let references = panel.reference_lines.iter();",
        "a preference 5 and a showcase 3",
        "in any case, 4 tasks start",
        "reference 2021",
        "case 2.5 times",
        "with ref mut x",
        "A1B2 (A100) xA7 (a7)",
    ] {
        assert_eq!(scanned(text), Vec::<String>::new(), "{text}");
    }
}

#[test]
fn the_scanner_follows_a_citation_onto_the_next_comment_line() {
    let text = "//! first line\n//! the same bounds (reference\n//! 8.1 and\n//! 8.5) govern";
    let found = citations(text);
    assert_eq!(
        found,
        [(3, Citation::Section(vec![8, 1])), (4, Citation::Section(vec![8, 5]))]
    );
    let yaml = "#   old ones have STOPPED (cases 27,\n#   28 and 40).\n";
    assert_eq!(found_lines(yaml), [1, 2, 2]);
}

fn found_lines(text: &str) -> Vec<usize> {
    citations(text).into_iter().map(|(line, _)| line).collect()
}

#[test]
fn headings_define_sections_cases_and_items_and_missing_ones_are_reported() {
    let doc = "# Title\n## 8. Services\n### 8.1 Rolling update\n### Case 32: Fargate cost\n\
               ### A7: Stopping tasks\nCase 33 is not a heading\n## 13. Worked cases\n";
    let anchors = anchors(doc);
    let expected: BTreeSet<Citation> = [
        Citation::Section(vec![8]),
        Citation::Section(vec![8, 1]),
        Citation::Section(vec![13]),
        Citation::Case(32),
        Citation::Item(7),
    ]
    .into_iter()
    .collect();
    assert_eq!(anchors, expected);
    let cited: Vec<(String, usize, Citation)> = citations("(reference 8.1, 8.2, case 32, case 33, A7)")
        .into_iter()
        .map(|(line, c)| ("src/x.rs".to_string(), line, c))
        .collect();
    assert_eq!(
        unresolved(&cited, &anchors),
        ["src/x.rs:1: reference 8.2", "src/x.rs:1: case 33"]
    );
}
