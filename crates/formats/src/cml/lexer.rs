//! The CML lexer: text into tokens with their byte span, line and column; comments are set
//! aside (each token knows the comment right before it), binary or invalid UTF-8 input is
//! refused with the position of the first offending byte.

use super::CmlError;

/// What a token is. Identifiers lose their `^` escape; strings keep their raw text in the
/// source span and carry their unescaped value here.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Str(String),
    Number(String),
    /// `->`, `<-`, `<->` or a single punctuation character.
    Punct(&'static str),
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub tok: Tok,
    /// Byte offsets of the token in the source.
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    /// The line the token ends on (strings may span lines).
    pub end_line: usize,
    /// The index in `Lexed::comments` of a comment directly before this token (nothing but
    /// whitespace in between, and no blank line).
    pub comment: Option<usize>,
}

#[derive(Clone, Debug)]
pub(crate) struct Comment {
    /// The comment's text without its delimiters, trimmed.
    pub text: String,
}

pub(crate) struct Lexed<'a> {
    pub src: &'a str,
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
    /// The first comment of the file, if no token precedes it.
    pub first_comment: Option<usize>,
    pub eof_line: usize,
    pub eof_column: usize,
}

const PUNCT: &[&str] = &[
    "{", "}", "[", "]", "(", ")", "<", ">", ",", ";", ":", "=", ".", "@", "-", "*", "!", "+", "/",
    "&", "|", "?", "#", "%", "$", "~",
];

