//! Name resolution and type checking of chocopy-wasm.
//!
//! - [`lower`](lower::lower): typed AST to IR, resolving every name to an id and
//!   checking the typing rules (ChocoPy reference manual v2.2, chapter 5).
//! - [`json`]: the reference implementation's JSON AST, untyped and typed.
//!
//! The analyses of the IR (call graph, captured variables, extra parameters) are in
//! `chocopy_ir::analysis`: they read nothing but the IR.

#![warn(missing_docs)]

pub mod json;
pub mod lower;

use std::ops::Range;

/// A semantic error: a byte range of the source and the reference implementation's
/// message (e.g. "Not a variable: x").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemanticError {
    /// Byte range of the offending construct.
    pub range: Range<usize>,
    /// The message.
    pub message: String,
    /// The reference AST node the error is reported at (its `errorMsg` in the typed
    /// JSON AST).
    pub node: lower::NodeKey,
    /// What to show under the range in a diagnostic (e.g. "expected `int`, found
    /// `bool`"); may be empty.
    pub label: String,
}

/// Parses nothing: lowers an already parsed file. Returns the IR, or every semantic
/// error found (analysis goes on after an error).
pub fn check(
    file: &chocopy_syntax::ast::SourceFile,
) -> Result<chocopy_ir::Program, Vec<SemanticError>> {
    let (prog, errors) = lower::lower(file);
    if errors.is_empty() {
        Ok(prog)
    } else {
        Err(errors)
    }
}
