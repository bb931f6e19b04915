//! Recursive-descent parser of the cluster query language, typing arguments by subject.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use super::lexer::{Token, TokenKind, tokenize};
use super::pattern::Pattern;
use super::{Comparison, CqlError, Expr, Operator, Subject, Value, nearest};

const SUBJECTS: &[&str] = &[
    "agentConnected",
    "agentVersion",
    "attribute:",
    "ec2InstanceId",
    "registeredAt",
    "runningTasksCount",
    "task:group",
];

/// Word operators and the symbolic spelling each stands for.
const WORD_OPERATORS: &[(&str, &str)] = &[
    ("equals", "=="),
    ("not_equals", "!="),
    ("greater_than", ">"),
    ("greater_than_equal", ">="),
    ("less_than", "<"),
    ("less_than_equal", "<="),
    ("exists", "exists"),
    ("not_exists", "!exists"),
    ("in", "in"),
    ("not_in", "!in"),
    ("matches", "=~"),
    ("not_matches", "!~"),
];

/// The longest expression ECS accepts, in characters (`PlacementConstraint.expression`).
pub const MAX_EXPRESSION_CHARS: usize = 2000;

/// The deepest nesting of parentheses and `not` the parser follows: far beyond a real expression,
/// far below what would exhaust the stack of a worker thread.
pub const MAX_NESTING: usize = 64;

/// Parses a whole expression.
pub fn parse(text: &str) -> Result<Expr, CqlError> {
    let length = text.chars().count();
    if length > MAX_EXPRESSION_CHARS {
        return Err(CqlError {
            column: MAX_EXPRESSION_CHARS + 1,
            message: format!("the expression is {length} characters long; ECS accepts at most {MAX_EXPRESSION_CHARS}"),
            suggestion: Some("shorten it, e.g. with `in [...]` instead of a chain of `or`".into()),
        });
    }
    let tokens = tokenize(text)?;
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        end_column: length + 1,
        depth: 0,
    };
    let expr = p.or_expr()?;
    if let Some(t) = p.peek() {
        return Err(match t.kind {
            TokenKind::CloseParen => CqlError {
                column: t.column,
                message: "unbalanced parenthesis: `)` has no matching `(`".into(),
                suggestion: Some("remove it or add the `(` it closes".into()),
            },
            _ => CqlError {
                column: t.column,
                message: format!("unexpected `{}` after a complete expression", t.text()),
                suggestion: Some("join expressions with `and` or `or`".into()),
            },
        });
    }
    Ok(expr)
}

struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
    end_column: usize,
    /// Parentheses and `not` open around the current token.
    depth: usize,
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<&'t Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<&'t Token> {
        let t = self.tokens.get(self.pos);
        self.pos += usize::from(t.is_some());
        t
    }

    fn peek_is(&self, word: &str, symbol: &str) -> bool {
        match self.peek().map(|t| &t.kind) {
            Some(TokenKind::Word(w)) => w == word,
            Some(TokenKind::Symbol(s)) => *s == symbol,
            _ => false,
        }
    }

    /// Column just after the previous token (where a missing piece would go).
    fn after_previous(&self) -> usize {
        match self.pos.checked_sub(1).and_then(|i| self.tokens.get(i)) {
            Some(t) => t.column + t.width + 1,
            None => 1,
        }
        .min(self.end_column)
    }

    fn or_expr(&mut self) -> Result<Expr, CqlError> {
        let mut left = self.and_expr()?;
        while self.peek_is("or", "||") {
            self.next();
            let right = self.and_expr()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, CqlError> {
        let mut left = self.unary()?;
        while self.peek_is("and", "&&") {
            self.next();
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, CqlError> {
        self.depth += 1;
        let result = self.unary_within_limit();
        self.depth -= 1;
        result
    }

    fn unary_within_limit(&mut self) -> Result<Expr, CqlError> {
        if self.depth > MAX_NESTING {
            return Err(CqlError {
                column: self.peek().map_or(self.end_column, |t| t.column),
                message: format!("parentheses and `not` nest more than {MAX_NESTING} deep"),
                suggestion: Some("simplify the expression".into()),
            });
        }
        let Some(t) = self.peek() else {
            return Err(CqlError {
                column: self.after_previous(),
                message: "missing expression".into(),
                suggestion: Some("e.g. `attribute:ecs.instance-type == t2.small`".into()),
            });
        };
        match &t.kind {
            TokenKind::Word(w) if w == "not" => {
                self.next();
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            TokenKind::Symbol("!") => {
                self.next();
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            TokenKind::OpenParen => {
                self.next();
                let inner = self.or_expr()?;
                match self.next() {
                    Some(Token {
                        kind: TokenKind::CloseParen,
                        ..
                    }) => Ok(inner),
                    _ => Err(CqlError {
                        column: t.column,
                        message: "unbalanced parenthesis: this `(` is never closed".into(),
                        suggestion: Some("add a `)`".into()),
                    }),
                }
            }
            TokenKind::Word(_) => self.comparison(),
            _ => Err(CqlError {
                column: t.column,
                message: format!(
                    "expected a subject such as `attribute:ecs.instance-type`, found `{}`",
                    t.text()
                ),
                suggestion: None,
            }),
        }
    }

    fn comparison(&mut self) -> Result<Expr, CqlError> {
        let subject_token = self.next().expect("peeked a word");
        let TokenKind::Word(word) = &subject_token.kind else {
            unreachable!("comparison starts at a word")
        };
        let subject = subject(word, subject_token.column)?;
        let (operator, negated, op_text, op_column) = self.operator(word)?;
        let values = match operator {
            Operator::Exists => Vec::new(),
            Operator::In => self.list(&op_text)?,
            _ => {
                let Some(t) = self.value_token() else {
                    return Err(CqlError {
                        column: self.after_previous(),
                        message: format!("missing argument after `{op_text}`"),
                        suggestion: Some(format!("write `{word} {op_text} <value>`")),
                    });
                };
                vec![t]
            }
        };
        check_operator_fits_subject(&subject, operator, &op_text, op_column)?;
        let values = values
            .into_iter()
            .map(|t| typed_value(&subject, operator, t))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Expr::Compare(Comparison {
            subject,
            operator,
            negated,
            values,
        }))
    }

    /// Reads the operator; returns it, whether negated, its spelling and its column.
    fn operator(&mut self, subject: &str) -> Result<(Operator, bool, String, usize), CqlError> {
        let Some(t) = self.next() else {
            return Err(CqlError {
                column: self.after_previous(),
                message: format!("missing operator after `{subject}`"),
                suggestion: Some("e.g. `==`, `!=`, `in`, `=~` or `exists`".into()),
            });
        };
        let mut symbol = match &t.kind {
            TokenKind::Symbol(s) => (*s).to_string(),
            TokenKind::Word(w) => match WORD_OPERATORS.iter().find(|(word, _)| word == w) {
                Some((_, s)) => (*s).to_string(),
                None => {
                    let names: Vec<&str> = WORD_OPERATORS.iter().map(|(w, _)| *w).collect();
                    return Err(CqlError {
                        column: t.column,
                        message: format!("unknown operator `{w}`"),
                        suggestion: nearest(w, &names).map(|n| format!("did you mean `{n}`?")),
                    });
                }
            },
            _ => {
                return Err(CqlError {
                    column: t.column,
                    message: format!("expected an operator after `{subject}`, found `{}`", t.text()),
                    suggestion: Some("e.g. `==`, `!=`, `in`, `=~` or `exists`".into()),
                });
            }
        };
        if symbol == "!" {
            // `!exists` and `!in`: the `!` must touch the word.
            match self.peek() {
                Some(Token {
                    kind: TokenKind::Word(w),
                    column,
                    ..
                }) if (w == "exists" || w == "in") && *column == t.column + 1 => {
                    symbol = format!("!{w}");
                    self.next();
                }
                _ => {
                    return Err(CqlError {
                        column: t.column,
                        message: "`!` here must be followed by `exists` or `in`".into(),
                        suggestion: Some("use `!=`, `!exists`, `!in` or `!~`".into()),
                    });
                }
            }
        }
        let (operator, negated) = match symbol.as_str() {
            "==" => (Operator::Equals, false),
            "!=" => (Operator::Equals, true),
            ">" => (Operator::Greater, false),
            ">=" => (Operator::GreaterEqual, false),
            "<" => (Operator::Less, false),
            "<=" => (Operator::LessEqual, false),
            "exists" => (Operator::Exists, false),
            "!exists" => (Operator::Exists, true),
            "in" => (Operator::In, false),
            "!in" => (Operator::In, true),
            "=~" => (Operator::Matches, false),
            "!~" => (Operator::Matches, true),
            _ => {
                return Err(CqlError {
                    column: t.column,
                    message: format!("`{symbol}` cannot compare a subject; it joins expressions"),
                    suggestion: Some(format!("write `{subject} == <value>` before it")),
                });
            }
        };
        let spelling = match &t.kind {
            TokenKind::Word(w) => w.clone(),
            _ => symbol,
        };
        Ok((operator, negated, spelling, t.column))
    }

    fn value_token(&mut self) -> Option<&'t Token> {
        match self.peek().map(|t| &t.kind) {
            Some(TokenKind::Word(_) | TokenKind::Quoted(_)) => self.next(),
            _ => None,
        }
    }

    /// `[a, b, 'c']` after `in`.
    fn list(&mut self, op: &str) -> Result<Vec<&'t Token>, CqlError> {
        let open = match self.next() {
            Some(t) if t.kind == TokenKind::OpenBracket => t,
            Some(t) => {
                return Err(CqlError {
                    column: t.column,
                    message: format!("expected a list such as `[a, b]` after `{op}`, found `{}`", t.text()),
                    suggestion: Some(format!("write `{op} [{}]`", t.text())),
                });
            }
            None => {
                return Err(CqlError {
                    column: self.after_previous(),
                    message: format!("missing argument after `{op}`: a list such as `[a, b]`"),
                    suggestion: None,
                });
            }
        };
        let mut values = Vec::new();
        loop {
            let Some(v) = self.value_token() else {
                return Err(match self.peek() {
                    None => unterminated(open),
                    Some(t) if t.kind == TokenKind::CloseBracket && values.is_empty() => CqlError {
                        column: t.column,
                        message: "the list is empty".into(),
                        suggestion: Some("list at least one value".into()),
                    },
                    Some(t) => CqlError {
                        column: t.column,
                        message: format!("expected a value in the list, found `{}`", t.text()),
                        suggestion: None,
                    },
                });
            };
            values.push(v);
            match self.next() {
                Some(t) if t.kind == TokenKind::Comma => {}
                Some(t) if t.kind == TokenKind::CloseBracket => return Ok(values),
                Some(t) => {
                    return Err(CqlError {
                        column: t.column,
                        message: format!("expected `,` or `]` in the list, found `{}`", t.text()),
                        suggestion: Some("separate values with commas".into()),
                    });
                }
                None => return Err(unterminated(open)),
            }
        }
    }
}

fn unterminated(open: &Token) -> CqlError {
    CqlError {
        column: open.column,
        message: "unterminated list: this `[` is never closed".into(),
        suggestion: Some("add a `]`".into()),
    }
}

fn subject(word: &str, column: usize) -> Result<Subject, CqlError> {
    if let Some(name) = word.strip_prefix("attribute:") {
        validate_attribute_name(name).map_err(|(offset, message)| CqlError {
            column: column + "attribute:".len() + offset,
            message,
            suggestion: None,
        })?;
        return Ok(Subject::Attribute(name.to_string()));
    }
    Ok(match word {
        "agentConnected" => Subject::AgentConnected,
        "agentVersion" => Subject::AgentVersion,
        "ec2InstanceId" => Subject::Ec2InstanceId,
        "registeredAt" => Subject::RegisteredAt,
        "runningTasksCount" => Subject::RunningTasksCount,
        "task:group" => Subject::TaskGroup,
        _ => {
            let guess = nearest(word.split(':').next().unwrap_or(word), SUBJECTS).or_else(|| nearest(word, SUBJECTS));
            let suggestion = match guess {
                Some("attribute:") => format!("did you mean `attribute:{}`?", word.split_once(':').map_or("", |x| x.1)),
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("subjects are {}<name>, ...", SUBJECTS.join(", ")),
            };
            return Err(CqlError {
                column,
                message: format!("unknown subject `{word}`"),
                suggestion: Some(suggestion),
            });
        }
    })
}

/// An attribute name: 1-128 characters of `[A-Za-z0-9-_/.]` (reference 9.4). On error, the
/// 0-based offset of the problem and a message.
pub fn validate_attribute_name(name: &str) -> Result<(), (usize, String)> {
    if name.is_empty() {
        return Err((0, "missing attribute name after `attribute:`".into()));
    }
    if let Some((i, c)) = name
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')))
    {
        return Err((
            i,
            format!("`{c}` is not allowed in an attribute name (letters, digits, `-`, `_`, `/`, `.`)"),
        ));
    }
    if name.chars().count() > 128 {
        return Err((128, "an attribute name has at most 128 characters".into()));
    }
    Ok(())
}

fn token_text(t: &Token) -> (&str, usize) {
    match &t.kind {
        TokenKind::Word(w) => (w.as_str(), t.column),
        TokenKind::Quoted(q) => (q.as_str(), t.column + 1),
        _ => unreachable!("values are words or quoted strings"),
    }
}

fn typed_value(subject: &Subject, operator: Operator, t: &Token) -> Result<Value, CqlError> {
    let (text, column) = token_text(t);
    let err = |message: String, suggestion: Option<&str>| CqlError {
        column: t.column,
        message,
        suggestion: suggestion.map(str::to_string),
    };
    if operator == Operator::Matches {
        return Pattern::compile(text).map(Value::Pattern).map_err(|e| CqlError {
            column: column + e.offset,
            message: e.message,
            suggestion: Some("quote the pattern and use only `.*`, `*`, `.`, `?` and `[...]`".into()),
        });
    }
    let ordering = matches!(
        operator,
        Operator::Greater | Operator::GreaterEqual | Operator::Less | Operator::LessEqual
    );
    match subject {
        Subject::RunningTasksCount => text.parse::<u64>().map(|v| Value::Number(v as f64)).map_err(|_| {
            err(
                format!("expected a whole number for runningTasksCount, found `{text}`"),
                None,
            )
        }),
        Subject::AgentVersion => parse_version(text).map(Value::Version).ok_or_else(|| {
            err(
                format!("expected an agent version such as 1.14.5, found `{text}`"),
                None,
            )
        }),
        Subject::RegisteredAt => parse_instant(text).map(Value::Instant).ok_or_else(|| {
            err(
                format!("expected a date, found `{text}`"),
                Some("use 2018-06-18, 2018-06-18T22:28:28, 2018-06-18T22:28:28Z or 2018-06-18T22:28:28+00:00"),
            )
        }),
        Subject::AgentConnected => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(err(format!("expected true or false, found `{text}`"), None)),
        },
        Subject::Attribute(_) if ordering => text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Value::Number)
            .ok_or_else(|| {
                err(
                    format!("`>`, `>=`, `<` and `<=` compare numbers, found `{text}`"),
                    Some("use `==`, `in` or `=~` to compare text"),
                )
            }),
        Subject::Attribute(_) | Subject::Ec2InstanceId | Subject::TaskGroup => Ok(Value::Text(text.to_string())),
    }
}