/// Checks that `bytes` are text, as UTF-8, and returns it (without a byte-order mark).
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, CmlError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let (line, column) = position(
                // The prefix is valid UTF-8 by definition of `valid_up_to`.
                std::str::from_utf8(&bytes[..at]).unwrap_or_default(),
                at,
            );
            // A NUL byte anywhere, or bad bytes at the very start, mean binary data rather
            // than text in another encoding.
            let message = if bytes.contains(&0) || at == 0 {
                format!(
                    "the input is binary data, not a CML text file (byte 0x{:02X})",
                    bytes[at]
                )
            } else {
                format!(
                    "the input is not UTF-8 text (byte 0x{:02X}); a CML file is UTF-8 text: \
                     re-save it as UTF-8",
                    bytes[at]
                )
            };
            return Err(CmlError::new(line, column, message));
        }
    };
    if let Some(at) = text
        .char_indices()
        .find(|&(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
        .map(|(i, _)| i)
    {
        let (line, column) = position(text, at);
        let what = if text.as_bytes()[at] == 0 {
            "a NUL byte: this is binary data, not a CML text file"
        } else {
            "a control character that CML text never contains"
        };
        return Err(CmlError::new(line, column, format!("unexpected {what}")));
    }
    Ok(text)
}

/// The 1-based line and column (in characters) of byte offset `at` in `text`.
pub(crate) fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

pub(crate) fn lex(src: &str) -> Result<Lexed<'_>, CmlError> {
    let b = src.as_bytes();
    let mut tokens = Vec::new();
    let mut comments = Vec::new();
    let mut first_comment = None;
    // The comment waiting for the next token, and whether a blank line followed it.
    let mut pending: Option<usize> = None;
    let mut line = 1;
    let mut line_start = 0;
    let mut i = 0;
    let column = |i: usize, line_start: usize| src[line_start..i].chars().count() + 1;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            line_start = i + 1;
            i += 1;
            // A blank line separates a comment from what follows.
            let rest = &src[i..];
            let blank = rest.find('\n').is_some_and(|n| rest[..n].trim().is_empty());
            if blank {
                pending = None;
            }
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let (tl, tc) = (line, column(i, line_start));
        if src[i..].starts_with("//") {
            let end = src[i..].find('\n').map_or(b.len(), |n| i + n);
            comments.push(Comment {
                text: src[i + 2..end].trim().to_string(),
            });
            if tokens.is_empty() && first_comment.is_none() {
                first_comment = Some(comments.len() - 1);
            }
            // Only a comment that starts its line describes what follows it.
            pending = starts_line(src, line_start, i).then(|| comments.len() - 1);
            i = end;
            continue;
        }
        if src[i..].starts_with("/*") {
            let Some(n) = src[i + 2..].find("*/") else {
                return Err(CmlError::new(
                    tl,
                    tc,
                    "a comment opened here is never closed (missing */)".into(),
                ));
            };
            let end = i + 2 + n + 2;
            let own_line = starts_line(src, line_start, i);
            let inner = &src[i + 2..end - 2];
            let text = inner.strip_prefix('*').unwrap_or(inner);
            comments.push(Comment {
                text: text.trim().to_string(),
            });
            if tokens.is_empty() && first_comment.is_none() {
                first_comment = Some(comments.len() - 1);
            }
            for (k, ch) in inner.char_indices() {
                if ch == '\n' {
                    line += 1;
                    line_start = i + 2 + k + 1;
                }
            }
            pending = own_line.then(|| comments.len() - 1);
            i = end;
            continue;
        }
        let start = i;
        let tok = if c == b'"' || c == b'\'' {
            let mut value = String::new();
            let mut j = i + 1;
            let mut closed = false;
            while j < b.len() {
                let ch = src[j..].chars().next().unwrap_or('\0');
                if ch as u32 == c as u32 {
                    closed = true;
                    j += 1;
                    break;
                }
                if ch == '\\' {
                    let next = src[j + 1..].chars().next();
                    let Some(next) = next else { break };
                    value.push(match next {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        other => other,
                    });
                    if next == '\n' {
                        line += 1;
                        line_start = j + 2;
                    }
                    j += 1 + next.len_utf8();
                    continue;
                }
                if ch == '\n' {
                    line += 1;
                    line_start = j + 1;
                }
                value.push(ch);
                j += ch.len_utf8();
            }
            if !closed {
                return Err(CmlError::new(
                    tl,
                    tc,
                    "a string opened here is never closed (missing quote)".into(),
                ));
            }
            i = j;
            Tok::Str(value)
        } else if c == b'^' || c == b'_' || src[i..].chars().next().is_some_and(char::is_alphabetic)
        {
            let mut j = if c == b'^' { i + 1 } else { i };
            let name_start = j;
            for ch in src[j..].chars() {
                if ch.is_alphanumeric() || ch == '_' {
                    j += ch.len_utf8();
                } else {
                    break;
                }
            }
            if j == name_start {
                return Err(CmlError::new(
                    tl,
                    tc,
                    "`^` must be followed by a name".into(),
                ));
            }
            i = j;
            Tok::Ident(src[name_start..j].to_string())
        } else if c.is_ascii_digit() {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
                j += 1;
            }
            i = j;
            Tok::Number(src[start..j].to_string())
        } else if src[i..].starts_with("<->") {
            i += 3;
            Tok::Punct("<->")
        } else if src[i..].starts_with("<-") {
            i += 2;
            Tok::Punct("<-")
        } else if src[i..].starts_with("->") {
            i += 2;
            Tok::Punct("->")
        } else if let Some(p) = PUNCT.iter().find(|p| p.as_bytes()[0] == c) {
            i += 1;
            Tok::Punct(p)
        } else {
            let ch = src[i..].chars().next().unwrap_or('?');
            return Err(CmlError::new(
                tl,
                tc,
                format!("unexpected character `{ch}`"),
            ));
        };
        tokens.push(Token {
            tok,
            start,
            end: i,
            line: tl,
            column: tc,
            end_line: line,
            comment: pending.take(),
        });
    }
    let eof_column = column(b.len(), line_start);
    Ok(Lexed {
        src,
        tokens,
        comments,
        first_comment,
        eof_line: line,
        eof_column,
    })
}

fn starts_line(src: &str, line_start: usize, at: usize) -> bool {
    src[line_start..at].trim().is_empty()
}
