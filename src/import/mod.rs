//! `ecsim import`: turns what users already have (CloudFormation templates, Copilot manifests,
//! Terraform JSON) into the text of a scenario, with a report of what was imported, ignored and
//! guessed. No file is read or written here: the CLI passes the texts in and writes the result.

pub mod backlog;
pub mod cloudformation;
pub mod copilot;
pub mod doc;
pub mod metric_math;
pub mod observed;
pub mod placeholders;
pub mod report;
pub mod source;
pub mod terraform;

use std::fmt;

pub use doc::Doc;
pub use report::{ImportReport, ReportEntry};

/// The result of an import: the scenario to write and what the import did.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The scenario, as an ordered YAML tree with comments.
    pub scenario: Doc,
    /// What was imported, what was ignored, and every guess made.
    pub report: ImportReport,
}

/// The candidate nearest to `word` by edit distance, if near enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let distance = |a: &str, b: &str| -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut previous = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let substitution = previous + usize::from(ca != *cb);
                previous = row[j + 1];
                row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
            }
        }
        row[b.len()]
    };
    candidates
        .iter()
        .map(|c| (distance(&word.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Reads a file that an input names by a relative path (a nested stack's `TemplateURL`): given
/// the naming file's name and the path as written, returns the file's name and text, or why it
/// cannot be read. The CLI reads from the naming file's folder; tests read from memory.
pub type ReadBeside<'a> = &'a dyn Fn(&str, &str) -> Result<(String, String), String>;

/// The kinds of input `ecsim import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// A CloudFormation template (YAML with short-form tags, or JSON): hand-written, or made by
    /// the CDK, AWS Copilot or SAM.
    CloudFormation,
    /// An AWS Copilot service or job manifest (`copilot/<name>/manifest.yml`).
    Copilot,
    /// `terraform show -json` of a plan or of the state.
    Terraform,
}

impl Format {
    /// How the format is named in messages and in the scenario's header.
    pub fn name(self) -> &'static str {
        match self {
            Format::CloudFormation => "CloudFormation template",
            Format::Copilot => "Copilot manifest",
            Format::Terraform => "Terraform JSON",
        }
    }
}

/// An input that cannot be imported: where, which field, what is wrong, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// The file, as the user named it.
    pub file: String,
    /// Line, from 1 (0: the file as a whole).
    pub line: u32,
    /// Column, from 1 (0: the file as a whole).
    pub column: u32,
    /// The field path (`Resources.WebService.Properties.DesiredCount`), empty for the whole file.
    pub path: String,
    /// What is wrong, as a lowercase fragment.
    pub message: String,
    /// A suggestion, if there is one.
    pub help: Option<String>,
    /// The source line the error points at, shown under the message (empty when unknown).
    pub source_line: Box<str>,
}

/// The most characters of a source line shown under an error.
const SOURCE_LINE_CHARS: usize = 200;

impl ImportError {
    /// An error at a line and column of `text`, the contents of `file`.
    pub fn in_text(
        file: &str,
        text: &str,
        line: usize,
        column: usize,
        path: &str,
        message: String,
        help: Option<String>,
    ) -> ImportError {
        let source_line: String = text
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .chars()
            .take(SOURCE_LINE_CHARS)
            .collect();
        ImportError {
            file: file.to_string(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            path: path.to_string(),
            message,
            help,
            source_line: source_line.into(),
        }
    }

    /// An error about a file as a whole (not a line of it).
    pub fn whole_file(file: &str, message: impl Into<String>, help: Option<String>) -> ImportError {
        ImportError {
            file: file.to_string(),
            line: 0,
            column: 0,
            path: String::new(),
            message: message.into(),
            help,
            source_line: "".into(),
        }
    }
}

/// Rendered as scenario errors are: the message, the location, the source line with a caret,
/// the field path and the suggestion.
impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        if self.line == 0 {
            writeln!(f, "  --> {}", self.file)?;
        } else {
            writeln!(f, "  --> {}:{}:{}", self.file, self.line, self.column)?;
        }
        let number = if self.line == 0 {
            String::new()
        } else {
            self.line.to_string()
        };
        let pad = " ".repeat(number.len().max(1));
        if self.line > 0 && !self.source_line.is_empty() {
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {}", self.source_line)?;
            let caret_at = (self.column.saturating_sub(1) as usize).min(self.source_line.chars().count());
            writeln!(f, "{pad} | {}^", " ".repeat(caret_at))?;
        }
        if !self.path.is_empty() {
            writeln!(f, "{pad} = field: {}", self.path)?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = help: {help}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_a_scenario_error() {
        let text =
            "Resources:\n  Web:\n    Type: AWS::ECS::Service\n    Properties: {DesiredCount: !GetAtt Dyn.Count}\n";
        let e = ImportError::in_text(
            "stack.yml",
            text,
            4,
            32,
            "Resources.Web.Properties.DesiredCount",
            "cannot resolve `!GetAtt Dyn.Count`".into(),
            Some("`Dyn` is not a resource of the template".into()),
        );
        assert_eq!(
            e.to_string(),
            "error: cannot resolve `!GetAtt Dyn.Count`\n  --> stack.yml:4:32\n  |\n4 |     Properties: {DesiredCount: !GetAtt Dyn.Count}\n  |                                ^\n  = field: Resources.Web.Properties.DesiredCount\n  = help: `Dyn` is not a resource of the template\n"
        );
    }

    #[test]
    fn a_whole_file_error_has_no_line() {
        let e = ImportError::whole_file("p.json", "not a parameters file", None);
        assert_eq!(e.to_string(), "error: not a parameters file\n  --> p.json\n");
    }
}
