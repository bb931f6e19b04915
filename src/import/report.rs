//! What an import did: each thing imported, each thing ignored, and each guess, with where in the
//! input it came from; rendered for stderr, grouped, in input order.

use std::fmt::Write as _;

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportEntry {
    /// Where in the input: a logical id (`Resources.WebService`), a manifest key (`count.range`)
    /// or a Terraform address (`aws_ecs_service.web`).
    pub source: String,
    /// What it is: a resource type (`AWS::ECS::Service`), a manifest section, a Terraform type.
    pub kind: String,
    /// What happened to it, as a sentence.
    pub sentence: String,
}

/// The report of one import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// What was written into the scenario.
    pub imported: Vec<ReportEntry>,
    /// What ecsim does not model and left out.
    pub ignored: Vec<ReportEntry>,
    /// Values the input does not give, and the value chosen: the user should check each.
    pub guesses: Vec<ReportEntry>,
}

fn entry(source: &str, kind: &str, sentence: impl Into<String>) -> ReportEntry {
    ReportEntry {
        source: source.to_string(),
        kind: kind.to_string(),
        sentence: sentence.into(),
    }
}

impl ImportReport {
    /// Records something written into the scenario.
    pub fn imported(&mut self, source: &str, kind: &str, sentence: impl Into<String>) {
        self.imported.push(entry(source, kind, sentence));
    }

    /// Records something left out because ecsim does not model it.
    pub fn ignored(&mut self, source: &str, kind: &str, sentence: impl Into<String>) {
        self.ignored.push(entry(source, kind, sentence));
    }

    /// Records a value the input does not give, and the one chosen.
    pub fn guess(&mut self, source: &str, kind: &str, sentence: impl Into<String>) {
        self.guesses.push(entry(source, kind, sentence));
    }

    /// Appends another report's entries after this one's (a nested stack's, in input order).
    pub fn extend(&mut self, other: ImportReport) {
        self.imported.extend(other.imported);
        self.ignored.extend(other.ignored);
        self.guesses.extend(other.guesses);
    }

    /// The report for stderr: the three groups, each in input order, then a line saying what to
    /// do next.
    pub fn render(&self) -> String {
        let mut out = String::new();
        group(&mut out, "imported", &self.imported);
        group(&mut out, "ignored (not modelled by ecsim)", &self.ignored);
        group(&mut out, "guessed (check these in the scenario)", &self.guesses);
        if out.is_empty() {
            out.push_str("nothing was imported\n");
        }
        out
    }
}

fn group(out: &mut String, title: &str, entries: &[ReportEntry]) {
    if entries.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}: {}", entries.len());
    for e in entries {
        let _ = writeln!(out, "  {} ({}): {}", e.source, e.kind, e.sentence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_groups_in_input_order() {
        let mut r = ImportReport::default();
        r.imported("Resources.Web", "AWS::ECS::Service", "service `web` -> ecs.services[0]");
        r.ignored("Resources.Role", "AWS::IAM::Role", "IAM is not modelled");
        r.imported(
            "Resources.Cluster",
            "AWS::ECS::Cluster",
            "cluster `demo` -> ecs.cluster",
        );
        r.guess(
            "Resources.TaskDef",
            "AWS::ECS::TaskDefinition",
            "requestsPerSecondAtFullCpu not in the template: 100 assumed, replace it",
        );
        assert_eq!(
            r.render(),
            "imported: 2\n  Resources.Web (AWS::ECS::Service): service `web` -> ecs.services[0]\n  Resources.Cluster (AWS::ECS::Cluster): cluster `demo` -> ecs.cluster\n\
ignored (not modelled by ecsim): 1\n  Resources.Role (AWS::IAM::Role): IAM is not modelled\n\
guessed (check these in the scenario): 1\n  Resources.TaskDef (AWS::ECS::TaskDefinition): requestsPerSecondAtFullCpu not in the template: 100 assumed, replace it\n"
        );
    }

    #[test]
    fn an_empty_report_says_so() {
        assert_eq!(ImportReport::default().render(), "nothing was imported\n");
    }
}
