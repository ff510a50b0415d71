//! Name resolution and type checking of chocopy-wasm.
//!
//! The checker:
//! - [`lower`]: scopes, name resolution, the typing rules (ChocoPy reference manual
//!   v2.2, chapter 5) and lowering to IR ([`lower::analyze`]);
//! - [`errors`]: every kind of semantic error with its message.
//!
//! The reference implementation's formats, built on the checker's results (the
//! checker knows nothing of them):
//! - [`order`]: the reference's error order;
//! - [`json`]: the reference's JSON AST, untyped and typed, with its location
//!   conventions.
//!
//! The analyses of the IR (call graph, captured variables, extra parameters) are in
//! `chocopy_ir::analysis`: they read nothing but the IR.

#![warn(missing_docs)]

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod errors;
pub mod json;
pub mod lower;
pub mod order;

pub use errors::ErrorKind;

use std::ops::Range;

/// A semantic error: where, what, and the reference implementation's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemanticError {
    /// Byte range of the offending construct.
    pub range: Range<usize>,
    /// What is wrong.
    pub kind: ErrorKind,
    /// The message ([`ErrorKind::message`]), e.g. "Not a variable: x".
    pub message: String,
    /// The syntax element the error is reported at (a node's significant range, or
    /// an identifier token): the reference's typed AST shows the error as that
    /// node's `errorMsg`.
    pub node: chocopy_syntax::SyntaxPtr,
    /// What to show under the range in a diagnostic (e.g. "expected `int`, found
    /// `bool`"); may be empty.
    pub label: String,
}

impl SemanticError {
    /// The error `kind` at `node`, without a label.
    pub fn new(node: chocopy_syntax::SyntaxPtr, kind: ErrorKind) -> SemanticError {
        SemanticError {
            range: node.text_range(),
            message: kind.message(),
            kind,
            node,
            label: String::new(),
        }
    }
}

/// Checks an already parsed file and lowers it to IR. Returns the IR, or every
/// semantic error found (analysis goes on after an error), in the reference's order.
pub fn check(
    file: &chocopy_syntax::ast::SourceFile,
) -> Result<chocopy_ir::Program, Vec<SemanticError>> {
    let (prog, errors) = lower(file);
    if errors.is_empty() {
        Ok(prog)
    } else {
        Err(errors)
    }
}

/// Checks a parsed program and lowers it to IR; returns the IR and the semantic
/// errors in the reference's order. The IR is meaningful only when there are no
/// errors.
pub fn lower(file: &chocopy_syntax::ast::SourceFile) -> (chocopy_ir::Program, Vec<SemanticError>) {
    let a = lower::analyze(file, false);
    (a.program, order::reference_order(file, a.errors))
}

/// [`lower()`], also returning the type inferred for each expression node (for the
/// typed JSON AST).
pub fn lower_typed(
    file: &chocopy_syntax::ast::SourceFile,
) -> (chocopy_ir::Program, Vec<SemanticError>, lower::Typing) {
    let a = lower::analyze(file, true);
    (a.program, order::reference_order(file, a.errors), a.typing)
}

/// Checks one REPL entry against the declarations of the earlier entries and lowers
/// it ([`lower::analyze_after`]). Returns the entry's IR (the prelude's declarations,
/// functions without bodies, and the entry's code) and the prelude for the next
/// entry, or the entry's semantic errors in the reference's order (the session is
/// then unchanged).
pub fn check_entry(
    file: &chocopy_syntax::ast::SourceFile,
    prelude: &lower::Prelude,
) -> Result<(chocopy_ir::Program, lower::Prelude), Vec<SemanticError>> {
    let (a, next) = lower::analyze_after(file, false, Some(prelude));
    if a.errors.is_empty() {
        Ok((a.program, next))
    } else {
        Err(order::reference_order(file, a.errors))
    }
}
