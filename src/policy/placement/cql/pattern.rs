//! The patterns of `=~` / `matches`: a small, anchored subset of Java regular expressions.
//!
//! ECS evaluates `=~` with Java regular expressions, and its documentation only ever shows
//! glob-like patterns (`t2.*`, `g2.*`). The simulator accepts this subset and rejects everything
//! else with an error, so a pattern never silently means something different:
//!
//! * `.*` and `*` match any run of characters (a lone `*` is read as a glob star, not as
//!   "repeat the previous character", which is what people writing `t2*` mean);
//! * `.` and `?` match any one character;
//! * `[abc]`, `[a-z0-9]`, `[^x]` match one character of (or not of) a class;
//! * `\` makes the next character literal (`\.` is a dot);
//! * every other character is literal, except `+ ( ) { } | ^ $`, which are rejected.
//!
//! The match is anchored at both ends, as Java's `String.matches` is.

/// One element of a compiled pattern.
#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Literal(char),
    AnyChar,
    AnyRun,
    Class { negated: bool, ranges: Vec<(char, char)> },
}

/// A compiled `=~` pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    source: String,
    pieces: Vec<Piece>,
}

/// Why a pattern was rejected: the 0-based character offset in the pattern and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    /// Offset of the offending character from the start of the pattern.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl Pattern {
    /// Compiles `source`, or says which character is outside the supported subset.
    pub fn compile(source: &str) -> Result<Pattern, PatternError> {
        let chars: Vec<char> = source.chars().collect();
        let mut pieces = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '.' if chars.get(i + 1) == Some(&'*') => {
                    pieces.push(Piece::AnyRun);
                    i += 2;
                }
                '*' => {
                    pieces.push(Piece::AnyRun);
                    i += 1;
                }
                '.' | '?' => {
                    pieces.push(Piece::AnyChar);
                    i += 1;
                }
                '\\' => {
                    let Some(next) = chars.get(i + 1) else {
                        return Err(PatternError {
                            offset: i,
                            message: "a pattern cannot end with `\\`".into(),
                        });
                    };
                    if next.is_ascii_alphanumeric() {
                        return Err(PatternError {
                            offset: i,
                            message: format!(
                                "`\\{next}` is not supported in patterns (only `.*`, `*`, `.`, `?`, `[...]` and `\\` before a symbol)"
                            ),
                        });
                    }
                    pieces.push(Piece::Literal(*next));
                    i += 2;
                }
                '[' => {
                    let (piece, next) = compile_class(&chars, i)?;
                    pieces.push(piece);
                    i = next;
                }
                '+' | '(' | ')' | '{' | '}' | '|' | '^' | '$' | ']' => {
                    return Err(PatternError {
                        offset: i,
                        message: format!(
                            "`{c}` is not supported in patterns (only `.*`, `*`, `.`, `?`, `[...]` and `\\` before a symbol)"
                        ),
                    });
                }
                _ => {
                    pieces.push(Piece::Literal(c));
                    i += 1;
                }
            }
        }
        Ok(Pattern {
            source: source.to_string(),
            pieces,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True if the whole of `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        // Glob matching with backtracking to the last star: O(len(text) x len(pattern)) at worst.
        let text: Vec<char> = text.chars().collect();
        let (mut t, mut p) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while t < text.len() {
            if p < self.pieces.len() && self.pieces[p] == Piece::AnyRun {
                star = Some((p, t));
                p += 1;
            } else if p < self.pieces.len() && one_matches(&self.pieces[p], text[t]) {
                p += 1;
                t += 1;
            } else if let Some((sp, st)) = star {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            } else {
                return false;
            }
        }
        self.pieces[p..].iter().all(|x| *x == Piece::AnyRun)
    }
}

fn one_matches(piece: &Piece, c: char) -> bool {
    match piece {
        Piece::Literal(l) => *l == c,
        Piece::AnyChar => true,
        Piece::AnyRun => false,
        Piece::Class { negated, ranges } => ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi) != *negated,
    }
}

/// Compiles the class starting at `chars[start] == '['`; returns it and the index after `]`.
fn compile_class(chars: &[char], start: usize) -> Result<(Piece, usize), PatternError> {
    let mut i = start + 1;
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(PatternError {
                offset: start,
                message: "the character class `[` is never closed with `]`".into(),
            });
        };
        match c {
            ']' if !ranges.is_empty() => return Ok((Piece::Class { negated, ranges }, i + 1)),
            ']' => {
                return Err(PatternError {
                    offset: i,
                    message: "empty character class `[]`".into(),
                });
            }
            '[' | '\\' | '&' => {
                return Err(PatternError {
                    offset: i,
                    message: format!("`{c}` inside a character class is not supported"),
                });
            }
            _ if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|e| *e != ']') => {
                let end = chars[i + 2];
                if end < c {
                    return Err(PatternError {
                        offset: i,
                        message: format!("the range `{c}-{end}` is backwards"),
                    });
                }
                ranges.push((c, end));
                i += 3;
            }
            _ => {
                ranges.push((c, c));
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(pattern: &str, text: &str, expected: bool) {
        let p = Pattern::compile(pattern).expect("valid pattern");
        assert_eq!(p.is_match(text), expected, "{pattern} =~ {text}");
    }

    #[test]
    fn glob_like_subset_matches_anchored() {
        // Case 36: `g2.*` matches g2.2xlarge.
        check("g2.*", "g2.2xlarge", true);
        check("t2.*", "t2.small", true);
        check("t2.*", "m5.large", false);
        check("t2*", "t2.micro", true);
        check("m5.large", "m5xlarge", true); // `.` is any character, as in Java.
        check("m5\\.large", "m5xlarge", false);
        check("m5.large", "m5.large.x", false); // anchored at the end
        check("*.large", "c5.large", true);
        check("c5?.large", "c5a.large", true);
        check("[cm]5.*", "m5.xlarge", true);
        check("[cm]5.*", "r5.xlarge", false);
        check("[^c]5.*", "r5.xlarge", true);
        check("m[4-6].*", "m6i.large", true);
        check("", "", true);
        check("*", "", true);
        check("a*b*c", "aXXbYYc", true);
        check("a*b*c", "aXXbYY", false);
    }

    #[test]
    fn rejects_syntax_outside_the_subset() {
        for (pattern, offset) in [
            ("m5+", 2),
            ("(m5|c5).*", 0),
            ("^m5", 0),
            ("m5\\d", 2),
            ("[a-", 0),
            ("[]", 1),
            ("a\\", 1),
        ] {
            assert_eq!(
                Pattern::compile(pattern).expect_err(pattern).offset,
                offset,
                "{pattern}"
            );
        }
    }
}
