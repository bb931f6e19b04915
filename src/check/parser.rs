//! The grammar of `expect:` lines: a recursive-descent parser from tokens to an `Expectation`.
//!
//! ```text
//! expectation := value op value [ "+-" literal ]
//! value       := aggregate "(" column [window] ")" | figure | literal
//!              | column op value [ "+-" literal ] [window]   (every row; see `every_row`)
//! ```
//! The full grammar, with the meaning of each part, is in `docs/expect.md`.

use std::fmt;

use super::ast::{AGGREGATE_NAMES, Aggregate, Column, Comparison, Expectation, Figure, Literal, Value, Window};
use super::closest;
use super::lexer::{Token, TokenKind, tokenize};
use crate::sim::SimDuration;
use crate::sim::time::parse_duration;

/// Why an expression is not an expectation, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based character column in the expression.
    pub column: usize,
    /// What is wrong, lowercase.
    pub message: String,
}

impl ParseError {
    /// An error at `column`.
    pub fn new(column: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// What argument a summary figure takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Argument {
    None,
    Optional(&'static str),
    Required(&'static str),
}

/// Every summary figure and its argument; `count_events` is parsed on its own.
const FIGURES: &[(&str, Argument)] = &[
    ("cost_usd", Argument::Optional("a capacity provider")),
    ("unserved_requests", Argument::Optional("a service")),
    ("placement_failures", Argument::None),
    ("tasks_started", Argument::None),
    ("steady_state_s", Argument::Required("a service")),
    ("scaling_activities", Argument::Optional("a service")),
    ("deployments", Argument::Optional("a service")),
    ("deployment_duration_s", Argument::Required("a service")),
    ("deployment_peak_extra_tasks", Argument::Required("a service")),
    ("deployment_extra_task_hours", Argument::Required("a service")),
    ("deployment_extra_cost_usd", Argument::Required("a service")),
    (
        "new_revision_requests_before_full_shift",
        Argument::Required("a service"),
    ),
    ("deployment_5xx_requests", Argument::Required("a service")),
    ("rollback_time_s", Argument::Required("a service")),
    ("service_cost_usd", Argument::Required("a service")),
    ("unallocated_cost_usd", Argument::None),
    (
        "spot_interruptions",
        Argument::Optional("a service or capacity provider"),
    ),
    ("count_events", Argument::Required("an event kind")),
    ("unserved_fraction", Argument::Optional("a service")),
    ("task_hours", Argument::Optional("a service or capacity provider")),
    ("instance_hours", Argument::Optional("a capacity provider")),
    ("jobs_completed", Argument::Optional("a trigger")),
    ("jobs_failed", Argument::Optional("a trigger")),
    ("jobs_interrupted", Argument::Optional("a trigger")),
    ("jobs_abandoned", Argument::Optional("a trigger")),
    ("job_wait_p50_s", Argument::None),
    ("job_wait_p95_s", Argument::None),
    ("job_makespan_s", Argument::Optional("a trigger")),
    ("cost_per_job_usd", Argument::None),
];

const WINDOW_WORDS: &[&str] = &["during", "after", "before"];

#[path = "every_row.rs"]
mod every_row;

#[path = "job_figures.rs"]
mod job_figures;

/// Parses one `expect:` line.
pub fn parse_expectation(text: &str) -> Result<Expectation, ParseError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, position: 0 };
    if parser.peek().kind == TokenKind::End {
        return Err(parser.error_here("expected an expectation like `max(web.running) <= 10`, found nothing"));
    }
    if let Some(every_row) = parser.every_row()? {
        return Ok(every_row);
    }
    let left = parser.value("a value such as `max(web.running)`, `cost_usd` or a number")?;
    let comparison = match parser.peek().kind {
        TokenKind::Operator(op) => Comparison::from_operator(op).expect("the lexer makes only operators"),
        _ => {
            return Err(parser.error_found(&format!("expected a comparison (<, <=, >, >=, ==, !=) after `{left}`")));
        }
    };
    parser.advance();
    let right = parser.value(&format!(
        "a number, a duration or a value after `{}`",
        comparison.as_str()
    ))?;
    let tolerance = if parser.peek().kind == TokenKind::PlusMinus {
        parser.advance();
        Some(parser.tolerance()?)
    } else {
        None
    };
    if parser.peek().kind != TokenKind::End {
        return Err(parser.error_found("expected the end of the expectation"));
    }
    Ok(Expectation {
        left,
        comparison,
        right,
        tolerance,
    })
}

struct Parser {
    tokens: Vec<Token>,
    position: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.position]
    }

    fn advance(&mut self) {
        if self.position + 1 < self.tokens.len() {
            self.position += 1;
        }
    }

    fn error_here(&self, message: impl Into<String>) -> ParseError {
        ParseError::new(self.peek().column, message)
    }

    /// "`what`, found `token`" at the current token.
    fn error_found(&self, what: &str) -> ParseError {
        self.error_here(format!("{what}, found {}", self.peek().kind.describe()))
    }

    /// The current token if it is a word, with its column, and moves past it.
    fn word(&mut self) -> Option<(String, usize)> {
        match &self.peek().kind {
            TokenKind::Word(w) => {
                let found = (w.clone(), self.peek().column);
                self.advance();
                Some(found)
            }
            _ => None,
        }
    }

    fn expect(&mut self, kind: TokenKind, what: &str) -> Result<(), ParseError> {
        if self.peek().kind == kind {
            self.advance();
            Ok(())
        } else {
            Err(self.error_found(what))
        }
    }

    fn value(&mut self, expected: &str) -> Result<Value, ParseError> {
        let Some((word, column)) = self.word() else {
            return Err(self.error_found(&format!("expected {expected}")));
        };
        if starts_like_a_number(&word) {
            return literal(&word, column).map(Value::Literal);
        }
        if let Some(figure) = job_figures::bare(&word, column) {
            return figure.map(Value::Figure);
        }
        if word.contains('.') {
            return Err(ParseError::new(
                column,
                format!("`{word}` is a trace column; wrap it in an aggregate such as `max({word})`"),
            ));
        }
        let called = self.peek().kind == TokenKind::OpenParen;
        if let Some(aggregate) = aggregate(&word, column)? {
            if !called {
                return Err(ParseError::new(
                    column,
                    format!("`{word}` needs a column: `{word}(web.running)`"),
                ));
            }
            self.advance();
            return self.aggregate_call(aggregate, &word);
        }
        let Some((name, argument)) = FIGURES.iter().find(|(name, _)| *name == word) else {
            let names = AGGREGATE_NAMES
                .iter()
                .map(|(n, _)| *n)
                .chain(FIGURES.iter().map(|(n, _)| *n));
            let what = if called {
                "aggregate or summary figure"
            } else {
                "summary figure"
            };
            let hint = closest(&word, names)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            return Err(ParseError::new(column, format!("unknown {what} `{word}`{hint}")));
        };
        let figure = match (called, *argument) {
            (false, Argument::Required(what)) => {
                return Err(ParseError::new(column, format!("`{name}` needs {what}: `{name}(...)`")));
            }
            (true, Argument::None) => return Err(self.error_here(format!("`{name}` takes no argument"))),
            (false, _) => figure(name, None),
            (true, _) if *name == "count_events" => self.count_events()?,
            (true, Argument::Optional(what) | Argument::Required(what)) => {
                self.advance();
                let argument = self.name(what, name)?;
                self.expect(TokenKind::CloseParen, &format!("expected `)` after {what}"))?;
                figure(name, Some(argument))
            }
        };
        Ok(Value::Figure(figure))
    }

    fn aggregate_call(&mut self, aggregate: Aggregate, name: &str) -> Result<Value, ParseError> {
        if let Some(figure) = self.aggregated_job_figure(aggregate)? {
            return Ok(Value::Figure(figure));
        }
        let column = self.column(name)?;
        let window = self.window()?;
        let after = if window == Window::All {
            "the column"
        } else {
            "the window"
        };
        if window == Window::All {
            if let TokenKind::Word(w) = &self.peek().kind {
                if let Some(keyword) = closest(w, WINDOW_WORDS.iter().copied()) {
                    return Err(self.error_here(format!("unknown window `{w}`; did you mean `{keyword}`?")));
                }
            }
        }
        self.expect(TokenKind::CloseParen, &format!("expected `)` after {after}"))?;
        Ok(Value::Aggregate {
            aggregate,
            column,
            window,
        })
    }

    /// `p95(jobs.wait_s)`: a job figure inside an aggregate, with its `)`; `None` (nothing
    /// consumed) when the next word is not a job figure.
    fn aggregated_job_figure(&mut self, aggregate: Aggregate) -> Result<Option<Figure>, ParseError> {
        let TokenKind::Word(word) = &self.peek().kind else {
            return Ok(None);
        };
        let Some(figure) = job_figures::aggregated(aggregate, word, self.peek().column) else {
            return Ok(None);
        };
        let figure = figure?;
        self.advance();
        if matches!(&self.peek().kind, TokenKind::Word(w) if WINDOW_WORDS.contains(&w.as_str())) {
            return Err(self.error_here(format!("`{figure}` is a figure of the whole run and takes no window")));
        }
        self.expect(TokenKind::CloseParen, "expected `)` after the job figure")?;
        Ok(Some(figure))
    }

    fn column(&mut self, aggregate: &str) -> Result<Column, ParseError> {
        let Some((word, column)) = self.word() else {
            return Err(self.error_found(&format!(
                "expected a column like `web.running` inside `{aggregate}(...)`"
            )));
        };
        let parts = word.split_once('.');
        match parts {
            Some((subject, field)) if !subject.is_empty() && !field.is_empty() && !field.contains('.') => Ok(Column {
                subject: subject.to_string(),
                field: field.to_string(),
            }),
            _ => Err(ParseError::new(
                column,
                format!("expected a column `SUBJECT.FIELD` such as `web.running`, found `{word}`"),
            )),
        }
    }

    fn window(&mut self) -> Result<Window, ParseError> {
        let keyword = match &self.peek().kind {
            TokenKind::Word(w) if WINDOW_WORDS.contains(&w.as_str()) => w.clone(),
            _ => return Ok(Window::All),
        };
        self.advance();
        match (keyword.as_str(), &self.peek().kind) {
            ("during", TokenKind::OpenBracket) => self.between(),
            ("during", TokenKind::Word(w)) if w == "deployment" => {
                self.advance();
                Ok(Window::Deployment(self.optional_service("deployment")?))
            }
            ("after", TokenKind::Word(w)) if w == "steady_state" => {
                self.advance();
                match self.optional_service("steady_state")? {
                    Some(service) => Ok(Window::AfterSteadyState(service)),
                    None => Err(self.error_found("expected `(SERVICE)` after `steady_state`")),
                }
            }
            ("after", TokenKind::Word(w)) if starts_like_a_number(w) => Ok(Window::After(self.duration()?)),
            ("before", TokenKind::Word(w)) if starts_like_a_number(w) => Ok(Window::Before(self.duration()?)),
            ("during", _) => Err(self.error_found("expected `[` or `deployment` after `during`")),
            ("after", _) => Err(self.error_found("expected a duration or `steady_state(SERVICE)` after `after`")),
            _ => Err(self.error_found("expected a duration after `before`")),
        }
    }

    fn between(&mut self) -> Result<Window, ParseError> {
        let open_column = self.peek().column;
        self.advance();
        let start = self.duration()?;
        self.expect(
            TokenKind::Comma,
            "expected `,` between the start and the end of the window",
        )?;
        let end = self.duration()?;
        self.expect(TokenKind::CloseBracket, "expected `]` after the end of the window")?;
        if end <= start {
            return Err(ParseError::new(
                open_column,
                format!("the window `[{start}, {end}]` must end after it starts"),
            ));
        }
        Ok(Window::Between(start, end))
    }

    fn optional_service(&mut self, after: &str) -> Result<Option<String>, ParseError> {
        if self.peek().kind != TokenKind::OpenParen {
            return Ok(None);
        }
        self.advance();
        let service = self.name("a service", after)?;
        self.expect(TokenKind::CloseParen, "expected `)` after the service")?;
        Ok(Some(service))
    }

    /// A service, provider or event-kind name inside `call(...)`.
    fn name(&mut self, what: &str, call: &str) -> Result<String, ParseError> {
        match self.word() {
            Some((word, _)) if !word.contains('.') && !word.starts_with('-') => Ok(word),
            Some((word, column)) => Err(ParseError::new(
                column,
                format!("expected {what} inside `{call}(...)`, found `{word}`"),
            )),
            None => Err(self.error_found(&format!("expected {what} inside `{call}(...)`"))),
        }
    }

    fn count_events(&mut self) -> Result<Figure, ParseError> {
        self.advance();
        let kind = self.name("an event kind", "count_events")?;
        let subject = if self.peek().kind == TokenKind::Comma {
            self.advance();
            Some(self.name("a subject", "count_events")?)
        } else {
            None
        };
        self.expect(
            TokenKind::CloseParen,
            "expected `)` or `, SUBJECT` after the event kind",
        )?;
        Ok(Figure::CountEvents(kind, subject))
    }

    fn duration(&mut self) -> Result<SimDuration, ParseError> {
        match self.word() {
            Some((word, column)) => parse_duration(&word).map_err(|message| ParseError::new(column, message)),
            None => Err(self.error_found("expected a duration like `90s`, `15m` or `1d6h`")),
        }
    }

    fn tolerance(&mut self) -> Result<Literal, ParseError> {
        match self.word() {
            Some((word, column)) if starts_like_a_number(&word) => match literal(&word, column)? {
                Literal::Number(n) if n < 0.0 => Err(ParseError::new(column, "the tolerance must not be negative")),
                tolerance => Ok(tolerance),
            },
            Some((word, column)) => Err(ParseError::new(
                column,
                format!("expected a number or a duration after `+-`, found `{word}`"),
            )),
            None => Err(self.error_found("expected a number or a duration after `+-`")),
        }
    }
}

