//! What an import did, for the summary on stderr: what was imported (address -> what it became),
//! what was ignored (resource types, attributes), what was guessed and which references a plan
//! left unknown were resolved through its configuration.

/// The lists of an import's summary, each in the order things were met.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// `aws_ecs_service.web -> ecs.services: web`.
    pub imported: Vec<String>,
    /// A resource, or an attribute path, that ecsim does not model, with why when it helps.
    pub ignored: Vec<String>,
    /// A value ecsim had to choose, and what it chose.
    pub guesses: Vec<String>,
    /// `aws_ecs_service.web.cluster = aws_ecs_cluster.main.arn`: unknown in the plan, resolved
    /// through the configuration.
    pub resolved: Vec<String>,
}

impl Report {
    /// Records an imported resource.
    pub fn imported(&mut self, address: &str, what: impl std::fmt::Display) {
        self.imported.push(format!("{address} -> {what}"));
    }

    /// Records something ignored.
    pub fn ignored(&mut self, what: impl Into<String>) {
        self.ignored.push(what.into());
    }

    /// Records every path in `paths` as an attribute ecsim does not model.
    pub fn ignored_attributes(&mut self, paths: Vec<String>) {
        self.ignored.extend(paths);
    }

    /// Records a guess.
    pub fn guess(&mut self, what: impl Into<String>) {
        self.guesses.push(what.into());
    }

    /// The summary as printed on stderr: one heading per non-empty list, one line per entry.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (heading, lines) in [
            ("imported", &self.imported),
            ("resolved through the plan's configuration", &self.resolved),
            ("guessed (check these)", &self.guesses),
            ("ignored (not modelled by ecsim)", &self.ignored),
        ] {
            if lines.is_empty() {
                continue;
            }
            out.push_str(&format!("{heading} ({}):\n", lines.len()));
            for l in lines {
                out.push_str(&format!("  {l}\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_lists_only_what_has_entries() {
        let mut r = Report::default();
        r.imported("aws_ecs_service.web", "ecs.services: web");
        r.guess("aws_autoscaling_group.ecs: availability zones us-east-1a, us-east-1b");
        assert_eq!(
            r.render(),
            "imported (1):\n  aws_ecs_service.web -> ecs.services: web\nguessed (check these) (1):\n  aws_autoscaling_group.ecs: availability zones us-east-1a, us-east-1b\n"
        );
    }
}
