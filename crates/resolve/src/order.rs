//! The reference implementation's error order: the checker finds errors in its own
//! order; `chocopy-ref` reports them in the order of its passes. This module sorts
//! them so (used by [`crate::check`] and the JSON ASTs, so that error lists compare
//! equal to the reference's).
//!
//! - Type errors: by the declaration or statement being checked (source order),
//!   the errors of one statement in the order found (a stable sort).
//! - Declaration errors: by the order of the reference's declaration analysis
//!   ([`reference_decl_order`]), found by one walk over the declarations.

use crate::lower::{DeclSlot, Finding, Site};
use crate::SemanticError;
use chocopy_syntax::ast::{self, AstNode};
use chocopy_syntax::{SyntaxKind, SyntaxToken};
use rustc_hash::FxHashMap as HashMap;

/// The errors of `findings` (all from checking `file`) in the reference's order.
pub fn reference_order(file: &ast::SourceFile, findings: Vec<Finding>) -> Vec<SemanticError> {
    let declarations = findings
        .iter()
        .any(|f| matches!(f.site, Site::Declaration(_)));
    let order = if declarations {
        reference_decl_order(file)
    } else {
        HashMap::default()
    };
    let mut keyed: Vec<(u32, SemanticError)> = findings
        .into_iter()
        .map(|f| {
            let key = match f.site {
                Site::Statement(at) => at,
                Site::Declaration(slot) => order.get(&slot).copied().unwrap_or(u32::MAX),
            };
            (key, f.error)
        })
        .collect();
    keyed.sort_by_key(|(k, _)| *k);
    keyed.into_iter().map(|(_, e)| e).collect()
}

/// The order in which the reference's declaration analysis visits the identifiers
/// and type annotations where its errors are reported, as observed with
/// `chocopy-ref` itself (crates/resolve/test_data/errors/order_*.py):
/// 1. every top-level name (and a class's superclass) in source order;
/// 2. class by class, each member in order: an attribute's name; a method's
///    parameters, its local declarations and its nested functions, recursively,
///    then its name (a duplicate method is not analysed further; the others are
///    checked against the superclasses after their bodies);
/// 3. every top-level function in source order: its parameters, its local
///    declarations, then its nested functions, recursively;
/// 4. every type annotation of the program, in source order;
/// 5. every missing return, nested functions before the function enclosing them,
///    in source order.
///
/// Lowering finds these errors in another order; they are sorted by this one.
pub fn reference_decl_order(file: &ast::SourceFile) -> HashMap<DeclSlot, u32> {
    fn tok(t: Option<SyntaxToken>) -> Option<u32> {
        t.map(|t| t.text_range().start().into())
    }
    fn items(b: Option<ast::Block>) -> Vec<ast::Item> {
        b.map(|b| b.items().collect()).unwrap_or_default()
    }
    /// Parameters, local declarations and nested functions of `f` (step 2 and 3).
    fn function(f: &ast::FuncDef, out: &mut Vec<Option<u32>>) {
        for p in f
            .param_list()
            .into_iter()
            .flat_map(|l| l.params().collect::<Vec<_>>())
        {
            out.push(tok(p.name()));
        }
        let body = items(f.body());
        for item in &body {
            match item {
                ast::Item::VarDef(d) => out.push(tok(d.typed_var().and_then(|t| t.name()))),
                ast::Item::FuncDef(g) => out.push(tok(g.name())),
                ast::Item::GlobalDecl(g) => out.push(tok(g.name())),
                ast::Item::NonlocalDecl(n) => out.push(tok(n.name())),
                _ => {}
            }
        }
        for item in &body {
            if let ast::Item::FuncDef(g) = item {
                function(g, out);
            }
        }
    }
    /// Missing returns of `f`'s nested functions, then of `f` (step 5).
    fn returns(f: &ast::FuncDef, all_paths: &mut Vec<u32>) {
        for item in items(f.body()) {
            if let ast::Item::FuncDef(g) = item {
                returns(&g, all_paths);
            }
        }
        all_paths.extend(tok(f.name()));
    }
    let top: Vec<ast::Item> = file.items().collect();
    let mut out: Vec<Option<u32>> = Vec::new();
    for item in &top {
        match item {
            ast::Item::VarDef(d) => out.push(tok(d.typed_var().and_then(|t| t.name()))),
            ast::Item::FuncDef(f) => out.push(tok(f.name())),
            ast::Item::ClassDef(c) => {
                out.push(tok(c.name()));
                out.push(tok(c.superclass()));
            }
            _ => {}
        }
    }
    for item in &top {
        if let ast::Item::ClassDef(c) = item {
            for member in items(c.body()) {
                match member {
                    ast::Item::VarDef(d) => out.push(tok(d.typed_var().and_then(|t| t.name()))),
                    ast::Item::FuncDef(f) => {
                        // A method's own errors come after those of its body.
                        function(&f, &mut out);
                        out.push(tok(f.name()));
                    }
                    _ => {}
                }
            }
        }
    }
    for item in &top {
        if let ast::Item::FuncDef(f) = item {
            function(f, &mut out);
        }
    }
    for node in file.syntax().descendants() {
        if node.kind() == SyntaxKind::NAME_TYPE {
            out.push(Some(node.text_range().start().into()));
        }
    }
    let mut all_paths = Vec::new();
    for item in &top {
        match item {
            ast::Item::FuncDef(f) => returns(f, &mut all_paths),
            ast::Item::ClassDef(c) => {
                for member in items(c.body()) {
                    if let ast::Item::FuncDef(f) = member {
                        returns(&f, &mut all_paths);
                    }
                }
            }
            _ => {}
        }
    }
    let mut order = HashMap::default();
    for (seq, slot) in out.iter().enumerate() {
        if let Some(at) = slot {
            order.entry((*at, false)).or_insert(seq as u32);
        }
    }
    let base = out.len();
    for (seq, at) in all_paths.into_iter().enumerate() {
        order.entry((at, true)).or_insert((base + seq) as u32);
    }
    order
}
