//! Token-level mutations of a program, for testing the front end on input that is
//! mostly wrong in small ways: a token deleted, two tokens swapped, a token
//! duplicated or replaced, a word inserted (often a Python keyword that ChocoPy
//! reserves, such as `assert`, `with` or `yield`).
//!
//! Tokens come from our lexer ([`chocopy_syntax::lexer::lex`]); layout tokens of
//! zero width (INDENT, DEDENT) are not mutated, the line breaks are.

use chocopy_syntax::lexer::lex;
use chocopy_syntax::SyntaxKind;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Words inserted or substituted: the Python keywords ChocoPy reserves, its own
/// keywords, and some operators and delimiters.
pub const WORDS: &[&str] = &[
    "as", "assert", "async", "await", "break", "continue", "del", "except", "finally", "from",
    "import", "lambda", "raise", "try", "with", "yield", "class", "def", "if", "elif", "else",
    "while", "for", "in", "return", "pass", "global", "nonlocal", "None", "True", "False", "and",
    "or", "not", "is", "self", "x", "int", "object", "(", ")", "[", "]", ":", ",", ".", "=", "==",
    "->", "+", "-", "<", "//", "%", "0", "\"s\"", "\n",
];

/// Literals substituted for literals (type errors, mostly).
const LITERALS: &[&str] = &["0", "1", "\"s\"", "\"\"", "True", "False", "None", "[]"];

/// The byte ranges and kinds of the mutable tokens of `text`.
fn token_ranges(text: &str) -> Vec<(usize, usize, SyntaxKind)> {
    let (tokens, _) = lex(text);
    let mut out = Vec::new();
    let mut at = 0usize;
    for t in tokens {
        let len = t.len as usize;
        if len > 0 && !t.kind.is_trivia() && t.kind != SyntaxKind::ERROR {
            out.push((at, at + len, t.kind));
        }
        at += len;
    }
    out
}

fn is_literal(k: SyntaxKind) -> bool {
    matches!(
        k,
        SyntaxKind::INT_NUMBER
            | SyntaxKind::STRING
            | SyntaxKind::IDSTRING
            | SyntaxKind::TRUE_KW
            | SyntaxKind::FALSE_KW
            | SyntaxKind::NONE_KW
    )
}

/// `text` with one to three random token-level mutations, chosen by `seed`.
pub fn mutate(text: &str, seed: u64) -> String {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut s = text.to_string();
    let n = 1 + rng.random_range(0..3);
    for _ in 0..n {
        let toks = token_ranges(&s);
        if toks.is_empty() {
            s.push_str(WORDS[rng.random_range(0..WORDS.len())]);
            continue;
        }
        let (a, b, _) = toks[rng.random_range(0..toks.len())];
        let word = WORDS[rng.random_range(0..WORDS.len())];
        let op = rng.random_range(0..7);
        if op >= 5 {
            // A name or a literal replaced by another of the program's names (or a
            // type name), or by another literal: mostly valid syntax with semantic
            // errors, for the type checker.
            let want: fn(SyntaxKind) -> bool = if op == 5 {
                |k| k == SyntaxKind::IDENT
            } else {
                is_literal
            };
            let sites: Vec<(usize, usize)> = toks
                .iter()
                .filter(|t| want(t.2))
                .map(|t| (t.0, t.1))
                .collect();
            if let Some(&(a, b)) = sites.get(rng.random_range(0..sites.len().max(1))) {
                let by = if op == 5 {
                    let names: Vec<&str> = toks
                        .iter()
                        .filter(|t| t.2 == SyntaxKind::IDENT)
                        .map(|t| &s[t.0..t.1])
                        .chain(["int", "str", "bool", "object", "self", "len", "print"])
                        .collect();
                    names[rng.random_range(0..names.len())].to_string()
                } else {
                    LITERALS[rng.random_range(0..LITERALS.len())].to_string()
                };
                s = format!("{}{by}{}", &s[..a], &s[b..]);
            }
            continue;
        }
        s = match op {
            0 => format!("{}{}", &s[..a], &s[b..]),
            1 => {
                // Swap with the next token (or a random one).
                let (c, d) = if rng.random_bool(0.7) {
                    toks.iter()
                        .find(|t| t.0 >= b)
                        .map_or((a, b), |t| (t.0, t.1))
                } else {
                    let t = toks[rng.random_range(0..toks.len())];
                    (t.0, t.1)
                };
                let ((a, b), (c, d)) = if c >= b {
                    ((a, b), (c, d))
                } else {
                    ((c, d), (a, b))
                };
                if c < b {
                    s
                } else {
                    format!("{}{}{}{}{}", &s[..a], &s[c..d], &s[b..c], &s[a..b], &s[d..])
                }
            }
            2 => format!("{}{} {}", &s[..b], " ", &s[a..]),
            3 => format!("{} {word} {}", &s[..a], &s[a..]),
            _ => format!("{}{word}{}", &s[..a], &s[b..]),
        };
    }
    s
}

/// `text` with the token-level mutations `bytes` describe, four bytes each: the
/// operation (delete, swap with the next token, duplicate, insert a word, replace by
/// a word), the token (two bytes, modulo the number of tokens) and the word. For
/// coverage-guided fuzzing: small changes of the bytes are small changes of the
/// program.
pub fn mutate_with_bytes(text: &str, bytes: &[u8]) -> String {
    let mut s = text.to_string();
    for op in bytes.chunks_exact(4).take(16) {
        let toks = token_ranges(&s);
        if toks.is_empty() {
            break;
        }
        let i = u16::from_le_bytes([op[1], op[2]]) as usize % toks.len();
        let (a, b, _) = toks[i];
        let word = WORDS[op[3] as usize % WORDS.len()];
        s = match op[0] % 5 {
            0 => format!("{}{}", &s[..a], &s[b..]),
            1 => match toks.get(i + 1) {
                Some(&(c, d, _)) => {
                    format!("{}{}{}{}{}", &s[..a], &s[c..d], &s[b..c], &s[a..b], &s[d..])
                }
                None => s,
            },
            2 => format!("{} {}", &s[..b], &s[a..]),
            3 => format!("{} {word} {}", &s[..a], &s[a..]),
            _ => format!("{}{word}{}", &s[..a], &s[b..]),
        };
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_deterministic_and_change_the_text() {
        let p = "x: int = 1\nif x == 1:\n    print(x)\n";
        let changed = (0..50).filter(|&s| mutate(p, s) != p).count();
        assert!(changed >= 45, "{changed}");
        assert_eq!(mutate(p, 7), mutate(p, 7));
    }
}
