//! Splits an expectation into tokens, each with the 1-based character column where it starts.

use super::parser::ParseError;

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// A name, number, duration or column: letters, digits, `_`, `-` and `.`, classified by the
    /// parser from its position (`web.running`, `max`, `10`, `61.2`, `-1`, `1d6h`, `cp-m5`).
    Word(String),
    /// `(`.
    OpenParen,
    /// `)`.
    CloseParen,
    /// `[`.
    OpenBracket,
    /// `]`.
    CloseBracket,
    /// `,`.
    Comma,
    /// `<`, `<=`, `>`, `>=`, `==` or `!=`.
    Operator(&'static str),
    /// `+-` (or `±`), before a tolerance.
    PlusMinus,
    /// The end of the text.
    End,
}

/// A token and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// 1-based character column of its first character.
    pub column: usize,
}

impl TokenKind {
    /// How the token reads in an error message ("found `<=`", "found the end").
    pub fn describe(&self) -> String {
        match self {
            TokenKind::Word(w) => format!("`{w}`"),
            TokenKind::OpenParen => "`(`".into(),
            TokenKind::CloseParen => "`)`".into(),
            TokenKind::OpenBracket => "`[`".into(),
            TokenKind::CloseBracket => "`]`".into(),
            TokenKind::Comma => "`,`".into(),
            TokenKind::Operator(op) => format!("`{op}`"),
            TokenKind::PlusMinus => "`+-`".into(),
            TokenKind::End => "the end".into(),
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// The tokens of `text`, ending with `End`; an unknown character is an error at its column.
pub fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        let next = chars.get(i + 1).copied();
        let (kind, width) = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => (TokenKind::OpenParen, 1),
            ')' => (TokenKind::CloseParen, 1),
            '[' => (TokenKind::OpenBracket, 1),
            ']' => (TokenKind::CloseBracket, 1),
            ',' => (TokenKind::Comma, 1),
            '±' => (TokenKind::PlusMinus, 1),
            '+' if next == Some('-') => (TokenKind::PlusMinus, 2),
            '<' | '>' | '=' | '!' if next == Some('=') => (TokenKind::Operator(two_char_operator(c)), 2),
            '<' => (TokenKind::Operator("<"), 1),
            '>' => (TokenKind::Operator(">"), 1),
            '=' => return Err(ParseError::new(column, "`=` is not a comparison; use `==`")),
            '!' => return Err(ParseError::new(column, "unexpected `!`; did you mean `!=`?")),
            '+' => return Err(ParseError::new(column, "unexpected `+`; a tolerance is written `+- 1`")),
            c if c.is_ascii_alphanumeric() || c == '_' || (c == '-' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let end = (i + 1..chars.len())
                    .find(|&j| !is_word_char(chars[j]))
                    .unwrap_or(chars.len());
                (TokenKind::Word(chars[i..end].iter().collect()), end - i)
            }
            other => return Err(ParseError::new(column, format!("unexpected character `{other}`"))),
        };
        tokens.push(Token { kind, column });
        i += width;
    }
    tokens.push(Token {
        kind: TokenKind::End,
        column: chars.len() + 1,
    });
    Ok(tokens)
}

fn two_char_operator(first: char) -> &'static str {
    match first {
        '<' => "<=",
        '>' => ">=",
        '=' => "==",
        _ => "!=",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders tokens as `column:token` separated by spaces, or the error as `column: message`.
    fn render(text: &str) -> String {
        match tokenize(text) {
            Ok(tokens) => tokens
                .iter()
                .map(|t| match &t.kind {
                    TokenKind::Word(w) => format!("{}:{w}", t.column),
                    TokenKind::End => format!("{}:END", t.column),
                    other => format!("{}:{}", t.column, other.describe().trim_matches('`')),
                })
                .collect::<Vec<_>>()
                .join(" "),
            Err(e) => format!("{}: {}", e.column, e.message),
        }
    }

    #[track_caller]
    fn check(text: &str, expected: &str) {
        assert_eq!(render(text), expected, "input {text:?}");
    }

    #[test]
    fn splits_expressions_into_located_tokens() {
        check(
            "max(web.running) <= 3",
            "1:max 4:( 5:web.running 16:) 18:<= 21:3 22:END",
        );
        check("cp-m5.instances", "1:cp-m5.instances 16:END");
        check("x==10+-1", "1:x 2:== 4:10 6:+- 8:1 9:END");
        check("x ± 0.5", "1:x 3:+- 5:0.5 8:END");
        check("a>-1", "1:a 2:> 3:-1 5:END");
        check("[1d, 1d6h]", "1:[ 2:1d 4:, 6:1d6h 10:] 11:END");
        check(
            "a != b < c > d >= e",
            "1:a 3:!= 6:b 8:< 10:c 12:> 14:d 16:>= 19:e 20:END",
        );
        check("", "1:END");
        check("  ", "3:END");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        check("é # x", "1: unexpected character `é`");
        check("x ± é", "5: unexpected character `é`");
    }

    #[test]
    fn rejects_characters_outside_the_language() {
        check("x = 3", "3: `=` is not a comparison; use `==`");
        check("x ! 3", "3: unexpected `!`; did you mean `!=`?");
        check("x + 3", "3: unexpected `+`; a tolerance is written `+- 1`");
        check("x <= 3 # note", "8: unexpected character `#`");
        check("- 3", "1: unexpected character `-`");
    }
}