fn check_operator_fits_subject(subject: &Subject, operator: Operator, op: &str, column: usize) -> Result<(), CqlError> {
    let ordering = matches!(
        operator,
        Operator::Greater | Operator::GreaterEqual | Operator::Less | Operator::LessEqual
    );
    let problem = match subject {
        Subject::Ec2InstanceId | Subject::TaskGroup | Subject::AgentConnected if ordering => {
            Some("compares numbers, versions or dates")
        }
        Subject::RunningTasksCount | Subject::RegisteredAt | Subject::AgentConnected
            if operator == Operator::Matches =>
        {
            Some("matches text patterns")
        }
        _ => None,
    };
    match problem {
        Some(what) => Err(CqlError {
            column,
            message: format!("`{op}` {what}; it cannot be used with this subject"),
            suggestion: Some("use `==`, `!=` or `in`".into()),
        }),
        None => Ok(()),
    }
}

/// `1.14.5` as `[1, 14, 5]`.
pub fn parse_version(text: &str) -> Option<Vec<u64>> {
    text.split('.').map(|p| p.parse::<u64>().ok()).collect()
}

/// One of the four `registeredAt` formats, as epoch milliseconds (UTC when no offset is given).
pub fn parse_instant(text: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S") {
        return Some(t.and_utc().timestamp_millis());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
}
