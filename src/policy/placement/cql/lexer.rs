//! Tokens of the cluster query language, each with its 1-based column in the expression.

use super::CqlError;

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A bare word: a subject, a word operator (`equals`, `and`) or an unquoted argument.
    Word(String),
    /// A quoted argument (`'i-abcd1234'` or `"t2.*"`), without its quotes.
    Quoted(String),
    /// A symbolic operator: `==`, `!=`, `>=`, `<=`, `>`, `<`, `=~`, `!~`, `&&`, `||` or `!`.
    Symbol(&'static str),
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
}

/// A token and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// 1-based character column of its first character.
    pub column: usize,
    /// Its length in characters as written (quotes included).
    pub width: usize,
}

impl Token {
    /// The token as written, for messages.
    pub fn text(&self) -> String {
        match &self.kind {
            TokenKind::Word(w) => w.clone(),
            TokenKind::Quoted(q) => format!("'{q}'"),
            TokenKind::Symbol(s) => (*s).to_string(),
            TokenKind::OpenParen => "(".into(),
            TokenKind::CloseParen => ")".into(),
            TokenKind::OpenBracket => "[".into(),
            TokenKind::CloseBracket => "]".into(),
            TokenKind::Comma => ",".into(),
        }
    }
}

const TWO_CHAR_SYMBOLS: &[&str] = &["==", "!=", ">=", "<=", "=~", "!~", "&&", "||"];

fn is_symbol_char(c: char) -> bool {
    matches!(c, '=' | '!' | '<' | '>' | '~' | '&' | '|')
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !is_symbol_char(c) && !matches!(c, '(' | ')' | '[' | ']' | ',' | '\'' | '"')
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Result<Vec<Token>, CqlError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        let single = |kind| Token { kind, column, width: 1 };
        match c {
            _ if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push(single(TokenKind::OpenParen));
                i += 1;
            }
            ')' => {
                tokens.push(single(TokenKind::CloseParen));
                i += 1;
            }
            '[' => {
                tokens.push(single(TokenKind::OpenBracket));
                i += 1;
            }
            ']' => {
                tokens.push(single(TokenKind::CloseBracket));
                i += 1;
            }
            ',' => {
                tokens.push(single(TokenKind::Comma));
                i += 1;
            }
            '\'' | '"' => {
                let close = chars[i + 1..].iter().position(|x| *x == c).ok_or_else(|| CqlError {
                    column,
                    message: format!("unterminated string: the {c} is never closed"),
                    suggestion: Some(format!("close it with a matching {c}")),
                })?;
                let inner: String = chars[i + 1..i + 1 + close].iter().collect();
                tokens.push(Token {
                    kind: TokenKind::Quoted(inner),
                    column,
                    width: close + 2,
                });
                i += close + 2;
            }
            _ if is_symbol_char(c) => {
                let pair: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                if let Some(s) = TWO_CHAR_SYMBOLS.iter().find(|s| **s == pair) {
                    tokens.push(Token {
                        kind: TokenKind::Symbol(s),
                        column,
                        width: 2,
                    });
                    i += 2;
                    continue;
                }
                let kind = match c {
                    '>' => TokenKind::Symbol(">"),
                    '<' => TokenKind::Symbol("<"),
                    '!' => TokenKind::Symbol("!"),
                    _ => {
                        let suggestion = match c {
                            '=' => "`==` (or `=~` to match a pattern)",
                            '&' => "`&&` or `and`",
                            '|' => "`||` or `or`",
                            _ => "`=~` to match a pattern, `!~` for the opposite",
                        };
                        return Err(CqlError {
                            column,
                            message: format!("unknown operator `{c}`"),
                            suggestion: Some(format!("did you mean {suggestion}?")),
                        });
                    }
                };
                tokens.push(single(kind));
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                tokens.push(Token {
                    kind: TokenKind::Word(chars[start..i].iter().collect()),
                    column,
                    width: i - start,
                });
            }
        }
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_symbols_lists_and_quotes() {
        let t = tokenize("not(a:b != 'x y') && c in [1,2]").expect("valid");
        let kinds: Vec<String> = t.iter().map(|t| format!("{}@{}", t.text(), t.column)).collect();
        assert_eq!(
            kinds,
            [
                "not@1", "(@4", "a:b@5", "!=@9", "'x y'@12", ")@17", "&&@19", "c@22", "in@24", "[@27", "1@28", ",@29",
                "2@30", "]@31"
            ]
        );
        let t = tokenize("a !exists").expect("valid");
        assert_eq!(t[1].kind, TokenKind::Symbol("!"));
        assert_eq!(t[2].kind, TokenKind::Word("exists".into()));
    }

    #[test]
    fn reports_bad_characters_with_their_column() {
        assert_eq!(tokenize("a = b").expect_err("bad").column, 3);
        assert_eq!(tokenize("a == 'b").expect_err("bad").column, 6);
        assert_eq!(tokenize("a & b").expect_err("bad").column, 3);
    }
}
