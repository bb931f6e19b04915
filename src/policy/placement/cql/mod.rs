//! The ECS cluster query language (reference 9.4): parse a `memberOf` expression, evaluate it on an instance.
//!
//! Grammar (precedence from tightest: `not` > `and` > `or`; parentheses group):
//!
//! ```text
//! expression := and_expr (("or" | "||") and_expr)*
//! and_expr   := unary (("and" | "&&") unary)*
//! unary      := ("not" | "!") unary | "(" expression ")" | subject operator [argument]
//! argument   := value | "[" value ("," value)* "]"          (lists only after in / not_in)
//! value      := bare-word | 'single quoted' | "double quoted"
//! ```
//!
//! Subjects: `agentConnected`, `agentVersion`, `attribute:<name>`, `ec2InstanceId`,
//! `registeredAt`, `runningTasksCount`, `task:group`. Operators, each with its word form:
//! `==`/`equals`, `!=`/`not_equals`, `>`/`greater_than`, `>=`/`greater_than_equal`,
//! `<`/`less_than`, `<=`/`less_than_equal`, `exists`, `!exists`/`not_exists`, `in`,
//! `!in`/`not_in`, `=~`/`matches`, `!~`/`not_matches`.
//!
//! Choices where AWS documents nothing (checked at parse time, so a scenario fails early):
//! * Arguments are typed by subject: `runningTasksCount` takes whole numbers, `agentVersion`
//!   dotted versions compared numerically per component (`1.9 < 1.14`, missing components are 0),
//!   `registeredAt` one of the four documented date formats compared as instants (a date without
//!   a time is midnight UTC; a time without an offset is UTC), `agentConnected` `true`/`false`.
//! * Ordering operators are rejected on `ec2InstanceId`, `task:group` and `agentConnected`; on an
//!   attribute they compare numbers (the argument must be a number; an instance whose value is
//!   not a number does not match).
//! * `=~` takes the pattern subset of [`pattern`] and is rejected on numeric and date subjects.
//! * `task:group` has several values (one per task on the instance): `==`, `in` and `=~` hold if
//!   any task's group does; `exists` if the instance has any task.
//! * Every negated operator is exactly `not` of its positive form, so an instance without an
//!   attribute matches `attribute:x != v`, `attribute:x not_in [..]` and `attribute:x !~ p`.
//! * The simulated ECS agent is [`DEFAULT_AGENT_VERSION`] on every instance, connected while the
//!   instance is ACTIVE.

mod eval;
mod lexer;
mod parser;
pub mod pattern;
#[cfg(test)]
mod tests;

pub use eval::InstanceView;
pub use parser::{parse, validate_attribute_name};
pub use pattern::Pattern;

/// The ECS agent version every simulated instance reports (`agentVersion`), a 2025 release.
pub const DEFAULT_AGENT_VERSION: &str = "1.89.0";

/// A syntax or type error in an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CqlError {
    /// 1-based character column inside the expression.
    pub column: usize,
    /// What is wrong, as a lowercase fragment.
    pub message: String,
    /// How to fix it, when there is an obvious fix.
    pub suggestion: Option<String>,
}

impl std::fmt::Display for CqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

/// What a simple expression tests.
#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    /// `agentConnected`.
    AgentConnected,
    /// `agentVersion`.
    AgentVersion,
    /// `attribute:<name>`.
    Attribute(String),
    /// `ec2InstanceId`.
    Ec2InstanceId,
    /// `registeredAt`.
    RegisteredAt,
    /// `runningTasksCount`.
    RunningTasksCount,
    /// `task:group`.
    TaskGroup,
}

/// A comparison operator (its positive form; negation is separate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `==`.
    Equals,
    /// `>`.
    Greater,
    /// `>=`.
    GreaterEqual,
    /// `<`.
    Less,
    /// `<=`.
    LessEqual,
    /// `exists`.
    Exists,
    /// `in`.
    In,
    /// `=~`.
    Matches,
}

/// A typed argument value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text compared exactly.
    Text(String),
    /// A number (attributes under ordering operators; `runningTasksCount`).
    Number(f64),
    /// A dotted version, per component.
    Version(Vec<u64>),
    /// An instant, epoch milliseconds.
    Instant(i64),
    /// `true` or `false`.
    Bool(bool),
    /// A compiled pattern.
    Pattern(Pattern),
}

/// `subject operator argument`, possibly negated (`!=`, `not_in`, ...).
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// What is tested.
    pub subject: Subject,
    /// The positive operator.
    pub operator: Operator,
    /// True for `!=`, `!exists`, `!in`, `!~` and their word forms.
    pub negated: bool,
    /// The argument values: none for `exists`, one, or a list for `in`.
    pub values: Vec<Value>,
}

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A simple expression.
    Compare(Comparison),
    /// `not e`.
    Not(Box<Expr>),
    /// `a and b`.
    And(Box<Expr>, Box<Expr>),
    /// `a or b`.
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// True if the instance satisfies the expression.
    pub fn matches(&self, instance: &dyn InstanceView) -> bool {
        eval::matches(self, instance)
    }

    /// True if the result depends only on the instance's attributes, id, agent and registration:
    /// not on `task:group` or `runningTasksCount`, which change as tasks come and go.
    pub fn is_static(&self) -> bool {
        match self {
            Expr::Compare(c) => !matches!(c.subject, Subject::TaskGroup | Subject::RunningTasksCount),
            Expr::Not(e) => e.is_static(),
            Expr::And(a, b) | Expr::Or(a, b) => a.is_static() && b.is_static(),
        }
    }
}

/// Edit distance, for "did you mean" suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The candidate nearest to `word` (case-insensitively), if it is close enough to be a typo.
fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3))
        .min()
        .map(|(_, c)| c)
}
