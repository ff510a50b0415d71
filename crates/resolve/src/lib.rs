//! Name resolution, type checking and the closure analyses of chocopy-wasm.
//!
//! - [`lower`](lower::lower): typed AST to IR, resolving every name to an id and
//!   checking the typing rules (ChocoPy reference manual v2.2, chapter 5).
//! - [`json`]: the reference implementation's JSON AST, untyped and typed.
//! - [`callgraph`]: the call graph of the IR (petgraph), its strongly connected
//!   components, recursion and call-site counts.
//! - [`captures`]: per function, its free variables; which variables are captured,
//!   assigned, and nonlocally mutable (assigned by a function other than their owner);
//!   and the extra parameters lambda lifting needs, computed per SCC.
//!
//! The analyses work on IR, so they can be recomputed after any pass (the closure
//! pipeline re-analyses after inlining, as the design notes require).

#![warn(missing_docs)]

pub mod callgraph;
pub mod captures;
pub mod json;
pub mod lower;

pub use callgraph::CallGraph;
pub use captures::Captures;

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