fn starts_like_a_number(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit() || c == '-')
}

/// An aggregate name, `None` for other names; `p0` or `p100` is an error.
fn aggregate(word: &str, column: usize) -> Result<Option<Aggregate>, ParseError> {
    if let Some((_, aggregate)) = AGGREGATE_NAMES.iter().find(|(name, _)| *name == word) {
        return Ok(Some(*aggregate));
    }
    let Some(digits) = word
        .strip_prefix('p')
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    else {
        return Ok(None);
    };
    match digits.parse::<u8>() {
        Ok(p @ 1..=99) => Ok(Some(Aggregate::Percentile(p))),
        _ => Err(ParseError::new(
            column,
            format!("percentiles go from `p1` to `p99`, found `{word}`"),
        )),
    }
}

fn figure(name: &str, argument: Option<String>) -> Figure {
    let required = || argument.clone().expect("the table requires an argument");
    match name {
        "cost_usd" => Figure::CostUsd(argument),
        "unserved_requests" => Figure::UnservedRequests(argument),
        "placement_failures" => Figure::PlacementFailures,
        "tasks_started" => Figure::TasksStarted,
        "steady_state_s" => Figure::SteadyStateS(required()),
        "scaling_activities" => Figure::ScalingActivities(argument),
        "deployments" => Figure::Deployments(argument),
        "deployment_duration_s" => Figure::DeploymentDurationS(required()),
        "service_cost_usd" => Figure::ServiceCostUsd(required()),
        "unallocated_cost_usd" => Figure::UnallocatedCostUsd,
        "spot_interruptions" => Figure::SpotInterruptions(argument),
        "unserved_fraction" => Figure::UnservedFraction(argument),
        "task_hours" => Figure::TaskHours(argument),
        "instance_hours" => Figure::InstanceHours(argument),
        "jobs_completed" => Figure::JobsCompleted(argument),
        "jobs_failed" => Figure::JobsFailed(argument),
        "jobs_interrupted" => Figure::JobsInterrupted(argument),
        "jobs_abandoned" => Figure::JobsAbandoned(argument),
        "job_wait_p50_s" => Figure::JobWaitP50S,
        "job_wait_p95_s" => Figure::JobWaitP95S,
        "job_makespan_s" => Figure::JobMakespanS(argument),
        "cost_per_job_usd" => Figure::CostPerJobUsd,
        other => match super::deployment_figures::DeploymentFigure::from_name(other) {
            Some(figure) => Figure::Deployment(figure, required()),
            None => unreachable!("figure `{other}` is in FIGURES but not built"),
        },
    }
}

/// A number (`10`, `-1`, `61.2`) or a duration (`90s`, `1d6h`).
fn literal(word: &str, column: usize) -> Result<Literal, ParseError> {
    let unsigned = word.strip_prefix('-').unwrap_or(word);
    let is_number = {
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
        [whole, fraction]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    if is_number {
        let n: f64 = word
            .parse()
            .map_err(|_| ParseError::new(column, format!("`{word}` is not a number")))?;
        return Ok(Literal::Number(n));
    }
    let duration_like = unsigned.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.');
    if duration_like && word.starts_with('-') {
        return Err(ParseError::new(
            column,
            format!("a duration cannot be negative, found `{word}`"),
        ));
    }
    if duration_like && unsigned.bytes().any(|b| b.is_ascii_alphabetic()) {
        return parse_duration(word)
            .map(Literal::Duration)
            .map_err(|message| ParseError::new(column, message));
    }
    Err(ParseError::new(
        column,
        format!("`{word}` is not a number or a duration"),
    ))
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
