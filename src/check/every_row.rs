//! The every-row form of an expectation: `web.cpu_utilization < 90 during deployment` holds when
//! every selected row holds, which is `max(...) < 90` for `<` and `<=` and `min(...) > 90` for
//! `>` and `>=`. `==` and `!=` have no such aggregate and need one written out.

use super::{ParseError, Parser, job_figures, starts_like_a_number};
use crate::check::ast::{Aggregate, Comparison, Expectation, Value};
use crate::check::lexer::TokenKind;

impl Parser {
    /// The expectation when the line starts with a bare column followed by a comparison;
    /// `None` (nothing consumed) otherwise.
    pub(super) fn every_row(&mut self) -> Result<Option<Expectation>, ParseError> {
        let TokenKind::Word(word) = &self.peek().kind else {
            return Ok(None);
        };
        let next = self.tokens.get(self.position + 1).map(|t| &t.kind);
        if starts_like_a_number(word)
            || !word.contains('.')
            || job_figures::is_job_word(word)
            || !matches!(next, Some(TokenKind::Operator(_)))
        {
            return Ok(None);
        }
        let (written, at) = (word.clone(), self.peek().column);
        let column = self.column("")?;
        let TokenKind::Operator(op) = self.peek().kind else {
            return Ok(None); // unreachable: checked above
        };
        let Some(comparison) = Comparison::from_operator(op) else {
            return Ok(None);
        };
        let aggregate = match comparison {
            Comparison::Less | Comparison::LessOrEqual => Aggregate::Max,
            Comparison::Greater | Comparison::GreaterOrEqual => Aggregate::Min,
            Comparison::Equal | Comparison::NotEqual => {
                let message = format!(
                    "`{}` needs an aggregate on a column: `max({written})`, `min({written})` or `last({written})`",
                    comparison.as_str()
                );
                return Err(ParseError::new(at, message));
            }
        };
        self.advance();
        let right = self.value(&format!("a number or a value after `{}`", comparison.as_str()))?;
        let tolerance = if self.peek().kind == TokenKind::PlusMinus {
            self.advance();
            Some(self.tolerance()?)
        } else {
            None
        };
        let window = self.window()?;
        if self.peek().kind != TokenKind::End {
            return Err(self.error_found("expected a window (`during ...`, `after ...`, `before ...`) or the end"));
        }
        let left = Value::Aggregate {
            aggregate,
            column,
            window,
        };
        Ok(Some(Expectation {
            left,
            comparison,
            right,
            tolerance,
        }))
    }
}

#[cfg(test)]
mod tests {
    use crate::check::ast::{Aggregate, Column, Comparison, Literal, Value, Window};
    use crate::check::parser::{ParseError, parse_expectation};

    #[test]
    fn a_bare_column_holds_on_every_row() {
        let e = parse_expectation("api.latency_p99_ms < 400 during deployment").expect("parses");
        let column = Column {
            subject: "api".into(),
            field: "latency_p99_ms".into(),
        };
        assert_eq!(
            e.left,
            Value::Aggregate {
                aggregate: Aggregate::Max,
                column: column.clone(),
                window: Window::Deployment(None),
            }
        );
        assert_eq!(
            (e.comparison, e.right),
            (Comparison::Less, Value::Literal(Literal::Number(400.0)))
        );
        let e = parse_expectation("web.healthy >= 2").expect("parses");
        assert!(matches!(
            e.left,
            Value::Aggregate {
                aggregate: Aggregate::Min,
                window: Window::All,
                ..
            }
        ));
        assert_eq!(
            parse_expectation("web.running == 3"),
            Err(ParseError::new(
                1,
                "`==` needs an aggregate on a column: `max(web.running)`, `min(web.running)` or `last(web.running)`"
            ))
        );
        assert_eq!(
            parse_expectation("web.running < 3 extra").map_err(|e| e.message),
            Err("expected a window (`during ...`, `after ...`, `before ...`) or the end, found `extra`".into())
        );
    }
}
